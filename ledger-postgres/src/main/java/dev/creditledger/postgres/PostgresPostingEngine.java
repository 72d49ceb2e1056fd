package dev.creditledger.postgres;

import dev.creditledger.core.Account;
import dev.creditledger.core.Backoff;
import dev.creditledger.core.BatchOutcome;
import dev.creditledger.core.Command;
import dev.creditledger.core.CommandResult;
import dev.creditledger.core.Entry;
import dev.creditledger.core.PostingStateMachine;
import dev.creditledger.core.Submission;
import dev.creditledger.core.trace.SpanSink;
import dev.creditledger.core.trace.TraceContext;
import dev.creditledger.core.trace.TraceSpan;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The batch-first posting engine. Callers submit to their ledger's lane ({@link WriteLanes}) and get a
 * future; writer threads each hold one ledger's lane at a time, take EVERYTHING queued for that ledger (up
 * to batchCommandsMax commands, with no artificial delay) and run ONE transaction for it: lock and load the
 * touched rows, apply the commands with the pure {@link PostingStateMachine}, write the rows with batched
 * statements, commit once, then complete every caller's future. While a batch commits, what arrives for its
 * ledger waits in the lane and becomes the next batch, so batches grow with load and a lone request is
 * written at once, alone. A hot account costs one row lock per batch, not one per transfer, and a batch
 * costs three round trips to PostgreSQL: load and lock ({@link StateLoader}), write ({@link BatchWriter}),
 * commit. Several ledgers are written in parallel, one writer each, up to {@code batchers} at once.
 *
 * What can go wrong: a full queue refuses the submission ({@link QueueFullException}); a transaction
 * that fails before its commit for a transient reason ({@link TransientFailures}) is rolled back and the
 * batch runs again, from a fresh load, up to transientRetriesMax times; a failed transaction fails every
 * future of the batch ({@link StorageUnavailableException}) and nothing of it is committed. A failure
 * while committing is never retried: the commit may have happened, and running the batch again could
 * answer as if it had not (its callers learn the outcome by retrying with their idempotency keys).
 * Correctness never depends on this process's memory: the ledger's row lock and unique constraints keep
 * several engines (in several processes) against one database consistent.
 */
