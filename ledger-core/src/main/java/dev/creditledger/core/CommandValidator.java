package dev.creditledger.core;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Checks the rules of a command that do not depend on the ledger's state: amounts, limits, metadata,
 * balance of a multi-leg entry. The HTTP API runs it before queueing (so bad input is answered 400 and
 * nothing is written) and the state machine runs it again, so no other caller can bypass it.
 */
public final class CommandValidator {
    private CommandValidator() {}

    public static Optional<Violation> validate(Command command) {
        return Optional.ofNullable(switch (command) {
            case Command.CreateAccount c -> firstOf(
                    checkAccountCode(c.code()),
                    checkAssetCode(c.asset()),
                    c.normalSide() == null ? new Violation(Reason.ASSET_INVALID, "normalSide is required") : null,
                    checkOverdraftLimit(c.overdraftLimitMinor()),
                    AlertThresholds.check(c.alertThresholds()),
                    checkMetadata(c.metadata()));
            case Command.CloseAccount c -> null;
            case Command.PostTransfer t -> firstOf(
                    checkAmount(t.amountMinor(), "amount"),
                    t.from().equals(t.to()) ? new Violation(Reason.SAME_ACCOUNT, "from and to are the same account " + t.from()) : null,
                    checkAssetCode(t.asset()),
                    checkHoldTimeout(t),
                    checkMetadata(t.metadata()));
            case Command.PostEntry e -> firstOf(checkEntry(e), checkMetadata(e.metadata()));
            case Command.CaptureHold c -> firstOf(
                    c.amountMinor() == null ? null : checkAmount(c.amountMinor(), "capture amount"),
                    checkMetadata(c.metadata()));
            case Command.VoidHold v -> checkMetadata(v.metadata());
            case Command.ExpireHold x -> null;
            case Command.IssueGrant g -> firstOf(
                    checkAmount(g.amountMinor(), "amount"),
                    g.accountId().equals(g.fromAccountId())
                            ? new Violation(Reason.SAME_ACCOUNT, "account and from are the same account " + g.accountId()) : null,
                    checkAssetCode(g.asset()),
                    checkGrantSource(g.source()),
                    checkMetadata(g.metadata()));
            case Command.ExpireGrant x -> null;
            case Command.EarnPoints e -> firstOf(
                    checkAmount(e.spendMinor(), "spend"),
                    e.memberAccountId().equals(e.programAccountId())
                            ? new Violation(Reason.SAME_ACCOUNT, "member and program are the same account " + e.memberAccountId()) : null,
                    checkAssetCode(e.asset()),
                    checkMetadata(e.metadata()));
            case Command.FundEscrow f -> firstOf(
                    checkOrderId(f.orderId()),
                    checkAmount(f.amountMinor(), "amount"),
                    f.buyer().equals(f.seller()) ? new Violation(Reason.SAME_ACCOUNT, "buyer and seller are the same account " + f.buyer()) : null,
                    checkAssetCode(f.asset()),
                    checkMetadata(f.metadata()));
            case Command.ReleaseEscrow r -> firstOf(
                    checkOrderId(r.orderId()),
                    r.feeMinor() < 0 || (r.feeMinor() > 0 && r.feeAccountId() == null)
                            ? new Violation(Reason.ESCROW_FEE_INVALID, "fee " + r.feeMinor() + " must be 0 or more, with a fee account when above 0")
                            : null,
                    r.feeMinor() > Limits.AMOUNT_MINOR_MAX ? checkAmount(r.feeMinor(), "fee") : null,
                    checkMetadata(r.metadata()));
            case Command.RecordUsage u -> firstOf(
                    checkAmount(u.amountMinor(), "amount"),
                    u.accountId().equals(u.revenueAccountId()) || u.overageAccountId().equals(u.revenueAccountId())
                            || u.accountId().equals(u.overageAccountId())
                            ? new Violation(Reason.SAME_ACCOUNT, "account, overage account and revenue account must be three accounts") : null,
                    checkAssetCode(u.asset()),
                    checkMetadata(u.metadata()));
            case Command.RefundEscrow r -> firstOf(
                    checkOrderId(r.orderId()),
                    r.amountMinor() == null ? null : checkAmount(r.amountMinor(), "refund amount"),
                    checkMetadata(r.metadata()));
            case Command.ReverseTransfer r -> firstOf(
                    r.amountMinor() == null ? null : checkAmount(r.amountMinor(), "reversal amount"),
                    checkMetadata(r.metadata()));
            case Command.ReverseEntry r -> firstOf(checkEntryReversal(r), checkMetadata(r.metadata()));
        });
    }

