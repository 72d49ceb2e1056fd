package dev.creditledger.postgres;

import dev.creditledger.jdbc.Sql;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;

/**
 * The canonical text of a ledger's journal, and the hash chain over its entries (ADR 0023): the one place that
 * writes a journal row as a line, so a daily close's hash, an entry's link and a move's proof agree by
 * construction. docs/operations.md ("Daily closes", "The journal's hash chain") is the definition an auditor
 * recomputes from; change both together.
 *
 * <pre>
 *   seq|ACCOUNT|id|asset|normal_side|overdraft_limit
 *   seq|CLOSE|account_id
 *   seq|ENTRY|id|kind|amount|reference_id|idempotency_key
 *   seq|POSTING|line_no|account_id|side|asset|posted_amount|pending_delta      (after its entry, by line_no)
 * </pre>
 * Each line ends in {@code \n}; absent values are {@code -}; numbers and ids are written as PostgreSQL writes them
 * as text. An entry's <b>link</b> is SHA-256 of the previous entry's link (32 bytes; 32 zero bytes before the
 * ledger's first entry) followed by the UTF-8 of the entry's ENTRY and POSTING lines. The link of the ledger's
 * last entry is its <b>head</b> ({@code ledgers.chain_head}); every entry stores its own link
 * ({@code entries.chain_hash}), written by the batch that writes the entry.
 *
 * Lines are ordered by sequence; the verifier proves every sequence is used once, so no two changes share one.
 */
final class CanonicalJournal {
    private CanonicalJournal() {}

    /** Bytes of a SHA-256. */
    static final int HASH_BYTES = 32;

    /** The link before a ledger's first entry. */
    static byte[] genesis() {
        return new byte[HASH_BYTES];
    }

    static String accountLine(long seq, UUID id, String asset, String normalSide, Long overdraftLimit) {
        return seq + "|ACCOUNT|" + id + "|" + asset + "|" + normalSide + "|" + orAbsent(overdraftLimit) + "\n";
    }

    static String closeLine(long seq, UUID accountId) {
        return seq + "|CLOSE|" + accountId + "\n";
    }

    static String entryLine(long seq, UUID id, String kind, long amount, UUID referenceId, String idempotencyKey) {
        return seq + "|ENTRY|" + id + "|" + kind + "|" + amount + "|" + orAbsent(referenceId) + "|" + orAbsent(idempotencyKey) + "\n";
    }

    static String postingLine(long seq, int lineNo, UUID accountId, String side, String asset, long postedAmount, long pendingDelta) {
        return seq + "|POSTING|" + lineNo + "|" + accountId + "|" + side + "|" + asset + "|" + postedAmount + "|" + pendingDelta + "\n";
    }

    private static String orAbsent(Object value) {
        return value == null ? "-" : value.toString();
    }

