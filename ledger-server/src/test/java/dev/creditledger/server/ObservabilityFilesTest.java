package dev.creditledger.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;
import tools.jackson.databind.json.JsonMapper;

/**
 * The Grafana dashboard and the Prometheus alert rules in deploy/observability/ use only metrics that
 * docs/operations.md lists (and that {@code MetricsDocIT} sees exported), and each file is what it claims to be:
 * a dashboard whose every panel has a query, rules each with a name, an expression and a severity.
 */
class ObservabilityFilesTest {

    private static final Pattern METRIC = Pattern.compile("\\bledger_[a-z_]+");
    private static final Pattern DOCUMENTED = Pattern.compile("^\\| `(ledger_[a-z_]+)` \\|");
    private static final Pattern SERIES_SUFFIX = Pattern.compile("_(bucket|count|sum|max)$");

    @Test
    void theDashboardAndTheAlertRulesUseOnlyDocumentedMetrics() throws Exception {
        var root = repositoryRoot();
        Set<String> documented = new TreeSet<>();
        for (var line : Files.readAllLines(root.resolve("docs/operations.md"))) {
            var m = DOCUMENTED.matcher(line);
            if (m.find()) {
                documented.add(m.group(1));
            }
        }
        var dashboard = Files.readString(root.resolve("deploy/observability/grafana-dashboard.json"));
        var rules = Files.readString(root.resolve("deploy/observability/alert-rules.yml"));

        var panels = JsonMapper.builder().build().readTree(dashboard).get("panels");
        assertThat(panels.size()).as("dashboard panels").isGreaterThanOrEqualTo(8);
        for (var panel : panels) {
            assertThat(panel.get("targets").size()).as("queries of panel %s", panel.get("title")).isPositive();
        }
        @SuppressWarnings("unchecked")
        var groups = (List<Map<String, Object>>) new Yaml().<Map<String, Object>>load(rules).get("groups");
        @SuppressWarnings("unchecked")
        var alerts = (List<Map<String, Object>>) groups.getFirst().get("rules");
        assertThat(alerts).extracting(a -> a.get("alert")).contains("LedgerReconciliationMismatch", "LedgerRelayBehind",
                "LedgerConsumerLag", "LedgerAppendLatencyP99High", "LedgerDeadLetters");
        for (var alert : alerts) {
            assertThat(alert).as("rule %s", alert.get("alert")).containsKeys("expr", "labels", "annotations");
        }

        Set<String> used = new TreeSet<>();
        for (var text : List.of(dashboard, rules)) {
            var m = METRIC.matcher(text);
            while (m.find()) {
                used.add(SERIES_SUFFIX.matcher(m.group()).replaceAll(""));
            }
        }
        assertThat(used).as("metrics the files use").hasSizeGreaterThanOrEqualTo(12);
        assertThat(documented).as("metrics docs/operations.md lists").containsAll(used);
    }

    private static Path repositoryRoot() {
        var start = Path.of(System.getProperty("basedir", "")).toAbsolutePath();
        for (var dir = start; dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("docs/operations.md"))) {
                return dir;
            }
        }
        return fail("docs/operations.md not found above " + start);
    }
}
