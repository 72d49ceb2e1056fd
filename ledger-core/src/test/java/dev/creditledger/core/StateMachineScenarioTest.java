package dev.creditledger.core;

import static dev.creditledger.core.Reason.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Scenario tests of {@link PostingStateMachine}, written as tables of commands and expected outcomes
 * against one fixed world ({@link World}). Every rejection is also checked to leave no trace.
 */
class StateMachineScenarioTest {

    static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");
    static final long MAX = Limits.AMOUNT_MINOR_MAX;

    /**
     * The world every scenario starts from, at {@code T0 + 30s}. Ledger L has USD, EUR and JPY; ledger
     * OTHER has USD. Balances (available) after set-up:
     * <pre>
     *   issuer  USD credit  unconstrained   posted -700, pending out 20 (stale)
     *   alice   USD credit  no overdraft    posted  800, pending out 150 (hold, holdNoTimeout) -> available 650
     *   bob     USD credit  no overdraft    posted  200 (+ pending in 150)
     *   carol   USD credit  overdraft 500   posted    0
     *   cash    USD DEBIT   no overdraft    posted  300 (debit-normal: debited by 300)
     *   euro    EUR credit  unconstrained
     *   closed  USD credit  closed (was used and emptied)
     *   foreign USD credit  in ledger OTHER, posted 0
     * transfers: direct (alice->bob 200 POSTED), hold (alice->bob 100 PENDING, expires T0+3600s),
     *   holdNoTimeout (alice->bob 50 PENDING), voided (issuer->bob 10 VOIDED), expired (issuer->bob 10 EXPIRED),
     *   stale (issuer->bob 20 PENDING, expired at T0+1s, not yet expired by command), reversed (issuer->bob 30, fully reversed),
     *   toClosed (issuer->closed 40 POSTED), foreignHold (in OTHER, PENDING)
     * </pre>
     */
    static final class World {
        final UUID l = new UUID(0x11, 1);
        final UUID other = new UUID(0x22, 2);
        final UUID missingLedger = new UUID(0x99, 9);
        final LedgerState state = new LedgerState();
        Instant now = T0;
        long next = 1;
        UUID issuer, alice, bob, carol, cash, euro, closed, foreign, foreignIssuer;
        UUID direct, hold, holdNoTimeout, voided, expired, stale, reversed, toClosed, foreignHold;

        World() {
            state.loadLedger(l, 0);
            state.loadLedger(other, 0);
            state.loadAsset(l, new Asset("USD", 2));
            state.loadAsset(l, new Asset("EUR", 2));
            state.loadAsset(l, new Asset("JPY", 0));
            state.loadAsset(other, new Asset("USD", 2));
            issuer = open("issuer", "USD", Side.CREDIT, null);
            alice = open("alice", "USD", Side.CREDIT, 0L);
            bob = open("bob", "USD", Side.CREDIT, 0L);
            carol = open("carol", "USD", Side.CREDIT, 500L);
            cash = open("cash", "USD", Side.DEBIT, 0L);
            euro = open("euro", "EUR", Side.CREDIT, null);
            closed = open("closed", "USD", Side.CREDIT, 0L);
            foreign = accepted(other, createAccount(id(), "foreign", "USD", Side.CREDIT, 0L));
            foreignIssuer = accepted(other, createAccount(id(), "foreign-issuer", "USD", Side.CREDIT, null));
            accepted(xfer(issuer, alice, 1000));
            accepted(xfer(cash, issuer, 300));
            direct = accepted(xfer(alice, bob, 200));
            hold = accepted(hold(alice, bob, 100, Duration.ofSeconds(3600)));
            holdNoTimeout = accepted(hold(alice, bob, 50, null));
            voided = accepted(hold(issuer, bob, 10, null));
            accepted(new Command.VoidHold(id(), voided, Map.of()));
            expired = accepted(hold(issuer, bob, 10, Duration.ofSeconds(1)));
            stale = accepted(hold(issuer, bob, 20, Duration.ofSeconds(1)));
            reversed = accepted(xfer(issuer, bob, 30));
            accepted(new Command.ReverseTransfer(id(), reversed, null, Map.of()));
            toClosed = accepted(xfer(issuer, closed, 40));
            accepted(xfer(closed, issuer, 40));
            accepted(new Command.CloseAccount(closed));
            foreignHold = accepted(other, hold(foreignIssuer, foreign, 5, null));
            now = T0.plusSeconds(30);
            accepted(new Command.ExpireHold(id(), expired));
        }

        UUID id() {
            return new UUID(0xABC, next++);
        }

        // ---- running ----

        BatchOutcome batch(Submission... submissions) {
            return PostingStateMachine.apply(List.of(submissions), state, now);
        }

        CommandResult run(UUID ledger, Command c) {
            return batch(Submission.single(new Request(ledger, null, c))).results().getFirst().getFirst();
        }

        CommandResult run(Command c) {
            return run(l, c);
        }

        CommandResult run(String key, String hash, Command c) {
            return batch(Submission.single(new Request(l, new IdempotencyKey(key, hash), c))).results().getFirst().getFirst();
        }

        UUID accepted(UUID ledger, Command c) {
            var r = run(ledger, c);
            assertThat(r).as("set-up command %s", c).isInstanceOf(CommandResult.Accepted.class);
            return ((CommandResult.Accepted) r).subjectId();
        }

        UUID accepted(Command c) {
            return accepted(l, c);
        }

        UUID open(String code, String asset, Side side, Long limit) {
            return accepted(createAccount(id(), code, asset, side, limit));
        }

        // ---- commands ----

        static Command.CreateAccount createAccount(UUID id, String code, String asset, Side side, Long limit) {
            return new Command.CreateAccount(id, code, asset, side, limit, Map.of());
        }

        Command.PostTransfer xfer(UUID from, UUID to, long amount) {
            return xfer(from, to, amount, "USD");
        }

        Command.PostTransfer xfer(UUID from, UUID to, long amount, String asset) {
            return new Command.PostTransfer(id(), from, to, amount, asset, false, null, Map.of());
        }

        Command.PostTransfer hold(UUID from, UUID to, long amount, Duration timeout) {
            return new Command.PostTransfer(id(), from, to, amount, "USD", true, timeout, Map.of());
        }

        Command.CaptureHold capture(UUID hold, Long amount) {
            return new Command.CaptureHold(id(), hold, amount, Map.of());
        }

        Command.VoidHold voidHold(UUID hold) {
            return new Command.VoidHold(id(), hold, Map.of());
        }

        Command.ExpireHold expire(UUID hold) {
            return new Command.ExpireHold(id(), hold);
        }

        Command.ReverseTransfer reverse(UUID transfer, Long amount) {
            return new Command.ReverseTransfer(id(), transfer, amount, Map.of());
        }

        Command.PostEntry entry(Command.PostingLine... lines) {
            return new Command.PostEntry(id(), List.of(lines), Map.of());
        }

        static Command.PostingLine dr(UUID account, long amount) {
            return new Command.PostingLine(account, Side.DEBIT, amount, "USD");
        }

        static Command.PostingLine cr(UUID account, long amount) {
            return new Command.PostingLine(account, Side.CREDIT, amount, "USD");
        }

        // ---- reading ----

        AccountState acct(UUID id) {
            return state.accounts().get(id);
        }

        long posted(UUID id) {
            var a = acct(id);
            return a.balance().posted(a.account().normalSide());
        }

        long available(UUID id) {
            var a = acct(id);
            return a.balance().available(a.account().normalSide());
        }

        TransferState transfer(UUID id) {
            return state.transfers().get(id);
        }

        /** Everything a command could change, to prove that a rejection changed nothing. */
        record Snapshot(long seqL, long seqOther, Map<UUID, AccountState> accounts, Map<UUID, TransferState> transfers) {}

