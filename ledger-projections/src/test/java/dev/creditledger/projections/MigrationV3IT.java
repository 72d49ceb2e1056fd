package dev.creditledger.projections;

import static org.assertj.core.api.Assertions.assertThat;

import dev.creditledger.core.events.LedgerEvent;
import dev.creditledger.devstack.TestInfrastructure;
import java.sql.SQLException;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

/**
 * Migration V3 on the watermark state the previous projector left, which recorded every applied copy in
 * {@code seq_copies} until its watermark passed it: the complete sequences above a watermark become runs
 * in {@code seq_ranges}, only the incomplete sequences' copies stay, and the projector goes on from there.
 *
 * <pre>
 *  ledger  watermark  copies left by V2 (seq: copies of expected)                 after V3
 *  A       2          2: 1 of 2 (at the watermark), 3: 1 of 2, 4: 2 of 2,          watermark 2; copies 3 x, 7 y;
 *                     5: 1 of 1, 6: 2 of 2, 7: 1 of 2, 8: 2 of 2                   runs 4-6, 8-8
 *  B       unset      5: 1 of 1, 6: 2 of 2, 8: 1 of 2                              unset; copies 8 x; runs 5-6
 *  C       10         11: 1 of 1, 12: 2 of 2, 14: 1 of 1                           watermark 12; runs 14-14
 * </pre>
 *
 * C's state (a complete sequence right after its watermark) is one the previous projector never left,
 * since it moved a watermark in the transaction that completed the sequences after it; the migration
 * does not rely on that. Then the other copy of A's 3 (A reaches 6) and of A's 7 (A reaches 8), and B's
 * grace period ends (B starts below 5 and reaches 6).
 */
class MigrationV3IT {

    @Test
    void completeSequencesBecomeRunsAndTheProjectorGoesOnFromThere() throws SQLException {
        try (var projections = TestInfrastructure.database(TestInfrastructure.freshDatabaseName("p_migration_v3"),
                TestInfrastructure.POOL_SIZE_MAX_DEFAULT, TestInfrastructure.CONNECTION_TIMEOUT_DEFAULT, Map.of())) {
            Flyway.configure().dataSource(projections).locations("classpath:db/projections")
                    .table(ProjectionDatabase.HISTORY_TABLE).target("2").load().migrate();
            var a = UUID.fromString("00000000-0000-0000-0000-00000000000a");
            var b = UUID.fromString("00000000-0000-0000-0000-00000000000b");
            var c = UUID.fromString("00000000-0000-0000-0000-00000000000c");
            var x = UUID.fromString("00000000-0000-0000-0000-000000000001");
            var y = UUID.fromString("00000000-0000-0000-0000-000000000002");
            MigrationV2IT.execute(projections, "INSERT INTO ledger_watermarks VALUES ('" + a + "', 2, now(), now()), ('" + b
                    + "', NULL, now(), NULL), ('" + c + "', 10, now(), now())");
            MigrationV2IT.execute(projections, "INSERT INTO seq_copies VALUES "
                    + copy(a, 2, x, 2) + ", " + copy(a, 3, x, 2) + ", " + copy(a, 4, x, 2) + ", " + copy(a, 4, y, 2) + ", "
                    + copy(a, 5, x, 1) + ", " + copy(a, 6, x, 2) + ", " + copy(a, 6, y, 2) + ", " + copy(a, 7, y, 2) + ", "
                    + copy(a, 8, x, 2) + ", " + copy(a, 8, y, 2) + ", "
                    + copy(b, 5, x, 1) + ", " + copy(b, 6, x, 2) + ", " + copy(b, 6, y, 2) + ", " + copy(b, 8, x, 2) + ", "
                    + copy(c, 11, x, 1) + ", " + copy(c, 12, x, 2) + ", " + copy(c, 12, y, 2) + ", " + copy(c, 14, x, 1));

            ProjectionDatabase.migrate(projections);

            assertThat(state(projections)).containsExactly(
                    "ledger " + a + ": watermark 2 | copies [3 " + x + ", 7 " + y + "] | runs [4-6, 8-8]",
                    "ledger " + b + ": watermark unset | copies [8 " + x + "] | runs [5-6]",
                    "ledger " + c + ": watermark 12 | copies [] | runs [14-14]");

            apply(projections, List.of(WatermarkIT.transferCopies(a, 3, x, y).get(1)));
            apply(projections, List.of(WatermarkIT.transferCopies(a, 7, x, y).get(0)));
            try (var connection = projections.getConnection()) {
                connection.setAutoCommit(false);
                Watermarks.advance(connection, List.of(b), Duration.ZERO);
                connection.commit();
            }
            assertThat(state(projections)).containsExactly(
                    "ledger " + a + ": watermark 8 | copies [] | runs []",
                    "ledger " + b + ": watermark 6 | copies [8 " + x + "] | runs []",
                    "ledger " + c + ": watermark 12 | copies [] | runs [14-14]");
        }
    }

    private static String copy(UUID ledger, long seq, UUID account, int expected) {
        return "('" + ledger + "', " + seq + ", '" + account + "', " + expected + ")";
    }

    /** The live projector's bookkeeping for the copies, without the read models (the events are made up). */
    private static void apply(DataSource projections, List<LedgerEvent> events) throws SQLException {
        try (var tx = ApplyTransaction.begin(projections, EnumSet.noneOf(ReadModel.class), true)) {
            tx.apply(events);
            tx.finish(List.of(), Watermarks.HISTORY_START_GRACE);
            tx.commit();
        }
    }

    private static List<String> state(DataSource projections) {
        return MigrationV2IT.rows(projections, """
                SELECT 'ledger ' || w.ledger_id || ': watermark ' || coalesce(w.projected_seq::text, 'unset')
                       || ' | copies [' || coalesce((SELECT string_agg(c.seq || ' ' || c.account_id, ', ' ORDER BY c.seq, c.account_id)
                                                     FROM seq_copies c WHERE c.ledger_id = w.ledger_id), '') || ']'
                       || ' | runs [' || coalesce((SELECT string_agg(r.first_seq || '-' || r.last_seq, ', ' ORDER BY r.first_seq)
                                                   FROM seq_ranges r WHERE r.ledger_id = w.ledger_id), '') || ']' AS s
                FROM ledger_watermarks w ORDER BY w.ledger_id""").stream().map(row -> row.substring("s=".length())).toList();
    }
}
