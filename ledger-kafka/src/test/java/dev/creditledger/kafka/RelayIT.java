package dev.creditledger.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import dev.creditledger.core.Command;
import dev.creditledger.core.CommandResult;
import dev.creditledger.core.Request;
import dev.creditledger.core.Side;
import dev.creditledger.core.SystemAccounts;
import dev.creditledger.core.Submission;
import dev.creditledger.core.events.EventType;
import dev.creditledger.core.events.LedgerEvent;
import dev.creditledger.core.events.EventLog;
import dev.creditledger.core.events.EncodedEvent;
import dev.creditledger.devstack.Await;
import dev.creditledger.devstack.TestInfrastructure;
import dev.creditledger.postgres.EngineListener;
import dev.creditledger.postgres.EngineSettings;
import dev.creditledger.postgres.LedgerAdmin;
import dev.creditledger.postgres.LedgerDatabase;
import dev.creditledger.postgres.PostedResult;
import dev.creditledger.postgres.JournalEventLog;
import dev.creditledger.postgres.PostgresPostingEngine;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * The relay against real PostgreSQL (the posting engine writes the journal, the relay reads it) and a real broker (the shared
 * embedded one). Each test has its own database, so its relay sees only its own ledgers, and its own
 * topic prefix, so its topics hold only its own records.
 */
class RelayIT {

    static final String TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    HikariDataSource dataSource;
    PostgresPostingEngine engine;
    LedgerAdmin admin;
    KafkaSettings kafka;

    @BeforeEach
    void setUp(TestInfo test) {
        var method = test.getTestMethod().orElseThrow().getName();
        dataSource = TestInfrastructure.freshDatabase("relay_" + method.substring(0, Math.min(12, method.length())), LedgerDatabase::migrate);
        engine = new PostgresPostingEngine(dataSource, Clock.systemUTC(), EngineSettings.defaults(), EngineListener.NONE);
        admin = new LedgerAdmin(dataSource, Clock.systemUTC());
        kafka = freshTopics(TestInfrastructure.kafka().bootstrapServers());
    }

    @AfterEach
    void tearDown() {
        engine.close();
        dataSource.close();
    }

    static KafkaSettings freshTopics(String bootstrapServers) {
        return new KafkaSettings(bootstrapServers, TestInfrastructure.freshTopicPrefix(), 4, (short) 1);
    }

    /**
     * Short polls and backoff; a delivery timeout long enough that a loaded single-node broker on 2 shared
     * cores (seen: one stall of over 10 s on a new topic) does not count as a failure in tests that expect none.
     */
    static RelaySettings settings(int eventsPerClaimMax) {
        return new RelaySettings(eventsPerClaimMax, Duration.ofMillis(20), Duration.ofMillis(500), Duration.ofSeconds(30));
    }

