package dev.creditledger.postgres;

import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Looks at one cluster from the outside: does its primary answer, is it a primary (not a standby in recovery),
 * which standbys stream from it and in which state, and how large its journal is. A cluster that does not answer
 * within the pool's connection timeout is down, with the reason.
 */
public final class ClusterProbe {

    /** A standby as its primary sees it ({@code pg_stat_replication}). */
    public record Standby(String name, String state, String syncState) {}

    /**
     * @param up           the primary answered
     * @param primary      it accepts writes (false: it is a standby in recovery, so writes routed to it fail)
     * @param journalBytes the size of the journal's tables and their indexes, in bytes
     * @param problem      why it is down, or null
     */
    public record Status(String cluster, String url, boolean up, boolean primary, List<Standby> standbys, long journalBytes,
                         String problem, Instant checkedAt) {}

    private static final String JOURNAL_BYTES = """
            SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = current_schema() AND c.relkind = 'r'""";

    private ClusterProbe() {}

    public static Status probe(Cluster cluster, Instant now) {
        try (var connection = cluster.dataSource().getConnection()) {
            connection.setReadOnly(true);
            boolean primary;
            try (var ps = connection.prepareStatement("SELECT NOT pg_is_in_recovery()"); var rs = ps.executeQuery()) {
                rs.next();
                primary = rs.getBoolean(1);
            }
            List<Standby> standbys = new ArrayList<>();
            try (var ps = connection.prepareStatement("SELECT application_name, state, sync_state FROM pg_stat_replication ORDER BY 1");
                 var rs = ps.executeQuery()) {
                while (rs.next()) {
                    standbys.add(new Standby(rs.getString(1), rs.getString(2), rs.getString(3)));
                }
            }
            long bytes;
            try (var ps = connection.prepareStatement(JOURNAL_BYTES); var rs = ps.executeQuery()) {
                rs.next();
                bytes = rs.getLong(1);
            }
            return new Status(cluster.name(), cluster.url(), true, primary, List.copyOf(standbys), bytes, null, now);
        } catch (SQLException | RuntimeException e) {
            return new Status(cluster.name(), cluster.url(), false, false, List.of(), -1, e.getMessage(), now);
        }
    }
}
