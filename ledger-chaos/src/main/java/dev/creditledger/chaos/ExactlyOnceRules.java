package dev.creditledger.chaos;

import dev.creditledger.chaos.OpResult.Outcome;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * The checker's rules between what clients were told and what the journal holds, as pure functions of the
 * recorded results and the journal's entries (so each rule is tested on its own, {@code ExactlyOnceRulesTest}):
 * an acknowledged operation is there exactly once and as acknowledged, a refused one is not there, one with
 * an unknown outcome is there at most once; nothing is there that no client sent (but the expiries of grants,
 * the ledger's own entries); a hold is resolved at most once; a grant never expires more than it granted, nor
 * a transfer is reversed beyond what it posted.
 */
final class ExactlyOnceRules {

    static final String GRANT_EXPIRY = "GRANT_EXPIRY";

    private ExactlyOnceRules() {}

    /** An entry of the journal as the rules need it: its postings' accounts by side (DEBIT, CREDIT). */
    record JournalEntry(UUID id, long seq, String kind, long amount, UUID reference, String key, String opMetadata,
                        Map<String, UUID> accountsBySide) {}

    /** Returns {acknowledged, rejected, unknown, unknown and present} counts of operations (keys). */
    static long[] checkOperations(Map<String, List<OpResult>> byKey, Map<UUID, JournalEntry> entries, List<String> findings) {
        Map<String, List<JournalEntry>> entriesByKey = entries.values().stream()
                .filter(e -> e.key() != null && !e.kind().equals(GRANT_EXPIRY))
                .collect(Collectors.groupingBy(JournalEntry::key));
        long acknowledged = 0;
        long rejected = 0;
        long unknown = 0;
        long unknownPresent = 0;
        for (var keyed : byKey.entrySet()) {
            var key = keyed.getKey();
            var op = keyed.getValue().getFirst().op();
            var found = entriesByKey.getOrDefault(key, List.of());
            var acks = keyed.getValue().stream().filter(r -> r.outcome() == Outcome.ACKNOWLEDGED).toList();
            // A 429 is the rate limiter refusing before the ledger sees the request: no answer about the operation.
            var refusals = keyed.getValue().stream().filter(r -> r.outcome() == Outcome.REJECTED && r.status() != 429).toList();
            if (!acks.isEmpty()) {
                acknowledged++;
                var ids = acks.stream().map(OpResult::entryId).collect(Collectors.toSet());
                if (ids.size() != 1 || ids.contains(null)) {
                    findings.add(key + ": acknowledged with entry ids " + ids);
                }
                if (!refusals.isEmpty()) {
                    findings.add(key + ": acknowledged and also refused " + refusals.getFirst().status() + " " + refusals.getFirst().code());
                }
                acks.stream().filter(a -> a.amountMinor() != null && a.amountMinor() != op.amountMinor()).findFirst()
                        .ifPresent(a -> findings.add(key + ": acknowledged amount " + a.amountMinor() + ", requested " + op.amountMinor()));
                if (found.size() != 1) {
                    findings.add(key + ": acknowledged, but the journal has " + found.size() + " entries with its key");
                } else {
                    if (!found.getFirst().id().equals(acks.getFirst().entryId())) {
                        findings.add(key + ": acknowledged as entry " + acks.getFirst().entryId() + ", the journal has " + found.getFirst().id());
                    }
                    matches(op, found.getFirst(), findings);
                }
            } else if (!refusals.isEmpty()) {
                rejected++;
                var codes = refusals.stream().map(OpResult::code).collect(Collectors.toSet());
                if (codes.size() > 1) {
                    findings.add(key + ": refused with different codes " + codes);
                }
                if (!found.isEmpty()) {
                    findings.add(key + ": refused " + codes + ", but the journal has " + found.size() + " entries with its key");
                }
            } else {
                unknown++;
                if (found.size() > 1) {
                    findings.add(key + ": outcome unknown, and the journal has " + found.size() + " entries with its key");
                } else if (found.size() == 1) {
                    unknownPresent++;
                    matches(op, found.getFirst(), findings);
                }
            }
        }
        return new long[] {acknowledged, rejected, unknown, unknownPresent};
    }

    /** The entry is what the operation asked for. */
    private static void matches(Op op, JournalEntry entry, List<String> findings) {
        var want = op.kind().entryKind() + " " + op.amountMinor() + " " + op.debited() + "->" + op.credited() + " ref " + op.target();
        var debit = entry.accountsBySide().get("DEBIT");
        var credit = entry.accountsBySide().get("CREDIT");
        boolean accountsMatch = op.kind() == Op.Kind.VOID
                ? Set.of(op.debited(), op.credited()).equals(new HashSet<>(entry.accountsBySide().values()))
                : op.debited().equals(debit) && op.credited().equals(credit);
        if (!op.kind().entryKind().equals(entry.kind()) || op.amountMinor() != entry.amount() || !accountsMatch
                || !Objects.equals(op.target(), entry.reference())) {
            findings.add(op.key() + ": asked for " + want + ", the journal has " + entry.kind() + " " + entry.amount() + " " + debit
                    + "->" + credit + " ref " + entry.reference());
        }
    }

    /** No entry the load did not send; each hold resolved at most once; reversals within what they reverse. */
    static void checkEntries(Map<UUID, JournalEntry> entries, Set<String> keys, List<String> findings) {
        Map<UUID, Integer> resolutions = new HashMap<>();
        Map<UUID, Long> reversed = new HashMap<>();
        Map<UUID, Long> expired = new HashMap<>();
        for (var entry : entries.values()) {
            if (entry.kind().equals(GRANT_EXPIRY)) {
                // The ledger's own entry, in the batch of whichever command found the grant expired (or the worker's).
                var grant = entries.get(entry.reference());
                if (grant == null || !grant.kind().equals("GRANT")) {
                    findings.add("grant expiry " + entry.id() + " refers to " + entry.reference() + ", which is no grant");
                }
                expired.merge(entry.reference(), entry.amount(), Long::sum);
                continue;
            }
            if (entry.key() == null || !keys.contains(entry.key())) {
                findings.add("entry " + entry.id() + " (" + entry.kind() + ", seq " + entry.seq() + ", key " + entry.key()
                        + ") was not sent by the load");
            } else if (!entry.key().equals(entry.opMetadata())) {
                findings.add("entry " + entry.id() + " has key " + entry.key() + " but the metadata of operation " + entry.opMetadata());
            }
            switch (entry.kind()) {
                case "CAPTURE", "VOID", "EXPIRY" -> resolutions.merge(entry.reference(), 1, Integer::sum);
                case "REVERSAL" -> reversed.merge(entry.reference(), entry.amount(), Long::sum);
                default -> { }
            }
        }
        resolutions.forEach((hold, times) -> {
            if (times > 1) {
                findings.add("hold " + hold + " was resolved " + times + " times");
            }
        });
        // A grant may expire more than once: what a refund or a void gives back to an expired grant expires again.
        expired.forEach((grant, amount) -> {
            var original = entries.get(grant);
            if (original != null && amount > original.amount()) {
                findings.add("grant " + grant + " expired " + amount + " in all, more than it granted");
            }
        });
        reversed.forEach((transfer, amount) -> {
            var original = entries.get(transfer);
            if (original == null || amount > original.amount()) {
                findings.add("transfer " + transfer + " was reversed by " + amount + ", more than it posted");
            }
        });
    }
}
