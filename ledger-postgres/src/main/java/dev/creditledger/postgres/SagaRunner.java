package dev.creditledger.postgres;

import dev.creditledger.core.Backoff;
import dev.creditledger.core.Command;
import dev.creditledger.core.CommandResult;
import dev.creditledger.core.IdGenerator;
import dev.creditledger.core.IdempotencyKey;
import dev.creditledger.core.Reason;
import dev.creditledger.core.Request;
import dev.creditledger.core.Side;
import dev.creditledger.core.Submission;
import dev.creditledger.core.saga.CrossLedgerTransferPlan;
import dev.creditledger.core.saga.SagaStatus;
import dev.creditledger.core.saga.SagaStep;
import dev.creditledger.core.saga.StepState;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs transfers between ledgers as durable sagas (ADR 0021): reserve on the source (a hold to its in-transit
 * account towards the destination), credit the destination (from its in-transit account from the source), capture
 * the hold; or, when the credit is refused or its deadline passes, void the hold. {@link CrossLedgerTransferPlan}
 * decides each next step; this class does it through the posting engines with the step's own idempotency key and
 * records the outcome in the {@link SagaStore}.
 *
 * Exactly once: a step done but not recorded (a crash between the two, a lost answer) is done again with the same
 * key and replays its first outcome. Never guessing: a step whose outcome is unknown is retried with backoff, and
 * a credit past its deadline is not attempted again but looked up by its key on the destination, so the saga
 * completes if it landed and compensates only if it never did.
 *
 * What can go wrong: a cluster that does not answer leaves its sagas waiting (with backoff, counted as stuck once
 * past their deadline); nothing is lost, since every step's outcome is in the journals and the sagas table.
 */
public final class SagaRunner {

    private static final Logger log = LoggerFactory.getLogger(SagaRunner.class);

    /**
     * @param deadline    how long after it starts a saga may still credit the destination; then it compensates
     * @param lease       how long a driver holds a saga before another may take it over
     * @param stepTimeout the longest wait for one step's commit
     * @param backoff     pauses between attempts of a saga that could not progress
     * @param haltAfter   fault injection for the fault kit only (null otherwise): the process halts, as {@code kill -9}
     *                    would stop it, right after this step took effect and before it is recorded
     */
    public record Settings(Duration deadline, Duration lease, Duration stepTimeout, Backoff backoff, SagaStep haltAfter) {
        public static final Duration DEADLINE_DEFAULT = Duration.ofMinutes(5);
        public static final Duration LEASE_DEFAULT = Duration.ofSeconds(30);
        /** The exit status of a halt after a step: what a shell reports for a process killed by SIGKILL. */
        public static final int HALT_STATUS = 137;

        public Settings {
            if (stepTimeout.compareTo(lease) >= 0) {
                throw new IllegalArgumentException("a saga's lease must be longer than one step's timeout");
            }
        }

        public static Settings defaults() {
            return new Settings(DEADLINE_DEFAULT, LEASE_DEFAULT, Duration.ofSeconds(10),
                    new Backoff(Duration.ofMillis(200), Duration.ofSeconds(30)), null);
        }
    }

    /** What the answer to a request that started or replayed a saga needs: the saga, and whether it was started before. */
    public record Started(Saga saga, boolean replayed) {}

    private final Clusters clusters;
    private final PostingEngines engines;
    private final SagaStore store;
    private final LedgerLinks links;
    private final IdempotencyLookup keys;
    private final Clock clock;
    private final IdGenerator ids;
    private final Settings settings;
    private final Map<UUID, Integer> failures = new java.util.concurrent.ConcurrentHashMap<>();

    public SagaRunner(Clusters clusters, PostingEngines engines, SagaStore store, LedgerLinks links, Clock clock, IdGenerator ids,
                      Settings settings) {
        this.clusters = clusters;
        this.engines = engines;
        this.store = store;
        this.links = links;
        this.keys = new IdempotencyLookup(clusters);
        this.clock = clock;
        this.ids = ids;
        this.settings = settings;
    }

