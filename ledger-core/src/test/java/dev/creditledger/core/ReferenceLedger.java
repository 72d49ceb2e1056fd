package dev.creditledger.core;

import java.math.BigInteger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * A deliberately naive model of the ledger rules, written from the specification and independent of
 * {@link PostingStateMachine}: plain maps of immutable values, one request at a time, every check done
 * before anything is changed, and an all-or-nothing submission applied to a copy that is kept only when
 * every request succeeds. Where the specification does not fix which of several violated rules is
 * reported, the model checks in a natural order (input first, then existence, then status, then money).
 */
final class ReferenceLedger {

    /** The model's own result type; compared field by field with the state machine's results. */
    record Res(boolean accepted, Reason reason, UUID subject, long seq, boolean replayed) {
        static Res ok(UUID subject, long seq) {
            return new Res(true, null, subject, seq, false);
        }

        static Res no(Reason reason) {
            return new Res(false, reason, null, 0, false);
        }

        Res replay() {
            return new Res(accepted, reason, subject, seq, true);
        }

        static Res of(CommandResult r) {
            return switch (r) {
                case CommandResult.Accepted a -> new Res(true, null, a.subjectId(), a.seq(), a.replayed());
                case CommandResult.Rejected x -> new Res(false, x.reason(), null, 0, x.replayed());
            };
        }
    }

    record Acct(UUID id, UUID ledger, String code, String asset, Side normal, Long limit,
                long dp, long cp, long dpend, long cpend, boolean closed, long version) {}

    record Xfer(UUID id, UUID ledger, UUID from, UUID to, String asset, long amount, boolean hold,
                TransferStatus status, long posted, long reversed, Instant expiresAt, List<Draw> draws) {}

    /** What a transfer holds of one grant (reserved by a hold, or consumed and still restorable). */
    record Draw(UUID grant, long amount) {}

    /** An order's escrow: held = amount - released - refunded. */
    record Esc(UUID id, UUID ledger, String order, UUID buyer, UUID seller, UUID account, String asset, long amount,
               long released, long refunded, long seq) {}

    /** A grant: amount = remaining + reserved + consumed + expired. */
    record Gr(UUID id, UUID ledger, UUID account, String asset, long amount, long remaining, long reserved, long consumed,
              long expired, Instant expiresAt, long seq, UUID expiryAccount) {
        Gr with(long remaining, long reserved, long consumed, long expired) {
            return new Gr(id, ledger, account, asset, amount, remaining, reserved, consumed, expired, expiresAt, seq, expiryAccount);
        }
    }

    record Stored(String hash, Res result) {}

    /**
     * A journal entry as the model remembers it for reversals (ADR 0018): its kind, the transfer it belongs to
     * (TRANSFER, HOLD, CAPTURE), the escrow (as "ledger/order") of an escrow entry, its postings grouped by
     * account and side in the order of their first posting (with what reversals took back of each), what its
     * debits consumed of each account's grants in draw order, and what reversals gave back of that per account.
     */
    record Ent(UUID id, UUID ledger, EntryKind kind, UUID transfer, String escrow, List<Leg> legs,
               Map<UUID, List<Draw>> consumed, Map<UUID, Long> restored) {
        static Ent of(UUID id, UUID ledger, EntryKind kind) {
            return new Ent(id, ledger, kind, null, null, List.of(), Map.of(), Map.of());
        }
    }

    /** All of an entry's postings on one account and side: the amount posted and how much reversals took back. */
    record Leg(UUID account, Side side, String asset, long amount, long reversed) {}

    record IdemKey(UUID ledger, String key) {}

    /** Whole model state; copied (shallowly: values are immutable) for an all-or-nothing submission. */
    static final class World {
        final Map<UUID, Long> seq;
        final Map<UUID, Set<String>> assets;
        final Map<UUID, Acct> accounts;
        final Map<UUID, Xfer> transfers;
        final Map<IdemKey, Stored> idem;
        final Map<IdemKey, Stored> newIdem; // records made by the current batch, in order of first storing
        final Map<UUID, Gr> grants;
        final Map<UUID, List<UUID>> grantIdsByAccount; // immutable lists, replaced when a grant is added
        final Map<String, Esc> escrows;                // by ledger + "/" + order id
        final Map<UUID, Ent> entries;                  // every entry, for reversals
        Map<UUID, Map<String, String>> metadata = new HashMap<>(); // accounts' metadata (never changes; shared with trials)
        Map<UUID, List<Long>> thresholds = new HashMap<>();        // accounts' alert thresholds (set at opening; shared)
        List<String> alerts = new ArrayList<>();                  // crossings of the current batch: "account/threshold/DIRECTION"
        final List<UUID> implicitEntries;   // expiry entries made by the current batch without their own command
        final List<UUID> implicitAccounts;  // breakage accounts opened by the current batch without their own command

        World() {
            this(new HashMap<>(), new HashMap<>(), new HashMap<>(), new HashMap<>(), new HashMap<>(), new LinkedHashMap<>(),
                    new HashMap<>(), new HashMap<>(), new HashMap<>(), new HashMap<>(), new ArrayList<>(), new ArrayList<>());
        }

        World(Map<UUID, Long> seq, Map<UUID, Set<String>> assets, Map<UUID, Acct> accounts, Map<UUID, Xfer> transfers,
              Map<IdemKey, Stored> idem, Map<IdemKey, Stored> newIdem, Map<UUID, Gr> grants,
              Map<UUID, List<UUID>> grantIdsByAccount, Map<String, Esc> escrows, Map<UUID, Ent> entries,
              List<UUID> implicitEntries, List<UUID> implicitAccounts) {
            this.seq = seq;
            this.assets = assets;
            this.accounts = accounts;
            this.transfers = transfers;
            this.idem = idem;
            this.newIdem = newIdem;
            this.grants = grants;
            this.grantIdsByAccount = grantIdsByAccount;
            this.escrows = escrows;
            this.entries = entries;
            this.implicitEntries = implicitEntries;
            this.implicitAccounts = implicitAccounts;
        }

        /**
         * A copy for a trial (every request runs on one). The sequences are copied; the maps are read-through
         * overlays whose writes stay local until the trial is adopted.
         */
        World copy() {
            var trial = new World(new HashMap<>(seq), assets, new Overlay<>(accounts), new Overlay<>(transfers),
                    new Overlay<>(idem), new LinkedHashMap<>(newIdem), new Overlay<>(grants), new Overlay<>(grantIdsByAccount),
                    new Overlay<>(escrows), new Overlay<>(entries), new ArrayList<>(implicitEntries),
                    new ArrayList<>(implicitAccounts));
            trial.metadata = metadata;
            trial.thresholds = thresholds;
            trial.alerts = new ArrayList<>(alerts);
            return trial;
        }

        /** Keeps a successful trial: its overlays are written through to this world's maps. */
        void adopt(World trial) {
            seq.putAll(trial.seq);
            accounts.putAll(((Overlay<UUID, Acct>) trial.accounts).local);
            transfers.putAll(((Overlay<UUID, Xfer>) trial.transfers).local);
            idem.putAll(((Overlay<IdemKey, Stored>) trial.idem).local);
            newIdem.clear();
            newIdem.putAll(trial.newIdem);
            grants.putAll(((Overlay<UUID, Gr>) trial.grants).local);
            grantIdsByAccount.putAll(((Overlay<UUID, List<UUID>>) trial.grantIdsByAccount).local);
            escrows.putAll(((Overlay<String, Esc>) trial.escrows).local);
            entries.putAll(((Overlay<UUID, Ent>) trial.entries).local);
            implicitEntries.clear();
            implicitEntries.addAll(trial.implicitEntries);
            implicitAccounts.clear();
            implicitAccounts.addAll(trial.implicitAccounts);
            alerts = trial.alerts;
        }
    }

