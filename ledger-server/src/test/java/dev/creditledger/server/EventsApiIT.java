package dev.creditledger.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.creditledger.kafka.EventCodec;
import dev.creditledger.core.events.LedgerEvent;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/**
 * End to end through every role: an HTTP transfer is committed (its journal rows are its events), the relay
 * publishes them to Kafka (CloudEvents headers, the request's traceparent), the projector applies them,
 * and the read-model API shows them as soon as it has reached the write's ledger sequence.
 */
class EventsApiIT extends E2eTestBase {

    private static final String TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    @Test
    void anHttpTransferReachesKafkaAndEveryReadModel() {
        var ledger = newLedger();
        var issuer = account(ledger, "{\"asset\":\"USD\"}");
        var alice = account(ledger, "{\"asset\":\"USD\",\"noOverdraft\":true}");
        var transfer = call("POST", "/v1/transfers", ledger.writeKey(),
                "{\"from\":\"" + issuer + "\",\"to\":\"" + alice + "\",\"amount\":1234,\"asset\":\"USD\",\"metadata\":{\"order\":\"o-1\"}}",
                Map.of("traceparent", TRACEPARENT)).expect(201);
        long seq = Long.parseLong(transfer.headers().firstValue("Ledger-Seq").orElseThrow());
        assertThat(seq).isEqualTo(transfer.body().get("seq").asLong());
        assertThat(transfer.headers().firstValue("traceparent")).contains(TRACEPARENT);

        var balance = get("/v1/views/accounts/" + alice + "/balance?minSeq=" + seq, ledger.readKey()).expect(200);
        assertThat(balance.body().get("balance").get("posted").asLong()).isEqualTo(1234);
        assertThat(balance.body().get("balance").get("available").asLong()).isEqualTo(1234);
        assertThat(Long.parseLong(balance.headers().firstValue("Ledger-Projected-Seq").orElseThrow())).isGreaterThanOrEqualTo(seq);

        var statement = get("/v1/views/accounts/" + alice + "/statement?minSeq=" + seq, ledger.readKey()).expect(200);
        var line = statement.body().get("lines").get(0);
        assertThat(line.get("entryId").asString()).isEqualTo(transfer.id().toString());
        assertThat(line.get("amount").asLong()).isEqualTo(1234);
        assertThat(line.get("balance").asLong()).isEqualTo(1234);

        var today = LocalDate.now(ZoneOffset.UTC);
        var daily = get("/v1/views/accounts/" + alice + "/daily-balances?from=" + today.minusDays(1) + "&to=" + today.plusDays(1)
                + "&minSeq=" + seq, ledger.readKey()).expect(200);
        assertThat(daily.body().get("days").size()).isEqualTo(1);
        assertThat(daily.body().get("days").get(0).get("balance").get("posted").asLong()).isEqualTo(1234);

        var totals = get("/v1/views/totals?minSeq=" + seq, ledger.readKey()).expect(200);
        var usd = totals.body().get("assets").get(0);
        assertThat(usd.get("asset").asString()).isEqualTo("USD");
        assertThat(usd.get("debitsPosted").asLong()).isEqualTo(1234);
        assertThat(usd.get("creditsPosted").asLong()).isEqualTo(1234);

        var records = recordsOf(ledger.id(), "ledger.transfer.v1", 2);
        assertThat(records).extracting(ConsumerRecord::key).containsExactlyInAnyOrder(issuer.toString(), alice.toString());
        for (var record : records) {
            assertThat(header(record, "ce_specversion")).isEqualTo("1.0");
            assertThat(header(record, "ce_type")).isEqualTo("ledger.transfer.posted");
            assertThat(header(record, "ce_source")).isEqualTo("/ledgers/" + ledger.id());
            // The trace goes on: the record carries the context of the relay's publication span, in the request's trace.
            assertThat(header(record, "traceparent")).startsWith(TRACEPARENT.substring(0, 36)).endsWith("-01")
                    .isNotEqualTo(TRACEPARENT);
            var event = (LedgerEvent.EntryPosted) EventCodec.decode(record.value());
            assertThat(event.header().ledgerSeq()).isEqualTo(seq);
            assertThat(event.entry().id()).isEqualTo(transfer.id());
            assertThat(header(record, "ce_id")).isEqualTo(event.header().eventId().toString());
        }
    }

    @Test
    void aClosureIsVisibleAtItsOwnSequence() {
        var ledger = newLedger();
        var account = account(ledger, "{\"asset\":\"CREDITS\"}");
        var closed = post("/v1/accounts/" + account + "/close", ledger.writeKey(), "{}").expect(201);
        long seq = Long.parseLong(closed.headers().firstValue("Ledger-Seq").orElseThrow());
        var balance = get("/v1/views/accounts/" + account + "/balance?minSeq=" + seq, ledger.readKey()).expect(200);
        assertThat(balance.body().get("status").asString()).isEqualTo("CLOSED");
    }

    @Test
    void minSeqBeyondTheLedgerIsBadInputAndAMissingAccountIsNotFound() {
        var ledger = newLedger();
        var account = account(ledger, "{\"asset\":\"USD\"}");
        var ahead = get("/v1/views/accounts/" + account + "/balance?minSeq=1000", ledger.readKey()).expect(400);
        assertThat(ahead.code()).isEqualTo("SEQ_NOT_COMMITTED");
        assertThat(ahead.contentType()).startsWith("application/problem+json");
        assertThat(get("/v1/views/accounts/" + account + "/balance?minSeq=0", ledger.readKey()).expect(400).code())
                .isEqualTo("VALIDATION_FAILED");
        assertThat(get("/v1/views/accounts/" + UUID.randomUUID() + "/balance?minSeq=1", ledger.readKey()).expect(404).code())
                .isEqualTo("ACCOUNT_NOT_FOUND");
        var other = newLedger();
        assertThat(get("/v1/views/accounts/" + account + "/balance", other.readKey()).expect(404).code())
                .isEqualTo("ACCOUNT_NOT_FOUND");
    }

    @Test
    void dailyBalanceRangeIsLimited() {
        var ledger = newLedger();
        var account = account(ledger, "{\"asset\":\"USD\"}");
        var today = LocalDate.now(ZoneOffset.UTC);
        // The account was opened at sequence 1 of its new ledger: wait for the read model to have it.
        get("/v1/views/accounts/" + account + "/daily-balances?from=" + today.minusDays(365) + "&to=" + today + "&minSeq=1",
                ledger.readKey()).expect(200);
        assertThat(get("/v1/views/accounts/" + account + "/daily-balances?from=" + today.minusDays(366) + "&to=" + today,
                ledger.readKey()).expect(400).code()).isEqualTo("VALIDATION_FAILED");
        assertThat(get("/v1/views/accounts/" + account + "/daily-balances?from=" + today + "&to=" + today.minusDays(1),
                ledger.readKey()).expect(400).code()).isEqualTo("VALIDATION_FAILED");
    }
}
