package io.maskgate.service.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.maskgate.service.MaskGateApplication;
import io.maskgate.service.mqtt.MqttGateway;
import io.maskgate.service.security.Role;
import io.maskgate.service.security.UserAccounts;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * HTTPS for the console and API from a key store made by {@code deploy/mosquitto/make-certs.sh --https}: the
 * service answers an authenticated API call over TLS, verified against the generated CA (host name included), with
 * HSTS; a client that does not trust that CA is refused; plain HTTP on the same port gets no API answer.
 */
class HttpsIT {

    private static final String RUN = ItInfrastructure.RUN;

    @Test
    void apiAndConsoleOverHttpsFromTheConfiguredKeyStore() throws Exception {
        Path certs = Files.createTempDirectory("maskgate-https-");
        String storePassword = "ks-" + RUN;
        ProcessBuilder pb = new ProcessBuilder("bash", DeployMosquitto.ROOT.resolve("deploy/mosquitto/make-certs.sh")
                .toString(), "--out", certs.toString(), "--https", "localhost").redirectErrorStream(true);
        pb.environment().put("MASKGATE_HTTPS_KEYSTORE_PASSWORD", storePassword);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(out).isZero();
        Path passwordFile = certs.resolve("https.password");
        Files.writeString(passwordFile, storePassword + "\n");

        String clientId = "maskgate-https-" + RUN;
        Map<String, Object> props = ServiceContexts.props("https_" + RUN, clientId, "https" + RUN);
        props.put("server.port", "0");
        props.put("server.address", "127.0.0.1");
        props.put("maskgate.https.key-store", certs.resolve("https.p12").toString());
        props.put("maskgate.https.key-store-password-file", passwordFile.toString());
        String[] args = props.entrySet().stream().map(e -> "--" + e.getKey() + "=" + e.getValue())
                .toArray(String[]::new);
        try (ConfigurableApplicationContext service = new SpringApplicationBuilder(MaskGateApplication.class)
                .web(WebApplicationType.SERVLET).run(args)) {
            assertThat(service.getBean(MqttGateway.class).awaitSubscribed(30_000)).isTrue();
            int port = Integer.parseInt(service.getEnvironment().getProperty("local.server.port"));
            String user = "https-admin-" + RUN;
            service.getBean(UserAccounts.class).create(user, "https-it-password", Role.ADMIN);
            String basic = "Basic " + Base64.getEncoder().encodeToString((user + ":https-it-password")
                    .getBytes(StandardCharsets.UTF_8));

            HttpClient trusting = HttpClient.newBuilder().sslContext(trusting(certs.resolve("ca.crt")))
                    .connectTimeout(Duration.ofSeconds(10)).build();
            HttpResponse<String> doors = trusting.send(HttpRequest.newBuilder(
                            URI.create("https://localhost:" + port + "/api/doors")).header("Authorization", basic)
                    .GET().build(), HttpResponse.BodyHandlers.ofString());
            assertThat(doors.statusCode()).as(doors.body()).isEqualTo(200);
            assertThat(doors.body()).startsWith("[");
            assertThat(doors.headers().firstValue("Strict-Transport-Security")).as("HSTS over HTTPS").isPresent();
            HttpResponse<String> anonymous = trusting.send(HttpRequest.newBuilder(
                    URI.create("https://localhost:" + port + "/api/doors")).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(anonymous.statusCode()).isEqualTo(401);
            HttpResponse<String> login = trusting.send(HttpRequest.newBuilder(
                    URI.create("https://localhost:" + port + "/login")).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(login.statusCode()).as("console login page over HTTPS").isEqualTo(200);

            // the JVM's default trust store does not know the generated CA: the handshake fails
            HttpClient untrusting = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
            Throwable refused = null;
            try {
                untrusting.send(HttpRequest.newBuilder(URI.create("https://localhost:" + port + "/api/doors"))
                        .GET().build(), HttpResponse.BodyHandlers.ofString());
            } catch (IOException e) {
                refused = e;
            }
            assertThat(refused).as("a client that cannot verify the server certificate").isNotNull();
            assertThat(causes(refused)).anyMatch(t -> t instanceof SSLHandshakeException);

            // plain HTTP on the HTTPS port: no API answer (Tomcat answers 400 or the connection is dropped)
            HttpClient plain = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
            try {
                HttpResponse<String> r = plain.send(HttpRequest.newBuilder(
                                URI.create("http://127.0.0.1:" + port + "/api/doors")).header("Authorization", basic)
                        .GET().build(), HttpResponse.BodyHandlers.ofString());
                assertThat(r.statusCode()).as("plain HTTP is not served").isEqualTo(400);
                assertThat(r.body()).doesNotStartWith("[");
            } catch (IOException expected) {
                // connection closed: also not served
            }
        }
    }

    private static List<Throwable> causes(Throwable t) {
        java.util.ArrayList<Throwable> out = new java.util.ArrayList<>();
        for (Throwable c = t; c != null && !out.contains(c); c = c.getCause()) {
            out.add(c);
        }
        return out;
    }

    private static SSLContext trusting(Path caFile) throws Exception {
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(caFile)) {
            trust.setCertificateEntry("maskgate-ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }
}
