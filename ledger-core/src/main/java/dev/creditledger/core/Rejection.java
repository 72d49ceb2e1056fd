package dev.creditledger.core;

/**
 * A command's rejection with its named {@link Reason}, thrown by the rules of the state machine and caught
 * per command by {@link PostingStateMachine}, which undoes the command's partial changes and answers the
 * reason. It never escapes the package: a rejection is a result, not a failure, so it carries no stack trace.
 */
final class Rejection extends RuntimeException {
    final Violation violation;

    Rejection(Reason reason, String detail) {
        super(reason.name(), null, false, false);
        this.violation = new Violation(reason, detail);
    }
}
