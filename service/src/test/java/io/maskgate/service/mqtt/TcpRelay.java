package io.maskgate.service.mqtt;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A loopback TCP relay in front of the broker, so a test can cut the service's connection (every relayed socket
 * closed, new connects refused) and restore it on the same port, like a broker outage.
 */
final class TcpRelay implements AutoCloseable {

    private final String targetHost;
    private final int targetPort;
    private final int port;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private volatile ServerSocket server;

    TcpRelay(String brokerUrl) throws IOException {
        URI uri = URI.create(brokerUrl);
        this.targetHost = uri.getHost();
        this.targetPort = uri.getPort();
        ServerSocket s = bind(0);
        this.port = s.getLocalPort();
        serve(s);
    }

    String url() {
        return "tcp://127.0.0.1:" + port;
    }

    /** Outage: closes every relayed connection and refuses new ones. */
    synchronized void cut() throws IOException {
        ServerSocket s = server;
        server = null;
        if (s != null) {
            s.close();
        }
        for (Socket socket : sockets) {
            socket.close();
        }
        sockets.clear();
    }

    /** The broker is reachable again on the same port. */
    synchronized void restore() throws IOException {
        if (server == null) {
            serve(bind(port));
        }
    }

    @Override
    public void close() throws IOException {
        cut();
    }

    private static ServerSocket bind(int port) throws IOException {
        ServerSocket s = new ServerSocket();
        s.setReuseAddress(true);
        s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        return s;
    }

    private void serve(ServerSocket s) {
        server = s;
        Thread acceptor = new Thread(() -> {
            while (!s.isClosed()) {
                try {
                    Socket client = s.accept();
                    Socket upstream = new Socket(targetHost, targetPort);
                    sockets.add(client);
                    sockets.add(upstream);
                    pump(client, upstream);
                    pump(upstream, client);
                } catch (IOException e) {
                    // closed by cut()
                }
            }
        }, "tcp-relay-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    private static void pump(Socket from, Socket to) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[8192];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buf)) >= 0) {
                    out.write(buf, 0, n);
                    out.flush();
                }
            } catch (IOException e) {
                // connection cut
            } finally {
                try {
                    from.close();
                    to.close();
                } catch (IOException ignored) {
                    // already closed
                }
            }
        }, "tcp-relay-pump");
        t.setDaemon(true);
        t.start();
    }
}
