package dev.creditledger.jdbc;

/**
 * Which plans PostgreSQL uses for the rest of a transaction's statements, chosen where the choice matters:
 * each method adds to a pipeline the statement that sets {@code plan_cache_mode} until the transaction ends
 * ({@code set_config(..., true)}), so add it first.
 *
 * <ul>
 *   <li>{@link #generic}: plans made once per connection. The posting engine's batch and the relay's claim read
 *       by key ({@code = ANY($array)}, a sequence range), where the generic plan is the custom one; left to
 *       choose, PostgreSQL planned those reads afresh on every call (0.25 ms for a batch's idempotency look-up,
 *       0.3 ms per relay claim, measured with pg_stat_statements).</li>
 *   <li>{@link #custom}: plans made for each call's arguments. A generic plan guesses 10 rows for every
 *       {@code unnest($array)}; for statements that join several unnested columns with each other, such as the
 *       projector's watermark statement, that guess picks nested loops which become quadratic in the number of
 *       rows: 150 ms for a poll of 1,474 events (auto_explain), against the few milliseconds of planning with the
 *       arrays' real lengths.</li>
 * </ul>
 */
public final class PlanChoice {
    private PlanChoice() {}

    /** The rest of the transaction runs on generic plans (see the class comment for when). */
    public static void generic(Pipeline pipeline) {
        pipeline.add("SELECT set_config('plan_cache_mode', 'force_generic_plan', true)", (ps, i) -> i, Pipeline.NOTHING_TO_READ);
    }

    /** The rest of the transaction is planned for each call's arguments (see the class comment for when). */
    public static void custom(Pipeline pipeline) {
        pipeline.add("SELECT set_config('plan_cache_mode', 'force_custom_plan', true)", (ps, i) -> i, Pipeline.NOTHING_TO_READ);
    }
}
