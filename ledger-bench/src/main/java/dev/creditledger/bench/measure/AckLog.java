package dev.creditledger.bench.measure;

import java.util.OptionalLong;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * When each ledger sequence was acknowledged to the kit: the (sequence, time) pairs that projection
 * lag is computed from, and the highest sequence acknowledged so far (the {@code minSeq} the read
 * models must reach after a run).
 *
 * Pairs are kept only while {@link #tracking} is on (during a measured service run), and the lag
 * sampler forgets every pair at or below the projected sequence, so the map stays as small as the lag.
 * What can go wrong: sequences are acknowledged slightly out of order by concurrent clients, so "the
 * first acknowledged sequence above the projected one" is the smallest such sequence the kit has
 * seen acknowledged, which may be a little younger than the true oldest unprojected change.
 */
public final class AckLog {

    private final ConcurrentSkipListMap<Long, Long> ackNanosBySeq = new ConcurrentSkipListMap<>();
    private final AtomicLong highestSeq = new AtomicLong();
    private volatile boolean tracking;

    public void acknowledged(long seq, long nanos) {
        if (seq <= 0) {
            return;
        }
        highestSeq.accumulateAndGet(seq, Math::max);
        if (tracking) {
            ackNanosBySeq.putIfAbsent(seq, nanos);
        }
    }

    public long highestSeq() {
        return highestSeq.get();
    }

    public void tracking(boolean on) {
        tracking = on;
        if (!on) {
            ackNanosBySeq.clear();
        }
    }

    /** The acknowledgement time of the smallest acknowledged sequence above {@code projectedSeq}, if any. */
    public OptionalLong firstAckAbove(long projectedSeq) {
        var entry = ackNanosBySeq.higherEntry(projectedSeq);
        return entry == null ? OptionalLong.empty() : OptionalLong.of(entry.getValue());
    }

    /** Forgets the pairs the read models have reached. */
    public void forgetUpTo(long projectedSeq) {
        ackNanosBySeq.headMap(projectedSeq, true).clear();
    }
}
