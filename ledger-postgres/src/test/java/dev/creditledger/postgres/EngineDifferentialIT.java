package dev.creditledger.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.creditledger.core.AccountState;
import dev.creditledger.core.AccountStatus;
import dev.creditledger.core.Asset;
import dev.creditledger.core.BalanceAlert;
import dev.creditledger.core.Command;
import dev.creditledger.core.CommandResult;
import dev.creditledger.core.Entry;
import dev.creditledger.core.EntryKind;
import dev.creditledger.core.EscrowState;
import dev.creditledger.core.GrantState;
import dev.creditledger.core.IdempotencyKey;
import dev.creditledger.core.LedgerState;
import dev.creditledger.core.PostingStateMachine;
import dev.creditledger.core.Request;
import dev.creditledger.core.Side;
import dev.creditledger.core.Submission;
import dev.creditledger.core.TransferState;
import dev.creditledger.devstack.TestInfrastructure;
import dev.creditledger.jdbc.Sql;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Drives the real PostgreSQL engine and the pure state machine (over an in-memory state) with the same
 * seeded random commands, and compares every result and every account and transfer after each round.
 * The core's model-based test checks the state machine against a naive reference ledger, so together
 * they check: engine = state machine = reference. The seed is printed on failure.
 */
class EngineDifferentialIT {

    private static final long SEED = Long.getLong("ledger.seed", 20261121L);
    private static final int COMMANDS_MIN = 100_000;
    private static final int ROUND_SUBMISSIONS_MAX = 300;

    static HikariDataSource dataSource;
    static PostgresPostingEngine engine;
    static final AtomicLong clockMillis = new AtomicLong(Instant.parse("2026-01-01T00:00:00Z").toEpochMilli());
    static final Clock clock = new Clock() {
        @Override public ZoneOffset getZone() { return ZoneOffset.UTC; }
        @Override public Clock withZone(java.time.ZoneId zone) { return this; }
        @Override public Instant instant() { return Instant.ofEpochMilli(clockMillis.get()); }
    };

    @BeforeAll
    static void start() {
        dataSource = TestInfrastructure.freshDatabase("differential", LedgerDatabase::migrate);
        // One batcher keeps the queue's order, so both sides apply the same sequence.
        engine = new PostgresPostingEngine(dataSource, clock, new EngineSettings(100_000, 500, 1), EngineListener.NONE);
    }

    @AfterAll
    static void stop() {
        engine.close();
        dataSource.close();
    }

