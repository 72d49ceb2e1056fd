package dev.creditledger.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The kit end to end at a tiny size, in this JVM, against its own stack started from the built
 * {@code ledger-dev-exec.jar} (the reactor packages ledger-dev before this module's tests):
 * every workload (the gRPC ones too, on the port the kit gave ledger dev), the baseline, the ramp and a small
 * history, one repetition of 1 + 2 seconds each.
 * It asserts that the kit works and that every check holds; it never asserts a speed, because a
 * 2-core machine running the build says nothing about speed.
 */
class BenchKitSmokeIT {

    /** Run with {@code --curve 2,4}: random and hot at two client counts each, the latency workload at one client. */
    static final List<String> SERVICE_WORKLOADS = List.of("history-load", "latency", "random@2", "random@4", "hot@2", "hot@4", "ramp",
            "batch", "multileg", "holds", "reads", "grpc-unary", "grpc-stream", "history-reads");
    static final Set<String> WRITING_WORKLOADS = Set.of("history-load", "latency", "random@2", "random@4", "hot@2", "hot@4", "ramp",
            "batch", "multileg", "holds", "reads", "grpc-unary", "grpc-stream");
    /** The default suite and the gRPC workloads, which are not in it; --history adds history-reads. */
    static final String WORKLOADS = "latency,random,hot,ramp,batch,multileg,holds,reads,grpc-unary,grpc-stream";

    /** What may come before ledger dev's banner: the ledger's own start-up lines (warnings would show too). */
    static final int LINES_BEFORE_BANNER_MAX = 10;

    /** An API key: the prefix and 43 characters of URL-safe base64 (256 random bits). */
    private static final java.util.regex.Pattern SECRET = java.util.regex.Pattern.compile("cla_[A-Za-z0-9_-]{43}");

    /**
     * No key appears in the service's log of the whole run (the kit created a ledger and its key, and sent
     * thousands of requests with it), except in ledger dev's banner, which prints the operator and demo keys
     * on purpose. The banner's keys prove the scan recognises a key.
     */
    private static void assertNoSecretLoggedOutsideTheBanner(Path serverLog) throws java.io.IOException {
        var lines = Files.readAllLines(serverLog);
        int bannerStart = -1;
        int bannerEnd = -1;
        for (int i = 0; i < lines.size(); i++) {
            if (bannerStart < 0 && lines.get(i).contains("Credit Ledger is running (ledger dev)")) {
                bannerStart = i;
            }
            if (bannerStart >= 0 && bannerEnd < 0 && lines.get(i).contains("curl -s")) {
                bannerEnd = i;
            }
        }
        assertThat(bannerStart).as("ledger dev's banner in %s", serverLog).isNotNegative();
        assertThat(bannerEnd).isGreaterThan(bannerStart);
        // The first screen is the banner: the embedded PostgreSQL and Kafka no longer print their configuration before it.
        var beforeBanner = lines.subList(0, bannerStart).stream().filter(line -> !line.isBlank()).toList();
        assertThat(beforeBanner).as("lines ledger dev printed before its banner").hasSizeLessThanOrEqualTo(LINES_BEFORE_BANNER_MAX)
                .noneMatch(line -> line.contains("initdb") || line.contains("ssl.truststore"));
        int inBanner = 0;
        List<String> leaked = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            if (SECRET.matcher(lines.get(i)).find()) {
                if (i >= bannerStart && i <= bannerEnd) {
                    inBanner++;
                } else {
                    leaked.add((i + 1) + ": " + lines.get(i));
                }
            }
        }
        assertThat(inBanner).as("keys the banner prints (the scan must see them)").isPositive();
        assertThat(leaked).as("log lines of %s with a key, outside the banner", serverLog).isEmpty();
    }

    @Test
    void everyWorkloadRunsAndEveryCheckHolds() throws Exception {
        var serverJar = Path.of(System.getProperty("ledger.serverJar", "../ledger-dev/target/ledger-dev-exec.jar")).toAbsolutePath();
        assertThat(serverJar).as("the server jar, built by the reactor before this test").isRegularFile();
        var workDir = Path.of("target", "bench-smoke").toAbsolutePath();
        var report = workDir.resolve("report.json");
        Files.deleteIfExists(report);

        int exit = BenchMain.execute("run", "--work-dir", workDir.toString(), "--server-jar", serverJar.toString(),
                "--json-out", report.toString(), "--workloads", WORKLOADS, "--stream-clients", "2", "--stream-in-flight", "16", "--accounts", "20", "--clients", "4", "--batch-clients", "2", "--batch-size", "50",
                "--duration-seconds", "2", "--warmup-seconds", "1", "--server-warmup-seconds", "2",
                "--server-warmup-seconds-max", "12", "--curve", "2,4", "--repeat", "1", "--history", "300",
                "--ramp-start", "20", "--ramp-factor", "2", "--step-seconds", "1", "--ramp-steps-max", "2", "--p99-bound-ms", "5000",
                "--connections-max", "8");

        assertThat(report).as("the JSON report").isRegularFile();
        JsonNode doc = JsonMapper.builder().build().readTree(report.toFile());
        assertThat(exit).as("exit code (0: every check held); failed checks: %s", failedChecks(doc)).isZero();
        assertThat(doc.path("checksPassed").asBoolean(false)).isTrue();
        assertThat(doc.path("postgres").path("fsync").asString("")).isEqualTo("on");
        assertThat(doc.path("postgres").path("synchronousCommit").asString("")).isEqualTo("on");
        assertThat(doc.path("machine").path("cores").asInt(0)).isPositive();

        Set<String> serviceWorkloads = new HashSet<>();
        Set<String> baselineWorkloads = new HashSet<>();
        for (var run : doc.path("runs")) {
            var workload = run.path("workload").asString();
            var figures = run.path("figures");
            var checks = new ArrayList<String>();
            run.path("checks").forEach(c -> checks.add(c.path("name").asString()));
            assertThat(run.path("passed").asBoolean(false)).as("%s %s passed its checks", workload, run.path("side").asString()).isTrue();
            if (run.path("side").asString().equals("baseline")) {
                baselineWorkloads.add(workload);
                assertThat(figures.path("transactionsCommitted").asDouble(0)).as("%s baseline commits", workload).isPositive();
                assertThat(figures.path("journalRows").asDouble(-1)).isEqualTo(figures.path("transactionsCommitted").asDouble(-2));
                continue;
            }
            serviceWorkloads.add(workload);
            assertThat(checks).as(workload).contains("journal entries equal acknowledged", "verify clean", "read models caught up",
                    "nothing refused", "something acknowledged");
            assertThat(figures.path("requestsAcknowledged").asDouble(0)).as("%s acknowledged", workload).isPositive();
            assertThat(figures.path("serverRssMaxMiB").asDouble(0)).as("%s server RSS", workload).isPositive();
            assertThat(figures.path("catchUpSeconds").isNumber()).as("%s catch-up time recorded", workload).isTrue();
            if (WRITING_WORKLOADS.contains(workload)) {
                double acknowledged = figures.path("entriesAcknowledged").asDouble(0);
                assertThat(acknowledged).as("%s entries acknowledged", workload).isPositive();
                assertThat(figures.path("entriesUnknown").asDouble(-1)).as("%s unknown outcomes", workload).isZero();
                assertThat(figures.path("journalEntriesAdded").asDouble(-1)).as("%s journal = acknowledged", workload).isEqualTo(acknowledged);
                assertThat(figures.path("journalBytesPerEntry").asDouble(0)).as("%s journal bytes per entry", workload).isPositive();
                assertThat(run.path("details").path("journalTables").path("entries").path("bytesAfter").asLong(0)).isPositive();
            }
        }
        assertThat(serviceWorkloads).containsExactlyInAnyOrderElementsOf(SERVICE_WORKLOADS);
        assertNoSecretLoggedOutsideTheBanner(workDir.resolve("server.log"));
        assertThat(baselineWorkloads).containsExactlyInAnyOrder("latency", "random@2", "random@4", "hot@2", "hot@4");
        // The warm-up ran its minimum and then watched the JIT for at most one 10 s slice.
        var warmUp = doc.path("serverWarmUp");
        assertThat(warmUp.path("seconds").asDouble(0)).as("server warm-up seconds").isBetween(2.0, 14.0);
        assertThat(warmUp.path("jitSettled").isBoolean()).isTrue();
        int latencyRuns = 0;
        for (var run : doc.path("runs")) {
            if (run.path("workload").asString().equals("latency")) {
                latencyRuns++;
                assertThat(run.path("settings").path("clients").asInt(0)).as("latency runs at one client").isEqualTo(1);
            }
        }
        assertThat(latencyRuns).as("latency runs: the service's and the baseline's").isEqualTo(2);

        var ramp = find(doc, "ramp");
        assertThat(ramp.path("details").path("rampSteps").size()).isBetween(1, 2);
        assertThat(ramp.path("figures").has("rampHighestSustainedPerSecond")).isTrue();
        var reads = find(doc, "reads").path("figures");
        assertThat(reads.path("writePerSecond").asDouble(0)).as("reads beside writes: writes").isPositive();
        assertThat(reads.path("readPerSecond").asDouble(0)).as("reads beside writes: reads").isPositive();
        for (var grpc : List.of("grpc-unary", "grpc-stream")) {
            var run = find(doc, grpc);
            assertThat(run.path("passed").asBoolean(false)).as("%s passed its checks", grpc).isTrue();
            assertThat(run.path("figures").path("requestsAcknowledged").asDouble(0)).as("%s acknowledged", grpc).isPositive();
            assertThat(run.path("figures").path("requestsUnknown").asDouble(-1)).as("%s unknown outcomes", grpc).isZero();
            assertThat(run.path("settings").path("grpcTarget").asString("")).as("%s target", grpc).startsWith("127.0.0.1:");
        }
        var stream = find(doc, "grpc-stream");
        assertThat(stream.path("settings").path("streams").asInt(0)).isEqualTo(2);
        assertThat(stream.path("settings").path("inFlightMax").asInt(0)).isEqualTo(16);
        var tableRows = new HashSet<String>();
        doc.path("summary").forEach(row -> tableRows.add(row.path("workload").asString()));
        assertThat(tableRows).as("the summary has rows of the gRPC runs").contains("grpc-unary", "grpc-stream");
        var history = find(doc, "history-reads").path("figures");
        assertThat(history.path("statementP99Ms").isNumber()).isTrue();
        assertThat(history.path("balanceAsOfP99Ms").isNumber()).isTrue();
        var randomRows = new ArrayList<JsonNode>();
        doc.path("summary").forEach(row -> {
            if (row.path("workload").asString().equals("random@4") && row.path("figure").asString().equals("throughputPerSecond")) {
                randomRows.add(row);
            }
        });
        assertThat(randomRows).hasSize(1);
        assertThat(randomRows.getFirst().path("ratio").isNumber()).as("the compared row has a ratio").isTrue();
    }

    @Test
    void theClusterWorkloadsRunOnOneAndTwoClustersAndEveryCheckHolds() throws Exception {
        var serverJar = Path.of(System.getProperty("ledger.serverJar", "../ledger-dev/target/ledger-dev-exec.jar")).toAbsolutePath();
        var workDir = Path.of("target", "bench-smoke-clusters").toAbsolutePath();
        var report = workDir.resolve("report.json");
        Files.deleteIfExists(report);

        int exit = BenchMain.execute("run", "--work-dir", workDir.toString(), "--server-jar", serverJar.toString(),
                "--json-out", report.toString(), "--workloads", "ledgers,cross-cluster", "--clusters", "1,2", "--ledgers", "4",
                "--accounts", "5", "--clients", "4", "--duration-seconds", "2", "--warmup-seconds", "1", "--server-warmup-seconds", "1",
                "--repeat", "1");

        JsonNode doc = JsonMapper.builder().build().readTree(report.toFile());
        assertThat(exit).as("exit code (0: every check held): %s", doc.path("runs")).isZero();
        assertThat(doc.path("passed").asBoolean(false)).isTrue();
        Set<String> rows = new HashSet<>();
        for (var row : doc.path("rows")) {
            rows.add(row.path("workload").asString() + "@" + row.path("clusters").asInt());
            assertThat(row.path("throughputPerSecond").asDouble(0)).as("%s rate", row).isPositive();
            assertThat(row.path("postgresCpuMsPerTransfer").size()).as("a CPU figure per cluster").isEqualTo(row.path("clusters").asInt());
            int placed = 0;
            for (var n : row.path("ledgersPerCluster")) {
                placed += n.asInt();
            }
            assertThat(placed).isEqualTo(4);
        }
        // cross-cluster needs two clusters: it runs on the stack of two only.
        assertThat(rows).containsExactlyInAnyOrder("ledgers@1", "ledgers@2", "cross-cluster@2");
    }

    static JsonNode find(JsonNode doc, String workload) {
        for (var run : doc.path("runs")) {
            if (run.path("workload").asString().equals(workload) && run.path("side").asString().equals("service")) {
                return run;
            }
        }
        throw new AssertionError("no service run of " + workload);
    }

    static List<String> failedChecks(JsonNode doc) {
        List<String> failed = new ArrayList<>();
        for (var run : doc.path("runs")) {
            for (var check : run.path("checks")) {
                if (!check.path("passed").asBoolean(false)) {
                    failed.add(run.path("workload").asString() + ": " + check.path("name").asString() + ": " + check.path("detail").asString());
                }
            }
        }
        return failed;
    }
}