        Snapshot snapshot() {
            return new Snapshot(state.lastSeq(l), state.lastSeq(other), Map.copyOf(state.accounts()), Map.copyOf(state.transfers()));
        }
    }

    static long seq(CommandResult r) {
        assertThat(r).isInstanceOf(CommandResult.Accepted.class);
        return ((CommandResult.Accepted) r).seq();
    }

    static void assertRejected(CommandResult r, Reason reason) {
        assertThat(r).isInstanceOfSatisfying(CommandResult.Rejected.class, x -> assertThat(x.reason()).isEqualTo(reason));
    }

    /** One row of a table: a command built against the world, and the reason it must be rejected with. */
    record Case(String name, Function<World, Command> command, Reason reason) {
        @Override
        public String toString() {
            return name + " -> " + reason;
        }
    }

    static Case row(String name, Function<World, Command> command, Reason reason) {
        return new Case(name, command, reason);
    }

    static Map<String, String> metadata(int entries, int keyLength, int valueLength) {
        Map<String, String> m = new HashMap<>();
        for (int i = 0; i < entries; i++) {
            String key = String.format("%0" + keyLength + "d", i);
            m.put(key, "v".repeat(valueLength));
        }
        return m;
    }

    static final String CODE_MAX = "c".repeat(Limits.ACCOUNT_CODE_LENGTH_MAX);

    // =====================================================================================================
    // Rejections: one row per reason (several where a reason has several causes). Each leaves no trace.
    // =====================================================================================================

