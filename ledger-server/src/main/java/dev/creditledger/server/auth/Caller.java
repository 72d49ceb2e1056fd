package dev.creditledger.server.auth;

import dev.creditledger.postgres.ApiKeyRole;
import java.util.UUID;

/**
 * Who is calling: the operator (the service's admin key, which belongs to no ledger and may create
 * ledgers and manage any ledger's keys) or a ledger API key with its role. The ledger of every
 * ledger-scoped request comes from here, never from the request.
 */
public record Caller(boolean operator, UUID ledgerId, ApiKeyRole role, UUID keyId) {

    public static final String ATTRIBUTE = "ledger.caller";

    public static Caller operatorKey() {
        return new Caller(true, null, ApiKeyRole.ADMIN, null);
    }

    /** True when the caller may administer the given ledger (operator, or an admin key of that ledger). */
    public boolean administers(UUID ledger) {
        return operator || (role == ApiKeyRole.ADMIN && ledger.equals(ledgerId));
    }
}
