package dev.creditledger.core;

import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * What applying one batch produced: a result for every request (grouped per submission, in order) and
 * everything that must be written in the batch's single transaction. The writer and the events read the
 * same components, so what a batch did is worked out once, by the state machine.
 *
 * @param createdAccounts every account the batch opened, in the order it opened them
 * @param closedAccounts every account the batch closed, in the order it closed them (never a replayed closure)
 * @param changedAccounts final state of every account created or changed by the batch
 * @param changedTransfers final state of every transfer created or changed by the batch
 * @param changedGrants final state of every grant made or changed by the batch
 * @param changedEscrows final state of every escrow funded or changed by the batch
 * @param lastSeqByLedger the last sequence number of every ledger the batch advanced
 */
public record BatchOutcome(
        List<List<CommandResult>> results,
        List<Account> createdAccounts,
        List<AccountClosure> closedAccounts,
        List<Entry> entries,
        List<AccountState> changedAccounts,
        List<TransferState> changedTransfers,
        List<GrantState> changedGrants,
        List<EscrowState> changedEscrows,
        List<IdempotencyRecord> newIdempotencyRecords,
        Map<UUID, Long> lastSeqByLedger) {

    public boolean writesNothing() {
        return createdAccounts.isEmpty() && closedAccounts.isEmpty() && entries.isEmpty() && changedAccounts.isEmpty()
                && newIdempotencyRecords.isEmpty();
    }
}