    static Stream<Case> rejections() {
        return Stream.of(
                row("transfer of 0", w -> w.xfer(w.alice, w.bob, 0), AMOUNT_NOT_POSITIVE),
                row("transfer of -5", w -> w.xfer(w.alice, w.bob, -5), AMOUNT_NOT_POSITIVE),
                row("capture of 0", w -> w.capture(w.hold, 0L), AMOUNT_NOT_POSITIVE),
                row("reversal of 0", w -> w.reverse(w.direct, 0L), AMOUNT_NOT_POSITIVE),
                row("entry line of 0", w -> w.entry(World.dr(w.alice, 0), World.cr(w.bob, 0)), AMOUNT_NOT_POSITIVE),
                row("transfer of MAX+1", w -> w.xfer(w.issuer, w.bob, MAX + 1), AMOUNT_EXCEEDS_LIMIT),
                row("capture of MAX+1", w -> w.capture(w.hold, MAX + 1), AMOUNT_EXCEEDS_LIMIT),
                row("reversal of MAX+1", w -> w.reverse(w.direct, MAX + 1), AMOUNT_EXCEEDS_LIMIT),
                row("entry line of MAX+1", w -> w.entry(World.dr(w.issuer, MAX + 1), World.cr(w.bob, MAX + 1)), AMOUNT_EXCEEDS_LIMIT),
                row("entry debits total beyond 2^63", w -> w.entry(Stream.concat(
                        IntStream.range(0, 10).mapToObj(i -> World.dr(w.issuer, MAX)),
                        IntStream.range(0, 10).mapToObj(i -> World.cr(w.bob, MAX))).toArray(Command.PostingLine[]::new)), AMOUNT_OVERFLOW),
                row("transfer to itself", w -> w.xfer(w.alice, w.alice, 1), SAME_ACCOUNT),
                row("metadata with an empty key", w -> new Command.PostTransfer(w.id(), w.issuer, w.bob, 1, "USD", false, null,
                        Map.of("", "x")), METADATA_INVALID),
                row("account code blank", w -> World.createAccount(w.id(), "  ", "USD", Side.CREDIT, 0L), ACCOUNT_CODE_INVALID),
                row("account code empty", w -> World.createAccount(w.id(), "", "USD", Side.CREDIT, 0L), ACCOUNT_CODE_INVALID),
                row("overdraft limit -1", w -> World.createAccount(w.id(), null, "USD", Side.CREDIT, -1L), OVERDRAFT_LIMIT_INVALID),
                row("hold timeout 0s", w -> w.hold(w.alice, w.bob, 1, Duration.ZERO), HOLD_TIMEOUT_INVALID),
                row("hold timeout -5s", w -> w.hold(w.alice, w.bob, 1, Duration.ofSeconds(-5)), HOLD_TIMEOUT_INVALID),
                row("hold timeout 1.5s", w -> w.hold(w.alice, w.bob, 1, Duration.ofMillis(1500)), HOLD_TIMEOUT_INVALID),
                row("timeout on a posted transfer", w -> new Command.PostTransfer(w.id(), w.alice, w.bob, 1, "USD", false,
                        Duration.ofSeconds(60), Map.of()), HOLD_TIMEOUT_INVALID),
                row("entry of one posting", w -> w.entry(World.dr(w.alice, 1)), ENTRY_TOO_FEW_POSTINGS),
                row("entry of no posting", w -> w.entry(), ENTRY_TOO_FEW_POSTINGS),
                row("entry debits 10 credits 9", w -> w.entry(World.dr(w.issuer, 10), World.cr(w.bob, 9)), ENTRY_NOT_BALANCED),
                row("entry balanced overall but not per asset", w -> w.entry(World.dr(w.issuer, 10),
                        new Command.PostingLine(w.euro, Side.CREDIT, 10, "EUR")), ENTRY_NOT_BALANCED),
                row("transfer asset lower-case", w -> w.xfer(w.alice, w.bob, 1, "usd"), ASSET_INVALID),
                row("account asset with a space", w -> World.createAccount(w.id(), null, "US D", Side.CREDIT, 0L), ASSET_INVALID),
                row("entry line without asset", w -> w.entry(new Command.PostingLine(w.issuer, Side.DEBIT, 1, null),
                        new Command.PostingLine(w.bob, Side.CREDIT, 1, null)), ASSET_INVALID),
                row("account asset code too long", w -> World.createAccount(w.id(), null, "A".repeat(Limits.ASSET_CODE_LENGTH_MAX + 1),
                        Side.CREDIT, 0L), ASSET_INVALID),
                row("account asset GBP not in ledger", w -> World.createAccount(w.id(), null, "GBP", Side.CREDIT, 0L), ASSET_NOT_FOUND),
                row("transfer to an unknown id", w -> w.xfer(w.alice, w.id(), 1), ACCOUNT_NOT_FOUND),
                row("transfer from an unknown id", w -> w.xfer(w.id(), w.bob, 1), ACCOUNT_NOT_FOUND),
                row("transfer to another ledger's account", w -> w.xfer(w.alice, w.foreign, 1), ACCOUNT_NOT_FOUND),
                row("close another ledger's account", w -> new Command.CloseAccount(w.foreign), ACCOUNT_NOT_FOUND),
                row("entry touching another ledger's account", w -> w.entry(World.dr(w.issuer, 1), World.cr(w.foreign, 1)), ACCOUNT_NOT_FOUND),
                row("create with alice's id", w -> World.createAccount(w.alice, null, "USD", Side.CREDIT, 0L), ACCOUNT_ALREADY_EXISTS),
                row("create with another ledger's account id", w -> World.createAccount(w.foreign, null, "USD", Side.CREDIT, 0L),
                        ACCOUNT_ALREADY_EXISTS),
                row("create with the code 'alice'", w -> World.createAccount(w.id(), "alice", "USD", Side.CREDIT, 0L), ACCOUNT_CODE_TAKEN),
                row("transfer to a closed account", w -> w.xfer(w.issuer, w.closed, 1), ACCOUNT_CLOSED),
                row("transfer from a closed account", w -> w.xfer(w.closed, w.issuer, 1), ACCOUNT_CLOSED),
                row("entry touching a closed account", w -> w.entry(World.dr(w.issuer, 1), World.cr(w.closed, 1)), ACCOUNT_CLOSED),
                row("hold to a closed account", w -> w.hold(w.issuer, w.closed, 1, null), ACCOUNT_CLOSED),
                row("reversal touching a closed account", w -> w.reverse(w.toClosed, null), ACCOUNT_CLOSED),
                row("close a closed account", w -> new Command.CloseAccount(w.closed), ACCOUNT_CLOSED),
                row("close alice (posted 800)", w -> new Command.CloseAccount(w.alice), ACCOUNT_BALANCE_NOT_ZERO),
                row("close issuer (negative posted)", w -> new Command.CloseAccount(w.issuer), ACCOUNT_BALANCE_NOT_ZERO),
                row("transfer EUR between USD accounts", w -> w.xfer(w.alice, w.bob, 1, "EUR"), ASSET_MISMATCH),
                row("transfer USD to a EUR account", w -> w.xfer(w.issuer, w.euro, 1, "USD"), ASSET_MISMATCH),
                row("entry line with EUR on a USD account", w -> w.entry(new Command.PostingLine(w.issuer, Side.DEBIT, 1, "EUR"),
                        new Command.PostingLine(w.euro, Side.CREDIT, 1, "EUR")), ASSET_MISMATCH),
                row("alice sends 651 of 650 available", w -> w.xfer(w.alice, w.bob, 651), INSUFFICIENT_FUNDS),
                row("alice holds 651 of 650 available", w -> w.hold(w.alice, w.bob, 651, null), INSUFFICIENT_FUNDS),
                row("carol (overdraft 500) sends 501", w -> w.xfer(w.carol, w.bob, 501), INSUFFICIENT_FUNDS),
                row("cash (debit-normal, 300) credited 301", w -> w.xfer(w.issuer, w.cash, 301), INSUFFICIENT_FUNDS),
                row("entry debits alice 651", w -> w.entry(World.dr(w.alice, 651), World.cr(w.bob, 651)), INSUFFICIENT_FUNDS),
                row("entry: alice's lines together exceed", w -> w.entry(World.dr(w.alice, 400), World.cr(w.bob, 400),
                        World.dr(w.alice, 251), World.cr(w.bob, 251)), INSUFFICIENT_FUNDS),
                row("reverse 'direct' after bob spent it", w -> {
                    w.accepted(w.xfer(w.bob, w.issuer, 150)); // bob: 200 -> 50 posted
                    return w.reverse(w.direct, null);
                }, INSUFFICIENT_FUNDS),
                row("capture an unknown id", w -> w.capture(w.id(), null), TRANSFER_NOT_FOUND),
                row("void an unknown id", w -> w.voidHold(w.id()), TRANSFER_NOT_FOUND),
                row("expire an unknown id", w -> w.expire(w.id()), TRANSFER_NOT_FOUND),
                row("reverse an unknown id", w -> w.reverse(w.id(), null), TRANSFER_NOT_FOUND),
                row("capture another ledger's hold", w -> w.capture(w.foreignHold, null), TRANSFER_NOT_FOUND),
                row("reverse another ledger's transfer", w -> w.reverse(w.foreignHold, null), TRANSFER_NOT_FOUND),
                row("capture a direct transfer", w -> w.capture(w.direct, null), TRANSFER_NOT_A_HOLD),
                row("void a direct transfer", w -> w.voidHold(w.direct), TRANSFER_NOT_A_HOLD),
                row("expire a direct transfer", w -> w.expire(w.direct), TRANSFER_NOT_A_HOLD),
                row("capture a voided hold", w -> w.capture(w.voided, null), HOLD_NOT_PENDING),
                row("void a voided hold", w -> w.voidHold(w.voided), HOLD_NOT_PENDING),
                row("capture an expired hold", w -> w.capture(w.expired, null), HOLD_NOT_PENDING),
                row("expire an expired hold", w -> w.expire(w.expired), HOLD_NOT_PENDING),
                row("void a captured hold", w -> {
                    w.accepted(w.capture(w.holdNoTimeout, 20L));
                    return w.voidHold(w.holdNoTimeout);
                }, HOLD_NOT_PENDING),
                row("capture a stale hold (past expiry)", w -> w.capture(w.stale, null), HOLD_EXPIRED),
                row("void a stale hold (past expiry)", w -> w.voidHold(w.stale), HOLD_EXPIRED),
                row("expire a hold before its expiry", w -> w.expire(w.hold), HOLD_NOT_EXPIRED),
                row("expire a hold without timeout", w -> w.expire(w.holdNoTimeout), HOLD_NOT_EXPIRED),
                row("capture 101 of a hold of 100", w -> w.capture(w.hold, 101L), CAPTURE_EXCEEDS_HOLD),
                row("reverse a pending hold", w -> w.reverse(w.hold, null), TRANSFER_NOT_POSTED),
                row("reverse a voided hold", w -> w.reverse(w.voided, null), TRANSFER_NOT_POSTED),
                row("reverse an expired hold", w -> w.reverse(w.expired, 1L), TRANSFER_NOT_POSTED),
                row("reverse 201 of 200", w -> w.reverse(w.direct, 201L), REVERSAL_EXCEEDS_ORIGINAL),
                row("reverse the rest of a fully reversed transfer", w -> w.reverse(w.reversed, null), REVERSAL_EXCEEDS_ORIGINAL),
                row("reverse 1 of a fully reversed transfer", w -> w.reverse(w.reversed, 1L), REVERSAL_EXCEEDS_ORIGINAL),
                row("reverse more than a partial capture posted", w -> {
                    w.accepted(w.capture(w.holdNoTimeout, 20L));
                    return w.reverse(w.holdNoTimeout, 21L);
                }, REVERSAL_EXCEEDS_ORIGINAL));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rejections")
    void rejectionLeavesNoTrace(Case c) {
        var w = new World();
        var command = c.command().apply(w); // may run set-up commands of its own first
        var before = w.snapshot();
        var out = w.batch(Submission.single(new Request(w.l, null, command)));
        var result = out.results().getFirst().getFirst();
        assertRejected(result, c.reason());
        assertThat(result.replayed()).isFalse();
        assertThat(w.snapshot()).isEqualTo(before);
        assertThat(out.writesNothing()).as("outcome %s", out).isTrue();
        assertThat(out.changedTransfers()).isEmpty();
        assertThat(out.lastSeqByLedger()).isEmpty();
    }

    @Test
    void commandToAMissingLedgerIsRejected() {
        var w = new World();
        var before = w.snapshot();
        assertRejected(w.run(w.missingLedger, w.xfer(w.alice, w.bob, 1)), LEDGER_NOT_FOUND);
        assertRejected(w.run(w.missingLedger, World.createAccount(w.id(), null, "USD", Side.CREDIT, 0L)), LEDGER_NOT_FOUND);
        assertThat(w.snapshot()).isEqualTo(before);
        assertThat(w.state.hasLedger(w.missingLedger)).isFalse();
    }

    @Test
    void accountWithOnlyPendingTotalsCannotCloseUntilReleased() {
        var w = new World();
        var dave = w.open("dave", "USD", Side.CREDIT, 0L);
        var erin = w.open("erin", "USD", Side.CREDIT, 0L);
        w.accepted(w.xfer(w.issuer, dave, 70));
        var h = w.accepted(w.hold(dave, erin, 70, null));
        // erin: posted 0, only creditsPending.
        assertRejected(w.run(new Command.CloseAccount(erin)), ACCOUNT_BALANCE_NOT_ZERO);
        w.accepted(w.voidHold(h));
        assertThat(w.acct(erin).balance()).isEqualTo(Balance.ZERO);
        long seqBefore = w.state.lastSeq(w.l);
        assertThat(seq(w.run(new Command.CloseAccount(erin)))).isEqualTo(seqBefore + 1);
        assertThat(w.acct(erin).status()).isEqualTo(AccountStatus.CLOSED);
        assertThat(w.acct(erin).version()).isEqualTo(2); // closing is not a posting
        // dave: posted 70 -> not zero; after sending it back, posted zero with non-zero totals -> closable.
        assertRejected(w.run(new Command.CloseAccount(dave)), ACCOUNT_BALANCE_NOT_ZERO);
        w.accepted(w.xfer(dave, w.issuer, 70));
        w.accepted(new Command.CloseAccount(dave));
        assertThat(w.acct(dave).balance()).isEqualTo(new Balance(70, 70, 0, 0));
        assertThat(w.acct(dave).version()).isEqualTo(4);
        // only debitsPending (an unconstrained account holding what it does not have)
        var frank = w.open("frank", "USD", Side.CREDIT, null);
        w.accepted(w.hold(frank, w.bob, 5, null));
        assertThat(w.acct(frank).balance()).isEqualTo(new Balance(0, 0, 5, 0));
        assertRejected(w.run(new Command.CloseAccount(frank)), ACCOUNT_BALANCE_NOT_ZERO);
    }

    // =====================================================================================================
    // Accepted commands: the rules of balances, versions and sequences.
    // =====================================================================================================

    @Test
    void postedTransferDebitsFromCreditsToAndTakesTheNextSeq() {
        var w = new World();
        long seq0 = w.state.lastSeq(w.l);
        var aliceBefore = w.acct(w.alice);
        var bobBefore = w.acct(w.bob);
        var out = w.batch(Submission.single(new Request(w.l, null, w.xfer(w.alice, w.bob, 25))));
        assertThat(seq(out.results().getFirst().getFirst())).isEqualTo(seq0 + 1);
        assertThat(w.state.lastSeq(w.l)).isEqualTo(seq0 + 1);
        assertThat(w.acct(w.alice).balance()).isEqualTo(new Balance(
                aliceBefore.balance().debitsPosted() + 25, aliceBefore.balance().creditsPosted(), 150, 0));
        assertThat(w.acct(w.bob).balance().creditsPosted()).isEqualTo(bobBefore.balance().creditsPosted() + 25);
        assertThat(w.posted(w.alice)).isEqualTo(775);
        assertThat(w.available(w.alice)).isEqualTo(625);
        assertThat(w.acct(w.alice).version()).isEqualTo(aliceBefore.version() + 1);
        assertThat(w.acct(w.bob).version()).isEqualTo(bobBefore.version() + 1);
        var entry = out.entries().getFirst();
        assertThat(entry.kind()).isEqualTo(EntryKind.TRANSFER);
        assertThat(entry.seq()).isEqualTo(seq0 + 1);
        assertThat(entry.postings()).extracting(Posting::accountId, Posting::side, Posting::postedMinor, Posting::accountVersion)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(w.alice, Side.DEBIT, 25L, aliceBefore.version() + 1),
                        org.assertj.core.groups.Tuple.tuple(w.bob, Side.CREDIT, 25L, bobBefore.version() + 1));
        assertThat(entry.postings().get(0).balanceAfter()).isEqualTo(w.acct(w.alice).balance());
        assertThat(out.lastSeqByLedger()).containsExactlyEntriesOf(Map.of(w.l, seq0 + 1));
        assertThat(w.transfer(entry.id())).extracting(TransferState::status, TransferState::postedMinor)
                .containsExactly(TransferStatus.POSTED, 25L);
    }

