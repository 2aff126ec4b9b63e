package io.maskgate.protocol.transport;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Collection;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;

/**
 * TLS for MQTT clients (Paho's {@code ssl://} urls with {@code setSocketFactory}): the broker's certificate must
 * chain to the given CA (PEM, e.g. the one {@code deploy/mosquitto/make-certs.sh} makes), optionally with a client
 * certificate from a PKCS#12 key store. The host name is checked by Paho (https host name verification, on by
 * default). Sockets come with Nagle's algorithm off, like {@link NoDelaySocketFactory}.
 */
public final class TlsSocketFactories {

    private TlsSocketFactories() {
    }

    /**
     * @param caPem            PEM file with the CA certificate(s) to trust; null: the JVM's default trust store
     * @param clientKeyStore   PKCS#12 file with a client certificate and key; null: none
     * @param keyStorePassword its password (may be null)
     */
    public static SSLSocketFactory create(Path caPem, Path clientKeyStore, char[] keyStorePassword) {
        try {
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            if (caPem != null) {
                KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
                trust.load(null, null);
                Collection<? extends Certificate> cas;
                try (InputStream in = Files.newInputStream(caPem)) {
                    cas = CertificateFactory.getInstance("X.509").generateCertificates(in);
                }
                if (cas.isEmpty()) {
                    throw new IllegalArgumentException("no certificate in " + caPem);
                }
                int i = 0;
                for (Certificate ca : cas) {
                    trust.setCertificateEntry("ca-" + i++, ca);
                }
                tmf.init(trust);
            } else {
                tmf.init((KeyStore) null);
            }
            KeyManagerFactory kmf = null;
            if (clientKeyStore != null) {
                KeyStore keys = KeyStore.getInstance("PKCS12");
                try (InputStream in = Files.newInputStream(clientKeyStore)) {
                    keys.load(in, keyStorePassword);
                }
                kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(keys, keyStorePassword);
            }
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
            return new NoDelay(context.getSocketFactory());
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot set up TLS (CA " + caPem + ", client key store "
                    + clientKeyStore + "): " + e.getMessage(), e);
        }
    }

    /** Delegates to the TLS socket factory and turns Nagle's algorithm off on every socket. */
    private static final class NoDelay extends SSLSocketFactory {
        private final SSLSocketFactory delegate;

        NoDelay(SSLSocketFactory delegate) {
            this.delegate = delegate;
        }

        private static Socket noDelay(Socket s) throws IOException {
            s.setTcpNoDelay(true);
            return s;
        }

        @Override
        public String[] getDefaultCipherSuites() {
            return delegate.getDefaultCipherSuites();
        }

        @Override
        public String[] getSupportedCipherSuites() {
            return delegate.getSupportedCipherSuites();
        }

        @Override
        public Socket createSocket(Socket s, String host, int port, boolean autoClose) throws IOException {
            return noDelay(delegate.createSocket(s, host, port, autoClose));
        }

        @Override
        public Socket createSocket() throws IOException {
            return noDelay(delegate.createSocket());
        }

        @Override
        public Socket createSocket(String host, int port) throws IOException {
            return noDelay(delegate.createSocket(host, port));
        }

        @Override
        public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
            return noDelay(delegate.createSocket(host, port, localHost, localPort));
        }

        @Override
        public Socket createSocket(InetAddress host, int port) throws IOException {
            return noDelay(delegate.createSocket(host, port));
        }

        @Override
        public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
                throws IOException {
            return noDelay(delegate.createSocket(address, port, localAddress, localPort));
        }
    }
}
