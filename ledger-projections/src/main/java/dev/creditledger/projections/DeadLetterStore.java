package dev.creditledger.projections;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.UUID;

/**
 * Writes dead letters in the projector's transaction. A dead letter's id is derived from the record's
 * topic, partition and offset, so a record redelivered after a crash (before its offset was committed)
 * finds its dead letter already there and adds no second one. Times are the database's clock.
 */
final class DeadLetterStore {
    private DeadLetterStore() {}

    /** A record that could not be applied, with why. */
    record Letter(UUID id, String topic, int partition, long offset, byte[] key, byte[] payload, String reason) {
        static Letter of(String topic, int partition, long offset, byte[] key, byte[] payload, String reason) {
            return new Letter(idOf(topic, partition, offset), topic, partition, offset, key, payload, reason);
        }
    }

    static UUID idOf(String topic, int partition, long offset) {
        return UUID.nameUUIDFromBytes(("dead-letter/" + topic + "/" + partition + "/" + offset).getBytes(StandardCharsets.UTF_8));
    }

    static void insert(Connection connection, List<Letter> letters) throws SQLException {
        if (letters.isEmpty()) {
            return;
        }
        try (var ps = connection.prepareStatement("""
                INSERT INTO dead_letters (id, topic, partition, "offset", record_key, payload, reason, status, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, 'UNRESOLVED', now()) ON CONFLICT (id) DO NOTHING""")) {
            for (var letter : letters) {
                ps.setObject(1, letter.id());
                ps.setString(2, letter.topic());
                ps.setInt(3, letter.partition());
                ps.setLong(4, letter.offset());
                ps.setBytes(5, letter.key());
                ps.setBytes(6, letter.payload());
                ps.setString(7, letter.reason());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }
}