    @Test
    void theWorldHasTheBalancesItsDescriptionStates() {
        var w = new World();
        assertThat(w.posted(w.alice)).isEqualTo(800);
        assertThat(w.available(w.alice)).isEqualTo(650);
        assertThat(w.posted(w.bob)).isEqualTo(200);
        assertThat(w.acct(w.bob).balance().creditsPending()).isEqualTo(150 + 20);
        assertThat(w.available(w.bob)).isEqualTo(200); // pending inflows do not count
        assertThat(w.posted(w.cash)).isEqualTo(300);
        assertThat(w.posted(w.issuer)).isEqualTo(300 + 30 + 40 - 1000 - 30 - 40);
        assertThat(w.acct(w.issuer).balance().debitsPending()).isEqualTo(20); // the stale hold
        assertThat(w.transfer(w.expired).status()).isEqualTo(TransferStatus.EXPIRED);
        assertThat(w.transfer(w.voided).status()).isEqualTo(TransferStatus.VOIDED);
        assertThat(w.transfer(w.reversed).reversedMinor()).isEqualTo(30);
        assertThat(w.acct(w.closed).status()).isEqualTo(AccountStatus.CLOSED);
        assertThat(w.state.lastSeq(w.other)).isEqualTo(3);
    }

    @Test
    void holdReservesOnPendingTotalsAndLowersOnlyTheSourcesAvailable() {
        var w = new World();
        var h = w.accepted(w.hold(w.alice, w.carol, 40, null));
        assertThat(w.acct(w.alice).balance().debitsPending()).isEqualTo(150 + 40);
        assertThat(w.acct(w.carol).balance().creditsPending()).isEqualTo(40);
        assertThat(w.posted(w.alice)).isEqualTo(800);
        assertThat(w.available(w.alice)).isEqualTo(610);
        assertThat(w.available(w.carol)).isEqualTo(0);
        assertThat(w.transfer(h)).extracting(TransferState::status, TransferState::postedMinor, TransferState::hold)
                .containsExactly(TransferStatus.PENDING, 0L, true);
    }

    @Test
    void debitNormalAccountSeesCreditsAsOutflows() {
        var w = new World();
        // cash is debit-normal with 300: a hold crediting cash reserves 120 of it.
        w.accepted(w.hold(w.cash, w.issuer, 1, null)); // debiting cash raises it; pending debits are not outflows
        assertThat(w.available(w.cash)).isEqualTo(300);
        w.accepted(w.hold(w.issuer, w.cash, 120, null));
        assertThat(w.available(w.cash)).isEqualTo(180);
        assertRejected(w.run(w.xfer(w.issuer, w.cash, 181)), INSUFFICIENT_FUNDS);
        w.accepted(w.xfer(w.issuer, w.cash, 180));
        assertThat(w.posted(w.cash)).isEqualTo(120);
        assertThat(w.available(w.cash)).isZero();
    }

    @Test
    void fullCapturePostsTheHoldAndReleasesIt() {
        var w = new World();
        var out = w.batch(Submission.single(new Request(w.l, null, w.capture(w.hold, null))));
        assertThat(out.results().getFirst().getFirst()).isInstanceOf(CommandResult.Accepted.class);
        assertThat(w.transfer(w.hold)).extracting(TransferState::status, TransferState::postedMinor)
                .containsExactly(TransferStatus.POSTED, 100L);
        assertThat(w.acct(w.alice).balance()).isEqualTo(new Balance(200 + 100, 1000, 50, 0));
        assertThat(w.available(w.alice)).isEqualTo(650);
        assertThat(w.posted(w.bob)).isEqualTo(300);
        assertThat(out.entries().getFirst()).extracting(Entry::kind, Entry::amountMinor, Entry::referenceId)
                .containsExactly(EntryKind.CAPTURE, 100L, w.hold);
        assertThat(out.entries().getFirst().postings()).extracting(Posting::pendingDeltaMinor).containsExactly(-100L, -100L);
    }

    @Test
    void partialCaptureReleasesTheWholeHoldAndPostsThePart() {
        var w = new World();
        w.accepted(w.capture(w.hold, 30L));
        assertThat(w.transfer(w.hold)).extracting(TransferState::status, TransferState::postedMinor, TransferState::amountMinor)
                .containsExactly(TransferStatus.POSTED, 30L, 100L);
        assertThat(w.acct(w.alice).balance()).isEqualTo(new Balance(230, 1000, 50, 0));
        assertThat(w.available(w.alice)).isEqualTo(720);
        assertThat(w.acct(w.bob).balance().creditsPending()).isEqualTo(70);
        // A captured hold is a posted transfer: it can be reversed up to what it posted.
        w.accepted(w.reverse(w.hold, 10L));
        assertRejected(w.run(w.reverse(w.hold, 21L)), REVERSAL_EXCEEDS_ORIGINAL);
        w.accepted(w.reverse(w.hold, null));
        assertThat(w.transfer(w.hold).reversedMinor()).isEqualTo(30);
        assertThat(w.posted(w.alice)).isEqualTo(800);
    }

