package dev.creditledger.bench.stack;

import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The service under test and how the kit reaches it: the HTTP base URL, the gRPC target (when known), the operator key, the
 * journal database (JDBC URL and credentials) and, when known, the server JVM's pid (for RSS and CPU).
 * Closing stops it if the kit started it.
 */
public interface Stack extends AutoCloseable {

    String baseUrl();

    /** The gRPC API's {@code host:port}: the kit's own stack always has one; an external stack has one when given {@code --grpc-target}. */
    Optional<String> grpcTarget();

    String adminKey();

    String dbUrl();

    String dbUser();

    String dbPassword();

    OptionalLong serverPid();

    /** How the stack was started or reached, for the report. */
    Map<String, Object> describe();

    @Override
    void close();
}
