package dev.creditledger.server;

import io.swagger.v3.oas.annotations.OpenAPIDefinition;
import io.swagger.v3.oas.annotations.enums.SecuritySchemeType;
import io.swagger.v3.oas.annotations.info.Info;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.security.SecurityScheme;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;

/**
 * The Spring Boot application and its API document's header. Its beans are in configurations by concern:
 * <ul>
 *   <li>{@link JournalConfiguration}: the posting engine (migrations first), queries, admin, verifier, closes;</li>
 *   <li>{@link WebConfiguration}: the HTTP and gRPC APIs' gateway, auth and rate limits, filters, strict JSON;</li>
 *   <li>{@link EventsConfiguration}: the event relay and projector, the read models' database, read-your-writes;</li>
 *   <li>{@link SchedulingConfiguration}: the worker's schedules (expiry, closes, reconciliation, purge) and the
 *       event metrics' refresh.</li>
 * </ul>
 * Which of them run is decided by the process's {@link Role}s. How the databases and Kafka are reached
 * (embedded for {@code ledger dev}, external for {@code ledger serve}) is decided by {@link LedgerMain}
 * through ordinary Spring properties.
 */
@SpringBootApplication
@EnableConfigurationProperties(LedgerProperties.class)
@OpenAPIDefinition(info = @Info(title = "Credit Ledger API", version = "v1",
        description = "A double-entry ledger for credits, wallets, escrow and loyalty points. Amounts are integers in the "
                + "asset's minor unit. Every write accepts an Idempotency-Key."),
        security = @SecurityRequirement(name = "apiKey"))
@SecurityScheme(name = "apiKey", type = SecuritySchemeType.HTTP, scheme = "bearer", description = "An API key of a ledger, or the operator key for /v1/admin")
public class LedgerApplication {
}
