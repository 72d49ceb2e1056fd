package dev.creditledger.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The options of the cluster workloads as {@code run} parses them, each at its edge. */
class ClusterOptionsTest {

    static ClusterSuite.ClusterOptions parse(String... args) {
        var command = new RunCommand();
        new CommandLine(command).parseArgs(args);
        return command.clusterOptions(command.options());
    }

    @Test
    void theDefaultsCompareOneAndThreeClustersOfThirtyLedgersOfAHundredAccounts() {
        var command = new RunCommand();
        new CommandLine(command).parseArgs("--workloads", "ledgers,cross-cluster");
        assertThat(command.options().accounts()).isEqualTo(BenchDefaults.LEDGER_ACCOUNTS);
        var options = command.clusterOptions(command.options());
        assertThat(options.clusterCounts()).containsExactly(1, 3);
        assertThat(options.ledgers()).isEqualTo(30);
        assertThat(parse("--workloads", "ledgers", "--clusters", "1", "--ledgers", "2").clusterCounts()).isEqualTo(List.of(1));
    }

    @Test
    void eachLimitIsRefusedAtItsEdge() {
        assertThatThrownBy(() -> parse("--workloads", "ledgers", "--clusters", "0")).hasMessageContaining("--clusters");
        assertThatThrownBy(() -> parse("--workloads", "ledgers", "--ledgers", "1")).hasMessageContaining("--ledgers is at least 2");
        assertThatThrownBy(() -> parse("--workloads", "cross-cluster", "--clusters", "1")).hasMessageContaining("2 or more");
        assertThat(parse("--workloads", "cross-cluster", "--clusters", "2").clusterCounts()).containsExactly(2);
        assertThatThrownBy(() -> parse("--workloads", "ledgers,random")).hasMessageContaining("only with each other");
        assertThatThrownBy(() -> parse("--workloads", "ledgers", "--url", "http://127.0.0.1:8080", "--admin-key", "k", "--db-url",
                "jdbc:postgresql://127.0.0.1/ledger")).hasMessageContaining("--url");
    }
}
