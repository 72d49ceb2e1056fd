package dev.creditledger.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.creditledger.devstack.Await;
import dev.creditledger.devstack.EmbeddedKafkaBroker;
import dev.creditledger.devstack.TestInfrastructure;
import dev.creditledger.postgres.EngineListener;
import dev.creditledger.postgres.EngineSettings;
import dev.creditledger.postgres.LedgerAdmin;
import dev.creditledger.postgres.JournalEventLog;
import dev.creditledger.postgres.LedgerDatabase;
import dev.creditledger.postgres.PostgresPostingEngine;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The broker goes away under a running relay, on a private broker so that no other test loses its own.
 * The posting engine never waits for Kafka; the relay keeps failing, backing off and retrying, and
 * delivers everything once the broker is back.
 */
class RelayBrokerOutageIT {

    /** Short timeouts so an outage is noticed in about two seconds. */
    static final RelaySettings SETTINGS = new RelaySettings(100, Duration.ofMillis(20), Duration.ofMillis(300),
            Duration.ofSeconds(2));

    @Test
    void eventsWrittenWhileTheBrokerIsDownArePublishedWhenItIsBack() {
        try (var broker = EmbeddedKafkaBroker.start(null, 0);
             var dataSource = TestInfrastructure.freshDatabase("outage", LedgerDatabase::migrate);
             var engine = new PostgresPostingEngine(dataSource, Clock.systemUTC(), EngineSettings.defaults(), EngineListener.NONE)) {
            var kafka = RelayIT.freshTopics(broker.bootstrapServers());
            var script = new LedgerScript(engine, new LedgerAdmin(dataSource, Clock.systemUTC()).createLedger("outage").id());
            var alice = script.openAccount(null);
            var bob = script.openAccount(null);
            for (int i = 0; i < 10; i++) {
                script.transfer(alice, bob, 1 + i);
            }
            var ledgers = List.of(script.ledgerId);
            var events = new JournalEventLog(dataSource);
            var listener = new RecordingListener();
            try (var relay = new EventRelay(events, kafka, SETTINGS, listener)) {
                relay.start();
                Await.until(Duration.ofSeconds(30), "events before the outage published", () -> JournalTables.allPublished(dataSource, ledgers));
                assertThat(listener.failures).isEmpty();

                broker.stop();
                // LedgerScript asserts that every one of these is accepted: writes never depend on Kafka.
                for (int i = 0; i < 30; i++) {
                    script.transfer(bob, alice, 1 + i);
                }
                Await.until(Duration.ofSeconds(30), "the relay reports the outage", () -> listener.failures.size() >= 2);
                assertThat(listener.failures).allMatch(e -> e instanceof KafkaUnavailableException);
                assertThat(JournalTables.publishedSeq(dataSource, script.ledgerId)).isLessThan(JournalTables.lastSeq(dataSource, script.ledgerId));
                // Thirty transfers, two events each.
                assertThat(events.backlog().changes()).isEqualTo(30);

                broker.start();
                Await.until(Duration.ofSeconds(60), "events of the outage published", () -> JournalTables.allPublished(dataSource, ledgers));
            }
            assertThat(events.backlog().changes()).isZero();
            assertThat(events.backlog().oldestOccurredAt()).isNull();
            // An attempt that failed after some records reached the broker leaves duplicates, never a gap or a reordering.
            PublishedLog.read(kafka).assertHoldsExactly(JournalTables.events(dataSource), kafka);
        }
    }

    @Test
    void aRelayStartedWhileTheBrokerIsDownCreatesTheTopicsAndPublishesOnceItIsUp() {
        try (var broker = EmbeddedKafkaBroker.start(null, 0);
             var dataSource = TestInfrastructure.freshDatabase("down_at_start", LedgerDatabase::migrate);
             var engine = new PostgresPostingEngine(dataSource, Clock.systemUTC(), EngineSettings.defaults(), EngineListener.NONE)) {
            broker.stop();
            var kafka = RelayIT.freshTopics(broker.bootstrapServers());
            var script = new LedgerScript(engine, new LedgerAdmin(dataSource, Clock.systemUTC()).createLedger("down").id());
            var listener = new RecordingListener();
            try (var relay = new EventRelay(new JournalEventLog(dataSource), kafka, SETTINGS, listener)) {
                relay.start();
                script.transfer(script.openAccount(null), script.openAccount(null), 5);
                Await.until(Duration.ofSeconds(30), "the relay reports that it cannot create the topics", () -> !listener.failures.isEmpty());
                assertThat(listener.published.get()).isZero();

                broker.start();
                Await.until(Duration.ofSeconds(60), "published once the broker is up",
                        () -> JournalTables.allPublished(dataSource, List.of(script.ledgerId)));
            }
            PublishedLog.read(kafka).assertHoldsExactly(JournalTables.events(dataSource), kafka);
        }
    }
}
