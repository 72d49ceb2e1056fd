package dev.creditledger.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.creditledger.devstack.TestInfrastructure;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.UUID;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A journal written before the hash chain (schema version 15) is linked by migration 16: every entry gets the link
 * of the documented form, the ledger its head, an earlier daily close the head at its day's end, and the entries are
 * append-only again afterwards.
 */
class JournalChainMigrationIT {

    private HikariDataSource dataSource;

    @AfterEach
    void stop() {
        dataSource.close();
    }

    @Test
    void migrationSixteenLinksEveryEntryWrittenBefore() throws Exception {
        dataSource = TestInfrastructure.freshDatabase("chain_migration", ds -> Flyway.configure().dataSource(ds)
                .locations("classpath:db/migration").placeholders(java.util.Map.of("clusterName", "main")).target("15").load().migrate());
        var ledger = UUID.randomUUID();
        var a = UUID.randomUUID();
        var b = UUID.randomUUID();
        var first = UUID.randomUUID();
        var second = UUID.randomUUID();
        try (var connection = dataSource.getConnection(); var statement = connection.createStatement()) {
            statement.execute("INSERT INTO ledgers (id, name, last_seq, last_at, created_at) VALUES ('" + ledger + "', 'old', 4, now(), now())");
            statement.execute("INSERT INTO entries (ledger_id, seq, id, amount, created_at, kind, idempotency_key) VALUES "
                    + "('" + ledger + "', 3, '" + first + "', 10, now(), 'TRANSFER', 'k-1'), "
                    + "('" + ledger + "', 4, '" + second + "', 4, now(), 'REVERSAL', NULL)");
            statement.execute("INSERT INTO postings (ledger_id, account_id, account_version, entry_seq, posted_amount, pending_delta, "
                    + "debits_posted_after, credits_posted_after, debits_pending_after, credits_pending_after, created_at, line_no, side, asset) VALUES "
                    + "('" + ledger + "', '" + a + "', 1, 3, 10, 0, 10, 0, 0, 0, now(), 0, 'DEBIT', 'USD'), "
                    + "('" + ledger + "', '" + b + "', 1, 3, 10, 0, 0, 10, 0, 0, now(), 1, 'CREDIT', 'USD'), "
                    + "('" + ledger + "', '" + b + "', 2, 4, 4, 0, 4, 10, 0, 0, now(), 0, 'DEBIT', 'USD'), "
                    + "('" + ledger + "', '" + a + "', 2, 4, 4, 0, 10, 4, 0, 0, now(), 1, 'CREDIT', 'USD')");
        }

        LedgerDatabase.migrate(dataSource);

        var link3 = link(new byte[32], "3|ENTRY|" + first + "|TRANSFER|10|-|k-1\n", "3|POSTING|0|" + a + "|DEBIT|USD|10|0\n",
                "3|POSTING|1|" + b + "|CREDIT|USD|10|0\n");
        var link4 = link(link3, "4|ENTRY|" + second + "|REVERSAL|4|-|-\n", "4|POSTING|0|" + b + "|DEBIT|USD|4|0\n",
                "4|POSTING|1|" + a + "|CREDIT|USD|4|0\n");
        try (var connection = dataSource.getConnection(); var statement = connection.createStatement()) {
            try (var rs = statement.executeQuery("SELECT seq, chain_hash FROM entries WHERE ledger_id = '" + ledger + "' ORDER BY seq")) {
                rs.next();
                assertThat(HexFormat.of().formatHex(rs.getBytes(2))).isEqualTo(HexFormat.of().formatHex(link3));
                rs.next();
                assertThat(HexFormat.of().formatHex(rs.getBytes(2))).isEqualTo(HexFormat.of().formatHex(link4));
            }
            try (var rs = statement.executeQuery("SELECT chain_head FROM ledgers WHERE id = '" + ledger + "'")) {
                rs.next();
                assertThat(HexFormat.of().formatHex(rs.getBytes(1))).isEqualTo(HexFormat.of().formatHex(link4));
            }
            var chain = CanonicalJournal.recompute(connection, ledger, 4);
            assertThat(chain.entries()).isEqualTo(2);
            assertThat(chain.broken()).isZero();
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> statement.execute(
                    "UPDATE entries SET amount = 11 WHERE ledger_id = '" + ledger + "' AND seq = 3")).hasMessageContaining("append-only");
        }
    }

    private static byte[] link(byte[] previous, String... lines) throws Exception {
        var digest = MessageDigest.getInstance("SHA-256");
        digest.update(previous);
        for (var line : lines) {
            digest.update(line.getBytes(StandardCharsets.UTF_8));
        }
        return digest.digest();
    }
}
