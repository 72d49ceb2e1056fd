package dev.creditledger.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The open loop measures latency from each request's intended send time, so a stall counts in every
 * request it delayed (coordinated omission corrected). Worked by hand below.
 */
class OpenLoopTest {

    static final Workload ONE_SERIES = new Workload() {
        @Override
        public String name() {
            return "stall";
        }

        @Override
        public List<String> series() {
            return List.of("op");
        }

        @Override
        public String unit() {
            return "operations";
        }
    };

    @Test
    void intendedTimesFollowTheRate() {
        var schedule = new OpenLoopSchedule(0, 1_000); // one request per millisecond
        assertThat(schedule.intendedNanos(0)).isZero();
        assertThat(schedule.intendedNanos(5)).isEqualTo(5_000_000L);
        assertThat(schedule.intendedNanos(1_000)).isEqualTo(1_000_000_000L);
        var thirds = new OpenLoopSchedule(1_000, 3);                 // 3 per second from t = 1 µs
        assertThat(thirds.intendedNanos(1)).isEqualTo(1_000 + 333_333_333L);
        assertThat(thirds.intendedNanos(3)).isEqualTo(1_000 + 1_000_000_000L);
        // Sent 2 ms late (the connection was busy) and answered 1 ms after sending: 3 ms, not 1 ms.
        assertThat(OpenLoopSchedule.latencyNanos(10_000_000L, 13_000_000L)).isEqualTo(3_000_000L);
    }

    /**
     * 100 requests per second (one every 10 ms) for 100 ms over ONE connection; the first request
     * stalls 50 ms, the others answer at once. Requests 1 to 4 were intended at 10, 20, 30 and 40 ms but
     * could only be sent at 50 ms, so by hand their latencies are at least
     * <pre>
     *   request   intended  answered  latency
     *   0          0 ms     >= 50 ms  >= 50 ms
     *   1         10 ms     >= 50 ms  >= 40 ms
     *   2         20 ms     >= 50 ms  >= 30 ms
     *   3         30 ms     >= 50 ms  >= 20 ms
     *   4         40 ms     >= 50 ms  >= 10 ms
     *   5..9      50..90    on time   about 0
     * </pre>
     * so their sum is at least 150 ms and 5 of the 10 are at least 10 ms. Measured from the send, only
     * request 0 would have been slow.
     */
    @Test
    void aStallDelaysTheRequestsBehindItAndTheirLatencyCountsFromTheIntendedTime() throws Exception {
        var calls = new AtomicInteger();
        ClientFactory factory = index -> new LoadClient() {
            @Override
            public void execute(OpOutcome outcome) {
                if (calls.getAndIncrement() == 0) {
                    try {
                        Thread.sleep(50); // the stall under test: a client that takes 50 ms, not a wait for something
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                outcome.requestsAcknowledged = 1;
                outcome.units = 1;
            }

            @Override
            public void close() {}
        };
        var result = OpenLoop.run(ONE_SERIES, 100, 1, 0, 100_000_000L, 1_000_000_000L, factory, WindowListener.NONE);
        var latencies = result.allLatencies();
        assertThat(latencies.count()).isEqualTo(10);
        assertThat(result.window().operations).isEqualTo(10);
        assertThat(result.window().unsent).isZero();
        assertThat(latencies.maxMs()).isGreaterThanOrEqualTo(50).isLessThan(150);
        assertThat(latencies.meanMs() * 10).as("sum of latencies, ms").isGreaterThanOrEqualTo(150 * 0.999);
        assertThat(latencies.percentileMs(60)).as("the 6th smallest of 10").isGreaterThanOrEqualTo(10 * 0.999);
        assertThat(latencies.percentileMs(90)).as("the 9th smallest of 10").isGreaterThanOrEqualTo(40 * 0.999);
    }

    /** With the connection stalled past the drain limit, requests never sent are counted and measured, not dropped. */
    @Test
    void requestsNeverSentAreCountedAsUnsent() throws Exception {
        var calls = new AtomicInteger();
        ClientFactory factory = index -> new LoadClient() {
            @Override
            public void execute(OpOutcome outcome) {
                if (calls.getAndIncrement() == 0) {
                    try {
                        Thread.sleep(150); // the stall under test: past the 100 ms window and the 20 ms drain
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                outcome.units = 1;
            }

            @Override
            public void close() {}
        };
        var result = OpenLoop.run(ONE_SERIES, 100, 1, 0, 100_000_000L, 20_000_000L, factory, WindowListener.NONE);
        // 10 requests intended (0..90 ms): request 0 sent, the 9 others found the drain deadline passed.
        assertThat(result.window().operations).isEqualTo(1);
        assertThat(result.window().unsent).isEqualTo(9);
        assertThat(result.allLatencies().count()).isEqualTo(10);
        assertThat(result.window().failuresCount()).isEqualTo(9);
    }
}
