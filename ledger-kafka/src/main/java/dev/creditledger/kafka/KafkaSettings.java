package dev.creditledger.kafka;

import dev.creditledger.core.events.EventTopic;
import dev.creditledger.core.events.EventType;
import java.util.Arrays;
import java.util.List;

/**
 * Where the event topics live: the brokers, the topic prefix and how new topics are created. Topic names
 * are {@code <prefix>.account.v1}, {@code <prefix>.transfer.v1}, {@code <prefix>.entry.v1} (see
 * {@link EventTopic#topicName}) and {@code <prefix>.deadletter.v1} for events a consumer cannot read.
 *
 * @param bootstrapServers  {@code host:port[,host:port...]}
 * @param topicPrefix       letters, digits, '.', '_' or '-'; a fresh prefix gives a fresh set of topics
 * @param partitions        partitions of each topic when it is created; an account's events stay in one
 *                          partition only while this number does not change, so never raise it on a live topic
 * @param replicationFactor replicas of each topic when it is created (1 only for development)
 */
public record KafkaSettings(String bootstrapServers, String topicPrefix, int partitions, short replicationFactor) {

    /** Kafka allows 249 characters in a topic name; the longest suffix we add is ".deadletter.v1". */
    public static final int TOPIC_PREFIX_LENGTH_MAX = 200;
    public static final int LOCAL_PARTITIONS = 4;
    public static final short LOCAL_REPLICATION_FACTOR = 1;
    private static final String DEAD_LETTER_SUFFIX = ".deadletter.v" + EventType.SCHEMA_VERSION;

    public KafkaSettings {
        if (bootstrapServers == null || bootstrapServers.isBlank()) {
            throw new IllegalArgumentException("bootstrapServers is required");
        }
        if (topicPrefix == null || !topicPrefix.matches("[a-zA-Z0-9._-]{1," + TOPIC_PREFIX_LENGTH_MAX + "}")) {
            throw new IllegalArgumentException("topicPrefix must be 1 to " + TOPIC_PREFIX_LENGTH_MAX
                    + " letters, digits, '.', '_' or '-': " + topicPrefix);
        }
        if (partitions < 1 || replicationFactor < 1) {
            throw new IllegalArgumentException("partitions and replicationFactor must be positive: " + partitions
                    + ", " + replicationFactor);
        }
    }

    /** The prefix {@code ledger}, 4 partitions, one replica: a single development broker. */
    public static KafkaSettings local(String bootstrapServers) {
        return new KafkaSettings(bootstrapServers, EventTopic.DEFAULT_PREFIX, LOCAL_PARTITIONS, LOCAL_REPLICATION_FACTOR);
    }

    public String topic(EventTopic topic) {
        return topic.topicName(topicPrefix);
    }

    /** The three topics of journal changes (what the projector reads), in {@link EventTopic} order. */
    public List<String> eventTopics() {
        return Arrays.stream(EventTopic.values()).filter(EventTopic::journal).map(this::topic).toList();
    }

    /** Every topic the relay publishes to: the journal topics and the alert topic. */
    public List<String> publishedTopics() {
        return Arrays.stream(EventTopic.values()).map(this::topic).toList();
    }

    public String deadLetterTopic() {
        return topicPrefix + DEAD_LETTER_SUFFIX;
    }
}