    @Test
    void engineAgreesWithTheStateMachineOnAHundredThousandRandomCommands() {
        var admin = new LedgerAdmin(dataSource, clock);
        var queries = new LedgerQueries(JournalRouter.single(dataSource));
        var grants = new GrantQueries(JournalRouter.single(dataSource));
        var escrows = new EscrowQueries(JournalRouter.single(dataSource));
        var ledgers = List.of(admin.createLedger("diff-a").id(), admin.createLedger("diff-b").id());
        var model = new LedgerState();
        for (var ledger : ledgers) {
            model.loadLedger(ledger, 0);
            Asset.DEFAULTS.forEach(a -> model.loadAsset(ledger, a));
        }
        var generator = new CommandGenerator(new Random(SEED), ledgers);
        var alertStore = new AlertStore(JournalRouter.single(dataSource));
        List<String> expectedAlerts = new ArrayList<>();
        int commands = 0;
        int round = 0;
        while (commands < COMMANDS_MIN) {
            round++;
            if (round % 25 == 0) {
                changeThresholds(generator.random, model, alertStore);
            }
            clockMillis.addAndGet(generator.random.nextInt(3_000));
            var submissions = generator.round(1 + generator.random.nextInt(ROUND_SUBMISSIONS_MAX));
            commands += submissions.stream().mapToInt(s -> s.requests().size()).sum();
            List<CompletableFuture<List<PostedResult>>> futures = submissions.stream().map(engine::submit).toList();
            var expected = PostingStateMachine.apply(submissions, model, clock.instant());
            for (int s = 0; s < submissions.size(); s++) {
                var actual = futures.get(s).join().stream().map(PostedResult::result).toList();
                assertThat(actual).as("seed %d round %d submission %s", SEED, round, submissions.get(s))
                        .isEqualTo(expected.results().get(s));
            }
            generator.learn(submissions, expected.results());
            generator.learnEntries(expected.entries());
            for (var entry : expected.entries()) {
                for (int a = 0; a < entry.balanceAlerts().size(); a++) {
                    expectedAlerts.add(alertKey(entry.ledgerId(), entry.seq(), a, entry.balanceAlerts().get(a)));
                }
            }
            compare(queries, expected.changedAccounts(), expected.changedTransfers(), round);
            compareGrants(grants, expected.changedGrants(), round);
            compareEscrows(escrows, expected.changedEscrows(), round);
        }
        compare(queries, model.accounts().values(), model.transfers().values(), round);
        compareGrants(grants, model.grants().values(), round);
        for (var ledger : ledgers) {
            compareEscrows(escrows, model.escrows(ledger).values(), round);
        }
        assertThat(journaledAlerts()).as("the crossings journaled (each keyed by ledger, sequence and order in its entry)")
                .containsExactlyInAnyOrderElementsOf(expectedAlerts);
        assertThat(expectedAlerts).as("and low-balance alerts").hasSizeGreaterThan(100);
        assertThat(new LedgerVerifier(dataSource).verify(ledgers).differences()).isEmpty();
        System.out.printf("differential seed %d: %d commands in %d rounds, %d accepted, %d retries%n",
                SEED, commands, round, generator.accepted, generator.replays);
        assertThat(generator.accepted).as("the run must exercise real money movement").isGreaterThan(COMMANDS_MIN / 5);
        assertThat(generator.replays).as("and retries").isGreaterThan(100);
        assertThat(generator.grants.values().stream().mapToInt(List::size).sum()).as("and grants").isGreaterThan(1_000);
        assertThat(ledgers.stream().mapToInt(l -> model.escrows(l).size()).sum()).as("and escrows").isGreaterThan(50);
        assertThat(generator.reversedKinds).as("and reversals of entries of every kind that moves posted money")
                .contains(EntryKind.TRANSFER, EntryKind.CAPTURE, EntryKind.ENTRY, EntryKind.USAGE, EntryKind.GRANT,
                        EntryKind.ESCROW_FUND, EntryKind.ESCROW_REFUND);
    }

    /** Gives a random account new thresholds, in the database (as the HTTP API does) and in the model. */
    private static void changeThresholds(Random random, LedgerState model, AlertStore store) {
        var open = model.accounts().values().stream().filter(a -> a.status() == AccountStatus.OPEN).toList();
        if (open.isEmpty()) {
            return;
        }
        var account = open.get(random.nextInt(open.size()));
        List<Long> thresholds = random.nextInt(4) == 0 ? List.of() : List.of((long) random.nextInt(600));
        store.setThresholds(account.account().ledgerId(), account.account().id(), thresholds);
        model.loadAccount(new AccountState(account.account(), account.balance(), account.status(), account.version(), thresholds));
    }

    private static String alertKey(UUID ledgerId, long seq, int alertNo, BalanceAlert alert) {
        return ledgerId + "/" + seq + "/" + alertNo + " " + alert.accountId() + " " + alert.direction() + " " + alert.thresholdMinor()
                + " " + alert.availableBefore() + "->" + alert.availableAfter();
    }

    private static List<String> journaledAlerts() {
        List<String> alerts = new ArrayList<>();
        try (var connection = dataSource.getConnection();
             var ps = connection.prepareStatement("SELECT * FROM balance_alerts");
             var rs = ps.executeQuery()) {
            while (rs.next()) {
                alerts.add(alertKey(Sql.uuid(rs, "ledger_id"), rs.getLong("entry_seq"), rs.getInt("alert_no"), JournalReader.alert(rs)));
            }
        } catch (java.sql.SQLException e) {
            throw new AssertionError(e);
        }
        return alerts;
    }

    private static void compareEscrows(EscrowQueries queries, java.util.Collection<EscrowState> escrows, int round) {
        for (var expected : escrows) {
            var actual = queries.escrow(expected.ledgerId(), expected.orderId()).orElseThrow();
            assertThat(actual).as("seed %d round %d escrow %s", SEED, round, expected.orderId()).isEqualTo(expected);
        }
    }

    private static void compareGrants(GrantQueries queries, java.util.Collection<GrantState> grants, int round) {
        for (var expected : grants) {
            var actual = queries.grant(expected.ledgerId(), expected.grantId()).orElseThrow();
            assertThat(actual).as("seed %d round %d grant %s", SEED, round, expected.grantId()).isEqualTo(expected);
        }
    }

