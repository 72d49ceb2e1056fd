package dev.creditledger.bench.load;

/**
 * Traffic against the service's HTTP API. Implementations are stateless apart from their fixed inputs
 * (the accounts), so one instance serves every client thread; per-client state lives in the
 * {@link ClientContext}.
 */
public interface HttpWorkload extends Workload {

    /** Performs one operation and fills in its outcome. */
    void execute(ClientContext client, OpOutcome outcome);
}
