package io.maskgate.service.broker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.maskgate.protocol.Topics;
import io.maskgate.protocol.transport.MqttClients;
import io.maskgate.service.config.MaskGateProperties;
import io.maskgate.service.config.MqttEndpoint;
import io.maskgate.service.mqtt.MqttClientHolder;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;
import org.springframework.util.StringUtils;

/**
 * Creates, disables, re-enables, re-passwords and deletes the broker clients of door units and door actuators
 * through Mosquitto's dynamic-security plugin: JSON command batches published on
 * {@value #CONTROL_TOPIC}, answered on {@value #RESPONSE_TOPIC}. Only with {@code maskgate.mqtt.dynsec.enabled}.
 *
 * <p>Each unit gets the broker username {@code <unit id>} and a role {@code maskgate-unit-<unit id>}, each
 * actuator the username {@code <door id>} and a role {@code maskgate-door-<door id>}; the roles' ACLs are those of
 * {@code deploy/mosquitto/acl} with the id filled in. Passwords are random, returned once to the caller and never
 * kept or logged here: Mosquitto stores only a salted hash. Commands are synchronous (the admin change waits for
 * the broker's answer), so a failure rolls the change back and the API answers 502 with the reason; every outcome
 * is counted in {@code maskgate_broker_provisioning_total{op,result}}.
 *
 * <p>The provisioning connection uses the service's own broker account (which needs the dynamic-security rights
 * given by {@code deploy/mosquitto/dynsec-init.sh}) with its own client id, so it never disturbs ingest or commands.
 */
@Component
public class BrokerProvisioning implements DisposableBean {

    public static final String CONTROL_TOPIC = "$CONTROL/dynamic-security/v1";
    public static final String RESPONSE_TOPIC = CONTROL_TOPIC + "/response";
    private static final Logger log = LoggerFactory.getLogger(BrokerProvisioning.class);
    private static final SecureRandom RANDOM = new SecureRandom();
    /** Errors a delete can ignore: the client or role is already gone (e.g. registered before dynsec was on). */
    private static final Set<String> GONE = Set.of("Client not found", "Role not found");

    /** A broker username and its password, shown exactly once. */
    public record Credentials(String username, String password) {
        @Override
        public String toString() {
            return "Credentials[username=" + username + ", password=***]";
        }
    }

    private final DynsecProperties config;
    private final MqttEndpoint endpoint;
    private final MqttClientHolder holder;
    private final MaskGateProperties properties;
    private final MeterRegistry meters;
    private final ObjectMapper json = new ObjectMapper();
    private final Map<String, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();
    private MqttAsyncClient client;

    public BrokerProvisioning(DynsecProperties config, MqttEndpoint endpoint, MqttClientHolder holder,
                              MaskGateProperties properties, MeterRegistry meters) {
        this.config = config == null ? new DynsecProperties(false, null, null) : config;
        this.endpoint = endpoint;
        this.holder = holder;
        this.properties = properties;
        this.meters = meters;
        if (this.config.enabled() && !StringUtils.hasText(properties.mqtt().url())) {
            throw new IllegalStateException("maskgate.mqtt.dynsec.enabled needs an external Mosquitto "
                    + "(maskgate.mqtt.url) with the dynamic-security plugin; the in-process broker has none");
        }
    }

    public boolean enabled() {
        return config.enabled();
    }

    /** One dynamic-security ACL entry: {@code acltype} (publishClientSend, subscribeLiteral) and topic. */
    public record Acl(String type, String topic) {
    }

    /** A unit's ACLs: the unit lines of deploy/mosquitto/acl with %u = its id (write = send, read = subscribe). */
    public static List<Acl> unitAcls(String unitId) {
        List<Acl> acls = new ArrayList<>();
        for (String t : List.of(Topics.decision(unitId), Topics.status(unitId), Topics.frame(unitId),
                Topics.otaFetch(unitId), Topics.otaReport(unitId))) {
            acls.add(new Acl("publishClientSend", t));
        }
        for (String t : List.of(Topics.status(unitId), Topics.ota(unitId), Topics.otaChunk(unitId))) {
            acls.add(new Acl("subscribeLiteral", t));
        }
        return acls;
    }

    /** An actuator's ACLs: reads only its door's commands, publishes only its door's acks. */
    public static List<Acl> actuatorAcls(String doorId) {
        return List.of(new Acl("subscribeLiteral", Topics.command(doorId)), new Acl("publishClientSend",
                Topics.ack(doorId)));
    }

    /** Unit: publishes only its own decision/status/frame/ota-fetch/ota-report, reads only its status/ota topics. */
    public Credentials createUnit(String unitId, boolean enabled) {
        return create("unit", unitId, "maskgate-unit-" + unitId, unitAcls(unitId).stream().map(this::acl).toList(),
                enabled);
    }

