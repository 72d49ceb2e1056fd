package dev.creditledger.postgres;

import java.util.Optional;
import java.util.UUID;

/**
 * What a ledger's idempotency store says about one key: accepted (at which sequence), refused (with which reason),
 * or never seen. A saga asks this to learn the outcome of a step it may have done without hearing the answer, so
 * that it never guesses (ADR 0021). The record of a key is written in the same transaction as its effect.
 */
public final class IdempotencyLookup {

    /** A key's outcome: {@code seq} when accepted, {@code rejection} (a reason's name) when refused. */
    public record Outcome(Long seq, String rejection) {
        public boolean accepted() {
            return rejection == null;
        }
    }

    private final JournalRouter journals;

    public IdempotencyLookup(JournalRouter journals) {
        this.journals = journals;
    }

    public Optional<Outcome> outcome(UUID ledgerId, String key) {
        return ReadOnly.run(journals.dataSourceFor(ledgerId), connection -> {
            try (var ps = connection.prepareStatement("SELECT seq, rejection FROM idempotency WHERE ledger_id = ? AND key_digest = ?")) {
                ps.setObject(1, ledgerId);
                ps.setObject(2, Digests.digest128(key));
                try (var rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(new Outcome(rs.getObject("seq") == null ? null : rs.getLong("seq"), rs.getString("rejection")))
                            : Optional.<Outcome>empty();
                }
            }
        });
    }
}
