package dev.creditledger.chaos;

import dev.creditledger.chaos.OpResult.Outcome;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * Clients that write to a ledger through the API for as long as they run, and record every sending with
 * its outcome. Each client loops over a seeded mix: top-ups from the issuer, grants that expire within
 * seconds (spent soonest expiry first by every debit, or expired by the worker), transfers and holds between
 * the noOverdraft wallets (small balances, so overdraft refusals are frequent), captures and voids of
 * holds that were acknowledged (several clients may resolve one hold at once), partial reversals of
 * acknowledged transfers, and idempotency storms (one new transfer sent by {@link #STORM_SENDERS} threads at
 * the same moment with one key). Requests go to the instances of {@link #target}, round robin.
 *
 * {@link #pause()} lets the operations in flight finish and holds new ones until {@link #resume()}, so the
 * checker sees a journal nobody writes to.
 */
final class RecordingLoad implements AutoCloseable {

    static final int STORM_SENDERS = 6;
    static final long BACKOFF_AFTER_NO_CONNECTION_MS = 100;
    static final int CANDIDATES_MAX = 200;
    /** Replays go out over this many connections at most. */
    static final int REPLAY_SENDERS_MAX = 8;
    /** The longest the replays of one check may take: far more than the sendings need, so only a hang reaches it. */
    static final java.time.Duration REPLAYS_WAIT_MAX = java.time.Duration.ofMinutes(10);
    static final long TOP_UP_MINOR_MAX = 2_000;
    static final long TRANSFER_MINOR_MAX = 300;
    /** Grants expire within seconds, so the expiry worker and spends race over them during the run. */
    static final long GRANT_LIFETIME_MS_MIN = 1_000;
    static final long GRANT_LIFETIME_MS_MAX = 20_000;

    private final ChaosLedger ledger;
    private final ApiClient client;
    private final int clients;
    private final long seed;
    private final ConcurrentLinkedQueue<OpResult> results = new ConcurrentLinkedQueue<>();
    private final List<Op.Written> holds = new ArrayList<>();
    private final List<Op.Written> transfers = new ArrayList<>();
    private final ReentrantReadWriteLock gate = new ReentrantReadWriteLock(true);
    private final AtomicLong acknowledged = new AtomicLong();
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong nextInstance = new AtomicLong();
    private final List<Thread> threads = new ArrayList<>();
    private volatile List<ServiceProcess> targets;
    private volatile boolean running;

    RecordingLoad(ChaosLedger ledger, List<ServiceProcess> targets, int clients, long seed) {
        this.ledger = ledger;
        this.client = new ApiClient(ledger.writeKey());
        this.targets = List.copyOf(targets);
        this.clients = clients;
        this.seed = seed;
    }

    /** The instances requests go to from now on. */
    void target(List<ServiceProcess> instances) {
        targets = List.copyOf(instances);
    }

    void start() {
        running = true;
        for (int c = 0; c < clients; c++) {
            int index = c;
            threads.add(Thread.ofPlatform().name("chaos-client-" + c).start(() -> loop(index)));
        }
    }

    private void loop(int index) {
        var random = new Random(seed * 31 + index);
        long n = 0;
        while (running) {
            gate.readLock().lock();
            try {
                if (!running) {
                    return;
                }
                next(random, ledger.name() + "-" + index + "-" + n++);
            } catch (InterruptedException e) {
                return;
            } finally {
                gate.readLock().unlock();
            }
        }
    }

    /** Chooses and sends one operation (or one storm). */
    private void next(Random random, String key) throws InterruptedException {
        var wallets = ledger.wallets();
        var from = wallets.get(random.nextInt(wallets.size()));
        var to = wallets.get(Math.floorMod(wallets.indexOf(from) + 1 + random.nextInt(wallets.size() - 1), wallets.size()));
        double roll = random.nextDouble();
        Op op;
        if (roll < 0.06) {
            op = Op.transfer(key, ledger.issuer(), to, 1 + random.nextLong(TOP_UP_MINOR_MAX), false);
        } else if (roll < 0.12) {
            var expiresAt = Instant.now().plusMillis(GRANT_LIFETIME_MS_MIN + random.nextLong(GRANT_LIFETIME_MS_MAX - GRANT_LIFETIME_MS_MIN))
                    .truncatedTo(ChronoUnit.MILLIS);
            op = Op.grant(key, ledger.issuer(), to, 1 + random.nextLong(TOP_UP_MINOR_MAX), expiresAt);
        } else if (roll < 0.48) {
            op = Op.transfer(key, from, to, 1 + random.nextLong(TRANSFER_MINOR_MAX), false);
        } else if (roll < 0.63) {
            op = Op.transfer(key, from, to, 1 + random.nextLong(TRANSFER_MINOR_MAX), true);
        } else if (roll < 0.73 && pick(holds, random) instanceof Op.Written hold) {
            op = Op.capture(key, hold, 1 + random.nextLong(hold.op().amountMinor()));
        } else if (roll < 0.81 && pick(holds, random) instanceof Op.Written hold) {
            op = Op.voidHold(key, hold);
        } else if (roll < 0.93 && pick(transfers, random) instanceof Op.Written transfer) {
            op = Op.reverse(key, transfer, 1 + random.nextLong(transfer.op().amountMinor()));
        } else {
            storm(Op.transfer(key, from, to, 1 + random.nextLong(TRANSFER_MINOR_MAX), false));
            return;
        }
        send(op);
    }

    /** The same operation sent by several threads at once. */
    private void storm(Op op) throws InterruptedException {
        List<Thread> senders = new ArrayList<>();
        for (int s = 0; s < STORM_SENDERS; s++) {
            senders.add(Thread.ofVirtual().start(() -> send(op)));
        }
        for (var sender : senders) {
            sender.join();
        }
    }

    /**
     * Sends an operation and records the answer. A refused connection means the request was never sent (the
     * instance is down): the client waits and sends it again, as a client behind a load balancer would, and
     * only the attempt that reached a service is recorded.
     */
    private OpResult send(Op op) {
        while (true) {
            var instances = targets;
            var instance = instances.get((int) Math.floorMod(nextInstance.getAndIncrement(), (long) instances.size()));
            var result = client.send(op, instance, false);
            if (result.outcome() == Outcome.UNKNOWN && ApiClient.NOT_CONNECTED.equals(result.failure()) && running) {
                try {
                    TimeUnit.MILLISECONDS.sleep(BACKOFF_AFTER_NO_CONNECTION_MS);
                    continue;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            record(result);
            return result;
        }
    }

    private void record(OpResult result) {
        results.add(result);
        sent.incrementAndGet();
        if (result.outcome() != Outcome.ACKNOWLEDGED || result.entryId() == null) {
            return;
        }
        acknowledged.incrementAndGet();
        var written = new Op.Written(result.op(), result.entryId());
        switch (result.op().kind()) {
            case HOLD -> remember(holds, written);
            case TRANSFER -> remember(transfers, written);
            case CAPTURE, VOID -> forget(holds, result.op().target());
            case REVERSE, GRANT -> { }
        }
    }

    private static void remember(List<Op.Written> list, Op.Written written) {
        synchronized (list) {
            list.add(written);
            if (list.size() > CANDIDATES_MAX) {
                list.removeFirst();
            }
        }
    }

    private static void forget(List<Op.Written> list, java.util.UUID entryId) {
        synchronized (list) {
            list.removeIf(w -> w.entryId().equals(entryId));
        }
    }

    private static Op.Written pick(List<Op.Written> list, Random random) {
        synchronized (list) {
            return list.isEmpty() ? null : list.get(random.nextInt(list.size()));
        }
    }

    /** Lets the operations in flight finish and holds new ones. */
    void pause() {
        gate.writeLock().lock();
    }

    void resume() {
        gate.writeLock().unlock();
    }

    /**
     * Sends every answered operation of {@code answered} once more with its key (only while paused): an
     * acknowledged one must be acknowledged again with the same entry, a refused one refused again with the
     * same code. The second answers are recorded as replays, for the checker.
     */
    long replay(List<OpResult> answered) throws InterruptedException {
        var seen = new java.util.HashSet<String>();
        List<Op> toReplay = new ArrayList<>();
        for (var result : answered) {
            boolean refusedByTheLedger = result.outcome() == Outcome.REJECTED && result.status() != 429;
            if (!result.replay() && (result.outcome() == Outcome.ACKNOWLEDGED || refusedByTheLedger) && seen.add(result.op().key())) {
                toReplay.add(result.op());
            }
        }
        var next = new java.util.concurrent.atomic.AtomicInteger();
        List<Thread> senders = new ArrayList<>();
        for (int s = 0; s < Math.min(clients, REPLAY_SENDERS_MAX); s++) {
            senders.add(Thread.ofVirtual().start(() -> {
                for (int i = next.getAndIncrement(); i < toReplay.size(); i = next.getAndIncrement()) {
                    var instances = targets;
                    results.add(client.send(toReplay.get(i), instances.get(ThreadLocalRandom.current().nextInt(instances.size())), true));
                }
            }));
        }
        // Every sending has its request timeout; a sender still running long after is a hang to report, not to wait for.
        long deadline = System.nanoTime() + REPLAYS_WAIT_MAX.toNanos();
        for (var sender : senders) {
            if (!sender.join(java.time.Duration.ofNanos(Math.max(1, deadline - System.nanoTime())))) {
                throw new IllegalStateException("the replays did not finish within " + REPLAYS_WAIT_MAX.toSeconds() + " s, although each sending "
                        + "times out after " + ApiClient.REQUEST_TIMEOUT.toSeconds() + " s: a sender is stuck (take a thread dump of the kit)");
            }
        }
        return toReplay.size();
    }

    /** Sendings to an instance that got no answer at all (the connection broke: the instance died under them). */
    long unansweredBy(ServiceProcess instance) {
        return results.stream().filter(r -> r.instance().equals(instance.name()) && r.outcome() == Outcome.UNKNOWN && r.status() == 0)
                .count();
    }

    List<OpResult> results() {
        return List.copyOf(results);
    }

    long acknowledgedCount() {
        return acknowledged.get();
    }

    long sentCount() {
        return sent.get();
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        if (gate.isWriteLockedByCurrentThread()) {
            gate.writeLock().unlock();
        }
        for (var thread : threads) {
            thread.join(TimeUnit.SECONDS.toMillis(60));
        }
        client.close();
    }
}
