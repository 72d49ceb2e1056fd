package dev.creditledger.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * {@code ledger verify} checks a real journal or refuses: without a database to check (no LEDGER_DB_URL
 * and no running `ledger dev`), or on a database Credit Ledger never migrated, it exits 2 and says why,
 * instead of reporting an empty database "clean". On the service's journal it exits 0, and 1 with the
 * difference once a balance is corrupted.
 */
class VerifyCommandIT extends ApiTestBase {

    @Autowired
    private DataSource journal;

    @Test
    void refusesWithoutADatabaseOrAJournalAndReportsADifferenceItFinds() throws Exception {
        var nowhere = Files.createTempDirectory("verify-no-dev");
        assertThat(verify(Map.of(), nowhere)).as("no LEDGER_DB_URL, no running ledger dev").isEqualTo(2);

        var url = ((HikariDataSource) journal).getJdbcUrl();
        var empty = "verify_empty_" + UUID.randomUUID().toString().substring(0, 8);
        try (var connection = journal.getConnection(); var statement = connection.createStatement()) {
            statement.execute("CREATE DATABASE " + empty);
        }
        var emptyUrl = url.substring(0, url.lastIndexOf('/') + 1) + empty;
        assertThat(verify(Map.of("LEDGER_DB_URL", emptyUrl), nowhere)).as("a database without a journal").isEqualTo(2);

        var ledger = newLedger();
        var a = account(ledger, "{\"asset\":\"USD\"}");
        var b = account(ledger, "{\"asset\":\"USD\"}");
        transfer(ledger, a, b, 700, "USD").expect(201);
        var database = Map.of("LEDGER_DB_URL", url, "LEDGER_DB_USER", ((HikariDataSource) journal).getUsername());
        assertThat(verify(database, nowhere)).as("the service's journal").isZero();
        var down = new java.util.HashMap<>(database);
        down.put("LEDGER_CLUSTERS", "c2=jdbc:postgresql://127.0.0.1:" + dev.creditledger.devstack.FreePorts.one() + "/ledger");
        var refusal = new ByteArrayOutputStream();
        var previousErr = System.err;
        System.setErr(new PrintStream(refusal, true, StandardCharsets.UTF_8));
        try {
            assertThat(verify(down, nowhere)).as("a cluster that cannot be reached: nothing checked").isEqualTo(2);
        } finally {
            System.setErr(previousErr);
        }
        assertThat(refusal.toString(StandardCharsets.UTF_8)).contains("cluster c2 at jdbc:postgresql://127.0.0.1:")
                .contains("cannot be reached").doesNotContain("\tat ");

        try (var connection = journal.getConnection(); var statement = connection.createStatement()) {
            statement.executeUpdate("UPDATE balances SET credits_posted = credits_posted + 1 WHERE account_id = '" + b + "'");
            try {
                var out = new ByteArrayOutputStream();
                assertThat(verify(database, nowhere, out)).as("a corrupted balance").isEqualTo(1);
                assertThat(out.toString(StandardCharsets.UTF_8)).contains("account " + b);
            } finally {
                statement.executeUpdate("UPDATE balances SET credits_posted = credits_posted - 1 WHERE account_id = '" + b + "'");
            }
        }
        assertThat(verify(database, nowhere)).isZero();
    }

    private static int verify(Map<String, String> environment, java.nio.file.Path workingTree) throws Exception {
        return verify(environment, workingTree, new ByteArrayOutputStream());
    }

    private static int verify(Map<String, String> environment, java.nio.file.Path workingTree, ByteArrayOutputStream out)
            throws Exception {
        var previous = System.out;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            return new LedgerMain.Verify(environment::get, workingTree).call();
        } finally {
            System.setOut(previous);
        }
    }
}
