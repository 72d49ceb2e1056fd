package dev.creditledger.postgres;

import dev.creditledger.core.EntryKind;
import dev.creditledger.jdbc.Sql;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The journal's part of a transfer's journey: when the request behind an entry arrived, when its batch
 * wrote it (the entry's time), at which sequence and in a batch of how many commands, with the trace
 * context it carries, and the postings whose events the read models apply (account and version). Two
 * index lookups: the entry by id, its postings by sequence.
 */
public final class JournalJourneys {

    /** One posting of the entry: the account's copy of the entry event carries it. */
    public record PostingRef(UUID accountId, long accountVersion, String asset) {}

    /**
     * @param receivedAt  null for entries written before journeys were recorded, or asked for by no request
     * @param batchSize   the commands of the batch transaction that committed the entry, null as receivedAt
     * @param traceparent the W3C trace context stored with the entry, or null
     */
    public record EntryJourney(UUID entryId, long seq, EntryKind kind, Instant createdAt, Instant receivedAt,
                               Integer batchSize, String traceparent, List<PostingRef> postings) {}

    private final JournalRouter journals;

    public JournalJourneys(JournalRouter journals) {
        this.journals = journals;
    }

    public Optional<EntryJourney> entry(UUID ledgerId, UUID entryId) {
        try (Connection connection = journals.dataSourceFor(ledgerId).getConnection()) {
            EntryJourney entry;
            try (var ps = connection.prepareStatement("""
                    SELECT seq, kind, created_at, received_at, batch_size, traceparent FROM entries
                    WHERE ledger_id = ? AND id = ?""")) {
                ps.setObject(1, ledgerId);
                ps.setObject(2, entryId);
                try (var rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.empty();
                    }
                    entry = new EntryJourney(entryId, rs.getLong("seq"), EntryKind.valueOf(rs.getString("kind")),
                            Sql.instant(rs, "created_at"), Sql.instant(rs, "received_at"),
                            (Integer) rs.getObject("batch_size"), Traceparents.unpack(rs.getBytes("traceparent")), List.of());
                }
            }
            List<PostingRef> postings = new ArrayList<>();
            try (var ps = connection.prepareStatement("""
                    SELECT account_id, account_version, asset FROM postings
                    WHERE ledger_id = ? AND entry_seq / 32 = ? / 32 AND entry_seq = ? ORDER BY line_no""")) {
                ps.setObject(1, ledgerId);
                ps.setLong(2, entry.seq());
                ps.setLong(3, entry.seq());
                try (var rs = ps.executeQuery()) {
                    while (rs.next()) {
                        postings.add(new PostingRef(rs.getObject("account_id", UUID.class), rs.getLong("account_version"),
                                rs.getString("asset")));
                    }
                }
            }
            return Optional.of(new EntryJourney(entry.entryId(), entry.seq(), entry.kind(), entry.createdAt(), entry.receivedAt(),
                    entry.batchSize(), entry.traceparent(), List.copyOf(postings)));
        } catch (SQLException e) {
            throw new StorageUnavailableException("could not read the journal: " + e.getMessage(), e);
        }
    }
}
