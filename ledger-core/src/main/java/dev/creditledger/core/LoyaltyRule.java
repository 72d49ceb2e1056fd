package dev.creditledger.core;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * How a loyalty program turns spend into points: {@code pointsPerUnit} points for every whole
 * {@code unitMinor} of spend (rounded down), valid {@code expiresAfterDays} days (0: never expire). The rule
 * belongs to the program's account, which carries it in its metadata when it is opened (keys
 * {@code loyalty.pointsPerUnit}, {@code loyalty.unitMinor}, {@code loyalty.expiresAfterDays}); accounts never
 * change, so a new rule is a new program account.
 */
public record LoyaltyRule(long pointsPerUnit, long unitMinor, long expiresAfterDays) {

    public static final String POINTS_PER_UNIT = "loyalty.pointsPerUnit";
    public static final String UNIT_MINOR = "loyalty.unitMinor";
    public static final String EXPIRES_AFTER_DAYS = "loyalty.expiresAfterDays";

    /** The rule an account's metadata defines, or empty when it defines none or an invalid one. */
    public static Optional<LoyaltyRule> of(Map<String, String> metadata) {
        try {
            long points = Long.parseLong(metadata.getOrDefault(POINTS_PER_UNIT, ""));
            long unit = Long.parseLong(metadata.getOrDefault(UNIT_MINOR, ""));
            long days = Long.parseLong(metadata.getOrDefault(EXPIRES_AFTER_DAYS, "0"));
            if (points < 1 || points > Limits.LOYALTY_POINTS_PER_UNIT_MAX || unit < 1 || unit > Limits.AMOUNT_MINOR_MAX
                    || days < 0 || days > Limits.LOYALTY_EXPIRY_DAYS_MAX) {
                return Optional.empty();
            }
            return Optional.of(new LoyaltyRule(points, unit, days));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** When points earned at {@code now} expire, or null when they never do. */
    public java.time.Instant expiryFrom(java.time.Instant now) {
        return expiresAfterDays == 0 ? null : now.plus(Duration.ofDays(expiresAfterDays));
    }
}
