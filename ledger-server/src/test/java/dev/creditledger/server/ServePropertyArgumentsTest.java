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
}
