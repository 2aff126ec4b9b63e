package io.maskgate.service.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.maskgate.service.security.Role;
import io.maskgate.service.security.UserAccounts;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.boot.web.client.RestTemplateBuilder;
import org.springframework.http.HttpEntity;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;

/**
 * Every endpoint of the OpenAPI document x {anonymous, OPERATOR, ADMIN}: anonymous gets 401, a role that may not
 * gets 403, a role that may gets neither. The expected access is this test's own table, written from the README
 * (not read from SecurityConfig); an endpoint the table does not cover fails the test, so a new endpoint cannot
 * slip through unreviewed. Path ids are of things that do not exist, so no request changes anything.
 */
class RoleMatrixIT extends AbstractServiceIT {

    private enum Access { OPERATOR_AND_ADMIN, ADMIN_ONLY, ANONYMOUS }

    private record Rule(String method, Pattern path, Access access) {
    }

    /** Who may call what (service/README.md, REST API). First match wins. */
    private static final List<Rule> RULES = List.of(
            new Rule("GET", Pattern.compile("/api/ota/fleet-key"), Access.ANONYMOUS),
            new Rule("POST", Pattern.compile("/api/doors/\\{[^/]+}/(unlock|lock)"), Access.OPERATOR_AND_ADMIN),
            new Rule("GET", Pattern.compile("/api/models/\\{[^/]+}/file"), Access.ADMIN_ONLY),
            new Rule("GET", Pattern.compile("/api/disputes/export"), Access.ADMIN_ONLY),
            new Rule("GET", Pattern.compile("/api/fire-alarm"), Access.ADMIN_ONLY),
            new Rule("(GET|POST|PUT|DELETE|PATCH)", Pattern.compile("/api/disputes(/.*)?"), Access.OPERATOR_AND_ADMIN),
            new Rule("GET", Pattern.compile("/api/(doors|units|events|models|rollouts|fleet|verification)(/.*)?"),
                    Access.OPERATOR_AND_ADMIN),
            new Rule("(POST|PUT|DELETE|PATCH)", Pattern.compile("/api/.*"), Access.ADMIN_ONLY));

    @Autowired
    UserAccounts accounts;

    @Test
    void everyEndpointTimesEveryRole() {
        String operator = id("rm-op");
        String admin = id("rm-admin");
        accounts.create(operator, "role-matrix-password", Role.OPERATOR);
        accounts.create(admin, "role-matrix-password", Role.ADMIN);
        Map<String, TestRestTemplate> callers = new LinkedHashMap<>();
        callers.put("anonymous", apiClient(new TestRestTemplate(new RestTemplateBuilder()
                .rootUri(anonymous.getRootUri()))));
        callers.put("OPERATOR", apiClient(anonymous.withBasicAuth(operator, "role-matrix-password")));
        callers.put("ADMIN", apiClient(anonymous.withBasicAuth(admin, "role-matrix-password")));

        JsonNode paths = anonymous.getForObject("/v3/api-docs", JsonNode.class).get("paths");
        List<String> uncovered = new ArrayList<>();
        List<String> wrong = new ArrayList<>();
        int checked = 0;
        for (Iterator<Map.Entry<String, JsonNode>> it = paths.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> path = it.next();
            if (path.getKey().startsWith("/console/")) {
                continue; // the console's own session chain (form login, CSRF): ConsoleIT covers its roles
            }
            for (Iterator<String> methods = path.getValue().fieldNames(); methods.hasNext(); ) {
                String method = methods.next().toUpperCase();
                if (!Set.of("GET", "POST", "PUT", "DELETE", "PATCH").contains(method)) {
                    continue;
                }
                Access access = RULES.stream().filter(r -> method.matches(r.method())
                        && r.path().matcher(path.getKey()).matches()).map(Rule::access).findFirst().orElse(null);
                if (access == null) {
                    uncovered.add(method + " " + path.getKey());
                    continue;
                }
                String url = path.getKey().replaceAll("\\{[^/]+}", "rm-missing-" + ItInfrastructure.RUN);
                for (Map.Entry<String, TestRestTemplate> caller : callers.entrySet()) {
                    int status = call(caller.getValue(), method, url);
                    String expected = expected(access, caller.getKey());
                    boolean ok = switch (expected) {
                        case "401" -> status == 401;
                        case "403" -> status == 403;
                        default -> status != 401 && status != 403 && status < 500;
                    };
                    if (!ok) {
                        wrong.add(method + " " + url + " as " + caller.getKey() + ": " + status + ", expected "
                                + expected);
                    }
                    checked++;
                }
            }
        }
        // management endpoints are not in the OpenAPI document
        for (Map.Entry<String, TestRestTemplate> caller : callers.entrySet()) {
            boolean anon = caller.getKey().equals("anonymous");
            expect(wrong, caller, "GET", "/actuator/health", 200);
            expect(wrong, caller, "GET", "/actuator/prometheus", anon ? 401 : 200);
            expect(wrong, caller, "GET", "/actuator/metrics", anon ? 401 : caller.getKey().equals("ADMIN") ? 200 : 403);
            expect(wrong, caller, "GET", "/v3/api-docs", 200);
            checked += 4;
        }
        System.out.println("role matrix: " + checked + " endpoint x role checks");
        assertThat(uncovered).as("endpoints without an access rule in this test").isEmpty();
        assertThat(wrong).as("endpoint x role answers").isEmpty();
        assertThat(checked).isGreaterThan(40);
    }

    private static String expected(Access access, String caller) {
        return switch (access) {
            case ANONYMOUS -> "allowed";
            case OPERATOR_AND_ADMIN -> caller.equals("anonymous") ? "401" : "allowed";
            case ADMIN_ONLY -> caller.equals("anonymous") ? "401" : caller.equals("OPERATOR") ? "403" : "allowed";
        };
    }

    private static void expect(List<String> wrong, Map.Entry<String, TestRestTemplate> caller, String method,
                               String url, int status) {
        int actual = call(caller.getValue(), method, url);
        if (actual != status) {
            wrong.add(method + " " + url + " as " + caller.getKey() + ": " + actual + ", expected " + status);
        }
    }

    private static int call(TestRestTemplate rest, String method, String url) {
        HttpHeaders headers = new HttpHeaders();
        HttpEntity<String> request;
        if (method.equals("POST") || method.equals("PUT") || method.equals("PATCH")) {
            headers.setContentType(MediaType.APPLICATION_JSON);
            request = new HttpEntity<>("{\"reason\":\"role matrix\"}", headers);
        } else {
            request = new HttpEntity<>(headers);
        }
        return rest.exchange(url, HttpMethod.valueOf(method), request, String.class).getStatusCode().value();
    }
}
