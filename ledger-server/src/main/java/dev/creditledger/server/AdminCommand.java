package dev.creditledger.server;

import dev.creditledger.postgres.LedgerMover;
import dev.creditledger.postgres.LedgerRejection;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ledger admin}: operations on the clusters themselves, run against the databases as {@code ledger verify} is. */
@Command(name = "admin", mixinStandardHelpOptions = true, description = "Operate the clusters: move a ledger.",
        subcommands = AdminCommand.MoveLedger.class)
final class AdminCommand {

    @Command(name = "move-ledger", mixinStandardHelpOptions = true,
            description = "Move a ledger to another cluster while it takes writes (ADR 0022): copy, catch up, a short fence (writes answer "
                    + "503 with Retry-After), prove both copies equal, switch the directory. The clusters come from LEDGER_DB_URL, "
                    + "LEDGER_CLUSTER_NAME and LEDGER_CLUSTERS, or from the running `ledger dev`. Exit code 1 when the move is refused or fails "
                    + "(nothing switched), 2 when there is nothing to work on.")
    static final class MoveLedger implements Callable<Integer> {
        @Parameters(index = "0", description = "The ledger: its id or its name.")
        String ledger;

        @Option(names = "--to", required = true, description = "The cluster to move it to.")
        String to;

        private final java.util.function.UnaryOperator<String> environment;
        private final java.nio.file.Path workingTree;

        MoveLedger() {
            this(System::getenv, LedgerMain.workingTree());
        }

        /** With the environment variables and the working tree given (tests). */
        MoveLedger(java.util.function.UnaryOperator<String> environment, java.nio.file.Path workingTree) {
            this.environment = environment;
            this.workingTree = workingTree;
        }

        @Override
        public Integer call() {
            CliConnections.quietLogging();
            try {
                var clusters = CliClusters.open(environment, workingTree, "ledger admin move-ledger");
                UUID id;
                try {
                    id = UUID.fromString(ledger);
                } catch (IllegalArgumentException notAnId) {
                    id = clusters.directory().entryNamed(ledger).map(e -> e.ledgerId()).orElse(null);
                }
                if (id == null) {
                    System.err.println("ledger admin move-ledger: no ledger is named " + ledger);
                    return 1;
                }
                var report = new LedgerMover(clusters).move(id, to);
                System.out.printf("moved ledger %s from %s to %s: sequence %d, chain head %s equal on both; %d rows; copy %d ms, fence %d ms%n",
                        report.ledgerId(), report.from(), report.to(), report.lastSeq(), report.chainHead(), report.rowsCopied(),
                        report.copy().toMillis(), report.fence().toMillis());
                return 0;
            } catch (CliClusters.NothingToWorkOn e) {
                System.err.println(e.getMessage());
                return 2;
            } catch (LedgerRejection e) {
                System.err.println("ledger admin move-ledger: " + e.violation().reason() + ": " + e.violation().detail());
                return 1;
            } catch (RuntimeException e) {
                System.err.println("ledger admin move-ledger: the move failed, nothing switched: " + e.getMessage());
                return 1;
            }
        }
    }
}
