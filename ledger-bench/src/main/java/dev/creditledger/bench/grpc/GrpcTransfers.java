package dev.creditledger.bench.grpc;

import dev.creditledger.bench.load.Accounts;
import dev.creditledger.bench.load.Bodies;
import dev.creditledger.grpc.v1.CreateTransferRequest;
import java.util.SplittableRandom;

/**
 * The gRPC twin of {@code random}'s body: two distinct random accounts, 1 to 100 minor units of USD, the given
 * idempotency key. The same choices in the same order as {@code TransferWorkload.random}, so the two
 * transports carry the same traffic.
 */
public final class GrpcTransfers {
    private GrpcTransfers() {}

    public static CreateTransferRequest random(Accounts accounts, SplittableRandom random, String idempotencyKey) {
        int from = random.nextInt(accounts.size());
        int to = accounts.otherThan(random, from);
        return CreateTransferRequest.newBuilder()
                .setFrom(accounts.id(from))
                .setTo(accounts.id(to))
                .setAmount(Accounts.amount(random))
                .setAsset(Bodies.ASSET)
                .setIdempotencyKey(idempotencyKey)
                .build();
    }
}
