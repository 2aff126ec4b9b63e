package io.maskgate.agent.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.maskgate.protocol.HmacKey;
import io.maskgate.protocol.Keys;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The few calls of the service's REST API the fleet simulator and the demo need: create a door (returns its
 * actuator key once) and register a unit (returns its key once), as an ADMIN with HTTP Basic.
 */
public final class ServiceClient {

    private final URI base;
    private final String authorization;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final ObjectMapper json = new ObjectMapper();

    public ServiceClient(String baseUrl, String user, char[] password) {
        this.base = URI.create(baseUrl.endsWith("/") ? baseUrl : baseUrl + "/");
        this.authorization = "Basic " + Base64.getEncoder().encodeToString(
                (user + ":" + new String(password)).getBytes(StandardCharsets.UTF_8));
    }

    /** Creates a door with the given policy fields (null: the service default); returns its actuator key. */
    public HmacKey createDoor(String doorId, String name, Map<String, Object> policy) throws IOException {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("id", doorId);
        body.put("name", name);
        if (policy != null) {
            body.put("policy", policy);
        }
        JsonNode created = post("api/doors", body);
        return Keys.parse(text(created, "actuatorKey"));
    }

    /** Registers an enabled unit watching {@code doorId}; returns its key. */
    public HmacKey registerUnit(String unitId, String name, String doorId) throws IOException {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("id", unitId);
        body.put("name", name);
        body.put("doorId", doorId);
        body.put("enabled", true);
        return Keys.parse(text(post("api/units", body), "secret"));
    }

    /** GET a path (e.g. "api/events?limit=5") as JSON. */
    public JsonNode get(String path) throws IOException {
        HttpRequest request = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(10))
                .header("Authorization", authorization).header("Accept", "application/json").GET().build();
        return send(request, path);
    }

    private JsonNode post(String path, Object body) throws IOException {
        HttpRequest request = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(10))
                .header("Authorization", authorization).header("Content-Type", "application/json")
                .header("Accept", "application/json").header("X-Requested-By", "maskgate-device-agent")
                .POST(HttpRequest.BodyPublishers.ofByteArray(json.writeValueAsBytes(body))).build();
        return send(request, path);
    }

    private JsonNode send(HttpRequest request, String path) throws IOException {
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted calling " + path, e);
        }
        if (response.statusCode() / 100 != 2) {
            throw new IOException(request.method() + " " + path + " -> HTTP " + response.statusCode() + ": "
                    + abbreviate(response.body()));
        }
        return json.readTree(response.body());
    }

    private static String text(JsonNode node, String field) throws IOException {
        JsonNode v = node.get(field);
        if (v == null || !v.isTextual()) {
            throw new IOException("service response has no '" + field + "'");
        }
        return v.textValue();
    }

    private static String abbreviate(String s) {
        return s == null ? "" : s.length() > 300 ? s.substring(0, 300) + "..." : s;
    }
}
