package dev.creditledger.server;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.Route;
import com.microsoft.playwright.options.AriaRole;
import dev.creditledger.devstack.Await;
import dev.creditledger.server.events.ProjectionsAccess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.util.FileSystemUtils;
import tools.jackson.databind.JsonNode;

/**
 * The operator console in a real browser: Playwright for Java drives Debian's Chromium, headless, against the
 * shared service. It logs in with the operator key and a ledger key, sees the status panel, finds an account by its
 * code and sees its balance, opens a transfer's journey, and retries a dead letter and sees it RETRIED.
 *
 * <p>The dead letters are made the way {@code DeadLettersIT} makes them: a constraint on the read models refuses a
 * posting of 777 in this test's ledger only, so both events of that transfer are dead-lettered; the constraint is
 * dropped before the retries, so they apply. Playwright's own browser download is never used
 * ({@code PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD}); without {@code /usr/bin/chromium} the test fails and says how to
 * install it.
 */
class ConsoleIT extends E2eTestBase {

    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    /** The flags that let Chromium run as root in this sandbox without reaching for the network. */
    static final List<String> CHROMIUM_FLAGS = List.of("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
            "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync");
    static final String REFUSING_CONSTRAINT = "console_it_refuses_777";
    static final long REFUSED_AMOUNT = 777;
    static final Path SCREENSHOT = Path.of("target", "console-it", "console.png");

    @Autowired
    private ProjectionsAccess projections;

    private Playwright playwright;
    private BrowserContext browser;
    private Path userDataDir;

