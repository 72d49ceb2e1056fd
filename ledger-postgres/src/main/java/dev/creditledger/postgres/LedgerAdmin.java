package dev.creditledger.postgres;

import dev.creditledger.core.Asset;
import dev.creditledger.core.IdGenerator;
import dev.creditledger.core.Limits;
import dev.creditledger.core.Reason;
import dev.creditledger.core.placement.RendezvousPlacement;
import dev.creditledger.jdbc.Sql;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * Administration outside the posting engine: ledgers, their assets and their API keys. A ledger is registered in
 * the directory and written on its cluster; its assets live there too; keys live in the catalog (ADR 0020). Keys
 * are 256-bit random secrets shown once; only their SHA-256 and a short prefix are stored.
 */
public final class LedgerAdmin {

    /** A key as returned at creation: the only time the secret is available. */
    public record CreatedKey(ApiKey key, String secret) {}

    private static final String KEY_PREFIX = "clk_";
    private static final int KEY_PREFIX_SHOWN_CHARS = 12;
    /** The close time zone of a ledger created without one. */
    public static final ZoneId UTC = ZoneId.of("UTC");
    /** The longest close time zone id (IANA ids are shorter; the column refuses more). */
    public static final int CLOSE_TIME_ZONE_LENGTH_MAX = 64;
    private static final String LEDGER_NAME = "[a-z0-9][a-z0-9_-]{0," + (Limits.LEDGER_NAME_LENGTH_MAX - 1) + "}";

    private final Clusters clusters;
    private final DataSource catalog;
    private final Clock clock;
    private final IdGenerator ids;
    private final SecureRandom random = new SecureRandom();

    public LedgerAdmin(Clusters clusters, Clock clock) {
        this.clusters = clusters;
        this.catalog = clusters.catalog().dataSource();
        this.clock = clock;
        this.ids = new IdGenerator(clock);
    }

    /** Administration of one database that is the only cluster. */
    public LedgerAdmin(DataSource dataSource, Clock clock) {
        this(Clusters.single(dataSource), clock);
    }

    /** Creates a ledger with the default assets (USD, EUR, GBP, JPY, CREDITS, POINTS), closing UTC days. */
    public Ledger createLedger(String name) {
        return createLedger(name, UTC, null);
    }

    /**
     * Creates a ledger with the default assets whose daily closes follow the calendar days of {@code closeTimeZone}
     * (fixed for the ledger's life; its id is at most {@value #CLOSE_TIME_ZONE_LENGTH_MAX} characters), on the
     * named cluster, or (null) on the one {@link RendezvousPlacement} chooses for its id.
     *
     * The name is reserved in the directory first, then the ledger is written on its cluster, then the directory
     * marks it ready: a creation that stops half way (a crash, its cluster down) leaves a reservation that the next
     * creation of the same name completes, on the cluster first chosen.
     */
    public Ledger createLedger(String name, ZoneId closeTimeZone, String cluster) {
        if (closeTimeZone.getId().length() > CLOSE_TIME_ZONE_LENGTH_MAX) {
            throw new IllegalArgumentException("a close time zone id has at most " + CLOSE_TIME_ZONE_LENGTH_MAX + " characters");
        }
        if (name == null || !name.matches(LEDGER_NAME)) {
            throw new LedgerRejection(Reason.LEDGER_NAME_INVALID, "ledger name '" + name + "' must be 1 to "
                    + Limits.LEDGER_NAME_LENGTH_MAX + " lower-case letters, digits, '-' or '_'");
        }
        if (cluster != null && clusters.named(cluster).isEmpty()) {
            throw new LedgerRejection(Reason.CLUSTER_NOT_FOUND, "no cluster is named '" + cluster + "'; the clusters are "
                    + String.join(", ", clusters.names()));
        }
        var id = ids.next();
        var now = now();
        var chosen = cluster != null ? cluster : RendezvousPlacement.choose(id, clusters.names());
        var reserved = clusters.directory().reserve(id, name, chosen, now);
        if (reserved.ready() || (cluster != null && !reserved.placement().cluster().equals(cluster))) {
            throw new LedgerRejection(Reason.LEDGER_NAME_TAKEN, "a ledger named '" + name + "' exists");
        }
        var home = clusters.clusterOf(reserved.placement());
        try (var connection = home.dataSource().getConnection()) {
            connection.setAutoCommit(false);
            try (var ps = connection.prepareStatement(
                    "INSERT INTO ledgers (id, name, last_seq, last_at, created_at, close_time_zone) VALUES (?, ?, 0, ?, ?, ?) "
                            + "ON CONFLICT (id) DO NOTHING")) {
                ps.setObject(1, reserved.ledgerId());
                ps.setString(2, name);
                Sql.setInstant(ps, 3, reserved.createdAt());
                Sql.setInstant(ps, 4, reserved.createdAt());
                ps.setString(5, closeTimeZone.getId());
                ps.executeUpdate();
            }
            for (var asset : Asset.DEFAULTS) {
                insertAsset(connection, reserved.ledgerId(), asset, reserved.createdAt());
            }
            connection.commit();
        } catch (SQLException e) {
            throw new StorageUnavailableException("could not create ledger on cluster " + home.name(), e);
        }
        clusters.directory().markReady(reserved.ledgerId());
        return ledger(reserved.ledgerId()).orElseThrow();
    }