    public static Violation checkAmount(long amountMinor, String what) {
        if (amountMinor <= 0) {
            return new Violation(Reason.AMOUNT_NOT_POSITIVE, what + " must be greater than zero, got " + amountMinor);
        }
        if (amountMinor > Limits.AMOUNT_MINOR_MAX) {
            return new Violation(Reason.AMOUNT_EXCEEDS_LIMIT,
                    what + " " + amountMinor + " exceeds AMOUNT_MINOR_MAX " + Limits.AMOUNT_MINOR_MAX);
        }
        return null;
    }

    public static Violation checkMetadata(Map<String, String> metadata) {
        if (metadata.size() > Limits.METADATA_ENTRIES_MAX) {
            return new Violation(Reason.METADATA_INVALID,
                    "metadata has " + metadata.size() + " keys, more than METADATA_ENTRIES_MAX " + Limits.METADATA_ENTRIES_MAX);
        }
        for (var e : metadata.entrySet()) {
            if (e.getKey().isEmpty() || e.getKey().length() > Limits.METADATA_KEY_LENGTH_MAX) {
                return new Violation(Reason.METADATA_INVALID,
                        "metadata keys must have 1 to METADATA_KEY_LENGTH_MAX " + Limits.METADATA_KEY_LENGTH_MAX + " characters");
            }
            if (e.getValue() == null || e.getValue().length() > Limits.METADATA_VALUE_LENGTH_MAX) {
                return new Violation(Reason.METADATA_INVALID, "metadata value of '" + e.getKey()
                        + "' must be a string of at most METADATA_VALUE_LENGTH_MAX " + Limits.METADATA_VALUE_LENGTH_MAX + " characters");
            }
            if (!StoredText.storable(e.getKey()) || !StoredText.storable(e.getValue())) {
                return new Violation(Reason.METADATA_INVALID, "metadata keys and values may contain " + StoredText.RULE);
            }
        }
        return null;
    }

    public static Violation checkAssetCode(String asset) {
        return Asset.isValidCode(asset) ? null : new Violation(Reason.ASSET_INVALID,
                "asset code '" + asset + "' must be upper-case letters, digits or '_', starting with a letter, at most "
                        + Limits.ASSET_CODE_LENGTH_MAX + " characters");
    }

    private static Violation checkAccountCode(String code) {
        if (code == null) {
            return null;
        }
        if (code.isBlank() || code.length() > Limits.ACCOUNT_CODE_LENGTH_MAX || !StoredText.storable(code)) {
            return new Violation(Reason.ACCOUNT_CODE_INVALID, "account code must have 1 to ACCOUNT_CODE_LENGTH_MAX "
                    + Limits.ACCOUNT_CODE_LENGTH_MAX + " characters, " + StoredText.RULE);
        }
        return null;
    }

    public static Violation checkOrderId(String orderId) {
        if (orderId == null || orderId.isEmpty() || orderId.length() > Limits.ESCROW_ORDER_ID_LENGTH_MAX
                || orderId.chars().anyMatch(c -> Character.isISOControl(c) || c == '/') || !StoredText.storable(orderId)) {
            // A '/' would make the order's URL (/v1/escrows/{orderId}) unreachable.
            return new Violation(Reason.ESCROW_ORDER_ID_INVALID, "an order id has 1 to ESCROW_ORDER_ID_LENGTH_MAX "
                    + Limits.ESCROW_ORDER_ID_LENGTH_MAX + " characters, no control characters and no '/'");
        }
        return null;
    }

    private static Violation checkGrantSource(String source) {
        if (source != null && (source.isBlank() || source.length() > Limits.GRANT_SOURCE_LENGTH_MAX || !StoredText.storable(source))) {
            return new Violation(Reason.GRANT_SOURCE_INVALID, "grant source must have 1 to GRANT_SOURCE_LENGTH_MAX "
                    + Limits.GRANT_SOURCE_LENGTH_MAX + " characters, " + StoredText.RULE);
        }
        return null;
    }

    private static Violation checkOverdraftLimit(Long limit) {
        if (limit != null && (limit < 0 || limit > Limits.OVERDRAFT_LIMIT_MINOR_MAX)) {
            return new Violation(Reason.OVERDRAFT_LIMIT_INVALID,
                    "overdraft limit must be between 0 and OVERDRAFT_LIMIT_MINOR_MAX " + Limits.OVERDRAFT_LIMIT_MINOR_MAX);
        }
        return null;
    }

