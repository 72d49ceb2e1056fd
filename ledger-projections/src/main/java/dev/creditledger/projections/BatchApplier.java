package dev.creditledger.projections;

import dev.creditledger.core.events.LedgerEvent;
import dev.creditledger.kafka.UndecodableEventException;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import javax.sql.DataSource;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies one poll's records to all read models in ONE transaction, with a handful of set-based
 * statements whatever the poll's size: every model's statements, the copies for the watermarks, the
 * models' progress, the dead letters and the watermarks' advance travel in one round trip
 * ({@link ApplyTransaction}), then the commit.
 *
 * A record that cannot be applied (it does not decode, or the database refuses it for a reason that
 * belongs to the event, such as a constraint) is left out, written to {@code dead_letters} in the same
 * transaction and produced to the dead-letter topic before the commit; the rest of the batch commits,
 * so no record blocks its partition. Records that do not decode are known before anything is sent. A
 * refusal is not: when the set-based attempt fails on an event, the batch is redone in a new transaction
 * event by event, each under a savepoint, to find and leave out the culprit.
 *
 * What can go wrong: a transient database failure or an unavailable broker throws, with nothing
 * committed; the caller seeks back and retries the batch.
 */
final class BatchApplier {

    private static final Logger log = LoggerFactory.getLogger(BatchApplier.class);
    private static final Set<ReadModel> ALL_MODELS = EnumSet.allOf(ReadModel.class);

    /** What one committed batch did. */
    record Result(List<DeadLetterStore.Letter> deadLetters, boolean unstartedLedgers) {}

    private record Decoded(ConsumerRecord<byte[], byte[]> record, LedgerEvent event, String reason) {}

    /** A failure in the fast path that belongs to one event: redo the batch with savepoints. */
    private static final class EventFailed extends Exception {
        EventFailed(Exception cause) {
            super(cause);
        }
    }

    private final DataSource dataSource;
    private final DeadLetterPublisher deadLetters;
    private final ProjectorHooks hooks;

    BatchApplier(DataSource dataSource, DeadLetterPublisher deadLetters, ProjectorHooks hooks) {
        this.dataSource = dataSource;
        this.deadLetters = deadLetters;
        this.hooks = hooks;
    }

    Result apply(List<ConsumerRecord<byte[], byte[]>> records) throws SQLException {
        List<Decoded> decoded = new ArrayList<>(records.size());
        for (var record : records) {
            try {
                decoded.add(new Decoded(record, RecordDecoder.decode(record.value()), null));
            } catch (UndecodableEventException e) {
                decoded.add(new Decoded(record, null, "undecodable: " + e.getMessage()));
            }
        }
        try {
            return attempt(decoded, false);
        } catch (EventFailed e) {
            log.info("an event of a batch of {} records failed ({}); applying the batch again event by event",
                    records.size(), e.getCause().toString());
            try {
                return attempt(decoded, true);
            } catch (EventFailed impossible) {
                throw new IllegalStateException("isolated apply reported an event failure", impossible);
            }
        }
    }

    private Result attempt(List<Decoded> decoded, boolean isolated) throws SQLException, EventFailed {
        try (var tx = ApplyTransaction.begin(dataSource, ALL_MODELS, true)) {
            List<DeadLetterStore.Letter> letters = new ArrayList<>();
            List<LedgerEvent> events = new ArrayList<>(decoded.size());
            List<RecordPosition> positions = new ArrayList<>(decoded.size());
            for (var d : decoded) {
                var position = RecordPosition.of(d.record());
                if (d.event() == null) {
                    letters.add(letter(d.record(), d.reason()));
                } else if (!isolated) {
                    events.add(d.event());
                    positions.add(position);
                } else if (tx.applyIsolated(d.event(), position) instanceof ApplyTransaction.Outcome.Refused refused) {
                    letters.add(letter(d.record(), refused.reason()));
                } else {
                    events.add(d.event());
                    positions.add(position);
                    hooks.afterEventApplied(events.size());
                }
            }
            boolean unstarted;
            if (isolated) {
                unstarted = tx.finish(letters, hooks.historyStartGrace());
            } else {
                try {
                    tx.apply(events, positions);
                    unstarted = tx.finish(letters, hooks.historyStartGrace());
                } catch (SQLException e) {
                    if (SqlFailures.isTransient(e)) {
                        throw e;
                    }
                    throw new EventFailed(e);
                } catch (RuntimeException e) {
                    throw new EventFailed(e);
                }
                // The set-based statements applied every event at once.
                for (int applied = 1; applied <= events.size(); applied++) {
                    hooks.afterEventApplied(applied);
                }
            }
            // Produced and acknowledged before the commit: once the offsets move past a record, its dead
            // letter is in both places (a crash in between only produces it again, under the same id).
            deadLetters.publish(letters);
            tx.commit();
            return new Result(letters, unstarted);
        }
    }

    private static DeadLetterStore.Letter letter(ConsumerRecord<byte[], byte[]> record, String reason) {
        return DeadLetterStore.Letter.of(record.topic(), record.partition(), record.offset(), record.key(), record.value(), reason);
    }
}