    @Test
    void captureOfExactlyTheHeldAmountIsAccepted() {
        var w = new World();
        w.accepted(w.capture(w.hold, 100L));
        assertThat(w.transfer(w.hold).postedMinor()).isEqualTo(100);
    }

    @Test
    void voidReleasesWithoutPosting() {
        var w = new World();
        var bobPosted = w.posted(w.bob);
        w.accepted(w.voidHold(w.hold));
        assertThat(w.transfer(w.hold)).extracting(TransferState::status, TransferState::postedMinor)
                .containsExactly(TransferStatus.VOIDED, 0L);
        assertThat(w.available(w.alice)).isEqualTo(750);
        assertThat(w.posted(w.alice)).isEqualTo(800);
        assertThat(w.posted(w.bob)).isEqualTo(bobPosted);
    }

    @Test
    void expiryEdges() {
        var w = new World();
        var expiresAt = w.transfer(w.hold).expiresAt();
        assertThat(expiresAt).isEqualTo(T0.plusSeconds(3600));
        w.now = expiresAt.minusSeconds(1);
        assertRejected(w.run(w.expire(w.hold)), HOLD_NOT_EXPIRED);
        var second = w.accepted(w.hold(w.alice, w.bob, 5, Duration.ofSeconds(10)));
        w.now = expiresAt; // at the expiry: capture and void are too late, expiry is due
        assertRejected(w.run(w.capture(w.hold, null)), HOLD_EXPIRED);
        assertRejected(w.run(w.voidHold(w.hold)), HOLD_EXPIRED);
        w.accepted(w.expire(w.hold));
        assertThat(w.transfer(w.hold).status()).isEqualTo(TransferStatus.EXPIRED);
        assertThat(w.acct(w.alice).balance().debitsPending()).isEqualTo(50 + 5);
        // One second before its own expiry the second hold can still be captured.
        w.now = w.transfer(second).expiresAt().minusSeconds(1);
        w.accepted(w.capture(second, null));
    }

