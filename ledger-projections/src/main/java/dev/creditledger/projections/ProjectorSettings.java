package dev.creditledger.projections;

import java.time.Duration;

/**
 * How the projector consumes.
 *
 * @param groupId        the consumer group: instances sharing it split the partitions between them
 * @param pollRecordsMax records per poll, and so per read-model transaction (1 to {@value #POLL_RECORDS_MAX_LIMIT})
 * @param pollTimeout    how long one poll waits for records (1 ms to {@link #POLL_TIMEOUT_LIMIT})
 * @param backoffMax     the longest pause between attempts while the database or the broker fails
 *                       (1 ms to {@link #BACKOFF_MAX_LIMIT}); pauses start at {@link #BACKOFF_FIRST} and double
 */
public record ProjectorSettings(String groupId, int pollRecordsMax, Duration pollTimeout, Duration backoffMax) {

    /** A transaction of more records holds row locks too long and risks the consumer's poll interval. */
    public static final int POLL_RECORDS_MAX_LIMIT = 10_000;
    public static final Duration POLL_TIMEOUT_LIMIT = Duration.ofSeconds(30);
    /** Well under the consumer's max.poll.interval.ms (5 minutes), so backing off never costs the assignment. */
    public static final Duration BACKOFF_MAX_LIMIT = Duration.ofSeconds(60);
    public static final Duration BACKOFF_FIRST = Duration.ofMillis(100);

    public ProjectorSettings {
        if (groupId == null || groupId.isBlank()) {
            throw new IllegalArgumentException("groupId is required");
        }
        if (pollRecordsMax < 1 || pollRecordsMax > POLL_RECORDS_MAX_LIMIT) {
            throw new IllegalArgumentException("pollRecordsMax must be 1 to " + POLL_RECORDS_MAX_LIMIT + ", not " + pollRecordsMax);
        }
        requireWithin("pollTimeout", pollTimeout, POLL_TIMEOUT_LIMIT);
        requireWithin("backoffMax", backoffMax, BACKOFF_MAX_LIMIT);
    }

    /**
     * A poll's records are applied with a fixed number of statements in three round trips, whatever their
     * number, so when the projector has fallen behind, larger polls catch up faster: the fixed cost is
     * spread over more events. Polls are only as large as what is waiting, so this changes nothing while
     * the projector keeps up. 2,000 records (under 3 MB of payloads) keep a transaction to tens of
     * milliseconds, its row locks short for a rebuild running beside it, and the event-by-event redo of a
     * poll that holds a refused event bounded; the rebuild applies batches of the same size
     * ({@link ProjectionRebuilder#BATCH_RECORDS_MAX}).
     */
    public static final int POLL_RECORDS_DEFAULT = 2_000;

    public static ProjectorSettings defaults() {
        return new ProjectorSettings("ledger-projector", POLL_RECORDS_DEFAULT, Duration.ofMillis(200), Duration.ofSeconds(5));
    }

    public ProjectorSettings withGroupId(String groupId) {
        return new ProjectorSettings(groupId, pollRecordsMax, pollTimeout, backoffMax);
    }

    public ProjectorSettings withPollRecordsMax(int pollRecordsMax) {
        return new ProjectorSettings(groupId, pollRecordsMax, pollTimeout, backoffMax);
    }

    private static void requireWithin(String name, Duration value, Duration limit) {
        if (value == null || value.compareTo(Duration.ofMillis(1)) < 0 || value.compareTo(limit) > 0) {
            throw new IllegalArgumentException(name + " must be 1 ms to " + limit.toMillis() + " ms, not " + value);
        }
    }
}
