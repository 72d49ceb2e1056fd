package dev.creditledger.bench.baseline;

import dev.creditledger.bench.load.Accounts;
import dev.creditledger.bench.load.LoadClient;
import dev.creditledger.bench.load.OpOutcome;
import dev.creditledger.bench.load.Workload;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The baseline: one database transaction per transfer, the way a ledger without batching does it.
 * Each client has its own JDBC connection with autocommit off and runs
 * <pre>
 *   UPDATE baseline_accounts SET balance = balance - $a WHERE id = $debit;
 *   UPDATE baseline_accounts SET balance = balance + $a WHERE id = $credit;   -- the two in ascending id order
 *   INSERT INTO baseline_journal (debit_account, credit_account, amount) VALUES ($debit, $credit, $a);
 *   COMMIT;
 * </pre>
 * which is the team's pgbench script ({@code docs/benchmarks.md} shows it) with prepared statements:
 * the driver switches to server-side prepared statements after five executions, like
 * {@code pgbench -M prepared}. {@code random} picks two distinct accounts of 1..N; {@code hot} makes
 * account 1 one side of every transfer. Updating in ascending id order means two transactions never
 * wait for each other in a cycle, so there are no deadlocks.
 *
 * What can go wrong: a failed statement or commit rolls back and counts as an unknown outcome (a
 * failed COMMIT may have committed); the run's check compares journal rows with commits.
 */
public final class BaselineWorkload implements Workload {

    private final String name;
    private final int accounts;
    private final boolean hot;

    public BaselineWorkload(String name, int accounts, boolean hot) {
        this.name = name;
        this.accounts = accounts;
        this.hot = hot;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public List<String> series() {
        return List.of("transaction");
    }

    @Override
    public String unit() {
        return "transfers";
    }

    /** One client's connection and statements. */
    public final class Client implements LoadClient {
        private final Connection connection;
        private final PreparedStatement debit;
        private final PreparedStatement credit;
        private final PreparedStatement journal;
        private final SplittableRandom random;

        public Client(BaselineDatabase database, SplittableRandom random) throws SQLException {
            this.connection = DriverManager.getConnection(database.url(), database.user(), database.password());
            connection.setAutoCommit(false);
            this.debit = connection.prepareStatement("UPDATE baseline_accounts SET balance = balance - ? WHERE id = ?");
            this.credit = connection.prepareStatement("UPDATE baseline_accounts SET balance = balance + ? WHERE id = ?");
            this.journal = connection.prepareStatement("INSERT INTO baseline_journal (debit_account, credit_account, amount) VALUES (?, ?, ?)");
            this.random = random;
        }

        /** One transfer in one transaction. */
        @Override
        public void execute(OpOutcome outcome) {
            int from;
            int to;
            if (hot) {
                int other = 2 + random.nextInt(accounts - 1);
                boolean hotDebited = random.nextBoolean();
                from = hotDebited ? 1 : other;
                to = hotDebited ? other : 1;
            } else {
                from = 1 + random.nextInt(accounts);
                to = 1 + random.nextInt(accounts - 1);
                if (to >= from) {
                    to++;
                }
            }
            long amount = Accounts.amount(random);
            try {
                if (from < to) {
                    update(debit, amount, from);
                    update(credit, amount, to);
                } else {
                    update(credit, amount, to);
                    update(debit, amount, from);
                }
                journal.setInt(1, from);
                journal.setInt(2, to);
                journal.setLong(3, amount);
                journal.executeUpdate();
                connection.commit();
                outcome.requestsAcknowledged++;
                outcome.entriesAcknowledged++;
                outcome.units = 1;
            } catch (SQLException e) {
                outcome.requestsUnknown++;
                outcome.entriesUnknown++;
                outcome.fail("baseline transaction: " + e.getSQLState() + " " + e.getMessage());
                try {
                    connection.rollback();
                } catch (SQLException ignored) {
                    // The connection is broken; the next transaction fails too and says so.
                }
            }
        }

        private static void update(PreparedStatement statement, long amount, int id) throws SQLException {
            statement.setLong(1, amount);
            statement.setInt(2, id);
            statement.executeUpdate();
        }

        @Override
        public void close() {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // Closing a broken connection.
            }
        }
    }
}