    /** A map that reads its own entries first, then the base map's; writes never reach the base. No removals. */
    static final class Overlay<K, V> extends java.util.AbstractMap<K, V> {
        final Map<K, V> base;
        final Map<K, V> local = new HashMap<>();

        Overlay(Map<K, V> base) {
            this.base = base;
        }

        @Override
        public V get(Object key) {
            V v = local.get(key);
            return v != null ? v : base.get(key);
        }

        @Override
        public boolean containsKey(Object key) {
            return local.containsKey(key) || base.containsKey(key);
        }

        @Override
        public V put(K key, V value) {
            V previous = get(key);
            local.put(key, value);
            return previous;
        }

        /** A snapshot of the merged view: the base's entries, overridden by the local ones. */
        @Override
        public Set<Entry<K, V>> entrySet() {
            var merged = new HashMap<K, V>(base);
            merged.putAll(local);
            return java.util.Collections.unmodifiableMap(merged).entrySet();
        }
    }

    private final World w = new World();

    void addLedger(UUID ledger, String... assetCodes) {
        w.seq.put(ledger, 0L);
        w.assets.put(ledger, Set.of(assetCodes));
    }

    Map<UUID, Acct> accounts() {
        return w.accounts;
    }

    Map<UUID, Xfer> transfers() {
        return w.transfers;
    }

    Map<UUID, Gr> grants() {
        return w.grants;
    }

    Map<String, Esc> escrows() {
        return w.escrows;
    }

    /** Expiry entries the last batch made inside other commands. */
    List<UUID> implicitEntries() {
        return w.implicitEntries;
    }

    /** The alert thresholds the last batch's entries crossed, as "account/threshold/DIRECTION", in no particular order. */
    List<String> alerts() {
        return w.alerts;
    }

    /** Breakage accounts the last batch opened inside grant commands. */
    List<UUID> implicitAccounts() {
        return w.implicitAccounts;
    }

    long lastSeq(UUID ledger) {
        return w.seq.getOrDefault(ledger, 0L);
    }

    /** Idempotency records stored by the last batch, keyed by (ledger, key). */
    Map<IdemKey, Stored> newIdempotencyRecords() {
        return w.newIdem;
    }

    List<List<Res>> apply(List<Submission> batch, Instant now) {
        w.newIdem.clear();
        w.implicitEntries.clear();
        w.implicitAccounts.clear();
        w.alerts = new ArrayList<>();
        List<List<Res>> out = new ArrayList<>();
        for (var s : batch) {
            out.add(s.atomic() ? applyAtomic(s.requests(), now) : applyEach(s.requests(), now));
        }
        return out;
    }

    private List<Res> applyEach(List<Request> requests, Instant now) {
        List<Res> out = new ArrayList<>();
        for (var r : requests) {
            out.add(handle(w, r, now));
        }
        return out;
    }

    private List<Res> applyAtomic(List<Request> requests, Instant now) {
        World trial = w.copy();
        List<Res> tried = new ArrayList<>();
        int failed = -1;
        for (int i = 0; i < requests.size(); i++) {
            Res res = handle(trial, requests.get(i), now);
            tried.add(res);
            if (!res.accepted()) {
                failed = i;
                break;
            }
        }
        if (failed < 0) {
            w.adopt(trial);
            return tried;
        }
        // Nothing of the trial remains. Answer again against the untouched world: keys answered before the
        // submission (or earlier in this answer) replay; the failing request keeps its result; the others
        // are linked failures. Fresh answers are stored under their keys.
        Res failure = tried.get(failed);
        List<Res> out = new ArrayList<>();
        for (int i = 0; i < requests.size(); i++) {
            var r = requests.get(i);
            Res seen = seenBefore(w, r);
            if (seen != null) {
                out.add(seen);
                continue;
            }
            Res res = i == failed ? failure : Res.no(Reason.LINKED_COMMAND_FAILED);
            store(w, r, res);
            out.add(res);
        }
        return out;
    }

    /** A replay or key conflict when the request's key was seen in its ledger, else null. */
    private static Res seenBefore(World w, Request r) {
        if (r.idempotency() == null) {
            return null;
        }
        Stored s = w.idem.get(new IdemKey(r.ledgerId(), r.idempotency().key()));
        if (s == null) {
            return null;
        }
        return s.hash().equals(r.idempotency().requestHash()) ? s.result().replay() : Res.no(Reason.IDEMPOTENCY_KEY_REUSED);
    }

    private static void store(World w, Request r, Res res) {
        // A key belongs to a ledger: a request to an unknown ledger has nowhere to keep it.
        if (r.idempotency() != null && w.seq.containsKey(r.ledgerId())) {
            var k = new IdemKey(r.ledgerId(), r.idempotency().key());
            var s = new Stored(r.idempotency().requestHash(), res);
            w.idem.put(k, s);
            w.newIdem.put(k, s);
        }
    }

    /** Runs the request on a copy, kept only when it is accepted: a command may write expiry entries before it fails. */
    private static Res handle(World w, Request r, Instant now) {
        Res seen = seenBefore(w, r);
        if (seen != null) {
            return seen;
        }
        World trial = w.copy();
        Res res = execute(trial, r.ledgerId(), r.command(), now);
        if (res.accepted()) {
            w.adopt(trial);
        }
        store(w, r, res);
        return res;
    }

    // ---------------------------------------------------------------- commands

    /** Thrown by checks; a request runs on a copy of the world, so nothing needs undoing. */
    private static final class No extends RuntimeException {
        final Reason reason;

        No(Reason reason) {
            super(reason.name(), null, false, false);
            this.reason = reason;
        }
    }

    private static void fail(Reason reason) {
        throw new No(reason);
    }

    private static Res execute(World w, UUID ledger, Command c, Instant now) {
        try {
            if (!w.seq.containsKey(ledger)) {
                fail(Reason.LEDGER_NOT_FOUND);
            }
            validateInput(c);
            return switch (c) {
                case Command.CreateAccount a -> createAccount(w, ledger, a);
                case Command.CloseAccount a -> closeAccount(w, ledger, a, now);
                case Command.PostTransfer t -> transfer(w, ledger, t, now);
                case Command.PostEntry e -> entry(w, ledger, e, now);
                case Command.CaptureHold h -> resolve(w, ledger, h.entryId(), h.holdId(), 'C', h.amountMinor(), now);
                case Command.VoidHold h -> resolve(w, ledger, h.entryId(), h.holdId(), 'V', null, now);
                case Command.ExpireHold h -> resolve(w, ledger, h.entryId(), h.holdId(), 'E', null, now);
                case Command.ReverseTransfer rv -> reverse(w, ledger, rv, now);
                case Command.ReverseEntry rv -> reverseEntry(w, ledger, rv, now);
                case Command.IssueGrant g -> grant(w, ledger, g, now);
                case Command.EarnPoints e -> earn(w, ledger, e, now);
                case Command.ExpireGrant x -> expireGrant(w, ledger, x, now);
                case Command.FundEscrow f -> fundEscrow(w, ledger, f, now);
                case Command.ReleaseEscrow r -> releaseEscrow(w, ledger, r);
                case Command.RefundEscrow r -> refundEscrow(w, ledger, r);
                case Command.RecordUsage u -> usage(w, ledger, u, now);
            };
        } catch (No no) {
            return Res.no(no.reason);
        }
    }

    // ---- input rules (independent of state) ----

