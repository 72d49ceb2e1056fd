package dev.creditledger.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.creditledger.devstack.FreePorts;
import dev.creditledger.devstack.TestInfrastructure;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * What the start does with each cluster (ADR 0020): one that does not answer is left unmigrated (its ledgers answer
 * 503) without stopping the others; the catalog must answer; a database stamped with another cluster's name always
 * stops the start.
 */
class ClustersStartIT {

    @Test
    void aClusterThatDoesNotAnswerIsLeftForLaterButTheCatalogAndAWrongStampStopTheStart() throws Exception {
        var catalog = TestInfrastructure.freshDatabase("start_catalog", ds -> {});
        var nowhere = new PGSimpleDataSource();
        nowhere.setURL("jdbc:postgresql://127.0.0.1:" + FreePorts.one() + "/ledger");
        nowhere.setConnectTimeout(1);
        try {
            var clusters = new Clusters(List.of(new Cluster("main", "", catalog), new Cluster("away", "", nowhere))).migrate();
            assertThat(clusters.migrated("main")).isTrue();
            assertThat(clusters.migrated("away")).isFalse();
            assertThat(clusters.migratePending()).as("still away").isFalse();
            var ledger = new LedgerAdmin(clusters, java.time.Clock.systemUTC()).createLedger("on-main", LedgerAdmin.UTC, "main");
            assertThat(clusters.home(ledger.id()).name()).isEqualTo("main");

            assertThatThrownBy(() -> new Clusters(List.of(new Cluster("main", "", nowhere), new Cluster("c2", "", catalog))).migrate())
                    .as("the catalog must answer").isInstanceOf(RuntimeException.class);
            assertThatThrownBy(() -> new Clusters(List.of(new Cluster("other", "", catalog))).migrate())
                    .as("a database stamped main, configured as other").hasMessageContaining("is cluster 'main'");
        } finally {
            catalog.close();
        }
    }
}
