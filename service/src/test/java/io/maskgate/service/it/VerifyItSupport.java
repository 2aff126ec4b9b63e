package io.maskgate.service.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.http.HttpEntity;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;

/** REST steps shared by the re-verification ITs. */
final class VerifyItSupport {

    private VerifyItSupport() {
    }

    /** Puts the door in a mode (N of M 1 of 1, min score 700, unlock 3 s). */
    static void mode(TestRestTemplate rest, String door, String mode) {
        Map<String, Object> policy = new LinkedHashMap<>();
        policy.put("mode", mode);
        policy.put("minScore", 700);
        policy.put("requiredFrames", 1);
        policy.put("windowFrames", 1);
        policy.put("windowMs", 5000);
        policy.put("unlockMs", 3000);
        policy.put("schedule", null);
        ResponseEntity<String> r = rest.exchange("/api/doors/" + door + "/policy", HttpMethod.PUT,
                new HttpEntity<>(policy), String.class);
        assertThat(r.getStatusCode()).as(r.getBody()).isEqualTo(HttpStatus.OK);
    }

    /** Sets the door's uncertainty band and deadline. */
    static void band(TestRestTemplate rest, String door, int low, int high, Integer deadlineMs) {
        Map<String, Object> band = new LinkedHashMap<>();
        band.put("bandLow", low);
        band.put("bandHigh", high);
        band.put("deadlineMs", deadlineMs);
        ResponseEntity<String> r = rest.exchange("/api/doors/" + door + "/verification", HttpMethod.PUT,
                new HttpEntity<>(band), String.class);
        assertThat(r.getStatusCode()).as(r.getBody()).isEqualTo(HttpStatus.OK);
    }
}
