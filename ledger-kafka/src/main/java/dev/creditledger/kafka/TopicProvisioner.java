package dev.creditledger.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * Creates the event topics and the dead-letter topic when they are missing. Topics that exist are left
 * exactly as they are (their partitions and configuration are not checked or changed).
 *
 * New topics keep their records forever ({@code retention.ms=-1}): Kafka's default of seven days would
 * silently break the promise that any read model can be rebuilt by replaying from the beginning (the
 * journal keeps every change too, but the topics are what consumers replay). {@code min.insync.replicas} is one less than the
 * replication factor (at least 1), so that {@code acks=all} survives the loss of one replica.
 *
 * What can go wrong: an unreachable broker or a refused request (authorisation, a replication factor
 * larger than the cluster) surfaces as {@link KafkaUnavailableException} after at most the given wait
 * ({@link #CREATE_WAIT} unless told); a caller retries later.
 */
public final class TopicProvisioner {

    /** How long to wait for the broker to answer the whole creation request, unless told otherwise. */
    public static final Duration CREATE_WAIT = Duration.ofSeconds(10);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration ADMIN_CLOSE_WAIT = Duration.ofSeconds(1);
    private static final String RETAIN_FOREVER_MS = "-1";

    private TopicProvisioner() {}

    /**
     * Creates the event topics (journal and alert) and the dead-letter topic when missing (TopicExistsException is fine);
     * waits at most {@link #CREATE_WAIT} for the broker.
     */
    public static void ensureTopics(KafkaSettings settings) {
        ensureTopics(settings, CREATE_WAIT);
    }

    /** The same, waiting at most {@code wait} (the relay keeps every Kafka step within its delivery timeout). */
    public static void ensureTopics(KafkaSettings settings, Duration wait) {
        if (wait.isNegative() || wait.isZero()) {
            throw new IllegalArgumentException("the wait must be positive: " + wait);
        }
        List<String> names = new ArrayList<>(settings.publishedTopics());
        names.add(settings.deadLetterTopic());
        var topicConfig = Map.of(
                TopicConfig.RETENTION_MS_CONFIG, RETAIN_FOREVER_MS,
                TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, String.valueOf(Math.max(1, settings.replicationFactor() - 1)));
        var topics = names.stream()
                .map(name -> new NewTopic(name, settings.partitions(), settings.replicationFactor()).configs(topicConfig))
                .toList();
        Map<String, Object> adminConfig = Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers(),
                AdminClientConfig.CLIENT_ID_CONFIG, settings.topicPrefix() + "-topic-provisioner",
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.min(REQUEST_TIMEOUT.toMillis(), wait.toMillis()),
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) wait.toMillis());
        var admin = Admin.create(adminConfig);
        try {
            var results = admin.createTopics(topics).values();
            long deadline = System.nanoTime() + wait.toNanos();
            for (var entry : results.entrySet()) {
                try {
                    entry.getValue().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new KafkaUnavailableException("could not create topic " + entry.getKey() + ": "
                                + e.getCause(), e.getCause());
                    }
                }
            }
        } catch (TimeoutException e) {
            throw new KafkaUnavailableException("the broker did not create the topics " + names + " within " + wait, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaUnavailableException("interrupted while creating the topics " + names, e);
        } finally {
            admin.close(ADMIN_CLOSE_WAIT);
        }
    }
}
