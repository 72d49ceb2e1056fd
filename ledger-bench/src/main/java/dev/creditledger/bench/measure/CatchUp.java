package dev.creditledger.bench.measure;

import dev.creditledger.bench.http.HttpConnection;
import java.io.IOException;
import java.time.Duration;

/**
 * After the writers stop: how fast the projector applies the backlog, and whether the read models
 * catch up with everything acknowledged. It polls {@code GET /v1/views/totals} every
 * {@link #POLL_INTERVAL_MS} until {@code Ledger-Projected-Seq} reaches the target (the apply rate is
 * the sequences applied per second between the first poll and that moment), then asks
 * {@code GET /v1/views/totals?minSeq=<target>}, which must answer 200; a 503 PROJECTION_BEHIND is
 * retried until the limit.
 *
 * What can go wrong: when the read models were already caught up at the first poll there is no
 * backlog and no apply rate (NaN); when the limit passes first the result says not caught up, which
 * fails the run.
 */
public final class CatchUp {

    public static final long POLL_INTERVAL_MS = 100;

    /**
     * @param caughtUp        {@code minSeq=target} answered 200 within the limit
     * @param seconds         from the writers' stop to that 200
     * @param backlogSeqs     target minus the projected sequence at the first poll
     * @param applyRatePerSecond sequences applied per second while catching up, NaN without backlog
     * @param detail          why it did not catch up, or empty
     */
    public record Result(boolean caughtUp, double seconds, long backlogSeqs, double applyRatePerSecond, String detail) {}

    private CatchUp() {}

    public static Result await(HttpConnection connection, long targetSeq, long writersStoppedNanos, Duration limit) {
        long deadline = writersStoppedNanos + limit.toNanos();
        if (targetSeq <= 0) {
            return new Result(true, 0, 0, Double.NaN, "nothing acknowledged");
        }
        long firstNanos = -1;
        long firstProjected = -1;
        long reachedNanos = -1;
        String detail = "";
        try {
            while (System.nanoTime() < deadline) {
                var response = connection.get("/v1/views/totals");
                long now = System.nanoTime();
                if (response.status() == 200 && response.projectedSeq() >= 0) {
                    if (firstNanos < 0) {
                        firstNanos = now;
                        firstProjected = response.projectedSeq();
                    }
                    if (response.projectedSeq() >= targetSeq) {
                        reachedNanos = now;
                        break;
                    }
                } else {
                    detail = "GET /v1/views/totals answered " + response.status();
                }
                Thread.sleep(POLL_INTERVAL_MS);
            }
            while (System.nanoTime() < deadline) {
                var response = connection.get("/v1/views/totals?minSeq=" + targetSeq);
                if (response.status() == 200) {
                    long now = System.nanoTime();
                    long backlog = firstProjected < 0 ? 0 : Math.max(0, targetSeq - firstProjected);
                    double rate = backlog > 0 && reachedNanos > firstNanos
                            ? backlog / ((reachedNanos - firstNanos) / 1e9) : Double.NaN;
                    return new Result(true, (now - writersStoppedNanos) / 1e9, backlog, rate, "");
                }
                detail = "GET /v1/views/totals?minSeq=" + targetSeq + " answered " + response.status() + " " + abbreviate(response.bodyText());
                if (response.status() != 503) {
                    break;
                }
                Thread.sleep(POLL_INTERVAL_MS);
            }
        } catch (IOException e) {
            detail = "reading the read models failed: " + e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            detail = "interrupted";
        }
        long backlog = firstProjected < 0 ? targetSeq : Math.max(0, targetSeq - firstProjected);
        return new Result(false, (System.nanoTime() - writersStoppedNanos) / 1e9, backlog, Double.NaN,
                detail.isEmpty() ? "the read models did not reach sequence " + targetSeq + " within " + limit.toSeconds() + " s" : detail);
    }

    static String abbreviate(String text) {
        return text.length() <= 300 ? text : text.substring(0, 300) + "...";
    }
}
