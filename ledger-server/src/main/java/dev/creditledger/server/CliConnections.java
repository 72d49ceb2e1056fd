package dev.creditledger.server;

import dev.creditledger.core.events.EventTopic;
import dev.creditledger.kafka.KafkaSettings;
import dev.creditledger.server.dev.DevEnvironment;
import javax.sql.DataSource;
import org.springframework.jdbc.datasource.SimpleDriverDataSource;

/**
 * Where the command-line tools find the databases and Kafka: the LEDGER_* variables of
 * {@code ledger serve} when they are set, otherwise the addresses a running {@code ledger dev} wrote.
 * A missing address is an error that says which variable to set.
 */
final class CliConnections {

    private final DevEnvironment dev = new DevEnvironment(LedgerMain.workingTree());

    CliConnections() {
        quietLogging();
    }

    /** Outside Spring no logging configuration applies: keeps the clients' INFO chatter off a tool's output. */
    static void quietLogging() {
        ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME))
                .setLevel(ch.qos.logback.classic.Level.WARN);
    }

    DataSource projections() {
        return dataSource("LEDGER_PROJECTIONS_DB_URL", "LEDGER_PROJECTIONS_DB_USER", "LEDGER_PROJECTIONS_DB_PASSWORD",
                dev.runningProjectionsUrl().orElse(null), "the read-model database");
    }

    KafkaSettings kafka() {
        var bootstrap = LedgerMain.env("LEDGER_KAFKA_BOOTSTRAP", dev.runningKafkaBootstrap().orElse(null));
        if (bootstrap == null) {
            throw new IllegalStateException("no Kafka to reach: set LEDGER_KAFKA_BOOTSTRAP, or start `ledger dev` first");
        }
        var prefix = LedgerMain.env("LEDGER_KAFKA_TOPIC_PREFIX", EventTopic.DEFAULT_PREFIX);
        var defaults = new LedgerProperties.Kafka(bootstrap, prefix, null, null);
        return defaults.settings();
    }

    private static DataSource dataSource(String urlVariable, String userVariable, String passwordVariable, String devUrl,
                                         String what) {
        var url = LedgerMain.env(urlVariable, devUrl);
        if (url == null) {
            throw new IllegalStateException("no " + what + " to reach: set " + urlVariable + ", or start `ledger dev` first");
        }
        return new SimpleDriverDataSource(new org.postgresql.Driver(), url, LedgerMain.env(userVariable, "postgres"),
                LedgerMain.env(passwordVariable, ""));
    }
}
