package dev.creditledger.bench.load;

/** Told when the measured window opens (warm-up over) and closes, so CPU and lag are measured over the same window. */
public interface WindowListener {
    WindowListener NONE = new WindowListener() {
        @Override
        public void opened() {}

        @Override
        public void closed() {}
    };

    void opened();

    void closed();
}
