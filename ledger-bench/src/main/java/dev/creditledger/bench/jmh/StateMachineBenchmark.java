package dev.creditledger.bench.jmh;

import dev.creditledger.core.Account;
import dev.creditledger.core.AccountState;
import dev.creditledger.core.Asset;
import dev.creditledger.core.BatchOutcome;
import dev.creditledger.core.Command;
import dev.creditledger.core.LedgerState;
import dev.creditledger.core.PostingStateMachine;
import dev.creditledger.core.Request;
import dev.creditledger.core.Side;
import dev.creditledger.core.Submission;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The posting state machine alone, on one thread: {@link PostingStateMachine#apply} on a batch of
 * {@link #TRANSFERS_PER_BATCH} {@code PostTransfer} submissions (one per request, as the HTTP API submits
 * them) among {@link #ACCOUNTS} unconstrained USD accounts, reported in transfers per second. This is the
 * in-memory ceiling of the engine, with no database, JSON or network.
 *
 * Each invocation starts from a freshly loaded {@link LedgerState} (set up outside the measurement),
 * because {@code apply} changes the state in place and a growing map of transfers would measure
 * something else. The defaults are short (one fork, 3 + 5 iterations of 1 s); for figures to quote, run
 * longer: {@code ./ledger bench jmh StateMachine -f 3 -wi 5 -i 10 -r 2s}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class StateMachineBenchmark {

    public static final int ACCOUNTS = 1_000;
    public static final int TRANSFERS_PER_BATCH = 1_000;
    public static final long SEED = 20_261_202L;
    private static final Instant NOW = Instant.parse("2026-12-02T00:00:00Z");
    private static final UUID LEDGER = new UUID(0xBE4C, 1);

    private List<AccountState> accounts;
    private List<Submission> batch;
    private LedgerState state;

    @Setup(Level.Trial)
    public void createAccountsAndBatch() {
        accounts = new ArrayList<>(ACCOUNTS);
        for (int i = 0; i < ACCOUNTS; i++) {
            var account = new Account(new UUID(0xACC, i), LEDGER, "bench-" + i, "USD", Side.CREDIT, null, Map.of(), NOW, i + 1);
            accounts.add(AccountState.opened(account));
        }
        var random = new SplittableRandom(SEED);
        batch = new ArrayList<>(TRANSFERS_PER_BATCH);
        for (int i = 0; i < TRANSFERS_PER_BATCH; i++) {
            int from = random.nextInt(ACCOUNTS);
            int to = random.nextInt(ACCOUNTS - 1);
            if (to >= from) {
                to++;
            }
            var command = new Command.PostTransfer(new UUID(0x7F, i), accounts.get(from).account().id(), accounts.get(to).account().id(),
                    random.nextLong(1, 101), "USD", false, null, Map.of());
            batch.add(Submission.single(new Request(LEDGER, null, command)));
        }
    }

    @Setup(Level.Invocation)
    public void loadState() {
        state = new LedgerState();
        state.loadLedger(LEDGER, ACCOUNTS);
        state.loadAsset(LEDGER, new Asset("USD", 2));
        accounts.forEach(state::loadAccount);
    }

    @Benchmark
    @OperationsPerInvocation(TRANSFERS_PER_BATCH)
    public BatchOutcome applyBatchOfTransfers() {
        return PostingStateMachine.apply(batch, state, NOW);
    }
}
