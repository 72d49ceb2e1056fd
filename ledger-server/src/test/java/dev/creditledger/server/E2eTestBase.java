package dev.creditledger.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.creditledger.postgres.LedgerAdmin;
import dev.creditledger.projections.ProjectionChecker;
import dev.creditledger.server.events.ProjectionsAccess;
import java.time.Duration;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Base of the end-to-end test classes. After the last test of a class the whole journal must verify
 * clean, and once the projector has caught up with every ledger, every read model must equal what the
 * journal implies (ProjectionChecker).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class E2eTestBase extends ApiTestBase {

    private static final Duration CATCH_UP_WAIT = Duration.ofSeconds(60);

    @Autowired
    private LedgerAdmin admin;
    @Autowired
    private ProjectionsAccess projections;
    @Autowired
    private DataSource journal;

    @AfterAll
    void journalVerifiesCleanAfterTheClass() {
        assertVerifyClean();
    }

    @AfterAll
    void readModelsEqualTheJournalAfterTheClass() {
        awaitProjectionsCaughtUp();
        var report = new ProjectionChecker(journal, projections.dataSource().orElseThrow()).check();
        assertThat(report.differences()).as("read models against the journal").isEmpty();
    }

    /** Waits until the read models of every ledger reached the ledger's last sequence. */
    protected void awaitProjectionsCaughtUp() {
        var queries = projections.queries().orElseThrow();
        for (var ledger : admin.ledgers()) {
            var current = admin.ledger(ledger.id()).orElseThrow();
            assertThat(queries.awaitSeq(current.id(), current.lastSeq(), CATCH_UP_WAIT))
                    .as("read models of ledger %s reach seq %d (at %d)", current.name(), current.lastSeq(),
                            queries.projectedSeq(current.id()))
                    .isTrue();
        }
    }
}
