package dev.creditledger.devstack;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/**
 * Finds free TCP ports on 127.0.0.1 by binding port 0 and closing it. Kafka needs two consecutive
 * ports (the broker and, on the next one, the controller).
 *
 * What can go wrong: another process may take a port between this check and the server's bind (a
 * race no port picker avoids); the server then fails to start and says so in its log. Two calls of
 * {@link #one()} may answer the same port (the first socket is closed before the second binds): a
 * server that needs two ports takes a {@link #pair()}.
 *
 * The one port picker of the project: the embedded broker, the tests, the chaos kit and the benchmark
 * kit all use it.
 */
public final class FreePorts {

    public static final int ATTEMPTS_MAX = 50;

    private FreePorts() {}

    /** A port free on 127.0.0.1 when asked. */
    public static int one() throws IOException {
        try (var socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        }
    }

    /** A port {@code p} such that {@code p} and {@code p + 1} are both free. */
    public static int pair() throws IOException {
        for (int attempt = 0; attempt < ATTEMPTS_MAX; attempt++) {
            int port = one();
            if (port < 65535 && free(port + 1)) {
                return port;
            }
        }
        throw new IOException("no two consecutive free ports found in " + ATTEMPTS_MAX + " attempts (ATTEMPTS_MAX)");
    }

    static boolean free(int port) {
        try (var socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
