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

    /** Sets a door's uncertainty band (per-mille, inclusive) and float-verdict deadline (re-verification). */
    public void setVerificationBand(String doorId, int low, int high, int deadlineMs) throws IOException {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("bandLow", low);
        body.put("bandHigh", high);
        body.put("deadlineMs", deadlineMs);
        HttpRequest request = HttpRequest.newBuilder(base.resolve("api/doors/" + doorId + "/verification"))
                .timeout(Duration.ofSeconds(10)).header("Authorization", authorization)
                .header("Content-Type", "application/json").header("Accept", "application/json")
                .header("X-Requested-By", "maskgate-device-agent")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(json.writeValueAsBytes(body))).build();
        send(request, "api/doors/" + doorId + "/verification");
    }

    /** GET a path (e.g. "api/events?limit=5") as JSON. */
    public JsonNode get(String path) throws IOException {
        HttpRequest request = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(10))
                .header("Authorization", authorization).header("Accept", "application/json").GET().build();
        return send(request, path);
    }

    /**
     * Uploads a model version (multipart, as {@code POST /api/models}); returns the answer with the gate report
     * whether the gate passed it (201) or refused it (422).
     */
    public JsonNode publishModel(String version, byte[] tflite, String labels, String card, String baseline)
            throws IOException {
        return publishModel(version, tflite, labels, card, baseline, null);
    }

    /** Uploads a model version with its float SavedModel as a zip (the gate measures int8/float agreement). */
    public JsonNode publishModel(String version, byte[] tflite, String labels, String card, String baseline,
                                 byte[] floatZip) throws IOException {
        String boundary = "maskgate" + java.util.UUID.randomUUID().toString().replace("-", "");
        java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
        part(body, boundary, "version", null, version.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        part(body, boundary, "model", "model.tflite", tflite);
        part(body, boundary, "labels", "labels.txt", labels.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        if (card != null) {
            part(body, boundary, "card", "model-card.json", card.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        if (floatZip != null) {
            part(body, boundary, "float", "saved_model.zip", floatZip);
        }
        if (baseline != null) {
            part(body, boundary, "baseline", null, baseline.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        body.writeBytes(("--" + boundary + "--\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        HttpRequest request = HttpRequest.newBuilder(base.resolve("api/models")).timeout(Duration.ofMinutes(5))
                .header("Authorization", authorization)
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .header("Accept", "application/json").header("X-Requested-By", "maskgate-device-agent")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())).build();
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted uploading the model", e);
        }
        if (response.statusCode() != 201 && response.statusCode() != 422) {
            throw new IOException("POST api/models -> HTTP " + response.statusCode() + ": "
                    + abbreviate(response.body()));
        }
        return json.readTree(response.body());
    }

    private static void part(java.io.ByteArrayOutputStream out, String boundary, String name, String filename,
                             byte[] content) {
        String head = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name + "\""
                + (filename == null ? "" : "; filename=\"" + filename + "\"") + "\r\nContent-Type: "
                + (filename == null ? "text/plain" : "application/octet-stream") + "\r\n\r\n";
        out.writeBytes(head.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        out.writeBytes(content);
        out.writeBytes("\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    }

    /** POSTs a JSON body (null = {}) and returns the JSON answer; IOException on a non-2xx status. */
    public JsonNode post(String path, Object body) throws IOException {
        if (body == null) {
            body = java.util.Map.of();
        }
        HttpRequest request = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(60))
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
