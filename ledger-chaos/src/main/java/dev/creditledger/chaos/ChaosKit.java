package dev.creditledger.chaos;

import dev.creditledger.devstack.FreePorts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the faults of issue 9 in a row against the production jar, each followed by the {@link Checker}:
 * <ol>
 *   <li><b>kill</b>: {@code kill -9} of the service at a random moment under load, then a restart, {@code kills}
 *       times;</li>
 *   <li><b>postgres</b>: PostgreSQL stopped with {@code -m immediate} under load and started again; the service
 *       must answer 503 with Retry-After meanwhile (the checker sees every answer) and must recover by itself;</li>
 *   <li><b>kafka</b>: the broker stopped and started again under load; writes must continue while it is down,
 *       and every event must be on Kafka afterwards;</li>
 *   <li><b>two</b>: a second instance on the same database, the load spread over both, one of them killed with
 *       {@code -9} under load;</li>
 *   <li><b>race</b>: a ledger of its own, many clients on few wallets, no fault;</li>
 *   <li><b>sagas</b>: transfers between two ledgers on two clusters, the service halted (as by {@code kill -9}) right
 *       after each step took effect and before it was recorded; another start finishes each exactly once;</li>
 *   <li><b>cluster</b>, <b>move</b> and <b>failover</b>: the second cluster's primary stopped; a ledger moved to it; its
 *       primary killed with its standby promoted; each under steady loads ({@link ClusterFaults}).</li>
 * </ol>
 * The load keeps running through every fault; it is paused only while the checker runs.
 */
public final class ChaosKit {

    private static final Logger log = LoggerFactory.getLogger(ChaosKit.class);
    static final String TOPIC_PREFIX = "chaos";
    static final Duration RECOVERY_WAIT = Duration.ofSeconds(60);
    static final Duration AFTER_FAULT_UNDER_LOAD = Duration.ofSeconds(2);
    static final String JAVA_OPTIONS_DEFAULT = "-Xms128m -Xmx512m";

    private final ChaosSettings settings;
    private final ChaosReport report;
    private final Random random;

    private ChaosKit(ChaosSettings settings) {
        this.settings = settings;
        this.report = new ChaosReport(settings);
        this.random = new Random(settings.seed());
    }

    /**
     * Runs every fault; the report holds the checker's findings (none, if the ledger kept its promises) and is
     * also written to {@code <workDir>/chaos-report.txt}.
     */
    static ChaosReport run(ChaosSettings settings) throws Exception {
        var kit = new ChaosKit(settings);
        kit.runAll();
        Files.writeString(settings.workDir().resolve("chaos-report.txt"), kit.report.text());
        return kit.report;
    }

    private void runAll() throws Exception {
        var workDir = settings.workDir().toAbsolutePath();
        clean(workDir);
        try (var infrastructure = ChaosInfrastructure.start(workDir);
             var events = new EventTally(infrastructure.kafkaBootstrap(), TOPIC_PREFIX)) {
            var operatorKey = "chaos-operator-" + UUID.randomUUID();
            Map<String, String> environment = Map.of("LEDGER_DB_URL", infrastructure.journalUrl(), "LEDGER_ADMIN_KEY", operatorKey,
                    "LEDGER_KAFKA_BOOTSTRAP", infrastructure.kafkaBootstrap(), "LEDGER_KAFKA_TOPIC_PREFIX", TOPIC_PREFIX,
                    "LEDGER_PROJECTIONS_DB_URL", infrastructure.projectionsUrl(), "LEDGER_CLUSTERS", infrastructure.otherClusters());
            var javaOptions = System.getProperty("ledger.chaos.java-opts", JAVA_OPTIONS_DEFAULT);
            var a = new ServiceProcess("service-a", FreePorts.one(), settings.serverJar(), javaOptions, environment, workDir);
            var b = new ServiceProcess("service-b", FreePorts.one(), settings.serverJar(), javaOptions, environment, workDir);
            var checker = new Checker(infrastructure.journal(), infrastructure.projections(), events);
            try {
                a.start();
                var ledger = ChaosLedger.create(a, operatorKey, "chaos-faults", settings.wallets());
                try (var load = new RecordingLoad(ledger, List.of(a), settings.clients(), settings.seed())) {
                    load.start();
                    var phases = new Phases(ledger, load, checker);
                    for (int kill = 1; kill <= settings.kills(); kill++) {
                        phases.kill(a, kill);
                    }
                    phases.postgres(infrastructure);
                    phases.kafka(infrastructure);
                    phases.twoInstances(a, b);
                    load.pause();
                    report.sent(load.sentCount());
                }
                race(a, operatorKey, checker);
                sagas(new SagaCrashes(settings.serverJar(), javaOptions, environment, workDir, operatorKey), a);
                var clusterFaults = new ClusterFaults(new KitAdmin(operatorKey), infrastructure.secondCluster());
                clusterPhase("cluster", "cluster c2's primary stopped -m immediate for " + settings.postgresDown().toSeconds() + " s",
                        () -> clusterFaults.outage(a, settings.postgresDown()));
                clusterPhase("move", "a ledger of cluster main moved to c2 under load", () -> clusterFaults.move(a));
                clusterPhase("failover", "cluster c2's primary killed -9, its synchronous standby promoted", () -> clusterFaults.failover(a));
            } finally {
                b.stop();
                a.stop();
            }
        }
    }

