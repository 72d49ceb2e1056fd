package dev.creditledger.chaos;

import dev.creditledger.devstack.FreePorts;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * The saga phase (issue 19): a transfer between two ledgers on two clusters, with the service process halted
 * (as {@code kill -9} stops it: no shutdown hook, no answer) at every step boundary, deterministically: right after
 * RESERVE, CREDIT or CAPTURE took effect and before the saga recorded it, and right after the VOID of a transfer
 * the destination refused. Each time, an instance started afterwards finishes the saga by itself, the client's
 * retry with the same idempotency key answers it once, and the balances, the saga's steps and {@code ledger verify}
 * (which checks every saga against both journals) prove each transfer happened exactly once, or not at all.
 *
 * One instance runs at a time (the crashing one, then {@code survivor}), so nothing but the takeover drives a saga.
 */
final class SagaCrashes {

    /** How long a crashed instance's lease keeps its saga from the next instance. */
    static final Duration LEASE = Duration.ofSeconds(3);
    static final Duration FINISH_WAIT = Duration.ofSeconds(90);
    private static final long FUNDS = 1_000;

    /** One crash: the step after which the process halts, the amount, and whether the destination account exists. */
    private record Crash(String step, long amount, boolean destinationExists) {}

    private static final List<Crash> CRASHES = List.of(new Crash("RESERVE", 11, true), new Crash("CREDIT", 13, true),
            new Crash("CAPTURE", 17, true), new Crash("VOID", 19, false));

    private final Path serverJar;
    private final String javaOptions;
    private final Map<String, String> environment;
    private final Path workDir;
    private final String operatorKey;
    private final KitAdmin admin;

    SagaCrashes(Path serverJar, String javaOptions, Map<String, String> environment, Path workDir, String operatorKey) {
        this.admin = new KitAdmin(operatorKey);
        this.serverJar = serverJar;
        this.javaOptions = javaOptions;
        this.environment = environment;
        this.workDir = workDir;
        this.operatorKey = operatorKey;
    }

