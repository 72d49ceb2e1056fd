package dev.creditledger.postgres;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.flywaydb.core.api.MigrationVersion;
import org.flywaydb.core.api.migration.Context;
import org.flywaydb.core.api.migration.JavaMigration;

/**
 * Migration 16: the journal becomes a hash chain (ADR 0023). Adds {@code entries.chain_hash} (every entry's link),
 * {@code ledgers.chain_head} (the link of the ledger's last entry) and {@code daily_closes.chain_head} (the head at
 * the day's end), and links every entry already written, ledger by ledger in sequence order, with the same
 * {@link CanonicalJournal} code the writer uses, so the chain has one definition. Written in Java for that reason;
 * the append-only triggers of the entries and the closes are off only inside this migration's transaction.
 */
final class JournalChainMigration implements JavaMigration {

    /** Entries linked per round trip while the chain of a large journal is backfilled. */
    static final int BACKFILL_ROUND = 10_000;

    @Override
    public MigrationVersion getVersion() {
        return MigrationVersion.fromVersion("16");
    }

    @Override
    public String getDescription() {
        return "journal chain";
    }

    @Override
    public Integer getChecksum() {
        return 16;
    }

    @Override
    public boolean canExecuteInTransaction() {
        return true;
    }

    @Override
    public void migrate(Context context) throws Exception {
        var connection = context.getConnection();
        try (var statement = connection.createStatement()) {
            statement.execute("ALTER TABLE entries ADD COLUMN chain_hash bytea CHECK (length(chain_hash) = 32)");
            statement.execute("ALTER TABLE ledgers ADD COLUMN chain_head bytea CHECK (length(chain_head) = 32)");
            statement.execute("ALTER TABLE daily_closes ADD COLUMN chain_head bytea CHECK (length(chain_head) = 32)");
            statement.execute("ALTER TABLE entries DISABLE TRIGGER entries_append_only");
            statement.execute("ALTER TABLE daily_closes DISABLE TRIGGER daily_closes_append_only");
        }
        List<UUID> ledgers = new ArrayList<>();
        List<Long> lastSeqs = new ArrayList<>();
        try (var ps = connection.prepareStatement("SELECT id, last_seq FROM ledgers ORDER BY id"); var rs = ps.executeQuery()) {
            while (rs.next()) {
                ledgers.add(rs.getObject(1, UUID.class));
                lastSeqs.add(rs.getLong(2));
            }
        }
        for (int i = 0; i < ledgers.size(); i++) {
            link(connection, ledgers.get(i), lastSeqs.get(i));
        }
        try (var statement = connection.createStatement()) {
            statement.execute("""
                    UPDATE daily_closes c SET chain_head = (SELECT e.chain_hash FROM entries e
                                                            WHERE e.ledger_id = c.ledger_id AND e.seq <= c.last_seq
                                                            ORDER BY e.seq DESC LIMIT 1)""");
            statement.execute("ALTER TABLE daily_closes ENABLE TRIGGER daily_closes_append_only");
            statement.execute("ALTER TABLE entries ENABLE TRIGGER entries_append_only");
            statement.execute("ALTER TABLE entries ALTER COLUMN chain_hash SET NOT NULL");
        }
    }

    /** Links one ledger's entries, a round of sequences at a time, and records its head. */
    private static void link(Connection connection, UUID ledgerId, long lastSeq) throws SQLException {
        byte[] head = null;
        var previous = CanonicalJournal.genesis();
        for (long first = 1; first <= lastSeq; first += BACKFILL_ROUND) {
            List<Long> seqs = new ArrayList<>();
            List<byte[]> links = new ArrayList<>();
            previous = CanonicalJournal.walk(connection, ledgerId, first, Math.min(lastSeq, first + BACKFILL_ROUND - 1), previous,
                    (seq, stored, recomputed) -> {
                        seqs.add(seq);
                        links.add(recomputed);
                    });
            if (!links.isEmpty()) {
                head = links.getLast();
                try (var ps = connection.prepareStatement("""
                        UPDATE entries e SET chain_hash = l.link
                        FROM unnest(?::bigint[], ?::bytea[]) AS l(seq, link)
                        WHERE e.ledger_id = ? AND e.seq = l.seq""")) {
                    ps.setArray(1, connection.createArrayOf("int8", seqs.toArray(new Long[0])));
                    ps.setArray(2, connection.createArrayOf("bytea", links.toArray(new byte[0][])));
                    ps.setObject(3, ledgerId);
                    ps.executeUpdate();
                }
            }
        }
        try (var ps = connection.prepareStatement("UPDATE ledgers SET chain_head = ? WHERE id = ?")) {
            ps.setBytes(1, head);
            ps.setObject(2, ledgerId);
            ps.executeUpdate();
        }
    }
}