    /** The fault phases on the faults ledger, sharing one load. */
    private final class Phases {
        private final ChaosLedger ledger;
        private final RecordingLoad load;
        private final Checker checker;
        private int checkedResults;

        Phases(ChaosLedger ledger, RecordingLoad load, Checker checker) {
            this.ledger = ledger;
            this.load = load;
            this.checker = checker;
        }

        void kill(ServiceProcess service, int number) throws Exception {
            long started = System.nanoTime();
            sleepBetween(settings.upBeforeKillMin(), settings.upBeforeKillMax());
            long unansweredBefore = load.unansweredBy(service);
            service.kill();
            report.killed();
            log.info("kill {}: {} killed with -9 under load", number, service.name());
            service.start();
            long lost = load.unansweredBy(service) - unansweredBefore;
            check("kill", "kill -9 #" + number + " of " + service.name() + " (" + lost + " answers lost), restarted", started, List.of());
        }

        void postgres(ChaosInfrastructure infrastructure) throws Exception {
            long started = System.nanoTime();
            sleep(AFTER_FAULT_UNDER_LOAD);
            int sentBefore = load.results().size();
            infrastructure.stopPostgresImmediately();
            log.info("PostgreSQL stopped -m immediate under load");
            sleep(settings.postgresDown());
            var sentSoFar = load.results();
            var duringOutage = sentSoFar.subList(sentBefore, sentSoFar.size());
            infrastructure.startPostgres();
            log.info("PostgreSQL started again");
            List<String> findings = new java.util.ArrayList<>();
            long outage503 = duringOutage.stream().filter(r -> r.status() == 503).count();
            if (outage503 == 0) {
                findings.add("no request was answered 503 while PostgreSQL was down (" + duringOutage.size() + " sent)");
            }
            awaitAcknowledgement("after PostgreSQL came back", findings);
            check("postgres", "PostgreSQL stopped -m immediate for " + settings.postgresDown().toSeconds() + " s under load ("
                    + outage503 + " answers 503)", started, findings);
        }

        void kafka(ChaosInfrastructure infrastructure) throws Exception {
            long started = System.nanoTime();
            sleep(AFTER_FAULT_UNDER_LOAD);
            infrastructure.stopKafka();
            log.info("Kafka stopped under load");
            long acknowledgedBefore = load.acknowledgedCount();
            sleep(settings.kafkaDown());
            long acknowledgedDuring = load.acknowledgedCount() - acknowledgedBefore;
            infrastructure.startKafka();
            log.info("Kafka started again; {} writes acknowledged while it was down", acknowledgedDuring);
            List<String> findings = new java.util.ArrayList<>();
            if (acknowledgedDuring == 0) {
                findings.add("no write was acknowledged while Kafka was down");
            }
            check("kafka", "Kafka stopped for " + settings.kafkaDown().toSeconds() + " s under load (" + acknowledgedDuring
                    + " writes acknowledged meanwhile)", started, findings);
        }

        void twoInstances(ServiceProcess a, ServiceProcess b) throws Exception {
            long started = System.nanoTime();
            b.start();
            load.target(List.of(a, b));
            sleepBetween(settings.upBeforeKillMin(), settings.upBeforeKillMax());
            var victim = random.nextBoolean() ? a : b;
            var survivor = victim == a ? b : a;
            long unansweredBefore = load.unansweredBy(victim);
            victim.kill();
            report.killed();
            log.info("two instances: {} killed with -9 under load, {} goes on", victim.name(), survivor.name());
            load.target(List.of(survivor));
            List<String> findings = new java.util.ArrayList<>();
            awaitAcknowledgement("by " + survivor.name() + " after " + victim.name() + " was killed", findings);
            long lost = load.unansweredBy(victim) - unansweredBefore;
            check("two", "two instances, " + victim.name() + " killed with -9 (" + lost + " answers lost)", started, findings);
            if (victim == a) {
                a.start();
            }
            load.target(List.of(a));
            b.stop();
        }

