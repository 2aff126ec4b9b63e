package io.maskgate.service.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.env.EnvironmentPostProcessor;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.Environment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.util.StringUtils;

/**
 * HTTPS for the console and API from a configured PKCS#12 key store: {@code maskgate.https.key-store}
 * ({@code MASKGATE_HTTPS_KEYSTORE}) with its password from {@code maskgate.https.key-store-password}
 * ({@code MASKGATE_HTTPS_KEYSTORE_PASSWORD}) or a file ({@code maskgate.https.key-store-password-file},
 * {@code MASKGATE_HTTPS_KEYSTORE_PASSWORD_FILE}) become Spring Boot's {@code server.ssl.*}; the port then speaks
 * HTTPS only. Nothing set: plain HTTP (the demo, bound to 127.0.0.1), which {@link ProductionReadiness} refuses in
 * production unless {@code maskgate.https.behind-tls-proxy} says a TLS-terminating proxy is in front.
 */
public class HttpsSettings implements EnvironmentPostProcessor, Ordered {

    public static final String KEY_STORE = "maskgate.https.key-store";

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment env, SpringApplication application) {
        String keyStore = env.getProperty(KEY_STORE);
        if (!StringUtils.hasText(keyStore)) {
            return;
        }
        if (!Files.isReadable(Path.of(keyStore))) {
            throw new ProductionReadiness.NotReadyException("HTTPS key store " + keyStore
                    + " (MASKGATE_HTTPS_KEYSTORE) is missing or unreadable");
        }
        Map<String, Object> ssl = new HashMap<>();
        ssl.put("server.ssl.enabled", "true");
        ssl.put("server.ssl.key-store", "file:" + Path.of(keyStore).toAbsolutePath());
        ssl.put("server.ssl.key-store-type", env.getProperty("maskgate.https.key-store-type", "PKCS12"));
        String password = password(env);
        if (password != null) {
            ssl.put("server.ssl.key-store-password", password);
        }
        String alias = env.getProperty("maskgate.https.key-alias");
        if (StringUtils.hasText(alias)) {
            ssl.put("server.ssl.key-alias", alias);
        }
        env.getPropertySources().addFirst(new MapPropertySource("maskgate-https", ssl));
    }

    private static String password(Environment env) {
        String file = env.getProperty("maskgate.https.key-store-password-file");
        if (StringUtils.hasText(file)) {
            try {
                return Files.readString(Path.of(file), StandardCharsets.UTF_8).strip();
            } catch (IOException e) {
                throw new UncheckedIOException("HTTPS key store password file " + file + " unreadable", e);
            }
        }
        String password = env.getProperty("maskgate.https.key-store-password");
        return StringUtils.hasText(password) ? password : null;
    }

    /** True when the console and API are served over HTTPS by this process. */
    public static boolean httpsConfigured(Environment env) {
        return StringUtils.hasText(env.getProperty(KEY_STORE)) || StringUtils.hasText(env.getProperty(
                "server.ssl.key-store")) || StringUtils.hasText(env.getProperty("server.ssl.bundle"));
    }

    /** After the configuration files (their ${ENV} placeholders), before {@link ProductionReadiness}. */
    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE - 10;
    }
}
