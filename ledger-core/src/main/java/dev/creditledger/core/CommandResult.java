package dev.creditledger.core;

import java.util.UUID;

/**
 * The outcome of one request. Accepted results name what the command created or changed (an account
 * or a journal entry) and the ledger sequence it committed at. {@code replayed} is true when the
 * result was stored under the request's idempotency key by an earlier request.
 */
public sealed interface CommandResult {

    boolean replayed();

    CommandResult asReplay();

    record Accepted(UUID subjectId, long seq, boolean replayed) implements CommandResult {
        @Override
        public CommandResult asReplay() {
            return new Accepted(subjectId, seq, true);
        }
    }

    record Rejected(Reason reason, String detail, boolean replayed) implements CommandResult {
        public Rejected(Reason reason, String detail) {
            this(reason, detail, false);
        }

        @Override
        public CommandResult asReplay() {
            return new Rejected(reason, detail, true);
        }
    }
}
