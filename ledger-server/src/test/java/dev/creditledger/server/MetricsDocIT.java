package dev.creditledger.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * docs/operations.md's metrics table is the contract: after a scripted run (two transfers, a duplicate, a
 * refusal for funds, a hold left to expire) every metric of the table is exported by /actuator/prometheus, and
 * the ones the run touches moved by what it did.
 */
class MetricsDocIT extends ApiTestBase {

    private static final Pattern TABLE_NAME = Pattern.compile("^\\| `(ledger_[a-z_]+)` \\|");
    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{[^}]*})? (\\S+)");
    private static final Duration WAIT = Duration.ofSeconds(30);

    @Test
    void everyDocumentedMetricIsExportedAndMovesAsTheRunImplies() throws Exception {
        var documented = documentedMetrics();
        assertThat(documented).as("metrics in docs/operations.md").hasSizeGreaterThanOrEqualTo(19);
        var before = scrape();

        var ledger = newLedger();
        // An asset of its own: the shared service's other tests moved amounts up to 10^18 in USD, beyond what a
        // counter (a double) still counts to the unit.
        var asset = "M" + UUID.randomUUID().toString().replaceAll("[^a-f]", "").toUpperCase(java.util.Locale.ROOT);
        asset = asset.substring(0, Math.min(asset.length(), 12));
        post("/v1/assets", ledger.adminKey(), "{\"code\":\"" + asset + "\",\"exponent\":2}").expect(201);
        var issuer = account(ledger, "{\"asset\":\"" + asset + "\"}");
        var wallet = account(ledger, "{\"asset\":\"" + asset + "\",\"noOverdraft\":true}");
        transfer(ledger, issuer, wallet, 500, asset).expect(201);
        var body = transferJson(issuer, wallet, 250, asset);
        post("/v1/transfers", ledger.writeKey(), body, "metrics-dup").expect(201);
        post("/v1/transfers", ledger.writeKey(), body, "metrics-dup").expect(201); // the duplicate
        assertProblem(transfer(ledger, wallet, issuer, 10_000, asset), 422, "INSUFFICIENT_FUNDS");
        post("/v1/transfers", ledger.writeKey(), "{\"from\":\"" + wallet + "\",\"to\":\"" + issuer + "\",\"amount\":100,\"asset\":\""
                + asset + "\",\"pending\":true,\"timeoutSeconds\":1}").expect(201);
        var assetLabel = "asset=\"" + asset + "\"";

        var after = awaitScrape(s -> delta(before, s, "ledger_expiries_total", l -> l.contains("kind=\"hold\"")) >= 1
                && delta(before, s, "ledger_projection_applied_total", l -> true) >= 1
                && s.keySet().stream().anyMatch(series -> seriesName(series).equals("ledger_projection_lag")));

        for (var name : documented) {
            assertThat(after.keySet().stream().anyMatch(series -> seriesName(series).equals(name)
                    || seriesName(series).matches(Pattern.quote(name) + "_(bucket|count|sum|max)")))
                    .as("%s is exported", name).isTrue();
        }
        assertThat(delta(before, after, "ledger_entries_total", l -> l.contains(assetLabel) && l.contains("kind=\"TRANSFER\"")))
                .as("transfers accepted (the duplicate moved nothing)").isEqualTo(2);
        assertThat(delta(before, after, "ledger_entry_amount_minor_total", l -> l.contains(assetLabel) && l.contains("kind=\"TRANSFER\"")))
                .as("minor units they moved").isEqualTo(750);
        assertThat(delta(before, after, "ledger_entries_total", l -> l.contains(assetLabel) && l.contains("kind=\"HOLD\""))).isEqualTo(1);
        assertThat(delta(before, after, "ledger_commands_replayed_total", l -> true)).as("duplicates").isEqualTo(1);
        assertThat(delta(before, after, "ledger_rejections_total", l -> l.contains("reason=\"INSUFFICIENT_FUNDS\""))).isEqualTo(1);
        assertThat(delta(before, after, "ledger_append_latency_seconds_count", l -> true))
                .as("writes answered by the engine (2 accounts, 3 transfers, a refusal, a hold)").isGreaterThanOrEqualTo(7);
        assertThat(p99(after, "ledger_append_latency_seconds")).as("p99 of the append latency, from the buckets")
                .isPositive().isLessThan(Double.POSITIVE_INFINITY);
        assertThat(delta(before, after, "ledger_relay_published_total", l -> true)).as("events published").isGreaterThanOrEqualTo(7);
        assertThat(delta(before, after, "ledger_batch_commands_count", l -> true)).isPositive();
        assertThat(after.entrySet().stream().filter(e -> seriesName(e.getKey()).equals("ledger_projection_last_seq")).count())
                .as("a last sequence per read model").isEqualTo(4);
    }

    /** The upper bound of the first bucket holding 99% of the histogram's observations, as histogram_quantile would. */
    private static double p99(Map<String, Double> samples, String histogram) {
        var buckets = samples.entrySet().stream().filter(e -> e.getKey().startsWith(histogram + "_bucket{le=\""))
                .map(e -> Map.entry(e.getKey().substring(e.getKey().indexOf('"') + 1, e.getKey().lastIndexOf('"')), e.getValue()))
                .filter(e -> !e.getKey().equals("+Inf")).sorted(java.util.Comparator.comparingDouble(e -> Double.parseDouble(e.getKey())))
                .toList();
        double total = samples.get(histogram + "_count");
        return buckets.stream().filter(e -> e.getValue() >= 0.99 * total).map(e -> Double.parseDouble(e.getKey())).findFirst()
                .orElse(Double.NaN);
    }

    /** The metric names of the table in docs/operations.md. */
    private static List<String> documentedMetrics() throws Exception {
        var start = Path.of(System.getProperty("basedir", "")).toAbsolutePath();
        for (var dir = start; dir != null; dir = dir.getParent()) {
            var candidate = dir.resolve("docs/operations.md");
            if (Files.isRegularFile(candidate)) {
                return Files.readAllLines(candidate).stream().map(TABLE_NAME::matcher).filter(java.util.regex.Matcher::find)
                        .map(m -> m.group(1)).toList();
            }
        }
        return fail("docs/operations.md not found above " + start);
    }

    private Map<String, Double> awaitScrape(Predicate<Map<String, Double>> done) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        var scraped = scrape();
        while (!done.test(scraped) && System.nanoTime() < deadline) {
            Thread.sleep(200); // the poll interval of this loop, bounded by WAIT
            scraped = scrape();
        }
        return scraped;
    }

    /** Every sample of /actuator/prometheus, by its series (name and labels). */
    private Map<String, Double> scrape() {
        var text = get("/actuator/prometheus", null).expect(200).raw();
        Map<String, Double> samples = new HashMap<>();
        for (var line : text.split("\n")) {
            var m = SAMPLE.matcher(line);
            if (!line.startsWith("#") && m.find()) {
                samples.put(m.group(1) + (m.group(2) == null ? "" : m.group(2)), Double.parseDouble(m.group(3)));
            }
        }
        return samples;
    }

    private static String seriesName(String series) {
        int brace = series.indexOf('{');
        return brace < 0 ? series : series.substring(0, brace);
    }

    /** How much the series of {@code name} whose labels match moved between two scrapes, summed. */
    private static double delta(Map<String, Double> before, Map<String, Double> after, String name, Predicate<String> labels) {
        double moved = 0;
        for (var e : after.entrySet()) {
            if (seriesName(e.getKey()).equals(name) && labels.test(e.getKey())) {
                moved += e.getValue() - before.getOrDefault(e.getKey(), 0.0);
            }
        }
        return moved;
    }
}
