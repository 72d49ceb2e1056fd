package dev.creditledger.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Runs every guide of docs/use-cases exactly as a reader would: its ```bash blocks, in order, in one
 * bash process with curl and jq, against this test's service (API and KEY point at it and at a fresh
 * ledger's write key instead of ledger dev's). The guides check themselves with {@code jq -e} and run
 * under {@code set -euo pipefail}, so a step that answers differently from what the guide says fails the
 * test; afterwards the journal must verify clean ({@link E2eTestBase}).
 */
class UseCaseGuidesIT extends E2eTestBase {

    private static final long GUIDE_SECONDS_MAX = 120;

    static Stream<Path> guides() throws IOException {
        try (var files = Files.list(guidesDirectory())) {
            var found = files.filter(p -> p.toString().endsWith(".md")).sorted().toList();
            assertThat(found).as("guides in %s", guidesDirectory()).isNotEmpty();
            return found.stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("guides")
    void theGuideRunsAsWritten(Path guide) throws Exception {
        var script = bashBlocks(Files.readAllLines(guide, StandardCharsets.UTF_8));
        assertThat(script).as("bash blocks of %s", guide).isNotEmpty();
        var ledger = newLedger();
        var output = Files.createTempFile("guide-", ".log");
        var builder = new ProcessBuilder("bash", "-c", String.join("\n", script))
                .directory(guidesDirectory().getParent().getParent().toFile())
                .redirectErrorStream(true)
                .redirectOutput(output.toFile());
        builder.environment().put("API", "http://127.0.0.1:" + port + "/v1");
        builder.environment().put("KEY", ledger.writeKey());
        var process = builder.start();
        boolean finished = process.waitFor(GUIDE_SECONDS_MAX, TimeUnit.SECONDS);
        if (!finished) {
            process.destroyForcibly().waitFor();
        }
        var printed = Files.readString(output, StandardCharsets.UTF_8);
        Files.delete(output);
        assertThat(finished).as("%s finished within %d s; it printed:%n%s", guide.getFileName(), GUIDE_SECONDS_MAX, printed).isTrue();
        assertThat(process.exitValue()).as("%s exit code; it printed:%n%s", guide.getFileName(), printed).isZero();
        assertThat(printed).as("what %s printed", guide.getFileName()).contains("true").doesNotContain("false");
    }

    /** The lines of every ```bash block, in order. */
    static List<String> bashBlocks(List<String> lines) {
        List<String> script = new ArrayList<>();
        boolean inBlock = false;
        for (var line : lines) {
            if (!inBlock && line.strip().equals("```bash")) {
                inBlock = true;
            } else if (inBlock && line.strip().equals("```")) {
                inBlock = false;
            } else if (inBlock) {
                script.add(line);
            }
        }
        assertThat(inBlock).as("every ```bash block is closed").isFalse();
        return script;
    }

    private static Path guidesDirectory() {
        var dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isDirectory(dir.resolve("docs/use-cases"))) {
            dir = dir.getParent();
        }
        assertThat(dir).as("a docs/use-cases directory above %s", Path.of("").toAbsolutePath()).isNotNull();
        return dir.resolve("docs/use-cases");
    }
}