    /** Actuator: reads only its door's commands, publishes only its door's acks. */
    public Credentials createActuator(String doorId) {
        return create("door", doorId, "maskgate-door-" + doorId,
                actuatorAcls(doorId).stream().map(this::acl).toList(), true);
    }

    /** disableClient (Mosquitto also disconnects it) or enableClient. */
    public void setEnabled(String username, boolean enabled) {
        String op = enabled ? "enable" : "disable";
        run(op, List.of(command(enabled ? "enableClient" : "disableClient").put("username", username)), Set.of());
    }

    /** A new random password; the old one stops working. */
    public Credentials rotate(String username) {
        String password = newPassword();
        run("rotate", List.of(command("setClientPassword").put("username", username).put("password", password)),
                Set.of());
        return new Credentials(username, password);
    }

    public void deleteUnit(String unitId) {
        delete("unit", unitId, "maskgate-unit-" + unitId);
    }

    public void deleteActuator(String doorId) {
        delete("door", doorId, "maskgate-door-" + doorId);
    }

    private void delete(String kind, String username, String role) {
        run("delete_" + kind, List.of(command("deleteClient").put("username", username),
                command("deleteRole").put("rolename", role)), GONE);
    }

    private Credentials create(String kind, String username, String role, List<ObjectNode> acls, boolean enabled) {
        String password = newPassword();
        // the client first, alone: when its name is taken nothing else runs (a batch goes on after an error, and
        // would otherwise hand the new role to the existing client)
        ObjectNode client = command("createClient").put("username", username).put("password", password)
                .put("textname", "MaskGate " + kind + " " + username);
        if (!enabled) {
            client.put("disabled", true);
        }
        run("create_" + kind, List.of(client), Set.of(), false);
        List<ObjectNode> commands = new ArrayList<>();
        commands.add(command("createRole").put("rolename", role)
                .put("textdescription", "MaskGate " + kind + " " + username + " (provisioned by the service)"));
        for (ObjectNode a : acls) {
            commands.add(a.put("rolename", role));
        }
        commands.add(command("addClientRole").put("username", username).put("rolename", role));
        if (!enabled) {
            commands.add(command("disableClient").put("username", username));
        }
        try {
            run("create_" + kind, commands, Set.of());
        } catch (BrokerProvisioningException e) {
            // leave nothing half made behind (a client without its role, a stale role)
            try {
                send(List.of(command("deleteClient").put("username", username),
                        command("deleteRole").put("rolename", role)));
            } catch (BrokerProvisioningException cleanup) {
                log.warn("cleanup of broker client {} after a failed provisioning failed: {}", username,
                        cleanup.getMessage());
            }
            throw e;
        }
        return new Credentials(username, password);
    }

    private ObjectNode acl(Acl a) {
        return command("addRoleACL").put("acltype", a.type()).put("topic", a.topic()).put("allow", true)
                .put("priority", 0);
    }

    private ObjectNode command(String name) {
        return json.createObjectNode().put("command", name);
    }

    /** Sends a batch and fails with the first error not in {@code tolerated}; counts the outcome. */
    private void run(String op, List<ObjectNode> commands, Set<String> tolerated) {
        run(op, commands, tolerated, true);
    }

    /** {@code countOk} false for the first step of a two-step operation (its failures are counted, not its success). */
    private void run(String op, List<ObjectNode> commands, Set<String> tolerated, boolean countOk) {
        if (!config.enabled()) {
            throw new IllegalStateException("broker provisioning is off (maskgate.mqtt.dynsec.enabled)");
        }
        try {
            JsonNode responses = send(commands);
            for (JsonNode r : responses) {
                String error = r.path("error").asText(null);
                if (error != null && !tolerated.contains(error)) {
                    throw new BrokerProvisioningException("dynsec_error",
                            "broker provisioning failed: " + r.path("command").asText("?") + ": " + error);
                }
            }
            if (countOk) {
                count(op, "ok");
            }
        } catch (BrokerProvisioningException e) {
            count(op, e.reason());
            log.warn("broker provisioning ({}) failed: {}", op, e.getMessage());
            throw e;
        }
    }