    @BeforeAll
    void startChromium() throws IOException {
        if (!Files.isExecutable(CHROMIUM)) {
            fail(CHROMIUM + " is missing: the console's browser test needs Debian's Chromium. Install it with "
                    + "'apt-get install -y chromium' (./ledger test does this when it runs as root).");
        }
        userDataDir = Files.createTempDirectory("console-it-chromium");
        playwright = Playwright.create(new Playwright.CreateOptions().setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
        browser = playwright.chromium().launchPersistentContext(userDataDir, new BrowserType.LaunchPersistentContextOptions()
                .setExecutablePath(CHROMIUM).setHeadless(true).setArgs(CHROMIUM_FLAGS));
        browser.setDefaultTimeout(20_000);
    }

    @AfterAll
    void stopChromium() {
        if (browser != null) {
            browser.close();
        }
        if (playwright != null) {
            playwright.close();
        }
        if (userDataDir != null) {
            FileSystemUtils.deleteRecursively(userDataDir.toFile());
        }
    }

    @Test
    void anOperatorLogsInFindsAnAccountOpensAJourneyAndRetriesADeadLetter() throws Exception {
        var ledger = newLedger();
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        var issuer = account(ledger, "{\"asset\":\"USD\",\"code\":\"issuer-" + suffix + "\"}");
        var alice = account(ledger, "{\"asset\":\"USD\",\"code\":\"alice-" + suffix + "\",\"noOverdraft\":true}");
        var bob = account(ledger, "{\"asset\":\"USD\",\"code\":\"bob-" + suffix + "\"}");
        var funding = transfer(ledger, issuer, alice, 5_000, "USD").expect(201).id();
        List<JsonNode> letters = deadLettersOfARefusedTransfer(ledger, alice, bob);

        var page = browser.newPage();
        page.navigate("http://localhost:" + port + "/console");
        assertThat(page).hasURL(Pattern.compile(".*/console/$"));

        // Log in with both keys: the operator key for the status and dead letters, the ledger key for the accounts.
        page.locator("#operator-key").fill(OPERATOR_KEY);
        page.locator("#ledger-key").fill(ledger.readKey());
        page.locator("#login").click();
        assertThat(page.locator("#console")).isVisible();
        assertThat(page.locator("#session-keys")).hasText("Logged in with the operator key and a ledger key");
        assertThat(page.locator("#status")).containsText("Queue depth");
        assertThat(page.locator("#status")).containsText("Event-log backlog");
        assertThat(page.locator("#status")).containsText("projector");
        assertThat(page.locator("#status-error")).isEmpty();

        // Find alice by her code: 5,000 in, 777 out.
        page.locator("#account-query").fill("alice-" + suffix);
        page.locator("#account-find").click();
        assertThat(page.locator("#account-balance")).hasText(Long.toString(5_000 - REFUSED_AMOUNT));
        assertThat(page.locator("#account-detail")).containsText("Explanation of the balance");
        assertThat(page.locator("#account-detail")).containsText(funding.toString());

        // Open the funding transfer's journey from alice's transfers.
        page.locator("#account-detail tr", new Page.LocatorOptions().setHasText(funding.toString()))
                .getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Journey")).click();
        assertThat(page.locator("#journey-id")).hasValue(funding.toString());
        // The service's own journey and its trace (the shared service keeps spans in memory, as ledger dev does).
        var journey = get("/v1/transfers/" + funding + "/journey", ledger.readKey()).expect(200).body();
        assertThat(page.locator("#journey")).containsText(funding.toString());
        assertThat(page.locator("#journey-steps")).containsText("received");
        assertThat(page.locator("#journey-steps")).containsText("committed");
        assertThat(page.locator("#journey-steps")).containsText("sequence " + journey.get("committed").get("sequence").asLong());
        assertThat(page.locator("#waterfall")).containsText("POST /v1/transfers");
        assertThat(page.locator("#waterfall")).containsText("ledger.batch");
        assertThat(page.locator("#waterfall")).containsText("ledger.commit");

        // Retry both dead letters of the refused transfer from the page; each turns RETRIED.
        for (var letter : letters) {
            String id = letter.get("id").asString();
            var status = page.locator(".dead-letter-status[data-id='" + id + "']");
            assertThat(status).hasText("UNRESOLVED");
            page.locator("button.retry[data-id='" + id + "']").click();
            assertThat(page.locator("#dead-letters-message")).hasText("Retry of " + id + ": RETRIED");
            assertThat(status).hasText("RETRIED");
            assertThat(page.locator("button.retry[data-id='" + id + "']")).hasCount(0);
        }
        for (var letter : letters) {
            assertThat(deadLetter(letter.get("id").asString()).get("status").asString()).isEqualTo("RETRIED");
        }
        assertThat(balanceOfReadModel(ledger, bob)).isEqualTo(REFUSED_AMOUNT);

        // A picture of the whole page for whoever reads the test's output (target/console-it/console.png).
        page.screenshot(new Page.ScreenshotOptions().setPath(SCREENSHOT).setFullPage(true));

        // Logging out forgets the keys.
        page.locator("#logout").click();
        assertThat(page.locator("#login-panel")).isVisible();
        assertThat(page.evaluate("() => sessionStorage.length")).isEqualTo(0);
    }

    /**
     * The journey and trace panels against the contract of {@code GET /v1/transfers/{id}/journey} and
     * {@code GET /v1/admin/traces/{traceId}}: the steps in time order with the time between them and a read model not
     * applied yet (a journey answered by the browser's own route), the spans of a real transfer's trace (as the service
     * recorded them: the request, the engine's queue, batch and commit, the relay's publish, the projector's apply) in
     * start order and indented under their parents, and a trace the store no longer has shown as not available.
     */
    @Test
    void theJourneyAndItsTraceRenderAsTheirContractSays() {
        var ledger = newLedger();
        var issuer = account(ledger, "{\"asset\":\"USD\"}");
        var wallet = account(ledger, "{\"asset\":\"USD\"}");
        var real = transfer(ledger, issuer, wallet, 250, "USD").expect(201).id();
        String traced = get("/v1/transfers/" + real + "/journey", ledger.readKey()).expect(200).body().get("traceId").asString();
        // The trace once the projector has applied the transfer: its spans reach from the request to the read models.
        var trace = Await.until(Duration.ofSeconds(60), "the projector's span in trace " + traced,
                () -> get("/v1/admin/traces/" + traced, OPERATOR_KEY),
                answer -> answer.status() == 200 && spanNames(answer.body()).contains("ledger.project"));
        assertThat(spanNames(trace.body())).as("the spans a transfer makes").contains(
                "POST /v1/transfers", "ledger.queue", "ledger.batch", "ledger.commit", "ledger.publish", "ledger.project");
        var expected = waterfall(trace.body());
        assertThat(expected).extracting(Row::depth).as("spans under spans under the request").contains(0, 1, 2);

        String transfer = "01a23862-2af0-787d-8033-ca1f6d0f1c18";
        String forgotten = "00f067aa0ba902b700f067aa0ba902b7";
        var page = browser.newPage();
        page.route("**/v1/transfers/*/journey", route -> route.fulfill(new Route.FulfillOptions().setStatus(200)
                .setContentType("application/json").setBody(journeyJson(transfer, route.request().url().contains("forgotten") ? forgotten : traced))));
        // The trace as the test read it, so the page shows exactly the spans the expectations were computed from.
        page.route("**/v1/admin/traces/" + traced, route -> route.fulfill(new Route.FulfillOptions().setStatus(200)
                .setContentType("application/json").setBody(trace.raw())));
        page.route("**/v1/admin/traces/" + forgotten, route -> route.fulfill(new Route.FulfillOptions().setStatus(404)
                .setContentType("application/problem+json").setBody("{\"status\":404,\"code\":\"NOT_FOUND\",\"detail\":\"no trace " + forgotten + "\"}")));
        page.navigate("http://localhost:" + port + "/console/");
        page.locator("#operator-key").fill(OPERATOR_KEY);
        page.locator("#ledger-key").fill(ledger.readKey());
        page.locator("#login").click();

        page.locator("#journey-id").fill(transfer);
        page.locator("#journey-open").click();
        var steps = page.locator("#journey-steps li");
        assertThat(steps).hasCount(5);
        assertThat(steps.nth(0)).containsText("received");
        assertThat(steps.nth(1)).containsText("committed");
        assertThat(steps.nth(1)).containsText("sequence 42, in a batch of 3");
        assertThat(steps.nth(1)).containsText("+12.0 ms");
        assertThat(steps.nth(2)).containsText("published");
        assertThat(steps.nth(2)).containsText("ledger.transfer.v1 / 2 @ 117");
        assertThat(steps.nth(2)).containsText("+18.0 ms");
        assertThat(steps.nth(3)).containsText("applied");
        assertThat(steps.nth(3)).containsText("(55.0 ms after receipt)");
        assertThat(steps.nth(4)).containsText("not applied yet");
        assertThat(steps.nth(4)).containsText("read model statements");

        var spans = page.locator("#waterfall .span-name");
        assertThat(spans).hasText(expected.stream().map(Row::name).toArray(String[]::new));
        for (int i = 0; i < expected.size(); i++) {
            assertThat(spans.nth(i)).hasAttribute("style", "padding-left:" + expected.get(i).depth() * 16 + "px");
            assertThat(page.locator("#waterfall .span-duration").nth(i)).hasText(expected.get(i).duration());
        }

        page.locator("#journey-id").fill("forgotten");
        page.locator("#journey-open").click();
        assertThat(page.locator("#trace-unavailable")).containsText("Trace " + forgotten + " not available (HTTP 404)");
        page.close();
    }

    /** A row of the waterfall as the trace's contract defines it: the span's name, its depth under its parents, its duration. */
    record Row(String name, int depth, String duration) {}

    private static List<String> spanNames(JsonNode trace) {
        List<String> names = new ArrayList<>();
        trace.get("spans").forEach(span -> names.add(span.get("name").asString()));
        return names;
    }

    /**
     * The rows the waterfall shows, computed from the trace by its contract: spans in order of their start (ties in
     * the answer's order), each indented one step per ancestor present in the trace, with its duration in
     * milliseconds (three decimals below 1 ms, one below 1 s, seconds with two decimals above).
     */
    private static List<Row> waterfall(JsonNode trace) {
        Map<String, JsonNode> byId = new java.util.HashMap<>();
        List<JsonNode> spans = new ArrayList<>();
        trace.get("spans").forEach(span -> {
            spans.add(span);
            byId.put(span.get("spanId").asString(), span);
        });
        spans.sort(java.util.Comparator.comparing(span -> java.time.Instant.parse(span.get("start").asString()).toEpochMilli()));
        List<Row> rows = new ArrayList<>();
        for (var span : spans) {
            int depth = 0;
            var seen = new java.util.HashSet<String>();
            for (var parent = byId.get(parentOf(span)); parent != null && seen.add(parent.get("spanId").asString());
                 parent = byId.get(parentOf(parent))) {
                depth++;
            }
            rows.add(new Row(span.get("name").asString(), depth, duration(span.get("durationMs").asDouble())));
        }
        return rows;
    }

    private static String parentOf(JsonNode span) {
        var parent = span.get("parentSpanId");
        return parent == null || parent.isNull() ? null : parent.asString();
    }

    private static String duration(double ms) {
        if (ms < 1) {
            return new java.math.BigDecimal(ms).setScale(3, java.math.RoundingMode.HALF_UP) + " ms";
        }
        if (ms < 1000) {
            return new java.math.BigDecimal(ms).setScale(1, java.math.RoundingMode.HALF_UP) + " ms";
        }
        return new java.math.BigDecimal(ms / 1000).setScale(2, java.math.RoundingMode.HALF_UP) + " s";
    }

    private static String journeyJson(String transfer, String traceId) {
        return """
                {"transferId":"%s","ledgerId":"0f9e5d6c-0000-7000-8000-000000000001","kind":"TRANSFER","traceId":"%s",
                 "received":{"at":"2026-12-02T10:00:00.000Z"},
                 "committed":{"at":"2026-12-02T10:00:00.012Z","sequence":42,"batchSize":3},
                 "published":[{"accountId":"0f9e5d6c-0000-7000-8000-0000000000a1","topic":"ledger.transfer.v1","partition":2,"offset":117,"at":"2026-12-02T10:00:00.030Z"}],
                 "applied":[{"readModel":"balances","applied":true,"at":"2026-12-02T10:00:00.055Z"},
                            {"readModel":"statements","applied":false,"at":null}]}
                """.formatted(transfer, traceId);
    }

    /**
     * Moves 777 from alice to bob while the read models refuse that amount for this ledger, waits for both of the
     * transfer's events (one per account) to be dead letters, then lets the read models accept it again.
     */
    private List<JsonNode> deadLettersOfARefusedTransfer(TestLedger ledger, UUID alice, UUID bob) throws Exception {
        execute("ALTER TABLE statement_lines ADD CONSTRAINT " + REFUSING_CONSTRAINT + " CHECK (ledger_id <> '" + ledger.id()
                + "' OR posted_amount <> " + REFUSED_AMOUNT + ") NOT VALID");
        try {
            transfer(ledger, alice, bob, REFUSED_AMOUNT, "USD").expect(201);
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (true) {
                List<JsonNode> letters = new ArrayList<>();
                for (var letter : get("/v1/admin/dead-letters?limit=1000", OPERATOR_KEY).expect(200).body().get("items")) {
                    String key = letter.get("key").asString();
                    if ((alice.toString().equals(key) || bob.toString().equals(key)) && "UNRESOLVED".equals(letter.get("status").asString())) {
                        letters.add(letter);
                    }
                }
                if (letters.size() == 2) {
                    assertThat(letters).allSatisfy(l -> assertThat(l.get("reason").asString()).contains(REFUSING_CONSTRAINT));
                    return letters;
                }
                assertThat(System.nanoTime()).as("both events of the refused transfer dead-lettered in time; so far %s", letters)
                        .isLessThan(deadline);
                Thread.sleep(100); // the poll interval of this loop, bounded by its deadline
            }
        } finally {
            execute("ALTER TABLE statement_lines DROP CONSTRAINT IF EXISTS " + REFUSING_CONSTRAINT);
        }
    }

    private JsonNode deadLetter(String id) {
        for (var letter : get("/v1/admin/dead-letters?limit=1000", OPERATOR_KEY).expect(200).body().get("items")) {
            if (letter.get("id").asString().equals(id)) {
                return letter;
            }
        }
        throw new AssertionError("no dead letter " + id);
    }

    private long balanceOfReadModel(TestLedger ledger, UUID account) {
        return get("/v1/views/accounts/" + account + "/balance?minSeq=" + lastSeq(ledger), ledger.readKey()).expect(200)
                .body().get("balance").get("posted").asLong();
    }

    private void execute(String sql) throws SQLException {
        DataSource readModels = projections.dataSource().orElseThrow();
        try (var connection = readModels.getConnection(); var statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }
}
