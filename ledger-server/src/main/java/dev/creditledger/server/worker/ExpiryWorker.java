package dev.creditledger.server.worker;

import dev.creditledger.core.Command;
import dev.creditledger.core.CommandResult;
import dev.creditledger.core.IdGenerator;
import dev.creditledger.core.Request;
import dev.creditledger.core.Submission;
import dev.creditledger.postgres.ExpiryScans;
import dev.creditledger.postgres.PostingEngines;
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
 * Expires holds whose timeout has passed and grants that reached their expiry with credit left: scans
 * for them and submits ExpireHold and ExpireGrant commands through the posting engine, so expiry is
 * journaled and locked like any other write, at the time of the batch that applies it. Several
 * instances may run it: a hold or grant expired by one is answered HOLD_NOT_PENDING or
 * GRANT_NOT_EXPIRED for the other, which changes nothing. Nothing depends on the worker being on time:
 * a hold past its time already refuses capture and void (HOLD_EXPIRED), and any command that debits an
 * account first expires the account's grants that are due.
 */
public final class ExpiryWorker {
    private static final Logger log = LoggerFactory.getLogger(ExpiryWorker.class);
    private static final long WAIT_SECONDS_MAX = 60;

    private final List<ExpiryScans> clusters;
    private final PostingEngines engine;
    private final IdGenerator ids;
    private final Clock clock;
    private final int batchSizeMax;
    private final io.micrometer.core.instrument.MeterRegistry registry;

    /** @param clusters the scans of every cluster, each scanned on its own so one cluster's failure skips only its own expiries */
    public ExpiryWorker(List<ExpiryScans> clusters, PostingEngines engine, IdGenerator ids, Clock clock,
                        int batchSizeMax, io.micrometer.core.instrument.MeterRegistry registry) {
        this.registry = registry;
        this.clusters = List.copyOf(clusters);
        this.engine = engine;
        this.ids = ids;
        this.clock = clock;
        this.batchSizeMax = batchSizeMax;
    }

    /** One scan of each kind on every cluster; returns how many holds and grants it expired. */
    public int expireDue() {
        int expired = 0;
        for (var cluster : clusters) {
            expired += expireHolds(cluster) + expireGrants(cluster);
        }
        return expired;
    }

    int expireHolds(ExpiryScans cluster) {
        Map<UUID, List<Request>> byLedger = new LinkedHashMap<>();
        try {
            for (var hold : cluster.expiredHolds(clock.instant(), batchSizeMax)) {
                byLedger.computeIfAbsent(hold.ledgerId(), id -> new ArrayList<>())
                        .add(new Request(hold.ledgerId(), null, new Command.ExpireHold(ids.next(), hold.transferId())));
            }
        } catch (RuntimeException e) {
            log.warn("hold expiry scan failed: {}", e.getMessage());
            return 0;
        }
        return submit(byLedger, "holds", "hold");
    }

    int expireGrants(ExpiryScans cluster) {
        Map<UUID, List<Request>> byLedger = new LinkedHashMap<>();
        try {
            for (var grant : cluster.dueGrants(clock.instant(), batchSizeMax)) {
                byLedger.computeIfAbsent(grant.ledgerId(), id -> new ArrayList<>())
                        .add(new Request(grant.ledgerId(), null, new Command.ExpireGrant(grant.grantId())));
            }
        } catch (RuntimeException e) {
            log.warn("grant expiry scan failed: {}", e.getMessage());
            return 0;
        }
        return submit(byLedger, "grants", "grant");
    }

    private int submit(Map<UUID, List<Request>> byLedger, String what, String kind) {
        int expired = 0;
        for (var requests : byLedger.values()) {
            try {
                var results = engine.submit(new Submission(requests, false)).get(WAIT_SECONDS_MAX, TimeUnit.SECONDS);
                expired += (int) results.stream().filter(r -> r.result() instanceof CommandResult.Accepted).count();
            } catch (Exception e) {
                log.warn("expiring {} {} failed, will retry: {}", requests.size(), what, e.toString());
            }
        }
        if (expired > 0) {
            log.info("expired {} {}", expired, what);
            io.micrometer.core.instrument.Counter.builder("ledger.expiries")
                    .description("Holds and grants the expiry worker expired (a grant found expired by a debit is expired in that debit's entry)")
                    .tag("kind", kind).register(registry).increment(expired);
        }
        return expired;
    }
}
