package dev.creditledger.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code ledger-bench jmh [JMH arguments]}: hands every argument to {@code org.openjdk.jmh.Main} (so
 * {@code -h}, {@code -l}, {@code -f 1 -wi 1 -i 1} and a benchmark regex work as JMH documents them). The
 * benchmarks are in {@code dev.creditledger.bench.jmh}; JMH forks its JVMs with this jar's class path.
 */
@Command(name = "jmh", description = "Run the JMH microbenchmarks; every argument goes to JMH (try: jmh -h, jmh -l).")
public final class JmhCommand implements Callable<Integer> {

    @CommandLine.Unmatched
    List<String> arguments = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        // JMH's Main exits the JVM itself on errors; on success it returns.
        org.openjdk.jmh.Main.main(arguments.toArray(String[]::new));
        return 0;
    }
}
