package dev.creditledger.server;

import dev.creditledger.core.events.EventTopic;
import dev.creditledger.kafka.EventRecords;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ledger events tail}: prints events as they arrive, one line each, for a person watching the
 * flow. It reads every partition without a consumer group (it never moves the projector's offsets),
 * from the end unless {@code --from-beginning}, until Ctrl-C.
 */
@Command(name = "events", mixinStandardHelpOptions = true, description = "Watch the event topics.",
        subcommands = EventsCommand.Tail.class)
final class EventsCommand implements Runnable {

    @Override
    public void run() {
        picocli.CommandLine.usage(this, System.out);
    }

    @Command(name = "tail", mixinStandardHelpOptions = true, description = "Print events as they arrive, until Ctrl-C.")
    static final class Tail implements Callable<Integer> {
        @Option(names = "--topic", description = "account, transfer, entry, alert, deadletter or a full topic name; repeatable (default: the four event topics).")
        List<String> topics;

        @Option(names = "--from-beginning", description = "Start at the oldest retained event instead of the newest.")
        boolean fromBeginning;

        @Override
        public Integer call() throws InterruptedException {
            var kafka = new CliConnections().kafka();
            List<String> names = new ArrayList<>();
            if (topics == null || topics.isEmpty()) {
                names.addAll(kafka.publishedTopics());
            } else {
                for (var topic : topics) {
                    names.add(switch (topic) {
                        case "account" -> kafka.topic(EventTopic.ACCOUNT);
                        case "transfer" -> kafka.topic(EventTopic.TRANSFER);
                        case "entry" -> kafka.topic(EventTopic.ENTRY);
                        case "alert" -> kafka.topic(EventTopic.ALERT);
                        case "deadletter" -> kafka.deadLetterTopic();
                        default -> topic;
                    });
                }
            }
            Map<String, Object> config = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                    ConsumerConfig.CLIENT_ID_CONFIG, "ledger-events-tail");
            var stopped = new CountDownLatch(1);
            try (var consumer = new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer())) {
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    consumer.wakeup();
                    try {
                        stopped.await();
                    } catch (InterruptedException ignored) {
                        Thread.currentThread().interrupt();
                    }
                }, "ledger-events-tail-stop"));
                List<TopicPartition> partitions = new ArrayList<>();
                for (var name : names) {
                    var infos = consumer.partitionsFor(name, Duration.ofSeconds(10));
                    if (infos == null || infos.isEmpty()) {
                        System.err.println("ledger events tail: no topic " + name);
                        return 2;
                    }
                    infos.forEach(i -> partitions.add(new TopicPartition(i.topic(), i.partition())));
                }
                consumer.assign(partitions);
                if (fromBeginning) {
                    consumer.seekToBeginning(partitions);
                } else {
                    consumer.seekToEnd(partitions);
                }
                System.err.println("watching " + String.join(", ", names) + " on " + kafka.bootstrapServers() + " (Ctrl-C stops)");
                while (true) {
                    for (var record : consumer.poll(Duration.ofMillis(500))) {
                        System.out.println(line(record));
                    }
                }
            } catch (WakeupException stopping) {
                return 0;
            } finally {
                stopped.countDown();
            }
        }

        private static String line(ConsumerRecord<String, String> record) {
            return record.topic() + "/" + record.partition() + "@" + record.offset() + "  " + header(record, EventRecords.TYPE)
                    + "  seq " + header(record, EventRecords.LEDGER_SEQ) + "  account " + record.key() + "  " + record.value();
        }

        private static String header(ConsumerRecord<String, String> record, String name) {
            var header = record.headers().lastHeader(name);
            return header == null ? "-" : new String(header.value(), StandardCharsets.UTF_8);
        }
    }
}