    private JsonNode send(List<ObjectNode> commands) {
        String batch = UUID.randomUUID().toString();
        ObjectNode message = json.createObjectNode();
        ArrayNode array = message.putArray("commands");
        for (int i = 0; i < commands.size(); i++) {
            array.add(commands.get(i).put("correlationData", batch + ":" + i));
        }
        CompletableFuture<JsonNode> answer = new CompletableFuture<>();
        pending.put(batch, answer);
        long timeoutMs = config.timeoutOrDefault().toMillis();
        try {
            MqttAsyncClient c = connected(timeoutMs);
            c.publish(CONTROL_TOPIC, new MqttMessage(json.writeValueAsBytes(message), 1, false, null))
                    .waitForCompletion(timeoutMs);
            return answer.get(timeoutMs, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new BrokerProvisioningException("timeout", "broker provisioning failed: no answer from the "
                    + "dynamic-security plugin within " + timeoutMs + " ms (is it loaded, and may the service's "
                    + "broker account use " + CONTROL_TOPIC + "?)");
        } catch (MqttException e) {
            throw new BrokerProvisioningException("unreachable",
                    "broker provisioning failed: broker " + endpoint.url() + " unreachable: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BrokerProvisioningException("timeout", "broker provisioning interrupted");
        } catch (ExecutionException | com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new BrokerProvisioningException("dynsec_error", "broker provisioning failed: " + e.getMessage());
        } finally {
            pending.remove(batch);
        }
    }

    private synchronized MqttAsyncClient connected(long timeoutMs) throws MqttException {
        if (client != null && client.isConnected()) {
            return client;
        }
        if (client != null) {
            try {
                client.close(true);
            } catch (MqttException ignored) {
                // replaced below
            }
        }
        String id = StringUtils.hasText(config.clientId()) ? config.clientId()
                : properties.mqtt().clientId() + "-dynsec";
        MqttAsyncClient c = new MqttAsyncClient(endpoint.url(), id, new MemoryPersistence());
        c.setCallback(new Responses());
        String password = endpoint.password();
        MqttConnectionOptions o = MqttClients.options(new MqttClients.Spec(endpoint.url(), endpoint.username(),
                StringUtils.hasText(password) ? password.toCharArray() : null, true, 0, 30,
                (int) Math.max(1, timeoutMs / 1000), 10));
        if (endpoint.url().startsWith("ssl://")) {
            MqttClients.withTls(o, holder.tlsSocketFactory());
        }
        c.connect(o).waitForCompletion(timeoutMs);
        IMqttToken sub = c.subscribe(RESPONSE_TOPIC, 1);
        sub.waitForCompletion(timeoutMs);
        int code = sub.getReasonCodes() == null ? 0 : sub.getReasonCodes()[0];
        if (code >= 0x80) {
            c.disconnect();
            c.close(true);
            throw new BrokerProvisioningException("refused", "broker provisioning failed: the broker refused "
                    + "the service's subscription to " + RESPONSE_TOPIC + " (reason code " + code + "): give the "
                    + "service's broker account the dynamic-security role (deploy/mosquitto/dynsec-init.sh)");
        }
        client = c;
        return c;
    }

    private void count(String op, String result) {
        counters.computeIfAbsent(op + '|' + result, k -> Counter.builder("maskgate.broker.provisioning")
                .description("Broker client provisioning through Mosquitto dynamic security, by operation and "
                        + "result (ok, unreachable, timeout, refused, dynsec_error)")
                .tag("op", op).tag("result", result).register(meters)).increment();
    }

    private static String newPassword() {
        byte[] bytes = new byte[24];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    @Override
    public synchronized void destroy() {
        if (client != null) {
            try {
                if (client.isConnected()) {
                    client.disconnect().waitForCompletion(5_000);
                }
                client.close(true);
            } catch (MqttException e) {
                log.debug("dynsec client close: {}", e.getMessage());
            }
        }
    }

    private final class Responses implements MqttCallback {
        @Override
        public void messageArrived(String topic, MqttMessage message) {
            try {
                JsonNode responses = json.readTree(message.getPayload()).path("responses");
                for (JsonNode r : responses) {
                    String correlation = r.path("correlationData").asText("");
                    int colon = correlation.indexOf(':');
                    CompletableFuture<JsonNode> f = colon < 0 ? null : pending.get(correlation.substring(0, colon));
                    if (f != null) {
                        f.complete(responses);
                        return;
                    }
                }
            } catch (java.io.IOException | RuntimeException e) {
                log.warn("unreadable dynamic-security response: {}", e.getMessage());
            }
        }

        @Override
        public void disconnected(MqttDisconnectResponse response) {
            log.info("broker provisioning connection closed: {}", response);
        }

        @Override
        public void mqttErrorOccurred(MqttException exception) {
        }

        @Override
        public void deliveryComplete(IMqttToken token) {
        }

        @Override
        public void connectComplete(boolean reconnect, String serverURI) {
        }

        @Override
        public void authPacketArrived(int reasonCode, MqttProperties properties) {
        }
    }
}
