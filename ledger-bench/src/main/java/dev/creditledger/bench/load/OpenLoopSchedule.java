package dev.creditledger.bench.load;

/**
 * The open loop's timetable: request {@code i} is intended to be sent at {@code start + i / rate}, a
 * fixed time that does not move when the server is slow. Latency is measured from that intended time,
 * not from when a connection was free to send it, so a stall shows up in every request it delayed
 * (the correction for coordinated omission).
 */
public record OpenLoopSchedule(long startNanos, double ratePerSecond) {

    public OpenLoopSchedule {
        if (!(ratePerSecond > 0) || Double.isInfinite(ratePerSecond)) {
            throw new IllegalArgumentException("an open loop needs a rate above zero, got " + ratePerSecond);
        }
    }

    public long intendedNanos(long index) {
        return startNanos + (long) Math.floor(index * 1e9 / ratePerSecond);
    }

    /** The latency of a request intended at {@code intendedNanos} that was answered at {@code answeredNanos}. */
    public static long latencyNanos(long intendedNanos, long answeredNanos) {
        return answeredNanos - intendedNanos;
    }
}
