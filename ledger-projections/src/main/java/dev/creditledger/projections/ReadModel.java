package dev.creditledger.projections;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The read models the projector maintains. Each has a stable name used on the command line, in
 * {@code model_progress.read_model} and in metrics; renaming one would lose its progress and break the
 * command lines and dashboards that name it.
 */
public enum ReadModel {
    /** Current balances and status per account. */
    BALANCES("balances"),
    /** One line per posting of an account, with the balances after it. */
    STATEMENTS("statements"),
    /** Closing balance per account per UTC day with postings. */
    DAILY_BALANCES("daily-balances"),
    /** Totals per ledger and asset over all accounts. */
    ASSET_TOTALS("asset-totals");

    private final String cliName;

    ReadModel(String cliName) {
        this.cliName = cliName;
    }

    public String cliName() {
        return cliName;
    }

    /** The model with this name; the message of the exception lists the valid names. */
    public static ReadModel ofName(String name) {
        for (var model : values()) {
            if (model.cliName.equals(name)) {
                return model;
            }
        }
        throw new IllegalArgumentException("unknown read model '" + name + "': valid names are "
                + Arrays.stream(values()).map(ReadModel::cliName).collect(Collectors.joining(", ")));
    }
}
