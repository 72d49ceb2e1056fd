package dev.creditledger.core;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.UUID;

/**
 * Low-balance alert thresholds of an account, and the rule that says when an entry crosses one.
 *
 * An account's available balance is <em>below</em> a threshold T when it is less than T. An entry
 * crosses T downwards when the account was not below T before the entry and is below it after, and
 * upwards the other way round; an entry that leaves the account on the same side of T (however much it
 * moves the balance) crosses nothing, so a balance that keeps falling below T alerts once, and again only
 * after it has come back up to T or above. Before and after are taken around the whole entry: an
 * entry that posts to the account twice is one change. Setting or changing thresholds crosses nothing.
 *
 * Thresholds are kept in descending order. One entry's crossings of one account come in the order the
 * balance passed them: downward crossings from the highest threshold, upward ones from the lowest.
 */
public final class AlertThresholds {
    private AlertThresholds() {}

    /**
     * The thresholds in their kept order (descending); null is no thresholds. Does not validate. An account
     * state is rebuilt on every posting: thresholds already kept (descending, immutable) come back as they
     * are, without a copy.
     */
    public static List<Long> normalize(List<Long> thresholds) {
        if (thresholds == null || thresholds.isEmpty()) {
            return List.of();
        }
        for (int i = 1; i < thresholds.size(); i++) {
            if (thresholds.get(i - 1) < thresholds.get(i)) {
                var sorted = new ArrayList<>(thresholds);
                sorted.sort(Comparator.reverseOrder());
                return List.copyOf(sorted);
            }
        }
        return List.copyOf(thresholds); // the same list when it is already immutable
    }

    /**
     * Null when the thresholds are valid: at most {@link Limits#ALERT_THRESHOLDS_PER_ACCOUNT_MAX}, distinct,
     * each between -{@link Limits#AMOUNT_MINOR_MAX} and {@link Limits#AMOUNT_MINOR_MAX}.
     */
    public static Violation check(List<Long> thresholds) {
        if (thresholds == null) {
            return null;
        }
        if (thresholds.size() > Limits.ALERT_THRESHOLDS_PER_ACCOUNT_MAX) {
            return new Violation(Reason.ALERT_THRESHOLDS_INVALID, thresholds.size() + " alert thresholds; at most "
                    + Limits.ALERT_THRESHOLDS_PER_ACCOUNT_MAX + " (ALERT_THRESHOLDS_PER_ACCOUNT_MAX)");
        }
        var seen = new HashSet<Long>();
        for (var threshold : thresholds) {
            if (threshold == null) {
                return new Violation(Reason.ALERT_THRESHOLDS_INVALID, "an alert threshold is null");
            }
            if (Math.abs(threshold) > Limits.AMOUNT_MINOR_MAX) {
                return new Violation(Reason.ALERT_THRESHOLDS_INVALID, "alert threshold " + threshold + " is beyond ±"
                        + Limits.AMOUNT_MINOR_MAX + " (AMOUNT_MINOR_MAX)");
            }
            if (!seen.add(threshold)) {
                return new Violation(Reason.ALERT_THRESHOLDS_INVALID, "alert threshold " + threshold + " is given twice");
            }
        }
        return null;
    }

    /** What an entry that moved the account's available balance from {@code before} to {@code after} crossed. */
    public static List<BalanceAlert> crossings(UUID accountId, List<Long> thresholds, BigInteger before, BigInteger after) {
        if (thresholds.isEmpty() || before.equals(after)) {
            return List.of();
        }
        List<BalanceAlert> alerts = new ArrayList<>(1);
        for (var threshold : thresholds) {
            var t = BigInteger.valueOf(threshold);
            boolean belowBefore = before.compareTo(t) < 0;
            boolean belowAfter = after.compareTo(t) < 0;
            if (belowBefore != belowAfter) {
                alerts.add(new BalanceAlert(accountId, threshold, belowAfter ? AlertDirection.DOWN : AlertDirection.UP, before, after));
            }
        }
        if (!alerts.isEmpty() && alerts.getFirst().direction() == AlertDirection.UP) {
            // Thresholds are descending; a rising balance passes the lowest first.
            return alerts.reversed();
        }
        return alerts;
    }
}
