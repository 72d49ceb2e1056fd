package dev.creditledger.server.api;

import dev.creditledger.postgres.SagaStore;
import dev.creditledger.server.auth.Caller;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.UUID;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestAttribute;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** Sagas (ADR 0021): a transfer between ledgers as it stands, every step with its attempts and the entry it wrote. */
@RestController
@RequestMapping("/v1/sagas")
@Tag(name = "Transfers")
public class SagasController {

    private final SagaStore sagas;

    public SagasController(SagaStore sagas) {
        this.sagas = sagas;
    }

    @GetMapping("/{sagaId}")
    @Operation(summary = "A saga: its status and every step (the source ledger's keys, or the operator key)",
            description = "status PENDING, COMPLETED, COMPENSATING, COMPENSATED or FAILED; each step (RESERVE, CREDIT, CAPTURE, VOID) "
                    + "with its state (PENDING, DONE, REFUSED), attempts, first and last attempt, and the entry it wrote on which ledger.")
    public Responses.SagaJson saga(@Parameter(hidden = true) @RequestAttribute(Caller.ATTRIBUTE) Caller caller, @PathVariable UUID sagaId) {
        var saga = caller.operator() ? sagas.findAnywhere(sagaId) : sagas.find(caller.ledgerId(), sagaId);
        return saga.map(Responses.SagaJson::of).orElseThrow(() -> ApiException.of(ApiError.NOT_FOUND, "saga " + sagaId + " does not exist"));
    }
}
