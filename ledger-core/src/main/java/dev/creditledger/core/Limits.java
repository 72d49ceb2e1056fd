package dev.creditledger.core;

/**
 * Every limit of the domain, in one place. Each name carries its unit; each limit is enforced by
 * {@link CommandValidator} (or by the state machine when it depends on state) and tested at its edge.
 * Limits of the service (queue length, batch size, page size, body size) are documented next to their
 * configuration and in the README; the defaults of those that clients see are also here.
 */
public final class Limits {
    private Limits() {}

    /** Largest amount of one transfer, posting, capture or reversal, in minor units (10^18). */
    public static final long AMOUNT_MINOR_MAX = 1_000_000_000_000_000_000L;

    /** Largest overdraft limit an account may be given, in minor units. */
    public static final long OVERDRAFT_LIMIT_MINOR_MAX = AMOUNT_MINOR_MAX;

    /** Metadata is a flat map of strings: at most this many keys. */
    public static final int METADATA_ENTRIES_MAX = 32;

    /** Longest metadata key, in characters. */
    public static final int METADATA_KEY_LENGTH_MAX = 64;

    /** Longest metadata value, in characters. */
    public static final int METADATA_VALUE_LENGTH_MAX = 512;

    /** Longest account code, in characters. */
    public static final int ACCOUNT_CODE_LENGTH_MAX = 128;

    /** Fewest postings in a multi-leg entry. */
    public static final int ENTRY_POSTINGS_MIN = 2;

    /** Most postings in a multi-leg entry. */
    public static final int ENTRY_POSTINGS_MAX = 64;

    /** Longest hold timeout, in seconds (one year). */
    public static final long HOLD_TIMEOUT_SECONDS_MAX = 366L * 24 * 60 * 60;

    /** Longest grant source (what the grant came from: a plan, a purchase, a promotion), in characters. */
    public static final int GRANT_SOURCE_LENGTH_MAX = 128;

    /**
     * Most ACTIVE grants one account may have: every batch that touches the account loads them, and a
     * debit may change each of them. A grant beyond it is refused with GRANT_LIMIT_REACHED.
     */
    public static final int GRANTS_ACTIVE_PER_ACCOUNT_MAX = 1_000;

    /**
     * Most low-balance alert thresholds one account may carry ({@link AlertThresholds}); more are refused
     * with ALERT_THRESHOLDS_INVALID.
     */
    public static final int ALERT_THRESHOLDS_PER_ACCOUNT_MAX = 10;

    /** Most points a loyalty rule may give per unit of spend ({@link LoyaltyRule}); a rule beyond it is no rule. */
    public static final long LOYALTY_POINTS_PER_UNIT_MAX = 1_000_000;

    /** Longest validity of earned loyalty points, in days (about a century); a rule beyond it is no rule. */
    public static final long LOYALTY_EXPIRY_DAYS_MAX = 36_600;

    /** Longest order id of an escrow, in characters. */
    public static final int ESCROW_ORDER_ID_LENGTH_MAX = 128;

    /** Longest idempotency key, in characters. */
    public static final int IDEMPOTENCY_KEY_LENGTH_MAX = 255;

    /** Most transfers in one batch-create request; a batch is always applied in one database transaction. */
    public static final int TRANSFERS_PER_REQUEST_MAX = 8_190;

    /** Largest asset exponent (number of decimal places of the minor unit). */
    public static final int ASSET_EXPONENT_MAX = 18;

    /** Longest asset code, in characters. */
    public static final int ASSET_CODE_LENGTH_MAX = 16;

    /** Highest rate limit an API key may be given, in requests per second per service instance. */
    public static final int KEY_RATE_PER_SECOND_MAX = 1_000_000;

    /** Longest name of an API key, in characters. */
    public static final int API_KEY_NAME_LENGTH_MAX = 128;

    /** Longest ledger name, in characters. */
    public static final int LEDGER_NAME_LENGTH_MAX = 64;

    /** Largest page of a list or statement, in items. */
    public static final int PAGE_SIZE_MAX = 1_000;

    /** Page size when the client does not ask for one, in items. */
    public static final int PAGE_SIZE_DEFAULT = 100;

    /** Largest request body the HTTP API reads, in bytes (a full batch of TRANSFERS_PER_REQUEST_MAX transfers fits). */
    public static final int REQUEST_BODY_BYTES_MAX = 8 * 1024 * 1024;

    /**
     * Largest message the gRPC API reads, in bytes (its server's max inbound message size); a larger one ends
     * the call with RESOURCE_EXHAUSTED before it is read. Every ledger.v1 request holds one transfer or query, and
     * the largest valid one (metadata at its limits, in three-byte characters) is under 64 KiB.
     */
    public static final int GRPC_MESSAGE_BYTES_MAX = 1024 * 1024;

    /**
     * Most transfers of one gRPC stream (StreamTransfers) submitted and not yet answered; the server reads the
     * next request only when an answer is sent, so a client cannot queue more than this on one stream.
     */
    public static final int STREAM_TRANSFERS_IN_FLIGHT_MAX = 1_024;
}
