package dev.creditledger.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/** Topic names, the documented defaults, the limits at their edges, the backoff and the producer configuration. */
class RelaySettingsTest {

    @Test
    void localSettingsNameTheTopicsAfterThePrefix() {
        var kafka = KafkaSettings.local("127.0.0.1:9092");
        assertThat(kafka).isEqualTo(new KafkaSettings("127.0.0.1:9092", "ledger", 4, (short) 1));
        assertThat(kafka.eventTopics()).containsExactly("ledger.account.v1", "ledger.transfer.v1", "ledger.entry.v1");
        assertThat(kafka.publishedTopics()).containsExactly("ledger.account.v1", "ledger.transfer.v1", "ledger.entry.v1",
                "ledger.alert.v1");
        assertThat(kafka.deadLetterTopic()).isEqualTo("ledger.deadletter.v1");
        var longest = "p".repeat(KafkaSettings.TOPIC_PREFIX_LENGTH_MAX);
        assertThat(new KafkaSettings("b:1", longest, 1, (short) 1).deadLetterTopic()).hasSizeLessThanOrEqualTo(249);
        assertThatThrownBy(() -> new KafkaSettings("b:1", longest + "p", 1, (short) 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new KafkaSettings("b:1", "led ger", 1, (short) 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new KafkaSettings("b:1", "ledger", 0, (short) 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new KafkaSettings("b:1", "ledger", 1, (short) 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new KafkaSettings(" ", "ledger", 1, (short) 1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void defaultsAreTheDocumentedOnes() {
        assertThat(RelaySettings.defaults()).isEqualTo(new RelaySettings(1_000, Duration.ofMillis(50), Duration.ofSeconds(5),
                Duration.ofSeconds(30)));
    }

    @Test
    void limitsAreCheckedAtTheirEdges() {
        var d = RelaySettings.defaults();
        assertThat(with(1, RelaySettings.DELIVERY_TIMEOUT_MIN)).isNotNull();
        assertThatThrownBy(() -> with(0, d.deliveryTimeout())).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> with(1, RelaySettings.DELIVERY_TIMEOUT_MIN.minusMillis(1))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RelaySettings(1, Duration.ZERO, d.backoffMax(), d.deliveryTimeout()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RelaySettings(1, d.idlePoll(), Duration.ZERO, d.deliveryTimeout()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void backoffDoublesFrom100MsUpToTheMaximum() {
        var backoff = RelaySettings.defaults().backoff();
        assertThat(java.util.stream.IntStream.rangeClosed(1, 8).mapToObj(backoff::after).map(Duration::toMillis))
                .containsExactly(100L, 200L, 400L, 800L, 1_600L, 3_200L, 5_000L, 5_000L);
        assertThat(backoff.after(1_000)).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void theProducerIsIdempotentAndKafkaAcceptsItsTimeoutsEvenAtTheShortestDeliveryTimeout() {
        var d = RelaySettings.defaults();
        var shortest = with(d.eventsPerClaimMax(), RelaySettings.DELIVERY_TIMEOUT_MIN);
        for (var settings : new RelaySettings[] {d, shortest}) {
            var relay = new EventRelay(null, KafkaSettings.local("127.0.0.1:9"), settings, RelayListener.NONE);
            Map<String, Object> config = relay.producerConfig();
            assertThat(config).containsEntry(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true)
                    .containsEntry(ProducerConfig.ACKS_CONFIG, "all")
                    .containsEntry(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5)
                    .containsEntry(ProducerConfig.RETRIES_CONFIG, Integer.MAX_VALUE)
                    .containsEntry(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) settings.deliveryTimeout().toMillis());
            assertThat((long) config.get(ProducerConfig.MAX_BLOCK_MS_CONFIG)).isLessThanOrEqualTo(settings.deliveryTimeout().toMillis());
            // KafkaProducer refuses a delivery timeout shorter than linger.ms + request.timeout.ms; it does not connect here.
            new KafkaProducer<>(config, new StringSerializer(), new StringSerializer()).close(Duration.ZERO);
        }
    }

    private static RelaySettings with(int eventsPerClaimMax, Duration deliveryTimeout) {
        var d = RelaySettings.defaults();
        return new RelaySettings(eventsPerClaimMax, d.idlePoll(), d.backoffMax(), deliveryTimeout);
    }
}