    @Test
    void publishesEveryJournalEventWithCloudEventsHeadersInPerAccountOrder() {
        var main = new LedgerScript(engine, admin.createLedger("main").id());
        var funding = main.openAccount(null);
        var alice = main.openAccount(0L);
        var bob = main.openAccount(0L);
        var carol = main.openAccount(0L);
        // Dave alerts below 50: funded, he crosses it upwards; spending down to 20, downwards.
        var dave = LedgerScript.nextId();
        main.post(new Command.CreateAccount(dave, null, "USD", Side.CREDIT, 0L, Map.of(), List.of(50L)));
        main.transfer(funding, dave, 100);
        main.transfer(dave, carol, 80);
        main.post(new Command.PostTransfer(LedgerScript.nextId(), funding, alice, 10_000, "USD", false, null,
                Map.of("why", "funding")), TRACEPARENT);
        var paid = main.transfer(alice, bob, 1_000);
        var captured = main.hold(alice, carol, 500);
        main.post(new Command.CaptureHold(LedgerScript.nextId(), captured, 300L, Map.of()));
        var voided = main.hold(alice, bob, 200);
        main.post(new Command.VoidHold(LedgerScript.nextId(), voided, Map.of()));
        main.post(new Command.PostEntry(LedgerScript.nextId(), List.of(
                new Command.PostingLine(alice, Side.DEBIT, 100, "USD"),
                new Command.PostingLine(bob, Side.CREDIT, 60, "USD"),
                new Command.PostingLine(carol, Side.CREDIT, 40, "USD")), Map.of("kind", "split")));
        main.post(new Command.ReverseTransfer(LedgerScript.nextId(), paid, 400L, Map.of()));
        var idle = main.openAccount(0L);
        main.post(new Command.CloseAccount(idle));
        // A grant that expires at once. The breakage account is opened first, as a client would open any
        // account, so that every event of the ledger is derivable from the answers (a grant would open it itself).
        main.post(new Command.CreateAccount(SystemAccounts.breakageAccountId(main.ledgerId, "USD"), "breakage.USD", "USD",
                Side.CREDIT, null, Map.of()));
        var expiresAt = java.time.Instant.now().plusMillis(50);
        var grant = main.post(new Command.IssueGrant(LedgerScript.nextId(), bob, funding, 70, "USD",
                expiresAt, "test", Map.of())).entry().id();
        // The engine refuses to expire a grant before its instant, by the engine's clock (the system clock).
        Await.until(Duration.ofSeconds(5), "the grant's expiry passed", () -> Clock.systemUTC().instant().isAfter(expiresAt));
        main.post(new Command.ExpireGrant(grant));
        // An order paid into escrow, partly refunded, released minus a fee (the escrow account opened first, as above).
        main.post(new Command.CreateAccount(SystemAccounts.escrowAccountId(main.ledgerId, "USD"), "escrow.USD", "USD",
                Side.CREDIT, null, Map.of()));
        main.post(new Command.FundEscrow(LedgerScript.nextId(), "order-1", alice, carol, 300, "USD", Map.of()));
        main.post(new Command.RefundEscrow(LedgerScript.nextId(), "order-1", 100L, Map.of()));
        main.post(new Command.ReleaseEscrow(LedgerScript.nextId(), "order-1", 20, funding, Map.of()));
        main.post(new Command.RecordUsage(LedgerScript.nextId(), carol, bob, funding, 150, "USD", Map.of()));
        var other = new LedgerScript(engine, admin.createLedger("other").id());
        other.transfer(other.openAccount(null), other.openAccount(null), 5);

        var journal = JournalTables.events(dataSource);
        Map<UUID, LedgerEvent> expected = new HashMap<>(main.expected);
        expected.putAll(other.expected);
        // The engine's answers and the journal agree on which events exist before anything is published.
        var answered = new HashSet<>(expected.keySet());
        answered.addAll(main.closed.keySet());
        assertThat(journal).extracting(EncodedEvent::eventId).containsExactlyInAnyOrderElementsOf(answered);

        var listener = new RecordingListener();
        int claims = 0;
        int published = 0;
        // Four events per claim: the relay has to work through many claims, one ledger at a time.
        try (var relay = new EventRelay(new JournalEventLog(dataSource), kafka, settings(4), listener)) {
            for (int events; (events = relay.publishOnce()) > 0; ) {
                published += events;
                claims++;
            }
        }
        assertThat(published).isEqualTo(journal.size());
        assertThat(claims).isGreaterThan(journal.size() / 4 - 1);
        assertThat(listener.published.get()).isEqualTo(journal.size());
        assertThat(listener.failures).isEmpty();
        for (var ledger : List.of(main.ledgerId, other.ledgerId)) {
            assertThat(JournalTables.publishedSeq(dataSource, ledger)).isEqualTo(JournalTables.lastSeq(dataSource, ledger)).isPositive();
        }

        var log = PublishedLog.read(kafka);
        assertThat(log.records).as("each event exactly once").hasSize(journal.size());
        log.assertHoldsExactly(journal, kafka);
        Map<UUID, EncodedEvent> rows = journal.stream().collect(Collectors.toMap(EncodedEvent::eventId, Function.identity()));
        var traced = 0;
        for (var record : log.records) {
            var row = rows.get(PublishedLog.eventId(record));
            var h = record.headers();
            assertThat(record.key()).isEqualTo(row.accountId().toString());
            assertThat(record.value()).isEqualTo(row.payload());
            assertThat(EventRecords.header(h, EventRecords.SPEC_VERSION)).isEqualTo("1.0");
            assertThat(EventRecords.header(h, EventRecords.SOURCE)).isEqualTo("/ledgers/" + row.ledgerId());
            assertThat(EventRecords.header(h, EventRecords.TYPE)).isEqualTo(row.type().typeName());
            assertThat(Instant.parse(EventRecords.header(h, EventRecords.TIME))).isEqualTo(row.occurredAt());
            assertThat(EventRecords.header(h, EventRecords.SUBJECT)).isEqualTo(row.accountId().toString());
            assertThat(EventRecords.header(h, EventRecords.LEDGER_SEQ)).isEqualTo(Long.toString(row.ledgerSeq()));
            assertThat(EventRecords.header(h, EventRecords.CONTENT_TYPE)).isEqualTo("application/json");
            assertThat(EventRecords.header(h, EventRecords.TRACEPARENT)).isEqualTo(row.traceparent());
            if (row.traceparent() != null) {
                traced++;
            }

            var event = EventCodec.decode(record.value());
            assertThat(event.header().eventId()).isEqualTo(row.eventId());
            assertThat(event.header().ledgerSeq()).isEqualTo(row.ledgerSeq());
            if (event instanceof LedgerEvent.AccountClosed closed) {
                assertThat(closed.accountId()).isEqualTo(main.closed.get(row.eventId())).isEqualTo(idle);
            } else {
                assertThat(event).isEqualTo(expected.get(row.eventId()));
            }
        }
        // The traced transfer touched two accounts: two events carry the submission's trace context.
        assertThat(traced).isEqualTo(2);
        assertThat(log.records).extracting(r -> EventRecords.header(r.headers(), EventRecords.TYPE)).containsAll(
                List.of(EventType.values()).stream().filter(t -> t != EventType.HOLD_EXPIRED).map(EventType::typeName).toList());
    }