    private static Violation checkHoldTimeout(Command.PostTransfer t) {
        if (t.holdTimeout() == null) {
            return null;
        }
        if (!t.pending()) {
            return new Violation(Reason.HOLD_TIMEOUT_INVALID, "a timeout applies only to pending transfers");
        }
        long seconds = t.holdTimeout().getSeconds();
        if (seconds < 1 || t.holdTimeout().getNano() != 0 || seconds > Limits.HOLD_TIMEOUT_SECONDS_MAX) {
            return new Violation(Reason.HOLD_TIMEOUT_INVALID,
                    "hold timeout must be whole seconds from 1 to HOLD_TIMEOUT_SECONDS_MAX " + Limits.HOLD_TIMEOUT_SECONDS_MAX);
        }
        return null;
    }

    private static Violation checkEntry(Command.PostEntry entry) {
        int count = entry.postings().size();
        if (count < Limits.ENTRY_POSTINGS_MIN) {
            return new Violation(Reason.ENTRY_TOO_FEW_POSTINGS,
                    "an entry needs at least ENTRY_POSTINGS_MIN " + Limits.ENTRY_POSTINGS_MIN + " postings, got " + count);
        }
        if (count > Limits.ENTRY_POSTINGS_MAX) {
            return new Violation(Reason.ENTRY_TOO_MANY_POSTINGS,
                    "an entry has at most ENTRY_POSTINGS_MAX " + Limits.ENTRY_POSTINGS_MAX + " postings, got " + count);
        }
        Map<String, long[]> debitsAndCreditsByAsset = new HashMap<>();
        for (int i = 0; i < count; i++) {
            var line = entry.postings().get(i);
            var problem = firstOf(checkAmount(line.amountMinor(), "postings[" + i + "].amount"), checkAssetCode(line.asset()));
            if (problem != null) {
                return problem;
            }
            long[] totals = debitsAndCreditsByAsset.computeIfAbsent(line.asset(), a -> new long[2]);
            int slot = line.side() == Side.DEBIT ? 0 : 1;
            try {
                totals[slot] = Math.addExact(totals[slot], line.amountMinor());
            } catch (ArithmeticException overflow) {
                return new Violation(Reason.AMOUNT_OVERFLOW, "the " + line.side() + " total of " + line.asset() + " overflows");
            }
        }
        for (var e : debitsAndCreditsByAsset.entrySet()) {
            if (e.getValue()[0] != e.getValue()[1]) {
                return new Violation(Reason.ENTRY_NOT_BALANCED, e.getKey() + " debits " + e.getValue()[0]
                        + " differ from credits " + e.getValue()[1]);
            }
        }
        return null;
    }

    private static Violation checkEntryReversal(Command.ReverseEntry r) {
        if (r.amountMinor() != null && r.postings() != null) {
            return new Violation(Reason.REVERSAL_INVALID, "give an amount (the same of every posting) or postings, not both");
        }
        if (r.amountMinor() != null) {
            return checkAmount(r.amountMinor(), "reversal amount");
        }
        if (r.postings() == null) {
            return null;
        }
        if (r.postings().isEmpty() || r.postings().size() > Limits.ENTRY_POSTINGS_MAX) {
            return new Violation(Reason.REVERSAL_INVALID, "a partial reversal names 1 to ENTRY_POSTINGS_MAX "
                    + Limits.ENTRY_POSTINGS_MAX + " postings, got " + r.postings().size());
        }
        var seen = new java.util.HashSet<String>();
        for (int i = 0; i < r.postings().size(); i++) {
            var line = r.postings().get(i);
            if (line == null || line.accountId() == null || line.side() == null) {
                return new Violation(Reason.REVERSAL_INVALID, "postings[" + i + "] needs an account and a side");
            }
            var problem = checkAmount(line.amountMinor(), "postings[" + i + "].amount");
            if (problem != null) {
                return problem;
            }
            if (!seen.add(line.accountId() + "/" + line.side())) {
                return new Violation(Reason.REVERSAL_INVALID, "postings[" + i + "] names the " + line.side() + " posting of account "
                        + line.accountId() + " a second time");
            }
        }
        return null;
    }

    private static Violation firstOf(Violation... violations) {
        for (var v : violations) {
            if (v != null) {
                return v;
            }
        }
        return null;
    }
}
