package io.maskgate.service.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * docker-compose.yml cannot be run here (no container engine), so this test checks its wiring: the service gets
 * exactly environment keys the service really reads (application.yml placeholders, or Spring Boot properties
 * found in the configuration metadata on the classpath), points at the postgres and mosquitto services, and the
 * files Mosquitto mounts exist and are the ones its config uses.
 */
class ComposeWiringTest {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static Map<String, Object> services;

    @BeforeAll
    @SuppressWarnings("unchecked")
    static void parse() throws IOException {
        Map<String, Object> compose = new Yaml().load(Files.readString(ROOT.resolve("docker-compose.yml")));
        services = (Map<String, Object>) compose.get("services");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> service(String name) {
        Map<String, Object> s = (Map<String, Object>) services.get(name);
        assertThat(s).as("compose service " + name).isNotNull();
        return s;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, String> environment(String name) {
        return (Map<String, String>) service(name).get("environment");
    }

    @Test
    void imagesAreTheAgreedOnes() {
        assertThat((String) service("postgres").get("image")).startsWith("postgres:16");
        assertThat((String) service("mosquitto").get("image")).startsWith("eclipse-mosquitto:2");
        assertThat(service("service").get("build")).isEqualTo(".");
        assertThat(ROOT.resolve("Dockerfile")).exists();
    }

    @Test
    void serviceEnvironmentUsesOnlyKeysTheServiceReads() throws IOException {
        Set<String> placeholders = new HashSet<>();
        String yml = Files.readString(Path.of("src/main/resources/application.yml"));
        Matcher m = Pattern.compile("\\$\\{([A-Z0-9_]+)[:}]").matcher(yml);
        while (m.find()) {
            placeholders.add(m.group(1));
        }
        Set<String> bootProperties = springBootPropertyNames();
        for (String key : environment("service").keySet()) {
            boolean read = placeholders.contains(key)
                    || bootProperties.contains(key.toLowerCase().replace('_', '.'));
            assertThat(read).as("environment key %s is read by the service", key).isTrue();
        }
    }

    @Test
    void serviceIsWiredToPostgresAndMosquitto() {
        Map<String, String> env = environment("service");
        Map<String, String> pg = environment("postgres");
        assertThat(env.get("SPRING_DATASOURCE_URL")).isEqualTo("jdbc:postgresql://postgres:5432/" + pg.get("POSTGRES_DB"));
        assertThat(env.get("SPRING_DATASOURCE_USERNAME")).isEqualTo(pg.get("POSTGRES_USER"));
        assertThat(env.get("SPRING_DATASOURCE_PASSWORD")).isEqualTo(pg.get("POSTGRES_PASSWORD"));
        // TLS to the broker, verified against the CA made by deploy/mosquitto/make-certs.sh
        assertThat(env.get("MASKGATE_MQTT_URL")).isEqualTo("ssl://mosquitto:8883");
        assertThat(env.get("MASKGATE_MQTT_CA_FILE")).isNotBlank();
        // with a configured database the service refuses to start without a master key
        assertThat(env).containsKeys("MASKGATE_MASTER_KEY", "MASKGATE_MQTT_USERNAME", "MASKGATE_MQTT_PASSWORD");
        assertThat(env.values()).as("no secret literals").noneMatch(v -> v != null && v.toLowerCase().contains("changeme"));
        @SuppressWarnings("unchecked")
        Map<String, Object> dependsOn = (Map<String, Object>) service("service").get("depends_on");
        assertThat(dependsOn).containsKeys("postgres", "mosquitto");
    }

    @Test
    @SuppressWarnings("unchecked")
    void mosquittoMountsExistAndMatchItsConfig() throws IOException {
        List<String> volumes = (List<String>) service("mosquitto").get("volumes");
        Set<String> mountedInContainer = new HashSet<>();
        Set<String> namedVolumes = new HashSet<>();
        Path conf = null;
        for (String volume : volumes) {
            String[] parts = volume.split(":");
            if (!parts[0].startsWith("./")) {
                namedVolumes.add(parts[1]); // named volume
                continue;
            }
            Path host = ROOT.resolve(parts[0]).normalize();
            if (host.equals(ROOT.resolve("deploy/mosquitto/certs"))) {
                // generated, never committed: made by the documented script
                assertThat(ROOT.resolve("deploy/mosquitto/make-certs.sh")).isRegularFile();
                mountedInContainer.add(parts[1]);
                continue;
            }
            assertThat(host).as("mounted file " + parts[0]).isRegularFile();
            mountedInContainer.add(parts[1]);
            if (parts[1].endsWith("mosquitto.conf")) {
                conf = host;
            }
        }
        assertThat(conf).as("mosquitto.conf mounted").isNotNull();
        String config = Files.readString(conf);
        assertThat(config).contains("allow_anonymous false");
        Matcher files = Pattern.compile("(?m)^(password_file|acl_file)\\s+(\\S+)").matcher(config);
        Set<String> kinds = new HashSet<>();
        while (files.find()) {
            kinds.add(files.group(1));
            assertThat(mountedInContainer).as(files.group(1) + " is mounted").contains(files.group(2));
        }
        Matcher plugin = Pattern.compile("(?m)^plugin\\s+(\\S+)$").matcher(config);
        if (plugin.find()) {
            // dynamic security: the service provisions the clients (it must be told to), the plugin's file lives
            // on the data volume (the plugin writes it on every change), no password or ACL file besides
            assertThat(plugin.group(1)).endsWith("mosquitto_dynamic_security.so");
            Matcher file = Pattern.compile("(?m)^plugin_opt_config_file\\s+(\\S+)$").matcher(config);
            assertThat(file.find()).as("plugin_opt_config_file").isTrue();
            assertThat(namedVolumes.stream().anyMatch(v -> file.group(1).startsWith(v + "/")))
                    .as(file.group(1) + " is on a named (writable) volume").isTrue();
            assertThat(environment("service").get("MASKGATE_MQTT_DYNSEC")).isEqualTo("true");
            assertThat(kinds).as("no password/acl file beside the plugin").isEmpty();
            assertThat(ROOT.resolve("deploy/mosquitto/dynsec-init.sh")).isRegularFile();
        } else {
            assertThat(kinds).containsExactlyInAnyOrder("password_file", "acl_file");
        }
        Matcher tls = Pattern.compile("(?m)^(cafile|certfile|keyfile)\\s+(\\S+)").matcher(config);
        Set<String> tlsKinds = new HashSet<>();
        while (tls.find()) {
            tlsKinds.add(tls.group(1));
            assertThat(mountedInContainer.stream().anyMatch(m -> tls.group(2).startsWith(m + "/")))
                    .as(tls.group(1) + " " + tls.group(2) + " is in a mounted folder").isTrue();
        }
        assertThat(tlsKinds).as("a TLS listener").containsExactlyInAnyOrder("cafile", "certfile", "keyfile");
        assertThat(config).containsPattern("(?m)^max_packet_size \\d+$");
        String acl = Files.readString(ROOT.resolve("deploy/mosquitto/acl"));
        assertThat(acl).contains("pattern write maskgate/v1/units/%u/decision")
                .contains("user " + environment("service").get("MASKGATE_MQTT_USERNAME"));
    }

    @Test
    void everyServiceRestartsUnlessStopped() {
        for (String name : services.keySet()) {
            assertThat(service(name).get("restart")).as("restart policy of " + name).isEqualTo("unless-stopped");
        }
    }

    @Test
    void adminPasswordIsOnlyNeededForTheFirstStart() {
        String admin = environment("service").get("MASKGATE_ADMIN_PASSWORD");
        assertThat(admin).as("optional in compose (an existing admin needs none)").doesNotContain(":?");
    }

    @Test
    void buildContextLeavesOutLocalDataAndBuildOutput() throws IOException {
        Path ignore = ROOT.resolve(".dockerignore");
        assertThat(ignore).as(".dockerignore").isRegularFile();
        List<String> lines = Files.readAllLines(ignore).stream().map(String::strip).toList();
        // var/ holds the generated master key and demo credentials; target/ hundreds of MB of build output
        assertThat(lines).contains("var/", "**/target/", ".git/", "deploy/mosquitto/certs/", ".env");
    }

    @Test
    void imageIsTheProductionBuild() throws IOException {
        String dockerfile = Files.readString(ROOT.resolve("Dockerfile"));
        assertThat(dockerfile).as("no embedded PostgreSQL/broker in the image").contains("-Pproduction");
        assertThat(dockerfile).as("refuses to start without configuration").contains("SPRING_PROFILES_ACTIVE=prod");
    }

    /** Every property name in the Spring configuration metadata on the classpath, dashes removed. */
    private static Set<String> springBootPropertyNames() throws IOException {
        Set<String> names = new HashSet<>();
        Enumeration<URL> resources = ComposeWiringTest.class.getClassLoader()
                .getResources("META-INF/spring-configuration-metadata.json");
        ObjectMapper json = new ObjectMapper();
        while (resources.hasMoreElements()) {
            try (InputStream in = resources.nextElement().openStream()) {
                JsonNode properties = json.readTree(in).get("properties");
                if (properties != null) {
                    properties.forEach(p -> names.add(p.get("name").asText().replace("-", "")));
                }
            }
        }
        assertThat(names).contains("spring.datasource.url");
        return names;
    }
}
