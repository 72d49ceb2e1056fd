package dev.creditledger.devmode;

import dev.creditledger.server.LedgerMain;

/**
 * The developer's executable (ledger-dev-exec.jar): every command of the production jar, plus
 * {@code dev}, which runs the service on an embedded PostgreSQL and Kafka. Only this jar carries them.
 */
public final class DevMain {
    private DevMain() {}

    public static void main(String[] args) {
        LedgerMain.run(commandLine(), args);
    }

    static picocli.CommandLine commandLine() {
        return LedgerMain.commandLine().addSubcommand("dev", new DevCommand());
    }
}
