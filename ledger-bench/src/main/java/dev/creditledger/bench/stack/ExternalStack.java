package dev.creditledger.bench.stack;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A stack that is already running ({@code --url --admin-key --db-url [--db-user --db-password]
 * [--server-pid] [--grpc-target]}). The kit never stops it. Without {@code --server-pid} there are no RSS or server
 * CPU figures; with a database on another machine there are no PostgreSQL CPU figures.
 */
public record ExternalStack(String baseUrl, Optional<String> grpcTarget, String adminKey, String dbUrl, String dbUser, String dbPassword, OptionalLong serverPid)
        implements Stack {

    @Override
    public Map<String, Object> describe() {
        var d = new LinkedHashMap<String, Object>();
        d.put("started", "external");
        d.put("url", baseUrl);
        d.put("grpcTarget", grpcTarget.orElse(null));
        d.put("dbUrl", dbUrl);
        d.put("serverPid", serverPid.isPresent() ? serverPid.getAsLong() : null);
        serverPid.ifPresent(pid -> ProcessHandle.of(pid).flatMap(h -> h.info().commandLine())
                .ifPresent(c -> d.put("serverCommand", c)));
        return d;
    }

    @Override
    public void close() {
        // Not ours to stop.
    }
}
