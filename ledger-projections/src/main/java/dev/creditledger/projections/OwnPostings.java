package dev.creditledger.projections;

import dev.creditledger.core.Posting;
import dev.creditledger.core.events.LedgerEvent;
import java.util.ArrayList;
import java.util.List;

/** The postings of an entry event that belong to the event's own account, with their line numbers. */
final class OwnPostings {
    private OwnPostings() {}

    record Line(int lineNo, Posting posting) {}

    static List<Line> of(LedgerEvent.EntryPosted event) {
        var accountId = event.header().accountId();
        var postings = event.entry().postings();
        List<Line> lines = new ArrayList<>(2);
        for (int i = 0; i < postings.size(); i++) {
            if (postings.get(i).accountId().equals(accountId)) {
                lines.add(new Line(i, postings.get(i)));
            }
        }
        return lines;
    }

    /** The account's posting with the highest version: its balances after the whole entry. */
    static Posting last(LedgerEvent.EntryPosted event) {
        Posting last = null;
        for (var line : of(event)) {
            if (last == null || line.posting().accountVersion() > last.accountVersion()) {
                last = line.posting();
            }
        }
        if (last == null) {
            throw new IllegalStateException("the entry has no posting of account " + event.header().accountId());
        }
        return last;
    }
}
