package dev.creditledger.postgres;

import dev.creditledger.jdbc.Sql;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * {@code ledger verify} over several clusters (ADR 0020): the {@link LedgerVerifier} on every cluster, each
 * difference named with its cluster when there is more than one, and the directory against the clusters: every
 * ledger the directory places on a cluster is there, every ledger a cluster holds is placed on it, and no
 * creation was left half done.
 */
public final class ClusterVerification {

    private ClusterVerification() {}

    public static VerificationReport verifyAll(Clusters clusters) {
        int ledgers = 0;
        long accounts = 0;
        long entries = 0;
        List<String> differences = new ArrayList<>(directoryDifferences(clusters));
        for (var cluster : clusters.all()) {
            var report = new LedgerVerifier(cluster.dataSource()).verifyAll();
            ledgers += report.ledgers();
            accounts += report.accounts();
            entries += report.entries();
            for (var difference : report.differences()) {
                differences.add(clusters.all().size() == 1 ? difference : "cluster " + cluster.name() + ": " + difference);
            }
        }
        return new VerificationReport(ledgers, accounts, entries, differences);
    }

    /** Where the directory and the clusters disagree about which ledger lives where. */
    static List<String> directoryDifferences(Clusters clusters) {
        List<String> differences = new ArrayList<>();
        Map<UUID, String> placed = new HashMap<>();
        for (var entry : ReadOnly.run(clusters.catalog().dataSource(), connection -> {
            List<Object[]> rows = new ArrayList<>();
            try (var ps = connection.prepareStatement("SELECT ledger_id, name, cluster, ready FROM ledger_directory");
                 var rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(new Object[] {Sql.uuid(rs, "ledger_id"), rs.getString("name"), rs.getString("cluster"), rs.getBoolean("ready")});
                }
            }
            return rows;
        })) {
            var id = (UUID) entry[0];
            if (!(Boolean) entry[3]) {
                differences.add("directory: the creation of ledger '" + entry[1] + "' (" + id + ") on cluster " + entry[2]
                        + " did not complete; creating it again completes it");
            } else if (clusters.named((String) entry[2]).isEmpty()) {
                differences.add("directory: ledger '" + entry[1] + "' (" + id + ") is placed on cluster " + entry[2]
                        + ", which is not configured");
            } else {
                placed.put(id, (String) entry[2]);
            }
        }
        for (var cluster : clusters.all()) {
            List<UUID> held = ReadOnly.run(cluster.dataSource(), connection -> {
                List<UUID> ids = new ArrayList<>();
                try (var ps = connection.prepareStatement("SELECT id FROM ledgers"); var rs = ps.executeQuery()) {
                    while (rs.next()) {
                        ids.add(Sql.uuid(rs, "id"));
                    }
                }
                return ids;
            });
            for (var id : held) {
                var home = placed.remove(id);
                if (home == null) {
                    differences.add("directory: cluster " + cluster.name() + " holds ledger " + id + ", which the directory does not place");
                } else if (!home.equals(cluster.name())) {
                    differences.add("directory: cluster " + cluster.name() + " holds ledger " + id + ", which the directory places on " + home);
                    placed.put(id, home);
                }
            }
        }
        placed.forEach((id, home) -> differences.add("directory: ledger " + id + " is placed on cluster " + home + ", which does not hold it"));
        return differences;
    }
}
