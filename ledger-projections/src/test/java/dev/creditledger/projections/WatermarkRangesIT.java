package dev.creditledger.projections;

import static org.assertj.core.api.Assertions.assertThat;

import dev.creditledger.core.events.LedgerEvent;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The watermark's bookkeeping, row by row: a sequence complete within one transaction writes no copy; the
 * copies of an incomplete sequence wait in {@code seq_copies} until its other copies arrive, in a later
 * poll or from another projector instance; complete sequences the watermark cannot reach yet wait as runs
 * in {@code seq_ranges}, merged as they come to touch; redelivered copies change nothing; a ledger whose
 * events start above sequence 1 starts at the lowest sequence seen once the grace period is over.
 *
 * Each test posts the history of {@link DedupeByOrderIT} in a ledger of its own and hands its copies to
 * the projector's {@link BatchApplier} in the polls it chooses (one call is one poll, one transaction).
 * A trigger, installed for this test only, notes every row inserted into {@code seq_copies}, so that a
 * copy written and deleted again within one transaction shows too.
 *
 * <pre>
 *  seq  change                        copies (accounts)
 *   1   open issuer                   1 (issuer)
 *   2   open alice                    1 (alice)
 *   3   open bob                      1 (bob)
 *   4   issuer -> alice 1,000         2 (issuer, alice)
 *   5   alice -> bob 300              2 (alice, bob)
 *   6   entry: alice, alice, bob      2 (alice, bob)
 *   7   issuer -> bob 20              2 (issuer, bob)
 *   8   open dave                     1 (dave)
 *   9   close dave                    1 (dave)
 * </pre>
 *
 * A state reads "watermark W | copies [seq account, ...] | runs [first-last, ...] | written [seq account, ...]":
 * the watermark row, the rows of seq_copies and seq_ranges, and every seq_copies row ever inserted.
 */
class WatermarkRangesIT {

    static TestStack stack;
    static DeadLetterPublisher deadLetters;
    static final AtomicLong offsets = new AtomicLong();

    @BeforeAll
    static void start() {
        stack = TestStack.create("watermark_ranges");
        deadLetters = new DeadLetterPublisher(stack.kafka);
        stack.execute(stack.projections, """
                CREATE TABLE copies_written (ledger_id uuid, seq bigint, account_id uuid, noted bigserial);
                CREATE FUNCTION note_copy_written() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    INSERT INTO copies_written (ledger_id, seq, account_id) VALUES (NEW.ledger_id, NEW.seq, NEW.account_id);
                    RETURN NULL;
                END $$;
                CREATE TRIGGER copies_written AFTER INSERT ON seq_copies FOR EACH ROW EXECUTE FUNCTION note_copy_written();
                """);
    }

    @AfterAll
    static void stop() {
        deadLetters.close();
        stack.close();
    }

    @Test
    void aPollWhoseSequencesAreAllCompleteWritesNoCopy() {
        var h = history("all-complete");
        poll(h, h.copies());
        assertThat(state(h)).isEqualTo("watermark 9 | copies [] | runs [] | written []");
        // Newest first: the same, whatever the order within the poll.
        var h2 = history("all-complete-reversed");
        poll(h2, h2.copies().reversed());
        assertThat(state(h2)).isEqualTo("watermark 9 | copies [] | runs [] | written []");
    }

    @Test
    void aSequenceSplitAcrossTwoPollsCompletesInTheSecond() {
        var h = history("split-polls");
        poll(h, h.where(c -> !(c.seq() == 5 && c.accountId().equals(h.bob()))));
        assertThat(state(h)).isEqualTo("watermark 4 | copies [5 alice] | runs [6-9] | written [5 alice]");
        poll(h, h.where(c -> c.seq() == 5 && c.accountId().equals(h.bob())));
        assertThat(state(h)).isEqualTo("watermark 9 | copies [] | runs [] | written [5 alice]");
    }

    @Test
    void aSequenceSplitAcrossTwoInstancesCompletesWhenAliceCommitsFirst() throws Exception {
        aSequenceSplitAcrossTwoInstances(true);
    }

    @Test
    void aSequenceSplitAcrossTwoInstancesCompletesWhenBobCommitsFirst() throws Exception {
        aSequenceSplitAcrossTwoInstances(false);
    }

