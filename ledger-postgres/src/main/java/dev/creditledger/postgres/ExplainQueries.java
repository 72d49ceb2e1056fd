package dev.creditledger.postgres;

import dev.creditledger.core.Account;
import dev.creditledger.core.Entry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * What "what happened to my credit?" needs from the journal: an account's postings in order (a page of
 * its statement), each with the whole entry it belongs to (every posting, the grants it touched, its
 * metadata and the idempotency key of the request that wrote it) and the codes of the other accounts
 * of the entry. Everything read is immutable journal, so the page is consistent however it is read.
 */
public final class ExplainQueries {

    private final JournalRouter journals;
    private final LedgerQueries queries;

    public ExplainQueries(JournalRouter journals, LedgerQueries queries) {
        this.journals = journals;
        this.queries = queries;
    }

    /** One posting of the account, with its entry, the request's key and the entry's other accounts. */
    public record Change(StatementLine line, Entry entry, String idempotencyKey, List<Account> counterparties) {}

    /** A page of an account's changes, in the order they happened. */
    public Page<Change> changes(UUID ledgerId, UUID accountId, Instant from, Instant to, long afterVersion, int limit) {
        var lines = queries.statement(ledgerId, accountId, from, to, afterVersion, limit);
        var entryIds = lines.items().stream().map(StatementLine::entryId).distinct().toList();
        return ReadOnly.run(journals.dataSourceFor(ledgerId), connection -> {
            var entries = JournalReader.entriesById(connection, ledgerId, entryIds);
            var others = new LinkedHashSet<UUID>();
            for (var entry : entries.values()) {
                entry.entry().postings().forEach(p -> {
                    if (!p.accountId().equals(accountId)) {
                        others.add(p.accountId());
                    }
                });
            }
            Map<UUID, Account> accounts = others.isEmpty() ? new HashMap<>() : Rows.accounts(connection, ledgerId, others);
            List<Change> changes = new ArrayList<>(lines.items().size());
            for (var line : lines.items()) {
                var journaled = entries.get(line.entryId());
                if (journaled == null) {
                    throw new IllegalStateException("posting of account " + accountId + " at sequence " + line.entrySeq()
                            + " has no entry " + line.entryId());
                }
                var entry = journaled.entry();
                List<Account> counterparties = new ArrayList<>();
                new LinkedHashSet<>(entry.postings().stream().map(p -> p.accountId()).toList()).forEach(id -> {
                    if (accounts.containsKey(id)) {
                        counterparties.add(accounts.get(id));
                    }
                });
                changes.add(new Change(line, entry, journaled.idempotencyKey(), counterparties));
            }
            return new Page<>(changes, lines.nextCursor());
        });
    }
}
