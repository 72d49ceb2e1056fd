package dev.creditledger.core;

/**
 * Which strings the ledger can store exactly. PostgreSQL's text cannot hold U+0000, and a lone UTF-16
 * surrogate (valid in a JSON string's escapes, not in UTF-8) would be stored as something else. Either in
 * a metadata key or value, an account code, a grant source, an order id or an idempotency key is refused
 * by name before anything is queued: otherwise the database would refuse the whole batch it travels in.
 */
public final class StoredText {
    private StoredText() {}

    /** True when the string has no U+0000 and no unpaired surrogate; null counts as storable (absent). */
    public static boolean storable(String text) {
        if (text == null) {
            return true;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\u0000') {
                return false;
            }
            if (Character.isHighSurrogate(c)) {
                if (i + 1 == text.length() || !Character.isLowSurrogate(text.charAt(i + 1))) {
                    return false;
                }
                i++;
            } else if (Character.isLowSurrogate(c)) {
                return false;
            }
        }
        return true;
    }

    /** Why a string is refused, for the detail of a problem. */
    public static final String RULE = "no NUL character (U+0000) and no unpaired surrogate";
}
