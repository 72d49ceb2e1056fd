package dev.creditledger.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The commands the posting engine applies. Each carries the id of what it creates, chosen by the
 * caller before the command is queued, so the state machine stays deterministic. Commands are public
 * API records: a field never means different things for different commands.
 */
public sealed interface Command {

    /**
     * Opens an account. {@code overdraftLimitMinor}: null for no constraint, 0 for no overdraft.
     * {@code alertThresholds}: the low-balance alert thresholds it starts with ({@link AlertThresholds};
     * null or empty for none).
     */
    record CreateAccount(
            UUID accountId,
            String code,
            String asset,
            Side normalSide,
            Long overdraftLimitMinor,
            Map<String, String> metadata,
            List<Long> alertThresholds) implements Command {
        public CreateAccount {
            metadata = Map.copyOf(metadata);
            // Copied without List.copyOf, which refuses nulls: a null threshold is the validator's to name.
            alertThresholds = alertThresholds == null ? null : Collections.unmodifiableList(new ArrayList<>(alertThresholds));
        }

        /** An account without alert thresholds. */
        public CreateAccount(UUID accountId, String code, String asset, Side normalSide, Long overdraftLimitMinor,
                             Map<String, String> metadata) {
            this(accountId, code, asset, normalSide, overdraftLimitMinor, metadata, null);
        }
    }

    /** Closes an account whose balances are zero. */
    record CloseAccount(UUID accountId) implements Command {}

    /**
     * Moves {@code amountMinor} from {@code from} (debited) to {@code to} (credited). When
     * {@code pending} is true the amount is only reserved (a hold), until captured, voided, or expired
     * after {@code holdTimeout} (null: never expires).
     */
    record PostTransfer(
            UUID transferId,
            UUID from,
            UUID to,
            long amountMinor,
            String asset,
            boolean pending,
            Duration holdTimeout,
            Map<String, String> metadata) implements Command {
        public PostTransfer {
            metadata = Map.copyOf(metadata);
        }
    }

    /** A multi-leg entry: the postings must balance per asset and are applied all together or not at all. */
    record PostEntry(UUID entryId, List<PostingLine> postings, Map<String, String> metadata) implements Command {
        public PostEntry {
            postings = List.copyOf(postings);
            metadata = Map.copyOf(metadata);
        }
    }

    /** One requested line of a multi-leg entry; {@code asset} is optional and, when given, must match the account. */
    record PostingLine(UUID accountId, Side side, long amountMinor, String asset) {}

    /** Posts {@code amountMinor} of a hold (null: all of it) and releases the rest. */
    record CaptureHold(UUID entryId, UUID holdId, Long amountMinor, Map<String, String> metadata) implements Command {
        public CaptureHold {
            metadata = Map.copyOf(metadata);
        }
    }

    /** Releases a hold without posting. */
    record VoidHold(UUID entryId, UUID holdId, Map<String, String> metadata) implements Command {
        public VoidHold {
            metadata = Map.copyOf(metadata);
        }
    }

    /** Releases a hold whose timeout has passed; issued by the expiry worker. */
    record ExpireHold(UUID entryId, UUID holdId) implements Command {}

    /**
     * Gives {@code amountMinor} to {@code accountId} (credited) from {@code fromAccountId} (debited) as a
     * grant: a lot that debits of the account draw down, soonest expiry first, and whose remainder moves
     * to the ledger's breakage account for the asset at {@code expiresAt} (null: never expires; kept to
     * the microsecond, rounded down).
     */
    record IssueGrant(
            UUID grantId,
            UUID accountId,
            UUID fromAccountId,
            long amountMinor,
            String asset,
            java.time.Instant expiresAt,
            String source,
            Map<String, String> metadata) implements Command {
        public IssueGrant {
            metadata = Map.copyOf(metadata);
            // Times are kept to the microsecond, as PostgreSQL keeps them: the expiry the state machine
            // decides with is the one stored and published.
            expiresAt = expiresAt == null ? null : expiresAt.truncatedTo(java.time.temporal.ChronoUnit.MICROS);
        }
    }

