package dev.creditledger.bench.load;

import java.io.IOException;

/** One client of a load loop, used by one thread: performs operations on its own connection. */
public interface LoadClient extends AutoCloseable {

    /** Performs one operation and fills in its outcome. */
    void execute(OpOutcome outcome);

    /** Opens the connection before the clock starts, so connecting is not counted in the first latency. */
    default void connect() throws IOException {}

    /** Sockets opened so far (HTTP keep-alive connections are closed by the server every so many requests). */
    default long socketsOpened() {
        return 0;
    }

    @Override
    void close();
}
