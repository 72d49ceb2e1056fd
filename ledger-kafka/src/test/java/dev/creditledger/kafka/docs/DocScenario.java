package dev.creditledger.kafka.docs;

import dev.creditledger.core.Asset;
import dev.creditledger.core.Command;
import dev.creditledger.core.CommandResult;
import dev.creditledger.core.LedgerState;
import dev.creditledger.core.PostingStateMachine;
import dev.creditledger.core.Request;
import dev.creditledger.core.Side;
import dev.creditledger.core.Submission;
import dev.creditledger.core.events.EventType;
import dev.creditledger.core.events.LedgerEvent;
import dev.creditledger.core.events.LedgerEvents;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Two days of a small marketplace, run through the real state machine and the real event derivation
 * ({@link PostingStateMachine}, {@link LedgerEvents}), so every balance, version, sequence and event id
 * in docs/events.md is one the ledger would really produce. {@link #shown()} picks the copy of each
 * event type that the document prints; {@link #events()} is every event of the scenario, every copy.
 *
 * Ids look like the service's UUIDv7 ids (their time prefix matches the batch that created them) but
 * are fixed, so the scenario is deterministic. Times are truncated to microseconds, as the PostgreSQL
 * engine truncates them.
 */
final class DocScenario {

    static final UUID LEDGER = UUID.fromString("01a19b45-b800-7f04-8b2d-a45b86dc283c");
    static final UUID ISSUER = UUID.fromString("01a1fd60-87de-747e-b284-61e0593942a4");
    static final UUID ALICE = UUID.fromString("01a1fd60-87de-79bf-9599-c2c51509bb0a");
    static final UUID SHOP = UUID.fromString("01a1fd60-87de-712e-bd7b-14bb01088475");
    static final UUID FEES = UUID.fromString("01a1fd60-87de-72e4-9724-18562909406c");
    static final UUID PAYOUTS = UUID.fromString("01a1fd60-87de-759b-8a82-57ba2bb29976");
    static final UUID TOP_UP = UUID.fromString("01a1fd63-1680-7985-9931-e9405d32fe61");
    static final UUID HOLD_1 = UUID.fromString("01a1fd8e-8251-759e-a687-902d58151a99");
    static final UUID CAPTURE_1 = UUID.fromString("01a1fd91-9998-7e69-8faa-af851d8a4eac");
    static final UUID HOLD_2 = UUID.fromString("01a1fda8-ec9c-768b-84f9-e0f9eb04b39b");
    static final UUID VOID_2 = UUID.fromString("01a1fdab-7648-7780-94ff-8ba1142c8364");
    static final UUID HOLD_3 = UUID.fromString("01a1fdd5-a8ba-7260-8ec1-0590178854f2");
    static final UUID EXPIRY_3 = UUID.fromString("01a1fdd6-9517-7add-97b6-2af335c719c2");
    static final UUID REFUND_1 = UUID.fromString("01a1fe91-85d8-700a-967b-21c4e8e3574f");
    static final UUID SETTLEMENT = UUID.fromString("01a200fb-5157-7855-b72c-2e0bc0290103");
    static final UUID HOLD_4 = UUID.fromString("01a20105-1bc5-7e79-9b9c-1091a4ff91e3");
    static final UUID PROMO_GRANT = UUID.fromString("01a2010f-ec04-7b1a-9d47-3f2c8e51a0b6");
    static final UUID PRINTSHOP = UUID.fromString("01a207a2-32fd-7269-9ef2-a74de452e6b4");
    static final UUID ESCROW_FUND = UUID.fromString("01a207a2-32fd-70c5-9ca6-a3a450651327");
    static final UUID ESCROW_REFUND = UUID.fromString("01a2082b-b794-7892-9fd2-3f0824128b2f");
    static final UUID ESCROW_RELEASE = UUID.fromString("01a20c9f-5ba0-7953-915d-9dc9f81818e8");
    static final UUID OVERAGE = UUID.fromString("01a20cff-7d00-78f4-addd-a1494c73cf25");
    static final UUID API_REVENUE = UUID.fromString("01a20cff-7d00-7c7f-adec-99108ddb5b5f");
    static final UUID USAGE_1 = UUID.fromString("01a20cff-7d00-7820-a173-ab48767734d7");

    private final LedgerState state = new LedgerState();
    private final List<LedgerEvent> events = new ArrayList<>();

    private DocScenario() {
        state.loadLedger(LEDGER, 0);
        Asset.DEFAULTS.forEach(asset -> state.loadAsset(LEDGER, asset));
    }

    /** Every event of the scenario, in the order the ledger wrote them. */
    static List<LedgerEvent> events() {
        return new DocScenario().run();
    }

    /** The copy of each event type that docs/events.md shows. */
    static Map<EventType, LedgerEvent> shown() {
        var all = events();
        Map<EventType, LedgerEvent> shown = new EnumMap<>(EventType.class);
        shown.put(EventType.ACCOUNT_OPENED, copy(all, EventType.ACCOUNT_OPENED, ALICE));
        shown.put(EventType.ACCOUNT_CLOSED, copy(all, EventType.ACCOUNT_CLOSED, SHOP));
        shown.put(EventType.TRANSFER_POSTED, copy(all, EventType.TRANSFER_POSTED, ALICE));
        shown.put(EventType.HOLD_PLACED, copy(all, EventType.HOLD_PLACED, ALICE));
        shown.put(EventType.HOLD_CAPTURED, copy(all, EventType.HOLD_CAPTURED, SHOP));
        shown.put(EventType.HOLD_VOIDED, copy(all, EventType.HOLD_VOIDED, ALICE));
        shown.put(EventType.HOLD_EXPIRED, copy(all, EventType.HOLD_EXPIRED, ALICE));
        shown.put(EventType.TRANSFER_REVERSED, copy(all, EventType.TRANSFER_REVERSED, ALICE));
        shown.put(EventType.ENTRY_POSTED, copy(all, EventType.ENTRY_POSTED, SHOP));
        shown.put(EventType.GRANT_ISSUED, copy(all, EventType.GRANT_ISSUED, ISSUER));
        shown.put(EventType.GRANT_EXPIRED, copy(all, EventType.GRANT_EXPIRED, ALICE));
        shown.put(EventType.ESCROW_FUNDED, copy(all, EventType.ESCROW_FUNDED, ALICE));
        shown.put(EventType.ESCROW_REFUNDED, copy(all, EventType.ESCROW_REFUNDED, ALICE));
        shown.put(EventType.ESCROW_RELEASED, copy(all, EventType.ESCROW_RELEASED, PRINTSHOP));
        shown.put(EventType.USAGE_RECORDED, copy(all, EventType.USAGE_RECORDED, ALICE));
        shown.put(EventType.BALANCE_THRESHOLD_CROSSED, all.stream()
                .filter(e -> e.header().type() == EventType.BALANCE_THRESHOLD_CROSSED).toList().getLast());
        return shown;
    }

    private static LedgerEvent copy(List<LedgerEvent> events, EventType type, UUID accountId) {
        return events.stream()
                .filter(e -> e.header().type() == type && e.header().accountId().equals(accountId))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("the scenario has no " + type + " for " + accountId));
    }

    private List<LedgerEvent> run() {
        // Day 1: a funding account, a customer wallet, a shop, the marketplace's fee revenue and the
        // shop's payouts. The wallet and the shop may not go below zero; the others are unconstrained.
        // The wallet alerts when its available balance falls below 10.00 (and when it comes back up).
        batch("2026-11-21T09:12:04.318522Z",
                new Command.CreateAccount(ISSUER, "issuer", "USD", Side.CREDIT, null, Map.of()),
                new Command.CreateAccount(ALICE, "wallet:alice", "USD", Side.CREDIT, 0L,
                        Map.of("customerId", "cus_8842", "tier", "gold"), List.of(1000L)),
                new Command.CreateAccount(SHOP, "merchant:bookshop", "USD", Side.CREDIT, 0L, Map.of("merchantId", "m_117")),
                new Command.CreateAccount(FEES, "revenue:fees", "USD", Side.CREDIT, null, Map.of()),
                new Command.CreateAccount(PAYOUTS, null, "USD", Side.CREDIT, null, Map.of("purpose", "payouts to merchants")));
        // Alice tops up 50.00 USD.
        batch("2026-11-21T09:14:51.904117Z",
                new Command.PostTransfer(TOP_UP, ISSUER, ALICE, 5000, "USD", false, null,
                        Map.of("reason", "top-up", "paymentIntent", "pi_3QxT9")));
        // She orders a book for 19.99: a hold with a 15-minute timeout, captured at 17.99 after a discount.
        batch("2026-11-21T10:02:17.553208Z",
                new Command.PostTransfer(HOLD_1, ALICE, SHOP, 1999, "USD", true, Duration.ofMinutes(15),
                        Map.of("orderId", "ord_7731")));
        batch("2026-11-21T10:05:40.120934Z",
                new Command.CaptureHold(CAPTURE_1, HOLD_1, 1799L, Map.of("orderId", "ord_7731", "note", "coupon -2.00")));
        // A second order is cancelled, a third one is abandoned and its hold times out.
        batch("2026-11-21T10:31:08.700415Z",
                new Command.PostTransfer(HOLD_2, ALICE, SHOP, 1000, "USD", true, Duration.ofMinutes(15),
                        Map.of("orderId", "ord_7760")));
        batch("2026-11-21T10:33:55.016250Z",
                new Command.VoidHold(VOID_2, HOLD_2, Map.of("reason", "order cancelled")));
        batch("2026-11-21T11:20:00.442781Z",
                new Command.PostTransfer(HOLD_3, ALICE, SHOP, 700, "USD", true, Duration.ofMinutes(1),
                        Map.of("orderId", "ord_7802")));
        batch("2026-11-21T11:21:00.951330Z", new Command.ExpireHold(EXPIRY_3, HOLD_3));
        // Part of the first order is refunded.
        batch("2026-11-21T14:45:12.280006Z",
                new Command.ReverseTransfer(REFUND_1, HOLD_1, 500L, Map.of("orderId", "ord_7731", "reason", "damaged cover")));
        // Day 2: the shop is settled (its balance split between the fee and the payout), then leaves.
        batch("2026-11-22T02:00:00.087500Z",
                new Command.PostEntry(SETTLEMENT, List.of(
                        new Command.PostingLine(SHOP, Side.DEBIT, 1299, "USD"),
                        new Command.PostingLine(FEES, Side.CREDIT, 130, "USD"),
                        new Command.PostingLine(PAYOUTS, Side.CREDIT, 1169, "USD")),
                        Map.of("settlementId", "stl_2026-11-21_m_117")));
        batch("2026-11-22T02:05:33.610902Z", new Command.CloseAccount(SHOP));
        // A pending top-up without a timeout: a hold whose expiresAt is null.
        batch("2026-11-22T02:10:41.733064Z",
                new Command.PostTransfer(HOLD_4, ISSUER, ALICE, 250, "USD", true, null, Map.of("reason", "promised bonus")));
        // A promotional grant of 1.00, valid one day (its first use opens the breakage account), unused, so all of it expires.
        batch("2026-11-22T02:22:30.404040Z",
                new Command.IssueGrant(PROMO_GRANT, ALICE, ISSUER, 100, "USD", Instant.parse("2026-11-23T02:22:30Z"), "promo:welcome",
                        Map.of("campaign", "welcome")));
        batch("2026-11-23T02:22:31.018250Z", new Command.ExpireGrant(PROMO_GRANT));
        // Day 3: Alice orders prints for 20.00, paid into escrow (the first escrow opens escrow.USD); part of the
        // order is cancelled and refunded; on delivery the rest goes to the print shop minus the marketplace's fee.
        batch("2026-11-23T09:00:00.125000Z",
                new Command.CreateAccount(PRINTSHOP, "merchant:printshop", "USD", Side.CREDIT, 0L, Map.of("merchantId", "m_204")),
                new Command.FundEscrow(ESCROW_FUND, "ord_7900", ALICE, PRINTSHOP, 2000, "USD", Map.of("orderId", "ord_7900")));
        batch("2026-11-23T11:30:12.500000Z",
                new Command.RefundEscrow(ESCROW_REFUND, "ord_7900", 500L, Map.of("reason", "one print out of stock")));
        batch("2026-11-24T08:15:00.000100Z",
                new Command.ReleaseEscrow(ESCROW_RELEASE, "ord_7900", 150, FEES, Map.of("deliveredAt", "2026-11-24T08:01:00Z")));
        // Alice's API usage of 30.00 this month: her wallet pays what it can, the rest is owed on her overage account.
        batch("2026-11-24T10:00:00.000500Z",
                new Command.CreateAccount(OVERAGE, "overage:alice", "USD", Side.CREDIT, 5000L, Map.of("customerId", "cus_8842")),
                new Command.CreateAccount(API_REVENUE, "revenue:api", "USD", Side.CREDIT, null, Map.of()),
                new Command.RecordUsage(USAGE_1, ALICE, OVERAGE, API_REVENUE, 3000, "USD", Map.of("period", "2026-11")));
        return events;
    }

    /** One batch of single-command submissions; every command must be accepted. */
    private void batch(String at, Command... commands) {
        var now = Instant.parse(at);
        List<Submission> submissions = new ArrayList<>();
        for (var command : commands) {
            submissions.add(Submission.single(new Request(LEDGER, null, command)));
        }
        var outcome = PostingStateMachine.apply(submissions, state, now);
        for (var results : outcome.results()) {
            for (var result : results) {
                if (!(result instanceof CommandResult.Accepted)) {
                    throw new IllegalStateException("the scenario's batch at " + at + " was not accepted: " + result);
                }
            }
        }
        events.addAll(LedgerEvents.of(outcome));
    }
}
