package dev.creditledger.core;

import java.util.List;
import java.util.regex.Pattern;

/**
 * A currency or other unit of value, identified by its code within a ledger. Amounts are integers in
 * the minor unit: an exponent of 2 means 100 minor units make one major unit (USD cents), 0 means the
 * unit is indivisible (JPY, credits, points).
 */
public record Asset(String code, int exponent) {

    private static final Pattern CODE = Pattern.compile("[A-Z][A-Z0-9_]{0," + (Limits.ASSET_CODE_LENGTH_MAX - 1) + "}");

    /** Assets every new ledger starts with; others can be added per ledger. */
    public static final List<Asset> DEFAULTS = List.of(
            new Asset("USD", 2), new Asset("EUR", 2), new Asset("GBP", 2), new Asset("JPY", 0),
            new Asset("CREDITS", 0), new Asset("POINTS", 0));

    public Asset {
        if (!isValidCode(code) || exponent < 0 || exponent > Limits.ASSET_EXPONENT_MAX) {
            throw new IllegalArgumentException("invalid asset " + code + "/" + exponent);
        }
    }

    /** Upper-case letter first, then upper-case letters, digits or underscores, at most ASSET_CODE_LENGTH_MAX. */
    public static boolean isValidCode(String code) {
        return code != null && CODE.matcher(code).matches();
    }
}
