package io.maskgate.service.broker;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The roles the service provisions through dynamic security grant exactly what deploy/mosquitto/acl grants a unit
 * and an actuator (the same file the hand-managed deployment uses): a change to one without the other fails here.
 */
class DynsecAclMirrorTest {

    private static final Path ACL = Path.of("..", "deploy", "mosquitto", "acl");

    @org.junit.jupiter.api.Test
    void unitRoleMirrorsTheAclFile() throws IOException {
        assertThat(asSet(BrokerProvisioning.unitAcls("unit-7"))).isEqualTo(fromAclFile("door units", "unit-7"));
    }

    @org.junit.jupiter.api.Test
    void actuatorRoleMirrorsTheAclFile() throws IOException {
        assertThat(asSet(BrokerProvisioning.actuatorAcls("door-3")))
                .isEqualTo(fromAclFile("door actuators", "door-3"));
    }

    private static Set<String> asSet(List<BrokerProvisioning.Acl> acls) {
        Set<String> out = new HashSet<>();
        acls.forEach(a -> out.add(a.type() + " " + a.topic()));
        assertThat(out).as("no duplicates").hasSize(acls.size());
        return out;
    }

    /** The {@code pattern} lines under the "# <section>" comment: write = send, read = subscribe, readwrite both. */
    private static Set<String> fromAclFile(String section, String id) throws IOException {
        Set<String> out = new HashSet<>();
        boolean in = false;
        for (String line : Files.readAllLines(ACL)) {
            if (line.startsWith("#")) {
                in = line.equals("# " + section);
                continue;
            }
            if (!in || line.isBlank()) {
                continue;
            }
            String[] parts = line.trim().split("\\s+");
            assertThat(parts[0]).as(line).isEqualTo("pattern");
            String topic = parts[2].replace("%u", id);
            if (parts[1].contains("write")) {
                out.add("publishClientSend " + topic);
            }
            if (parts[1].contains("read")) {
                out.add("subscribeLiteral " + topic);
            }
        }
        assertThat(out).as("section " + section).isNotEmpty();
        return out;
    }
}
