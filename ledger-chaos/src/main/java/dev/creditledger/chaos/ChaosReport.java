package dev.creditledger.chaos;

import java.util.ArrayList;
import java.util.List;

/**
 * What a run of the kit did and found: one {@link Check} per fault (and per race run), each with the
 * checker's result, and the totals the report in docs/reliability.md quotes.
 */
final class ChaosReport {

    /** One fault and the check after it. */
    record Check(String phase, String fault, double seconds, long sentSoFar, Checker.Result result) {}

    private final ChaosSettings settings;
    private final List<Check> checks = new ArrayList<>();
    private int kills;
    private long replays;
    private long requests;

    ChaosReport(ChaosSettings settings) {
        this.settings = settings;
    }

    synchronized void add(Check check) {
        checks.add(check);
    }

    synchronized void killed() {
        kills++;
    }

    synchronized void replayed(long count) {
        replays += count;
    }

    synchronized void sent(long count) {
        requests += count;
    }

    synchronized List<Check> checks() {
        return List.copyOf(checks);
    }

    synchronized int kills() {
        return kills;
    }

    synchronized List<String> findings() {
        return checks.stream().flatMap(c -> c.result().findings().stream().map(f -> c.phase() + ": " + f)).toList();
    }

    /** Faults (and race runs) whose check found nothing. */
    synchronized long faultsSurvived() {
        return checks.stream().filter(c -> c.result().findings().isEmpty()).count();
    }

    /** The last check of each ledger counts that ledger's operations. */
    /** The ledgers (or groups of ledgers) of the run, in the order of the report: each phase's counts are of one of them. */
    private static final List<String> LEDGERS = List.of("faults", "race", "sagas", "cluster", "move", "failover");
    /** The phases on the faults ledger; the others have ledgers of their own. */
    private static final java.util.Set<String> FAULT_PHASES = java.util.Set.of("kill", "postgres", "kafka", "two");

    /** The name of the ledger (or ledgers) a phase's counts are of: "faults", "race" or "sagas". */
    private static String ledgerOf(Check check) {
        return FAULT_PHASES.contains(check.phase()) ? "faults" : check.phase();
    }

    /** The counts are cumulative per ledger: the last check of each ledger has them all. */
    private List<Checker.Result> lastPerLedger() {
        List<Checker.Result> last = new ArrayList<>();
        for (var ledger : LEDGERS) {
            checks.stream().filter(c -> ledgerOf(c).equals(ledger)).reduce((a, b) -> b).map(Check::result).ifPresent(last::add);
        }
        return last;
    }

    synchronized String text() {
        var out = new StringBuilder();
        out.append("Chaos kit, size ").append(settings.size()).append(", seed ").append(settings.seed()).append('\n');
        out.append(String.format("%-10s %-58s %7s %9s %9s %8s %8s %7s %8s%n", "phase", "fault", "seconds", "ops", "acked", "refused",
                "unknown", "present", "findings"));
        for (var check : checks) {
            var r = check.result();
            out.append(String.format("%-10s %-58s %7.1f %9d %9d %8d %8d %7d %8d%n", check.phase(), check.fault(), check.seconds(), r.keys(),
                    r.acknowledged(), r.rejected(), r.unknown(), r.unknownPresent(), r.findings().size()));
        }
        long ops = 0;
        long acked = 0;
        long refused = 0;
        long unknown = 0;
        long present = 0;
        long entries = 0;
        long events = 0;
        long redeliveries = 0;
        for (var r : lastPerLedger()) {
            ops += r.keys();
            acked += r.acknowledged();
            refused += r.rejected();
            unknown += r.unknown();
            present += r.unknownPresent();
            entries += r.entries();
            events = Math.max(events, r.eventRecords());
            redeliveries = Math.max(redeliveries, r.eventRedeliveries());
        }
        out.append(String.format("checks %d, kills -9 %d, faults survived %d of %d; operations %d (acknowledged %d, refused %d, "
                        + "unknown %d of which %d in the journal), requests %d, replays %d; journal entries %d; events read %d "
                        + "(redelivered %d); findings %d%n", checks.size(), kills, faultsSurvived(), checks.size(), ops, acked, refused,
                unknown, present, requests, replays, entries, events, redeliveries, findings().size()));
        for (var check : LEDGERS) {
            checks.stream().filter(c -> ledgerOf(c).equals(check)).reduce((a, b) -> b)
                    .ifPresent(c -> out.append("sendings without an answer (").append(check).append("): ")
                            .append(c.result().unknownCauses()).append('\n'));
        }
        findings().forEach(f -> out.append("FINDING ").append(f).append('\n'));
        return out.toString();
    }
}
