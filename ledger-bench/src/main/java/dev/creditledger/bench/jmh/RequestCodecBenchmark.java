package dev.creditledger.bench.jmh;

import dev.creditledger.core.EntryKind;
import dev.creditledger.core.TransferStatus;
import dev.creditledger.server.api.LedgerJson;
import dev.creditledger.server.api.Requests;
import dev.creditledger.server.api.Responses;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import tools.jackson.databind.json.JsonMapper;

/**
 * The JSON work of one transfer request, with the service's own strict mapper ({@link LedgerJson}):
 * decoding a {@code POST /v1/transfers} body into {@code Requests.CreateTransfer}, and encoding the
 * {@code Responses.TransferJson} answer. Operations per second on one thread.
 *
 * Short defaults (one fork, 3 + 5 iterations of 1 s); for figures to quote:
 * {@code ./ledger bench jmh RequestCodec -f 3 -wi 5 -i 10 -r 2s}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class RequestCodecBenchmark {

    private static final UUID FROM = UUID.fromString("0193a1c2-0000-7000-8000-000000000001");
    private static final UUID TO = UUID.fromString("0193a1c2-0000-7000-8000-000000000002");

    private final JsonMapper mapper = LedgerJson.mapper();
    private final byte[] requestBody = ("{\"from\":\"" + FROM + "\",\"to\":\"" + TO + "\",\"amount\":1234,\"asset\":\"USD\","
            + "\"idempotencyKey\":\"bench-000001\"}").getBytes(StandardCharsets.UTF_8);
    private final Responses.TransferJson response = new Responses.TransferJson(UUID.fromString("0193a1c2-0000-7000-8000-0000000000ff"),
            EntryKind.TRANSFER, FROM, TO, 1234, "USD", TransferStatus.POSTED, null, 0L, null, null, Map.of(),
            Instant.parse("2026-12-02T00:00:00.123456Z"), 4242, null);

    @Benchmark
    public Requests.CreateTransfer decodeCreateTransfer() {
        return mapper.readValue(requestBody, Requests.CreateTransfer.class);
    }

    @Benchmark
    public byte[] encodeTransferJson() {
        return mapper.writeValueAsBytes(response);
    }
}
