package dev.creditledger.postgres;

import dev.creditledger.core.Account;
import dev.creditledger.core.CommandResult;
import dev.creditledger.core.Entry;

/**
 * The answer to one request: its result, and for an accepted one the account or journal entry it
 * created (or, for a replay, created the first time), as it was written.
 */
public record PostedResult(CommandResult result, Account account, Entry entry) {}
