package dev.creditledger.chaos;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A steady load on one ledger for the cluster phases: clients that move 1 unit from an issuer to a wallet, each write
 * sent again with its idempotency key until it is acknowledged, so that after any fault the wallet must hold exactly
 * the number of acknowledged writes. It records when each acknowledgement came, to measure the rate in a window.
 */
final class SteadyLoad implements AutoCloseable {

    static final Duration WRITE_DEADLINE = Duration.ofSeconds(120);

    private final ServiceProcess service;
    private final String key;
    private final UUID issuer;
    private final UUID wallet;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2)).build();
    private final ConcurrentLinkedQueue<Long> acknowledgedAt = new ConcurrentLinkedQueue<>();
    private final AtomicLong unanswered = new AtomicLong();
    private final AtomicLong abandoned = new AtomicLong();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final List<Thread> clients;

    SteadyLoad(ServiceProcess service, String key, UUID issuer, UUID wallet, int clients, String name) {
        this.service = service;
        this.key = key;
        this.issuer = issuer;
        this.wallet = wallet;
        this.clients = java.util.stream.IntStream.range(0, clients)
                .mapToObj(c -> Thread.ofVirtual().name(name + "-" + c).start(() -> run(name + "-" + c))).toList();
    }

    private void run(String client) {
        for (long i = 0; running.get(); i++) {
            var idempotencyKey = client + "-" + i;
            long deadline = System.nanoTime() + WRITE_DEADLINE.toNanos();
            while (true) {
                int status = send(idempotencyKey);
                if (status == 201) {
                    acknowledgedAt.add(System.nanoTime());
                    break;
                }
                unanswered.incrementAndGet();
                if (System.nanoTime() > deadline) {
                    abandoned.incrementAndGet();
                    break;
                }
                sleep(100); // between sendings of one write
            }
        }
    }

    private int send(String idempotencyKey) {
        var request = HttpRequest.newBuilder(URI.create(service.baseUrl() + "/v1/transfers")).timeout(ApiClient.REQUEST_TIMEOUT)
                .header("Authorization", "Bearer " + key).header("Content-Type", "application/json").header("Idempotency-Key", idempotencyKey)
                .POST(HttpRequest.BodyPublishers.ofString("{\"from\":\"" + issuer + "\",\"to\":\"" + wallet + "\",\"amount\":1,\"asset\":\"USD\"}"))
                .build();
        try {
            return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
    }

    long acknowledged() {
        return acknowledgedAt.size();
    }

    /** Sendings that got no 201 (503 while a cluster was away, a broken connection): each was sent again. */
    long unanswered() {
        return unanswered.get();
    }

    /** Writes given up after {@link #WRITE_DEADLINE} without an answer: their outcome is unknown. */
    long abandoned() {
        return abandoned.get();
    }

    /** Acknowledgements per second between two instants of {@link System#nanoTime()}. */
    double rate(long fromNanos, long toNanos) {
        long count = acknowledgedAt.stream().filter(t -> t >= fromNanos && t < toNanos).count();
        return count / ((toNanos - fromNanos) / 1e9);
    }

    /** The first acknowledgement after an instant, or -1. */
    long firstAcknowledgementAfter(long nanos) {
        return acknowledgedAt.stream().filter(t -> t > nanos).mapToLong(Long::longValue).min().orElse(-1);
    }

    @Override
    public void close() throws InterruptedException {
        running.set(false);
        for (var client : clients) {
            client.join(WRITE_DEADLINE.toMillis() + 10_000);
        }
    }

    static void sleep(long millis) {
        try {
            TimeUnit.MILLISECONDS.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
