package dev.creditledger.projections;

import dev.creditledger.core.events.LedgerEvent;
import java.sql.SQLException;
import java.util.List;

/**
 * Applies events to one read model. Called only for an event the model has not seen (the caller
 * recorded its id in {@code applied_events} in the same transaction), and only with the postings of
 * the event's own account ({@code header.accountId}): every account's copy of an entry carries all
 * postings, so each posting reaches each model exactly once through its own account's copy.
 *
 * Every writer is commutative under that dedupe (highest-version upserts, insert-if-absent, additive
 * totals counted once), which is what lets a rebuild run beside the live projector.
 */
interface ModelWriter {

    ReadModel model();

    /** The tables that hold this model's rows, emptied by a rebuild. */
    List<String> tables();

    void apply(PreparedCache sql, LedgerEvent event) throws SQLException;

    static ModelWriter of(ReadModel model) {
        return switch (model) {
            case BALANCES -> new BalancesWriter();
            case STATEMENTS -> new StatementsWriter();
            case DAILY_BALANCES -> new DailyBalancesWriter();
            case ASSET_TOTALS -> new AssetTotalsWriter();
        };
    }
}