    public Settings settings() {
        return settings;
    }

    /**
     * Starts a transfer from an account of {@code ledgerId} to an account of {@code toLedger}, or finds the saga its
     * idempotency key started. Without a link from the ledger to the other, the other's account does not exist for
     * this caller: ACCOUNT_NOT_FOUND. The same key with another request: IDEMPOTENCY_KEY_REUSED.
     */
    public Started start(UUID ledgerId, IdempotencyKey key, UUID fromAccount, UUID toLedger, UUID toAccount, long amount, String asset,
                         Map<String, String> metadata, String traceparent) {
        if (!links.linked(ledgerId, toLedger) || clusters.directory().placementOf(toLedger).isEmpty()) {
            throw new LedgerRejection(Reason.ACCOUNT_NOT_FOUND, "account " + toAccount + " does not exist");
        }
        var now = now();
        var digest = key == null ? Digests.digest128(UUID.randomUUID().toString()) : Digests.digest128(key.requestHash());
        var fresh = new Saga(ledgerId, ids.next(), SagaStatus.PENDING, key == null ? null : key.key(), digest, fromAccount, toLedger,
                toAccount, amount, asset, metadata, ids.next(), ids.next(), now.plus(settings.deadline()), now, null, null, traceparent, now,
                now, Map.of());
        var stored = store.insertOrFind(fresh);
        if (!stored.id().equals(fresh.id()) && !stored.requestDigest().equals(digest)) {
            throw new LedgerRejection(Reason.IDEMPOTENCY_KEY_REUSED, "idempotency key '" + key.key() + "' was used for another request");
        }
        return new Started(stored, !stored.id().equals(fresh.id()));
    }

    /**
     * Drives a saga until it is finished, cannot progress now (another cluster does not answer: it is given back with
     * backoff), another driver holds it, or {@code budget} is spent; answers the saga as it then stands.
     */
    public Saga drive(UUID ledgerId, UUID sagaId, Duration budget) {
        var giveUpAt = clock.instant().plus(budget);
        var leaseUntil = now().plus(settings.lease());
        if (!store.lease(ledgerId, sagaId, now(), leaseUntil)) {
            return store.find(ledgerId, sagaId).orElseThrow();
        }
        try {
            while (true) {
                var saga = store.find(ledgerId, sagaId).orElseThrow();
                if (saga.status().finished()) {
                    return saga;
                }
                if (clock.instant().isAfter(giveUpAt) || clock.instant().isAfter(leaseUntil.minus(settings.stepTimeout()))) {
                    store.release(ledgerId, sagaId, now(), now(), null, null);
                    return store.find(ledgerId, sagaId).orElseThrow();
                }
                if (!advance(saga)) {
                    int failed = failures.merge(sagaId, 1, Integer::sum);
                    store.release(ledgerId, sagaId, now(), now().plus(settings.backoff().after(failed)), null, null);
                    return store.find(ledgerId, sagaId).orElseThrow();
                }
                failures.remove(sagaId);
            }
        } catch (RuntimeException e) {
            // The store itself did not answer (the source cluster is down): the lease expires and another pass takes it up.
            log.warn("saga {} of ledger {} stopped: {}", sagaId, ledgerId, e.getMessage());
            return store.find(ledgerId, sagaId).orElseThrow(() -> e);
        }
    }

    /** The worker's pass: drives the due sagas of every cluster, each cluster on its own; returns how many it drove. */
    public int driveDue(int perClusterMax) {
        int driven = 0;
        for (var cluster : clusters.all()) {
            try {
                for (var due : store.due(cluster, now(), perClusterMax)) {
                    drive(due[0], due[1], settings.lease().minus(settings.stepTimeout()));
                    driven++;
                }
            } catch (RuntimeException e) {
                log.warn("sagas of cluster {} not driven this pass: {}", cluster.name(), e.getMessage());
            }
        }
        return driven;
    }

