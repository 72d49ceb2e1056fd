package dev.creditledger.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Message;
import com.google.protobuf.Timestamp;
import dev.creditledger.core.Limits;
import dev.creditledger.grpc.v1.AccountsGrpc;
import dev.creditledger.grpc.v1.CaptureHoldRequest;
import dev.creditledger.grpc.v1.CreateTransferRequest;
import dev.creditledger.grpc.v1.GetBalanceRequest;
import dev.creditledger.grpc.v1.GetStatementRequest;
import dev.creditledger.grpc.v1.StreamTransfersResponse;
import dev.creditledger.grpc.v1.TransfersGrpc;
import dev.creditledger.grpc.v1.VoidHoldRequest;
import dev.creditledger.server.grpc.GrpcServer;
import io.grpc.ClientCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The hostile-input kit of the gRPC API, as {@link HostileRequestsIT} is of the HTTP API: requests to every rpc,
 * each a valid-looking message with one or more things made wrong (a garbage or foreign id, a hostile or huge
 * string, an out-of-range number or Timestamp, broken metadata, an unknown field), raw bytes no stub would send
 * (random bytes, truncated or malformed encodings, strings that are not UTF-8, deep nesting, an oversize message,
 * two messages or none on a unary call), and bad credentials (none, unknown, a read key writing, the operator key,
 * another ledger's key, large or odd metadata), plus the same messages on streams. The targets' state refuses any
 * valid write (an empty noOverdraft payer, a voided hold), so every write must be refused.
 *
 * Checks: no call ends INTERNAL or UNKNOWN, no write is accepted (reads may answer), every refusal carries its
 * problem code (but the transport's own refusals: RESOURCE_EXHAUSTED for an oversize message, a reset stream,
 * CANCELLED, for a second message on a unary call), the journal is
 * unchanged (accounts, balances, versions, last sequence), and the service still serves both transports. Size:
 * {@code ledger.grpc.hostile.requests} (2,000 in the suite; {@code ./ledger hostile} sends its HOSTILE_REQUESTS).
 */
class GrpcHostileIT extends E2eTestBase {

    private static final int REQUESTS = Integer.getInteger("ledger.grpc.hostile.requests", 2_000);
    private static final String CREATE = "ledger.v1.Transfers/CreateTransfer";
    private static final String CAPTURE = "ledger.v1.Transfers/CaptureHold";
    private static final String VOID = "ledger.v1.Transfers/VoidHold";
    private static final String STREAM = "ledger.v1.Transfers/StreamTransfers";
    private static final String BALANCE = "ledger.v1.Accounts/GetBalance";
    private static final String STATEMENT = "ledger.v1.Accounts/GetStatement";
    private static final Set<String> READS = Set.of(BALANCE, STATEMENT);
    private static final List<String> HOSTILE_STRINGS = List.of(
            "'; DROP TABLE entries; --", "\" OR 1=1 --", "<script>alert(1)</script>", "${jndi:ldap://x/a}", "{{7*7}}",
            "../../etc/passwd", "a\u0000b", "\u0000", "\u202Eevil", "\uFEFF", "\u200B", "e\u0301", "\uD83D\uDCB0", "%00", "%s%n",
            " ", "x".repeat(70_000), "\r\nX-Injected: 1", "null", "NaN", "-0", "0x10", "１２３", "USD\u0000", "usd");
    private static final List<Long> HOSTILE_LONGS = List.of(0L, -1L, 1L, Long.MIN_VALUE, Long.MAX_VALUE, Limits.AMOUNT_MINOR_MAX + 1,
            Limits.HOLD_TIMEOUT_SECONDS_MAX + 1, (long) Integer.MAX_VALUE + 1);

    @Autowired
    private GrpcServer grpcServer;
    private GrpcTestClient grpc;

    /** One generated call: the method, the credentials and metadata, and its request messages as bytes (null: none). */
    /** @param transportRefusal the status grpc-java's transport itself ends it with (no problem code), or null */
    private record Probe(String method, String key, Map<String, String> metadata, List<byte[]> messages, String what,
                         Status.Code transportRefusal) {}

    private record Answer(Status status, Metadata trailers, int accepted, int answers) {}

    @BeforeAll
    void connect() {
        grpc = new GrpcTestClient(grpcServer.port());
    }

    @AfterAll
    void disconnect() throws InterruptedException {
        grpc.close();
    }

    @Test
    void hostileCallsAreRefusedWithProblemsAndChangeNothing() {
        var ledger = newLedger();
        var funded = account(ledger, "{\"asset\":\"USD\"}");
        var empty = account(ledger, "{\"asset\":\"USD\",\"noOverdraft\":true}");
        var receiver = account(ledger, "{\"asset\":\"USD\"}");
        var hold = hold(ledger, funded, receiver, 50, null).expect(201).id();
        post("/v1/transfers/" + hold + "/void", ledger.writeKey(), null).expect(201);
        var other = newLedger();
        var foreign = account(other, "{\"asset\":\"USD\"}");

        var base = new Bases(
                CreateTransferRequest.newBuilder().setFrom(empty.toString()).setTo(receiver.toString()).setAmount(10).setAsset("USD")
                        .putMetadata("k", "v").build(),
                CaptureHoldRequest.newBuilder().setHoldId(hold.toString()).setAmount(5).putMetadata("k", "v").build(),
                VoidHoldRequest.newBuilder().setHoldId(hold.toString()).putMetadata("k", "v").build(),
                GetBalanceRequest.newBuilder().setAccountId(funded.toString()).build(),
                GetStatementRequest.newBuilder().setAccountId(funded.toString()).setLimit(10).build());
        var probes = generate(base, ledger, other, foreign, new Random(20261207L));
        assertThat(probes).hasSizeGreaterThanOrEqualTo(REQUESTS);

        var before = snapshot(ledger);
        long lastSeq = lastSeq(ledger);
        Map<String, Integer> byStatus = new LinkedHashMap<>();
        List<String> findings = new ArrayList<>();
        for (var probe : probes) {
            var answer = send(probe);
            var code = answer.status().getCode();
            byStatus.merge(code.name(), 1, Integer::sum);
            var problemCode = answer.trailers() == null ? null : answer.trailers().get(GrpcTestClient.PROBLEM_CODE);
            if (code == Status.Code.INTERNAL || code == Status.Code.UNKNOWN) {
                findings.add(code + " for " + probe.what() + ": " + abbreviate(answer.status().getDescription()));
            } else if (answer.accepted() > 0 || (code == Status.Code.OK && !READS.contains(probe.method()) && !probe.method().equals(STREAM))) {
                findings.add("accepted: " + probe.what());
            } else if (code != Status.Code.OK && problemCode == null && code != probe.transportRefusal()) {
                findings.add(code + " without a problem code for " + probe.what() + ": " + abbreviate(answer.status().getDescription()));
            }
        }
        System.out.printf("gRPC hostile calls: %d sent, answers by status %s, %d findings%n", probes.size(), byStatus, findings.size());
        assertThat(findings).as("hostile calls that were not refused cleanly, of %d", probes.size()).isEmpty();
        assertThat(lastSeq(ledger)).isEqualTo(lastSeq);
        assertThat(snapshot(ledger)).as("the journal is unchanged").isEqualTo(before);

        // Still serving, both ways.
        var balance = grpc.unary(ledger.readKey(), channel -> AccountsGrpc.newBlockingStub(channel).getBalance(base.balance()));
        assertThat(balance.code()).isEqualTo(Status.Code.OK);
        var transfer = grpc.unary(ledger.writeKey(), channel -> TransfersGrpc.newBlockingStub(channel).createTransfer(
                base.create().toBuilder().setFrom(funded.toString()).setIdempotencyKey("after-the-storm").build()));
        assertThat(transfer.code()).as("%s", transfer.status()).isEqualTo(Status.Code.OK);
        get("/v1/accounts/" + receiver + "/balance", ledger.readKey()).expect(200);
    }

    private record Bases(CreateTransferRequest create, CaptureHoldRequest capture, VoidHoldRequest voidHold, GetBalanceRequest balance,
                         GetStatementRequest statement) {}

    // ---- generation ----

    private List<Probe> generate(Bases base, TestLedger ledger, TestLedger other, UUID foreign, Random random) {
        List<Probe> probes = new ArrayList<>();
        String key = ledger.writeKey();
        var ids = hostileIds(foreign);
        // Each field of each message, made wrong one way at a time.
        for (var id : ids) {
            probes.add(message(CREATE, key, base.create().toBuilder().setFrom(id).build(), "from = " + abbreviate(id)));
            probes.add(message(CREATE, key, base.create().toBuilder().setTo(id).build(), "to = " + abbreviate(id)));
            probes.add(message(CAPTURE, key, base.capture().toBuilder().setHoldId(id).build(), "hold_id = " + abbreviate(id)));
            probes.add(message(VOID, key, base.voidHold().toBuilder().setHoldId(id).build(), "void hold_id = " + abbreviate(id)));
            probes.add(message(BALANCE, key, base.balance().toBuilder().setAccountId(id).build(), "account_id = " + abbreviate(id)));
            probes.add(message(STATEMENT, key, base.statement().toBuilder().setAccountId(id).build(), "statement account_id = " + abbreviate(id)));
        }
        for (var text : HOSTILE_STRINGS) {
            var shown = abbreviate(text);
            probes.add(message(CREATE, key, base.create().toBuilder().setAsset(text).build(), "asset = " + shown));
            probes.add(message(CREATE, key, base.create().toBuilder().setIdempotencyKey(text).build(), "idempotency_key = " + shown));
            probes.add(message(CREATE, key, base.create().toBuilder().putMetadata(text, "v").build(), "metadata key " + shown));
            probes.add(message(CREATE, key, base.create().toBuilder().putMetadata("k", text).build(), "metadata value " + shown));
            probes.add(message(CAPTURE, key, base.capture().toBuilder().putMetadata(text, text).build(), "capture metadata " + shown));
            probes.add(message(VOID, key, base.voidHold().toBuilder().setIdempotencyKey(text).build(), "void key " + shown));
            probes.add(message(STATEMENT, key, base.statement().toBuilder().setCursor(text).build(), "cursor = " + shown));
        }
        for (var number : HOSTILE_LONGS) {
            probes.add(message(CREATE, key, base.create().toBuilder().setAmount(number).build(), "amount = " + number));
            probes.add(message(CREATE, key, base.create().toBuilder().setPending(true).setTimeoutSeconds(number).build(), "timeout = " + number));
            probes.add(message(CAPTURE, key, base.capture().toBuilder().setAmount(number).build(), "capture amount = " + number));
            probes.add(message(STATEMENT, key, base.statement().toBuilder().setLimit((int) (long) number).build(), "limit = " + (int) (long) number));
            var instant = Timestamp.newBuilder().setSeconds(number).setNanos((int) Math.floorMod(number, 2_000_000_000L) - 1).build();
            probes.add(message(BALANCE, key, base.balance().toBuilder().setAsOf(instant).build(), "as_of = " + instant));
            probes.add(message(STATEMENT, key, base.statement().toBuilder().setFrom(instant).setTo(instant).build(), "from = to = " + instant));
        }
        probes.add(message(CREATE, key, base.create().toBuilder().clearFrom().build(), "without from"));
        probes.add(message(CREATE, key, base.create().toBuilder().clearTo().build(), "without to"));
        probes.add(message(CREATE, key, base.create().toBuilder().clearAmount().build(), "without amount"));
        probes.add(message(CREATE, key, base.create().toBuilder().clearAsset().build(), "without asset"));
        probes.add(message(CREATE, key, base.create().toBuilder().setPending(true).build(), "a hold from the empty account"));
        probes.add(message(CREATE, key, base.create().toBuilder().setTo(base.create().getFrom()).build(), "to = from"));
        probes.add(message(CAPTURE, key, base.capture().toBuilder().clearHoldId().build(), "capture without hold_id"));
        probes.add(message(BALANCE, key, GetBalanceRequest.getDefaultInstance(), "balance without account_id"));
        var crowded = base.create().toBuilder();
        for (int i = 0; i <= Limits.METADATA_ENTRIES_MAX; i++) {
            crowded.putMetadata("k" + i, "v");
        }
        probes.add(message(CREATE, key, crowded.build(), "metadata with one entry too many"));
        probes.add(message(CREATE, key, base.create().toBuilder().putMetadata("", "v").build(), "an empty metadata key"));
        probes.add(message(CREATE, key, GrpcApiIT.padded(base.create(), Limits.GRPC_MESSAGE_BYTES_MAX), "a message of the largest size"));
        probes.add(new Probe(CREATE, key, Map.of(), List.of(GrpcApiIT.padded(base.create(), Limits.GRPC_MESSAGE_BYTES_MAX + 1).toByteArray()),
                "a message one byte too large", Status.Code.RESOURCE_EXHAUSTED));
        probes.add(new Probe(CREATE, key, Map.of(), List.of(new byte[3 * Limits.GRPC_MESSAGE_BYTES_MAX]), "a 3 MiB message", Status.Code.RESOURCE_EXHAUSTED));

        // Bytes no stub would send, to every method.
        for (var method : List.of(CREATE, CAPTURE, VOID, BALANCE, STATEMENT)) {
            var valid = switch (method) {
                case CREATE -> base.create();
                case CAPTURE -> base.capture();
                case VOID -> base.voidHold();
                case BALANCE -> base.balance();
                default -> base.statement();
            };
            var bytes = valid.toByteArray();
            for (int cut : new int[] {1, bytes.length / 3, bytes.length / 2, bytes.length - 1}) {
                probes.add(raw(method, key, java.util.Arrays.copyOf(bytes, cut), "truncated at " + cut));
            }
            probes.add(raw(method, key, concat(bytes, new byte[] {0x08}), "a tag without its value"));
            probes.add(raw(method, key, concat(bytes, new byte[] {0x0a, 0x7f}), "a length beyond the end"));
            probes.add(raw(method, key, concat(new byte[] {0x08, 0x01}, bytes), "field 1 as a number"));
            probes.add(raw(method, key, concat(bytes, new byte[] {0x12, 0x02, (byte) 0xc3, 0x28}), "field 2 not UTF-8"));
            probes.add(raw(method, key, concat(bytes, new byte[] {(byte) 0xf8, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x0f, 0x01}),
                    "an unknown field"));
            probes.add(raw(method, key, concat(bytes, new byte[] {0x18, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff,
                    (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x01}), "an eleven-byte varint"));
            probes.add(raw(method, key, nested(20_000), "20,000 nested groups"));
            probes.add(raw(method, key, new byte[0], "an empty message"));
            // The transport resets the stream at a second message (ServerCallImpl: "Too many requests"): CANCELLED.
            probes.add(new Probe(method, key, Map.of(), List.of(bytes, bytes), "two messages on a unary call", Status.Code.CANCELLED));
            probes.add(new Probe(method, key, Map.of(), List.of(), "no message on a unary call", null));
            // Credentials.
            probes.add(new Probe(method, null, Map.of(), List.of(bytes), "no key", null));
            probes.add(new Probe(method, "cla_" + UUID.randomUUID(), Map.of(), List.of(bytes), "an unknown key", null));
            probes.add(new Probe(method, OPERATOR_KEY, Map.of(), List.of(bytes), "the operator key", null));
            probes.add(new Probe(method, null, Map.of("authorization", "Basic " + ledger.writeKey()), List.of(bytes), "Basic", null));
            probes.add(new Probe(method, null, Map.of("authorization", "Bearer " + "k".repeat(6_000)), List.of(bytes), "a 6,000-byte key", null));
            // (Metadata beyond the transport's 8 KiB never leaves a grpc-java client: it refuses to send it.)
            probes.add(new Probe(method, null, Map.of("authorization", "Bearer " + "k".repeat(7_000)), List.of(bytes), "a 7,000-byte key", null));
            probes.add(new Probe(method, key, Map.of("traceparent", "00-zz-yy-01", "idempotency-key", "\u007f"), List.of(bytes),
                    "odd metadata", null));
            probes.add(new Probe(method, key, Map.of("idempotency-key", "i".repeat(Limits.IDEMPOTENCY_KEY_LENGTH_MAX + 1)), List.of(bytes),
                    "a 256-character idempotency-key", null));
            if (!READS.contains(method)) {
                probes.add(new Probe(method, ledger.readKey(), Map.of(), List.of(bytes), "a read key writing", null));
                probes.add(new Probe(method, other.writeKey(), Map.of(), List.of(bytes), "another ledger's key", null));
            }
        }

        // Streams of such messages, and random bytes and combinations, up to the size of the kit.
        var streamed = new ArrayList<byte[]>();
        for (var probe : List.copyOf(probes)) {
            if (probe.method().equals(CREATE) && probe.key() != null && probe.key().equals(key) && probe.metadata().isEmpty()
                    && probe.messages().size() == 1 && probe.transportRefusal() == null) {
                streamed.add(probe.messages().getFirst());
            }
        }
        for (int from = 0; from < streamed.size(); from += 50) {
            probes.add(new Probe(STREAM, key, Map.of(), streamed.subList(from, Math.min(streamed.size(), from + 50)),
                    "a stream of hostile requests " + from, null));
        }
        probes.add(new Probe(STREAM, key, Map.of(), List.of(base.create().toByteArray(), new byte[] {(byte) 0xff, 0x01}, base.create().toByteArray()),
                "a stream with malformed bytes", null));
        probes.add(new Probe(STREAM, ledger.readKey(), Map.of(), List.of(base.create().toByteArray()), "a stream with a read key", null));
        while (probes.size() < REQUESTS) {
            if (random.nextInt(4) == 0) {
                var bytes = new byte[1 + random.nextInt(64)];
                random.nextBytes(bytes);
                var method = List.of(CREATE, CAPTURE, VOID, BALANCE, STATEMENT).get(random.nextInt(5));
                probes.add(raw(method, key, bytes, "random bytes " + probes.size()));
                continue;
            }
            var b = base.create().toBuilder();
            var what = new StringBuilder("random:");
            for (int m = 1 + random.nextInt(3); m > 0; m--) {
                switch (random.nextInt(6)) {
                    case 0 -> { var id = ids.get(random.nextInt(ids.size())); b.setFrom(id); what.append(" from=").append(abbreviate(id)); }
                    case 1 -> { var id = ids.get(random.nextInt(ids.size())); b.setTo(id); what.append(" to=").append(abbreviate(id)); }
                    case 2 -> { long n = HOSTILE_LONGS.get(random.nextInt(HOSTILE_LONGS.size())); b.setAmount(n); what.append(" amount=").append(n); }
                    case 3 -> { var s = HOSTILE_STRINGS.get(random.nextInt(HOSTILE_STRINGS.size())); b.setAsset(s); what.append(" asset=").append(abbreviate(s)); }
                    case 4 -> { var s = HOSTILE_STRINGS.get(random.nextInt(HOSTILE_STRINGS.size())); b.putMetadata(s, s); what.append(" metadata=").append(abbreviate(s)); }
                    default -> { var s = HOSTILE_STRINGS.get(random.nextInt(HOSTILE_STRINGS.size())); b.setIdempotencyKey(s); what.append(" key=").append(abbreviate(s)); }
                }
            }
            probes.add(message(CREATE, key, b.build(), what.toString()));
        }
        return probes;
    }

    private static List<String> hostileIds(UUID foreign) {
        var random = UUID.randomUUID().toString();
        var ids = new ArrayList<>(HOSTILE_STRINGS);
        ids.addAll(List.of("not-a-uuid", random.substring(1), random + "0", "{" + random + "}", " " + random, random.toUpperCase(),
                "00000000-0000-0000-0000-000000000000", "1-1-1-1-1", random.replace('-', '_'), random.substring(0, 35) + "\u0000",
                UUID.randomUUID().toString(), foreign.toString()));
        return ids;
    }

    private static Probe message(String method, String key, Message message, String what) {
        return new Probe(method, key, Map.of(), List.of(message.toByteArray()), what, null);
    }

    private static Probe raw(String method, String key, byte[] bytes, String what) {
        return new Probe(method, key, Map.of(), List.of(bytes), what, null);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        var out = new ByteArrayOutputStream();
        out.writeBytes(a);
        out.writeBytes(b);
        return out.toByteArray();
    }

    /** Start-group tags of field 1, {@code depth} deep, never ended. */
    private static byte[] nested(int depth) {
        var out = new byte[depth];
        java.util.Arrays.fill(out, (byte) 0x0b);
        return out;
    }

    private static String abbreviate(String s) {
        if (s == null) {
            return "null";
        }
        return s.length() > 60 ? s.substring(0, 60) + "...(" + s.length() + " chars)" : s;
    }

    // ---- sending ----

    private Answer send(Probe probe) {
        var trailers = new AtomicReference<Metadata>();
        // Several messages (or none) go out as a stream: a client's unary call sends exactly one.
        var type = probe.method().equals(STREAM) || probe.messages().size() != 1
                ? MethodDescriptor.MethodType.BIDI_STREAMING : MethodDescriptor.MethodType.UNARY;
        var channel = grpc.with(probe.key(), probe.metadata(), trailers);
        ClientCall<byte[], byte[]> call = channel.newCall(GrpcTestClient.raw(probe.method(), type), GrpcTestClient.deadline());
        var done = new CompletableFuture<Status>();
        var accepted = new int[2];
        call.start(new ClientCall.Listener<>() {
            @Override
            public void onMessage(byte[] message) {
                accepted[1]++;
                if (probe.method().equals(STREAM)) {
                    try {
                        if (StreamTransfersResponse.parseFrom(message).hasAccepted()) {
                            accepted[0]++;
                        }
                    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
                        throw new AssertionError(e);
                    }
                }
                call.request(1);
            }

            @Override
            public void onClose(Status status, Metadata closing) {
                trailers.compareAndSet(null, closing);
                done.complete(status);
            }
        }, new Metadata());
        call.request(1);
        try {
            probe.messages().forEach(call::sendMessage);
            call.halfClose();
        } catch (IllegalStateException | StatusRuntimeException closedEarly) {
            // The server may end the call before every message is sent (a refused key); its status is the answer.
        }
        var status = done.orTimeout(GrpcTestClient.DEADLINE_SECONDS + 5, TimeUnit.SECONDS).join();
        return new Answer(status, trailers.get(), accepted[0], accepted[1]);
    }
}
