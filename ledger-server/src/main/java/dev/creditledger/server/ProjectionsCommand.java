package dev.creditledger.server;

import dev.creditledger.projections.ProjectionChecker;
import dev.creditledger.projections.ProjectionDatabase;
import dev.creditledger.projections.ProjectionRebuilder;
import dev.creditledger.projections.ReadModel;
import java.util.Arrays;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code ledger projections rebuild NAME} drops one read model and replays the event topics from the
 * beginning into it; {@code ledger projections check} compares every read model with the journal and
 * exits 1 on any difference. Both reach the databases and Kafka through {@link CliConnections}.
 */
@Command(name = "projections", mixinStandardHelpOptions = true, description = "Rebuild or check the read models.",
        subcommands = {ProjectionsCommand.Rebuild.class, ProjectionsCommand.Check.class})
final class ProjectionsCommand implements Runnable {

    @Override
    public void run() {
        picocli.CommandLine.usage(this, System.out);
    }

    @Command(name = "rebuild", mixinStandardHelpOptions = true,
            description = "Drop a read model and rebuild it from the beginning of the event topics.")
    static final class Rebuild implements Callable<Integer> {
        @Parameters(paramLabel = "NAME", description = "balances, statements, daily-balances or asset-totals")
        String name;

        @Override
        public Integer call() {
            ReadModel model;
            try {
                model = ReadModel.ofName(name);
            } catch (IllegalArgumentException e) {
                System.err.println("ledger projections rebuild: " + e.getMessage());
                return 2;
            }
            var connections = new CliConnections();
            var projections = connections.projections();
            ProjectionDatabase.migrate(projections);
            var report = new ProjectionRebuilder(projections, connections.kafka()).rebuild(model);
            System.out.println("rebuilt " + model.cliName() + ": " + report);
            return 0;
        }
    }

    @Command(name = "check", mixinStandardHelpOptions = true,
            description = "Compare every read model with the journal; exit 1 on any difference. Run it when the flow is quiet.")
    static final class Check implements Callable<Integer> {
        @Override
        public Integer call() {
            var connections = new CliConnections();
            dev.creditledger.postgres.Clusters clusters;
            try {
                clusters = CliClusters.open(System::getenv, LedgerMain.workingTree(), "ledger projections check");
            } catch (CliClusters.NothingToWorkOn e) {
                System.err.println(e.getMessage());
                return 2;
            }
            // Every cluster's journal: each ledger is checked against the cluster that holds it.
            var journals = clusters.all().stream().map(dev.creditledger.postgres.Cluster::dataSource).toList();
            var report = new ProjectionChecker(journals, connections.projections()).check();
            System.out.println(report.clean() ? "read models equal the journal (" + Arrays.toString(ReadModel.values()) + ")"
                    : report.differences().size() + " differences");
            report.differences().forEach(d -> System.out.println("  " + d));
            return report.clean() ? 0 : 1;
        }
    }
}
