package dev.creditledger.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code ledger serve --name=value}: every property of the README can be given on the command line; anything else is refused. */
class ServePropertyArgumentsTest {

    @Test
    void propertiesAsNameEqualsValueAreAccepted() {
        var arguments = List.of("--ledger.engine.batchers=4", "--ledger.kafka.replication-factor=1", "--spring.datasource.hikari"
                + ".data-source-properties.options=-c statement_timeout=1000", "--ledger.roles[0]=api", "--ledger.empty=");
        assertThat(LedgerMain.propertyArguments(arguments)).isEqualTo(arguments);
        assertThat(LedgerMain.propertyArguments(null)).isEmpty();
    }

    @Test
    void anythingElseIsRefusedByName() {
        for (var wrong : List.of("--fresh", "fresh=1", "-x=1", "--=1", "--1abc=2", "ledger.engine.batchers=4")) {
            assertThatThrownBy(() -> LedgerMain.propertyArguments(List.of(wrong))).as(wrong)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'" + wrong + "'");
        }
    }

    @Test
    void aGrpcPortOptionBecomesAPropertyArgumentThatRanksAboveTheEnvironment() {
        var arguments = List.of("--ledger.engine.batchers=4");
        assertThat(LedgerMain.withGrpcPort(arguments, null)).isEqualTo(arguments);
        assertThat(LedgerMain.withGrpcPort(arguments, 0)).containsExactly("--ledger.engine.batchers=4", "--ledger.grpc.port=0");
        assertThat(LedgerMain.withGrpcPort(List.of(), 9191)).containsExactly("--ledger.grpc.port=9191");
    }

    @Test
    void theGrpcPortPropertyIsAPortOrZero() {
        assertThat(new LedgerProperties.Grpc(null).port()).isZero();
        assertThat(new LedgerProperties.Grpc(null).enabled()).isFalse();
        assertThat(new LedgerProperties.Grpc(LedgerProperties.Grpc.PORT_MAX).enabled()).isTrue();
        assertThatThrownBy(() -> new LedgerProperties.Grpc(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new LedgerProperties.Grpc(LedgerProperties.Grpc.PORT_MAX + 1)).isInstanceOf(IllegalArgumentException.class);
    }
}
