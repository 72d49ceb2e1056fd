package dev.creditledger.postgres;

import dev.creditledger.core.placement.LedgerDirectory;
import dev.creditledger.core.placement.Placement;
import dev.creditledger.jdbc.Sql;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;

/**
 * The directory of ledgers (ADR 0020) over the catalog cluster's {@code ledger_directory}: where each ledger
 * lives, and the registration of new ones. A placement is cached for {@link #CACHE_TTL}: a ledger leaves its
 * cluster only by a move, which fences the old copy before it changes the directory (ADR 0022), so a write routed by
 * a stale entry is refused there and routed again ({@link #forget}); a read by a stale entry sees the frozen old copy
 * for at most the TTL. A ledger that is not placed is looked up again each time, so a ledger created through another
 * instance is found at once.
 */
public final class ClusterDirectory implements LedgerDirectory {

    /** A row of the directory: where a ledger lives and whether its creation completed. */
    public record Entry(UUID ledgerId, String name, Placement placement, boolean ready, Instant createdAt) {}

    /** How long a placement read from the directory is trusted without reading it again. */
    public static final java.time.Duration CACHE_TTL = java.time.Duration.ofSeconds(1);

    private record Cached(Placement placement, long readAtNanos) {}

    private final DataSource catalog;
    private final Map<UUID, Cached> cache = new ConcurrentHashMap<>();

    public ClusterDirectory(DataSource catalog) {
        this.catalog = catalog;
    }

    @Override
    public Optional<Placement> placementOf(UUID ledgerId) {
        var cached = cache.get(ledgerId);
        long now = System.nanoTime();
        if (cached != null && now - cached.readAtNanos() < CACHE_TTL.toNanos()) {
            return Optional.of(cached.placement());
        }
        try {
            var found = entry("ledger_id = ?", ledgerId).filter(Entry::ready).map(Entry::placement);
            found.ifPresentOrElse(placement -> cache.put(ledgerId, new Cached(placement, now)), () -> cache.remove(ledgerId));
            return found;
        } catch (StorageUnavailableException e) {
            if (cached != null) {
                // The catalog does not answer: the last placement known is still the best answer (a move needs the catalog).
                return Optional.of(cached.placement());
            }
            throw e;
        }
    }

    /** Forgets the cached placement of a ledger: its next lookup reads the directory (a write found its copy moved). */
    public void forget(UUID ledgerId) {
        cache.remove(ledgerId);
    }

    /**
     * Moves a ledger in the directory from one cluster to another, one version up; false when it is no longer on
     * {@code from} (another move won). Called by a move once the new copy equals the old (ADR 0022).
     */
    public boolean switchCluster(UUID ledgerId, String from, String to) {
        try (var connection = catalog.getConnection();
             var ps = connection.prepareStatement("UPDATE ledger_directory SET cluster = ?, version = version + 1 "
                     + "WHERE ledger_id = ? AND cluster = ? AND ready")) {
            ps.setString(1, to);
            ps.setObject(2, ledgerId);
            ps.setString(3, from);
            boolean switched = ps.executeUpdate() == 1;
            forget(ledgerId);
            return switched;
        } catch (SQLException e) {
            throw new StorageUnavailableException("could not switch the ledger's cluster in the directory", e);
        }
    }

    /** The directory's row of a ledger name, ready or not. */
    public Optional<Entry> entryNamed(String name) {
        return entry("name = ?", name);
    }

    /** The directory's row of a ledger, ready or not. */
    public Optional<Entry> entryOf(UUID ledgerId) {
        return entry("ledger_id = ?", ledgerId);
    }

    /**
     * Reserves a name for a new ledger on a cluster (not ready yet); the existing row when the name is taken, so the
     * caller can tell a ledger whose creation did not complete (not ready) from one that exists.
     */
    public Entry reserve(UUID ledgerId, String name, String cluster, Instant at) {
        try (var connection = catalog.getConnection();
             var ps = connection.prepareStatement("INSERT INTO ledger_directory (ledger_id, name, cluster, version, ready, created_at) "
                     + "VALUES (?, ?, ?, 1, false, ?) ON CONFLICT (name) DO NOTHING")) {
            ps.setObject(1, ledgerId);
            ps.setString(2, name);
            ps.setString(3, cluster);
            Sql.setInstant(ps, 4, at);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new StorageUnavailableException("could not reserve ledger name in the directory", e);
        }
        return entryNamed(name).orElseThrow(() -> new StorageUnavailableException("the directory lost a row it just wrote", null));
    }

    /** Marks a reserved ledger created: from now on it is placed and routed. */
    public void markReady(UUID ledgerId) {
        try (var connection = catalog.getConnection();
             var ps = connection.prepareStatement("UPDATE ledger_directory SET ready = true WHERE ledger_id = ?")) {
            ps.setObject(1, ledgerId);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new StorageUnavailableException("could not mark the ledger ready in the directory", e);
        }
    }

    /** How many ready ledgers each cluster holds. */
    public Map<String, Long> ledgersPerCluster() {
        return ReadOnly.run(catalog, connection -> {
            Map<String, Long> counts = new HashMap<>();
            try (var ps = connection.prepareStatement("SELECT cluster, count(*) FROM ledger_directory WHERE ready GROUP BY cluster");
                 var rs = ps.executeQuery()) {
                while (rs.next()) {
                    counts.put(rs.getString(1), rs.getLong(2));
                }
            }
            return counts;
        });
    }

    /** Every ready ledger, by name. */
    public List<Entry> entries() {
        return entries("ready ORDER BY name", null);
    }

    private Optional<Entry> entry(String where, Object parameter) {
        return entries(where, parameter).stream().findFirst();
    }

    private List<Entry> entries(String where, Object parameter) {
        return ReadOnly.run(catalog, connection -> {
            try (var ps = connection.prepareStatement(
                    "SELECT ledger_id, name, cluster, version, ready, created_at FROM ledger_directory WHERE " + where)) {
                if (parameter != null) {
                    ps.setObject(1, parameter);
                }
                List<Entry> entries = new ArrayList<>();
                try (var rs = ps.executeQuery()) {
                    while (rs.next()) {
                        entries.add(new Entry(Sql.uuid(rs, "ledger_id"), rs.getString("name"),
                                new Placement(rs.getString("cluster"), rs.getLong("version")), rs.getBoolean("ready"),
                                Sql.instant(rs, "created_at")));
                    }
                }
                return entries;
            }
        });
    }
}