    @Test
    void aCrashBetweenPublishAndMarkRepublishesTheSameEventsWithTheSameIds() {
        var script = new LedgerScript(engine, admin.createLedger("crash").id());
        var funding = script.openAccount(null);
        var alice = script.openAccount(0L);
        var bob = script.openAccount(0L);
        script.transfer(funding, alice, 1_000);
        for (int i = 0; i < 10; i++) {
            script.transfer(alice, bob, 10 + i);
            script.transfer(bob, alice, 5);
        }
        var journal = JournalTables.events(dataSource);
        long lastSeq = JournalTables.lastSeq(dataSource, script.ledgerId);
        long markBefore = JournalTables.publishedSeq(dataSource, script.ledgerId);

        var listener = new RecordingListener();
        var crashing = new CrashAfterPublishLog(new JournalEventLog(dataSource));
        try (var relay = new EventRelay(crashing, kafka, settings(1_000), listener)) {
            assertThatThrownBy(relay::publishOnce).hasMessageContaining("simulated crash");
        }
        assertThat(crashing.crashes.get()).isEqualTo(1);
        assertThat(listener.failures).hasSize(1);
        assertThat(listener.published.get()).isZero();
        // Kafka acknowledged every event, but the mark did not move.
        assertThat(JournalTables.publishedSeq(dataSource, script.ledgerId)).isEqualTo(markBefore).isLessThan(lastSeq);
        var afterCrash = PublishedLog.read(kafka);
        assertThat(afterCrash.records).hasSize(journal.size());
        afterCrash.assertHoldsExactly(journal, kafka);

        // A new relay (as after a restart) starts from the mark and sends everything again.
        try (var relay = new EventRelay(new JournalEventLog(dataSource), kafka, settings(1_000), RelayListener.NONE)) {
            assertThat(relay.publishOnce()).isEqualTo(journal.size());
            assertThat(relay.publishOnce()).isZero();
        }
        assertThat(JournalTables.publishedSeq(dataSource, script.ledgerId)).isEqualTo(lastSeq);

        var log = PublishedLog.read(kafka);
        assertThat(log.records).hasSize(2 * journal.size());
        assertThat(log.occurrences().values()).containsOnly(2L);
        // The copies are identical: same key, payload and headers, so a consumer cannot tell them apart but by position.
        Map<UUID, List<String>> copies = new HashMap<>();
        for (var record : log.records) {
            copies.computeIfAbsent(PublishedLog.eventId(record), id -> new ArrayList<>())
                    .add(record.topic() + "|" + record.partition() + "|" + record.key() + "|" + record.value() + "|" + record.headers());
        }
        copies.values().forEach(both -> assertThat(both.get(1)).isEqualTo(both.get(0)));
        log.assertHoldsExactly(journal, kafka);
    }

