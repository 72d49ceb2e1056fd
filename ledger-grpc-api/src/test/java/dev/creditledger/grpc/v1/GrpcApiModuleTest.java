package dev.creditledger.grpc.v1;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import io.grpc.MethodDescriptor;
import org.junit.jupiter.api.Test;

/**
 * The gRPC API module is the contract only: generated messages and stubs over grpc-java and protobuf, with no
 * Spring, no transport and none of the service's own modules, so a client can depend on it alone. Also pins
 * the full method names that docs/grpc.md and clients use.
 */
class GrpcApiModuleTest {

    static final String[] FORBIDDEN = {"org.springframework..", "jakarta..", "io.grpc.netty..", "dev.creditledger.core..",
            "dev.creditledger.server..", "dev.creditledger.postgres..", "tools.jackson..", "com.fasterxml.."};

    static final JavaClasses API = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.creditledger.grpc.v1");

    @Test
    void theGeneratedClassesAreImported() {
        // Guards the rule below against passing vacuously on an empty import.
        assertThat(API.contain(TransfersGrpc.class)).isTrue();
        assertThat(API.contain(CreateTransferRequest.class)).isTrue();
        assertThat(API.size()).isGreaterThanOrEqualTo(30);
    }

    @Test
    void theContractDependsOnNoFrameworkTransportOrServiceModule() {
        noClasses().that().resideInAPackage("dev.creditledger.grpc.v1..")
                .should().dependOnClassesThat().resideInAnyPackage(FORBIDDEN)
                .because("ledger-grpc-api is the contract a client depends on without the server")
                .check(API);
    }

    @Test
    void theRuleDetectsAForbiddenDependency() {
        // None of FORBIDDEN is on this module's classpath (that is the point), so the same kind of rule is shown to
        // fail on these classes with a package they do use.
        var rule = noClasses().should().dependOnClassesThat().resideInAnyPackage("io.grpc..");
        assertThat(rule.evaluate(API).hasViolation()).isTrue();
    }

    @Test
    void theServicesHaveTheDocumentedMethods() {
        assertThat(TransfersGrpc.getServiceDescriptor().getMethods()).extracting(MethodDescriptor::getFullMethodName)
                .containsExactlyInAnyOrder("ledger.v1.Transfers/CreateTransfer", "ledger.v1.Transfers/CaptureHold",
                        "ledger.v1.Transfers/VoidHold", "ledger.v1.Transfers/StreamTransfers");
        assertThat(TransfersGrpc.getStreamTransfersMethod().getType()).isEqualTo(MethodDescriptor.MethodType.BIDI_STREAMING);
        assertThat(AccountsGrpc.getServiceDescriptor().getMethods()).extracting(MethodDescriptor::getFullMethodName)
                .containsExactlyInAnyOrder("ledger.v1.Accounts/GetBalance", "ledger.v1.Accounts/GetStatement");
    }
}
