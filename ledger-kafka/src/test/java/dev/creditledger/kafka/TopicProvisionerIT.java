package dev.creditledger.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.creditledger.devstack.TestInfrastructure;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;

/** The four topics are created once, with the partitions asked for and records kept forever; a second call is a no-op. */
class TopicProvisionerIT {

    @Test
    void createsTheMissingTopicsAndToleratesExistingOnes() throws Exception {
        var kafka = new KafkaSettings(TestInfrastructure.kafka().bootstrapServers(), "tp" + System.nanoTime(), 3, (short) 1);
        TopicProvisioner.ensureTopics(kafka);
        TopicProvisioner.ensureTopics(kafka);

        List<String> names = new ArrayList<>(kafka.publishedTopics());
        names.add(kafka.deadLetterTopic());
        try (var admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
            var topics = admin.describeTopics(names).allTopicNames().get(10, TimeUnit.SECONDS);
            assertThat(topics).containsOnlyKeys(names);
            topics.values().forEach(t -> assertThat(t.partitions()).hasSize(3));
            var resources = names.stream().map(n -> new ConfigResource(ConfigResource.Type.TOPIC, n)).toList();
            var configs = admin.describeConfigs(resources).all().get(10, TimeUnit.SECONDS);
            configs.values().forEach(c -> {
                assertThat(c.get("retention.ms").value()).isEqualTo("-1");
                assertThat(c.get("min.insync.replicas").value()).isEqualTo("1");
            });
        }
    }
}
