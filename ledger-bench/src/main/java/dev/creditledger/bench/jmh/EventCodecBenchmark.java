package dev.creditledger.bench.jmh;

import dev.creditledger.core.Balance;
import dev.creditledger.core.Entry;
import dev.creditledger.core.EntryKind;
import dev.creditledger.core.Posting;
import dev.creditledger.core.Side;
import dev.creditledger.core.events.EventJson;
import dev.creditledger.core.events.LedgerEvent;
import dev.creditledger.core.events.LedgerEvents;
import dev.creditledger.kafka.EventCodec;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
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

/**
 * The projector's decode of one Kafka record: the bytes of a {@code ledger.transfer.posted} event (two postings,
 * two metadata keys, 1 KB as {@link EventJson} writes it) into a {@link LedgerEvent} by {@link EventCodec}'s streaming
 * decoder, UTF-8 check included. Operations per second on one thread. (The event's trace context travels in a Kafka
 * header, not in the payload, so there is none of it to decode here.)
 *
 * Short defaults (one fork, 3 + 5 iterations of 1 s); for figures to quote:
 * {@code ./ledger bench jmh EventCodec -f 3 -wi 5 -i 10 -r 2s}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class EventCodecBenchmark {

    private static final UUID LEDGER = UUID.fromString("0193a1c2-0000-7000-8000-0000000000aa");
    private static final UUID FROM = UUID.fromString("0193a1c2-0000-7000-8000-000000000001");
    private static final UUID TO = UUID.fromString("0193a1c2-0000-7000-8000-000000000002");
    private static final Instant AT = Instant.parse("2026-12-02T00:00:00.123456Z");

    private final byte[] transferPosted = EventJson.encode(LedgerEvents.of(new Entry(
            UUID.fromString("0193a1c2-0000-7000-8000-0000000000ff"), LEDGER, 48_213, EntryKind.TRANSFER, FROM, TO, 1234, "USD",
            null, null, Map.of("invoice", "INV-2026-004211", "channel", "mobile-app"), AT, List.of(
                    new Posting(FROM, "USD", Side.DEBIT, 1234, 0, new Balance(91_234, 250_000, 0, 0), 311),
                    new Posting(TO, "USD", Side.CREDIT, 1234, 0, new Balance(0, 48_776, 0, 0), 97)))).getFirst())
            .getBytes(StandardCharsets.UTF_8);

    /** What RecordDecoder does with a record's value: the streaming decoder straight from the bytes. */
    @Benchmark
    public LedgerEvent decodeTransferPosted() {
        return EventCodec.decode(transferPosted);
    }
}