    private static void compare(LedgerQueries queries, java.util.Collection<AccountState> accounts,
                                java.util.Collection<TransferState> transfers, int round) {
        for (var expected : accounts) {
            var actual = queries.account(expected.account().ledgerId(), expected.account().id()).orElseThrow();
            assertThat(actual).as("seed %d round %d account %s", SEED, round, expected.account().id()).isEqualTo(expected);
        }
        for (var expected : transfers) {
            var actual = queries.entry(expected.ledgerId(), expected.transferId()).orElseThrow().state();
            assertThat(actual).as("seed %d round %d transfer %s", SEED, round, expected.transferId()).isEqualTo(expected);
        }
    }

    /** Random commands over the accounts and transfers that exist so far, with retries and mistakes mixed in. */
    static final class CommandGenerator {
        final Random random;
        final List<UUID> ledgers;
        final Map<UUID, List<UUID>> accounts = new java.util.HashMap<>();
        final Map<UUID, List<UUID>> transfers = new java.util.HashMap<>();
        final Map<UUID, List<UUID>> grants = new java.util.HashMap<>();
        final Map<UUID, List<Entry>> entries = new java.util.HashMap<>();
        final java.util.Set<EntryKind> reversedKinds = java.util.EnumSet.noneOf(EntryKind.class);
        final Map<UUID, EntryKind> kindOf = new java.util.HashMap<>();
        final List<Request> keyed = new ArrayList<>();
        final Map<UUID, String> assetOf = new java.util.HashMap<>();
        final Map<String, List<UUID>> accountsByLedgerAndAsset = new java.util.HashMap<>();
        int accepted;
        int replays;
        private int keyCounter;
        private static final String[] ASSETS = {"USD", "EUR", "JPY"};

        CommandGenerator(Random random, List<UUID> ledgers) {
            this.random = random;
            this.ledgers = ledgers;
            ledgers.forEach(l -> {
                accounts.put(l, new ArrayList<>());
                transfers.put(l, new ArrayList<>());
                grants.put(l, new ArrayList<>());
                entries.put(l, new ArrayList<>());
            });
        }

        List<Submission> round(int size) {
            List<Submission> submissions = new ArrayList<>(size);
            for (int i = 0; i < size; i++) {
                var ledger = ledgers.get(random.nextInt(ledgers.size()));
                if (random.nextInt(20) == 0) {
                    List<Request> group = new ArrayList<>();
                    int n = 2 + random.nextInt(4);
                    for (int j = 0; j < n; j++) group.add(request(ledger));
                    submissions.add(new Submission(group, true));
                } else {
                    submissions.add(Submission.single(request(ledger)));
                }
            }
            return submissions;
        }

        private Request request(UUID ledger) {
            int dice = random.nextInt(100);
            if (dice < 6 && !keyed.isEmpty()) {
                var earlier = keyed.get(random.nextInt(keyed.size()));
                if (earlier.ledgerId().equals(ledger)) {
                    replays++;
                    return dice == 0 ? new Request(ledger, new IdempotencyKey(earlier.idempotency().key(), "different"), earlier.command())
                            : earlier;
                }
            }
            var command = command(ledger);
            IdempotencyKey key = random.nextInt(3) == 0 ? new IdempotencyKey("k" + (++keyCounter), "h" + keyCounter) : null;
            var request = new Request(ledger, key, command);
            if (key != null) keyed.add(request);
            return request;
        }

        /** Low-balance alert thresholds for a third of the accounts, around the balances the run reaches. */
        List<Long> thresholds() {
            if (random.nextInt(3) != 0) {
                return null;
            }
            long first = random.nextInt(600);
            return random.nextBoolean() ? List.of(first) : List.of(first, first + 1 + random.nextInt(300));
        }

