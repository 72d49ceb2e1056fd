package dev.creditledger.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import dev.creditledger.chaos.ExactlyOnceRules.JournalEntry;
import dev.creditledger.chaos.OpResult.Outcome;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Each rule of the checker, seen to fail: a journal and a record of answers that break it exactly once, next
 * to the same case kept. A checker that cannot fail would pass the kit whatever the ledger did.
 */
class ExactlyOnceRulesTest {

    private static final UUID ALICE = UUID.randomUUID();
    private static final UUID BOB = UUID.randomUUID();
    private static final Op TRANSFER = Op.transfer("t1", ALICE, BOB, 50, false);
    private static final UUID ENTRY = UUID.randomUUID();

    private static OpResult acked(Op op, UUID entryId, long amount) {
        return new OpResult(op, Outcome.ACKNOWLEDGED, 201, null, entryId, amount, false, "a", false, null);
    }

    private static OpResult refused(Op op, int status, String code) {
        return new OpResult(op, Outcome.REJECTED, status, code, null, null, false, "a", false, null);
    }

    private static OpResult unknown(Op op) {
        return new OpResult(op, Outcome.UNKNOWN, 0, null, null, null, false, "a", false, "IOException");
    }

    private static JournalEntry entry(UUID id, long seq, Op op, long amount, UUID debit, UUID credit) {
        return new JournalEntry(id, seq, op.kind().entryKind(), amount, op.target(), op.key(), op.key(), Map.of("DEBIT", debit, "CREDIT", credit));
    }

    private static List<String> findings(List<OpResult> results, JournalEntry... journal) {
        Map<String, List<OpResult>> byKey = results.stream()
                .collect(Collectors.groupingBy(r -> r.op().key(), LinkedHashMap::new, Collectors.toList()));
        Map<UUID, JournalEntry> entries = new LinkedHashMap<>();
        for (var e : journal) {
            entries.put(e.id(), e);
        }
        List<String> findings = new ArrayList<>();
        ExactlyOnceRules.checkOperations(byKey, entries, findings);
        ExactlyOnceRules.checkEntries(entries, byKey.keySet(), findings);
        return findings;
    }

    @Test
    void anAcknowledgedOperationMustBeThereExactlyOnceAsAcknowledged() {
        var kept = entry(ENTRY, 1, TRANSFER, 50, ALICE, BOB);
        assertThat(findings(List.of(acked(TRANSFER, ENTRY, 50), acked(TRANSFER, ENTRY, 50)), kept)).isEmpty();

        assertThat(findings(List.of(acked(TRANSFER, ENTRY, 50)))).singleElement().asString().contains("journal has 0 entries");
        assertThat(findings(List.of(acked(TRANSFER, ENTRY, 50)), kept, entry(UUID.randomUUID(), 2, TRANSFER, 50, ALICE, BOB)))
                .anyMatch(f -> f.contains("journal has 2 entries"));
        assertThat(findings(List.of(acked(TRANSFER, UUID.randomUUID(), 50)), kept)).singleElement().asString().contains("the journal has " + ENTRY);
        assertThat(findings(List.of(acked(TRANSFER, ENTRY, 50), acked(TRANSFER, UUID.randomUUID(), 50)), kept))
                .anyMatch(f -> f.contains("acknowledged with entry ids"));
        assertThat(findings(List.of(acked(TRANSFER, ENTRY, 49)), kept)).singleElement().asString().contains("acknowledged amount 49");
        assertThat(findings(List.of(acked(TRANSFER, ENTRY, 50)), entry(ENTRY, 1, TRANSFER, 51, ALICE, BOB)))
                .singleElement().asString().contains("asked for TRANSFER 50");
        assertThat(findings(List.of(acked(TRANSFER, ENTRY, 50)), entry(ENTRY, 1, TRANSFER, 50, BOB, ALICE)))
                .singleElement().asString().contains("asked for TRANSFER 50");
        assertThat(findings(List.of(acked(TRANSFER, ENTRY, 50), refused(TRANSFER, 422, "INSUFFICIENT_FUNDS")), kept))
                .singleElement().asString().contains("acknowledged and also refused");
    }

    @Test
    void aRefusedOperationLeavesNothingAndIsRefusedTheSameWayEachTime() {
        assertThat(findings(List.of(refused(TRANSFER, 422, "INSUFFICIENT_FUNDS"), refused(TRANSFER, 422, "INSUFFICIENT_FUNDS")))).isEmpty();
        assertThat(findings(List.of(refused(TRANSFER, 422, "INSUFFICIENT_FUNDS")), entry(ENTRY, 1, TRANSFER, 50, ALICE, BOB)))
                .singleElement().asString().contains("refused [INSUFFICIENT_FUNDS], but the journal has 1");
        assertThat(findings(List.of(refused(TRANSFER, 422, "INSUFFICIENT_FUNDS"), refused(TRANSFER, 409, "HOLD_NOT_PENDING"))))
                .singleElement().asString().contains("different codes");
        // A 429 is the rate limiter's, before the ledger saw the request: it says nothing about the operation.
        assertThat(findings(List.of(refused(TRANSFER, 429, "RATE_LIMITED"), acked(TRANSFER, ENTRY, 50)),
                entry(ENTRY, 1, TRANSFER, 50, ALICE, BOB))).isEmpty();
    }