    private static void validateInput(Command c) {
        switch (c) {
            case Command.CreateAccount a -> {
                if (a.code() != null && (a.code().isBlank() || a.code().length() > Limits.ACCOUNT_CODE_LENGTH_MAX || !storable(a.code()))) {
                    fail(Reason.ACCOUNT_CODE_INVALID);
                }
                assetCode(a.asset());
                if (a.normalSide() == null) {
                    fail(Reason.ASSET_INVALID);
                }
                if (a.overdraftLimitMinor() != null
                        && (a.overdraftLimitMinor() < 0 || a.overdraftLimitMinor() > Limits.OVERDRAFT_LIMIT_MINOR_MAX)) {
                    fail(Reason.OVERDRAFT_LIMIT_INVALID);
                }
                // Thresholds before metadata, as the validator orders them (a request can break both rules).
                if (a.alertThresholds() != null) {
                    if (a.alertThresholds().size() > Limits.ALERT_THRESHOLDS_PER_ACCOUNT_MAX
                            || new HashSet<>(a.alertThresholds()).size() != a.alertThresholds().size()) {
                        fail(Reason.ALERT_THRESHOLDS_INVALID);
                    }
                    for (var t : a.alertThresholds()) {
                        if (t == null || t > Limits.AMOUNT_MINOR_MAX || t < -Limits.AMOUNT_MINOR_MAX) {
                            fail(Reason.ALERT_THRESHOLDS_INVALID);
                        }
                    }
                }
                metadata(a.metadata());
            }
            case Command.CloseAccount a -> { }
            case Command.PostTransfer t -> {
                amount(t.amountMinor());
                if (t.from().equals(t.to())) {
                    fail(Reason.SAME_ACCOUNT);
                }
                assetCode(t.asset());
                if (t.holdTimeout() != null) {
                    if (!t.pending()) {
                        fail(Reason.HOLD_TIMEOUT_INVALID);
                    }
                    var d = t.holdTimeout();
                    if (d.isNegative() || d.isZero() || d.getNano() != 0 || d.getSeconds() > Limits.HOLD_TIMEOUT_SECONDS_MAX) {
                        fail(Reason.HOLD_TIMEOUT_INVALID);
                    }
                }
                metadata(t.metadata());
            }
            case Command.PostEntry e -> {
                int n = e.postings().size();
                if (n < Limits.ENTRY_POSTINGS_MIN) {
                    fail(Reason.ENTRY_TOO_FEW_POSTINGS);
                }
                if (n > Limits.ENTRY_POSTINGS_MAX) {
                    fail(Reason.ENTRY_TOO_MANY_POSTINGS);
                }
                Map<String, BigInteger> net = new HashMap<>();
                Map<String, BigInteger[]> sums = new HashMap<>();
                for (var line : e.postings()) {
                    amount(line.amountMinor());
                    assetCode(line.asset());
                    var s = sums.computeIfAbsent(line.asset() + "/" + line.side(), k -> new BigInteger[] {BigInteger.ZERO});
                    s[0] = s[0].add(BigInteger.valueOf(line.amountMinor()));
                    if (s[0].bitLength() > 63) {
                        fail(Reason.AMOUNT_OVERFLOW);
                    }
                    net.merge(line.asset(), BigInteger.valueOf(line.side() == Side.DEBIT ? line.amountMinor() : -line.amountMinor()),
                            BigInteger::add);
                }
                for (var v : net.values()) {
                    if (v.signum() != 0) {
                        fail(Reason.ENTRY_NOT_BALANCED);
                    }
                }
                metadata(e.metadata());
            }
            case Command.CaptureHold h -> {
                if (h.amountMinor() != null) {
                    amount(h.amountMinor());
                }
                metadata(h.metadata());
            }
            case Command.VoidHold h -> metadata(h.metadata());
            case Command.ExpireHold h -> { }
            case Command.ReverseTransfer rv -> {
                if (rv.amountMinor() != null) {
                    amount(rv.amountMinor());
                }
                metadata(rv.metadata());
            }
            case Command.ReverseEntry rv -> {
                if (rv.amountMinor() != null && rv.postings() != null) {
                    fail(Reason.REVERSAL_INVALID);
                }
                if (rv.amountMinor() != null) {
                    amount(rv.amountMinor());
                }
                if (rv.postings() != null) {
                    if (rv.postings().isEmpty() || rv.postings().size() > Limits.ENTRY_POSTINGS_MAX) {
                        fail(Reason.REVERSAL_INVALID);
                    }
                    Set<String> named = new HashSet<>();
                    for (var line : rv.postings()) {
                        if (line == null || line.accountId() == null || line.side() == null) {
                            fail(Reason.REVERSAL_INVALID);
                        }
                        amount(line.amountMinor());
                        if (!named.add(line.accountId() + "/" + line.side())) {
                            fail(Reason.REVERSAL_INVALID);
                        }
                    }
                }
                metadata(rv.metadata());
            }
            case Command.IssueGrant g -> {
                amount(g.amountMinor());
                if (g.accountId().equals(g.fromAccountId())) {
                    fail(Reason.SAME_ACCOUNT);
                }
                assetCode(g.asset());
                if (g.source() != null && (g.source().isBlank() || g.source().length() > Limits.GRANT_SOURCE_LENGTH_MAX
                        || !storable(g.source()))) {
                    fail(Reason.GRANT_SOURCE_INVALID);
                }
                metadata(g.metadata());
            }
            case Command.ExpireGrant x -> { }
            case Command.EarnPoints e -> {
                amount(e.spendMinor());
                if (e.memberAccountId().equals(e.programAccountId())) {
                    fail(Reason.SAME_ACCOUNT);
                }
                assetCode(e.asset());
                metadata(e.metadata());
            }
            case Command.FundEscrow f -> {
                orderId(f.orderId());
                amount(f.amountMinor());
                if (f.buyer().equals(f.seller())) {
                    fail(Reason.SAME_ACCOUNT);
                }
                assetCode(f.asset());
                metadata(f.metadata());
            }
            case Command.ReleaseEscrow r -> {
                orderId(r.orderId());
                if (r.feeMinor() < 0 || (r.feeMinor() > 0 && r.feeAccountId() == null)) {
                    fail(Reason.ESCROW_FEE_INVALID);
                }
                if (r.feeMinor() > Limits.AMOUNT_MINOR_MAX) {
                    fail(Reason.AMOUNT_EXCEEDS_LIMIT);
                }
                metadata(r.metadata());
            }
            case Command.RecordUsage u -> {
                amount(u.amountMinor());
                if (u.accountId().equals(u.revenueAccountId()) || u.overageAccountId().equals(u.revenueAccountId())
                        || u.accountId().equals(u.overageAccountId())) {
                    fail(Reason.SAME_ACCOUNT);
                }
                assetCode(u.asset());
                metadata(u.metadata());
            }
            case Command.RefundEscrow r -> {
                orderId(r.orderId());
                if (r.amountMinor() != null) {
                    amount(r.amountMinor());
                }
                metadata(r.metadata());
            }
        }
    }

    private static void orderId(String id) {
        if (id == null || id.isEmpty() || id.length() > Limits.ESCROW_ORDER_ID_LENGTH_MAX || !storable(id)) {
            fail(Reason.ESCROW_ORDER_ID_INVALID);
        }
        for (int i = 0; i < id.length(); i++) {
            if (Character.isISOControl(id.charAt(i)) || id.charAt(i) == '/') {
                fail(Reason.ESCROW_ORDER_ID_INVALID);
            }
        }
    }

    private static void amount(long a) {
        if (a <= 0) {
            fail(Reason.AMOUNT_NOT_POSITIVE);
        }
        if (a > Limits.AMOUNT_MINOR_MAX) {
            fail(Reason.AMOUNT_EXCEEDS_LIMIT);
        }
    }

    private static void assetCode(String code) {
        if (code == null || code.isEmpty() || code.length() > Limits.ASSET_CODE_LENGTH_MAX) {
            fail(Reason.ASSET_INVALID);
        }
        for (int i = 0; i < code.length(); i++) {
            char ch = code.charAt(i);
            boolean ok = (ch >= 'A' && ch <= 'Z') || (i > 0 && ((ch >= '0' && ch <= '9') || ch == '_'));
            if (!ok) {
                fail(Reason.ASSET_INVALID);
            }
        }
    }

