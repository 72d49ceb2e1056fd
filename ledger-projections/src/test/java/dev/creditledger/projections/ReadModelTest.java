package dev.creditledger.projections;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ReadModelTest {

    @Test
    void everyModelIsFoundByItsName() {
        for (var model : ReadModel.values()) {
            assertThat(ReadModel.ofName(model.cliName())).isEqualTo(model);
        }
        assertThat(ReadModel.ofName("daily-balances")).isEqualTo(ReadModel.DAILY_BALANCES);
    }

    @Test
    void anUnknownNameListsTheValidOnes() {
        assertThatThrownBy(() -> ReadModel.ofName("balance"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown read model 'balance': valid names are balances, statements, daily-balances, asset-totals");
        // Names are exact: neither the enum constant nor another case is accepted.
        assertThatThrownBy(() -> ReadModel.ofName("DAILY_BALANCES")).hasMessageContaining("valid names are");
        assertThatThrownBy(() -> ReadModel.ofName("Balances")).hasMessageContaining("valid names are");
        assertThatThrownBy(() -> ReadModel.ofName("")).hasMessageContaining("valid names are");
        assertThatThrownBy(() -> ReadModel.ofName(null)).isInstanceOf(IllegalArgumentException.class);
    }
}
