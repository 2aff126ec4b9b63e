package io.maskgate.service.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpEntity;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;

/** What a newcomer met with the API: every error names its field, as problem+json. */
class ApiErrorsIT extends AbstractServiceIT {

    @Test
    void policyErrorsNameEachField() {
        String door = id("pdoor");
        createDoor(door);
        ResponseEntity<JsonNode> r = rest.exchange("/api/doors/" + door + "/policy", HttpMethod.PUT,
                new HttpEntity<>(Map.of("mode", "ENFORCE", "minScore", 5000, "requiredFrames", 3, "windowFrames", 2,
                        "windowMs", 1000, "unlockMs", 1000)), JsonNode.class);
        assertThat(r.getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
        assertThat(r.getHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
        assertThat(fields(r)).containsExactlyInAnyOrder("minScore", "windowFrames");
        assertThat(r.getBody().get("detail").asText()).contains("minScore must be 0..1000")
                .doesNotContain("Failed to read request");

        ResponseEntity<JsonNode> mode = rest.exchange("/api/doors/" + door + "/policy", HttpMethod.PUT,
                new HttpEntity<>(Map.of("mode", "SOMETIMES", "minScore", 500, "requiredFrames", 1, "windowFrames", 1,
                        "windowMs", 1000, "unlockMs", 1000)), JsonNode.class);
        assertThat(mode.getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
        assertThat(fields(mode)).containsExactly("mode");
        assertThat(mode.getBody().get("detail").asText()).contains("ENFORCE");
    }

    @Test
    void textWithNulIsRefusedByFieldNotStoredAsAServerError() {
        String door = id("nuldoor");
        createDoor(door);
        for (String name : List.of("a\u0000b", "\u0000")) {
            ResponseEntity<JsonNode> r = rest.exchange("/api/doors/" + door, HttpMethod.PUT,
                    new HttpEntity<>(Map.of("name", name)), JsonNode.class);
            assertThat(r.getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
            assertThat(fields(r)).containsExactly("name");
            assertThat(r.getBody().get("detail").asText()).contains("NUL");
        }
        ResponseEntity<JsonNode> missing = rest.exchange("/api/doors/" + id("nodoor"), HttpMethod.PUT,
                new HttpEntity<>(Map.of("name", "x\u0000")), JsonNode.class);
        assertThat(missing.getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
        assertThat(rest.exchange("/api/doors/" + door, HttpMethod.PUT, new HttpEntity<>(Map.of("name", "Front")),
                JsonNode.class).getStatusCode()).isEqualTo(HttpStatus.OK);
    }

    @Test
    void badIdsAndFiltersAreRefusedByName() {
        ResponseEntity<JsonNode> bad = rest.postForEntity("/api/doors", Map.of("id", "bad id!"), JsonNode.class);
        assertThat(bad.getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
        assertThat(fields(bad)).containsExactly("id");
        assertThat(bad.getBody().get("detail").asText()).startsWith("id ");

        // FuzzIT found these answered 500: a key twice in a record body, a @Validated parameter out of range
        org.springframework.http.HttpHeaders json = new org.springframework.http.HttpHeaders();
        json.setContentType(MediaType.APPLICATION_JSON);
        ResponseEntity<JsonNode> twice = rest.postForEntity("/api/models/" + id("nomodel") + "/retire",
                new HttpEntity<>("{\"reason\":null,\"reason\":null}", json), JsonNode.class);
        assertThat(twice.getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
        assertThat(twice.getHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);

        for (String query : List.of("limit=191979", "limit=0", "status=NOPE")) {
            ResponseEntity<JsonNode> r = rest.getForEntity("/api/disputes?" + query, JsonNode.class);
            assertThat(r.getStatusCode()).as(query).isEqualTo(HttpStatus.BAD_REQUEST);
            assertThat(r.getHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
            assertThat(fields(r)).as(query).containsExactly(query.substring(0, query.indexOf('=')));
        }

        for (String query : List.of("outcome=NOPE", "kind=NOPE", "door=bad%20id!", "unit=a%2Fb")) {
            ResponseEntity<JsonNode> r = rest.getForEntity("/api/events?" + query, JsonNode.class);
            assertThat(r.getStatusCode()).as(query).isEqualTo(HttpStatus.BAD_REQUEST);
            assertThat(r.getHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
            assertThat(fields(r)).as(query).containsExactly(query.substring(0, query.indexOf('=')));
        }
        assertThat(rest.getForEntity("/api/events?outcome=GRANTED&limit=1", JsonNode.class).getStatusCode())
                .isEqualTo(HttpStatus.OK);
        org.springframework.http.HttpHeaders accept = new org.springframework.http.HttpHeaders();
        accept.set("Accept", "text/csv, application/problem+json");
        ResponseEntity<String> csv = rest.exchange("/api/events/export?outcome=NOPE", HttpMethod.GET,
                new HttpEntity<>(accept), String.class);
        assertThat(csv.getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
    }

    @Test
    void openApiDeclaresHttpBasicSoSwaggerOffersAuthorize() {
        JsonNode doc = anonymous.getForObject("/v3/api-docs", JsonNode.class);
        assertThat(doc.at("/components/securitySchemes/basic/scheme").asText()).isEqualTo("basic");
        assertThat(doc.at("/security/0/basic").isArray()).isTrue();
    }

    private static List<String> fields(ResponseEntity<JsonNode> r) {
        List<String> out = new ArrayList<>();
        r.getBody().path("errors").forEach(e -> out.add(e.get("field").asText()));
        return out;
    }
}
