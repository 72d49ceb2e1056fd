package dev.creditledger.server.worker;

import dev.creditledger.core.Command;
import dev.creditledger.core.CommandResult;
import dev.creditledger.core.IdGenerator;
import dev.creditledger.core.Request;
import dev.creditledger.core.Submission;
import dev.creditledger.postgres.ExpiredHold;
import dev.creditledger.postgres.LedgerQueries;
import dev.creditledger.postgres.PostgresPostingEngine;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Expires holds whose timeout has passed: scans for them and submits ExpireHold commands through the
 * posting engine, so expiry is journaled and locked like any other write. Several instances may run
 * it: a hold expired by one is answered HOLD_NOT_PENDING for the other, which changes nothing.
 * A hold that is past its time but not yet expired already refuses capture and void (HOLD_EXPIRED).
 */
public final class HoldExpiryWorker {
    private static final Logger log = LoggerFactory.getLogger(HoldExpiryWorker.class);
    private static final long WAIT_SECONDS_MAX = 60;

    private final LedgerQueries queries;
    private final PostgresPostingEngine engine;
    private final IdGenerator ids;
    private final Clock clock;
    private final int batchSizeMax;

    public HoldExpiryWorker(LedgerQueries queries, PostgresPostingEngine engine, IdGenerator ids, Clock clock, int batchSizeMax) {
        this.queries = queries;
        this.engine = engine;
        this.ids = ids;
        this.clock = clock;
        this.batchSizeMax = batchSizeMax;
    }

    /** One scan; returns how many holds it expired. */
    public int expireDue() {
        List<ExpiredHold> due;
        try {
            due = queries.expiredHolds(clock.instant(), batchSizeMax);
        } catch (RuntimeException e) {
            log.warn("hold expiry scan failed: {}", e.getMessage());
            return 0;
        }
        Map<UUID, List<Request>> byLedger = new LinkedHashMap<>();
        for (var hold : due) {
            byLedger.computeIfAbsent(hold.ledgerId(), id -> new ArrayList<>())
                    .add(new Request(hold.ledgerId(), null, new Command.ExpireHold(ids.next(), hold.transferId())));
        }
        int expired = 0;
        for (var requests : byLedger.values()) {
            try {
                var results = engine.submit(new Submission(requests, false)).get(WAIT_SECONDS_MAX, TimeUnit.SECONDS);
                expired += (int) results.stream().filter(r -> r.result() instanceof CommandResult.Accepted).count();
            } catch (Exception e) {
                log.warn("expiring {} holds failed, will retry: {}", requests.size(), e.toString());
            }
        }
        if (expired > 0) {
            log.info("expired {} holds", expired);
        }
        return expired;
    }
}
