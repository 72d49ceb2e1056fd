package dev.creditledger.core;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The part of the ledgers a batch can see: last sequence numbers, assets, accounts, transfers and
 * idempotency records. The PostgreSQL engine loads (and locks) exactly what a batch references; the
 * in-memory engine used in tests keeps everything. The state machine changes it in place and can
 * undo its own changes back to a savepoint, which is how one failing command (or one failing
 * all-or-nothing submission) is rejected alone.
 *
 * Look-ups are scoped by ledger: an account or transfer of another ledger is not found.
 */
public final class LedgerState {

    private record CodeKey(UUID ledgerId, String code) {}

    private final Map<UUID, Long> lastSeqByLedger = new HashMap<>();
    private final Map<CodeKey, Asset> assets = new HashMap<>();
    private final Map<UUID, AccountState> accounts = new HashMap<>();
    private final Map<CodeKey, UUID> accountIdsByCode = new HashMap<>();
    private final Map<UUID, TransferState> transfers = new HashMap<>();
    private final Map<CodeKey, IdempotencyRecord> idempotency = new HashMap<>();
    private final List<Runnable> undoLog = new ArrayList<>();

    // ---- loading (no undo: this is the state the batch starts from) ----

    public void loadLedger(UUID ledgerId, long lastSeq) {
        lastSeqByLedger.put(ledgerId, lastSeq);
    }

    public void loadAsset(UUID ledgerId, Asset asset) {
        assets.put(new CodeKey(ledgerId, asset.code()), asset);
    }

    public void loadAccount(AccountState state) {
        accounts.put(state.account().id(), state);
        if (state.account().code() != null) {
            accountIdsByCode.put(new CodeKey(state.account().ledgerId(), state.account().code()), state.account().id());
        }
    }

    /** Records that a code is taken in a ledger, when the account holding it was not loaded itself. */
    public void loadTakenCode(UUID ledgerId, String code, UUID accountId) {
        accountIdsByCode.put(new CodeKey(ledgerId, code), accountId);
    }

    public void loadTransfer(TransferState state) {
        transfers.put(state.transferId(), state);
    }

    public void loadIdempotency(IdempotencyRecord record) {
        idempotency.put(new CodeKey(record.ledgerId(), record.key()), record);
    }

    // ---- look-ups ----

    public boolean hasLedger(UUID ledgerId) {
        return lastSeqByLedger.containsKey(ledgerId);
    }

    public long lastSeq(UUID ledgerId) {
        return lastSeqByLedger.getOrDefault(ledgerId, 0L);
    }

    public Asset asset(UUID ledgerId, String code) {
        return assets.get(new CodeKey(ledgerId, code));
    }

    public AccountState account(UUID ledgerId, UUID accountId) {
        var state = accounts.get(accountId);
        return state != null && state.account().ledgerId().equals(ledgerId) ? state : null;
    }

    /** Any account with this id, whatever its ledger: ids are unique across ledgers. */
    public boolean accountIdExists(UUID accountId) {
        return accounts.containsKey(accountId);
    }

    public UUID accountIdByCode(UUID ledgerId, String code) {
        return accountIdsByCode.get(new CodeKey(ledgerId, code));
    }

    public TransferState transfer(UUID ledgerId, UUID transferId) {
        var state = transfers.get(transferId);
        return state != null && state.ledgerId().equals(ledgerId) ? state : null;
    }

    public IdempotencyRecord idempotency(UUID ledgerId, String key) {
        return idempotency.get(new CodeKey(ledgerId, key));
    }

    public Map<UUID, AccountState> accounts() {
        return java.util.Collections.unmodifiableMap(accounts);
    }

    public Map<UUID, TransferState> transfers() {
        return java.util.Collections.unmodifiableMap(transfers);
    }

    // ---- changes (undoable) ----

    long nextSeq(UUID ledgerId) {
        long previous = lastSeq(ledgerId);
        lastSeqByLedger.put(ledgerId, previous + 1);
        undoLog.add(() -> lastSeqByLedger.put(ledgerId, previous));
        return previous + 1;
    }

    void putAccount(AccountState state) {
        var id = state.account().id();
        var previous = accounts.put(id, state);
        undoLog.add(() -> restore(accounts, id, previous));
        if (previous == null && state.account().code() != null) {
            var codeKey = new CodeKey(state.account().ledgerId(), state.account().code());
            var previousId = accountIdsByCode.put(codeKey, id);
            undoLog.add(() -> restore(accountIdsByCode, codeKey, previousId));
        }
    }

    void putTransfer(TransferState state) {
        var previous = transfers.put(state.transferId(), state);
        undoLog.add(() -> restore(transfers, state.transferId(), previous));
    }

    void putIdempotency(IdempotencyRecord record) {
        var key = new CodeKey(record.ledgerId(), record.key());
        var previous = idempotency.put(key, record);
        undoLog.add(() -> restore(idempotency, key, previous));
    }

    /** Registers an undo action for a change kept outside this state (the state machine's output lists). */
    void onRollback(Runnable undo) {
        undoLog.add(undo);
    }

    int savepoint() {
        return undoLog.size();
    }

    void rollbackTo(int savepoint) {
        for (int i = undoLog.size() - 1; i >= savepoint; i--) {
            undoLog.remove(i).run();
        }
    }

    /** Forgets the undo log: the batch's changes are final. */
    void commit() {
        undoLog.clear();
    }

    private static <K, V> void restore(Map<K, V> map, K key, V previous) {
        if (previous == null) {
            map.remove(key);
        } else {
            map.put(key, previous);
        }
    }
}