    /**
     * A member earns loyalty points for {@code spendMinor} of spend, by the rule of the program's account
     * ({@link LoyaltyRule}): the points move from the program account to the member as a grant, expiring
     * as the rule says. {@code asset} is the points' asset (the program account's).
     */
    record EarnPoints(UUID grantId, UUID memberAccountId, UUID programAccountId, long spendMinor, String asset,
                      Map<String, String> metadata)
            implements Command {
        public EarnPoints {
            metadata = Map.copyOf(metadata);
        }
    }

    /** Moves what is left of a grant that reached its expiry to the breakage account; issued by the expiry worker. */
    record ExpireGrant(UUID grantId) implements Command {}

    /**
     * The buyer pays {@code amountMinor} into escrow for an order: it moves from {@code buyer} to the
     * ledger's escrow account for the asset and is held for the order until released to {@code seller} or
     * refunded to the buyer.
     */
    record FundEscrow(UUID entryId, String orderId, UUID buyer, UUID seller, long amountMinor, String asset,
                      Map<String, String> metadata) implements Command {
        public FundEscrow {
            metadata = Map.copyOf(metadata);
        }
    }

    /**
     * Releases everything the order still holds in one entry: to the seller, minus {@code feeMinor} (0 or
     * more, less than what is held) to {@code feeAccountId} (required when there is a fee).
     */
    record ReleaseEscrow(UUID entryId, String orderId, long feeMinor, UUID feeAccountId, Map<String, String> metadata)
            implements Command {
        public ReleaseEscrow {
            metadata = Map.copyOf(metadata);
        }
    }

    /** Refunds {@code amountMinor} of what the order holds to the buyer (null: all of it). */
    record RefundEscrow(UUID entryId, String orderId, Long amountMinor, Map<String, String> metadata) implements Command {
        public RefundEscrow {
            metadata = Map.copyOf(metadata);
        }
    }

    /**
     * Records {@code amountMinor} of usage, charged to {@code revenueAccountId}: the account pays what its
     * available balance allows (its grants first), and the rest is owed as overage on
     * {@code overageAccountId}, whose balance constraint is the overage limit; usage beyond it is refused
     * (OVERAGE_LIMIT_EXCEEDED). The account never goes below zero for usage.
     */
    record RecordUsage(UUID entryId, UUID accountId, UUID overageAccountId, UUID revenueAccountId, long amountMinor, String asset,
                       Map<String, String> metadata) implements Command {
        public RecordUsage {
            metadata = Map.copyOf(metadata);
        }
    }

    /**
     * Reverses any posted entry, whole or in part, with a new REVERSAL entry whose {@code referenceId} is the
     * original's id (ADR 0018). {@code amountMinor} reverses that amount of every posting of the original;
     * {@code postings} reverses the amounts it names; neither (both null) reverses all that is not reversed
     * yet. Giving both is refused (REVERSAL_INVALID). Transfers, holds and captures are reversed exactly as
     * {@link ReverseTransfer} reverses their transfer.
     */
    record ReverseEntry(UUID entryId, UUID originalId, Long amountMinor, List<ReversalLine> postings,
                        Map<String, String> metadata) implements Command {
        public ReverseEntry {
            // Copied without List.copyOf, which refuses nulls: a null line is the validator's to name.
            postings = postings == null ? null : Collections.unmodifiableList(new ArrayList<>(postings));
            metadata = Map.copyOf(metadata);
        }
    }

    /**
     * What a partial reversal takes back of one posting of the original: {@code amountMinor} of its
     * {@code side} posting(s) on {@code accountId} (the side of the original posting; the reversal posts
     * the other side).
     */
    record ReversalLine(UUID accountId, Side side, long amountMinor) {}

    /** Moves {@code amountMinor} of a posted transfer back (null: all that is not reversed yet). */
    record ReverseTransfer(UUID entryId, UUID transferId, Long amountMinor, Map<String, String> metadata) implements Command {
        public ReverseTransfer {
            metadata = Map.copyOf(metadata);
        }
    }
}
