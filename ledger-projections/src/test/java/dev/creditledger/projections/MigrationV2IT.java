package dev.creditledger.projections;

import static org.assertj.core.api.Assertions.assertThat;

import dev.creditledger.core.Account;
import dev.creditledger.core.Balance;
import dev.creditledger.core.Entry;
import dev.creditledger.core.EntryKind;
import dev.creditledger.core.Posting;
import dev.creditledger.core.Side;
import dev.creditledger.core.events.EventHeader;
import dev.creditledger.core.events.EventType;
import dev.creditledger.core.events.LedgerEvent;
import dev.creditledger.devstack.TestInfrastructure;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

/**
 * Migration V2 on a read-model database the event-id projector left behind: {@code applied_events} is
 * dropped, and each account's asset-totals snapshot is backfilled from its balance row, so that the
 * projector goes on from there without counting anything twice.
 *
 * <pre>
 *  account  balance row left by V1                          what asset_totals had counted
 *  A        USD, opened, credits 1,000, version 1           its opening and its posting
 *  B        USD, not opened yet, debits 1,000, version 1    its posting only (V1 counted accounts at their opening)
 *  C        closed, neither opened nor posted yet           nothing
 *  D        POINTS, opened, no posting                      its opening
 *
 *  USD 1,000 / 1,000, 1 account; POINTS 0 / 0, 1 account.
 * </pre>
 */
class MigrationV2IT {

    @Test
    void theSnapshotsStartFromTheBalancesAndTheProjectorGoesOnFromThere() {
        try (var projections = TestInfrastructure.database(TestInfrastructure.freshDatabaseName("p_migration_v2"),
                TestInfrastructure.POOL_SIZE_MAX_DEFAULT, TestInfrastructure.CONNECTION_TIMEOUT_DEFAULT, Map.of())) {
            Flyway.configure().dataSource(projections).locations("classpath:db/projections")
                    .table(ProjectionDatabase.HISTORY_TABLE).target("1").load().migrate();
            var ledger = UUID.randomUUID();
            var a = UUID.randomUUID();
            var b = UUID.randomUUID();
            var c = UUID.randomUUID();
            var d = UUID.randomUUID();
            execute(projections, "INSERT INTO account_balances VALUES "
                    + "('" + ledger + "', '" + a + "', 'USD', 'CREDIT', 'OPEN', 0, 1000, 0, 0, 1, 4), "
                    + "('" + ledger + "', '" + b + "', 'USD', NULL, 'OPEN', 1000, 0, 0, 0, 1, 4), "
                    + "('" + ledger + "', '" + c + "', NULL, NULL, 'CLOSED', 0, 0, 0, 0, 0, 9), "
                    + "('" + ledger + "', '" + d + "', 'POINTS', 'CREDIT', 'OPEN', 0, 0, 0, 0, 0, 5)");
            execute(projections, "INSERT INTO asset_totals VALUES ('" + ledger + "', 'USD', 1000, 1000, 0, 0, 1, 4), "
                    + "('" + ledger + "', 'POINTS', 0, 0, 0, 0, 1, 5)");
            execute(projections, "INSERT INTO applied_events VALUES ('" + ledger + "', 'balances', '" + UUID.randomUUID() + "')");

            ProjectionDatabase.migrate(projections);

            assertThat(rows(projections, "SELECT count(*) AS n FROM pg_tables WHERE tablename = 'applied_events'"))
                    .containsExactly("n=0");
            assertThat(rows(projections, "SELECT account_id, asset, version, debits_posted, credits_posted FROM asset_total_accounts"
                    + " ORDER BY version, asset, debits_posted")).containsExactly(
                    "account_id=" + d + " | asset=POINTS | version=0 | debits_posted=0 | credits_posted=0",
                    "account_id=" + a + " | asset=USD | version=1 | debits_posted=0 | credits_posted=1000",
                    "account_id=" + b + " | asset=USD | version=1 | debits_posted=1000 | credits_posted=0");
            // B is counted now, at its first appearance (its posting), as the new model counts accounts.
            assertThat(totals(projections, ledger)).containsExactly("POINTS 0/0 accounts 1", "USD 1000/1000 accounts 2");

            // Then B's opening arrives (it counts nothing more), and a transfer of 500 from B to A.
            var at = Instant.parse("2026-12-01T10:00:00Z");
            var opened = new LedgerEvent.AccountOpened(EventHeader.of(EventType.ACCOUNT_OPENED, ledger, 2, at, b),
                    new Account(b, ledger, null, "USD", Side.CREDIT, 0L, Map.of(), at, 2));
            var entry = new Entry(UUID.randomUUID(), ledger, 10, EntryKind.TRANSFER, b, a, 500, "USD", null, null, Map.of(), at, List.of(
                    new Posting(b, "USD", Side.DEBIT, 500, 0, new Balance(1500, 0, 0, 0), 2),
                    new Posting(a, "USD", Side.CREDIT, 500, 0, new Balance(0, 1500, 0, 0), 2)));
            var fromB = new LedgerEvent.EntryPosted(EventHeader.of(EventType.TRANSFER_POSTED, ledger, 10, at, b), entry);
            var toA = new LedgerEvent.EntryPosted(EventHeader.of(EventType.TRANSFER_POSTED, ledger, 10, at, a), entry);
            try (var tx = ApplyTransaction.begin(projections, EnumSet.allOf(ReadModel.class), false)) {
                tx.apply(List.of(opened, fromB, toA, opened, fromB));
                tx.finish(List.of(), Watermarks.HISTORY_START_GRACE);
                tx.commit();
            } catch (java.sql.SQLException e) {
                throw new IllegalStateException(e);
            }
            assertThat(totals(projections, ledger)).containsExactly("POINTS 0/0 accounts 1", "USD 1500/1500 accounts 2");
            assertThat(rows(projections, "SELECT normal_side, version, debits_posted FROM account_balances WHERE account_id = '" + b + "'"))
                    .containsExactly("normal_side=CREDIT | version=2 | debits_posted=1500");
        }
    }

    static List<String> totals(javax.sql.DataSource projections, UUID ledger) {
        return new ProjectionQueries(projections).assetTotals(ledger).stream()
                .map(t -> t.asset() + " " + t.debitsPosted() + "/" + t.creditsPosted() + " accounts " + t.accounts()).toList();
    }

    static void execute(javax.sql.DataSource dataSource, String sql) {
        try (var connection = dataSource.getConnection(); var statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    static List<String> rows(javax.sql.DataSource dataSource, String sql) {
        try (var connection = dataSource.getConnection(); var ps = connection.prepareStatement(sql); var rs = ps.executeQuery()) {
            List<String> rows = new java.util.ArrayList<>();
            int columns = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                var row = new StringBuilder();
                for (int i = 1; i <= columns; i++) {
                    row.append(i == 1 ? "" : " | ").append(rs.getMetaData().getColumnLabel(i)).append('=').append(rs.getString(i));
                }
                rows.add(row.toString());
            }
            return rows;
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
