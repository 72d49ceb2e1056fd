package dev.creditledger.core;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A journal entry as a rule of the state machine asks for it, before balances and its sequence number are
 * known: what it records and the lines it posts. {@link PostingStateMachine#writeEntry} applies the lines,
 * checks the balances and numbers the entry. A draft starts from {@link #of} (a multi-leg entry) and adds what
 * its kind carries with the {@code with...} methods, so every rule names what it sets.
 *
 * @param fromAccountId     the source of a transfer-shaped entry (see {@link Entry}); null for a multi-leg entry
 * @param toAccountId       its destination; null for a multi-leg entry
 * @param amountMinor       its amount; zero for a multi-leg entry
 * @param asset             its asset; null for a multi-leg entry
 * @param referenceId       the hold, transfer, grant or escrow the entry resolves; null for none
 * @param expiresAt         when a hold expires; null for none
 * @param grantChanges      what the entry does to grants, in order
 * @param constraintChecked whether an account's balance constraint may refuse the entry; false only for
 *                          entries that are never refused (a grant's expiry takes back only what it gave)
 */
record EntryDraft(
        UUID ledgerId,
        UUID entryId,
        EntryKind kind,
        UUID fromAccountId,
        UUID toAccountId,
        long amountMinor,
        String asset,
        UUID referenceId,
        Instant expiresAt,
        Map<String, String> metadata,
        List<Line> lines,
        List<GrantChange> grantChanges,
        boolean constraintChecked) {

    /** A line to post: {@code postedMinor} on {@code side} and a change of the pending total on that side. */
    record Line(UUID accountId, Side side, long postedMinor, long pendingDeltaMinor) {}

    /** A multi-leg entry of these lines: no source, destination, amount or asset, no grant changes, constraints checked. */
    static EntryDraft of(UUID ledgerId, UUID entryId, EntryKind kind, Map<String, String> metadata, List<Line> lines) {
        return new EntryDraft(ledgerId, entryId, kind, null, null, 0, null, null, null, metadata, lines, List.of(), true);
    }

    /** The same entry, transfer-shaped: it moves {@code amountMinor} of {@code asset} from {@code from} to {@code to}. */
    EntryDraft withTransfer(UUID from, UUID to, long amountMinor, String asset) {
        return new EntryDraft(ledgerId, entryId, kind, from, to, amountMinor, asset, referenceId, expiresAt, metadata, lines,
                grantChanges, constraintChecked);
    }

    EntryDraft withReference(UUID referenceId) {
        return new EntryDraft(ledgerId, entryId, kind, fromAccountId, toAccountId, amountMinor, asset, referenceId, expiresAt,
                metadata, lines, grantChanges, constraintChecked);
    }

    EntryDraft withExpiry(Instant expiresAt) {
        return new EntryDraft(ledgerId, entryId, kind, fromAccountId, toAccountId, amountMinor, asset, referenceId, expiresAt,
                metadata, lines, grantChanges, constraintChecked);
    }

    EntryDraft withGrantChanges(List<GrantChange> grantChanges) {
        return new EntryDraft(ledgerId, entryId, kind, fromAccountId, toAccountId, amountMinor, asset, referenceId, expiresAt,
                metadata, lines, grantChanges, constraintChecked);
    }

    /** The same entry, written whatever the balance constraints of its accounts say. */
    EntryDraft withoutConstraintCheck() {
        return new EntryDraft(ledgerId, entryId, kind, fromAccountId, toAccountId, amountMinor, asset, referenceId, expiresAt,
                metadata, lines, grantChanges, false);
    }
}