    private static void metadata(Map<String, String> m) {
        if (m.size() > Limits.METADATA_ENTRIES_MAX) {
            fail(Reason.METADATA_INVALID);
        }
        for (var e : m.entrySet()) {
            if (e.getKey().isEmpty() || e.getKey().length() > Limits.METADATA_KEY_LENGTH_MAX
                    || e.getValue().length() > Limits.METADATA_VALUE_LENGTH_MAX || !storable(e.getKey()) || !storable(e.getValue())) {
                fail(Reason.METADATA_INVALID);
            }
        }
    }

    /** What PostgreSQL stores exactly: no NUL, and text that survives a trip through UTF-8 unchanged. */
    private static boolean storable(String s) {
        return s.indexOf('\u0000') < 0
                && new String(s.getBytes(java.nio.charset.StandardCharsets.UTF_8), java.nio.charset.StandardCharsets.UTF_8).equals(s);
    }

    // ---- state rules ----

    private static Res createAccount(World w, UUID ledger, Command.CreateAccount a) {
        if (!w.assets.get(ledger).contains(a.asset())) {
            fail(Reason.ASSET_NOT_FOUND);
        }
        if (w.accounts.containsKey(a.accountId())) {
            fail(Reason.ACCOUNT_ALREADY_EXISTS);
        }
        if (a.code() != null) {
            for (var other : w.accounts.values()) {
                if (other.ledger().equals(ledger) && a.code().equals(other.code())) {
                    fail(Reason.ACCOUNT_CODE_TAKEN);
                }
            }
        }
        long seq = nextSeq(w, ledger);
        w.accounts.put(a.accountId(), new Acct(a.accountId(), ledger, a.code(), a.asset(), a.normalSide(),
                a.overdraftLimitMinor(), 0, 0, 0, 0, false, 0));
        w.metadata.put(a.accountId(), a.metadata());
        if (a.alertThresholds() != null) {
            w.thresholds.put(a.accountId(), List.copyOf(a.alertThresholds()));
        }
        return Res.ok(a.accountId(), seq);
    }

    private static Res closeAccount(World w, UUID ledger, Command.CloseAccount c, Instant now) {
        Acct a = account(w, ledger, c.accountId());
        if (a.closed()) {
            fail(Reason.ACCOUNT_CLOSED);
        }
        sweep(w, ledger, a.id(), now);
        a = w.accounts.get(a.id());
        for (var g : grantsInSpendOrder(w, a.id())) {
            if (g.expired() == 0 && g.remaining() + g.reserved() > 0) {
                fail(Reason.ACCOUNT_BALANCE_NOT_ZERO);
            }
        }
        if (a.dp() != a.cp() || a.dpend() != 0 || a.cpend() != 0) {
            fail(Reason.ACCOUNT_BALANCE_NOT_ZERO);
        }
        long seq = nextSeq(w, ledger);
        w.accounts.put(a.id(), new Acct(a.id(), a.ledger(), a.code(), a.asset(), a.normal(), a.limit(),
                a.dp(), a.cp(), a.dpend(), a.cpend(), true, a.version()));
        return Res.ok(a.id(), seq);
    }

    private static Res transfer(World w, UUID ledger, Command.PostTransfer t, Instant now) {
        Acct from = account(w, ledger, t.from());
        Acct to = account(w, ledger, t.to());
        open(from);
        open(to);
        if (!from.asset().equals(t.asset()) || !to.asset().equals(t.asset())) {
            fail(Reason.ASSET_MISMATCH);
        }
        long posted = t.pending() ? 0 : t.amountMinor();
        long pending = t.pending() ? t.amountMinor() : 0;
        sweep(w, ledger, t.from(), now);
        var draws = draw(w, t.from(), t.amountMinor(), t.pending(), now);
        post(w, List.of(new Move(t.from(), Side.DEBIT, posted, pending), new Move(t.to(), Side.CREDIT, posted, pending)), true);
        long seq = nextSeq(w, ledger);
        Instant expiresAt = t.pending() && t.holdTimeout() != null ? now.plusSeconds(t.holdTimeout().getSeconds()) : null;
        w.transfers.put(t.transferId(), new Xfer(t.transferId(), ledger, t.from(), t.to(), t.asset(), t.amountMinor(),
                t.pending(), t.pending() ? TransferStatus.PENDING : TransferStatus.POSTED, posted, 0, expiresAt, draws));
        remember(w, new Ent(t.transferId(), ledger, t.pending() ? EntryKind.HOLD : EntryKind.TRANSFER, t.transferId(), null,
                List.of(), Map.of(), Map.of()));
        return Res.ok(t.transferId(), seq);
    }

    private static Res entry(World w, UUID ledger, Command.PostEntry e, Instant now) {
        List<Move> moves = new ArrayList<>();
        for (var line : e.postings()) {
            Acct a = account(w, ledger, line.accountId());
            open(a);
            if (!a.asset().equals(line.asset())) {
                fail(Reason.ASSET_MISMATCH);
            }
            moves.add(new Move(line.accountId(), line.side(), line.amountMinor(), 0));
        }
        for (var line : e.postings()) {
            if (line.side() == Side.DEBIT) {
                sweep(w, ledger, line.accountId(), now);
            }
        }
        Map<UUID, List<Draw>> consumed = new HashMap<>();
        for (var line : e.postings()) {
            if (line.side() == Side.DEBIT) {
                consumed.merge(line.accountId(), draw(w, line.accountId(), line.amountMinor(), false, now), ReferenceLedger::joined);
            }
        }
        post(w, moves, true);
        remember(w, new Ent(e.entryId(), ledger, EntryKind.ENTRY, null, null, legs(w, moves), consumed, Map.of()));
        return Res.ok(e.entryId(), nextSeq(w, ledger));
    }

    private static Res resolve(World w, UUID ledger, UUID entryId, UUID holdId, char kind, Long amount, Instant now) {
        Xfer h = w.transfers.get(holdId);
        if (h == null || !h.ledger().equals(ledger)) {
            fail(Reason.TRANSFER_NOT_FOUND);
        }
        if (!h.hold()) {
            fail(Reason.TRANSFER_NOT_A_HOLD);
        }
        if (h.status() != TransferStatus.PENDING) {
            fail(Reason.HOLD_NOT_PENDING);
        }
        boolean expired = h.expiresAt() != null && now.compareTo(h.expiresAt()) >= 0;
        if (kind == 'E' && !expired) {
            fail(Reason.HOLD_NOT_EXPIRED);
        }
        if (kind != 'E' && expired) {
            fail(Reason.HOLD_EXPIRED);
        }
        long captured = 0;
        if (kind == 'C') {
            captured = amount == null ? h.amount() : amount;
            if (captured > h.amount()) {
                fail(Reason.CAPTURE_EXCEEDS_HOLD);
            }
            open(account(w, ledger, h.from()));
            open(account(w, ledger, h.to()));
        }
        // The hold's reservations, in the order they were made: the captured part is consumed, the rest released.
        List<Draw> consumed = new ArrayList<>();
        long toCapture = captured;
        for (var d : h.draws()) {
            long c = Math.min(toCapture, d.amount());
            Gr g = w.grants.get(d.grant());
            w.grants.put(g.id(), g.with(g.remaining() + d.amount() - c, g.reserved() - d.amount(), g.consumed() + c, g.expired()));
            if (c > 0) {
                consumed.add(new Draw(d.grant(), c));
            }
            toCapture -= c;
        }
        post(w, List.of(new Move(h.from(), Side.DEBIT, captured, -h.amount()),
                new Move(h.to(), Side.CREDIT, captured, -h.amount())), true);
        long seq = nextSeq(w, ledger);
        TransferStatus status = kind == 'C' ? TransferStatus.POSTED : kind == 'V' ? TransferStatus.VOIDED : TransferStatus.EXPIRED;
        remember(w, new Ent(entryId, ledger, kind == 'C' ? EntryKind.CAPTURE : kind == 'V' ? EntryKind.VOID : EntryKind.EXPIRY, holdId,
                null, List.of(), Map.of(), Map.of()));
        w.transfers.put(holdId, new Xfer(h.id(), h.ledger(), h.from(), h.to(), h.asset(), h.amount(), true, status,
                captured, 0, h.expiresAt(), consumed));
        sweep(w, ledger, h.from(), now);
        return Res.ok(entryId, seq);
    }