    /** Stuck sagas (unfinished past their deadline) per cluster; a cluster that does not answer is left out. */
    public Map<String, Long> stuck() {
        Map<String, Long> stuck = new HashMap<>();
        for (var cluster : clusters.all()) {
            try {
                stuck.put(cluster.name(), store.stuck(cluster, now()));
            } catch (RuntimeException e) {
                log.debug("stuck sagas of cluster {} not counted: {}", cluster.name(), e.getMessage());
            }
        }
        return stuck;
    }

    /** One planned move; false when it could not be done now (its outcome unknown, or a cluster unavailable). */
    private boolean advance(Saga saga) {
        var action = CrossLedgerTransferPlan.next(saga.status(), saga.stepStates(), now(), saga.deadline());
        switch (action) {
            case START_COMPENSATING -> store.setStatus(saga.ledgerId(), saga.id(), SagaStatus.COMPENSATING, now());
            case FINISH -> store.setStatus(saga.ledgerId(), saga.id(), CrossLedgerTransferPlan.finalStatus(saga.status(), saga.stepStates()), now());
            case CHECK_CREDIT -> {
                return checkCredit(saga);
            }
            case RESERVE, CREDIT, CAPTURE, VOID -> {
                var step = SagaStep.valueOf(action.name());
                var outcome = perform(saga, step);
                if (step == settings.haltAfter() && outcome.state() == StepState.DONE) {
                    log.error("fault injection (ledger.sagas.halt-after-step): halting after {} of saga {}, before it is recorded", step, saga.id());
                    Runtime.getRuntime().halt(Settings.HALT_STATUS);
                }
                store.recordAttempt(saga.ledgerId(), saga.id(), step, outcome.state(), outcome.ledger(), outcome.entryId(), outcome.seq(),
                        outcome.problemCode(), outcome.problemDetail(), now());
                return outcome.state() != StepState.PENDING;
            }
        }
        return true;
    }

    /** A step's outcome: its state (PENDING: unknown), what it wrote, or the problem. */
    record Outcome(StepState state, UUID ledger, UUID entryId, Long seq, String problemCode, String problemDetail) {}

    /** Does one step through the posting engine of its ledger, with the step's key; never records anything. */
    Outcome perform(Saga saga, SagaStep step) {
        var ledger = step == SagaStep.CREDIT ? saga.toLedger() : saga.ledgerId();
        var key = new IdempotencyKey(step.key(saga.id()), "saga-step:" + step.key(saga.id()));
        var metadata = new HashMap<>(saga.metadata());
        metadata.put("sagaId", saga.id().toString());
        List<Request> requests = new ArrayList<>();
        Command command = switch (step) {
            case RESERVE -> {
                var transit = transitAccount(saga.ledgerId(), saga.toLedger(), "to", saga.asset());
                requests.add(new Request(ledger, null, transit));
                yield new Command.PostTransfer(saga.holdId(), saga.fromAccount(), transit.accountId(), saga.amount(), saga.asset(), true,
                        null, metadata);
            }
            case CREDIT -> {
                var transit = transitAccount(saga.toLedger(), saga.ledgerId(), "from", saga.asset());
                requests.add(new Request(ledger, null, transit));
                metadata.put("fromLedger", saga.ledgerId().toString());
                yield new Command.PostTransfer(saga.creditId(), transit.accountId(), saga.toAccount(), saga.amount(), saga.asset(), false,
                        null, metadata);
            }
            case CAPTURE -> new Command.CaptureHold(ids.next(), saga.holdId(), null, Map.of("sagaId", saga.id().toString()));
            case VOID -> new Command.VoidHold(ids.next(), saga.holdId(), Map.of("sagaId", saga.id().toString()));
        };
        requests.add(new Request(ledger, key, command));
        try {
            var results = engines.submit(new Submission(requests, false, saga.traceparent()))
                    .get(settings.stepTimeout().toMillis(), TimeUnit.MILLISECONDS);
            if (results.size() == 2 && results.getFirst().result() instanceof CommandResult.Rejected setup
                    && setup.reason() != Reason.ACCOUNT_ALREADY_EXISTS && setup.reason() != Reason.ACCOUNT_CODE_TAKEN) {
                // The in-transit account could not be opened (its asset is not defined on that ledger): the step is refused for that.
                return new Outcome(StepState.REFUSED, ledger, null, null, setup.reason().name(), setup.detail());
            }
            return switch (results.getLast().result()) {
                case CommandResult.Accepted accepted -> new Outcome(StepState.DONE, ledger, accepted.subjectId(), accepted.seq(), null, null);
                case CommandResult.Rejected rejected -> new Outcome(StepState.REFUSED, ledger, null, null, rejected.reason().name(), rejected.detail());
            };
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return unknown(ledger, e);
        } catch (TimeoutException | java.util.concurrent.ExecutionException | RuntimeException e) {
            return unknown(ledger, e);
        }
    }

