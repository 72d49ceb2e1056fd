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
 * creation was left half done; and every transfer between ledgers against both journals (ADR 0021): money captured
 * at the source was credited at the destination, money credited was not released at the source, and each finished
 * saga left exactly the entries its status says. In-flight sagas may be between two steps, never beyond them.
 */
public final class ClusterVerification {

    private ClusterVerification() {}

    public static VerificationReport verifyAll(Clusters clusters) {
        int ledgers = 0;
        long accounts = 0;
        long entries = 0;
        List<String> differences = new ArrayList<>(directoryDifferences(clusters));
        differences.addAll(sagaDifferences(clusters));
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
                // A copy a move is making or left behind is not a home (ADR 0022).
                try (var ps = connection.prepareStatement("SELECT id FROM ledgers WHERE move_state IS NULL"); var rs = ps.executeQuery()) {
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

    /** A saga as both journals show it: the state of its hold at the source, whether its credit exists at the destination. */
    private record SagaTrace(UUID ledgerId, UUID id, String status, UUID holdId, String holdState, UUID toLedger, UUID creditId) {}

    /** Where the sagas' own records and the two journals disagree about a transfer between ledgers. */
    static List<String> sagaDifferences(Clusters clusters) {
        List<SagaTrace> sagas = new ArrayList<>();
        for (var cluster : clusters.all()) {
            sagas.addAll(ReadOnly.run(cluster.dataSource(), connection -> {
                List<SagaTrace> found = new ArrayList<>();
                try (var ps = connection.prepareStatement("""
                        SELECT s.ledger_id, s.id, s.status, s.hold_id, t.status AS hold_state, s.to_ledger, s.credit_id
                        FROM sagas s LEFT JOIN transfer_states t ON t.ledger_id = s.ledger_id AND t.transfer_id = s.hold_id""");
                     var rs = ps.executeQuery()) {
                    while (rs.next()) {
                        found.add(new SagaTrace(Sql.uuid(rs, "ledger_id"), Sql.uuid(rs, "id"), rs.getString("status"), Sql.uuid(rs, "hold_id"),
                                rs.getString("hold_state"), Sql.uuid(rs, "to_ledger"), Sql.uuid(rs, "credit_id")));
                    }
                }
                return found;
            }));
        }
        Map<UUID, List<UUID>> creditsByLedger = new HashMap<>();
        sagas.forEach(s -> creditsByLedger.computeIfAbsent(s.toLedger(), l -> new ArrayList<>()).add(s.creditId()));
        java.util.Set<UUID> credited = new java.util.HashSet<>();
        for (var entry : creditsByLedger.entrySet()) {
            credited.addAll(ReadOnly.run(clusters.dataSourceFor(entry.getKey()), connection -> {
                List<UUID> ids = new ArrayList<>();
                try (var ps = connection.prepareStatement("SELECT id FROM entries WHERE ledger_id = ? AND id = ANY (?)")) {
                    ps.setObject(1, entry.getKey());
                    ps.setArray(2, Sql.uuidArray(connection, entry.getValue()));
                    try (var rs = ps.executeQuery()) {
                        while (rs.next()) {
                            ids.add(Sql.uuid(rs, "id"));
                        }
                    }
                }
                return ids;
            }));
        }
        List<String> differences = new ArrayList<>();
        for (var saga : sagas) {
            boolean credit = credited.contains(saga.creditId());
            var hold = saga.holdState() == null ? "NONE" : saga.holdState();
            var name = "saga " + saga.id() + " (ledger " + saga.ledgerId() + " to " + saga.toLedger() + ")";
            if (hold.equals("POSTED") && !credit) {
                differences.add(name + ": captured at the source but not credited at the destination");
            }
            if (credit && !(hold.equals("PENDING") || hold.equals("POSTED"))) {
                differences.add(name + ": credited at the destination while its reserve is " + hold + " at the source");
            }
            boolean consistent = switch (saga.status()) {
                case "COMPLETED" -> hold.equals("POSTED") && credit;
                case "COMPENSATED" -> (hold.equals("VOIDED") || hold.equals("EXPIRED")) && !credit;
                case "FAILED" -> hold.equals("NONE") && !credit;
                default -> true; // PENDING, COMPENSATING: between two steps
            };
            if (!consistent) {
                differences.add(name + ": " + saga.status() + " but its reserve is " + hold + " and its credit " + (credit ? "exists" : "does not exist"));
            }
        }
        return differences;
    }
}
