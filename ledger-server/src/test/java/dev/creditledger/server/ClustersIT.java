package dev.creditledger.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.creditledger.core.placement.RendezvousPlacement;
import dev.creditledger.devstack.Await;
import dev.creditledger.devstack.EmbeddedPostgresServer;
import dev.creditledger.devstack.FreePorts;
import dev.creditledger.devstack.TestInfrastructure;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Ledgers placed across three PostgreSQL clusters (ADR 0020), end to end: the catalog cluster {@code main} on the
 * shared test PostgreSQL and two clusters of their own ({@code c2}, {@code c3}), each a separate embedded server.
 * Placement by name and by rendezvous hashing, each ledger's journal on its cluster and nowhere else, events and
 * read models from every cluster, verify across all, and one cluster stopped {@code -m immediate}: its ledgers
 * answer 503 with Retry-After while the others keep answering, readiness stays up and names the cluster down, and
 * everything resumes by itself when it returns.
 */
@DirtiesContext
class ClustersIT extends ApiTestBase {

    private static final List<String> CLUSTERS = List.of("main", "c2", "c3");
    private static final Map<String, Path> data = new HashMap<>();
    private static final Map<String, Integer> ports = new HashMap<>();
    private static final Map<String, EmbeddedPostgresServer> servers = new HashMap<>();
    /** LEDGER_CLUSTERS of the service under test. */
    private static String others;

    @DynamicPropertySource
    static void ownService(DynamicPropertyRegistry ignored) throws IOException {
        for (var name : CLUSTERS.subList(1, CLUSTERS.size())) {
            data.put(name, Files.createTempDirectory("cluster-" + name));
            ports.put(name, FreePorts.one());
            start(name);
        }
        others = String.join(";", CLUSTERS.subList(1, CLUSTERS.size()).stream()
                .map(name -> name + "=" + servers.get(name).jdbcUrl("ledger") + "?user=postgres&password=").toList());
        OWN_SERVICE.set(registry -> {
            service(registry, "clusters_main", TestInfrastructure.kafka());
            registry.add("ledger.clusters", () -> others);
            registry.add("ledger.kafka.topic-prefix", () -> "clusters");
            // A request waits at most 5 s for its saga (then 202); a credit is attempted for 5 minutes.
            registry.add("ledger.write-timeout-ms", () -> "5000");
            registry.add("ledger.sagas.interval-ms", () -> "200");
        });
    }

    private static void start(String name) {
        var server = EmbeddedPostgresServer.start(data.get(name), ports.get(name), true);
        server.createDatabase("ledger");
        servers.put(name, server);
    }

    @AfterAll
    static void stopServers() {
        servers.values().forEach(EmbeddedPostgresServer::close);
    }

    @Test
    void ledgersArePlacedOnTheirClusterAndWrittenThereOnly() throws Exception {
        var clusters = get("/v1/admin/clusters", OPERATOR_KEY).expect(200).body().get("items");
        assertThat(clusters).hasSize(3);
        for (int i = 0; i < CLUSTERS.size(); i++) {
            var cluster = clusters.get(i);
            assertThat(cluster.get("name").asString()).isEqualTo(CLUSTERS.get(i));
            assertThat(cluster.get("status").asString()).isEqualTo("UP");
            assertThat(cluster.get("primary").asBoolean()).isTrue();
            assertThat(cluster.get("catalog").asBoolean()).isEqualTo(i == 0);
            assertThat(cluster.get("journalBytes").asLong()).isPositive();
            assertThat(cluster.get("url").asString()).as("no credentials in the URL shown").startsWith("jdbc:postgresql://")
                    .doesNotContain("user=").doesNotContain("password");
        }

        var metrics = get("/actuator/prometheus", null).expect(200).raw();
        for (var name : CLUSTERS.subList(1, CLUSTERS.size())) {
            assertThat(metrics.lines()).as("the pool of cluster %s is measured", name)
                    .anyMatch(line -> line.startsWith("hikaricp_connections_active{") && line.contains("pool=\"cluster-" + name + "\""));
        }
        var unknown = post("/v1/admin/ledgers", OPERATOR_KEY, "{\"name\":\"nowhere\",\"cluster\":\"c9\"}");
        assertProblem(unknown, 404, "CLUSTER_NOT_FOUND");
        post("/v1/admin/ledgers", OPERATOR_KEY, "{\"name\":\"nowhere\",\"cluster\":\"main\"}").expect(201);

        for (var name : CLUSTERS) {
            var ledger = ledgerOn(name);
            var created = get("/v1/admin/ledgers/" + ledger.id(), OPERATOR_KEY).expect(200).body();
            assertThat(created.get("cluster").asString()).isEqualTo(name);
            var a = account(ledger, "{\"asset\":\"USD\"}");
            var b = account(ledger, "{\"asset\":\"USD\"}");
            transfer(ledger, a, b, 125, "USD").expect(201);
            assertThat(postedBalance(ledger, b)).isEqualTo(125);
            for (var other : CLUSTERS) {
                assertThat(entriesOn(other, ledger.id())).as("entries of a ledger of %s on %s", name, other)
                        .isEqualTo(other.equals(name) ? 1 : 0);
            }
            // The read models are built from every cluster's events.
            var view = get("/v1/views/accounts/" + b + "/balance?minSeq=" + lastSeq(ledger), ledger.readKey()).expect(200);
            assertThat(view.body().get("balance").get("posted").asLong()).as(view.raw()).isEqualTo(125);
        }

        List<String> placed = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            var answer = post("/v1/admin/ledgers", OPERATOR_KEY, "{\"name\":\"spread-" + i + "\"}").expect(201).body();
            var id = UUID.fromString(answer.get("id").asString());
            assertThat(answer.get("cluster").asString()).as("rendezvous placement of %s", id)
                    .isEqualTo(RendezvousPlacement.choose(id, CLUSTERS));
            placed.add(answer.get("cluster").asString());
        }
        assertThat(new HashSet<>(placed)).as("twelve ledgers over three clusters").hasSizeGreaterThan(1);
        assertVerifyClean();

