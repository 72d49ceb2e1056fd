package dev.creditledger.server.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.swagger.v3.oas.annotations.media.Schema;
import dev.creditledger.core.Account;
import dev.creditledger.core.AccountState;
import dev.creditledger.core.AccountStatus;
import dev.creditledger.core.AlertDirection;
import dev.creditledger.core.Balance;
import dev.creditledger.core.Entry;
import dev.creditledger.core.EntryKind;
import dev.creditledger.core.EscrowState;
import dev.creditledger.core.EscrowStatus;
import dev.creditledger.core.GrantChangeKind;
import dev.creditledger.core.GrantState;
import dev.creditledger.core.GrantStatus;
import dev.creditledger.core.Posting;
import dev.creditledger.core.Side;
import dev.creditledger.core.TransferState;
import dev.creditledger.core.TransferStatus;
import dev.creditledger.postgres.AlertStore;
import dev.creditledger.postgres.ApiKey;
import dev.creditledger.postgres.ClusterProbe;
import dev.creditledger.postgres.Ledger;
import dev.creditledger.postgres.StatementLine;
import java.math.BigInteger;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.http.ProblemDetail;

/**
 * Bodies the API writes, and the one place that maps domain records to them. A create response is
 * built only from what was written at the time (the immutable journal), so replaying it for a retried
 * idempotency key gives the same body.
 */
public final class Responses {
    private Responses() {}

    /**
     * @param posted    balance by the account's normal side
     * @param pending   posted plus all pending movements
     * @param available posted minus pending outflows: what can still be spent
     */
    public record BalanceJson(long posted, long pending, long available, long debitsPosted, long creditsPosted,
                              long debitsPending, long creditsPending) {
        static BalanceJson of(Balance b, Side normalSide) {
            return new BalanceJson(b.posted(normalSide), b.pending(normalSide), b.available(normalSide),
                    b.debitsPosted(), b.creditsPosted(), b.debitsPending(), b.creditsPending());
        }
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record AccountJson(UUID id, String code, String asset, Side normalSide, boolean noOverdraft, Long overdraftLimit,
                              AccountStatus status, BalanceJson balance, long version, List<Long> alertThresholds,
                              Map<String, String> metadata, Instant createdAt, long seq) {
        static AccountJson of(AccountState s) {
            var a = s.account();
            return new AccountJson(a.id(), a.code(), a.asset(), a.normalSide(), a.noOverdraft(), a.overdraftLimitMinor(),
                    s.status(), BalanceJson.of(s.balance(), a.normalSide()), s.version(), s.alertThresholds(),
                    sorted(a.metadata()), a.createdAt(), a.seq());
        }

        /**
         * The account as it was created: open, no postings, with the thresholds it was given. (A closed
         * account never changes again, so its close response is simply its current state.)
         */
        static AccountJson created(Account a, List<Long> alertThresholds) {
            return of(AccountState.opened(a, alertThresholds));
        }
    }

    public record AlertJson(long seq, UUID entryId, EntryKind entryKind, String asset, long threshold, AlertDirection direction,
                            BigInteger availableBefore, BigInteger availableAfter, Instant at) {
        static AlertJson of(AlertStore.Crossing c) {
            var a = c.alert();
            return new AlertJson(c.seq(), c.entryId(), c.entryKind(), c.asset(), a.thresholdMinor(), a.direction(),
                    a.availableBefore(), a.availableAfter(), c.at());
        }
    }

    public record PointInTimeBalanceJson(UUID accountId, String asset, Instant asOf, BalanceJson balance) {}

    public record StatementLineJson(long version, UUID entryId, long seq, EntryKind type, Side side, long amount,
                                    long pendingDelta, long balance, long available, Instant createdAt) {
        static StatementLineJson of(StatementLine l, Side normalSide) {
            return new StatementLineJson(l.accountVersion(), l.entryId(), l.entrySeq(), l.kind(), l.side(), l.postedMinor(),
                    l.pendingDeltaMinor(), l.balanceAfter().posted(normalSide), l.balanceAfter().available(normalSide), l.createdAt());
        }
    }

    public record StatementJson(UUID accountId, String asset, List<StatementLineJson> lines, String nextCursor) {}

    /**
     * A transfer-shaped journal entry. {@code status}, {@code capturedAmount} and {@code reversedAmount}
     * describe transfers and holds; captures, voids, expiries and reversals name the transfer they act on
     * in {@code transferId}.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record TransferJson(UUID id, EntryKind type, UUID from, UUID to, long amount, String asset,
                               TransferStatus status, Long capturedAmount, Long reversedAmount, Instant expiresAt,
                               UUID transferId, Map<String, String> metadata, Instant createdAt, long seq,
                               List<GrantChangeJson> grants) {

        /** With the current state (GET). */
        static TransferJson of(Entry e, TransferState state) {
            if (state == null) {
                return asWritten(e);
            }
            return new TransferJson(e.id(), e.kind(), e.fromAccountId(), e.toAccountId(), e.amountMinor(), e.asset(),
                    state.status(), state.hold() && state.status() == TransferStatus.POSTED ? state.postedMinor() : null,
                    state.reversedMinor(), e.expiresAt(), e.referenceId(), sorted(e.metadata()), e.createdAt(), e.seq(),
                    GrantChangeJson.of(e));
        }

        /** As it was written (create responses and their replays). */
        static TransferJson asWritten(Entry e) {
            TransferStatus status = switch (e.kind()) {
                case TRANSFER -> TransferStatus.POSTED;
                case HOLD -> TransferStatus.PENDING;
                // The other kinds are not a transfer's own entry (they resolve one, or are no transfer): no status.
                case CAPTURE, VOID, EXPIRY, ENTRY, REVERSAL, GRANT, GRANT_EXPIRY, ESCROW_FUND, ESCROW_RELEASE, ESCROW_REFUND,
                     USAGE -> null;
            };
            Long reversed = status == null ? null : 0L;
            return new TransferJson(e.id(), e.kind(), e.fromAccountId(), e.toAccountId(), e.amountMinor(), e.asset(),
                    status, null, reversed, e.expiresAt(), e.referenceId(), sorted(e.metadata()), e.createdAt(), e.seq(),
                    GrantChangeJson.of(e));
        }
    }

