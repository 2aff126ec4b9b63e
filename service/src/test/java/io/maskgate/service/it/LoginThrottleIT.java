package io.maskgate.service.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.maskgate.service.security.Role;
import io.maskgate.service.security.UserAccounts;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;

/**
 * Failed-login throttling on the HTTP Basic chains, end to end (LoginThrottleTest covers the counting alone): after
 * maskgate.login-throttle.max-failures (default 5) wrong passwords for one user from one address, that user is
 * refused with 429 and Retry-After even with the right password, on the API and on the management paths; other
 * users from the same address are not.
 */
class LoginThrottleIT extends AbstractServiceIT {

    @Autowired
    UserAccounts accounts;

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
}
