package dev.creditledger.server.console;

import dev.creditledger.postgres.EngineListener;
import java.util.List;

/**
 * Several engine listeners as one: the engine takes a single listener, and the server feeds both the metrics and
 * the console's {@link RecentBatches} from it. Each callback goes to every listener in order.
 */
public final class EngineListeners implements EngineListener {

    private final List<EngineListener> listeners;

    public EngineListeners(List<EngineListener> listeners) {
        this.listeners = List.copyOf(listeners);
    }

    @Override
    public void batchCommitted(int submissions, int commands, long durationNanos) {
        listeners.forEach(l -> l.batchCommitted(submissions, commands, durationNanos));
    }

    @Override
    public void batchFailed(int submissions, int commands, Throwable cause) {
        listeners.forEach(l -> l.batchFailed(submissions, commands, cause));
    }

    @Override
    public void batchRetried(int submissions, int commands, int attempt, Throwable cause) {
        listeners.forEach(l -> l.batchRetried(submissions, commands, attempt, cause));
    }
}