        // ledger projections check compares each ledger with the journal of its own cluster.
        var journals = CLUSTERS.stream().<javax.sql.DataSource>map(name -> new org.springframework.jdbc.datasource.SimpleDriverDataSource(
                new org.postgresql.Driver(), urlOf(name), "postgres", "")).toList();
        var projections = new org.springframework.jdbc.datasource.SimpleDriverDataSource(new org.postgresql.Driver(),
                TestInfrastructure.databaseUrl("clusters_main_projections"), "postgres", "");
        Await.until(Duration.ofSeconds(60), "the read models equal every cluster's journal",
                () -> new dev.creditledger.projections.ProjectionChecker(journals, projections).check().clean());
        assertThat(new dev.creditledger.projections.ProjectionChecker(journals.getFirst(), projections).check().differences())
                .as("checked against main's journal alone, the ledgers of c2 and c3 differ").isNotEmpty();
    }

    @Test
    void aTransferBetweenLedgersOnTwoClustersIsASagaTheSourceCanInspect() throws Exception {
        var source = ledgerOn("main");
        var destination = ledgerOn("c2");
        var issuer = account(source, "{\"asset\":\"USD\"}");
        var payer = account(source, "{\"asset\":\"USD\",\"noOverdraft\":true}");
        transfer(source, issuer, payer, 1_000, "USD").expect(201);
        var payee = account(destination, "{\"asset\":\"USD\",\"noOverdraft\":true}");
        var body = "{\"from\":\"" + payer + "\",\"to\":\"" + payee + "\",\"toLedger\":\"" + destination.id()
                + "\",\"amount\":250,\"asset\":\"USD\",\"metadata\":{\"order\":\"A-7\"}}";

        assertProblem(post("/v1/transfers", source.writeKey(), body, "x-1"), 404, "ACCOUNT_NOT_FOUND");
        var link = post("/v1/admin/ledger-links", OPERATOR_KEY, "{\"from\":\"" + source.id() + "\",\"to\":\"" + destination.id() + "\"}");
        link.expect(201);
        assertThat(get("/v1/admin/ledger-links", OPERATOR_KEY).expect(200).raw()).contains(destination.id().toString());

        var created = post("/v1/transfers", source.writeKey(), body, "x-2").expect(201);
        assertThat(created.body().get("status").asString()).isEqualTo("POSTED");
        assertThat(created.body().get("sagaStatus").asString()).isEqualTo("COMPLETED");
        assertThat(created.headers().firstValue("Ledger-Seq")).isPresent();
        var sagaId = created.body().get("sagaId").asString();
        assertAnswersAsDocumented("201", created.body());
        var replay = post("/v1/transfers", source.writeKey(), body, "x-2").expect(201);
        assertThat(replay.headers().firstValue("Idempotent-Replayed")).contains("true");
        assertThat(replay.body().get("sagaId").asString()).isEqualTo(sagaId);
        assertProblem(post("/v1/transfers", source.writeKey(), body.replace("250", "251"), "x-2"), 409, "IDEMPOTENCY_KEY_REUSED");

        var saga = get("/v1/sagas/" + sagaId, source.readKey()).expect(200).body();
        assertThat(saga.get("status").asString()).isEqualTo("COMPLETED");
        assertThat(saga.get("steps")).hasSize(3);
        for (var step : saga.get("steps")) {
            assertThat(step.get("state").asString()).isEqualTo("DONE");
            assertThat(step.get("attempts").asInt()).isEqualTo(1);
            assertThat(step.get("entryId").asString()).isNotBlank();
        }
        get("/v1/sagas/" + sagaId, OPERATOR_KEY).expect(200);
        get("/v1/sagas/" + sagaId, destination.readKey()).expect(404);
        // The link makes nothing of the destination readable to the source's keys.
        get("/v1/accounts/" + payee, source.readKey()).expect(404);
        assertProblem(post("/v1/transfers/" + created.id() + "/void", source.writeKey(), "{}"), 409, "HOLD_OWNED_BY_SAGA");

        assertThat(postedBalance(source, payer)).isEqualTo(750);
        assertThat(postedBalance(destination, payee)).isEqualTo(250);
        var nowhere = body.replace(payee.toString(), UUID.randomUUID().toString()).replace("250", "100");
        assertProblem(post("/v1/transfers", source.writeKey(), nowhere, "x-3"), 404, "ACCOUNT_NOT_FOUND");
        assertThat(balance(source, payer).get("available").asLong()).as("the refused transfer's reserve released").isEqualTo(750);

        call("DELETE", "/v1/admin/ledger-links/" + source.id() + "/" + destination.id(), OPERATOR_KEY, null, Map.of()).expect(204);
        assertProblem(post("/v1/transfers", source.writeKey(), body, "x-4"), 404, "ACCOUNT_NOT_FOUND");
        assertVerifyClean();
    }

    @Test
    void theOperatorMovesALedgerToAnotherClusterAndItKeepsEverything() throws Exception {
        var ledger = ledgerOn("c2");
        var a = account(ledger, "{\"asset\":\"USD\"}");
        var b = account(ledger, "{\"asset\":\"USD\"}");
        for (int i = 0; i < 5; i++) {
            transfer(ledger, a, b, 3, "USD").expect(201);
        }
        var path = "/v1/admin/ledgers/" + ledger.id() + "/move";
        assertProblem(post(path, OPERATOR_KEY, "{\"cluster\":\"c9\"}"), 404, "CLUSTER_NOT_FOUND");
        assertProblem(post(path, OPERATOR_KEY, "{\"cluster\":\"c2\"}"), 409, "LEDGER_MOVE_REFUSED");
        post(path, ledger.adminKey(), "{\"cluster\":\"main\"}").expect(403);

        var moved = post(path, OPERATOR_KEY, "{\"cluster\":\"main\"}").expect(200).body();
        assertThat(moved.get("from").asString()).isEqualTo("c2");
        assertThat(moved.get("to").asString()).isEqualTo("main");
        assertThat(moved.get("chainHead").asString()).hasSize(64);
        assertThat(get("/v1/admin/ledgers/" + ledger.id(), OPERATOR_KEY).expect(200).body().get("cluster").asString()).isEqualTo("main");
        transfer(ledger, a, b, 4, "USD").expect(201);
        assertThat(postedBalance(ledger, b)).isEqualTo(5 * 3 + 4);
        assertThat(entriesOn("main", ledger.id())).as("the journal on its new cluster").isEqualTo(6);
        var view = get("/v1/views/accounts/" + b + "/balance?minSeq=" + lastSeq(ledger), ledger.readKey()).expect(200);
        assertThat(view.body().get("balance").get("posted").asLong()).as("events go on from the new cluster").isEqualTo(19);
        assertVerifyClean();

        // The same from the command line, behind the running service's back: its next write finds the old copy
        // fenced, reads the directory again and goes to the new cluster by itself.
        var environment = Map.of("LEDGER_DB_URL", TestInfrastructure.databaseUrl("clusters_main"), "LEDGER_CLUSTER_NAME", "main",
                "LEDGER_CLUSTERS", others);
        var command = new AdminCommand.MoveLedger(environment::get, Files.createTempDirectory("move-cli"));
        command.ledger = get("/v1/admin/ledgers/" + ledger.id(), OPERATOR_KEY).body().get("name").asString();
        command.to = "c3";
        assertThat(command.call()).isZero();
        transfer(ledger, a, b, 5, "USD").expect(201);
        assertThat(entriesOn("c3", ledger.id())).isEqualTo(7);
        assertThat(get("/v1/admin/ledgers/" + ledger.id(), OPERATOR_KEY).body().get("cluster").asString()).isEqualTo("c3");
        command.to = "c3";
        assertThat(command.call()).as("refused: it lives there").isEqualTo(1);
        assertVerifyClean();
    }

    @Test
    void aClusterDownStopsOnlyItsOwnLedgers() throws Exception {
        var up = ledgerOn("c2");
        var down = ledgerOn("c3");
        var upA = account(up, "{\"asset\":\"USD\"}");
        var upB = account(up, "{\"asset\":\"USD\"}");
        var downA = account(down, "{\"asset\":\"USD\"}");
        var downB = account(down, "{\"asset\":\"USD\"}");
        for (int i = 0; i < 10; i++) {
            transfer(down, downA, downB, 10, "USD").expect(201);
        }
        post("/v1/admin/ledger-links", OPERATOR_KEY, "{\"from\":\"" + up.id() + "\",\"to\":\"" + down.id() + "\"}").expect(201);

        EmbeddedPostgresServer.stopImmediately(data.get("c3"));
        // A transfer towards the cluster that is down: reserved at the source, waiting for the destination.
        var waiting = post("/v1/transfers", up.writeKey(), "{\"from\":\"" + upA + "\",\"to\":\"" + downB + "\",\"toLedger\":\""
                + down.id() + "\",\"amount\":7,\"asset\":\"USD\"}", "towards-down").expect(202);
        var sagaId = waiting.body().get("sagaId").asString();
        assertAnswersAsDocumented("202", waiting.body());
        assertThat(get("/v1/sagas/" + sagaId, up.readKey()).expect(200).body().get("status").asString()).isEqualTo("PENDING");
        var refused = transfer(down, downA, downB, 1, "USD");
        assertProblem(refused, 503, "STORAGE_UNAVAILABLE");
        assertThat(refused.headers().firstValue("Retry-After")).isPresent();
        for (int i = 0; i < 20; i++) {
            transfer(up, upA, upB, 1, "USD").expect(201);
        }
        Await.until(Duration.ofSeconds(30), "readiness names cluster c3 down", () -> {
            var readiness = get("/actuator/health/readiness", null);
            return readiness.status() == 200 && readiness.raw().contains("\"c3\":\"DOWN");
        });

        servers.remove("c3").close();
        start("c3");
        Await.until(Duration.ofSeconds(60), "writes to cluster c3 resume by themselves",
                () -> transfer(down, downA, downB, 5, "USD").status() == 201);
        Await.until(Duration.ofSeconds(60), "the saga towards the cluster that came back completes by itself",
                () -> get("/v1/sagas/" + sagaId, up.readKey()).body().get("status").asString().equals("COMPLETED"));
        assertThat(postedBalance(down, downB)).as("ten acknowledged before the stop, one after, and the saga's").isEqualTo(10 * 10 + 5 + 7);
        assertThat(postedBalance(up, upB)).isEqualTo(20);
        assertVerifyClean();
    }

    /** POST /v1/transfers documents this status with the transfer-between-ledgers answer, and the answer has only its fields. */
    private void assertAnswersAsDocumented(String status, tools.jackson.databind.JsonNode answer) {
        var docs = get("/v3/api-docs", null).expect(200).body();
        var response = docs.get("paths").get("/v1/transfers").get("post").get("responses").get(status);
        assertThat(response).as("POST /v1/transfers documents %s", status).isNotNull();
        assertThat(response.toString()).contains("CrossLedgerTransferJson");
        var properties = docs.get("components").get("schemas").get("CrossLedgerTransferJson").get("properties");
        answer.propertyNames().forEach(field -> assertThat(properties.has(field)).as("field %s of the %s answer is documented", field, status)
                .isTrue());
    }

    private TestLedger ledgerOn(String cluster) {
        return newLedgerWith(",\"cluster\":\"" + cluster + "\"");
    }

    /** Entries of the ledger in one cluster's database, read directly. */
    private static String urlOf(String cluster) {
        return cluster.equals("main") ? TestInfrastructure.databaseUrl("clusters_main") : servers.get(cluster).jdbcUrl("ledger");
    }

    private static long entriesOn(String cluster, UUID ledgerId) throws SQLException {
        try (var connection = DriverManager.getConnection(urlOf(cluster), "postgres", "");
             var ps = connection.prepareStatement("SELECT count(*) FROM entries WHERE ledger_id = ?")) {
            ps.setObject(1, ledgerId);
            try (var rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
