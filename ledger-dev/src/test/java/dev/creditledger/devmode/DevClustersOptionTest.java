package dev.creditledger.devmode;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@code ledger dev --clusters N} outside 1..{@link DevCommand#CLUSTERS_MAX} is refused with exit code 2 before anything
 * is started or wiped (so {@code --fresh} with a bad count keeps the data). The edges inside are exercised by the
 * tests that start clusters (ClustersStartIT, the bench kit's smoke test).
 */
class DevClustersOptionTest {

    @Test
    void aClusterCountOutsideOneToTheMaximumIsRefusedBeforeAnythingIsTouched() {
        for (int count : new int[] {0, DevCommand.CLUSTERS_MAX + 1}) {
            var err = new ByteArrayOutputStream();
            var previous = System.err;
            int exit;
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            try {
                exit = new CommandLine(new DevCommand()).execute("--fresh", "--clusters", Integer.toString(count));
            } finally {
                System.setErr(previous);
            }
            assertThat(exit).as("--clusters %d", count).isEqualTo(2);
            assertThat(err.toString(StandardCharsets.UTF_8)).contains("--clusters is between 1 and " + DevCommand.CLUSTERS_MAX + ": " + count);
        }
    }
}
