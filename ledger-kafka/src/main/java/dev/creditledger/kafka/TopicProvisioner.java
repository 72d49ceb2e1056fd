package dev.creditledger.kafka;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * Creates the three event topics and the dead-letter topic with the configured partitions and
 * replication factor. Topics that exist are left as they are (their partition count is not checked).
 *
 * What can go wrong: an unreachable broker or a refused creation (for example a replication factor
 * above the number of brokers) is an {@link IllegalStateException} after at most
 * {@link #CREATE_TIMEOUT_MS} milliseconds.
 */
public final class TopicProvisioner {

    public static final long CREATE_TIMEOUT_MS = 30_000;

    private TopicProvisioner() {}

    public static void ensureTopics(KafkaSettings settings) {
        List<String> names = new ArrayList<>(settings.eventTopics());
        names.add(settings.deadLetterTopic());
        Map<String, Object> config = Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers(),
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) CREATE_TIMEOUT_MS);
        try (var admin = Admin.create(config)) {
            var topics = names.stream().map(n -> new NewTopic(n, settings.partitions(), settings.replicationFactor())).toList();
            var futures = admin.createTopics(topics).values();
            for (var name : names) {
                try {
                    futures.get(name).get(CREATE_TIMEOUT_MS, TimeUnit.MILLISECONDS);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException("could not create topic " + name + ": " + e.getCause(), e.getCause());
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics", e);
        } catch (TimeoutException e) {
            throw new IllegalStateException("topics were not created within " + CREATE_TIMEOUT_MS + " ms", e);
        }
    }
}
