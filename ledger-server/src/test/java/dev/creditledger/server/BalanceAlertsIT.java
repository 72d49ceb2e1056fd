package dev.creditledger.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.creditledger.core.AlertDirection;
import dev.creditledger.core.Limits;
import dev.creditledger.core.events.LedgerEvent;
import dev.creditledger.kafka.EventCodec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/**
 * Low-balance alerts end to end: thresholds given at opening and replaced over HTTP, the crossings the
 * engine journals, one {@code ledger.balance.threshold_crossed} event on the alert topic per crossing
 * (none while the balance stays on one side), the account's list of crossings, and the problems of bad
 * thresholds at their limits.
 */
class BalanceAlertsIT extends E2eTestBase {

    private static final String ALERT_TOPIC = "ledger.alert.v1";
    /** How long to keep reading after the expected alerts arrived, to see that no other one does. */
    private static final Duration SETTLE = Duration.ofSeconds(3);

    @Test
    void eachCrossingPublishesOneEventAndChangesThatStayOnOneSidePublishNone() {
        var ledger = newLedger();
        var issuer = account(ledger, "{\"asset\":\"CREDITS\"}");
        var wallet = account(ledger, "{\"asset\":\"CREDITS\",\"noOverdraft\":true,\"alertThresholds\":[20,100]}");
        var shop = account(ledger, "{\"asset\":\"CREDITS\"}");
        assertThat(get("/v1/accounts/" + wallet, ledger.readKey()).expect(200).body().get("alertThresholds").toString())
                .as("kept highest first").isEqualTo("[100,20]");

        transfer(ledger, issuer, wallet, 150, "CREDITS").expect(201);   //   0 -> 150: up 20, up 100
        transfer(ledger, wallet, shop, 50, "CREDITS").expect(201);      // 150 -> 100: at 100 is not below it
        var crossing = transfer(ledger, wallet, shop, 1, "CREDITS").expect(201); // 100 -> 99: down 100
        transfer(ledger, wallet, shop, 9, "CREDITS").expect(201);       //  99 -> 90: still below 100
        transfer(ledger, wallet, shop, 80, "CREDITS").expect(201);      //  90 -> 10: down 20
        transfer(ledger, wallet, shop, 5, "CREDITS").expect(201);       //  10 -> 5: still below both
        transfer(ledger, issuer, wallet, 95, "CREDITS").expect(201);    //   5 -> 100: up 20, up 100
        var hold = post("/v1/transfers", ledger.writeKey(), "{\"from\":\"" + wallet + "\",\"to\":\"" + shop
                + "\",\"amount\":10,\"asset\":\"CREDITS\",\"pending\":true}").expect(201); // available 100 -> 90: down 100
        post("/v1/transfers/" + hold.id() + "/void", ledger.writeKey(), "{}").expect(201); // 90 -> 100: up 100

        var expected = List.of("UP 20 0->150", "UP 100 0->150", "DOWN 100 100->99", "DOWN 20 90->10", "UP 20 5->100",
                "UP 100 5->100", "DOWN 100 100->90", "UP 100 90->100");
        var records = recordsOf(ledger.id(), ALERT_TOPIC, expected.size(), SETTLE);
        List<String> published = new ArrayList<>();
        var eventIds = new HashSet<UUID>();
        for (ConsumerRecord<String, String> record : records) {
            assertThat(record.key()).isEqualTo(wallet.toString());
            assertThat(header(record, "ce_type")).isEqualTo("ledger.balance.threshold_crossed");
            var event = (LedgerEvent.BalanceThresholdCrossed) EventCodec.decode(record.value());
            assertThat(event.asset()).isEqualTo("CREDITS");
            eventIds.add(event.header().eventId());
            var a = event.alert();
            published.add(a.direction() + " " + a.thresholdMinor() + " " + a.availableBefore() + "->" + a.availableAfter());
        }
        assertThat(published).as("alerts on %s, in order, each once", ALERT_TOPIC).containsExactlyElementsOf(expected);
        assertThat(eventIds).hasSize(expected.size());

        var list = get("/v1/accounts/" + wallet + "/alerts", ledger.readKey()).expect(200).body().get("items");
        List<String> listed = new ArrayList<>();
        list.forEach(item -> listed.add(item.get("direction").asString() + " " + item.get("threshold").asLong() + " "
                + item.get("availableBefore").asLong() + "->" + item.get("availableAfter").asLong()));
        assertThat(listed).isEqualTo(expected);
        assertThat(list.get(2).get("entryId").asString()).isEqualTo(crossing.id().toString());
        assertThat(list.get(2).get("entryKind").asString()).isEqualTo("TRANSFER");

        var first = get("/v1/accounts/" + wallet + "/alerts?limit=3", ledger.readKey()).expect(200).body();
        assertThat(first.get("items")).hasSize(3);
        var rest = get("/v1/accounts/" + wallet + "/alerts?limit=5&cursor=" + first.get("nextCursor").asString(), ledger.readKey())
                .expect(200).body();
        assertThat(rest.get("items")).hasSize(5);
        assertThat(rest.get("items").get(0).get("seq").asLong()).isEqualTo(list.get(3).get("seq").asLong());
        assertThat(rest.get("nextCursor").isNull()).isTrue();

        // The entry's own events carry its crossings too.
        var transferEvents = recordsOf(ledger.id(), "ledger.transfer.v1", 2 * 9).stream()
                .map(r -> EventCodec.decode(r.value()))
                .filter(e -> e instanceof LedgerEvent.EntryPosted p && p.entry().id().equals(crossing.id()))
                .map(e -> ((LedgerEvent.EntryPosted) e).entry().balanceAlerts())
                .collect(Collectors.toList());
        assertThat(transferEvents).hasSize(2).allSatisfy(alerts -> assertThat(alerts).singleElement()
                .satisfies(a -> assertThat(a.direction()).isEqualTo(AlertDirection.DOWN)));
    }

