package dev.creditledger.chaos;

import java.nio.file.Path;
import java.time.Duration;

/**
 * The sizes of one run of the fault kit. {@link #reduced} is what {@code ./ledger test} runs: every fault
 * once or twice, every check of the checker. {@link #full} is what {@code ./ledger chaos} runs and what
 * docs/reliability.md reports: twenty kills in a row and longer outages, more clients.
 *
 * @param size               the name of the size, for the report
 * @param kills              times the service is killed with SIGKILL under load and started again
 * @param upBeforeKillMin    least time the service runs under load before a kill
 * @param upBeforeKillMax    most time the service runs under load before a kill (the moment is random in between)
 * @param clients            clients of the recording load during the fault runs
 * @param wallets            noOverdraft wallets the fault runs' load moves money between
 * @param postgresDown       how long PostgreSQL stays stopped under load
 * @param kafkaDown          how long Kafka stays stopped under load
 * @param raceClients        clients of the race run, all on {@link #raceWallets} wallets
 * @param raceWallets        wallets of the race run
 * @param raceDuration       how long the race run lasts
 * @param serverJar          ledger-server-exec.jar, started as a user starts it
 * @param workDir            where the kit keeps PostgreSQL's and Kafka's data, the service logs and the report
 * @param seed               the seed of every random choice of the load and of the kill moments
 */
public record ChaosSettings(String size, int kills, Duration upBeforeKillMin, Duration upBeforeKillMax, int clients, int wallets,
                            Duration postgresDown, Duration kafkaDown, int raceClients, int raceWallets, Duration raceDuration,
                            Path serverJar, Path workDir, long seed) {

    public static final int KILLS_MAX = 1_000;
    public static final int CLIENTS_MAX = 256;

    public ChaosSettings {
        if (kills < 1 || kills > KILLS_MAX) {
            throw new IllegalArgumentException("kills must be 1 to KILLS_MAX " + KILLS_MAX + ", got " + kills);
        }
        if (clients < 1 || clients > CLIENTS_MAX || raceClients < 1 || raceClients > CLIENTS_MAX) {
            throw new IllegalArgumentException("clients must be 1 to CLIENTS_MAX " + CLIENTS_MAX);
        }
        if (wallets < 2 || raceWallets < 2) {
            throw new IllegalArgumentException("a run needs at least two wallets to move money between");
        }
        if (upBeforeKillMax.compareTo(upBeforeKillMin) < 0) {
            throw new IllegalArgumentException("upBeforeKillMax is below upBeforeKillMin");
        }
    }

    /**
     * What {@code ./ledger test} runs. PostgreSQL stays down longer than the pool's connection timeout (5 s), so
     * requests waiting for a connection are answered 503 before it comes back.
     */
    public static ChaosSettings reduced(Path serverJar, Path workDir, long seed) {
        return new ChaosSettings("reduced", 2, Duration.ofSeconds(2), Duration.ofSeconds(4), 8, 6, Duration.ofSeconds(8),
                Duration.ofSeconds(5), 24, 3, Duration.ofSeconds(8), serverJar, workDir, seed);
    }

    /** What {@code ./ledger chaos} runs. */
    public static ChaosSettings full(Path serverJar, Path workDir, long seed) {
        return new ChaosSettings("full", 20, Duration.ofSeconds(3), Duration.ofSeconds(10), 16, 8, Duration.ofSeconds(10),
                Duration.ofSeconds(15), 64, 4, Duration.ofSeconds(60), serverJar, workDir, seed);
    }

    /** The size named by {@code ledger.chaos.size} ({@code reduced} unless {@code full}), kills by {@code ledger.chaos.kills}. */
    public static ChaosSettings fromSystemProperties() {
        var jar = Path.of(System.getProperty("ledger.chaos.server-jar", "ledger-server/target/ledger-server-exec.jar"));
        var workDir = Path.of(System.getProperty("ledger.chaos.work-dir", "target/chaos"));
        long seed = Long.getLong("ledger.chaos.seed", System.nanoTime());
        var chosen = "full".equals(System.getProperty("ledger.chaos.size")) ? full(jar, workDir, seed) : reduced(jar, workDir, seed);
        var kills = Integer.getInteger("ledger.chaos.kills");
        return kills == null ? chosen : chosen.withKills(kills);
    }

    public ChaosSettings withKills(int newKills) {
        return new ChaosSettings(size, newKills, upBeforeKillMin, upBeforeKillMax, clients, wallets, postgresDown, kafkaDown,
                raceClients, raceWallets, raceDuration, serverJar, workDir, seed);
    }
}
