package dev.creditledger.bench.load;

/**
 * The JSON bodies the workloads send, written straight into a {@link StringBuilder}: no mapper on the
 * load generator's hot path. Ids are UUID strings and keys are plain ASCII, so nothing needs escaping
 * (asserted for keys, which come from the kit itself).
 */
public final class Bodies {

    public static final String ASSET = "USD";
    public static final long HOLD_TIMEOUT_SECONDS = 600;

    private Bodies() {}

    public static StringBuilder transfer(StringBuilder out, String from, String to, long amountMinor, String key) {
        return out.append("{\"from\":\"").append(from).append("\",\"to\":\"").append(to).append("\",\"amount\":").append(amountMinor)
                .append(",\"asset\":\"").append(ASSET).append("\",\"idempotencyKey\":\"").append(plain(key)).append("\"}");
    }

    public static StringBuilder hold(StringBuilder out, String from, String to, long amountMinor, String key) {
        return out.append("{\"from\":\"").append(from).append("\",\"to\":\"").append(to).append("\",\"amount\":").append(amountMinor)
                .append(",\"asset\":\"").append(ASSET).append("\",\"pending\":true,\"timeoutSeconds\":").append(HOLD_TIMEOUT_SECONDS)
                .append(",\"idempotencyKey\":\"").append(plain(key)).append("\"}");
    }

    public static StringBuilder capture(StringBuilder out, long amountMinor, String key) {
        return out.append("{\"amount\":").append(amountMinor).append(",\"idempotencyKey\":\"").append(plain(key)).append("\"}");
    }

    /** One debit of {@code first + second} and two credits that balance it. */
    public static StringBuilder entry(StringBuilder out, String debit, String credit1, long first, String credit2, long second,
                                      String key) {
        out.append("{\"postings\":[");
        posting(out, debit, "DEBIT", first + second).append(',');
        posting(out, credit1, "CREDIT", first).append(',');
        posting(out, credit2, "CREDIT", second);
        return out.append("],\"idempotencyKey\":\"").append(plain(key)).append("\"}");
    }

    private static StringBuilder posting(StringBuilder out, String account, String side, long amountMinor) {
        return out.append("{\"account\":\"").append(account).append("\",\"side\":\"").append(side).append("\",\"amount\":")
                .append(amountMinor).append(",\"asset\":\"").append(ASSET).append("\"}");
    }

    static String plain(String key) {
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (c < 0x20 || c > 0x7e || c == '"' || c == '\\') {
                throw new IllegalArgumentException("idempotency keys of the kit are plain ASCII: " + key);
            }
        }
        return key;
    }
}
