package dev.creditledger.postgres;

import dev.creditledger.core.EscrowState;
import java.util.Optional;
import java.util.UUID;

/** The escrow of one order, as the engine last wrote it (materialised under the ledger lock, like balances). */
public final class EscrowQueries {

    private final JournalRouter journals;

    public EscrowQueries(JournalRouter journals) {
        this.journals = journals;
    }

    public Optional<EscrowState> escrow(UUID ledgerId, String orderId) {
        return ReadOnly.run(journals.dataSourceFor(ledgerId), connection -> {
            try (var ps = connection.prepareStatement("SELECT " + Rows.ESCROW_COLUMNS + " FROM escrows x WHERE x.ledger_id = ? "
                    + "AND x.order_id = ?")) {
                ps.setObject(1, ledgerId);
                ps.setString(2, orderId);
                try (var rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(Rows.escrow(rs)) : Optional.empty();
                }
            }
        });
    }
}
