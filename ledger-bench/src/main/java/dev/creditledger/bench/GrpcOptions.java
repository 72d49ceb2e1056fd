package dev.creditledger.bench;

/**
 * The options of the gRPC workloads, kept together rather than as three more components of {@link BenchOptions}.
 *
 * @param target         {@code --grpc-target host:port} of an external stack; null for the kit's own stack (whose port
 *                       the kit picks) or when an external stack is run without gRPC workloads
 * @param streamClients  {@code grpc-stream}: concurrent StreamTransfers calls
 * @param streamInFlight {@code grpc-stream}: requests each stream keeps sent and unanswered, 1 to
 *                       {@link BenchDefaults#STREAM_IN_FLIGHT_MAX}
 */
public record GrpcOptions(String target, int streamClients, int streamInFlight) {

    public GrpcOptions {
        if (streamClients < 1) {
            throw new IllegalArgumentException("--stream-clients is above 0, got " + streamClients);
        }
        if (streamInFlight < 1 || streamInFlight > BenchDefaults.STREAM_IN_FLIGHT_MAX) {
            throw new IllegalArgumentException("--stream-in-flight is 1 to STREAM_IN_FLIGHT_MAX " + BenchDefaults.STREAM_IN_FLIGHT_MAX
                    + " (the server's limit of unanswered requests per stream), got " + streamInFlight);
        }
        if (target != null && !GrpcTarget.valid(target)) {
            throw new IllegalArgumentException("--grpc-target is host:port, got '" + target + "'");
        }
    }
}