        private Command command(UUID ledger) {
            var ledgerAccounts = accounts.get(ledger);
            int dice = random.nextInt(100);
            if (ledgerAccounts.size() < 4 || dice < 8) {
                var asset = ASSETS[random.nextInt(ASSETS.length)];
                Long limit = switch (random.nextInt(3)) { case 0 -> null; case 1 -> 0L; default -> (long) random.nextInt(500); };
                var code = random.nextInt(4) == 0 ? "code-" + random.nextInt(40) : null;
                return new Command.CreateAccount(UUID.randomUUID(), code, asset, random.nextBoolean() ? Side.CREDIT : Side.DEBIT,
                        limit, switch (random.nextInt(4)) {
                            case 0 -> Map.of();
                            case 1 -> Map.of(dev.creditledger.core.LoyaltyRule.POINTS_PER_UNIT, String.valueOf(1 + random.nextInt(3)),
                                    dev.creditledger.core.LoyaltyRule.UNIT_MINOR, "100", dev.creditledger.core.LoyaltyRule.EXPIRES_AFTER_DAYS, "1");
                            default -> Map.of("tier", "t" + random.nextInt(3));
                        }, thresholds());
            }
            var from = pick(ledgerAccounts);
            // Mostly a counterparty of the same asset, so that money really moves; sometimes any account.
            var sameAsset = accountsByLedgerAndAsset.get(ledger + "/" + assetOf.get(from));
            var to = random.nextInt(8) == 0 ? pick(ledgerAccounts) : pick(sameAsset);
            var asset = random.nextInt(15) == 0 ? ASSETS[random.nextInt(ASSETS.length)] : assetOf.getOrDefault(from, "USD");
            long amount = random.nextInt(40) == 0 ? -random.nextInt(3) : 1 + random.nextInt(600);
            var ledgerTransfers = transfers.get(ledger);
            var known = ledgerTransfers.isEmpty() || random.nextInt(25) == 0 ? UUID.randomUUID() : pick(ledgerTransfers);
            if (dice < 40) return new Command.PostTransfer(UUID.randomUUID(), from, to, amount, asset, false, null, Map.of());
            if (dice < 55) return new Command.PostTransfer(UUID.randomUUID(), from, to, amount, asset, true,
                    random.nextBoolean() ? Duration.ofSeconds(1 + random.nextInt(60)) : null, Map.of());
            if (dice < 65) return new Command.CaptureHold(UUID.randomUUID(), known, random.nextBoolean() ? null : (long) 1 + random.nextInt(700), Map.of());
            if (dice < 70) return new Command.VoidHold(UUID.randomUUID(), known, Map.of());
            if (dice < 74) return new Command.ExpireHold(UUID.randomUUID(), known);
            if (dice < 80) return new Command.ReverseTransfer(UUID.randomUUID(), known, random.nextBoolean() ? null : (long) 1 + random.nextInt(300), Map.of());
            if (dice < 87) {
                // A grant to the counterparty from the first account, expiring within two minutes of the (fast) clock or never.
                var expiresAt = random.nextInt(4) == 0 ? null : Instant.ofEpochMilli(clockMillis.get()).plusSeconds(random.nextInt(120));
                return new Command.IssueGrant(UUID.randomUUID(), to, from, amount, asset, expiresAt,
                        random.nextBoolean() ? null : "plan-" + random.nextInt(3), Map.of());
            }
            if (dice < 89) {
                var ledgerGrants = grants.get(ledger);
                return new Command.ExpireGrant(ledgerGrants.isEmpty() || random.nextInt(25) == 0 ? UUID.randomUUID() : pick(ledgerGrants));
            }
            if (dice < 89 && random.nextBoolean()) {
                return new Command.EarnPoints(UUID.randomUUID(), to, from, 50 + random.nextInt(2_000), assetOf.getOrDefault(from, "USD"), Map.of());
            }
            if (dice < 90) {
                return new Command.RecordUsage(UUID.randomUUID(), from, to, pick(sameAsset), amount * (1 + random.nextInt(5)), asset,
                        Map.of());
            }
            if (dice < 92) {
                // Escrow over a small pool of order ids per ledger: funded twice, released twice, refunded after release.
                var order = "o-" + random.nextInt(200);
                return switch (random.nextInt(3)) {
                    case 0 -> new Command.FundEscrow(UUID.randomUUID(), order, from, to, amount, asset, Map.of());
                    case 1 -> new Command.ReleaseEscrow(UUID.randomUUID(), order, random.nextInt(4) == 0 ? 0 : random.nextInt(50),
                            random.nextInt(10) == 0 ? null : pick(ledgerAccounts), Map.of());
                    default -> new Command.RefundEscrow(UUID.randomUUID(), order, random.nextBoolean() ? null : (long) 1 + random.nextInt(300),
                            Map.of());
                };
            }
            if (dice < 97 && random.nextInt(3) == 0) {
                return reverseEntry(ledger);
            }
            if (dice < 97) {
                var third = random.nextInt(8) == 0 ? pick(ledgerAccounts) : pick(sameAsset);
                long part = 1 + random.nextInt(300);
                var assetOfFrom = assetOf.getOrDefault(from, "USD");
                return new Command.PostEntry(UUID.randomUUID(), List.of(
                        new Command.PostingLine(from, Side.DEBIT, part * 2, assetOfFrom),
                        new Command.PostingLine(to, Side.CREDIT, part, assetOf.getOrDefault(to, "USD")),
                        new Command.PostingLine(third, Side.CREDIT, random.nextInt(10) == 0 ? part + 1 : part, assetOf.getOrDefault(third, "USD"))),
                        Map.of("kind", "split"));
            }
            return new Command.CloseAccount(from);
        }

