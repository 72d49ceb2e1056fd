package dev.creditledger.server;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.TestInstance;

/** Base of the end-to-end test classes: after the last test of a class, the whole journal must verify clean. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class E2eTestBase extends ApiTestBase {

    @AfterAll
    void journalVerifiesCleanAfterTheClass() {
        assertVerifyClean();
    }
}
