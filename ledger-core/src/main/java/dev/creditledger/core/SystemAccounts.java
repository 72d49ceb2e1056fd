package dev.creditledger.core;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * Accounts the ledger opens by itself, with ids derived from what they serve so that every engine
 * instance (and the state machine, which must stay deterministic) computes the same id.
 *
 * The escrow account of an asset holds what buyers paid into escrow until it is released or refunded;
 * it is opened the same way by the first escrow of its asset, with the code {@code escrow.<ASSET>}.
 *
 * The breakage account of an asset receives what is left of grants when they expire. It is opened,
 * credit-normal and without a balance constraint, by the first grant of its asset, with the code
 * {@code breakage.<ASSET>} (or no code, when a client's account already took that code).
 */
public final class SystemAccounts {
    private SystemAccounts() {}

    public static UUID breakageAccountId(UUID ledgerId, String asset) {
        return UUID.nameUUIDFromBytes(("credit-ledger/breakage/" + ledgerId + "/" + asset).getBytes(StandardCharsets.UTF_8));
    }

    public static String breakageAccountCode(String asset) {
        return "breakage." + asset;
    }

    /** The escrow account of an asset: holds what buyers paid for orders not yet released or refunded. */
    public static UUID escrowAccountId(UUID ledgerId, String asset) {
        return UUID.nameUUIDFromBytes(("credit-ledger/escrow/" + ledgerId + "/" + asset).getBytes(StandardCharsets.UTF_8));
    }

    public static String escrowAccountCode(String asset) {
        return "escrow." + asset;
    }

    /** The id of the n-th expiry entry of a grant made implicitly by the state machine (deterministic). */
    public static UUID grantExpiryEntryId(UUID grantId, long seq) {
        return UUID.nameUUIDFromBytes(("credit-ledger/grant-expiry/" + grantId + "/" + seq).getBytes(StandardCharsets.UTF_8));
    }
}
