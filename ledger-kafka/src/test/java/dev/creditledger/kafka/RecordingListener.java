package dev.creditledger.kafka;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/** Remembers what a relay reported. */
final class RecordingListener implements RelayListener {
    final AtomicLong published = new AtomicLong();
    final AtomicLong claimsPublished = new AtomicLong();
    final List<Exception> failures = new CopyOnWriteArrayList<>();

    @Override
    public void published(int events) {
        published.addAndGet(events);
        claimsPublished.incrementAndGet();
    }

    @Override
    public void publishFailed(Exception cause) {
        failures.add(cause);
    }
}