    @Test
    void anOperationWithoutAnAnswerIsThereAtMostOnce() {
        assertThat(findings(List.of(unknown(TRANSFER)))).isEmpty();
        assertThat(findings(List.of(unknown(TRANSFER)), entry(ENTRY, 1, TRANSFER, 50, ALICE, BOB))).isEmpty();
        assertThat(findings(List.of(unknown(TRANSFER)), entry(ENTRY, 1, TRANSFER, 50, ALICE, BOB),
                entry(UUID.randomUUID(), 2, TRANSFER, 50, ALICE, BOB))).anyMatch(f -> f.contains("outcome unknown, and the journal has 2"));
        assertThat(findings(List.of(unknown(TRANSFER)), entry(ENTRY, 1, TRANSFER, 7, ALICE, BOB)))
                .singleElement().asString().contains("asked for TRANSFER 50");
    }

    @Test
    void nothingIsInTheJournalThatNoClientSent() {
        var other = Op.transfer("never-sent", ALICE, BOB, 5, false);
        assertThat(findings(List.of(), entry(ENTRY, 1, other, 5, ALICE, BOB)))
                .singleElement().asString().contains("was not sent by the load");
        var unkeyed = new JournalEntry(ENTRY, 1, "EXPIRY", 5, UUID.randomUUID(), null, null, Map.of());
        assertThat(findings(List.of(), unkeyed)).anyMatch(f -> f.contains("was not sent by the load"));
        var mislabelled = new JournalEntry(ENTRY, 1, "TRANSFER", 50, null, "t1", "t2", Map.of("DEBIT", ALICE, "CREDIT", BOB));
        assertThat(findings(List.of(acked(TRANSFER, ENTRY, 50)), mislabelled)).singleElement().asString().contains("metadata of operation t2");
    }

    @Test
    void aHoldIsResolvedOnceAndATransferNeverReversedBeyondWhatItPosted() {
        var hold = Op.transfer("h1", ALICE, BOB, 100, true);
        var holdId = UUID.randomUUID();
        var written = new Op.Written(hold, holdId);
        var capture = Op.capture("c1", written, 60);
        var voiding = Op.voidHold("v1", written);
        var holdEntry = entry(holdId, 1, hold, 100, ALICE, BOB);
        var captureId = UUID.randomUUID();
        var voidId = UUID.randomUUID();
        var results = List.of(acked(hold, holdId, 100), acked(capture, captureId, 60), unknown(voiding));
        assertThat(findings(results, holdEntry, entry(captureId, 2, capture, 60, ALICE, BOB))).isEmpty();
        assertThat(findings(results, holdEntry, entry(captureId, 2, capture, 60, ALICE, BOB), entry(voidId, 3, voiding, 100, ALICE, BOB)))
                .singleElement().asString().contains("resolved 2 times");

        var transferWritten = new Op.Written(TRANSFER, ENTRY);
        var first = Op.reverse("r1", transferWritten, 30);
        var second = Op.reverse("r2", transferWritten, 30);
        var r1 = UUID.randomUUID();
        var r2 = UUID.randomUUID();
        var reversals = List.of(acked(TRANSFER, ENTRY, 50), acked(first, r1, 30), acked(second, r2, 30));
        assertThat(findings(reversals, entry(ENTRY, 1, TRANSFER, 50, ALICE, BOB), entry(r1, 2, first, 30, BOB, ALICE),
                entry(r2, 3, second, 30, BOB, ALICE))).singleElement().asString().contains("more than it posted");
    }

    @Test
    void aGrantNeverExpiresMoreThanItGrantedInEntriesOfTheLedgersOwn() {
        var grant = Op.grant("g1", ALICE, BOB, 80, java.time.Instant.parse("2030-01-01T00:00:00Z"));
        var grantEntry = entry(ENTRY, 1, grant, 80, ALICE, BOB);
        var spend = Op.transfer("s1", BOB, ALICE, 10, false);
        var spendId = UUID.randomUUID();
        // A debit that finds the grant expired writes the expiry in its own batch, with its own key.
        var lazyExpiry = new JournalEntry(UUID.randomUUID(), 2, "GRANT_EXPIRY", 70, ENTRY, "s1", null, Map.of("DEBIT", BOB, "CREDIT", ALICE));
        var results = List.of(acked(grant, ENTRY, 80), acked(spend, spendId, 10));
        assertThat(findings(results, grantEntry, lazyExpiry, entry(spendId, 3, spend, 10, BOB, ALICE))).isEmpty();

        // What a refund gave back to the expired grant expires again: 70 + 10 of 80.
        var againExpiry = new JournalEntry(UUID.randomUUID(), 4, "GRANT_EXPIRY", 10, ENTRY, null, null, Map.of());
        assertThat(findings(results, grantEntry, lazyExpiry, entry(spendId, 3, spend, 10, BOB, ALICE), againExpiry)).isEmpty();
        var beyond = new JournalEntry(UUID.randomUUID(), 4, "GRANT_EXPIRY", 11, ENTRY, null, null, Map.of());
        assertThat(findings(results, grantEntry, lazyExpiry, entry(spendId, 3, spend, 10, BOB, ALICE), beyond))
                .singleElement().asString().contains("expired 81 in all, more than it granted");
        var strayExpiry = new JournalEntry(UUID.randomUUID(), 2, "GRANT_EXPIRY", 80, spendId, null, null, Map.of());
        assertThat(findings(results, grantEntry, strayExpiry, entry(spendId, 3, spend, 10, BOB, ALICE)))
                .anyMatch(f -> f.contains("which is no grant"));
    }
}