    /** What an entry did to one grant: {@code kind} says which parts of the grant {@code amount} moved between. */
    public record GrantChangeJson(UUID grant, UUID account, GrantChangeKind kind, long amount) {
        /** The entry's grant changes, or null when it has none (so the field is left out). */
        static List<GrantChangeJson> of(Entry e) {
            if (e.grantChanges().isEmpty()) {
                return null;
            }
            return e.grantChanges().stream().map(c -> new GrantChangeJson(c.grantId(), c.accountId(), c.kind(), c.amountMinor())).toList();
        }
    }

    /** An order's escrow: {@code held = amount - released - refunded}. */
    public record EscrowJson(String orderId, UUID id, UUID buyer, UUID seller, UUID escrowAccount, String asset, long amount,
                             long held, long released, long refunded, EscrowStatus status, Instant createdAt, long seq) {
        static EscrowJson of(EscrowState e) {
            return new EscrowJson(e.orderId(), e.escrowId(), e.buyerAccountId(), e.sellerAccountId(), e.escrowAccountId(), e.asset(),
                    e.amountMinor(), e.heldMinor(), e.releasedMinor(), e.refundedMinor(), e.status(), e.createdAt(), e.createdSeq());
        }
    }

    /**
     * A grant: {@code amount} = {@code remaining} (spendable) + {@code reserved} (by pending holds) +
     * {@code consumed} + {@code expired}.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record GrantJson(UUID id, UUID account, String asset, long amount, long remaining, long reserved, long consumed,
                            long expired, Instant expiresAt, String source, GrantStatus status, UUID expiryAccount,
                            Map<String, String> metadata, Instant createdAt, long seq) {
        static GrantJson of(GrantState g) {
            return new GrantJson(g.grantId(), g.accountId(), g.asset(), g.amountMinor(), g.remainingMinor(), g.reservedMinor(),
                    g.consumedMinor(), g.expiredMinor(), g.expiresAt(), g.source(), g.status(), g.expiryAccountId(),
                    sorted(g.metadata()), g.createdAt(), g.createdSeq());
        }

        /** The grant as it was made (create responses and their replays): all of it remaining. */
        static GrantJson asMade(GrantState g) {
            return of(GrantState.made(g.grantId(), g.ledgerId(), g.accountId(), g.asset(), g.amountMinor(), g.expiresAt(),
                    g.source(), g.metadata(), g.expiryAccountId(), g.createdSeq(), g.createdAt()));
        }
    }

    public record PostingJson(UUID account, Side side, String asset, long amount, long pendingDelta, long accountVersion) {
        static PostingJson of(Posting p) {
            return new PostingJson(p.accountId(), p.side(), p.asset(), p.postedMinor(), p.pendingDeltaMinor(), p.accountVersion());
        }
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record EntryJson(UUID id, EntryKind type, List<PostingJson> postings, UUID transferId, Map<String, String> metadata,
                            Instant createdAt, long seq) {
        static EntryJson of(Entry e) {
            return new EntryJson(e.id(), e.kind(), e.postings().stream().map(PostingJson::of).toList(), e.referenceId(),
                    sorted(e.metadata()), e.createdAt(), e.seq());
        }
    }

    /**
     * A reversal written by {@code POST /v1/entries/{id}/reverse} (ADR 0018): {@code referenceId} is the entry it
     * reverses (for a transfer, hold or capture: the transfer), its postings are on the other side of the
     * original's, and {@code grants} says what it did to grants (left out when nothing).
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ReversalJson(UUID id, EntryKind type, UUID referenceId, long amount, List<PostingJson> postings,
                               List<GrantChangeJson> grants, Map<String, String> metadata, Instant createdAt, long seq) {
        static ReversalJson of(Entry e) {
            return new ReversalJson(e.id(), e.kind(), e.referenceId(), e.amountMinor(), e.postings().stream().map(PostingJson::of).toList(),
                    GrantChangeJson.of(e), sorted(e.metadata()), e.createdAt(), e.seq());
        }
    }

    /** Metadata in key order, so a fresh response and its replay (read back from PostgreSQL) are byte-identical. */
    static Map<String, String> sorted(Map<String, String> metadata) {
        return new java.util.TreeMap<>(metadata);
    }

    public record PageJson<T>(List<T> items, String nextCursor) {}

    /** One item of a batch: its HTTP status and either the transfer or the problem. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record BatchItemJson(int index, int status, boolean replayed, TransferJson transfer, ProblemDetail error) {}

    public record BatchJson(boolean atomic, int accepted, int rejected, List<BatchItemJson> results) {}

    public record LedgerJson(UUID id, String name, long lastSeq, Instant createdAt, String closeTimeZone,
                             @Schema(description = "the cluster the ledger's journal lives on") String cluster) {
        static LedgerJson of(Ledger l) {
            return new LedgerJson(l.id(), l.name(), l.lastSeq(), l.createdAt(), l.closeTimeZone().getId(), l.cluster());
        }
    }

    /**
     * A transfer between ledgers (ADR 0021) as its saga carries it: {@code id} is the source leg's transfer (the hold
     * that is captured), {@code status} POSTED once the saga completed and PENDING while it is on its way.
     */
    public record CrossLedgerTransferJson(UUID id, EntryKind type, UUID from, UUID to, UUID toLedger, long amount, String asset,
                                          TransferStatus status, UUID sagaId,
                                          @Schema(description = "PENDING, COMPLETED, COMPENSATING, COMPENSATED or FAILED") String sagaStatus,
                                          Map<String, String> metadata, Instant createdAt) {
        static CrossLedgerTransferJson of(dev.creditledger.postgres.Saga saga) {
            return new CrossLedgerTransferJson(saga.holdId(), EntryKind.TRANSFER, saga.fromAccount(), saga.toAccount(), saga.toLedger(),
                    saga.amount(), saga.asset(), saga.status() == dev.creditledger.core.saga.SagaStatus.COMPLETED ? TransferStatus.POSTED
                    : TransferStatus.PENDING, saga.id(), saga.status().name(), sorted(saga.metadata()), saga.createdAt());
        }
    }

    /** A saga with every step (GET /v1/sagas/{id}). */
    public record SagaJson(UUID id, String kind, String status, UUID ledgerId, UUID fromAccount, UUID toLedger, UUID toAccount, long amount,
                           String asset, UUID transferId, Map<String, String> metadata, Instant createdAt, Instant updatedAt, Instant deadline,
                           @Schema(nullable = true) Instant nextAttemptAt, List<SagaStepJson> steps) {
        static SagaJson of(dev.creditledger.postgres.Saga saga) {
            return new SagaJson(saga.id(), "CROSS_LEDGER_TRANSFER", saga.status().name(), saga.ledgerId(), saga.fromAccount(), saga.toLedger(),
                    saga.toAccount(), saga.amount(), saga.asset(), saga.holdId(), sorted(saga.metadata()), saga.createdAt(), saga.updatedAt(),
                    saga.deadline(), saga.status().finished() ? null : saga.nextAttemptAt(),
                    saga.steps().values().stream().map(SagaStepJson::of).toList());
        }
    }

    /** One step: RESERVE, CREDIT, CAPTURE or VOID; its state, attempts, times, and the entry it wrote on which ledger. */
    public record SagaStepJson(String step, String state, int attempts, Instant firstAt, Instant lastAt,
                               @Schema(nullable = true) UUID ledgerId, @Schema(nullable = true) UUID entryId,
                               @Schema(nullable = true) Long seq, @Schema(nullable = true) String problemCode,
                               @Schema(nullable = true) String problemDetail) {
        static SagaStepJson of(dev.creditledger.postgres.Saga.Step step) {
            return new SagaStepJson(step.step().name(), step.state().name(), step.attempts(), step.firstAt(), step.lastAt(), step.entryLedger(),
                    step.entryId(), step.seq(), step.problemCode(), step.problemDetail());
        }
    }

    /** What a move did: both copies share {@code lastSeq} and {@code chainHead}; the fence is how long writes answered 503. */
    public record MoveJson(UUID ledgerId, String from, String to, long lastSeq, String chainHead, long rowsCopied, long copyMs,
                           long fenceMs) {
        static MoveJson of(dev.creditledger.postgres.LedgerMover.Report r) {
            return new MoveJson(r.ledgerId(), r.from(), r.to(), r.lastSeq(), r.chainHead(), r.rowsCopied(), r.copy().toMillis(),
                    r.fence().toMillis());
        }
    }

    public record LedgerLinkJson(UUID from, UUID to, Instant createdAt) {}

    public record ClustersJson(List<ClusterJson> items) {}

    /**
     * A cluster as last probed; {@code journalBytes} and {@code primary} are null while it is down.
     */
    public record ClusterJson(String name, @Schema(description = "UP or DOWN", allowableValues = {"UP", "DOWN"}) String status,
                              @Schema(description = "false: the database answering is a standby in recovery, so writes fail",
                                      nullable = true) Boolean primary,
                              @Schema(description = "the standbys streaming from it, with their state and sync_state") List<StandbyJson> standbys,
                              @Schema(description = "ready ledgers placed on it") long ledgers,
                              @Schema(description = "size of its journal's tables and indexes", nullable = true) Long journalBytes,
                              @Schema(description = "its JDBC URL without credentials") String url,
                              @Schema(description = "it holds the directory and the API keys") boolean catalog,
                              @Schema(description = "why it is down", nullable = true) String problem,
                              Instant checkedAt) {
        static ClusterJson of(ClusterProbe.Status s, long ledgers, boolean catalog) {
            return new ClusterJson(s.cluster(), s.up() ? "UP" : "DOWN", s.up() ? s.primary() : null,
                    s.standbys().stream().map(b -> new StandbyJson(b.name(), b.state(), b.syncState())).toList(), ledgers,
                    s.up() ? s.journalBytes() : null, s.url(), catalog, s.problem(), s.checkedAt());
        }
    }

    public record StandbyJson(String name, String state, String syncState) {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ApiKeyJson(UUID id, UUID ledgerId, String name, String role, String prefix, Integer ratePerSecond,
                             Instant createdAt, Instant revokedAt, String key) {
        static ApiKeyJson of(ApiKey k, String secret) {
            return new ApiKeyJson(k.id(), k.ledgerId(), k.name(), k.role().name().toLowerCase(), k.prefix(), k.ratePerSecond(),
                    k.createdAt(), k.revokedAt(), secret);
        }
    }

    public record AssetJson(String code, int exponent) {}

    public record VerificationJson(boolean clean, int ledgers, long accounts, long entries, List<String> differences) {}
}
