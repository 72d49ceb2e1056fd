package dev.creditledger.postgres;

import dev.creditledger.core.Account;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Account definitions the engine has seen committed, kept in memory so that a batch reads only the
 * balance rows of its accounts. Safe because a definition never changes once its account is open
 * (asset, normal side, code, constraint and metadata are immutable; what changes lives in
 * {@code balances}), and only committed definitions are added: a definition read from the database,
 * or one the engine created, after its batch committed. Bounded, least recently used out first.
 *
 * Correctness never depends on it: a miss reads the definition from the database, and a hit is
 * only used for an account whose balance row the batch read from its ledger.
 */
final class AccountCatalog {

    /** Definitions kept at most; about 300 bytes each. */
    static final int ACCOUNTS_MAX_DEFAULT = 100_000;

    private final Map<UUID, Account> accounts;

    AccountCatalog(int accountsMax) {
        this.accounts = new LinkedHashMap<>(1024, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<UUID, Account> eldest) {
                return size() > accountsMax;
            }
        };
    }

    /** The known definitions among {@code ids}; the others are missing from the result. */
    synchronized Map<UUID, Account> find(Collection<UUID> ids) {
        Map<UUID, Account> found = new HashMap<>();
        for (var id : ids) {
            var account = accounts.get(id);
            if (account != null) {
                found.put(id, account);
            }
        }
        return found;
    }

    synchronized void addAll(Collection<Account> committed) {
        for (var account : committed) {
            accounts.put(account.id(), account);
        }
    }

    static List<UUID> missing(Collection<UUID> ids, Map<UUID, Account> found) {
        List<UUID> missing = new ArrayList<>();
        for (var id : ids) {
            if (!found.containsKey(id)) {
                missing.add(id);
            }
        }
        return missing;
    }
}
