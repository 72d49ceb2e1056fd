package dev.creditledger.chaos;

import java.util.UUID;

/**
 * One write the recording load sends: its idempotency key (unique to the operation, and also written into
 * the entry's metadata as {@code chaosOp}), what it is, and what the journal must show if it took effect:
 * an entry of {@link Kind#entryKind()} for {@code amountMinor}, debiting {@code debited} and crediting
 * {@code credited}, referring to {@code target} (the hold a capture or void resolves, the transfer a reversal
 * reverses). A grant's entry has the grant's id; what remains of it at its expiry leaves in a GRANT_EXPIRY
 * entry of the ledger's own, which refers to the grant.
 */
record Op(String key, Kind kind, String path, String body, UUID debited, UUID credited, long amountMinor, UUID target) {

    /** The kinds of write the kit sends, with the journal entry kind each creates. */
    enum Kind {
        TRANSFER("TRANSFER"),
        HOLD("HOLD"),
        CAPTURE("CAPTURE"),
        VOID("VOID"),
        REVERSE("REVERSAL"),
        GRANT("GRANT");

        private final String entryKind;

        Kind(String entryKind) {
            this.entryKind = entryKind;
        }

        String entryKind() {
            return entryKind;
        }
    }

    static Op transfer(String key, UUID from, UUID to, long amount, boolean pending) {
        var body = "{\"from\":\"" + from + "\",\"to\":\"" + to + "\",\"amount\":" + amount + ",\"asset\":\"" + ChaosLedger.ASSET + "\""
                + (pending ? ",\"pending\":true" : "") + metadataAndKey(key) + "}";
        return new Op(key, pending ? Kind.HOLD : Kind.TRANSFER, "/v1/transfers", body, from, to, amount, null);
    }

    /** Grants {@code amount} of credit from {@code from} to {@code account}, expiring at {@code expiresAt}. */
    static Op grant(String key, UUID from, UUID account, long amount, java.time.Instant expiresAt) {
        var body = "{\"account\":\"" + account + "\",\"from\":\"" + from + "\",\"amount\":" + amount + ",\"asset\":\""
                + ChaosLedger.ASSET + "\",\"expiresAt\":\"" + expiresAt + "\",\"source\":\"chaos\"" + metadataAndKey(key) + "}";
        return new Op(key, Kind.GRANT, "/v1/grants", body, from, account, amount, null);
    }

    /** Captures {@code amount} of a hold; the capture moves money the way the hold reserved it. */
    static Op capture(String key, Written hold, long amount) {
        var body = "{\"amount\":" + amount + metadataAndKey(key) + "}";
        return new Op(key, Kind.CAPTURE, "/v1/transfers/" + hold.entryId() + "/capture", body, hold.op().debited(),
                hold.op().credited(), amount, hold.entryId());
    }

    /** Voids a hold: the whole held amount is released. */
    static Op voidHold(String key, Written hold) {
        var body = "{" + metadataAndKey(key).substring(1) + "}";
        return new Op(key, Kind.VOID, "/v1/transfers/" + hold.entryId() + "/void", body, hold.op().debited(), hold.op().credited(),
                hold.op().amountMinor(), hold.entryId());
    }

    /** Reverses {@code amount} of a posted transfer: money moves back, from its destination to its source. */
    static Op reverse(String key, Written transfer, long amount) {
        var body = "{\"amount\":" + amount + metadataAndKey(key) + "}";
        return new Op(key, Kind.REVERSE, "/v1/transfers/" + transfer.entryId() + "/reverse", body, transfer.op().credited(),
                transfer.op().debited(), amount, transfer.entryId());
    }

    private static String metadataAndKey(String key) {
        return ",\"metadata\":{\"chaosOp\":\"" + key + "\"},\"idempotencyKey\":\"" + key + "\"";
    }

    /** An acknowledged operation and the id of the entry it created, which later operations may refer to. */
    record Written(Op op, UUID entryId) {}
}