public final class PostgresPostingEngine implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(PostgresPostingEngine.class);
    private static final long IDLE_POLL_MS = 100;
    /** Pauses before running a batch again after a transient failure before its commit: 25 ms, 50 ms, ... up to 1 s. */
    static final Backoff RETRY_BACKOFF = new Backoff(Duration.ofMillis(25), Duration.ofSeconds(1));

    private record Pending(Submission submission, CompletableFuture<List<PostedResult>> future, Instant queuedAt) {}

    /** When a batch began (taken from the queue), finished writing, and committed. */
    private record BatchTimes(Instant started, Instant written, Instant committed) {}

    private final DataSource dataSource;
    private final AccountCatalog catalog = new AccountCatalog(AccountCatalog.ACCOUNTS_MAX_DEFAULT);
    private final Clock clock;
    private final EngineSettings settings;
    private final EngineListener listener;
    private final SpanSink spans;
    private final WriteLanes<Pending> lanes;
    private final List<Thread> batchers = new ArrayList<>();
    private volatile boolean accepting = true;
    private volatile boolean running = true;

    public PostgresPostingEngine(DataSource dataSource, Clock clock, EngineSettings settings, EngineListener listener) {
        this(dataSource, clock, settings, listener, SpanSink.NONE);
    }

    /** @param spans where each submission's queue wait, batch and commit are recorded as spans of its trace */
    public PostgresPostingEngine(DataSource dataSource, Clock clock, EngineSettings settings, EngineListener listener,
                                 SpanSink spans) {
        this.dataSource = dataSource;
        this.clock = clock;
        this.settings = settings;
        this.listener = listener;
        this.spans = spans;
        this.lanes = new WriteLanes<>(settings.queueSubmissionsMax(), p -> p.submission().requests().size());
        for (int i = 0; i < settings.batchers(); i++) {
            var thread = Thread.ofPlatform().name("ledger-batcher-" + i).daemon(false).unstarted(this::runWriter);
            batchers.add(thread);
            thread.start();
        }
    }

    public EngineSettings settings() {
        return settings;
    }

    /** Submissions waiting for a batcher, in every ledger's lane. */
    public int queueDepth() {
        return lanes.waiting();
    }

    /**
     * Queues a submission. The future completes after the batch that holds it committed (or failed).
     *
     * @throws QueueFullException       when queueSubmissionsMax submissions are waiting, or the engine is stopping
     * @throws IllegalArgumentException when the submission has more than batchCommandsMax requests
     */
    public CompletableFuture<List<PostedResult>> submit(Submission submission) {
        if (submission.requests().size() > settings.batchCommandsMax()) {
            throw new IllegalArgumentException("a submission holds at most batchCommandsMax "
                    + settings.batchCommandsMax() + " requests");
        }
        if (!accepting) {
            throw new QueueFullException("the posting engine is stopping");
        }
        var queuedAt = Instant.now();
        if (submission.receivedAt() == null) {
            submission = new Submission(submission.requests(), submission.atomic(), submission.traceparent(), queuedAt);
        }
        var pending = new Pending(submission, new CompletableFuture<>(), queuedAt);
        if (!lanes.offer(submission.ledgerId(), pending)) {
            throw new QueueFullException("the posting queue holds queueSubmissionsMax " + settings.queueSubmissionsMax()
                    + " submissions");
        }
        return pending.future();
    }

    /** Takes one ready ledger at a time and writes what is queued for it, until the engine stops and nothing waits. */
    private void runWriter() {
        while (running || lanes.waiting() > 0) {
            WriteLanes.Lane<Pending> lane;
            try {
                lane = lanes.takeReady(IDLE_POLL_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (lane == null) {
                continue;
            }
            try {
                runBatch(lane.ledgerId(), lanes.drain(lane, settings.batchCommandsMax()));
            } finally {
                lanes.release(lane);
            }
        }
    }

    private void runBatch(UUID ledgerId, List<Pending> batch) {
        long started = System.nanoTime();
        var startedAt = Instant.now();
        int commands = batch.stream().mapToInt(p -> p.submission().requests().size()).sum();
        Map<Pending, List<PostedResult>> answers;
        BatchTimes times;
        for (int attempt = 0; ; attempt++) {
            try {
                var written = new Instant[1];
                answers = commit(ledgerId, batch, commands, written);
                times = new BatchTimes(startedAt, written[0], Instant.now());
                break;
            } catch (SQLException | RuntimeException e) {
                var cause = e instanceof BeforeCommit before ? before.getCause() : e;
                if (e instanceof BeforeCommit && attempt < settings.transientRetriesMax() && TransientFailures.isTransient(cause)
                        && running) {
                    listener.batchRetried(batch.size(), commands, attempt + 1, cause);
                    log.info("batch of {} submissions failed before its commit ({}); running it again, retry {} of {}",
                            batch.size(), cause.toString(), attempt + 1, settings.transientRetriesMax());
                    if (pause(attempt)) {
                        continue;
                    }
                }
                listener.batchFailed(batch.size(), commands, cause);
                log.warn("batch of {} submissions failed{}: {}", batch.size(),
                        e instanceof BeforeCommit ? "; none of it was committed" : " while committing; its outcome is unknown",
                        cause.toString());
                var failure = cause instanceof SQLException
                        ? new StorageUnavailableException("the database did not accept the batch: " + cause.getMessage(), cause)
                        : cause;
                batch.forEach(p -> p.future().completeExceptionally(failure));
                return;
            }
        }
        listener.batchCommitted(batch.size(), commands, System.nanoTime() - started);
        answers.forEach((pending, results) -> pending.future().complete(results));
        if (spans.enabled()) {
            try {
                recordSpans(answers, commands, times);
            } catch (RuntimeException e) {
                // The batch is answered: a span that cannot be built must not end the batcher.
                log.debug("spans of a batch not recorded", e);
            }
        }
    }

    /**
     * Three spans per traced submission, children of its request's span: the wait in the queue, the batch
     * transaction up to the end of its write (with the batch's size and the submission's sequences), and
     * the commit.
     */
    private void recordSpans(Map<Pending, List<PostedResult>> answers, int commands, BatchTimes times) {
        for (var answer : answers.entrySet()) {
            var pending = answer.getKey();
            var parent = TraceContext.parse(pending.submission().traceparent());
            if (parent == null || !parent.sampled()) {
                continue;
            }
            long firstSeq = Long.MAX_VALUE;
            long lastSeq = 0;
            for (var result : answer.getValue()) {
                if (result.result() instanceof CommandResult.Accepted a && !a.replayed()) {
                    firstSeq = Math.min(firstSeq, a.seq());
                    lastSeq = Math.max(lastSeq, a.seq());
                }
            }
            var ledger = Map.<String, Object>of("ledger.id", pending.submission().ledgerId().toString());
            spans.record(span(parent, "ledger.queue", pending.queuedAt(), times.started(), ledger));
            var batchAttributes = new HashMap<String, Object>(ledger);
            batchAttributes.put("ledger.batch.commands", (long) commands);
            batchAttributes.put("ledger.batch.submissions", (long) answers.size());
            if (lastSeq > 0) {
                batchAttributes.put("ledger.seq.first", firstSeq);
                batchAttributes.put("ledger.seq.last", lastSeq);
            }
            spans.record(span(parent, "ledger.batch", times.started(), times.written(), batchAttributes));
            spans.record(span(parent, "ledger.commit", times.written(), times.committed(), ledger));
        }
    }

    private static TraceSpan span(TraceContext parent, String name, Instant start, Instant end, Map<String, Object> attributes) {
        return new TraceSpan(parent.traceId(), TraceContext.newSpanId(), parent.spanId(), name, TraceSpan.Kind.INTERNAL,
                start, end, attributes);
    }

    /** Waits before retry {@code attempt + 1} ({@link #RETRY_BACKOFF}); false when interrupted. */
    private static boolean pause(int attempt) {
        try {
            Thread.sleep(RETRY_BACKOFF.after(attempt + 1));
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** A batch transaction failed before its commit was sent: nothing of it can have been committed. */
    private static final class BeforeCommit extends RuntimeException {
        BeforeCommit(Throwable cause) {
            super(cause.getMessage(), cause, false, false);
        }
    }

    /**
     * One transaction for the batch of one ledger, three round trips (load and lock, write, commit). The
     * answers are put together after the commit, outside the ledger lock.
     */
    private Map<Pending, List<PostedResult>> commit(UUID ledgerId, List<Pending> batch, int commands, Instant[] written)
            throws SQLException {
        BatchOutcome outcome;
        // Row locks give the isolation the engine needs, at PostgreSQL's default READ COMMITTED.
        try (var connection = connection()) {
            try {
                connection.setAutoCommit(false);
                outcome = applyLedger(connection, ledgerId, batch, commands);
                written[0] = Instant.now();
            } catch (SQLException | RuntimeException e) {
                rollbackQuietly(connection);
                throw new BeforeCommit(e);
            }
            try {
                connection.commit();
            } catch (SQLException | RuntimeException e) {
                rollbackQuietly(connection);
                throw e;
            }
            connection.setAutoCommit(true);
            catalog.addAll(outcome.createdAccounts());
            return answers(connection, batch, outcome);
        }
    }

    /** A connection of the pool; failing to get one is a failure before the commit. */
    private Connection connection() {
        try {
            return dataSource.getConnection();
        } catch (SQLException e) {
            throw new BeforeCommit(e);
        }
    }

    private BatchOutcome applyLedger(Connection connection, UUID ledgerId, List<Pending> group, int batchCommands)
            throws SQLException {
        var submissions = group.stream().map(Pending::submission).toList();
        var loaded = StateLoader.load(connection, ledgerId, submissions, catalog);
        // Batch times never go backwards within a ledger, even across instances with skewed clocks;
        // microseconds are what PostgreSQL stores, so replays read back exactly what was answered.
        var now = max(clock.instant(), loaded.lastAt()).truncatedTo(ChronoUnit.MICROS);
        var outcome = PostingStateMachine.apply(submissions, loaded.state(), now);
        BatchWriter.write(connection, ledgerId, submissions, outcome, now, batchCommands, loaded.chainHead());
        return outcome;
    }

    /** Pairs every result with the account or entry it names: fresh ones from the outcome, replays from the journal. */
    private Map<Pending, List<PostedResult>> answers(Connection connection, List<Pending> group, BatchOutcome outcome)
            throws SQLException {
        var ledgerId = group.getFirst().submission().ledgerId();
        Map<UUID, Account> accounts = new HashMap<>();
        outcome.createdAccounts().forEach(a -> accounts.put(a.id(), a));
        Map<UUID, Entry> entries = new HashMap<>();
        outcome.entries().forEach(e -> entries.put(e.id(), e));

        Set<UUID> otherAccounts = new TreeSet<>();
        Set<UUID> replayedEntries = new TreeSet<>();
        for (int s = 0; s < group.size(); s++) {
            var requests = group.get(s).submission().requests();
            for (int r = 0; r < requests.size(); r++) {
                if (outcome.results().get(s).get(r) instanceof CommandResult.Accepted a) {
                    if (isAccountCommand(requests.get(r).command())) {
                        if (!accounts.containsKey(a.subjectId())) otherAccounts.add(a.subjectId());
                    } else if (!entries.containsKey(a.subjectId())) {
                        replayedEntries.add(a.subjectId());
                    }
                }
            }
        }
        if (!otherAccounts.isEmpty()) {
            // Closed accounts and replayed openings: definitions are immutable, so the catalog may answer.
            var known = catalog.find(otherAccounts);
            accounts.putAll(known);
            accounts.putAll(Rows.accounts(connection, ledgerId, AccountCatalog.missing(otherAccounts, known)));
        }
        if (!replayedEntries.isEmpty()) {
            JournalReader.entriesById(connection, ledgerId, replayedEntries).forEach((id, e) -> entries.put(id, e.entry()));
        }

        Map<Pending, List<PostedResult>> answers = new LinkedHashMap<>();
        for (int s = 0; s < group.size(); s++) {
            var requests = group.get(s).submission().requests();
            List<PostedResult> results = new ArrayList<>(requests.size());
            for (int r = 0; r < requests.size(); r++) {
                var result = outcome.results().get(s).get(r);
                if (result instanceof CommandResult.Accepted a) {
                    boolean accountCommand = isAccountCommand(requests.get(r).command());
                    results.add(new PostedResult(result, accountCommand ? accounts.get(a.subjectId()) : null,
                            accountCommand ? null : entries.get(a.subjectId())));
                } else {
                    results.add(new PostedResult(result, null, null));
                }
            }
            answers.put(group.get(s), results);
        }
        return answers;
    }

    private static boolean isAccountCommand(Command command) {
        return command instanceof Command.CreateAccount || command instanceof Command.CloseAccount;
    }

    private static Instant max(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }

    private static void rollbackQuietly(Connection connection) {
        try {
            connection.rollback();
        } catch (SQLException ignored) {
            // The connection is broken; PostgreSQL rolls back the transaction when the session ends.
        }
    }

    /** Stops accepting, lets the batchers finish what is queued, and waits for them. */
    @Override
    public void close() {
        accepting = false;
        running = false;
        for (var thread : batchers) {
            try {
                thread.join(TimeUnit.SECONDS.toMillis(30));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