    /** A ready ledger, read from its cluster. */
    public Optional<Ledger> ledger(UUID id) {
        return clusters.directory().entryOf(id).filter(ClusterDirectory.Entry::ready).flatMap(this::ledger);
    }

    public Optional<Ledger> ledgerByName(String name) {
        return clusters.directory().entryNamed(name).filter(ClusterDirectory.Entry::ready).flatMap(this::ledger);
    }

    /** Every ready ledger by name, each read from its cluster (one query per cluster). */
    public List<Ledger> ledgers() {
        var entries = clusters.directory().entries();
        Map<UUID, Ledger> found = new HashMap<>();
        for (var cluster : clusters.all()) {
            var ids = entries.stream().filter(e -> e.placement().cluster().equals(cluster.name())).map(ClusterDirectory.Entry::ledgerId).toList();
            if (!ids.isEmpty()) {
                for (var ledger : queryLedgers(cluster, "WHERE id = ANY (?)", ids)) {
                    found.put(ledger.id(), ledger);
                }
            }
        }
        return entries.stream().map(e -> found.get(e.ledgerId())).filter(java.util.Objects::nonNull).toList();
    }

    private Optional<Ledger> ledger(ClusterDirectory.Entry entry) {
        return queryLedgers(clusters.clusterOf(entry.placement()), "WHERE id = ?", entry.ledgerId()).stream().findFirst();
    }

    private List<Ledger> queryLedgers(Cluster cluster, String where, Object parameter) {
        return ReadOnly.run(cluster.dataSource(), connection -> {
            try (var ps = connection.prepareStatement("SELECT id, name, last_seq, created_at, close_time_zone FROM ledgers " + where)) {
                ps.setObject(1, parameter instanceof List<?> ids ? Sql.uuidArray(connection, ids.stream().map(UUID.class::cast).toList())
                        : parameter);
                List<Ledger> ledgers = new ArrayList<>();
                try (var rs = ps.executeQuery()) {
                    while (rs.next()) {
                        ledgers.add(new Ledger(Sql.uuid(rs, "id"), rs.getString("name"), rs.getLong("last_seq"), Sql.instant(rs, "created_at"),
                                ZoneId.of(rs.getString("close_time_zone")), cluster.name()));
                    }
                }
                return ledgers;
            }
        });
    }

    /** Defines a custom asset (for example CREDITS/0 under another name, or a token with 6 decimals). */
    public Asset defineAsset(UUID ledgerId, Asset asset) {
        try (var connection = clusters.dataSourceFor(ledgerId).getConnection()) {
            connection.setAutoCommit(false);
            // FOR SHARE waits for a move's fence and is refused after it, so an asset is either copied by the move or refused here.
            try (var ps = connection.prepareStatement("SELECT move_state, moved_to FROM ledgers WHERE id = ? FOR SHARE")) {
                ps.setObject(1, ledgerId);
                try (var rs = ps.executeQuery()) {
                    if (rs.next() && rs.getString(1) != null) {
                        connection.rollback();
                        clusters.directory().forget(ledgerId);
                        throw new LedgerMovedException(ledgerId, rs.getString(1), rs.getString(2));
                    }
                }
            }
            if (!insertAsset(connection, ledgerId, asset, now())) {
                connection.rollback();
                throw new LedgerRejection(Reason.ASSET_ALREADY_EXISTS, "asset " + asset.code() + " is already defined");
            }
            connection.commit();
            return asset;
        } catch (SQLException e) {
            throw new StorageUnavailableException("could not define asset", e);
        }
    }

    public List<Asset> assets(UUID ledgerId) {
        try (var connection = clusters.dataSourceFor(ledgerId).getConnection();
             var ps = connection.prepareStatement("SELECT code, exponent FROM assets WHERE ledger_id = ? ORDER BY code")) {
            ps.setObject(1, ledgerId);
            List<Asset> assets = new ArrayList<>();
            try (var rs = ps.executeQuery()) {
                while (rs.next()) {
                    assets.add(new Asset(rs.getString("code"), rs.getInt("exponent")));
                }
            }
            return assets;
        } catch (SQLException e) {
            throw new StorageUnavailableException("could not read assets", e);
        }
    }

