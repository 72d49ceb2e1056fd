package dev.creditledger.core;

import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * What applying one batch produced: a result for every request (grouped per submission, in order) and
 * everything that must be written in the batch's single transaction.
 *
 * @param changedAccounts final state of every account created or changed by the batch
 * @param changedTransfers final state of every transfer created or changed by the batch
 * @param changedGrants final state of every grant made or changed by the batch
 * @param changedEscrows final state of every escrow funded or changed by the batch
 * @param lastSeqByLedger the last sequence number of every ledger the batch advanced
 */
public record BatchOutcome(
        List<List<CommandResult>> results,
        List<Account> createdAccounts,
        List<Entry> entries,
        List<AccountState> changedAccounts,
        List<TransferState> changedTransfers,
        List<GrantState> changedGrants,
        List<EscrowState> changedEscrows,
        List<IdempotencyRecord> newIdempotencyRecords,
        Map<UUID, Long> lastSeqByLedger) {

    public boolean writesNothing() {
        return createdAccounts.isEmpty() && entries.isEmpty() && changedAccounts.isEmpty()
                && newIdempotencyRecords.isEmpty();
    }
}
