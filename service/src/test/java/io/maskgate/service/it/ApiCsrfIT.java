package io.maskgate.service.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpEntity;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.client.RestTemplate;

/**
 * CSRF defence of the HTTP Basic API: a browser that cached an operator's credentials can be made to send a
 * cross-site form POST or a "simple" request, but never one with a custom header (that needs a CORS preflight,
 * which the API never grants). So every state change needs {@code X-Requested-By}, a JSON body where it has one,
 * and a manual door command needs a reason.
 */
class ApiCsrfIT extends AbstractServiceIT {

    @Test
    void crossSiteStyleRequestsCannotUnlockADoor() {
        String door = id("door");
        createDoor(door);
        RestTemplate browser = anonymous.withBasicAuth(ADMIN, ADMIN_PASSWORD).getRestTemplate();
        String url = anonymous.getRootUri() + "/api/doors/" + door + "/unlock";

        // what a hostile page can send: a form post, or JSON-ish text/plain, with the cached Basic credentials
        HttpHeaders form = new HttpHeaders();
        form.setContentType(MediaType.APPLICATION_FORM_URLENCODED);
        assertThat(status(browser, url, new HttpEntity<>("reason=x", form))).isEqualTo(HttpStatus.FORBIDDEN);
        HttpHeaders plain = new HttpHeaders();
        plain.setContentType(MediaType.TEXT_PLAIN);
        assertThat(status(browser, url, new HttpEntity<>("{\"reason\":\"x\"}", plain)))
                .isEqualTo(HttpStatus.FORBIDDEN);
        HttpHeaders jsonNoHeader = new HttpHeaders();
        jsonNoHeader.setContentType(MediaType.APPLICATION_JSON);
        assertThat(status(browser, url, new HttpEntity<>("{\"reason\":\"x\"}", jsonNoHeader)))
                .as("JSON without the custom header (a cross-site fetch would need a preflight)")
                .isEqualTo(HttpStatus.FORBIDDEN);

        // the API's own clients: custom header + JSON body with a reason
        HttpHeaders api = new HttpHeaders();
        api.setContentType(MediaType.APPLICATION_JSON);
        api.set("X-Requested-By", "maskgate-it");
        assertThat(status(browser, url, new HttpEntity<>("{}", api))).as("no reason").isEqualTo(HttpStatus.BAD_REQUEST);
        assertThat(status(browser, url, new HttpEntity<>(null, api))).as("no body").isEqualTo(HttpStatus.BAD_REQUEST);
        HttpHeaders apiForm = new HttpHeaders();
        apiForm.setContentType(MediaType.APPLICATION_FORM_URLENCODED);
        apiForm.set("X-Requested-By", "maskgate-it");
        assertThat(status(browser, url, new HttpEntity<>("reason=x", apiForm))).as("header but a form body")
                .isIn(HttpStatus.FORBIDDEN, HttpStatus.UNSUPPORTED_MEDIA_TYPE);
        assertThat(status(browser, url, new HttpEntity<>("{\"reason\":\"visitor badge\"}", api)))
                .isEqualTo(HttpStatus.ACCEPTED);

        // the same rule for every other state change, e.g. deleting a door
        assertThat(browser.exchange(anonymous.getRootUri() + "/api/doors/" + door, HttpMethod.DELETE,
                HttpEntity.EMPTY, JsonNode.class).getStatusCode()).isEqualTo(HttpStatus.FORBIDDEN);
        // reads stay plain GETs
        assertThat(browser.getForEntity(anonymous.getRootUri() + "/api/doors/" + door, JsonNode.class)
                .getStatusCode()).isEqualTo(HttpStatus.OK);
    }

    private static HttpStatus status(RestTemplate rest, String url, HttpEntity<?> request) {
        ResponseEntity<String> r = rest.exchange(url, HttpMethod.POST, request, String.class);
        return HttpStatus.valueOf(r.getStatusCode().value());
    }
}
