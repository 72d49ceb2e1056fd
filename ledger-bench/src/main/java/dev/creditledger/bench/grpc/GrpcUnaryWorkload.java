package dev.creditledger.bench.grpc;

import dev.creditledger.bench.load.Accounts;
import dev.creditledger.bench.load.Workload;
import java.util.List;

/**
 * {@code grpc-unary}: {@code random} over gRPC. Each client makes one blocking {@code Transfers.CreateTransfer} call
 * at a time ({@link GrpcUnaryClient}), so the closed and open loops drive it exactly as they drive HTTP clients.
 * One transfer is one journal entry.
 */
public record GrpcUnaryWorkload(Accounts accounts) implements Workload {

    @Override
    public String name() {
        return "grpc-unary";
    }

    @Override
    public List<String> series() {
        return List.of("transfer");
    }

    @Override
    public String unit() {
        return "transfers";
    }
}
