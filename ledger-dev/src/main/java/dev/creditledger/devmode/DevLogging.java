package dev.creditledger.devmode;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps {@code ledger dev}'s first screen for its banner. The embedded PostgreSQL (initdb's output) and Kafka
 * (every configuration value of the broker, the controller and each client) log over a thousand lines at
 * INFO before Spring has configured logging, and Spring's own start adds forty: all of that is at WARN and
 * above now, while the ledger's own INFO lines and every warning still show. {@code LEDGER_LOG_LEVEL=INFO}
 * (or any level) puts everything back at that level.
 */
final class DevLogging {

    static final String LEVEL_VARIABLE = "LEDGER_LOG_LEVEL";
    private static final String OWN_LOGGERS = "dev.creditledger";
    /** Warns on every first start that its metadata log is empty, which is what a first start is. */
    private static final String KAFKA_CONTROLLER = "org.apache.kafka.controller.QuorumController";

    private DevLogging() {}

    /** Before anything starts: Logback's configuration without a file logs everything at DEBUG. */
    static void quietUntilTheBanner() {
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
            context.getLogger(Logger.ROOT_LOGGER_NAME).setLevel(Level.toLevel(chosenLevel(), Level.WARN));
            context.getLogger(OWN_LOGGERS).setLevel(Level.INFO);
            context.getLogger(KAFKA_CONTROLLER).setLevel(Level.ERROR);
        }
    }

    /** The same levels for the service, which configures logging again when it starts. */
    static Map<String, Object> serviceProperties() {
        return Map.of("logging.level.root", chosenLevel(), "logging.level." + OWN_LOGGERS, "INFO");
    }

    private static String chosenLevel() {
        var level = System.getenv(LEVEL_VARIABLE);
        return level == null || level.isBlank() ? "WARN" : level;
    }
}
