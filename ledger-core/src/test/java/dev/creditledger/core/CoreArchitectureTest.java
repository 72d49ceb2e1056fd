package dev.creditledger.core;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The core is the JDK only: no framework, no persistence, no messaging, no JSON library, no gRPC or protobuf. */
class CoreArchitectureTest {

    static final String[] FORBIDDEN = {
            "org.springframework..", "jakarta..", "javax..", "java.sql..", "org.apache.kafka..", "com.fasterxml..", "tools.jackson..",
            "io.grpc..", "com.google.protobuf..", "com.google.rpc.."};

    static final JavaClasses CORE = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.creditledger.core");

    @Test
    void theProductionClassesAreImported() {
        // Guards the rule below against passing vacuously on an empty import.
        assertThat(CORE.contain(PostingStateMachine.class)).isTrue();
        assertThat(CORE.contain(LedgerState.class)).isTrue();
        assertThat(CORE.size()).isGreaterThanOrEqualTo(20);
    }

    @Test
    void coreDependsOnNoFrameworkPersistenceMessagingOrJsonLibrary() {
        noClasses().that().resideInAPackage("dev.creditledger.core..")
                .should().dependOnClassesThat().resideInAnyPackage(FORBIDDEN)
                .because("ledger-core must stay a pure JDK domain")
                .check(CORE);
    }

    @Test
    void theRuleDetectsAForbiddenDependency() {
        // The same rule applied to a class that does use java.sql must fail: the rule can fail.
        var offender = new ClassFileImporter().importClasses(UsesJdbc.class);
        var rule = noClasses().should().dependOnClassesThat().resideInAnyPackage(FORBIDDEN);
        assertThat(rule.evaluate(offender).hasViolation()).isTrue();
    }

    static final class UsesJdbc {
        java.sql.Timestamp at() {
            return new java.sql.Timestamp(0);
        }
    }
}
