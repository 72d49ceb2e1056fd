package dev.creditledger.bench;

/** Checks a {@code host:port} gRPC target: a non-empty host (an IPv6 literal in brackets) and a port of 1 to 65535. */
final class GrpcTarget {
    private GrpcTarget() {}

    static boolean valid(String target) {
        int colon = target.lastIndexOf(':');
        if (colon <= 0 || colon == target.length() - 1) {
            return false;
        }
        try {
            int port = Integer.parseInt(target.substring(colon + 1));
            return port >= 1 && port <= 65_535;
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
