package io.maskgate.service.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.maskgate.service.security.Role;
import io.maskgate.service.security.UserAccounts;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;

/**
 * Failed-login throttling on the HTTP Basic chains, end to end (LoginThrottleTest covers the counting alone): after
 * maskgate.login-throttle.max-failures (default 5) wrong passwords for one user from one address, that user is
 * refused with 429 and Retry-After even with the right password, on the API and on the management paths; other
 * users from the same address are not. The console's login form shares the same throttle.
 */
class LoginThrottleIT extends AbstractServiceIT {

    @Autowired
    UserAccounts accounts;

    @LocalServerPort
    int port;

    @Test
    void wrongPasswordsLockOutThatUserOnly() {
        String user = id("throttled");
        String password = "throttled-password-1";
        accounts.create(user, password, Role.OPERATOR);
        TestRestTemplate right = apiClient(anonymous.withBasicAuth(user, password));
        TestRestTemplate wrong = apiClient(anonymous.withBasicAuth(user, "not-the-password"));
        assertThat(right.getForEntity("/api/doors", String.class).getStatusCode()).isEqualTo(HttpStatus.OK);

        for (int i = 0; i < 5; i++) {
            assertThat(wrong.getForEntity("/api/doors", String.class).getStatusCode()).as("wrong password " + (i + 1))
                    .isEqualTo(HttpStatus.UNAUTHORIZED);
        }

        ResponseEntity<JsonNode> locked = right.getForEntity("/api/doors", JsonNode.class);
        assertThat(locked.getStatusCode()).as("the right password after 5 wrong ones (throttled, not checked)")
                .isEqualTo(HttpStatus.TOO_MANY_REQUESTS);
        assertThat(locked.getHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
        assertThat(locked.getBody().get("detail").asText()).contains("too many failed logins");
        assertThat(Long.parseLong(locked.getHeaders().getFirst(HttpHeaders.RETRY_AFTER))).isBetween(1L, 15 * 60L);
        assertThat(right.getForEntity("/actuator/prometheus", String.class).getStatusCode())
                .as("the management chain shares the throttle").isEqualTo(HttpStatus.TOO_MANY_REQUESTS);

        assertThat(rest.getForEntity("/api/doors", String.class).getStatusCode())
                .as("another user from the same address is not locked out").isEqualTo(HttpStatus.OK);
    }

    @Test
    void theConsoleLoginFormIsThrottledAndSharesTheCountWithTheApi() throws Exception {
        String user = id("formthrottled");
        String password = "form-password-1";
        accounts.create(user, password, Role.OPERATOR);
        HttpClient browser = FormLogin.browser();

        for (int i = 0; i < 3; i++) {
            assertThat(formLogin(browser, user, "not-the-password")).as("wrong password " + (i + 1))
                    .isEqualTo("/login?error");
        }
        TestRestTemplate wrongApi = apiClient(anonymous.withBasicAuth(user, "not-the-password"));
        for (int i = 0; i < 2; i++) {
            assertThat(wrongApi.getForEntity("/api/doors", String.class).getStatusCode())
                    .isEqualTo(HttpStatus.UNAUTHORIZED);
        }

        String refused = formLogin(browser, user, password);
        assertThat(refused).as("the right password after 3 wrong ones on the form and 2 on the API")
                .matches("/login\\?throttled=\\d+");
        long wait = Long.parseLong(refused.substring(refused.indexOf('=') + 1));
        assertThat(wait).isBetween(1L, 15 * 60L);
        assertThat(page(browser, "/console").statusCode()).as("no session was opened").isEqualTo(302);
        assertThat(page(browser, refused).body()).contains("Too many failed logins")
                .contains("try again in " + wait + " s");

        String other = id("formok");
        accounts.create(other, password, Role.OPERATOR);
        HttpClient second = FormLogin.browser();
        assertThat(formLogin(second, other, password)).as("another user from the same address logs in")
                .isEqualTo("/console");
        assertThat(page(second, "/console").statusCode()).isEqualTo(200);
    }

    private String formLogin(HttpClient browser, String user, String password) throws Exception {
        return FormLogin.post(browser, base(), user, password);
    }

    private HttpResponse<String> page(HttpClient browser, String path) throws Exception {
        return browser.send(HttpRequest.newBuilder(URI.create(base() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private String base() {
        return "http://127.0.0.1:" + port;
    }
}