    @Test
    void reversalMovesBackAndIsBoundedByWhatWasPosted() {
        var w = new World();
        long seq0 = w.state.lastSeq(w.l);
        var out = w.batch(Submission.single(new Request(w.l, null, w.reverse(w.direct, 50L))));
        assertThat(seq(out.results().getFirst().getFirst())).isEqualTo(seq0 + 1);
        var e = out.entries().getFirst();
        assertThat(e).extracting(Entry::kind, Entry::fromAccountId, Entry::toAccountId, Entry::amountMinor)
                .containsExactly(EntryKind.REVERSAL, w.bob, w.alice, 50L);
        assertThat(e.postings()).extracting(Posting::accountId, Posting::side)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(w.bob, Side.DEBIT), org.assertj.core.groups.Tuple.tuple(w.alice, Side.CREDIT));
        assertThat(w.posted(w.alice)).isEqualTo(850);
        assertThat(w.posted(w.bob)).isEqualTo(150);
        assertThat(w.transfer(w.direct)).extracting(TransferState::status, TransferState::reversedMinor, TransferState::postedMinor)
                .containsExactly(TransferStatus.POSTED, 50L, 200L);
        w.accepted(w.reverse(w.direct, 150L)); // exactly the rest
        assertRejected(w.run(w.reverse(w.direct, null)), REVERSAL_EXCEEDS_ORIGINAL);
        assertThat(w.posted(w.bob)).isZero();
    }

    @Test
    void multiLegEntryBalancedPerAssetIsAppliedWhole() {
        var w = new World();
        var usdBefore = w.acct(w.alice).version();
        var out = w.batch(Submission.single(new Request(w.l, null, w.entry(
                World.dr(w.alice, 100), World.dr(w.alice, 50), World.cr(w.bob, 120), World.cr(w.carol, 30),
                new Command.PostingLine(w.euro, Side.DEBIT, 7, "EUR"),
                new Command.PostingLine(w.euro, Side.CREDIT, 7, "EUR")))));
        assertThat(out.results().getFirst().getFirst()).isInstanceOf(CommandResult.Accepted.class);
        assertThat(w.posted(w.alice)).isEqualTo(650);
        assertThat(w.posted(w.carol)).isEqualTo(30);
        assertThat(w.acct(w.alice).version()).isEqualTo(usdBefore + 2); // two postings, two versions
        assertThat(w.acct(w.euro).version()).isEqualTo(2);
        var postings = out.entries().getFirst().postings();
        assertThat(postings).hasSize(6);
        assertThat(postings.get(1).balanceAfter().debitsPosted() - postings.get(0).balanceAfter().debitsPosted()).isEqualTo(50);
    }

    @Test
    void overdraftLimitAllowsDownToMinusLimitExactly() {
        var w = new World();
        w.accepted(w.xfer(w.carol, w.bob, 500));
        assertThat(w.available(w.carol)).isEqualTo(-500);
        assertRejected(w.run(w.xfer(w.carol, w.bob, 1)), INSUFFICIENT_FUNDS);
        w.accepted(w.xfer(w.issuer, w.carol, 1)); // receiving is always fine
        w.accepted(w.xfer(w.carol, w.bob, 1));
        // no overdraft: alice to exactly zero available
        w.accepted(w.xfer(w.alice, w.bob, 650));
        assertThat(w.available(w.alice)).isZero();
        assertRejected(w.run(w.xfer(w.alice, w.bob, 1)), INSUFFICIENT_FUNDS);
    }

    @Test
    void unconstrainedAccountGoesNegativeWithoutLimit() {
        var w = new World();
        w.accepted(w.xfer(w.issuer, w.bob, MAX));
        assertThat(w.posted(w.issuer)).isLessThan(-MAX);
    }

    @Test
    void accountAlreadyBelowItsLimitMayReceiveButNotLose() {
        var w = new World();
        // An account loaded below its limit (e.g. its limit was lowered): -300 with a limit of 100.
        var id = new UUID(0xFEED, 1);
        var account = new Account(id, w.l, "under", "USD", Side.CREDIT, 100L, Map.of(), T0, 0);
        w.state.loadAccount(new AccountState(account, new Balance(300, 0, 0, 0), AccountStatus.OPEN, 1));
        w.accepted(w.xfer(w.issuer, id, 50));
        assertThat(w.available(id)).isEqualTo(-250);
        assertRejected(w.run(w.xfer(id, w.bob, 1)), INSUFFICIENT_FUNDS);
        // An entry that leaves it higher than before is fine even if it also debits it.
        w.accepted(w.entry(World.dr(id, 10), World.cr(id, 30), World.dr(w.issuer, 20)));
        assertThat(w.available(id)).isEqualTo(-230);
    }

    @Test
    void rejectedCommandsTakeNoSequenceNumber() {
        var w = new World();
        long s = w.state.lastSeq(w.l);
        var out = w.batch(
                Submission.single(new Request(w.l, null, w.xfer(w.alice, w.bob, 1))),
                Submission.single(new Request(w.l, null, w.xfer(w.alice, w.bob, 10_000))),
                Submission.single(new Request(w.other, null, w.xfer(w.foreignIssuer, w.foreign, 1))),
                Submission.single(new Request(w.l, null, w.capture(w.id(), null))),
                Submission.single(new Request(w.l, null, World.createAccount(w.id(), null, "JPY", Side.CREDIT, 0L))));
        var r = out.results();
        assertThat(seq(r.get(0).getFirst())).isEqualTo(s + 1);
        assertRejected(r.get(1).getFirst(), INSUFFICIENT_FUNDS);
        assertThat(seq(r.get(2).getFirst())).isEqualTo(4); // the other ledger counts on its own
        assertRejected(r.get(3).getFirst(), TRANSFER_NOT_FOUND);
        assertThat(seq(r.get(4).getFirst())).isEqualTo(s + 2);
        assertThat(out.lastSeqByLedger()).isEqualTo(Map.of(w.l, s + 2, w.other, 4L));
        assertThat(out.entries()).hasSize(2);
        assertThat(out.createdAccounts()).hasSize(1);
    }

    @Test
    void createdAccountIsOpenAtZeroWithItsDefinition() {
        var w = new World();
        var id = w.id();
        long s = w.state.lastSeq(w.l);
        var out = w.batch(Submission.single(new Request(w.l, null,
                new Command.CreateAccount(id, "yen", "JPY", Side.DEBIT, 7L, Map.of("k", "v")))));
        assertThat(seq(out.results().getFirst().getFirst())).isEqualTo(s + 1);
        assertThat(out.createdAccounts()).singleElement().satisfies(a -> {
            assertThat(a.asset()).isEqualTo("JPY");
            assertThat(a.normalSide()).isEqualTo(Side.DEBIT);
            assertThat(a.overdraftLimitMinor()).isEqualTo(7L);
            assertThat(a.seq()).isEqualTo(s + 1);
            assertThat(a.metadata()).isEqualTo(Map.of("k", "v"));
        });
        assertThat(w.acct(id)).extracting(AccountState::balance, AccountState::status, AccountState::version)
                .containsExactly(Balance.ZERO, AccountStatus.OPEN, 0L);
        // The same code may be used in another ledger.
        w.accepted(w.other, World.createAccount(w.id(), "yen", "USD", Side.CREDIT, null));
        // Codes are case-sensitive strings, and an account without a code takes no code.
        w.accepted(World.createAccount(w.id(), "YEN", "JPY", Side.CREDIT, null));
        w.accepted(World.createAccount(w.id(), null, "JPY", Side.CREDIT, null));
        w.accepted(World.createAccount(w.id(), null, "JPY", Side.CREDIT, null));
    }

    // =====================================================================================================
    // 64-bit totals.
    // =====================================================================================================

    @Test
    void totalBeyond64BitsIsBalanceOverflowAndLeavesNoTrace() {
        var w = new World();
        var sink = w.open("sink", "USD", Side.CREDIT, null);
        var source = w.open("source", "USD", Side.CREDIT, null);
        for (int i = 0; i < 9; i++) {
            w.accepted(w.xfer(source, sink, MAX));
        }
        var before = w.snapshot();
        var out = w.batch(Submission.single(new Request(w.l, null, w.xfer(source, sink, MAX))));
        assertRejected(out.results().getFirst().getFirst(), BALANCE_OVERFLOW);
        assertThat(w.snapshot()).isEqualTo(before);
        assertThat(out.writesNothing()).isTrue();
        assertThat(out.lastSeqByLedger()).isEmpty();
        // Up to Long.MAX_VALUE exactly is fine.
        long room = Long.MAX_VALUE - 9 * MAX;
        w.accepted(w.xfer(source, sink, room));
        assertThat(w.acct(sink).balance().creditsPosted()).isEqualTo(Long.MAX_VALUE);
        assertRejected(w.run(w.xfer(source, sink, 1)), BALANCE_OVERFLOW);
    }

    @Test
    void holdOnAnAccountWithHugeTotalsCanStillBeResolved() {
        // Regression: available() of an unconstrained account overflowed although every total was valid,
        // so the hold below could never be voided, captured or expired (BALANCE_OVERFLOW).
        var w = new World();
        var source = w.open("source", "USD", Side.CREDIT, null);
        var sink = w.open("sink", "USD", Side.CREDIT, null);
        for (int i = 0; i < 9; i++) {
            w.accepted(w.xfer(source, sink, MAX));
        }
        var h1 = w.accepted(w.hold(source, sink, MAX, null));
        var h2 = w.accepted(w.hold(source, w.bob, 1, Duration.ofSeconds(5)));
        w.accepted(w.voidHold(h1));
        var h3 = w.accepted(w.hold(source, sink, MAX, null));
        w.accepted(w.capture(h3, 5L));
        w.now = w.now.plusSeconds(5);
        w.accepted(w.expire(h2));
        assertThat(w.acct(source).balance()).isEqualTo(new Balance(9 * MAX + 5, 0, 0, 0));
    }

    // =====================================================================================================
    // Idempotency.
    // =====================================================================================================

    @Test
    void retryWithTheSameKeyAndHashReplaysWithoutEffect() {
        var w = new World();
        var command = w.xfer(w.alice, w.bob, 10);
        var first = w.run("k1", "h1", command);
        var afterFirst = w.snapshot();
        var retry = w.run("k1", "h1", command);
        assertThat(retry).isEqualTo(new CommandResult.Accepted(command.transferId(), seq(first), true));
        assertThat(first.replayed()).isFalse();
        assertThat(w.snapshot()).isEqualTo(afterFirst);
        // Another command under the same key and hash is still a replay: the hash is what identifies the request.
        assertThat(w.run("k1", "h1", w.xfer(w.alice, w.bob, 99))).isEqualTo(retry);
        assertThat(w.snapshot()).isEqualTo(afterFirst);
    }

    @Test
    void sameKeyWithAnotherHashIsRejectedAndNotStored() {
        var w = new World();
        var command = w.xfer(w.alice, w.bob, 10);
        var first = w.run("k1", "h1", command);
        var afterFirst = w.snapshot();
        var out = w.batch(Submission.single(new Request(w.l, new IdempotencyKey("k1", "h2"), w.xfer(w.alice, w.bob, 11))));
        var conflict = out.results().getFirst().getFirst();
        assertRejected(conflict, IDEMPOTENCY_KEY_REUSED);
        assertThat(conflict.replayed()).isFalse();
        assertThat(out.newIdempotencyRecords()).isEmpty();
        assertThat(w.snapshot()).isEqualTo(afterFirst);
        assertThat(w.state.idempotency(w.l, "k1").requestHash()).isEqualTo("h1");
        assertThat(w.run("k1", "h1", command)).isEqualTo(first.asReplay());
    }

    @Test
    void rejectionsAreStoredAndReplayedEvenWhenTheyWouldNowSucceed() {
        var w = new World();
        var command = w.xfer(w.alice, w.bob, 700); // 650 available
        assertRejected(w.run("k", "h", command), INSUFFICIENT_FUNDS);
        w.accepted(w.xfer(w.issuer, w.alice, 100));
        var before = w.snapshot();
        var replay = w.run("k", "h", command);
        assertRejected(replay, INSUFFICIENT_FUNDS);
        assertThat(replay.replayed()).isTrue();
        assertThat(w.snapshot()).isEqualTo(before);
    }

    @Test
    void keysWorkWithinOneBatchAndAreScopedPerLedger() {
        var w = new World();
        var command = w.xfer(w.alice, w.bob, 10);
        var req = new Request(w.l, new IdempotencyKey("k", "h"), command);
        var otherLedger = new Request(w.other, new IdempotencyKey("k", "h"), w.xfer(w.foreignIssuer, w.foreign, 3));
        var out = w.batch(Submission.single(req), Submission.single(req), Submission.single(otherLedger),
                Submission.single(new Request(w.l, new IdempotencyKey("k", "x"), command)));
        var first = out.results().get(0).getFirst();
        assertThat(out.results().get(1).getFirst()).isEqualTo(first.asReplay());
        assertThat(out.results().get(2).getFirst().replayed()).isFalse();
        assertThat(seq(out.results().get(2).getFirst())).isEqualTo(4);
        assertRejected(out.results().get(3).getFirst(), IDEMPOTENCY_KEY_REUSED);
        assertThat(out.entries()).hasSize(2);
        assertThat(out.newIdempotencyRecords()).extracting(IdempotencyRecord::ledgerId, IdempotencyRecord::key)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(w.l, "k"), org.assertj.core.groups.Tuple.tuple(w.other, "k"));
        assertThat(w.posted(w.alice)).isEqualTo(790);
    }

    @Test
    void keyOfAMissingLedgerIsNotStoredButAnsweredTheSameWay() {
        var w = new World();
        var req = new Request(w.missingLedger, new IdempotencyKey("k", "h"), w.xfer(w.alice, w.bob, 1));
        var out = w.batch(Submission.single(req), Submission.single(req));
        assertRejected(out.results().get(0).getFirst(), LEDGER_NOT_FOUND);
        assertRejected(out.results().get(1).getFirst(), LEDGER_NOT_FOUND);
        assertThat(out.results().get(1).getFirst().replayed()).isFalse();
        assertThat(out.newIdempotencyRecords()).isEmpty();
    }

    // =====================================================================================================
    // All-or-nothing submissions.
    // =====================================================================================================

    @Test
    void atomicSubmissionAppliesAllWithConsecutiveSeqs() {
        var w = new World();
        long s = w.state.lastSeq(w.l);
        var out = w.batch(new Submission(List.of(
                new Request(w.l, null, w.xfer(w.alice, w.bob, 600)),
                new Request(w.l, null, w.xfer(w.bob, w.carol, 700))), true));
        assertThat(out.results().getFirst()).extracting(CommandResult::replayed).containsExactly(false, false);
        assertThat(seq(out.results().getFirst().get(0))).isEqualTo(s + 1);
        assertThat(seq(out.results().getFirst().get(1))).isEqualTo(s + 2);
        assertThat(w.posted(w.carol)).isEqualTo(700);
    }

    @Test
    void atomicSubmissionWithAFailureLeavesNoEffect() {
        var w = new World();
        var before = w.snapshot();
        var newAccount = w.id();
        var out = w.batch(new Submission(List.of(
                new Request(w.l, new IdempotencyKey("a", "1"), World.createAccount(newAccount, "new", "USD", Side.CREDIT, 0L)),
                new Request(w.l, new IdempotencyKey("b", "1"), w.xfer(w.alice, newAccount, 600)),
                new Request(w.l, new IdempotencyKey("c", "1"), w.xfer(w.alice, w.bob, 600)),
                new Request(w.l, null, w.capture(w.hold, null))), true));
        var results = out.results().getFirst();
        assertRejected(results.get(0), LINKED_COMMAND_FAILED);
        assertRejected(results.get(1), LINKED_COMMAND_FAILED);
        assertRejected(results.get(2), INSUFFICIENT_FUNDS);
        assertRejected(results.get(3), LINKED_COMMAND_FAILED);
        assertThat(w.snapshot()).isEqualTo(before);
        assertThat(out.entries()).isEmpty();
        assertThat(out.createdAccounts()).isEmpty();
        assertThat(out.changedAccounts()).isEmpty();
        assertThat(out.changedTransfers()).isEmpty();
        assertThat(out.lastSeqByLedger()).isEmpty();
        // One record per key, holding the answer that was given (not the rolled-back acceptance).
        assertThat(out.newIdempotencyRecords()).extracting(IdempotencyRecord::key, r -> ((CommandResult.Rejected) r.result()).reason())
                .containsExactly(org.assertj.core.groups.Tuple.tuple("a", LINKED_COMMAND_FAILED),
                        org.assertj.core.groups.Tuple.tuple("b", LINKED_COMMAND_FAILED),
                        org.assertj.core.groups.Tuple.tuple("c", INSUFFICIENT_FUNDS));
        // The code 'new' is free again; retrying key 'a' replays the linked failure.
        assertRejected(w.run("a", "1", World.createAccount(newAccount, "new", "USD", Side.CREDIT, 0L)), LINKED_COMMAND_FAILED);
        w.accepted(World.createAccount(w.id(), "new", "USD", Side.CREDIT, 0L));
    }

    @Test
    void atomicReplayOfAnAcceptedRequestStaysAcceptedWhenAnotherFails() {
        var w = new World();
        var command = w.xfer(w.alice, w.bob, 5);
        var first = w.run("k", "h", command);
        var before = w.snapshot();
        var out = w.batch(new Submission(List.of(
                new Request(w.l, new IdempotencyKey("k", "h"), command),
                new Request(w.l, null, w.xfer(w.alice, w.bob, 5_000))), true));
        assertThat(out.results().getFirst().get(0)).isEqualTo(first.asReplay());
        assertRejected(out.results().getFirst().get(1), INSUFFICIENT_FUNDS);
        assertThat(w.snapshot()).isEqualTo(before);
    }

    @Test
    void atomicSubmissionContainingAReplayedRejectionAppliesNothing() {
        // Regression: a replayed rejection did not fail the submission, so its other requests were applied.
        var w = new World();
        var failing = w.xfer(w.alice, w.bob, 5_000);
        assertRejected(w.run("k", "h", failing), INSUFFICIENT_FUNDS);
        var before = w.snapshot();
        var out = w.batch(new Submission(List.of(
                new Request(w.l, new IdempotencyKey("k", "h"), failing),
                new Request(w.l, null, w.xfer(w.alice, w.bob, 5))), true));
        var results = out.results().getFirst();
        assertRejected(results.get(0), INSUFFICIENT_FUNDS);
        assertThat(results.get(0).replayed()).isTrue();
        assertRejected(results.get(1), LINKED_COMMAND_FAILED);
        assertThat(w.snapshot()).isEqualTo(before);
    }

    @Test
    void atomicSubmissionWithAReusedKeyFailsWithThatReason() {
        var w = new World();
        w.run("k", "h", w.xfer(w.alice, w.bob, 5));
        var before = w.snapshot();
        var out = w.batch(new Submission(List.of(
                new Request(w.l, null, w.xfer(w.alice, w.bob, 5)),
                new Request(w.l, new IdempotencyKey("k", "other"), w.xfer(w.alice, w.bob, 6))), true));
        assertRejected(out.results().getFirst().get(0), LINKED_COMMAND_FAILED);
        assertRejected(out.results().getFirst().get(1), IDEMPOTENCY_KEY_REUSED);
        assertThat(w.snapshot()).isEqualTo(before);
    }

    @Test
    void atomicSubmissionUsingAKeyTwiceReplaysInsideIt() {
        var w = new World();
        var command = w.xfer(w.alice, w.bob, 5);
        var req = new Request(w.l, new IdempotencyKey("k", "h"), command);
        var out = w.batch(new Submission(List.of(req, req), true));
        var r = out.results().getFirst();
        assertThat(r.get(1)).isEqualTo(r.get(0).asReplay());
        assertThat(w.posted(w.alice)).isEqualTo(795);
    }

    // =====================================================================================================
    // Limits: exactly at the limit passes, one over fails.
    // =====================================================================================================

    static Stream<Case> limitsAtTheEdge() {
        return Stream.of(
                row("transfer of AMOUNT_MINOR_MAX", w -> w.xfer(w.issuer, w.bob, MAX), null),
                row("transfer of AMOUNT_MINOR_MAX + 1", w -> w.xfer(w.issuer, w.bob, MAX + 1), AMOUNT_EXCEEDS_LIMIT),
                row("entry lines of AMOUNT_MINOR_MAX", w -> w.entry(World.dr(w.issuer, MAX), World.cr(w.bob, MAX)), null),
                row("capture of AMOUNT_MINOR_MAX of a MAX hold", w -> w.capture(w.accepted(w.hold(w.issuer, w.bob, MAX, null)), MAX), null),
                row("reversal of AMOUNT_MINOR_MAX", w -> w.reverse(w.accepted(w.xfer(w.issuer, w.carol, MAX)), MAX), null),
                row("METADATA_ENTRIES_MAX entries", w -> withMetadata(w, metadata(Limits.METADATA_ENTRIES_MAX, 2, 1)), null),
                row("METADATA_ENTRIES_MAX + 1 entries", w -> withMetadata(w, metadata(Limits.METADATA_ENTRIES_MAX + 1, 2, 1)), METADATA_INVALID),
                row("key of METADATA_KEY_LENGTH_MAX", w -> withMetadata(w, metadata(1, Limits.METADATA_KEY_LENGTH_MAX, 1)), null),
                row("key of METADATA_KEY_LENGTH_MAX + 1", w -> withMetadata(w, metadata(1, Limits.METADATA_KEY_LENGTH_MAX + 1, 1)), METADATA_INVALID),
                row("value of METADATA_VALUE_LENGTH_MAX", w -> withMetadata(w, metadata(1, 1, Limits.METADATA_VALUE_LENGTH_MAX)), null),
                row("value of METADATA_VALUE_LENGTH_MAX + 1", w -> withMetadata(w, metadata(1, 1, Limits.METADATA_VALUE_LENGTH_MAX + 1)), METADATA_INVALID),
                row("entry metadata over the limit", w -> new Command.PostEntry(w.id(), List.of(World.dr(w.issuer, 1), World.cr(w.bob, 1)),
                        metadata(1, 1, Limits.METADATA_VALUE_LENGTH_MAX + 1)), METADATA_INVALID),
                row("capture metadata over the limit", w -> new Command.CaptureHold(w.id(), w.hold, null,
                        metadata(1, Limits.METADATA_KEY_LENGTH_MAX + 1, 1)), METADATA_INVALID),
                row("void metadata over the limit", w -> new Command.VoidHold(w.id(), w.hold,
                        metadata(Limits.METADATA_ENTRIES_MAX + 1, 2, 1)), METADATA_INVALID),
                row("reversal metadata over the limit", w -> new Command.ReverseTransfer(w.id(), w.direct, 1L,
                        metadata(1, 1, Limits.METADATA_VALUE_LENGTH_MAX + 1)), METADATA_INVALID),
                row("account metadata over the limit", w -> new Command.CreateAccount(w.id(), null, "USD", Side.CREDIT, 0L,
                        metadata(Limits.METADATA_ENTRIES_MAX + 1, 2, 1)), METADATA_INVALID),
                row("account code of ACCOUNT_CODE_LENGTH_MAX", w -> World.createAccount(w.id(), CODE_MAX, "USD", Side.CREDIT, 0L), null),
                row("account code of ACCOUNT_CODE_LENGTH_MAX + 1", w -> World.createAccount(w.id(), CODE_MAX + "c", "USD", Side.CREDIT, 0L),
                        ACCOUNT_CODE_INVALID),
                row("entry of ENTRY_POSTINGS_MIN postings", w -> w.entry(World.dr(w.issuer, 1), World.cr(w.bob, 1)), null),
                row("entry of ENTRY_POSTINGS_MIN - 1 postings", w -> w.entry(World.dr(w.issuer, 1)), ENTRY_TOO_FEW_POSTINGS),
                row("entry of ENTRY_POSTINGS_MAX postings", w -> entryOf(w, Limits.ENTRY_POSTINGS_MAX), null),
                row("entry of ENTRY_POSTINGS_MAX + 1 postings", w -> entryOf(w, Limits.ENTRY_POSTINGS_MAX + 1), ENTRY_TOO_MANY_POSTINGS),
                row("hold timeout of HOLD_TIMEOUT_SECONDS_MAX", w -> w.hold(w.alice, w.bob, 1, Duration.ofSeconds(Limits.HOLD_TIMEOUT_SECONDS_MAX)), null),
                row("hold timeout of HOLD_TIMEOUT_SECONDS_MAX + 1", w -> w.hold(w.alice, w.bob, 1,
                        Duration.ofSeconds(Limits.HOLD_TIMEOUT_SECONDS_MAX + 1)), HOLD_TIMEOUT_INVALID),
                row("hold timeout of 1 s", w -> w.hold(w.alice, w.bob, 1, Duration.ofSeconds(1)), null),
                row("hold timeout of 0 s", w -> w.hold(w.alice, w.bob, 1, Duration.ofSeconds(0)), HOLD_TIMEOUT_INVALID),
                row("overdraft limit of OVERDRAFT_LIMIT_MINOR_MAX", w -> World.createAccount(w.id(), null, "USD", Side.CREDIT,
                        Limits.OVERDRAFT_LIMIT_MINOR_MAX), null),
                row("overdraft limit of OVERDRAFT_LIMIT_MINOR_MAX + 1", w -> World.createAccount(w.id(), null, "USD", Side.CREDIT,
                        Limits.OVERDRAFT_LIMIT_MINOR_MAX + 1), OVERDRAFT_LIMIT_INVALID),
                row("overdraft limit of 0", w -> World.createAccount(w.id(), null, "USD", Side.CREDIT, 0L), null),
                row("overdraft limit of -1", w -> World.createAccount(w.id(), null, "USD", Side.CREDIT, -1L), OVERDRAFT_LIMIT_INVALID),
                row("asset code of ASSET_CODE_LENGTH_MAX (not defined)", w -> World.createAccount(w.id(), null,
                        "A".repeat(Limits.ASSET_CODE_LENGTH_MAX), Side.CREDIT, 0L), ASSET_NOT_FOUND));
    }

    static Command withMetadata(World w, Map<String, String> metadata) {
        return new Command.PostTransfer(w.id(), w.issuer, w.bob, 1, "USD", false, null, metadata);
    }

    static Command entryOf(World w, int postings) {
        List<Command.PostingLine> lines = new ArrayList<>();
        for (int i = 0; i < postings - 1; i++) {
            lines.add(World.dr(w.issuer, 1));
        }
        lines.add(World.cr(w.bob, postings - 1));
        return new Command.PostEntry(w.id(), lines, Map.of());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("limitsAtTheEdge")
    void limitEdge(Case c) {
        var w = new World();
        var command = c.command().apply(w);
        var before = w.snapshot();
        var result = w.run(command);
        if (c.reason() == null) {
            assertThat(result).as(c.name()).isInstanceOf(CommandResult.Accepted.class);
            assertThat(seq(result)).isEqualTo(before.seqL() + 1);
        } else {
            assertRejected(result, c.reason());
            assertThat(w.snapshot()).isEqualTo(before);
        }
    }

    @Test
    void idempotencyKeyLengthLimitIsEnforcedByItsConstructor() {
        var atLimit = new IdempotencyKey("k".repeat(Limits.IDEMPOTENCY_KEY_LENGTH_MAX), "h");
        assertThat(atLimit.key()).hasSize(Limits.IDEMPOTENCY_KEY_LENGTH_MAX);
        assertThatThrownBy(() -> new IdempotencyKey("k".repeat(Limits.IDEMPOTENCY_KEY_LENGTH_MAX + 1), "h"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new IdempotencyKey("", "h")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new IdempotencyKey(null, "h")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new IdempotencyKey("k", null)).isInstanceOf(IllegalArgumentException.class);
        // A key at the limit works end to end.
        var w = new World();
        var command = w.xfer(w.alice, w.bob, 1);
        var out = w.batch(Submission.single(new Request(w.l, atLimit, command)), Submission.single(new Request(w.l, atLimit, command)));
        assertThat(out.results().get(1).getFirst().replayed()).isTrue();
    }
}
