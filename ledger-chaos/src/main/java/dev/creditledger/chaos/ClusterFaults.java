package dev.creditledger.chaos;

import dev.creditledger.devstack.ReplicatedPostgres;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The phases of the second cluster (issue 19), each under a steady load on a ledger of the default cluster and one of
 * the second cluster ({@link SteadyLoad}: every write retried with its key until acknowledged):
 * <ul>
 *   <li><b>cluster</b>: the second cluster's primary stopped {@code -m immediate} for {@code outage}, then started again.
 *       Its ledger answers 503 meanwhile and resumes by itself; the default cluster's ledger keeps acknowledging, its
 *       rate during the outage reported against its rate just before (the issue asks within 20%);</li>
 *   <li><b>move</b>: a ledger of the default cluster moved to the second one by the operator API while its load goes on;
 *       the move's fence (writes answered 503 and retried) and the writes acknowledged after the switch are reported,
 *       and the ledger must then live on the second cluster;</li>
 *   <li><b>failover</b>: the second cluster's primary killed with -9 and its synchronous standby promoted; the service
 *       follows by itself, and the time from the kill to the next acknowledged write there is reported.</li>
 * </ul>
 * After each, every wallet holds exactly its load's acknowledged writes (nothing acknowledged lost, nothing applied
 * twice) and {@code ledger verify} is clean across the clusters.
 */
final class ClusterFaults {

    static final Duration BEFORE_FAULT = Duration.ofSeconds(6);
    static final Duration RECOVERY_WAIT = Duration.ofSeconds(90);
    static final int CLIENTS_PER_LEDGER = 4;

    /** What a phase found and measured. */
    record Outcome(List<String> findings, long acknowledged, long unanswered, String figures) {}

    private final KitAdmin admin;
    private final ReplicatedPostgres cluster;

    ClusterFaults(KitAdmin admin, ReplicatedPostgres cluster) {
        this.admin = admin;
        this.cluster = cluster;
    }

    Outcome outage(ServiceProcess service, Duration outage) throws IOException, InterruptedException {
        var onDefault = wallets(service, "chaos-steady-main", "main");
        var onSecond = wallets(service, "chaos-steady-c2", ChaosInfrastructure.SECOND_CLUSTER);
        List<String> findings = new ArrayList<>();
        String figures;
        try (var mainLoad = onDefault.load(service, "main"); var secondLoad = onSecond.load(service, "c2")) {
            sleep(BEFORE_FAULT);
            long stopped = System.nanoTime();
            cluster.stopPrimaryImmediately();
            sleep(outage);
            long during = System.nanoTime();
            long unansweredBefore = secondLoad.unanswered();
            cluster.startPrimary();
            long restarted = System.nanoTime();
            long resumed = awaitAcknowledgementAfter(secondLoad, restarted, findings, "the second cluster's ledger after its primary restarted");
            double before = mainLoad.rate(stopped - BEFORE_FAULT.toNanos() + Duration.ofSeconds(1).toNanos(), stopped);
            double meanwhile = mainLoad.rate(stopped + Duration.ofSeconds(1).toNanos(), during);
            if (secondLoad.unanswered() == 0 && unansweredBefore == 0) {
                findings.add("the second cluster's ledger was never refused while its primary was down");
            }
            figures = String.format("default cluster %.0f/s before, %.0f/s during (%.2f); second cluster resumed %d ms after its restart",
                    before, meanwhile, before == 0 ? 0 : meanwhile / before, resumed < 0 ? -1 : (resumed - restarted) / 1_000_000);
        }
        long acknowledged = check(service, onDefault, findings) + check(service, onSecond, findings);
        var verify = admin.verify(service);
        if (!verify.path("clean").asBoolean()) {
            findings.add("verify after the cluster outage: " + verify.path("differences"));
        }
        return new Outcome(findings, acknowledged, onDefault.unanswered() + onSecond.unanswered(), figures);
    }

    Outcome move(ServiceProcess service) throws IOException, InterruptedException {
        var moved = wallets(service, "chaos-move", "main");
        List<String> findings = new ArrayList<>();
        String figures;
        try (var load = moved.load(service, "move")) {
            sleep(BEFORE_FAULT);
            long beforeMove = load.acknowledged();
            var answer = admin.send(service, "POST", "/v1/admin/ledgers/" + moved.ledger.id() + "/move", admin.operatorKey(),
                    "{\"cluster\":\"" + ChaosInfrastructure.SECOND_CLUSTER + "\"}", null);
            long switched = System.nanoTime();
            if (answer == null || answer.statusCode() != 200) {
                findings.add("the move answered " + (answer == null ? "nothing" : answer.statusCode() + " " + answer.body()));
                figures = "the move failed";
            } else {
                var report = KitAdmin.json(answer);
                long resumed = awaitAcknowledgementAfter(load, switched, findings, "after the move switched the directory");
                sleep(BEFORE_FAULT);
                figures = String.format("%d writes acknowledged before the move; fence %d ms, copy %d ms, %d rows, sequence %d; "
                                + "writes acknowledged again %d ms after the switch, %d after it in all",
                        beforeMove, report.path("fenceMs").asLong(), report.path("copyMs").asLong(), report.path("rowsCopied").asLong(),
                        report.path("lastSeq").asLong(), resumed < 0 ? -1 : (resumed - switched) / 1_000_000,
                        load.acknowledged() - beforeMove);
            }
        }
        var placed = KitAdmin.json(admin.send(service, "GET", "/v1/admin/ledgers/" + moved.ledger.id(), admin.operatorKey(), null, null));
        if (!ChaosInfrastructure.SECOND_CLUSTER.equals(placed.path("cluster").asString())) {
            findings.add("after the move the ledger lives on " + placed.path("cluster").asString());
        }
        long acknowledged = check(service, moved, findings);
        var verify = admin.verify(service);
        if (!verify.path("clean").asBoolean()) {
            findings.add("verify after the move: " + verify.path("differences"));
        }
        return new Outcome(findings, acknowledged, moved.unanswered(), figures);
    }

