package dev.creditledger.projections;

import dev.creditledger.jdbc.Sql;
import dev.creditledger.kafka.KafkaSettings;
import dev.creditledger.kafka.UndecodableEventException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * Lists and retries the records the projector could not apply. A retry decodes the stored payload
 * and applies it to every read model exactly as the projector would (same statements, same dedupe by
 * account version, same watermark bookkeeping), in one transaction with the dead letter's new status:
 * RETRIED when it applied (or had been applied meanwhile, say by a rebuild), otherwise the new reason is
 * stored and it stays UNRESOLVED.
 * Retrying is safe at any time and any number of times.
 *
 * What can go wrong: an unavailable database is a {@link ProjectionUnavailableException} with nothing
 * changed. Only records of this deployment's event topics are applied; others fail with a reason.
 */
public final class DeadLetters {

    /** Dead letters per {@link #list} call. */
    public static final int LIST_LETTERS_MAX = 1_000;

    private final DataSource projections;
    private final KafkaSettings kafka;

    public DeadLetters(DataSource projections, KafkaSettings kafka) {
        this.projections = projections;
        this.kafka = kafka;
    }

    /** The newest {@code limit} dead letters, unresolved and retried alike. */
    public List<DeadLetter> list(int limit) {
        if (limit < 1 || limit > LIST_LETTERS_MAX) {
            throw new IllegalArgumentException("limit must be 1 to " + LIST_LETTERS_MAX + ", not " + limit);
        }
        try (var connection = projections.getConnection();
             var ps = connection.prepareStatement("""
                     SELECT * FROM dead_letters ORDER BY created_at DESC, "offset" DESC, id LIMIT ?""")) {
            ps.setInt(1, limit);
            List<DeadLetter> letters = new ArrayList<>();
            try (var rs = ps.executeQuery()) {
                while (rs.next()) {
                    letters.add(new DeadLetter(Sql.uuid(rs, "id"), rs.getString("topic"), rs.getInt("partition"),
                            rs.getLong("offset"), text(rs.getBytes("record_key")), text(rs.getBytes("payload")),
                            rs.getString("reason"), DeadLetterStatus.valueOf(rs.getString("status")),
                            Sql.instant(rs, "created_at"), Sql.instant(rs, "retried_at")));
                }
            }
            return letters;
        } catch (SQLException e) {
            throw new ProjectionUnavailableException("could not read the dead letters: " + e.getMessage(), e);
        }
    }

    /** How many dead letters are still UNRESOLVED (one count query; the operator console shows it). */
    public long unresolvedCount() {
        try (var connection = projections.getConnection();
             var ps = connection.prepareStatement("SELECT count(*) FROM dead_letters WHERE status = 'UNRESOLVED'");
             var rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new ProjectionUnavailableException("could not count the dead letters: " + e.getMessage(), e);
        }
    }

    public RetryResult retry(UUID deadLetterId) {
        try (var tx = ApplyTransaction.begin(projections, EnumSet.allOf(ReadModel.class), true)) {
            var connection = tx.connection();
            String topic;
            byte[] payload;
            RecordPosition position;
            try (var ps = connection.prepareStatement(
                    "SELECT topic, partition, \"offset\", payload, status FROM dead_letters WHERE id = ? FOR UPDATE")) {
                ps.setObject(1, deadLetterId);
                try (var rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return new RetryResult(deadLetterId, RetryResult.Outcome.NOT_FOUND, null);
                    }
                    if (DeadLetterStatus.valueOf(rs.getString("status")) == DeadLetterStatus.RETRIED) {
                        return new RetryResult(deadLetterId, RetryResult.Outcome.ALREADY_RETRIED, null);
                    }
                    topic = rs.getString("topic");
                    payload = rs.getBytes("payload");
                    position = new RecordPosition(rs.getInt("partition"), rs.getLong("offset"), null);
                }
            }
            String failure;
            if (!kafka.eventTopics().contains(topic)) {
                failure = "not retried: " + topic + " is not one of the event topics " + kafka.eventTopics();
            } else {
                try {
                    var outcome = tx.applyIsolated(RecordDecoder.decode(payload), position);
                    failure = outcome instanceof ApplyTransaction.Outcome.Refused refused ? refused.reason() : null;
                } catch (UndecodableEventException e) {
                    failure = "undecodable: " + e.getMessage();
                }
            }
            if (failure == null) {
                markRetried(connection, deadLetterId);
            } else {
                recordFailure(connection, deadLetterId, failure);
            }
            tx.finish(List.of(), Watermarks.HISTORY_START_GRACE);
            tx.commit();
            return failure == null ? new RetryResult(deadLetterId, RetryResult.Outcome.RETRIED, null)
                    : new RetryResult(deadLetterId, RetryResult.Outcome.FAILED, failure);
        } catch (SQLException e) {
            throw new ProjectionUnavailableException("could not retry dead letter " + deadLetterId + ": " + e.getMessage(), e);
        }
    }

    private static void markRetried(Connection connection, UUID id) throws SQLException {
        try (var ps = connection.prepareStatement("UPDATE dead_letters SET status = 'RETRIED', retried_at = now() WHERE id = ?")) {
            ps.setObject(1, id);
            ps.executeUpdate();
        }
    }

    private static void recordFailure(Connection connection, UUID id, String reason) throws SQLException {
        try (var ps = connection.prepareStatement("UPDATE dead_letters SET reason = ? WHERE id = ?")) {
            ps.setString(1, reason);
            ps.setObject(2, id);
            ps.executeUpdate();
        }
    }

    private static String text(byte[] bytes) {
        return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
    }
}
