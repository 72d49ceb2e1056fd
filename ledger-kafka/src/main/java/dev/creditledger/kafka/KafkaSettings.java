package dev.creditledger.kafka;

import dev.creditledger.core.events.EventTopic;
import java.util.Arrays;
import java.util.List;

/**
 * Where the event topics live and how they are created: the bootstrap servers, the topic prefix (topics
 * are {@code <prefix>.<stream>.v1}, the dead-letter topic {@code <prefix>.deadletter.v1}), and the
 * partition count and replication factor used when the topics are created.
 *
 * What can go wrong: nothing here talks to Kafka; a wrong bootstrap address shows up when a client
 * first connects.
 */
public record KafkaSettings(String bootstrapServers, String topicPrefix, int partitions, short replicationFactor) {

    /** Partitions of every topic in development: enough to show that events of different accounts spread out. */
    public static final int LOCAL_PARTITIONS = 4;

    public KafkaSettings {
        if (bootstrapServers == null || bootstrapServers.isBlank()) {
            throw new IllegalArgumentException("bootstrapServers is required");
        }
        if (topicPrefix == null || topicPrefix.isBlank()) {
            topicPrefix = EventTopic.DEFAULT_PREFIX;
        }
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions must be at least 1");
        }
        if (replicationFactor < 1) {
            throw new IllegalArgumentException("replicationFactor must be at least 1");
        }
    }

    /** A single local broker: the default prefix, {@value #LOCAL_PARTITIONS} partitions, one replica. */
    public static KafkaSettings local(String bootstrapServers) {
        return new KafkaSettings(bootstrapServers, EventTopic.DEFAULT_PREFIX, LOCAL_PARTITIONS, (short) 1);
    }

    public String topic(EventTopic topic) {
        return topic.topicName(topicPrefix);
    }

    /** The three event topics, in {@link EventTopic} order. */
    public List<String> eventTopics() {
        return Arrays.stream(EventTopic.values()).map(this::topic).toList();
    }

    public String deadLetterTopic() {
        return topicPrefix + ".deadletter.v1";
    }
}