    @Test
    void thresholdsAreReplacedRemovedAndRefusedAtTheirLimits() {
        var ledger = newLedger();
        var issuer = account(ledger, "{\"asset\":\"CREDITS\"}");
        var wallet = account(ledger, "{\"asset\":\"CREDITS\",\"noOverdraft\":true}");
        transfer(ledger, issuer, wallet, 1000, "CREDITS").expect(201);

        var set = call("PUT", "/v1/accounts/" + wallet + "/alert-thresholds", ledger.writeKey(), "{\"thresholds\":[500]}", java.util.Map.of())
                .expect(200).body();
        assertThat(set.get("alertThresholds").toString()).isEqualTo("[500]");
        assertThat(set.get("balance").get("available").asLong()).isEqualTo(1000);
        transfer(ledger, wallet, issuer, 600, "CREDITS").expect(201); // 1000 -> 400: down 500
        var alerts = get("/v1/accounts/" + wallet + "/alerts", ledger.readKey()).expect(200).body().get("items");
        assertThat(alerts).hasSize(1);
        assertThat(alerts.get(0).get("threshold").asLong()).isEqualTo(500);

        assertThat(put(ledger, wallet, "[]").expect(200).body().get("alertThresholds")).isEmpty();
        transfer(ledger, issuer, wallet, 600, "CREDITS").expect(201); // 400 -> 1000: no thresholds, no alert
        assertThat(get("/v1/accounts/" + wallet + "/alerts", ledger.readKey()).expect(200).body().get("items")).hasSize(1);

        var most = LongStream.rangeClosed(1, Limits.ALERT_THRESHOLDS_PER_ACCOUNT_MAX).boxed().toList().toString();
        assertThat(put(ledger, wallet, most).expect(200).body().get("alertThresholds")).hasSize(Limits.ALERT_THRESHOLDS_PER_ACCOUNT_MAX);
        var tooMany = LongStream.rangeClosed(1, Limits.ALERT_THRESHOLDS_PER_ACCOUNT_MAX + 1).boxed().toList().toString();
        assertProblem(put(ledger, wallet, tooMany), 400, "ALERT_THRESHOLDS_INVALID");
        assertProblem(put(ledger, wallet, "[5,5]"), 400, "ALERT_THRESHOLDS_INVALID");
        assertThat(put(ledger, wallet, "[" + Limits.AMOUNT_MINOR_MAX + "," + -Limits.AMOUNT_MINOR_MAX + "]").expect(200).body()
                .get("alertThresholds")).hasSize(2);
        assertProblem(put(ledger, wallet, "[" + (Limits.AMOUNT_MINOR_MAX + 1) + "]"), 400, "ALERT_THRESHOLDS_INVALID");
        assertProblem(put(ledger, wallet, "[null]"), 400, "ALERT_THRESHOLDS_INVALID");
        assertProblem(put(ledger, wallet, "\"100\""), 400, "MALFORMED_JSON");
        assertProblem(call("PUT", "/v1/accounts/" + wallet + "/alert-thresholds", ledger.writeKey(), "{}", java.util.Map.of()),
                400, "VALIDATION_FAILED");
        assertProblem(put(ledger, UUID.randomUUID(), "[1]"), 404, "ACCOUNT_NOT_FOUND");
        assertProblem(call("PUT", "/v1/accounts/" + wallet + "/alert-thresholds", ledger.readKey(), "{\"thresholds\":[1]}",
                java.util.Map.of()), 403, "FORBIDDEN");
        var other = newLedger();
        assertProblem(call("PUT", "/v1/accounts/" + wallet + "/alert-thresholds", other.writeKey(), "{\"thresholds\":[1]}",
                java.util.Map.of()), 404, "ACCOUNT_NOT_FOUND");
        assertThat(get("/v1/accounts/" + wallet, ledger.readKey()).expect(200).body().get("alertThresholds").toString())
                .as("refusals changed nothing").isEqualTo("[" + Limits.AMOUNT_MINOR_MAX + "," + -Limits.AMOUNT_MINOR_MAX + "]");

        var closed = account(ledger, "{\"asset\":\"CREDITS\"}");
        post("/v1/accounts/" + closed + "/close", ledger.writeKey(), "{}").expect(201);
        assertProblem(put(ledger, closed, "[1]"), 422, "ACCOUNT_CLOSED");

        assertProblem(post("/v1/accounts", ledger.writeKey(), "{\"asset\":\"CREDITS\",\"alertThresholds\":" + tooMany + "}"),
                400, "ALERT_THRESHOLDS_INVALID");
        assertProblem(get("/v1/accounts/" + UUID.randomUUID() + "/alerts", ledger.readKey()), 404, "ACCOUNT_NOT_FOUND");
        assertProblem(get("/v1/accounts/" + wallet + "/alerts?cursor=7", ledger.readKey()), 400, "VALIDATION_FAILED");
        assertProblem(get("/v1/accounts/" + wallet + "/alerts?cursor=-1.0", ledger.readKey()), 400, "VALIDATION_FAILED");
        assertProblem(get("/v1/accounts/" + wallet + "/alerts?limit=0", ledger.readKey()), 400, "VALIDATION_FAILED");
    }

    private Response put(TestLedger ledger, UUID account, String thresholdsJson) {
        return call("PUT", "/v1/accounts/" + account + "/alert-thresholds", ledger.writeKey(), "{\"thresholds\":" + thresholdsJson + "}",
                java.util.Map.of());
    }
}
