package dev.creditledger.bench.load;

/** Makes client number {@code index} of a loop (its connection, random numbers and key prefix). */
@FunctionalInterface
public interface ClientFactory {
    LoadClient create(int index) throws Exception;
}
