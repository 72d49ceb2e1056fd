package dev.creditledger.projections;

import dev.creditledger.core.Backoff;
import java.time.Duration;

/**
 * How the projector consumes.
 *
 * @param groupId        the consumer group: instances sharing it split the partitions between them
 * @param pollRecordsMax records per poll, and so per read-model transaction (1 to {@value #POLL_RECORDS_MAX_LIMIT})
 * @param pollTimeout    how long one poll waits for records (1 ms to {@link #POLL_TIMEOUT_LIMIT})
 * @param backoffMax     the longest pause between attempts while the database or the broker fails
 *                       (1 ms to {@link #BACKOFF_MAX_LIMIT}); pauses start at {@link #BACKOFF_FIRST} and double
 * @param sessionTimeout how long the group waits for a silent member before it gives its partitions to the others
 *                       ({@link #SESSION_TIMEOUT_MIN} to {@link #SESSION_TIMEOUT_LIMIT}): after a {@code kill -9} of an
 *                       instance, its partitions' read models stand still for about this long
 */
public record ProjectorSettings(String groupId, int pollRecordsMax, Duration pollTimeout, Duration backoffMax,
                                Duration sessionTimeout) {

    /** A transaction of more records holds row locks too long and risks the consumer's poll interval. */
    public static final int POLL_RECORDS_MAX_LIMIT = 10_000;
    public static final Duration POLL_TIMEOUT_LIMIT = Duration.ofSeconds(30);
    /** Well under the consumer's max.poll.interval.ms (5 minutes), so backing off never costs the assignment. */
    public static final Duration BACKOFF_MAX_LIMIT = Duration.ofSeconds(60);
    public static final Duration BACKOFF_FIRST = Duration.ofMillis(100);
    /** The broker's default {@code group.min.session.timeout.ms}: it refuses members asking for less. */
    public static final Duration SESSION_TIMEOUT_MIN = Duration.ofSeconds(6);
    public static final Duration SESSION_TIMEOUT_LIMIT = Duration.ofMinutes(5);
    /**
     * Kafka's own default is 45 s, so a killed instance's partitions waited 45 s for a new owner (the chaos
     * kit measured read models standing still 32 to 34 s after each restart); 10 s keeps that short while a
     * member survives any pause under 10 s, and the heartbeat thread beats every third of it.
     */
    public static final Duration SESSION_TIMEOUT_DEFAULT = Duration.ofSeconds(10);

    /** The pauses between attempts while the database or the broker fails. */
    public Backoff backoff() {
        return new Backoff(BACKOFF_FIRST, backoffMax);
    }

    public ProjectorSettings {
        if (groupId == null || groupId.isBlank()) {
            throw new IllegalArgumentException("groupId is required");
        }
        if (pollRecordsMax < 1 || pollRecordsMax > POLL_RECORDS_MAX_LIMIT) {
            throw new IllegalArgumentException("pollRecordsMax must be 1 to " + POLL_RECORDS_MAX_LIMIT + ", not " + pollRecordsMax);
        }
        requireWithin("pollTimeout", pollTimeout, POLL_TIMEOUT_LIMIT);
        requireWithin("backoffMax", backoffMax, BACKOFF_MAX_LIMIT);
        if (sessionTimeout == null || sessionTimeout.compareTo(SESSION_TIMEOUT_MIN) < 0 || sessionTimeout.compareTo(SESSION_TIMEOUT_LIMIT) > 0) {
            throw new IllegalArgumentException("sessionTimeout must be " + SESSION_TIMEOUT_MIN.toMillis() + " ms to "
                    + SESSION_TIMEOUT_LIMIT.toMillis() + " ms, not " + sessionTimeout);
        }
    }

    /** A third of the session timeout, as Kafka advises: a member misses two beats before it is given up. */
    public Duration heartbeatInterval() {
        return Duration.ofMillis(sessionTimeout.toMillis() / 3);
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
        return new ProjectorSettings("ledger-projector", POLL_RECORDS_DEFAULT, Duration.ofMillis(200), Duration.ofSeconds(5),
                SESSION_TIMEOUT_DEFAULT);
    }

    public ProjectorSettings withGroupId(String groupId) {
        return new ProjectorSettings(groupId, pollRecordsMax, pollTimeout, backoffMax, sessionTimeout);
    }

    public ProjectorSettings withPollRecordsMax(int pollRecordsMax) {
        return new ProjectorSettings(groupId, pollRecordsMax, pollTimeout, backoffMax, sessionTimeout);
    }

    private static void requireWithin(String name, Duration value, Duration limit) {
        if (value == null || value.compareTo(Duration.ofMillis(1)) < 0 || value.compareTo(limit) > 0) {
            throw new IllegalArgumentException(name + " must be 1 ms to " + limit.toMillis() + " ms, not " + value);
        }
    }
}
