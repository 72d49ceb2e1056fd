package dev.creditledger.devstack;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

/** The port picker answers ports a server can bind, and a pair whose two ports are both free and distinct. */
class FreePortsTest {

    @Test
    void aPairIsTwoConsecutivePortsThatCanBothBeBound() throws Exception {
        for (int i = 0; i < 20; i++) {
            int port = FreePorts.pair();
            var loopback = InetAddress.getLoopbackAddress();
            try (var broker = new ServerSocket(port, 1, loopback);
                    var controller = new ServerSocket(port + 1, 1, loopback)) {
                assertThat(controller.getLocalPort()).isEqualTo(broker.getLocalPort() + 1);
            }
        }
    }

    @Test
    void aPortInUseIsNotFree() throws Exception {
        try (var taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            assertThat(FreePorts.free(taken.getLocalPort())).isFalse();
        }
        assertThat(FreePorts.free(FreePorts.one())).isTrue();
    }
}
