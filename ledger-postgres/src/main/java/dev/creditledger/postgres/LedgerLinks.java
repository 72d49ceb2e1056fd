package dev.creditledger.postgres;

import dev.creditledger.jdbc.Sql;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * The operator's links between ledgers (ADR 0021), on the catalog: a link from L1 to L2 lets L1's keys send money
 * to accounts of L2 by a transfer between ledgers, and nothing else (it makes nothing of L2 readable). One way:
 * L2 to L1 needs its own link. Read at every transfer between ledgers, so a removed link stops the next one.
 */
public final class LedgerLinks {

    /** A link: {@code from} may send to {@code to}. */
    public record Link(UUID from, UUID to, Instant createdAt) {}

    private final DataSource catalog;
    private final java.time.Clock clock;

    public LedgerLinks(Clusters clusters, java.time.Clock clock) {
        this.catalog = clusters.catalog().dataSource();
        this.clock = clock;
    }

    /** Links {@code from} to {@code to}; false when the link existed already. Both must be ready ledgers (the caller checks). */
    public boolean link(UUID from, UUID to) {
        var at = clock.instant();
        try (var connection = catalog.getConnection();
             var ps = connection.prepareStatement("INSERT INTO ledger_links (from_ledger, to_ledger, created_at) VALUES (?, ?, ?) "
                     + "ON CONFLICT DO NOTHING")) {
            ps.setObject(1, from);
            ps.setObject(2, to);
            Sql.setInstant(ps, 3, at);
            return ps.executeUpdate() == 1;
        } catch (SQLException e) {
            throw new StorageUnavailableException("could not link ledgers: " + e.getMessage(), e);
        }
    }

    /** Removes a link; false when there was none. Sagas already started finish; no new one starts. */
    public boolean unlink(UUID from, UUID to) {
        try (var connection = catalog.getConnection();
             var ps = connection.prepareStatement("DELETE FROM ledger_links WHERE from_ledger = ? AND to_ledger = ?")) {
            ps.setObject(1, from);
            ps.setObject(2, to);
            return ps.executeUpdate() == 1;
        } catch (SQLException e) {
            throw new StorageUnavailableException("could not unlink ledgers: " + e.getMessage(), e);
        }
    }

    public boolean linked(UUID from, UUID to) {
        return ReadOnly.run(catalog, connection -> Sql.firstNumber(connection,
                "SELECT count(*) FROM ledger_links WHERE from_ledger = ? AND to_ledger = ?", from, to).orElse(0) == 1);
    }

    public List<Link> links() {
        return ReadOnly.run(catalog, connection -> {
            try (var ps = connection.prepareStatement("SELECT from_ledger, to_ledger, created_at FROM ledger_links ORDER BY created_at, from_ledger");
                 var rs = ps.executeQuery()) {
                List<Link> links = new ArrayList<>();
                while (rs.next()) {
                    links.add(new Link(Sql.uuid(rs, "from_ledger"), Sql.uuid(rs, "to_ledger"), Sql.instant(rs, "created_at")));
                }
                return links;
            }
        });
    }
}
