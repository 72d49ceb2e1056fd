package dev.creditledger.projections;

import dev.creditledger.core.events.LedgerEvent;
import dev.creditledger.jdbc.Pipeline;
import java.util.List;

/**
 * Applies a poll's events to one read model with a few set-based statements, added to the caller's
 * {@link Pipeline} so that every model's statements travel in one round trip. A writer first collapses
 * what the poll holds (only each account's highest version matters for a balance, each (account, day)'s
 * for a daily balance), then sends its rows as column arrays ({@link Columns}). It adds nothing when the
 * poll holds nothing for its model.
 *
 * Every writer takes only the postings of each event's own account ({@code header.accountId}): every
 * account's copy of an entry carries all postings, so each posting reaches each model exactly once,
 * through its own account's copy.
 *
 * No writer records event ids. Each deduplicates by what the events already order: an account's
 * postings carry its version, 1, 2, 3..., so a row is replaced only by a higher version (balances, daily
 * balances, the asset totals' snapshot of each account) or inserted if absent under its version
 * (statement lines); openings and closures are idempotent upserts. Applying an event twice, or an old
 * one after a newer one, therefore changes nothing, and the writers commute: the rows do not depend on
 * the order in which events arrive or how they are split into polls. That is what lets a rebuild run
 * beside the live projector.
 *
 * What can go wrong: rows of one statement are locked in ascending key order (ORDER BY in the statement)
 * and the writers run in a fixed order, so two transactions applying overlapping events (two projector
 * instances during a rebalance, or a rebuild beside the live projector) wait for each other but do not
 * deadlock.
 */
interface ModelWriter {

    ReadModel model();

    /**
     * The tables that hold this model's rows, emptied by a rebuild, in the order this writer's statements
     * write them: a rebuild's reset locks them in this order, so that it waits for a live transaction
     * that wrote the first and is about to write the next, instead of deadlocking with it.
     */
    List<String> tables();

    /** Adds this model's statements for the events to the pipeline (none when the events hold nothing for it). */
    void write(List<LedgerEvent> events, Pipeline pipeline);

    /**
     * As {@link #write(List, Pipeline)}, knowing where each event was read from ({@code positions} is
     * parallel to {@code events}; null, or a null element, when unknown). Only the statements model keeps it.
     */
    default void write(List<LedgerEvent> events, List<RecordPosition> positions, Pipeline pipeline) {
        write(events, pipeline);
    }

    static ModelWriter of(ReadModel model) {
        return switch (model) {
            case BALANCES -> new BalancesWriter();
            case STATEMENTS -> new StatementsWriter();
            case DAILY_BALANCES -> new DailyBalancesWriter();
            case ASSET_TOTALS -> new AssetTotalsWriter();
        };
    }
}