    private static Outcome unknown(UUID ledger, Exception e) {
        var cause = e instanceof java.util.concurrent.ExecutionException && e.getCause() != null ? e.getCause() : e;
        if (cause instanceof LedgerRejection rejection) {
            // The ledger is placed nowhere any more: nothing can be written there, ever.
            return new Outcome(StepState.REFUSED, ledger, null, null, rejection.violation().reason().name(), rejection.getMessage());
        }
        return new Outcome(StepState.PENDING, ledger, null, null, "STORAGE_UNAVAILABLE", String.valueOf(cause.getMessage()));
    }

    /**
     * After the deadline: asks the destination whether the credit's key was accepted. Accepted: the credit is done
     * (the saga goes on to capture). Refused or never seen: it will never be done, since no one attempts it again.
     */
    private boolean checkCredit(Saga saga) {
        try {
            var key = SagaStep.CREDIT.key(saga.id());
            var outcome = keys.outcome(saga.toLedger(), key);
            StepState state;
            String code = null;
            String detail = null;
            if (outcome.isPresent() && outcome.get().accepted()) {
                state = StepState.DONE;
            } else {
                state = StepState.REFUSED;
                code = outcome.map(IdempotencyLookup.Outcome::rejection).orElse(Reason.SAGA_DEADLINE_PASSED.name());
                detail = outcome.isPresent() ? "the destination refused the credit" : "the destination did not credit before the saga's deadline";
            }
            store.recordAttempt(saga.ledgerId(), saga.id(), SagaStep.CREDIT, state, saga.toLedger(),
                    state == StepState.DONE ? saga.creditId() : null, outcome.map(IdempotencyLookup.Outcome::seq).orElse(null), code, detail, now());
            return true;
        } catch (StorageUnavailableException e) {
            return false;
        }
    }

    /**
     * The in-transit account of {@code owner} towards (or from) {@code counterpart} in one asset: one per ledger pair,
     * direction and asset, with an id derived from those (so every instance opens the same one) and the code
     * {@code transit:<direction>:<counterpart>:<asset>}. No balance constraint: the one "from" a source goes below
     * zero by what it received, the one "to" a destination above by what it sent.
     */
    public static Command.CreateAccount transitAccount(UUID owner, UUID counterpart, String direction, String asset) {
        var code = "transit:" + direction + ":" + counterpart + ":" + asset;
        var id = UUID.nameUUIDFromBytes(("credit-ledger:" + owner + ":" + code).getBytes(StandardCharsets.UTF_8));
        return new Command.CreateAccount(id, code, asset, direction.equals("to") ? Side.CREDIT : Side.DEBIT, null,
                Map.of("purpose", "money in transit between ledgers (ADR 0021)"));
    }

    private Instant now() {
        return clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MICROS);
    }
}
