package dev.creditledger.server.grpc;

import dev.creditledger.core.Limits;
import dev.creditledger.postgres.ApiKeyRole;
import dev.creditledger.server.api.AccountReads;
import dev.creditledger.server.api.CommandGateway;
import dev.creditledger.server.api.TransferRequests;
import dev.creditledger.server.auth.Authenticator;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * The gRPC API's server (docs/grpc.md): the ledger.v1 Transfers and Accounts services behind the
 * {@link LedgerCallInterceptor} (write and read role) and the {@link ParseGuard}, plus server reflection, on
 * grpc-java's Netty transport at {@code ledger.grpc.port}, for the api role. Messages larger than
 * {@link Limits#GRPC_MESSAGE_BYTES_MAX} are refused by the transport (RESOURCE_EXHAUSTED). Handlers run on virtual
 * threads, one per task, so a unary call may wait for its commit without holding a platform thread.
 *
 * It starts with the application context (after the engine) and stops before it, gracefully: no new calls, the
 * calls in progress get up to {@link #SHUTDOWN_GRACE} to finish (their writes commit, their answers are sent),
 * then the rest are cancelled. What can go wrong: a port already in use fails the service's start, as the HTTP
 * port does.
 */
public final class GrpcServer implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(GrpcServer.class);
    /** How long a stopping server lets calls in progress finish before cancelling them. */
    public static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(10);

    private final int port;
    private final CommandGateway gateway;
    private final TransferRequests transfers;
    private final AccountReads reads;
    private final Authenticator authenticator;
    private ExecutorService executor;
    private volatile Server server;

    /** @param port the port to listen on; 0 serves no gRPC API */
    public GrpcServer(int port, CommandGateway gateway, TransferRequests transfers, AccountReads reads, Authenticator authenticator) {
        this.port = port;
        this.gateway = gateway;
        this.transfers = transfers;
        this.reads = reads;
        this.authenticator = authenticator;
    }

    @Override
    public synchronized void start() {
        if (port == 0 || server != null) {
            return;
        }
        executor = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("ledger-grpc-", 0).factory());
        var transfersService = new TransfersService(gateway, transfers, authenticator, executor);
        try {
            server = NettyServerBuilder.forPort(port)
                    .executor(executor)
                    .maxInboundMessageSize(Limits.GRPC_MESSAGE_BYTES_MAX)
                    .addService(ServerInterceptors.intercept(ParseGuard.guard(transfersService.bindService()),
                            new LedgerCallInterceptor(authenticator, ApiKeyRole.WRITE)))
                    .addService(ServerInterceptors.intercept(ParseGuard.guard(new AccountsService(reads).bindService()),
                            new LedgerCallInterceptor(authenticator, ApiKeyRole.READ)))
                    .addService(ProtoReflectionServiceV1.newInstance())
                    .build().start();
        } catch (IOException e) {
            executor.close();
            throw new UncheckedIOException("the gRPC API cannot listen on port " + port + " (ledger.grpc.port)", e);
        }
        log.info("gRPC API listening on port {}", server.getPort());
    }

    @Override
    public synchronized void stop() {
        var running = server;
        if (running == null) {
            return;
        }
        running.shutdown();
        try {
            if (!running.awaitTermination(SHUTDOWN_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                log.warn("gRPC calls still running after {} s; cancelling them", SHUTDOWN_GRACE.toSeconds());
                running.shutdownNow().awaitTermination(SHUTDOWN_GRACE.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running.shutdownNow();
        } finally {
            stopExecutor();
            server = null;
        }
    }

    /** Handlers still waiting for the engine get the grace, then are interrupted (their calls are closed already). */
    private void stopExecutor() {
        executor.shutdown();
        try {
            if (!executor.awaitTermination(SHUTDOWN_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            executor.shutdownNow();
        }
    }

    @Override
    public boolean isRunning() {
        return server != null;
    }

    /** The port it listens on (the one it was given, or the one the system chose), or 0 when it does not run. */
    public int port() {
        var running = server;
        return running == null ? 0 : running.getPort();
    }
}