    Outcome failover(ServiceProcess service) throws IOException, InterruptedException {
        var onSecond = wallets(service, "chaos-failover-c2", ChaosInfrastructure.SECOND_CLUSTER);
        List<String> findings = new ArrayList<>();
        String figures;
        if (!cluster.standbyIsSynchronous()) {
            findings.add("the second cluster's standby was not synchronous before the failover");
        }
        try (var load = onSecond.load(service, "failover")) {
            sleep(BEFORE_FAULT);
            long killed = System.nanoTime();
            cluster.killPrimary();
            cluster.promoteStandby();
            long promoted = System.nanoTime();
            long resumed = awaitAcknowledgementAfter(load, promoted, findings, "after the standby was promoted");
            sleep(Duration.ofSeconds(2));
            figures = String.format("promoted %d ms after the kill; writes acknowledged again %d ms after the kill",
                    (promoted - killed) / 1_000_000, resumed < 0 ? -1 : (resumed - killed) / 1_000_000);
        }
        long acknowledged = check(service, onSecond, findings);
        var verify = admin.verify(service);
        if (!verify.path("clean").asBoolean()) {
            findings.add("verify after the failover: " + verify.path("differences"));
        }
        return new Outcome(findings, acknowledged, onSecond.unanswered(), figures);
    }

    /** A ledger on a cluster with an issuer and a wallet, and its load once started. */
    private final class Wallets {
        final KitAdmin.Ledger ledger;
        final java.util.UUID issuer;
        final java.util.UUID wallet;
        SteadyLoad load;

        Wallets(KitAdmin.Ledger ledger, java.util.UUID issuer, java.util.UUID wallet) {
            this.ledger = ledger;
            this.issuer = issuer;
            this.wallet = wallet;
        }

        SteadyLoad load(ServiceProcess service, String name) {
            load = new SteadyLoad(service, ledger.key(), issuer, wallet, CLIENTS_PER_LEDGER, name);
            return load;
        }

        long unanswered() {
            return load == null ? 0 : load.unanswered();
        }
    }

    private Wallets wallets(ServiceProcess service, String name, String clusterName) throws IOException {
        var ledger = admin.ledger(service, name, clusterName);
        return new Wallets(ledger, admin.account(service, ledger, "{\"asset\":\"USD\"}"), admin.account(service, ledger, "{\"asset\":\"USD\"}"));
    }

    /** Every acknowledged write of the load once in its wallet; how many there were. */
    private long check(ServiceProcess service, Wallets wallets, List<String> findings) throws IOException {
        long acknowledged = wallets.load.acknowledged();
        long posted = admin.balance(service, wallets.ledger.key(), wallets.wallet).path("posted").asLong();
        if (wallets.load.abandoned() > 0) {
            findings.add(wallets.load.abandoned() + " writes of " + wallets.ledger.id() + " were never answered within "
                    + SteadyLoad.WRITE_DEADLINE.toSeconds() + " s");
        } else if (posted != acknowledged) {
            findings.add("the wallet of ledger " + wallets.ledger.id() + " holds " + posted + " after " + acknowledged
                    + " acknowledged writes of 1: " + (posted < acknowledged ? "an acknowledged write was lost" : "a write was applied twice"));
        }
        return acknowledged;
    }

    private static long awaitAcknowledgementAfter(SteadyLoad load, long nanos, List<String> findings, String what) throws InterruptedException {
        long deadline = System.nanoTime() + RECOVERY_WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            long first = load.firstAcknowledgementAfter(nanos);
            if (first > 0) {
                return first;
            }
            TimeUnit.MILLISECONDS.sleep(50); // the poll interval of this loop, bounded by its deadline
        }
        findings.add("no write was acknowledged " + what + " within " + RECOVERY_WAIT.toSeconds() + " s");
        return -1;
    }

    private static void sleep(Duration duration) throws InterruptedException {
        TimeUnit.MILLISECONDS.sleep(duration.toMillis());
    }
}
