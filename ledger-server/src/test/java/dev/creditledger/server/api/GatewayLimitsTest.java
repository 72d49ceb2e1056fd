package dev.creditledger.server.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.creditledger.core.Command;
import dev.creditledger.core.Request;
import dev.creditledger.core.Side;
import dev.creditledger.postgres.EngineListener;
import dev.creditledger.postgres.EngineSettings;
import dev.creditledger.postgres.Clusters;
import dev.creditledger.postgres.PostgresPostingEngine;
import dev.creditledger.postgres.PostingEngines;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/**
 * A batch request larger than the engine's configured batchCommandsMax is bad input (400), not a 500:
 * it is refused before anything is queued. (The accepted side of the edge is EngineLimitsIT.)
 */
class GatewayLimitsTest {

    @Test
    void aRequestOverBatchCommandsMaxIsRefusedBeforeQueueing() {
        // No request reaches the database, so the engine needs none.
        var neverConnected = new org.postgresql.ds.PGSimpleDataSource();
        try (var engine = new PostingEngines(Clusters.single(neverConnected),
                cluster -> new PostgresPostingEngine(null, Clock.systemUTC(), new EngineSettings(10, 5, 1), EngineListener.NONE))) {
            var gateway = new CommandGateway(engine, new RequestHasher(JsonMapper.builder().build()), Duration.ofSeconds(1),
                    new dev.creditledger.server.WriteMetrics(new io.micrometer.core.instrument.simple.SimpleMeterRegistry()));
            var ledger = UUID.randomUUID();
            var requests = IntStream.range(0, 6).mapToObj(i -> new Request(ledger, null,
                    new Command.CreateAccount(UUID.randomUUID(), null, "USD", Side.CREDIT, null, Map.of()))).toList();
            assertThatThrownBy(() -> gateway.submitAll(requests, false))
                    .isInstanceOfSatisfying(ApiException.class, e -> {
                        assertThat(e.code()).isEqualTo("VALIDATION_FAILED");
                        assertThat(e.status().value()).isEqualTo(400);
                        assertThat(e.getMessage()).contains("batchCommandsMax 5");
                    });
            assertThat(engine.queueDepth()).isZero();
        }
    }
}
