package dev.creditledger.server.grpc;

import dev.creditledger.grpc.v1.AccountsGrpc;
import dev.creditledger.grpc.v1.GetBalanceRequest;
import dev.creditledger.grpc.v1.GetBalanceResponse;
import dev.creditledger.grpc.v1.GetStatementRequest;
import dev.creditledger.grpc.v1.GetStatementResponse;
import dev.creditledger.server.api.AccountReads;
import io.grpc.stub.StreamObserver;
import java.util.function.Supplier;

/**
 * The ledger.v1 Accounts service: an account's balance and statement, read by {@link AccountReads} as the HTTP
 * API reads them (the same paging limits, cursors and answers), on the call's own (virtual) thread.
 */
final class AccountsService extends AccountsGrpc.AccountsImplBase {

    private final AccountReads reads;

    AccountsService(AccountReads reads) {
        this.reads = reads;
    }

    @Override
    public void getBalance(GetBalanceRequest request, StreamObserver<GetBalanceResponse> out) {
        var call = CallContext.current();
        answer(out, () -> {
            GrpcMessages.known(request);
            var accountId = GrpcMessages.accountId(request.getAccountId());
            var asOf = GrpcMessages.instant(request.hasAsOf(), request.getAsOf(), "as_of");
            return GrpcMessages.balance(reads.balance(call.ledgerId(), accountId, asOf));
        });
    }

    @Override
    public void getStatement(GetStatementRequest request, StreamObserver<GetStatementResponse> out) {
        var call = CallContext.current();
        answer(out, () -> {
            GrpcMessages.known(request);
            var accountId = GrpcMessages.accountId(request.getAccountId());
            var from = GrpcMessages.instant(request.hasFrom(), request.getFrom(), "from");
            var to = GrpcMessages.instant(request.hasTo(), request.getTo(), "to");
            var page = reads.statement(call.ledgerId(), accountId, from, to, request.getCursor().isEmpty() ? null : request.getCursor(),
                    request.hasLimit() ? request.getLimit() : null);
            return GrpcMessages.statement(page);
        });
    }

    private static <T> void answer(StreamObserver<T> out, Supplier<T> read) {
        T answer;
        try {
            answer = read.get();
        } catch (RuntimeException failure) {
            out.onError(GrpcProblems.exception(failure));
            return;
        }
        out.onNext(answer);
        out.onCompleted();
    }
}