    @Test
    void twoRelaysOnOneDatabasePublishEveryEventOnceInPerAccountOrder() {
        List<UUID> ledgers = new ArrayList<>();
        Map<UUID, List<UUID>> accounts = new HashMap<>();
        for (var name : List.of("busy_a", "busy_b")) {
            var script = new LedgerScript(engine, admin.createLedger(name).id());
            ledgers.add(script.ledgerId);
            List<UUID> ids = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                ids.add(script.openAccount(null));
            }
            accounts.put(script.ledgerId, ids);
        }
        var listenerA = new RecordingListener();
        var listenerB = new RecordingListener();
        var random = new Random(11);
        // Small claims make the two relays take turns on each ledger while the engine keeps writing.
        try (var relayA = new EventRelay(new JournalEventLog(dataSource), kafka, settings(50), listenerA);
             var relayB = new EventRelay(new JournalEventLog(dataSource), kafka, settings(50), listenerB)) {
            relayA.start();
            relayB.start();
            for (int round = 0; round < 60; round++) {
                List<CompletableFuture<List<PostedResult>>> futures = new ArrayList<>();
                for (int i = 0; i < 20; i++) {
                    var ledger = ledgers.get(random.nextInt(ledgers.size()));
                    var ids = accounts.get(ledger);
                    var from = ids.get(random.nextInt(ids.size()));
                    var to = ids.get((ids.indexOf(from) + 1 + random.nextInt(ids.size() - 1)) % ids.size());
                    futures.add(engine.submit(Submission.single(new Request(ledger, null, new Command.PostTransfer(
                            LedgerScript.nextId(), from, to, 1 + random.nextInt(100), "USD", false, null, Map.of())))));
                }
                futures.forEach(f -> assertThat(f.join().getFirst().result()).isInstanceOf(CommandResult.Accepted.class));
            }
            Await.until(Duration.ofSeconds(60), "both ledgers published", () -> JournalTables.allPublished(dataSource, ledgers));
        }
        var journal = JournalTables.events(dataSource);
        assertThat(journal).hasSizeGreaterThan(2 * 60 * 20);
        assertThat(listenerA.failures).isEmpty();
        assertThat(listenerB.failures).isEmpty();
        assertThat(listenerA.published.get()).as("relay A took part").isPositive();
        assertThat(listenerB.published.get()).as("relay B took part").isPositive();
        // A ledger is held by one relay at a time: nothing was published twice.
        assertThat(listenerA.published.get() + listenerB.published.get()).isEqualTo(journal.size());
        var log = PublishedLog.read(kafka);
        assertThat(log.records).hasSize(journal.size());
        log.assertHoldsExactly(journal, kafka);
    }

    /**
     * The real event log, except that the first claim's mark fails after the relay sent everything, as a
     * relay that crashes once Kafka acknowledged and before PostgreSQL recorded it: the claim's
     * transaction is rolled back, so the mark stays where it was.
     */
    static final class CrashAfterPublishLog implements EventLog {
        final AtomicInteger crashes = new AtomicInteger();
        private final EventLog delegate;

        CrashAfterPublishLog(EventLog delegate) {
            this.delegate = delegate;
        }

        @Override
        public Optional<Claim> claimNext(int eventsMax) {
            return delegate.claimNext(eventsMax).map(CrashingClaim::new);
        }

        @Override
        public Backlog backlog() {
            return delegate.backlog();
        }

        private final class CrashingClaim implements Claim {
            private final Claim claim;

            CrashingClaim(Claim claim) {
                this.claim = claim;
            }

            @Override
            public UUID ledgerId() {
                return claim.ledgerId();
            }

            @Override
            public List<EncodedEvent> events() {
                return claim.events();
            }

            @Override
            public void markPublished() {
                if (crashes.getAndIncrement() == 0) {
                    claim.close();
                    throw new IllegalStateException("simulated crash between publish and mark");
                }
                claim.markPublished();
            }

            @Override
            public void close() {
                claim.close();
            }
        }
    }
}