        private void awaitAcknowledgement(String when, List<String> findings) throws InterruptedException {
            long before = load.acknowledgedCount();
            long deadline = System.nanoTime() + RECOVERY_WAIT.toNanos();
            while (load.acknowledgedCount() == before) {
                if (System.nanoTime() > deadline) {
                    findings.add("no write was acknowledged " + when + " within " + RECOVERY_WAIT.toSeconds() + " s");
                    return;
                }
                TimeUnit.MILLISECONDS.sleep(50);
            }
        }

        private void check(String phase, String fault, long startedNanos, List<String> faultFindings)
                throws SQLException, InterruptedException {
            load.pause();
            try {
                var results = load.results();
                report.replayed(load.replay(results.subList(checkedResults, results.size())));
                var all = load.results();
                checkedResults = all.size();
                var result = checker.check(ledger, all, new HashSet<>(ledger.wallets())).withFindingsFirst(faultFindings);
                report.add(new ChaosReport.Check(phase, fault, (System.nanoTime() - startedNanos) / 1e9, load.sentCount(), result));
                log.info("{}: {}: {} operations, {} findings", phase, fault, result.keys(), result.findings().size());
            } finally {
                load.resume();
            }
        }
    }

    private void race(ServiceProcess service, String operatorKey, Checker checker) throws Exception {
        long started = System.nanoTime();
        var ledger = ChaosLedger.create(service, operatorKey, "chaos-race", settings.raceWallets());
        List<OpResult> results;
        try (var load = new RecordingLoad(ledger, List.of(service), settings.raceClients(), settings.seed() + 1)) {
            load.start();
            sleep(settings.raceDuration());
            long paused = System.nanoTime();
            load.pause();
            log.info("race: {} operations sent in {} s; the load paused in {} ms", load.sentCount(), settings.raceDuration().toSeconds(),
                    (System.nanoTime() - paused) / 1_000_000);
            long replaying = System.nanoTime();
            report.replayed(load.replay(load.results()));
            log.info("race: replays took {} ms", (System.nanoTime() - replaying) / 1_000_000);
            results = load.results();
            report.sent(load.sentCount());
            var result = checker.check(ledger, results, new HashSet<>(ledger.wallets()));
            report.add(new ChaosReport.Check("race", settings.raceClients() + " clients on " + settings.raceWallets()
                    + " noOverdraft wallets, storms of " + RecordingLoad.STORM_SENDERS, (System.nanoTime() - started) / 1e9,
                    load.sentCount(), result));
            load.resume();
        }
    }

    /**
     * The saga phase: the service halted after each step of transfers between clusters ({@link SagaCrashes}). Its counts:
     * four transfers, each request's answer lost with the halted process (unknown, and every one in the journals), three
     * acknowledged by the retry after the takeover and one refused (the destination account did not exist).
     */
    private void sagas(SagaCrashes crashes, ServiceProcess survivor) throws Exception {
        long started = System.nanoTime();
        var findings = crashes.run(survivor);
        report.add(new ChaosReport.Check("sagas", "halted after RESERVE, CREDIT, CAPTURE and VOID of transfers between clusters",
                (System.nanoTime() - started) / 1e9, 0, new Checker.Result(List.copyOf(findings), 4, 3, 1, 4, 4, 0, 0, 0, 0, Map.of("the process halted under the request", 4L))));
        log.info("sagas: four halts at step boundaries, {} findings", findings.size());
    }

    @FunctionalInterface
    private interface ClusterPhase {
        ClusterFaults.Outcome run() throws Exception;
    }

    /** A phase of the second cluster ({@link ClusterFaults}): its findings and figures in the report. */
    private void clusterPhase(String phase, String fault, ClusterPhase run) throws Exception {
        long started = System.nanoTime();
        var outcome = run.run();
        report.add(new ChaosReport.Check(phase, fault + ": " + outcome.figures(), (System.nanoTime() - started) / 1e9, 0,
                new Checker.Result(List.copyOf(outcome.findings()), outcome.acknowledged(), outcome.acknowledged(), 0, 0, 0, 0, 0, 0, 0,
                        Map.of("503 or no answer, sent again with its key", outcome.unanswered()))));
        log.info("{}: {}: {}; {} findings", phase, fault, outcome.figures(), outcome.findings().size());
    }

    private void sleepBetween(Duration least, Duration most) throws InterruptedException {
        long span = most.toMillis() - least.toMillis();
        sleep(Duration.ofMillis(least.toMillis() + (span == 0 ? 0 : random.nextLong(span + 1))));
    }

    private static void sleep(Duration duration) throws InterruptedException {
        TimeUnit.MILLISECONDS.sleep(duration.toMillis());
    }

    private static void clean(Path workDir) throws IOException {
        if (Files.exists(workDir)) {
            try (Stream<Path> paths = Files.walk(workDir)) {
                for (var path : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(path);
                }
            }
        }
        Files.createDirectories(workDir);
    }
}
