package dev.creditledger.projections;

import dev.creditledger.jdbc.Columns;
import dev.creditledger.jdbc.Pipeline;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;

/**
 * Writes dead letters in the projector's transaction, with one statement for a poll's letters (a step of
 * the poll's pipeline). A dead letter's id is derived from the record's topic, partition and offset, so a
 * record redelivered after a crash (before its offset was committed) finds its dead letter already there
 * and adds no second one. Times are the database's clock.
 */
final class DeadLetterStore {
    private DeadLetterStore() {}

    private static final String INSERT = """
            WITH stored AS (
                INSERT INTO dead_letters (id, topic, partition, "offset", record_key, payload, reason, status, created_at)
                SELECT d.id, d.topic, d.partition, d.record_offset, d.record_key, d.payload, d.reason, 'UNRESOLVED', now()
                FROM unnest(?::uuid[], ?::text[], ?::int[], ?::bigint[], ?::bytea[], ?::bytea[], ?::text[])
                    AS d(id, topic, partition, record_offset, record_key, payload, reason)
                ORDER BY d.id
                ON CONFLICT (id) DO NOTHING
                RETURNING 1)
            SELECT count(*) FROM stored""";

    /** A record that could not be applied, with why. */
    record Letter(UUID id, String topic, int partition, long offset, byte[] key, byte[] payload, String reason) {
        static Letter of(String topic, int partition, long offset, byte[] key, byte[] payload, String reason) {
            return new Letter(idOf(topic, partition, offset), topic, partition, offset, key, payload, reason);
        }
    }

    static UUID idOf(String topic, int partition, long offset) {
        return UUID.nameUUIDFromBytes(("dead-letter/" + topic + "/" + partition + "/" + offset).getBytes(StandardCharsets.UTF_8));
    }

    /** Adds the insert of the letters to the pipeline, unless there are none. */
    static void write(List<Letter> letters, Pipeline pipeline) {
        if (letters.isEmpty()) {
            return;
        }
        int n = letters.size();
        var id = new UUID[n];
        var topic = new String[n];
        var partition = new int[n];
        var offset = new long[n];
        var key = new byte[n][];
        var payload = new byte[n][];
        var reason = new String[n];
        for (int i = 0; i < n; i++) {
            var letter = letters.get(i);
            id[i] = letter.id();
            topic[i] = letter.topic();
            partition[i] = letter.partition();
            offset[i] = letter.offset();
            key[i] = letter.key();
            payload[i] = letter.payload();
            reason[i] = letter.reason();
        }
        pipeline.add(INSERT, (ps, index) -> Columns.at(ps, index).uuids(id).texts(topic).ints(partition).longs(offset).bytes(key)
                .bytes(payload).texts(reason).next(), Pipeline.NOTHING_TO_READ);
    }
}
