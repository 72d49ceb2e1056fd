package dev.creditledger.bench;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The executable {@code ledger-bench.jar}: {@code run} (the load generator, its baseline and checks) and
 * {@code jmh} (the JMH microbenchmarks; its arguments go to {@code org.openjdk.jmh.Main} untouched).
 * The launcher runs it as {@code ./ledger bench [jmh] ...}.
 */
@Command(name = "ledger-bench", mixinStandardHelpOptions = true, subcommands = {RunCommand.class, JmhCommand.class},
        description = "Credit Ledger's benchmark kit. See docs/benchmarks.md.")
public final class BenchMain implements Runnable {

    public static void main(String[] args) {
        int exit = execute(args);
        System.exit(exit);
    }

    /** Runs a command line in this JVM and returns its exit code (the smoke test calls this). */
    public static int execute(String... args) {
        var commandLine = new CommandLine(new BenchMain());
        commandLine.getSubcommands().get("jmh").setStopAtUnmatched(true).setUnmatchedArgumentsAllowed(true);
        return commandLine.execute(args);
    }

    @Override
    public void run() {
        CommandLine.usage(this, System.out);
    }

    /**
     * The repository the kit belongs to: the jar is {@code <root>/ledger-bench/target/ledger-bench.jar}
     * and the classes of a build are in {@code <root>/ledger-bench/target/classes}; elsewhere, the
     * current directory.
     */
    static Path repositoryRoot() {
        try {
            var location = Path.of(BenchMain.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toAbsolutePath();
            var target = location.getParent();
            if (target != null && target.getFileName().toString().equals("target") && target.getParent() != null
                    && target.getParent().getParent() != null && Files.isRegularFile(target.getParent().getParent().resolve("pom.xml"))) {
                return target.getParent().getParent();
            }
        } catch (URISyntaxException | RuntimeException e) {
            // fall through
        }
        return Path.of("").toAbsolutePath();
    }
}
