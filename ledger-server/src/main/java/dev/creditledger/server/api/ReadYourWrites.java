package dev.creditledger.server.api;

import dev.creditledger.postgres.LedgerAdmin;
import dev.creditledger.projections.ProjectionQueries;
import dev.creditledger.server.events.ProjectionsAccess;
import java.time.Duration;
import java.util.UUID;
import java.util.function.Function;
import org.springframework.http.ResponseEntity;

/**
 * Read-your-writes for the read models. A query may name the {@code minSeq} a write answered in its
 * {@code Ledger-Seq} header; it then waits until the read models reflect every change of the ledger up
 * to that sequence, for at most {@code readWaitMax} (configured as
 * {@code ledger.projections.read-wait-ms-max}).
 * <ul>
 *   <li>a {@code minSeq} below 1 is 400 VALIDATION_FAILED; beyond the ledger's last committed sequence
 *       it is 400 SEQ_NOT_COMMITTED (it would never be reached);</li>
 *   <li>when the wait ends first, the answer is 503 PROJECTION_BEHIND with {@code Retry-After}: a stale
 *       answer is never passed off as a fresh one;</li>
 *   <li>every answer carries {@code Ledger-Projected-Seq}: the watermark read BEFORE the data, so the
 *       data is at least that fresh.</li>
 * </ul>
 */
public final class ReadYourWrites {

    public static final String PROJECTED_SEQ_HEADER = "Ledger-Projected-Seq";

    private final ProjectionsAccess projections;
    private final LedgerAdmin admin;
    private final Duration readWaitMax;

    public ReadYourWrites(ProjectionsAccess projections, LedgerAdmin admin, Duration readWaitMax) {
        if (readWaitMax.isNegative() || readWaitMax.compareTo(ProjectionQueries.AWAIT_TIMEOUT_MAX) > 0) {
            throw new IllegalArgumentException("ledger.projections.read-wait-ms-max is 0 to "
                    + ProjectionQueries.AWAIT_TIMEOUT_MAX.toMillis() + " ms");
        }
        this.projections = projections;
        this.admin = admin;
        this.readWaitMax = readWaitMax;
    }

    public <T> ResponseEntity<T> read(UUID ledgerId, Long minSeq, Function<ProjectionQueries, T> query) {
        var queries = projections.queries().orElseThrow(() -> ApiException.of(ApiError.PROJECTIONS_UNAVAILABLE,
                "this instance has no read-model database (ledger.projections.url)"));
        if (minSeq != null) {
            await(queries, ledgerId, minSeq);
        }
        long projected = queries.projectedSeq(ledgerId);
        var body = query.apply(queries);
        return ResponseEntity.ok().header(PROJECTED_SEQ_HEADER, String.valueOf(projected)).body(body);
    }

    private void await(ProjectionQueries queries, UUID ledgerId, long minSeq) {
        if (minSeq < 1) {
            throw ApiException.validation("minSeq is a ledger sequence, 1 or more");
        }
        long lastSeq = admin.ledger(ledgerId).orElseThrow().lastSeq();
        if (minSeq > lastSeq) {
            throw ApiException.of(ApiError.SEQ_NOT_COMMITTED, "minSeq " + minSeq + " is beyond the ledger's last committed sequence "
                    + lastSeq);
        }
        if (!queries.awaitSeq(ledgerId, minSeq, readWaitMax)) {
            throw ApiException.of(ApiError.PROJECTION_BEHIND, "the read models reached sequence " + queries.projectedSeq(ledgerId)
                    + " of this ledger, not minSeq " + minSeq + ", within " + readWaitMax.toMillis() + " ms");
        }
    }
}