    private static boolean insertAsset(Connection connection, UUID ledgerId, Asset asset, Instant now) throws SQLException {
        try (var ps = connection.prepareStatement("INSERT INTO assets (ledger_id, code, exponent, created_at) VALUES (?, ?, ?, ?) "
                + "ON CONFLICT (ledger_id, code) DO NOTHING")) {
            ps.setObject(1, ledgerId);
            ps.setString(2, asset.code());
            ps.setInt(3, asset.exponent());
            Sql.setInstant(ps, 4, now);
            return ps.executeUpdate() == 1;
        }
    }

    public CreatedKey createKey(UUID ledgerId, ApiKeyRole role, String name) {
        return createKey(ledgerId, role, name, null);
    }

    /** A key with its own rate limit in requests per second (null: the service's default). */
    public CreatedKey createKey(UUID ledgerId, ApiKeyRole role, String name, Integer ratePerSecond) {
        var bytes = new byte[32];
        random.nextBytes(bytes);
        var secret = KEY_PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        var key = new ApiKey(ids.next(), ledgerId, name, role, secret.substring(0, KEY_PREFIX_SHOWN_CHARS), now(), null, ratePerSecond);
        try (var connection = catalog.getConnection();
             var ps = connection.prepareStatement("INSERT INTO api_keys (ledger_id, id, name, role, key_hash, key_prefix, created_at, "
                     + "rate_per_second) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
            ps.setObject(1, ledgerId);
            ps.setObject(2, key.id());
            ps.setString(3, name);
            ps.setString(4, role.name().toLowerCase());
            ps.setBytes(5, sha256(secret));
            ps.setString(6, key.prefix());
            Sql.setInstant(ps, 7, key.createdAt());
            Sql.setNullableLong(ps, 8, ratePerSecond == null ? null : ratePerSecond.longValue());
            ps.executeUpdate();
            return new CreatedKey(key, secret);
        } catch (SQLException e) {
            throw new StorageUnavailableException("could not create key", e);
        }
    }

    public List<ApiKey> keys(UUID ledgerId) {
        return queryKeys("WHERE ledger_id = ? ORDER BY created_at, id", ledgerId);
    }

    /** Revokes a key of the ledger; false when the ledger has no such key. Revoking twice is harmless. */
    public boolean revokeKey(UUID ledgerId, UUID keyId) {
        try (var connection = catalog.getConnection();
             var ps = connection.prepareStatement("UPDATE api_keys SET revoked_at = coalesce(revoked_at, ?) WHERE ledger_id = ? AND id = ?")) {
            Sql.setInstant(ps, 1, now());
            ps.setObject(2, ledgerId);
            ps.setObject(3, keyId);
            return ps.executeUpdate() == 1;
        } catch (SQLException e) {
            throw new StorageUnavailableException("could not revoke key", e);
        }
    }

    /** The live (not revoked) key matching a presented secret. */
    public Optional<ApiKey> authenticate(String secret) {
        if (secret == null || !secret.startsWith(KEY_PREFIX) || secret.length() > 128) {
            return Optional.empty();
        }
        return queryKeys("WHERE key_hash = ? AND revoked_at IS NULL", sha256(secret)).stream().findFirst();
    }

    private List<ApiKey> queryKeys(String where, Object parameter) {
        try (var connection = catalog.getConnection();
             var ps = connection.prepareStatement("SELECT id, ledger_id, name, role, key_prefix, created_at, revoked_at, rate_per_second "
                     + "FROM api_keys " + where)) {
            ps.setObject(1, parameter);
            List<ApiKey> keys = new ArrayList<>();
            try (var rs = ps.executeQuery()) {
                while (rs.next()) {
                    keys.add(apiKey(rs));
                }
            }
            return keys;
        } catch (SQLException e) {
            throw new StorageUnavailableException("could not read keys", e);
        }
    }

    private static ApiKey apiKey(ResultSet rs) throws SQLException {
        return new ApiKey(Sql.uuid(rs, "id"), Sql.uuid(rs, "ledger_id"), rs.getString("name"),
                ApiKeyRole.valueOf(rs.getString("role").toUpperCase()), rs.getString("key_prefix"),
                Sql.instant(rs, "created_at"), Sql.instant(rs, "revoked_at"),
                rs.getObject("rate_per_second") == null ? null : rs.getInt("rate_per_second"));
    }

    /** How keys are stored and compared: SHA-256 of the UTF-8 secret (keys are 256-bit random, so a fast hash suffices). */
    public static byte[] sha256(String secret) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }
}
