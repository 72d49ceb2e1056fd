package dev.creditledger.bench.report;

/** One check after a run: its name, whether it held, and the figures it compared. A failed check fails the invocation. */
public record Check(String name, boolean passed, String detail) {
    public static Check of(String name, boolean passed, String detail) {
        return new Check(name, passed, detail);
    }
}
