package dev.creditledger.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.creditledger.postgres.Cluster;
import org.junit.jupiter.api.Test;

/** LEDGER_CLUSTERS and cluster names at their edges: what is accepted, what is refused, what an operator sees. */
class ClusterSettingsTest {

    @Test
    void clustersAreNameEqualsUrlSeparatedBySemicolonsAndAUrlMayNameSeveralHosts() {
        var parsed = ClusterPools.parse(" c2=jdbc:postgresql://h1:5432,h2:5432/ledger?targetServerType=primary ; c3=jdbc:postgresql://h3/ledger;");
        assertThat(parsed).containsExactly(
                java.util.Map.entry("c2", "jdbc:postgresql://h1:5432,h2:5432/ledger?targetServerType=primary"),
                java.util.Map.entry("c3", "jdbc:postgresql://h3/ledger"));
        assertThat(ClusterPools.parse("")).isEmpty();
    }

    @Test
    void aMalformedEntryOrARepeatedNameIsRefused() {
        assertThatThrownBy(() -> ClusterPools.parse("c2")).hasMessageContaining("name=jdbc:postgresql://");
        assertThatThrownBy(() -> ClusterPools.parse("=jdbc:postgresql://h/ledger")).hasMessageContaining("name=jdbc:postgresql://");
        assertThatThrownBy(() -> ClusterPools.parse("c2=mysql://h/ledger")).hasMessageContaining("name=jdbc:postgresql://");
        assertThatThrownBy(() -> ClusterPools.parse("c2=jdbc:postgresql://a/l;c2=jdbc:postgresql://b/l")).hasMessageContaining("twice");
        assertThatThrownBy(() -> ClusterPools.parse("C2=jdbc:postgresql://a/l")).hasMessageContaining("lower-case");
    }

    @Test
    void aClusterNameHasAtMostNameLengthMaxCharacters() {
        var longest = "a".repeat(Cluster.NAME_LENGTH_MAX);
        assertThat(Cluster.requireValidName(longest)).isEqualTo(longest);
        assertThatThrownBy(() -> Cluster.requireValidName(longest + "a")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Cluster.requireValidName("x'; DROP TABLE ledgers; --")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theUrlShownHasNoCredentials() {
        var cluster = new Cluster("c2", "jdbc:postgresql://h/ledger?user=app&ssl=true&password=secret&PASSWORD=x",
                new org.postgresql.ds.PGSimpleDataSource());
        assertThat(cluster.url()).isEqualTo("jdbc:postgresql://h/ledger?ssl=true");
        assertThat(new Cluster("c3", "jdbc:postgresql://h/ledger?password=s", new org.postgresql.ds.PGSimpleDataSource()).url())
                .isEqualTo("jdbc:postgresql://h/ledger");
    }
}
