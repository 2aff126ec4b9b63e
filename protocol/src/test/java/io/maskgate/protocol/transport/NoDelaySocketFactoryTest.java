package io.maskgate.protocol.transport;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import javax.net.SocketFactory;
import org.junit.jupiter.api.Test;

class NoDelaySocketFactoryTest {

    @Test
    void everyWayOfMakingASocketTurnsNagleOff() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            int port = server.getLocalPort();
            InetAddress lo = InetAddress.getLoopbackAddress();
            // the JDK default leaves Nagle on, so the checks below are not vacuous
            try (Socket plain = SocketFactory.getDefault().createSocket(lo, port)) {
                assertFalse(plain.getTcpNoDelay());
            }
            SocketFactory f = NoDelaySocketFactory.get();
            try (Socket unconnected = f.createSocket()) {
                unconnected.connect(new InetSocketAddress(lo, port)); // how Paho uses it
                assertTrue(unconnected.getTcpNoDelay());
            }
            try (Socket s = f.createSocket("127.0.0.1", port)) {
                assertTrue(s.getTcpNoDelay());
            }
            try (Socket s = f.createSocket(lo, port)) {
                assertTrue(s.getTcpNoDelay());
            }
            try (Socket s = f.createSocket(lo, port, lo, 0)) {
                assertTrue(s.getTcpNoDelay());
            }
            try (Socket s = f.createSocket("127.0.0.1", port, lo, 0)) {
                assertTrue(s.getTcpNoDelay());
            }
        }
    }
}