        /** A reversal of a recent entry of any kind: whole, by an amount, or one debit and one credit by the same amount. */
        private Command reverseEntry(UUID ledger) {
            var ledgerEntries = entries.get(ledger);
            if (ledgerEntries.isEmpty() || random.nextInt(25) == 0) {
                return new Command.ReverseEntry(UUID.randomUUID(), UUID.randomUUID(), null, null, Map.of());
            }
            var original = ledgerEntries.get(ledgerEntries.size() - 1 - random.nextInt(Math.min(ledgerEntries.size(), 200)));
            var posted = original.postings().stream().filter(p -> p.postedMinor() > 0).toList();
            var debit = posted.stream().filter(p -> p.side() == Side.DEBIT).findFirst();
            var credit = posted.stream().filter(p -> p.side() == Side.CREDIT).reduce((a, b) -> random.nextBoolean() ? a : b);
            return switch (random.nextInt(4)) {
                case 0 -> new Command.ReverseEntry(UUID.randomUUID(), original.id(), (long) 1 + random.nextInt(200), null, Map.of());
                case 1 -> debit.isEmpty() || credit.isEmpty() ? new Command.ReverseEntry(UUID.randomUUID(), original.id(), null, null, Map.of())
                        : new Command.ReverseEntry(UUID.randomUUID(), original.id(), null, List.of(
                                new Command.ReversalLine(debit.get().accountId(), Side.DEBIT, 1 + random.nextInt(100)),
                                new Command.ReversalLine(credit.get().accountId(), Side.CREDIT, 1 + random.nextInt(100))), Map.of("why", "partial"));
                default -> new Command.ReverseEntry(UUID.randomUUID(), original.id(), null, null, Map.of());
            };
        }

        /** Remembers every entry written (implicit grant expiries too), so reversals can name them. */
        void learnEntries(List<Entry> written) {
            for (var entry : written) {
                entries.get(entry.ledgerId()).add(entry);
                kindOf.put(entry.id(), entry.kind());
            }
        }

        private <T> T pick(List<T> list) {
            return list.get(random.nextInt(list.size()));
        }

        /** Remembers what now exists, from the state machine's answers. */
        void learn(List<Submission> submissions, List<List<CommandResult>> results) {
            for (int s = 0; s < submissions.size(); s++) {
                for (int r = 0; r < submissions.get(s).requests().size(); r++) {
                    var request = submissions.get(s).requests().get(r);
                    if (!(results.get(s).get(r) instanceof CommandResult.Accepted a) || a.replayed()) continue;
                    accepted++;
                    switch (request.command()) {
                        case Command.CreateAccount c -> {
                            accounts.get(request.ledgerId()).add(c.accountId());
                            assetOf.put(c.accountId(), c.asset());
                            accountsByLedgerAndAsset.computeIfAbsent(request.ledgerId() + "/" + c.asset(), k -> new ArrayList<>())
                                    .add(c.accountId());
                        }
                        case Command.PostTransfer t -> transfers.get(request.ledgerId()).add(t.transferId());
                        case Command.IssueGrant g -> grants.get(request.ledgerId()).add(g.grantId());
                        case Command.ReverseEntry e -> reversedKinds.add(kindOf.get(e.originalId()));
                        default -> { }
                    }
                }
            }
        }
    }
}