    /** An entry's link: SHA-256 of the previous link and the entry's lines (its ENTRY line, then its POSTING lines). */
    static byte[] link(byte[] previous, List<String> entryLines) {
        var digest = sha256();
        digest.update(previous);
        for (var line : entryLines) {
            digest.update(line.getBytes(StandardCharsets.UTF_8));
        }
        return digest.digest();
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** What a scan hands over: one line of the canonical journal; {@code chainHash} is the stored link of an ENTRY line, else null. */
    @FunctionalInterface
    interface LineVisitor {
        void line(long seq, boolean entry, String line, byte[] chainHash) throws SQLException;
    }

    /** Every line of the ledger's sequences {@code first} to {@code last}, in canonical order, streamed from the journal tables. */
    static void scan(Connection connection, UUID ledgerId, long first, long last, LineVisitor visitor) throws SQLException {
        if (last < first) {
            return;
        }
        // part 0: the change with that sequence; part 1: an entry's postings. Unused columns are NULL.
        try (var ps = connection.prepareStatement("""
                SELECT seq, 0 AS part, 0 AS line_no, 'A' AS type, id, asset, normal_side AS word, overdraft_limit AS number,
                       NULL::bigint AS delta, NULL::uuid AS reference_id, NULL::text AS idempotency_key, NULL::bytea AS chain_hash
                FROM accounts WHERE ledger_id = ? AND seq BETWEEN ? AND ?
                UNION ALL
                SELECT seq, 0, 0, 'C', account_id, NULL, NULL, NULL, NULL, NULL, NULL, NULL
                FROM account_closures WHERE ledger_id = ? AND seq BETWEEN ? AND ?
                UNION ALL
                SELECT seq, 0, 0, 'E', id, NULL, kind, amount, NULL, reference_id, idempotency_key, chain_hash
                FROM entries WHERE ledger_id = ? AND seq BETWEEN ? AND ?
                UNION ALL
                SELECT entry_seq, 1, line_no, 'P', account_id, asset, side, posted_amount, pending_delta, NULL, NULL, NULL
                FROM postings WHERE ledger_id = ? AND entry_seq / 32 BETWEEN ? AND ? AND entry_seq BETWEEN ? AND ?
                ORDER BY 1, 2, 3""")) {
            int i = 1;
            for (int table = 0; table < 3; table++) {
                ps.setObject(i++, ledgerId);
                ps.setLong(i++, first);
                ps.setLong(i++, last);
            }
            ps.setObject(i++, ledgerId);
            ps.setLong(i++, first / 32);
            ps.setLong(i++, last / 32);
            ps.setLong(i++, first);
            ps.setLong(i, last);
            ps.setFetchSize(1_000);
            try (var rs = ps.executeQuery()) {
                while (rs.next()) {
                    long seq = rs.getLong("seq");
                    var id = Sql.uuid(rs, "id");
                    switch (rs.getString("type")) {
                        case "A" -> visitor.line(seq, false,
                                accountLine(seq, id, rs.getString("asset"), rs.getString("word"), (Long) rs.getObject("number")), null);
                        case "C" -> visitor.line(seq, false, closeLine(seq, id), null);
                        case "E" -> visitor.line(seq, true, entryLine(seq, id, rs.getString("word"), rs.getLong("number"),
                                Sql.uuid(rs, "reference_id"), rs.getString("idempotency_key")), rs.getBytes("chain_hash"));
                        case "P" -> visitor.line(seq, false, postingLine(seq, rs.getInt("line_no"), id, rs.getString("word"),
                                rs.getString("asset"), rs.getLong("number"), rs.getLong("delta")), null);
                        default -> throw new IllegalStateException("unknown line type");
                    }
                }
            }
        }
    }

    /** SHA-256 of the canonical journal of sequences {@code first} to {@code last}: a daily close's hash. */
    static byte[] sha256(Connection connection, UUID ledgerId, long first, long last) throws SQLException {
        var digest = sha256();
        scan(connection, ledgerId, first, last, (seq, entry, line, chainHash) -> digest.update(line.getBytes(StandardCharsets.UTF_8)));
        return digest.digest();
    }

    /** What a walk hands over for each entry: its stored link (null when it has none yet) and the link its rows give. */
    @FunctionalInterface
    interface LinkVisitor {
        void entry(long seq, byte[] stored, byte[] recomputed) throws SQLException;
    }

    /**
     * Walks the entries of sequences {@code first} to {@code last}, recomputing each one's link from the one before
     * ({@code previous} for the first); returns the link the walk ends on ({@code previous} when there is no entry).
     * After a link that differs from the stored one, the walk goes on from the stored one, so one altered entry shows
     * once; an entry with no stored link chains on from the recomputed one.
     */
    static byte[] walk(Connection connection, UUID ledgerId, long first, long last, byte[] previous, LinkVisitor visitor)
            throws SQLException {
        var walk = new Object() {
            byte[] link = previous;
            final List<String> lines = new ArrayList<>();
            long seq;
            byte[] stored;

            void end() throws SQLException {
                if (lines.isEmpty()) {
                    return;
                }
                var recomputed = CanonicalJournal.link(link, lines);
                visitor.entry(seq, stored, recomputed);
                link = stored != null ? stored : recomputed;
                lines.clear();
            }
        };
        scan(connection, ledgerId, first, last, (seq, entry, line, chainHash) -> {
            if (entry) {
                walk.end();
                walk.seq = seq;
                walk.stored = chainHash;
                walk.lines.add(line);
            } else if (!walk.lines.isEmpty() && seq == walk.seq) {
                walk.lines.add(line); // a posting of the entry being read
            }
        });
        walk.end();
        return walk.link;
    }

    /**
     * The chain recomputed from the journal's rows of sequences 1 to {@code last}.
     *
     * @param head        the link the walk ends on ({@link #genesis()} when there is no entry): the stored one, which
     *                    equals the recomputed one when nothing is broken
     * @param firstBroken where the first stored link differs from the one its rows give ("-" when none does)
     */
    record Chain(long entries, byte[] head, String firstBroken, long broken) {}

    static Chain recompute(Connection connection, UUID ledgerId, long last) throws SQLException {
        long[] counts = new long[2];
        String[] firstBroken = {"-"};
        var head = walk(connection, ledgerId, 1, last, genesis(), (seq, stored, recomputed) -> {
            counts[0]++;
            if (!Arrays.equals(stored, recomputed) && counts[1]++ == 0) {
                firstBroken[0] = "sequence " + seq + " stores " + (stored == null ? "no link" : HexFormat.of().formatHex(stored))
                        + ", its rows give " + HexFormat.of().formatHex(recomputed);
            }
        });
        return new Chain(counts[0], head, firstBroken[0], counts[1]);
    }
}