    private static Res reverse(World w, UUID ledger, Command.ReverseTransfer r, Instant now) {
        Xfer t = w.transfers.get(r.transferId());
        if (t == null || !t.ledger().equals(ledger)) {
            fail(Reason.TRANSFER_NOT_FOUND);
        }
        if (t.status() != TransferStatus.POSTED) {
            fail(Reason.TRANSFER_NOT_POSTED);
        }
        long left = t.posted() - t.reversed();
        long amount = r.amountMinor() == null ? left : r.amountMinor();
        if (amount == 0 || amount > left) {
            fail(Reason.REVERSAL_EXCEEDS_ORIGINAL);
        }
        open(account(w, ledger, t.from()));
        open(account(w, ledger, t.to()));
        sweep(w, ledger, t.to(), now);
        draw(w, t.to(), amount, false, now);
        // A refund gives back what the spend consumed, the last drawn grant first.
        List<Draw> restorable = new ArrayList<>(t.draws());
        long toRestore = amount;
        while (toRestore > 0 && !restorable.isEmpty()) {
            var d = restorable.removeLast();
            long back = Math.min(toRestore, d.amount());
            Gr g = w.grants.get(d.grant());
            w.grants.put(g.id(), g.with(g.remaining() + back, g.reserved(), g.consumed() - back, g.expired()));
            toRestore -= back;
            if (back < d.amount()) {
                restorable.add(new Draw(d.grant(), d.amount() - back));
            }
        }
        post(w, List.of(new Move(t.to(), Side.DEBIT, amount, 0), new Move(t.from(), Side.CREDIT, amount, 0)), true);
        long seq = nextSeq(w, ledger);
        w.transfers.put(t.id(), new Xfer(t.id(), t.ledger(), t.from(), t.to(), t.asset(), t.amount(), t.hold(), t.status(),
                t.posted(), t.reversed() + amount, t.expiresAt(), restorable));
        remember(w, Ent.of(r.entryId(), ledger, EntryKind.REVERSAL));
        sweep(w, ledger, t.from(), now);
        return Res.ok(r.entryId(), seq);
    }

    // ---- reversals of any entry (ADR 0018) ----

    private static void remember(World w, Ent e) {
        w.entries.put(e.id(), e);
    }

