package dev.creditledger.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The gRPC workloads' options as {@code run} parses them: the in-flight limit at its edges and the external stack's target. */
class GrpcOptionsTest {

    static final String[] EXTERNAL = {"--url", "http://127.0.0.1:8080", "--admin-key", "k", "--db-url", "jdbc:postgresql://127.0.0.1/ledger"};

    static BenchOptions parse(String... args) {
        var command = new RunCommand();
        new CommandLine(command).parseArgs(args);
        return command.options();
    }

    static String[] external(String... more) {
        var all = new String[EXTERNAL.length + more.length];
        System.arraycopy(EXTERNAL, 0, all, 0, EXTERNAL.length);
        System.arraycopy(more, 0, all, EXTERNAL.length, more.length);
        return all;
    }

    @Test
    void theStreamWindowIsOneToTheServersLimit() {
        assertThat(parse("--stream-in-flight", "1").grpc().streamInFlight()).isEqualTo(1);
        assertThat(parse("--stream-in-flight", "" + BenchDefaults.STREAM_IN_FLIGHT_MAX).grpc().streamInFlight())
                .isEqualTo(BenchDefaults.STREAM_IN_FLIGHT_MAX);
        assertThatThrownBy(() -> parse("--stream-in-flight", "" + (BenchDefaults.STREAM_IN_FLIGHT_MAX + 1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--stream-in-flight");
        assertThatThrownBy(() -> parse("--stream-in-flight", "0")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> parse("--stream-clients", "0")).isInstanceOf(IllegalArgumentException.class);
        var defaults = parse();
        assertThat(defaults.grpc().streamClients()).isEqualTo(BenchDefaults.STREAM_CLIENTS);
        assertThat(defaults.grpc().streamInFlight()).isEqualTo(BenchDefaults.STREAM_IN_FLIGHT);
        assertThat(defaults.workloads()).as("the default suite has no gRPC workload").doesNotContainAnyElementsOf(BenchDefaults.WORKLOADS_GRPC);
    }

    @Test
    void anExternalStackNeedsAGrpcTargetForTheGrpcWorkloadsOnly() {
        assertThatThrownBy(() -> parse(external("--workloads", "random,grpc-stream")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("grpc-stream").hasMessageContaining("--grpc-target");
        assertThat(parse(external("--workloads", "random")).grpc().target()).isNull();
        assertThat(parse(external("--workloads", "grpc-unary,grpc-stream", "--grpc-target", "127.0.0.1:9090")).grpc().target())
                .isEqualTo("127.0.0.1:9090");
        assertThatThrownBy(() -> parse(external("--workloads", "grpc-unary", "--grpc-target", "127.0.0.1")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("host:port");
        assertThatThrownBy(() -> parse("--grpc-target", "127.0.0.1:9090")).as("the kit's own stack has its own port")
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("go with --url");
        assertThat(parse("--workloads", "grpc-unary").workloads()).containsExactly("grpc-unary");
    }
}