    /**
     * Two instances each apply one copy of sequence 5 at the same time. The second waits for the first's
     * lock on the watermark row, then counts the copy the first committed. Only the watermark is applied
     * here: the read models' own rows (progress, asset totals) would make the second wait anyway and hide
     * a watermark that did not lock.
     */
    private void aSequenceSplitAcrossTwoInstances(boolean aliceFirst) throws Exception {
        var h = history("split-instances-" + (aliceFirst ? "alice-first" : "bob-first"));
        poll(h, h.where(c -> c.seq() != 5));
        assertThat(state(h)).isEqualTo("watermark 4 | copies [] | runs [6-9] | written []");
        var alices = events(h.where(c -> c.seq() == 5 && c.accountId().equals(h.alice())));
        var bobs = events(h.where(c -> c.seq() == 5 && c.accountId().equals(h.bob())));
        var first = aliceFirst ? alices : bobs;
        var second = aliceFirst ? bobs : alices;
        try (var one = ApplyTransaction.begin(stack.projections, EnumSet.noneOf(ReadModel.class), true)) {
            one.apply(first);
            one.finish(List.of(), Watermarks.HISTORY_START_GRACE);
            var other = CompletableFuture.runAsync(() -> {
                try (var two = ApplyTransaction.begin(stack.projections, EnumSet.noneOf(ReadModel.class), true)) {
                    two.apply(second);
                    two.finish(List.of(), Watermarks.HISTORY_START_GRACE);
                    two.commit();
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            });
            AssetTotalsRaceIT.awaitWaitingForALock(stack, other);
            one.commit();
            other.get(20, TimeUnit.SECONDS);
        }
        assertThat(state(h)).isEqualTo("watermark 9 | copies [] | runs [] | written [5 " + (aliceFirst ? "alice" : "bob") + "]");
    }

    @Test
    void aGapHoldsTheWatermarkWhileLaterSequencesAccumulateAsRuns() {
        var h = history("gap");
        poll(h, h.where(c -> c.seq() <= 4 || (c.seq() == 5 && c.accountId().equals(h.alice()))));
        assertThat(state(h)).isEqualTo("watermark 4 | copies [5 alice] | runs [] | written [5 alice]");
        poll(h, h.where(c -> c.seq() == 6));
        assertThat(state(h)).isEqualTo("watermark 4 | copies [5 alice] | runs [6-6] | written [5 alice]");
        poll(h, h.where(c -> c.seq() >= 8));
        assertThat(state(h)).isEqualTo("watermark 4 | copies [5 alice] | runs [6-6, 8-9] | written [5 alice]");
        poll(h, h.where(c -> c.seq() == 7 && c.accountId().equals(h.issuer())));
        assertThat(state(h)).isEqualTo("watermark 4 | copies [5 alice, 7 issuer] | runs [6-6, 8-9] | written [5 alice, 7 issuer]");
        // 7 completes across polls and joins both runs into one row.
        poll(h, h.where(c -> c.seq() == 7 && c.accountId().equals(h.bob())));
        assertThat(state(h)).isEqualTo("watermark 4 | copies [5 alice] | runs [6-9] | written [5 alice, 7 issuer]");
        poll(h, h.where(c -> c.seq() == 5 && c.accountId().equals(h.bob())));
        assertThat(state(h)).isEqualTo("watermark 9 | copies [] | runs [] | written [5 alice, 7 issuer]");
    }

    @Test
    void redeliveredCopiesAddNothing() {
        var h = history("redelivery");
        poll(h, h.where(c -> !(c.seq() == 5 && c.accountId().equals(h.bob()))));
        var held = "watermark 4 | copies [5 alice] | runs [6-9] | written [5 alice]";
        assertThat(state(h)).isEqualTo(held);
        // At or below the watermark (1, 2 and 4, without 3: two runs), the recorded copy of 5, one copy of 7
        // and both of 6 (within the run 6-9).
        poll(h, h.where(c -> c.seq() == 1 || c.seq() == 2 || c.seq() == 4 || c.seq() == 6
                || (c.seq() == 5 && c.accountId().equals(h.alice())) || (c.seq() == 7 && c.accountId().equals(h.issuer()))));
        assertThat(state(h)).isEqualTo(held);
        poll(h, h.where(c -> c.seq() == 5 && c.accountId().equals(h.bob())));
        var done = "watermark 9 | copies [] | runs [] | written [5 alice]";
        assertThat(state(h)).isEqualTo(done);
        poll(h, h.copies());
        poll(h, h.where(c -> c.seq() == 5 && c.accountId().equals(h.alice())));
        assertThat(state(h)).isEqualTo(done);
    }

    /** The start is the lowest sequence seen, whether it is a run (here, sequence 5 is missing altogether)... */
    @Test
    void aLedgerThatStartsAboveOneStartsBelowItsLowestRunOnceTheGraceIsOver() throws SQLException {
        var h = history("history-start-run");
        pollWithGrace(h, h.where(c -> c.seq() >= 4 && c.seq() != 5), Duration.ofHours(1));
        assertThat(state(h)).isEqualTo("watermark unset | copies [] | runs [4-4, 6-9] | written []");
        assertThat(stack.queries.projectedSeq(h.ledger())).isZero();
        sweep(h, Duration.ofHours(1));
        assertThat(state(h)).as("during the grace period").isEqualTo("watermark unset | copies [] | runs [4-4, 6-9] | written []");
        sweep(h, Duration.ZERO);
        assertThat(state(h)).isEqualTo("watermark 4 | copies [] | runs [6-9] | written []");
        poll(h, h.where(c -> c.seq() == 5));
        assertThat(state(h)).isEqualTo("watermark 9 | copies [] | runs [] | written []");
    }

    /** ...or a copy of an incomplete sequence. */
    @Test
    void aLedgerThatStartsAboveOneStartsBelowItsLowestCopyOnceTheGraceIsOver() throws SQLException {
        var h = history("history-start-copy");
        pollWithGrace(h, h.where(c -> c.seq() >= 5 && !(c.seq() == 5 && c.accountId().equals(h.bob()))), Duration.ofHours(1));
        assertThat(state(h)).isEqualTo("watermark unset | copies [5 alice] | runs [6-9] | written [5 alice]");
        sweep(h, Duration.ZERO);
        assertThat(state(h)).isEqualTo("watermark 4 | copies [5 alice] | runs [6-9] | written [5 alice]");
        poll(h, h.where(c -> c.seq() == 5 && c.accountId().equals(h.bob())));
        assertThat(state(h)).isEqualTo("watermark 9 | copies [] | runs [] | written [5 alice]");
    }

    /** Sequence 1 seen: the ledger starts at 0 at once, without waiting for the grace period. */
    @Test
    void aLedgerThatShowsSequenceOneStartsAtOnce() {
        var h = history("history-start-one");
        pollWithGrace(h, h.where(c -> c.seq() == 1 || c.seq() == 3), Duration.ofHours(1));
        assertThat(state(h)).isEqualTo("watermark 1 | copies [] | runs [3-3] | written []");
    }

    static DedupeByOrderIT.History history(String name) {
        return DedupeByOrderIT.history(stack, name);
    }

    static void poll(DedupeByOrderIT.History h, List<WatermarkIT.Copy> copies) {
        pollWithGrace(h, copies, Watermarks.HISTORY_START_GRACE);
    }

    static void pollWithGrace(DedupeByOrderIT.History h, List<WatermarkIT.Copy> copies, Duration grace) {
        assertThat(copies).isNotEmpty();
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (var copy : copies) {
            records.add(stack.record(copy, offsets.incrementAndGet()));
        }
        var hooks = new ProjectorHooks() {
            @Override
            public Duration historyStartGrace() {
                return grace;
            }
        };
        try {
            assertThat(new BatchApplier(stack.projections, deadLetters, hooks).apply(records).deadLetters()).isEmpty();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** What the idle projector does for a ledger whose watermark has not started. */
    static void sweep(DedupeByOrderIT.History h, Duration grace) throws SQLException {
        try (var connection = stack.projections.getConnection()) {
            connection.setAutoCommit(false);
            Watermarks.advance(connection, List.of(h.ledger()), grace);
            connection.commit();
        }
    }

    static List<LedgerEvent> events(List<WatermarkIT.Copy> copies) {
        return copies.stream().map(c -> RecordDecoder.decode(c.payload().getBytes(StandardCharsets.UTF_8))).toList();
    }

    static String state(DedupeByOrderIT.History h) {
        var names = Map.of(h.issuer(), "issuer", h.alice(), "alice", h.bob(), "bob", h.dave(), "dave");
        var where = " WHERE ledger_id = '" + h.ledger() + "'";
        var watermark = stack.rows("SELECT coalesce(projected_seq::text, 'unset') AS w FROM ledger_watermarks" + where);
        assertThat(watermark).hasSize(1);
        return "watermark " + watermark.getFirst().substring("w=".length())
                + " | copies " + copies("SELECT seq, account_id FROM seq_copies" + where + " ORDER BY seq, account_id", names)
                + " | runs " + stack.rows("SELECT first_seq || '-' || last_seq AS r FROM seq_ranges" + where + " ORDER BY first_seq")
                        .stream().map(row -> row.substring("r=".length())).toList()
                + " | written " + copies("SELECT seq, account_id FROM copies_written" + where + " ORDER BY noted", names);
    }

    private static List<String> copies(String sql, Map<UUID, String> names) {
        List<String> copies = new ArrayList<>();
        try (var c = stack.projections.getConnection(); var ps = c.prepareStatement(sql); var rs = ps.executeQuery()) {
            while (rs.next()) {
                copies.add(rs.getLong("seq") + " " + names.get(rs.getObject("account_id", UUID.class)));
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return copies;
    }
}