    private static List<Draw> joined(List<Draw> a, List<Draw> b) {
        List<Draw> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    /** The moves grouped by account and side, in the order of each group's first move; moves that post nothing are left out. */
    private static List<Leg> legs(World w, List<Move> moves) {
        List<Leg> legs = new ArrayList<>();
        for (var m : moves) {
            if (m.posted() == 0) {
                continue;
            }
            int i = indexOf(legs, m.account(), m.side());
            if (i < 0) {
                legs.add(new Leg(m.account(), m.side(), w.accounts.get(m.account()).asset(), m.posted(), 0));
            } else {
                var l = legs.get(i);
                legs.set(i, new Leg(l.account(), l.side(), l.asset(), l.amount() + m.posted(), 0));
            }
        }
        return List.copyOf(legs);
    }

    private static int indexOf(List<Leg> legs, UUID account, Side side) {
        for (int i = 0; i < legs.size(); i++) {
            if (legs.get(i).account().equals(account) && legs.get(i).side() == side) {
                return i;
            }
        }
        return -1;
    }

    private static Side other(Side side) {
        return side == Side.DEBIT ? Side.CREDIT : Side.DEBIT;
    }

    private static Res reverseEntry(World w, UUID ledger, Command.ReverseEntry r, Instant now) {
        Ent e = w.entries.get(r.originalId());
        if (e == null || !e.ledger().equals(ledger)) {
            fail(Reason.ENTRY_NOT_FOUND);
        }
        switch (e.kind()) {
            case VOID, EXPIRY, REVERSAL, GRANT_EXPIRY -> fail(Reason.ENTRY_NOT_REVERSIBLE);
            case TRANSFER, HOLD, CAPTURE -> {
                // The transfer's own reversal: named postings must be its two, by the same amount.
                Xfer t = w.transfers.get(e.transfer());
                if (t.status() != TransferStatus.POSTED) {
                    fail(Reason.TRANSFER_NOT_POSTED);
                }
                Long amount = r.amountMinor();
                if (r.postings() != null) {
                    long debit = 0;
                    long credit = 0;
                    for (var line : r.postings()) {
                        if (line.accountId().equals(t.from()) && line.side() == Side.DEBIT) {
                            debit = line.amountMinor();
                        } else if (line.accountId().equals(t.to()) && line.side() == Side.CREDIT) {
                            credit = line.amountMinor();
                        } else {
                            fail(Reason.REVERSAL_EXCEEDS_ORIGINAL);
                        }
                    }
                    if (debit != credit) {
                        fail(Reason.REVERSAL_NOT_BALANCED);
                    }
                    amount = debit;
                }
                return reverse(w, ledger, new Command.ReverseTransfer(r.entryId(), t.id(), amount, r.metadata()), now);
            }
            default -> { }
        }
        List<Leg> legs = e.legs();
        long[] take = new long[legs.size()];
        if (r.postings() != null) {
            for (var line : r.postings()) {
                int i = indexOf(legs, line.accountId(), line.side());
                if (i < 0) {
                    fail(Reason.REVERSAL_EXCEEDS_ORIGINAL);
                }
                take[i] = line.amountMinor();
            }
        } else {
            long left = 0;
            for (int i = 0; i < legs.size(); i++) {
                take[i] = r.amountMinor() != null ? r.amountMinor() : legs.get(i).amount() - legs.get(i).reversed();
                left += legs.get(i).amount() - legs.get(i).reversed();
            }
            if (r.amountMinor() == null && left == 0) {
                fail(Reason.REVERSAL_EXCEEDS_ORIGINAL);
            }
        }
        for (int i = 0; i < legs.size(); i++) {
            if (take[i] > legs.get(i).amount() - legs.get(i).reversed()) {
                fail(Reason.REVERSAL_EXCEEDS_ORIGINAL);
            }
        }
        Map<String, BigInteger> net = new HashMap<>();
        for (int i = 0; i < legs.size(); i++) {
            net.merge(legs.get(i).asset(), big(legs.get(i).side() == Side.DEBIT ? take[i] : -take[i]), BigInteger::add);
        }
        if (net.values().stream().anyMatch(v -> v.signum() != 0)) {
            fail(Reason.REVERSAL_NOT_BALANCED);
        }
        Esc esc = e.escrow() == null ? null : w.escrows.get(e.escrow());
        long back = 0;
        switch (e.kind()) {
            case ESCROW_RELEASE -> {
                for (int i = 0; i < legs.size(); i++) {
                    if (take[i] != legs.get(i).amount()) {
                        fail(Reason.REVERSAL_MUST_BE_WHOLE);
                    }
                }
            }
            case ESCROW_FUND -> {
                if (esc.released() > 0) {
                    fail(Reason.ESCROW_ALREADY_RELEASED);
                }
                if (esc.refunded() == esc.amount()) {
                    fail(Reason.ESCROW_REFUNDED);
                }
                back = take[indexOf(legs, esc.buyer(), Side.DEBIT)];
                if (back > esc.amount() - esc.released() - esc.refunded()) {
                    fail(Reason.REFUND_EXCEEDS_ESCROW);
                }
            }
            case ESCROW_REFUND -> {
                if (esc.released() > 0) {
                    fail(Reason.ESCROW_ALREADY_RELEASED);
                }
                back = take[indexOf(legs, esc.buyer(), Side.CREDIT)];
            }
            default -> { }
        }
        for (int i = 0; i < legs.size(); i++) {
            if (take[i] > 0) {
                open(w.accounts.get(legs.get(i).account()));
            }
        }
        for (int i = 0; i < legs.size(); i++) {
            if (take[i] > 0 && legs.get(i).side() == Side.CREDIT) {
                sweep(w, ledger, legs.get(i).account(), now);
            }
        }
        Gr granted = null;
        if (e.kind() == EntryKind.GRANT) {
            granted = w.grants.get(e.id());
            if (take[indexOf(legs, granted.account(), Side.CREDIT)] > granted.remaining()) {
                fail(Reason.GRANT_ALREADY_USED);
            }
        }
        // What the reversal debits: the grant itself when it takes a grant back, otherwise the account's grants in spend order.
        for (int i = 0; i < legs.size(); i++) {
            var l = legs.get(i);
            if (take[i] > 0 && l.side() == Side.CREDIT) {
                if (granted != null && l.account().equals(granted.account())) {
                    Gr g = w.grants.get(granted.id());
                    w.grants.put(g.id(), g.with(g.remaining() - take[i], g.reserved(), g.consumed() + take[i], g.expired()));
                } else {
                    draw(w, l.account(), take[i], false, now);
                }
            }
        }
        // What it credits back gives back what the original consumed there, the last drawn first.
        Map<UUID, Long> restored = new HashMap<>(e.restored());
        for (int i = 0; i < legs.size(); i++) {
            var l = legs.get(i);
            if (take[i] == 0 || l.side() != Side.DEBIT) {
                continue;
            }
            List<Draw> restorable = new ArrayList<>(e.consumed().getOrDefault(l.account(), List.of()));
            long already = e.restored().getOrDefault(l.account(), 0L);
            while (already > 0 && !restorable.isEmpty()) {
                var d = restorable.removeLast();
                long gone = Math.min(already, d.amount());
                already -= gone;
                if (gone < d.amount()) {
                    restorable.add(new Draw(d.grant(), d.amount() - gone));
                }
            }
            long toRestore = take[i];
            long done = 0;
            while (toRestore > 0 && !restorable.isEmpty()) {
                var d = restorable.removeLast();
                long give = Math.min(toRestore, d.amount());
                Gr g = w.grants.get(d.grant());
                w.grants.put(g.id(), g.with(g.remaining() + give, g.reserved(), g.consumed() - give, g.expired()));
                toRestore -= give;
                done += give;
            }
            restored.merge(l.account(), done, Long::sum);
        }
        List<Move> moves = new ArrayList<>();
        List<Leg> after = new ArrayList<>();
        for (int i = 0; i < legs.size(); i++) {
            var l = legs.get(i);
            if (take[i] > 0) {
                moves.add(new Move(l.account(), other(l.side()), take[i], 0));
            }
            after.add(new Leg(l.account(), l.side(), l.asset(), l.amount(), l.reversed() + take[i]));
        }
        post(w, moves, true);
        long seq = nextSeq(w, ledger);
        remember(w, new Ent(e.id(), e.ledger(), e.kind(), e.transfer(), e.escrow(), List.copyOf(after), e.consumed(), Map.copyOf(restored)));
        remember(w, Ent.of(r.entryId(), ledger, EntryKind.REVERSAL));
        if (esc != null) {
            long released = e.kind() == EntryKind.ESCROW_RELEASE ? 0 : esc.released();
            long refunded = esc.refunded() + (e.kind() == EntryKind.ESCROW_FUND ? back : e.kind() == EntryKind.ESCROW_REFUND ? -back : 0);
            w.escrows.put(e.escrow(), new Esc(esc.id(), esc.ledger(), esc.order(), esc.buyer(), esc.seller(), esc.account(), esc.asset(),
                    esc.amount(), released, refunded, esc.seq()));
        }
        for (int i = 0; i < legs.size(); i++) {
            if (take[i] > 0 && legs.get(i).side() == Side.DEBIT) {
                sweep(w, ledger, legs.get(i).account(), now);
            }
        }
        return Res.ok(r.entryId(), seq);
    }

    // ---- usage ----

    /** The account pays what it has available (grants first), the rest is owed on the overage account up to its limit. */
    private static Res usage(World w, UUID ledger, Command.RecordUsage u, Instant now) {
        for (var id : List.of(u.accountId(), u.overageAccountId(), u.revenueAccountId())) {
            account(w, ledger, id);
        }
        for (var id : List.of(u.accountId(), u.overageAccountId(), u.revenueAccountId())) {
            Acct a = w.accounts.get(id);
            open(a);
            if (!a.asset().equals(u.asset())) {
                fail(Reason.ASSET_MISMATCH);
            }
        }
        sweep(w, ledger, u.accountId(), now);
        Acct a = w.accounts.get(u.accountId());
        BigInteger free = available(a.normal(), big(a.dp()), big(a.cp()), big(a.dpend()), big(a.cpend())).max(BigInteger.ZERO);
        long paid = free.min(big(u.amountMinor())).longValueExact();
        long owed = u.amountMinor() - paid;
        Acct o = w.accounts.get(u.overageAccountId());
        if (owed > 0 && o.limit() != null) {
            BigInteger after = available(o.normal(), big(o.dp()), big(o.cp()), big(o.dpend()), big(o.cpend())).subtract(big(owed));
            if (after.compareTo(big(-o.limit())) < 0) {
                fail(Reason.OVERAGE_LIMIT_EXCEEDED);
            }
        }
        var consumed = draw(w, u.accountId(), paid, false, now);
        List<Move> moves = new ArrayList<>();
        if (paid > 0) {
            moves.add(new Move(u.accountId(), Side.DEBIT, paid, 0));
        }
        if (owed > 0) {
            moves.add(new Move(u.overageAccountId(), Side.DEBIT, owed, 0));
        }
        moves.add(new Move(u.revenueAccountId(), Side.CREDIT, u.amountMinor(), 0));
        post(w, moves, true);
        // The journal's order (ADR 0011): the first payer's debit, the revenue's credit, then the overage's debit.
        List<Move> journalOrder = new ArrayList<>(List.of(moves.getFirst(), moves.getLast()));
        if (moves.size() == 3) {
            journalOrder.add(moves.get(1));
        }
        remember(w, new Ent(u.entryId(), ledger, EntryKind.USAGE, null, null, legs(w, journalOrder), Map.of(u.accountId(), consumed),
                Map.of()));
        return Res.ok(u.entryId(), nextSeq(w, ledger));
    }

    // ---- escrow ----

    private static Res fundEscrow(World w, UUID ledger, Command.FundEscrow f, Instant now) {
        Acct buyer = account(w, ledger, f.buyer());
        Acct seller = account(w, ledger, f.seller());
        open(buyer);
        open(seller);
        if (!buyer.asset().equals(f.asset()) || !seller.asset().equals(f.asset())) {
            fail(Reason.ASSET_MISMATCH);
        }
        if (w.escrows.containsKey(ledger + "/" + f.orderId())) {
            fail(Reason.ESCROW_ALREADY_EXISTS);
        }
        UUID escrowAccount = systemAccount(w, ledger, SystemAccounts.escrowAccountId(ledger, f.asset()), "escrow." + f.asset(), f.asset());
        sweep(w, ledger, f.buyer(), now);
        var consumed = draw(w, f.buyer(), f.amountMinor(), false, now);
        var moves = List.of(new Move(f.buyer(), Side.DEBIT, f.amountMinor(), 0), new Move(escrowAccount, Side.CREDIT, f.amountMinor(), 0));
        post(w, moves, true);
        long seq = nextSeq(w, ledger);
        remember(w, new Ent(f.entryId(), ledger, EntryKind.ESCROW_FUND, null, ledger + "/" + f.orderId(), legs(w, moves),
                Map.of(f.buyer(), consumed), Map.of()));
        w.escrows.put(ledger + "/" + f.orderId(), new Esc(f.entryId(), ledger, f.orderId(), f.buyer(), f.seller(), escrowAccount,
                f.asset(), f.amountMinor(), 0, 0, seq));
        return Res.ok(f.entryId(), seq);
    }

    private static Res releaseEscrow(World w, UUID ledger, Command.ReleaseEscrow r) {
        Esc e = heldEscrow(w, ledger, r.orderId());
        long held = e.amount() - e.released() - e.refunded();
        if (r.feeMinor() >= held) {
            fail(Reason.ESCROW_FEE_TOO_HIGH);
        }
        open(account(w, ledger, e.seller()));
        List<Move> moves = new ArrayList<>(List.of(new Move(e.account(), Side.DEBIT, held, 0),
                new Move(e.seller(), Side.CREDIT, held - r.feeMinor(), 0)));
        if (r.feeMinor() > 0) {
            Acct fees = account(w, ledger, r.feeAccountId());
            open(fees);
            if (!fees.asset().equals(e.asset())) {
                fail(Reason.ASSET_MISMATCH);
            }
            moves.add(new Move(r.feeAccountId(), Side.CREDIT, r.feeMinor(), 0));
        }
        post(w, moves, true);
        long seq = nextSeq(w, ledger);
        w.escrows.put(ledger + "/" + r.orderId(), new Esc(e.id(), e.ledger(), e.order(), e.buyer(), e.seller(), e.account(), e.asset(),
                e.amount(), e.released() + held, e.refunded(), e.seq()));
        remember(w, new Ent(r.entryId(), ledger, EntryKind.ESCROW_RELEASE, null, ledger + "/" + r.orderId(), legs(w, moves), Map.of(),
                Map.of()));
        return Res.ok(r.entryId(), seq);
    }

    private static Res refundEscrow(World w, UUID ledger, Command.RefundEscrow r) {
        Esc e = heldEscrow(w, ledger, r.orderId());
        long held = e.amount() - e.released() - e.refunded();
        long amount = r.amountMinor() == null ? held : r.amountMinor();
        if (amount > held) {
            fail(Reason.REFUND_EXCEEDS_ESCROW);
        }
        open(account(w, ledger, e.buyer()));
        var moves = List.of(new Move(e.account(), Side.DEBIT, amount, 0), new Move(e.buyer(), Side.CREDIT, amount, 0));
        post(w, moves, true);
        long seq = nextSeq(w, ledger);
        remember(w, new Ent(r.entryId(), ledger, EntryKind.ESCROW_REFUND, null, ledger + "/" + r.orderId(), legs(w, moves), Map.of(),
                Map.of()));
        w.escrows.put(ledger + "/" + r.orderId(), new Esc(e.id(), e.ledger(), e.order(), e.buyer(), e.seller(), e.account(), e.asset(),
                e.amount(), e.released(), e.refunded() + amount, e.seq()));
        return Res.ok(r.entryId(), seq);
    }

    private static Esc heldEscrow(World w, UUID ledger, String order) {
        Esc e = w.escrows.get(ledger + "/" + order);
        if (e == null) {
            fail(Reason.ESCROW_NOT_FOUND);
        }
        if (e.released() > 0) {
            fail(Reason.ESCROW_ALREADY_RELEASED);
        }
        if (e.refunded() == e.amount()) {
            fail(Reason.ESCROW_REFUNDED);
        }
        return e;
    }

    /** Opens a system account (credit-normal, unconstrained) with its code unless a client's account has it. */
    private static UUID systemAccount(World w, UUID ledger, UUID id, String code, String asset) {
        if (!w.accounts.containsKey(id)) {
            for (var other : w.accounts.values()) {
                if (other.ledger().equals(ledger) && code.equals(other.code())) {
                    code = null;
                    break;
                }
            }
            nextSeq(w, ledger);
            w.accounts.put(id, new Acct(id, ledger, code, asset, Side.CREDIT, null, 0, 0, 0, 0, false, 0));
            w.implicitAccounts.add(id);
        }
        return id;
    }

    // ---- grants ----

    private static Res grant(World w, UUID ledger, Command.IssueGrant g, Instant now) {
        Acct to = account(w, ledger, g.accountId());
        Acct from = account(w, ledger, g.fromAccountId());
        open(to);
        open(from);
        if (!to.asset().equals(g.asset()) || !from.asset().equals(g.asset())) {
            fail(Reason.ASSET_MISMATCH);
        }
        if (to.normal() != Side.CREDIT) {
            fail(Reason.GRANT_ACCOUNT_NOT_CREDIT_NORMAL);
        }
        if (g.expiresAt() != null && now.compareTo(g.expiresAt()) >= 0) {
            fail(Reason.GRANT_EXPIRY_INVALID);
        }
        long active = grantsInSpendOrder(w, to.id()).stream().filter(x -> x.expired() == 0
                && x.remaining() + x.reserved() > 0).count();
        if (active >= Limits.GRANTS_ACTIVE_PER_ACCOUNT_MAX) {
            fail(Reason.GRANT_LIMIT_REACHED);
        }
        UUID breakage = systemAccount(w, ledger, SystemAccounts.breakageAccountId(ledger, g.asset()), "breakage." + g.asset(), g.asset());
        sweep(w, ledger, g.fromAccountId(), now);
        var consumed = draw(w, g.fromAccountId(), g.amountMinor(), false, now);
        var moves = List.of(new Move(g.fromAccountId(), Side.DEBIT, g.amountMinor(), 0), new Move(g.accountId(), Side.CREDIT, g.amountMinor(), 0));
        post(w, moves, true);
        long seq = nextSeq(w, ledger);
        remember(w, new Ent(g.grantId(), ledger, EntryKind.GRANT, null, null, legs(w, moves), Map.of(g.fromAccountId(), consumed), Map.of()));
        w.grants.put(g.grantId(), new Gr(g.grantId(), ledger, g.accountId(), g.asset(), g.amountMinor(), g.amountMinor(), 0, 0, 0,
                g.expiresAt(), seq, breakage));
        List<UUID> ids = new ArrayList<>(w.grantIdsByAccount.getOrDefault(g.accountId(), List.of()));
        ids.add(g.grantId());
        w.grantIdsByAccount.put(g.accountId(), List.copyOf(ids));
        return Res.ok(g.grantId(), seq);
    }

    /** Points for spend by the program account's rule, given as a grant from the program to the member. */
    private static Res earn(World w, UUID ledger, Command.EarnPoints e, Instant now) {
        Acct program = account(w, ledger, e.programAccountId());
        account(w, ledger, e.memberAccountId());
        if (!program.asset().equals(e.asset())) {
            fail(Reason.ASSET_MISMATCH);
        }
        var metadata = w.metadata.getOrDefault(program.id(), Map.of());
        long perUnit;
        long unit;
        long days;
        try {
            perUnit = Long.parseLong(metadata.getOrDefault("loyalty.pointsPerUnit", ""));
            unit = Long.parseLong(metadata.getOrDefault("loyalty.unitMinor", ""));
            days = Long.parseLong(metadata.getOrDefault("loyalty.expiresAfterDays", "0"));
        } catch (NumberFormatException bad) {
            throw new No(Reason.LOYALTY_RULE_MISSING);
        }
        if (perUnit < 1 || perUnit > Limits.LOYALTY_POINTS_PER_UNIT_MAX || unit < 1 || unit > Limits.AMOUNT_MINOR_MAX || days < 0 || days > Limits.LOYALTY_EXPIRY_DAYS_MAX) {
            fail(Reason.LOYALTY_RULE_MISSING);
        }
        BigInteger points = big(e.spendMinor() / unit).multiply(big(perUnit));
        if (points.signum() == 0) {
            fail(Reason.EARN_BELOW_ONE_POINT);
        }
        if (points.compareTo(big(Limits.AMOUNT_MINOR_MAX)) > 0) {
            fail(Reason.AMOUNT_EXCEEDS_LIMIT);
        }
        return grant(w, ledger, new Command.IssueGrant(e.grantId(), e.memberAccountId(), e.programAccountId(), points.longValueExact(), e.asset(),
                days == 0 ? null : now.plus(java.time.Duration.ofDays(days)), "loyalty:earn", e.metadata()), now);
    }

    private static Res expireGrant(World w, UUID ledger, Command.ExpireGrant x, Instant now) {
        Gr g = w.grants.get(x.grantId());
        if (g == null || !g.ledger().equals(ledger)) {
            fail(Reason.GRANT_NOT_FOUND);
        }
        if (g.expiresAt() == null || now.isBefore(g.expiresAt()) || g.remaining() == 0) {
            fail(Reason.GRANT_NOT_EXPIRED);
        }
        long seq = expire(w, ledger, g);
        return Res.ok(SystemAccounts.grantExpiryEntryId(g.id(), seq), seq);
    }

    /** The account's grants, soonest expiry first, those without expiry last, equal expiries in the order they were made. */
    private static List<Gr> grantsInSpendOrder(World w, UUID account) {
        List<Gr> mine = new ArrayList<>();
        for (var id : w.grantIdsByAccount.getOrDefault(account, List.of())) {
            mine.add(w.grants.get(id));
        }
        mine.sort((a, b) -> {
            if (a.expiresAt() == null || b.expiresAt() == null) {
                int byNull = Boolean.compare(a.expiresAt() == null, b.expiresAt() == null);
                if (byNull != 0) {
                    return byNull;
                }
            } else if (!a.expiresAt().equals(b.expiresAt())) {
                return a.expiresAt().compareTo(b.expiresAt());
            }
            return Long.compare(a.seq(), b.seq());
        });
        return mine;
    }

    /** Spends (or reserves) from the account's unexpired grants in spend order; the rest comes from the plain balance. */
    private static List<Draw> draw(World w, UUID account, long amount, boolean reserve, Instant now) {
        List<Draw> draws = new ArrayList<>();
        long left = amount;
        for (var g : grantsInSpendOrder(w, account)) {
            if (left == 0) {
                break;
            }
            boolean spendable = g.remaining() > 0 && (g.expiresAt() == null || now.isBefore(g.expiresAt()));
            if (!spendable) {
                continue;
            }
            long take = Math.min(left, g.remaining());
            w.grants.put(g.id(), reserve ? g.with(g.remaining() - take, g.reserved() + take, g.consumed(), g.expired())
                    : g.with(g.remaining() - take, g.reserved(), g.consumed() + take, g.expired()));
            draws.add(new Draw(g.id(), take));
            left -= take;
        }
        return draws;
    }

    /** Expires every grant of the account that reached its expiry with credit left, each in its own entry. */
    private static void sweep(World w, UUID ledger, UUID account, Instant now) {
        for (var g : grantsInSpendOrder(w, account)) {
            if (g.remaining() > 0 && g.expiresAt() != null && now.compareTo(g.expiresAt()) >= 0) {
                expire(w, ledger, g);
            }
        }
    }

    private static long expire(World w, UUID ledger, Gr g) {
        post(w, List.of(new Move(g.account(), Side.DEBIT, g.remaining(), 0), new Move(g.expiryAccount(), Side.CREDIT, g.remaining(), 0)),
                false);
        w.grants.put(g.id(), g.with(0, g.reserved(), g.consumed(), g.expired() + g.remaining()));
        long seq = nextSeq(w, ledger);
        w.implicitEntries.add(SystemAccounts.grantExpiryEntryId(g.id(), seq));
        remember(w, Ent.of(SystemAccounts.grantExpiryEntryId(g.id(), seq), ledger, EntryKind.GRANT_EXPIRY));
        return seq;
    }

    // ---- money ----

    private record Move(UUID account, Side side, long posted, long pendingDelta) {}

    /**
     * Computes every touched account's new totals (BALANCE_OVERFLOW if a total leaves the 64-bit range),
     * checks the balance constraints, and only then stores the new accounts.
     */
    private static void post(World w, List<Move> moves, boolean checkConstraints) {
        Map<UUID, BigInteger[]> totals = new LinkedHashMap<>();
        Map<UUID, Integer> postings = new HashMap<>();
        for (var m : moves) {
            Acct a = w.accounts.get(m.account());
            var t = totals.computeIfAbsent(a.id(), id -> new BigInteger[] {
                    big(a.dp()), big(a.cp()), big(a.dpend()), big(a.cpend())});
            int posted = m.side() == Side.DEBIT ? 0 : 1;
            t[posted] = t[posted].add(big(m.posted()));
            t[posted + 2] = t[posted + 2].add(big(m.pendingDelta()));
            postings.merge(a.id(), 1, Integer::sum);
        }
        for (var e : totals.entrySet()) {
            for (var v : e.getValue()) {
                if (v.bitLength() > 63) {
                    fail(Reason.BALANCE_OVERFLOW);
                }
            }
        }
        for (var e : totals.entrySet()) {
            Acct a = w.accounts.get(e.getKey());
            if (a.limit() == null || !checkConstraints) {
                continue;
            }
            var t = e.getValue();
            BigInteger before = available(a.normal(), big(a.dp()), big(a.cp()), big(a.dpend()), big(a.cpend()));
            BigInteger after = available(a.normal(), t[0], t[1], t[2], t[3]);
            if (after.compareTo(before) < 0 && after.compareTo(big(-a.limit())) < 0) {
                fail(Reason.INSUFFICIENT_FUNDS);
            }
        }
        for (var e : totals.entrySet()) {
            // Low-balance alerts: a threshold is crossed when the entry leaves the account on the other side of it.
            Acct a = w.accounts.get(e.getKey());
            var t = e.getValue();
            BigInteger before = available(a.normal(), big(a.dp()), big(a.cp()), big(a.dpend()), big(a.cpend()));
            BigInteger after = available(a.normal(), t[0], t[1], t[2], t[3]);
            for (long threshold : w.thresholds.getOrDefault(a.id(), List.of())) {
                boolean wasBelow = before.compareTo(big(threshold)) < 0;
                boolean isBelow = after.compareTo(big(threshold)) < 0;
                if (wasBelow && !isBelow) {
                    w.alerts.add(a.id() + "/" + threshold + "/UP");
                } else if (!wasBelow && isBelow) {
                    w.alerts.add(a.id() + "/" + threshold + "/DOWN");
                }
            }
        }
        for (var e : totals.entrySet()) {
            Acct a = w.accounts.get(e.getKey());
            var t = e.getValue();
            w.accounts.put(a.id(), new Acct(a.id(), a.ledger(), a.code(), a.asset(), a.normal(), a.limit(),
                    t[0].longValueExact(), t[1].longValueExact(), t[2].longValueExact(), t[3].longValueExact(), a.closed(),
                    a.version() + postings.get(a.id())));
        }
    }

    static BigInteger available(Side normal, BigInteger dp, BigInteger cp, BigInteger dpend, BigInteger cpend) {
        return normal == Side.CREDIT ? cp.subtract(dp).subtract(dpend) : dp.subtract(cp).subtract(cpend);
    }

    private static BigInteger big(long v) {
        return BigInteger.valueOf(v);
    }

    private static Acct account(World w, UUID ledger, UUID id) {
        Acct a = w.accounts.get(id);
        if (a == null || !a.ledger().equals(ledger)) {
            fail(Reason.ACCOUNT_NOT_FOUND);
        }
        return a;
    }

    private static void open(Acct a) {
        if (a.closed()) {
            fail(Reason.ACCOUNT_CLOSED);
        }
    }

    private static long nextSeq(World w, UUID ledger) {
        long next = w.seq.get(ledger) + 1;
        w.seq.put(ledger, next);
        return next;
    }

    static Set<UUID> ids(Map<UUID, ?> m) {
        return new HashSet<>(m.keySet());
    }
}
