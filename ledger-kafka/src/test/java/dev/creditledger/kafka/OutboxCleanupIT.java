package dev.creditledger.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.creditledger.core.events.Outbox;
import dev.creditledger.core.events.OutboxRecord;
import dev.creditledger.devstack.EmbeddedKafkaBroker;
import dev.creditledger.postgres.EngineListener;
import dev.creditledger.postgres.EngineSettings;
import dev.creditledger.postgres.LedgerAdmin;
import dev.creditledger.postgres.PostgresOutbox;
import dev.creditledger.postgres.PostgresPostingEngine;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Comparator;
import org.junit.jupiter.api.Test;

/**
 * Published rows leave the outbox once they are older than the retention; unpublished rows stay however
 * old they are. The relay's clock is the test's; the engine stamps events with the real time.
 */
class OutboxCleanupIT {

    static final int CLEANUP_ROWS_MAX = 5;

    @Test
    void deletesOnlyPublishedRowsOlderThanTheRetentionAndReportsTheBacklog() {
        try (var dataSource = TestDatabase.create("cleanup");
             var engine = new PostgresPostingEngine(dataSource, Clock.systemUTC(), EngineSettings.defaults(), EngineListener.NONE)) {
            var kafka = RelayIT.freshTopics(EmbeddedKafkaBroker.shared().bootstrapServers());
            var clock = new SettableClock(Instant.now());
            var settings = new RelaySettings(1_000, Duration.ofMillis(20), Duration.ofDays(7), Duration.ofMillis(100),
                    CLEANUP_ROWS_MAX, Duration.ofMillis(500), Duration.ofSeconds(10));
            var outbox = new PostgresOutbox(dataSource);
            var script = new LedgerScript(engine, new LedgerAdmin(dataSource, Clock.systemUTC()).createLedger("cleanup").id());
            var alice = script.openAccount(null);
            var bob = script.openAccount(null);
            var carol = script.openAccount(null);
            for (int i = 0; i < 8; i++) {
                script.transfer(alice, i % 2 == 0 ? bob : carol, 1 + i);
            }
            var all = OutboxTables.rows(dataSource);
            assertThat(all).hasSize(3 + 2 * 8);
            assertThat(outbox.backlog()).isEqualTo(new Outbox.Backlog(all.size(), oldest(all)));

            var listener = new RecordingListener();
            try (var relay = new OutboxRelay(outbox, kafka, settings, listener, clock)) {
                assertThat(relay.publishOnce()).isEqualTo(all.size());
                // Four more transfers that no relay publishes.
                for (int i = 0; i < 4; i++) {
                    script.transfer(bob, carol, 1);
                }
                var unpublished = OutboxTables.unpublishedRows(dataSource);
                assertThat(unpublished).hasSize(8);
                assertThat(outbox.backlog()).isEqualTo(new Outbox.Backlog(8, oldest(unpublished)));

                // Everything is younger than the retention: nothing goes.
                assertThat(relay.cleanupOnce()).isZero();
                assertThat(OutboxTables.rows(dataSource)).hasSize(all.size() + 8);

                // Eight days later every row is old, but only the published ones go, five per statement.
                clock.set(clock.instant().plus(Duration.ofDays(8)));
                assertThat(relay.cleanupOnce()).isEqualTo(all.size());
                assertThat(listener.cleaned.get()).isEqualTo(all.size());
                assertThat(OutboxTables.rows(dataSource)).containsExactlyElementsOf(unpublished);
                assertThat(outbox.backlog()).isEqualTo(new Outbox.Backlog(8, oldest(unpublished)));
            }

            // The running relay publishes the rest and its periodic cleanup removes it.
            var looping = new RecordingListener();
            try (var relay = new OutboxRelay(outbox, kafka, settings, looping, clock)) {
                relay.start();
                Await.until(Duration.ofSeconds(30), "the loop publishes and cleans up", () -> OutboxTables.rows(dataSource).isEmpty());
            }
            assertThat(looping.published.get()).isEqualTo(8);
            assertThat(looping.cleaned.get()).isEqualTo(8);
            assertThat(outbox.backlog()).isEqualTo(new Outbox.Backlog(0, null));
            assertThat(OutboxTables.publishedSeq(dataSource, script.ledgerId)).isEqualTo(OutboxTables.lastSeq(dataSource, script.ledgerId));
        }
    }

    private static Instant oldest(java.util.List<OutboxRecord> rows) {
        return rows.stream().map(OutboxRecord::occurredAt).min(Comparator.naturalOrder()).orElseThrow();
    }

    /** A clock the test moves by hand. */
    static final class SettableClock extends Clock {
        private volatile Instant now;

        SettableClock(Instant now) {
            this.now = now;
        }

        void set(Instant now) {
            this.now = now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
