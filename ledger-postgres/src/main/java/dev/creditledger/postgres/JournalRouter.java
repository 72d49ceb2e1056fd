package dev.creditledger.postgres;

import java.util.UUID;
import javax.sql.DataSource;

/**
 * Which database holds a ledger's journal: the one question every per-ledger query asks before it opens a
 * connection. {@link Clusters} answers it from the directory; {@link #single} is the one database of a test.
 */
@FunctionalInterface
public interface JournalRouter {

    /**
     * The connection pool of the ledger's cluster; throws {@link LedgerRejection} (LEDGER_NOT_FOUND) for a ledger
     * that is placed nowhere and {@link StorageUnavailableException} when the directory cannot be read.
     */
    DataSource dataSourceFor(UUID ledgerId);

    /** Every ledger in one database. */
    static JournalRouter single(DataSource dataSource) {
        return ledgerId -> dataSource;
    }
}