    /** Runs every crash with {@code survivor} as the instance that takes over; its findings (none when every promise held). */
    List<String> run(ServiceProcess survivor) throws IOException, InterruptedException {
        List<String> findings = new ArrayList<>();
        var source = admin.ledger(survivor, "chaos-saga-source", "main");
        var destination = admin.ledger(survivor, "chaos-saga-destination", ChaosInfrastructure.SECOND_CLUSTER);
        var issuer = admin.account(survivor, source, "{\"asset\":\"USD\"}");
        var payer = admin.account(survivor, source, "{\"asset\":\"USD\",\"noOverdraft\":true}");
        var payee = admin.account(survivor, destination, "{\"asset\":\"USD\",\"noOverdraft\":true}");
        expect(admin.send(survivor, "POST", "/v1/transfers", source.key(), transfer(issuer, payer, null, FUNDS), "fund"), 201, findings);
        expect(admin.send(survivor, "POST", "/v1/admin/ledger-links", operatorKey,
                "{\"from\":\"" + source.id() + "\",\"to\":\"" + destination.id() + "\"}", null), 201, findings);
        survivor.stop();

        long completed = 0;
        Map<String, UUID> sagas = new HashMap<>();
        for (var crash : CRASHES) {
            var environment = new HashMap<>(this.environment);
            environment.put("LEDGER_SAGAS_HALT_AFTER_STEP", crash.step());
            environment.put("LEDGER_SAGAS_LEASE_MS", Long.toString(LEASE.toMillis()));
            var crashing = new ServiceProcess("saga-halt-" + crash.step().toLowerCase(), FreePorts.one(), serverJar, javaOptions, environment, workDir);
            crashing.start();
            var to = crash.destinationExists() ? payee : UUID.randomUUID();
            var body = transfer(payer, to, destination.id(), crash.amount());
            var key = "saga-crash-" + crash.step();
            var lost = admin.send(crashing, "POST", "/v1/transfers", source.key(), body, key);
            if (lost != null) {
                findings.add("halt after " + crash.step() + ": the request was answered " + lost.statusCode() + " before the process halted");
            }
            int exit = crashing.awaitExit(Duration.ofSeconds(30));
            if (exit != 137) {
                findings.add("halt after " + crash.step() + ": the process ended with " + exit + ", not the halt's 137");
            }
            survivor.start();
            var answer = retryUntilFinished(survivor, source.key(), body, key);
            var expected = crash.destinationExists() ? 201 : 404;
            if (answer == null || answer.statusCode() != expected) {
                findings.add("halt after " + crash.step() + ": the retry after the takeover answered "
                        + (answer == null ? "nothing" : answer.statusCode() + " " + answer.body()) + ", not " + expected);
            } else if (!"true".equals(answer.headers().firstValue("Idempotent-Replayed").orElse(null))) {
                findings.add("halt after " + crash.step() + ": the retry's answer is not a replay of the saga the halted request started");
            } else if (crash.destinationExists()) {
                completed += crash.amount();
                sagas.put(crash.step(), UUID.fromString(KitAdmin.json(answer).path("sagaId").asString()));
            }
            survivor.stop();
        }

        survivor.start();
        for (var saga : sagas.entrySet()) {
            var steps = KitAdmin.json(admin.send(survivor, "GET", "/v1/sagas/" + saga.getValue(), source.key(), null, null));
            if (!"COMPLETED".equals(steps.path("status").asString())) {
                findings.add("the saga halted after " + saga.getKey() + " is " + steps.path("status").asString() + ", not COMPLETED");
            }
            for (var step : steps.path("steps")) {
                if (step.path("attempts").asInt() != 1 && !step.path("step").asString().equals(saga.getKey())) {
                    findings.add("saga " + saga.getValue() + ": step " + step.path("step").asString() + " was recorded after "
                            + step.path("attempts").asInt() + " attempts");
                }
            }
        }
        long payerPosted = admin.balance(survivor, source.key(), payer).path("posted").asLong();
        long payerAvailable = admin.balance(survivor, source.key(), payer).path("available").asLong();
        long payeePosted = admin.balance(survivor, destination.key(), payee).path("posted").asLong();
        if (payerPosted != FUNDS - completed || payerAvailable != payerPosted) {
            findings.add("the payer holds " + payerPosted + " (" + payerAvailable + " available), not " + (FUNDS - completed)
                    + ": a transfer between ledgers left the source other than exactly once");
        }
        if (payeePosted != completed) {
            findings.add("the payee received " + payeePosted + ", not " + completed + ": a transfer between ledgers was credited other than once");
        }
        var verify = admin.verify(survivor);
        if (!verify.path("clean").asBoolean()) {
            findings.add("ledger verify after the saga crashes: " + verify.path("differences"));
        }
        return findings;
    }

    /** Retries the request with its key until the saga it started is finished (201 or a problem, not 202), or gives up. */
    private HttpResponse<String> retryUntilFinished(ServiceProcess instance, String key, String body, String idempotencyKey)
            throws InterruptedException {
        long deadline = System.nanoTime() + FINISH_WAIT.toNanos();
        HttpResponse<String> answer = null;
        while (System.nanoTime() < deadline) {
            answer = admin.send(instance, "POST", "/v1/transfers", key, body, idempotencyKey);
            if (answer != null && answer.statusCode() != 202 && answer.statusCode() < 500) {
                return answer;
            }
            TimeUnit.MILLISECONDS.sleep(250); // the poll interval of this loop, bounded by its deadline
        }
        return answer;
    }

    private static String transfer(UUID from, UUID to, UUID toLedger, long amount) {
        return "{\"from\":\"" + from + "\",\"to\":\"" + to + "\",\"amount\":" + amount + ",\"asset\":\"USD\""
                + (toLedger == null ? "" : ",\"toLedger\":\"" + toLedger + "\"") + "}";
    }

    private static void expect(HttpResponse<String> answer, int status, List<String> findings) {
        if (answer == null || answer.statusCode() != status) {
            findings.add("set-up of the saga phase: expected " + status + ", got " + (answer == null ? "no answer" : answer.statusCode() + " " + answer.body()));
        }
    }
}
