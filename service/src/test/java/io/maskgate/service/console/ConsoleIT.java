package io.maskgate.service.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.maskgate.protocol.DoorAction;
import io.maskgate.protocol.HmacKey;
import io.maskgate.protocol.Label;
import io.maskgate.protocol.Topics;
import io.maskgate.service.audit.AuditLog;
import io.maskgate.service.it.AbstractServiceIT;
import io.maskgate.service.it.Await;
import io.maskgate.service.it.ItInfrastructure;
import io.maskgate.service.it.MqttTestClient;
import io.maskgate.service.security.Role;
import io.maskgate.service.security.UserAccounts;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/** The web console in a real headless Chromium against the real service, PostgreSQL and MQTT broker. */
class ConsoleIT extends AbstractServiceIT {

    static final String OPERATOR_PASSWORD = "operator-password-1";

    @LocalServerPort
    int port;

    @Autowired
    UserAccounts accounts;

    @Autowired
    AuditLog audit;

    String base() {
        return "http://localhost:" + port;
    }

    @Test
    void operatorSeesALiveDecisionUnlocksWithAReasonAndIsKeptOutOfAdminPages() throws Exception {
        String door = id("cdoor");
        HmacKey doorKey = createDoor(door);
        // a long unlock, so the confirmed state is still on when a slow machine gets to look at it
        rest.put("/api/doors/" + door + "/policy", java.util.Map.of("mode", "ENFORCE", "minScore", 700,
                "requiredFrames", 1, "windowFrames", 1, "windowMs", 5000, "unlockMs", 120_000));
        String unit = id("cunit");
        HmacKey unitKey = registerUnit(unit, door);
        String operator = id("op");
        accounts.create(operator, OPERATOR_PASSWORD, Role.OPERATOR);

        try (Browser b = new Browser(base());
             MqttTestClient unitClient = new MqttTestClient(ItInfrastructure.mqttUrl(), id("unit-client"));
             MqttTestClient actuator = new MqttTestClient(ItInfrastructure.mqttUrl(), id("actuator"))) {
            actuator.subscribe(Topics.command(door));
            actuator.onMessage((topic, payload) -> ack(actuator, doorKey, payload));

            b.open("/");
            assertThat(b.driver.getCurrentUrl()).as("/ leads a visitor to the login page").contains("/login");
            b.screenshot("login");
            b.login(operator, OPERATOR_PASSWORD);
            assertThat(b.driver.getCurrentUrl()).endsWith("/console");
            By tile = By.id("tile-" + door);
            b.waitFor(Duration.ofSeconds(10)).until(ExpectedConditions.presenceOfElementLocated(tile));
            b.waitFor(Duration.ofSeconds(10)).until(ExpectedConditions.textToBe(By.id("live-state"), "live"));

            // a decision published to the broker shows on its tile within 2 s, without a reload
            unitClient.publish(Topics.decision(unit), decision(unitKey, unit, door, 1, Label.NO_MASK, 937));
            b.waitFor(Duration.ofSeconds(2)).until(ExpectedConditions.textToBe(
                    By.cssSelector("#tile-" + door + " .score"), "937"));
            assertThat(b.driver.findElement(By.cssSelector("#tile-" + door + " .label")).getText())
                    .isEqualTo("NO_MASK");
            assertThat(b.driver.findElement(By.cssSelector("#tile-" + door + " .unit")).getText()).isEqualTo(unit);
            b.waitFor(Duration.ofSeconds(2)).until(ExpectedConditions.textToBe(
                    By.cssSelector("#tile-" + door + " .refusals"), "1"));

            // manual unlock: confirmation dialog with a reason -> actuator topic, audit log, confirmed on the tile
            actuator.received().clear();
            String reason = "delivery at the side door " + ItInfrastructure.RUN;
            b.driver.findElement(By.cssSelector("#tile-" + door + " button[data-action=unlock]")).click();
            b.waitFor(Duration.ofSeconds(5)).until(ExpectedConditions.visibilityOfElementLocated(By.id("confirm")));
            b.driver.findElement(By.id("reason")).sendKeys(reason);
            b.driver.findElement(By.id("confirm-submit")).click();
            List<DoorAction> commands = new ArrayList<>();
            Await.until("an UNLOCK on the actuator topic", Duration.ofSeconds(10), () -> {
                MqttTestClient.Received r = actuator.received().poll();
                if (r != null) {
                    try {
                        commands.add(MqttTestClient.CODEC.decodeCommand(r.payload()).action());
                    } catch (io.maskgate.protocol.ProtocolException e) {
                        throw new AssertionError(e);
                    }
                }
                return commands.contains(DoorAction.UNLOCK);
            });
            assertThat(audit.latest(200)).anySatisfy(e -> {
                assertThat(e.actor()).isEqualTo(operator);
                assertThat(e.action()).isEqualTo("MANUAL_UNLOCK");
                assertThat(e.target()).isEqualTo(door);
                assertThat(e.detail()).contains(reason);
            });
            b.waitFor(Duration.ofSeconds(5)).until(ExpectedConditions.textToBe(
                    By.cssSelector("#tile-" + door + " .lock"), "Unlocked, confirmed by the actuator"));
            assertThat(b.driver.findElement(By.cssSelector("p.notice")).getText()).contains("UNLOCK sent");
            b.screenshot("entrances");

            // charts draw from the service's own data
            // (the IT context is shared with other tests' busier doors, so this door is asked for by id)
            b.open("/console/charts?door=" + door);
            b.waitFor(Duration.ofSeconds(10)).until(ExpectedConditions.presenceOfElementLocated(
                    By.cssSelector("#chart-decisions canvas")));
            b.waitFor(Duration.ofSeconds(10)).until(d -> d.findElement(By.cssSelector("#chart-decisions .u-legend"))
                    .getText().contains(door));
            b.screenshot("charts");

            // an operator gets a 403 page (not a stack trace) on admin pages
            for (String admin : List.of("/console/doors", "/console/units", "/console/users")) {
                b.open(admin);
                assertThat(b.driver.findElement(By.tagName("h1")).getText()).as(admin).contains("403");
                assertThat(b.driver.getPageSource()).doesNotContain("Exception").doesNotContain("at io.maskgate");
            }
            b.screenshot("forbidden");

            // CSRF: the operator's own session posting the form without its token is refused, and nothing is sent
            int auditBefore = audit.latest(1000).size();
            HttpResponse<String> forged = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                            URI.create(base() + "/console/entrances/" + door + "/unlock"))
                    .header("Cookie", "JSESSIONID=" + b.sessionCookie())
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString("reason=forged")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(forged.statusCode()).isEqualTo(403);
            assertThat(audit.latest(1000)).hasSize(auditBefore);
            assertThat(actuator.received().poll(500, java.util.concurrent.TimeUnit.MILLISECONDS)).isNull();

            // the live stream as a plain client reads it: "tiles" events, each one line of JSON tile states; the
            // former per-tile stream is gone, so a page loaded before the change says "reconnecting…", not "live"
            HttpClient plain = HttpClient.newHttpClient();
            assertThat(plain.send(HttpRequest.newBuilder(URI.create(base() + "/console/live/stream"))
                    .header("Cookie", "JSESSIONID=" + b.sessionCookie()).header("Accept", "text/event-stream")
                    .build(), HttpResponse.BodyHandlers.discarding()).statusCode()).isEqualTo(410);
            HttpResponse<java.util.stream.Stream<String>> live = plain.send(HttpRequest.newBuilder(
                            URI.create(base() + "/console/live/tiles")).header("Cookie", "JSESSIONID="
                            + b.sessionCookie()).header("Accept", "text/event-stream").build(),
                    HttpResponse.BodyHandlers.ofLines());
            assertThat(live.statusCode()).isEqualTo(200);
            assertThat(live.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
            try (java.util.stream.Stream<String> lines = live.body()) {
                com.fasterxml.jackson.databind.JsonNode streamed = java.util.concurrent.CompletableFuture.supplyAsync(
                        () -> tileOf(lines.iterator(), door)).get(10, java.util.concurrent.TimeUnit.SECONDS);
                assertThat(streamed.get("lock").asText()).isEqualTo("UNLOCKED");
                assertThat(streamed.get("lastLabel").asText()).isEqualTo("NO_MASK");
                assertThat(streamed.get("lastScore").asInt()).isEqualTo(937);
                assertThat(streamed.get("lastUnit").asText()).isEqualTo(unit);
                assertThat(streamed.get("refusalsHour").asInt()).isEqualTo(1);
            }
        }
    }

    @Test
    void errorPagesAndTheFrontDoorAnswerPeopleAndProgramsProperly() throws Exception {
        HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
        HttpResponse<String> root = http.send(HttpRequest.newBuilder(URI.create(base() + "/")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(root.statusCode()).isEqualTo(302);
        assertThat(root.headers().firstValue("Location").orElse("")).endsWith("/login");

        HttpResponse<String> error = http.send(HttpRequest.newBuilder(URI.create(base() + "/error"))
                .header("Accept", "application/json").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(error.statusCode()).isEqualTo(404);
        assertThat(error.headers().firstValue("Content-Type").orElse("")).contains("application/problem+json");
        assertThat(error.body()).doesNotContain("999");

        HttpResponse<String> errorPage = http.send(HttpRequest.newBuilder(URI.create(base() + "/error"))
                .header("Accept", "text/html").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(errorPage.statusCode()).isEqualTo(404);
        assertThat(errorPage.body()).contains("There is nothing at this address");

        HttpResponse<String> longQuery = http.send(HttpRequest.newBuilder(URI.create(base() + "/api/events?door="
                + "a".repeat(9000))).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(longQuery.statusCode()).isEqualTo(414);
        assertThat(longQuery.headers().firstValue("Content-Type").orElse("")).contains("application/problem+json");
    }

    @Test
    void adminConfiguresDoorsUnitsAndUsersAndEveryUserStringRendersAsText() throws Exception {
        String xss = "<script>window.__xss=1</script>\"'><img src=x onerror=\"window.__xss=2\">";
        String door = id("xdoor");
        createDoor(door);
        // rename through the API to a hostile name
        rest.put("/api/doors/" + door, java.util.Map.of("name", xss));
        String unitId = id("xunit");
        // unit ids obey the id rules, so a hostile one only ever comes back as what a person typed
        String hostileUnit = "<img src=x onerror=window.__xss=3>\"'<script>"; // fits the field's 64

        try (Browser b = new Browser(base())) {
            b.login(ADMIN, ADMIN_PASSWORD);
            b.open("/console/units");
            b.driver.findElement(By.id("new-unit-id")).sendKeys(hostileUnit);
            new org.openqa.selenium.support.ui.Select(b.driver.findElement(By.id("new-unit-door")))
                    .selectByValue(door);
            b.driver.findElement(By.cssSelector("#new-unit button[type=submit]")).click();
            b.waitFor(Duration.ofSeconds(5)).until(ExpectedConditions.textToBePresentInElementLocated(
                    By.cssSelector("#new-unit .field-error"), "id must match"));
            assertThat(b.driver.findElement(By.id("new-unit-id")).getAttribute("value")).isEqualTo(hostileUnit);
            assertNoScriptRan(b);
            b.open("/console/events?unit=" + java.net.URLEncoder.encode(hostileUnit,
                    java.nio.charset.StandardCharsets.UTF_8));
            assertThat(b.driver.findElement(By.cssSelector("p.error")).getText()).contains("unit must match");
            assertThat(b.driver.findElement(By.name("unit")).getAttribute("value")).isEqualTo(hostileUnit);
            assertNoScriptRan(b);

            // Units: register at the hostile door; the secret and firmware snippet are shown once
            b.open("/console/units");
            b.driver.findElement(By.id("new-unit-id")).sendKeys(unitId);
            b.driver.findElement(By.id("new-unit-name")).sendKeys(xss);
            new org.openqa.selenium.support.ui.Select(b.driver.findElement(By.id("new-unit-door")))
                    .selectByValue(door);
            b.driver.findElement(By.cssSelector("#new-unit button[type=submit]")).click();
            String secret = b.waitFor(Duration.ofSeconds(5)).until(ExpectedConditions.visibilityOfElementLocated(
                    By.id("unit-secret"))).getText();
            assertThat(io.maskgate.protocol.HmacKey.parse(secret).bytes()).hasSize(32);
            assertThat(b.driver.findElement(By.id("unit-snippet")).getText()).contains("\"unit_id\" : \"" + unitId)
                    .contains(secret);
            assertNoScriptRan(b);
            assertThat(b.driver.findElement(By.cssSelector("#unit-" + unitId + " .unit-name")).getText())
                    .isEqualTo(xss);
            b.screenshot("units");
            b.open("/console/units");
            assertThat(b.driver.findElements(By.id("unit-secret"))).as("secret shown once").isEmpty();

            // Entrances tile, Doors list and edit form show the hostile name as text
            b.open("/console");
            b.waitFor(Duration.ofSeconds(5)).until(ExpectedConditions.textToBe(
                    By.cssSelector("#tile-" + door + " .door-name span"), xss));
            assertNoScriptRan(b);
            // renamed while the page is open: the new name reaches the tile over the live stream, still as text
            String xssLive = "<img src=x onerror=\"window.__xss=4\"><script>window.__xss=5</script>";
            b.waitFor(Duration.ofSeconds(10)).until(ExpectedConditions.textToBe(By.id("live-state"), "live"));
            rest.put("/api/doors/" + door, java.util.Map.of("name", xssLive));
            b.waitFor(Duration.ofSeconds(10)).until(ExpectedConditions.textToBe(
                    By.cssSelector("#tile-" + door + " .door-name span"), xssLive));
            assertNoScriptRan(b);
            b.driver.findElement(By.cssSelector("#tile-" + door + " button[data-action=unlock]")).click();
            assertThat(b.waitFor(Duration.ofSeconds(5)).until(ExpectedConditions.visibilityOfElementLocated(
                    By.id("confirm-door"))).getText()).isEqualTo(xssLive + " (" + door + ")");
            b.driver.findElement(By.id("confirm-cancel")).click();
            assertNoScriptRan(b);
            rest.put("/api/doors/" + door, java.util.Map.of("name", xss));
            b.open("/console/doors");
            assertThat(b.driver.findElement(By.cssSelector("#door-" + door + " .door-name")).getText())
                    .isEqualTo(xss);
            assertNoScriptRan(b);
            b.screenshot("doors");

            // Policy edit: a bad value is refused at its field and nothing is stored; a good one is saved
            b.open("/console/doors/" + door);
            assertThat(b.driver.findElement(By.id("name")).getAttribute("value")).isEqualTo(xss);
            assertNoScriptRan(b);
            b.driver.findElement(By.id("minScore")).clear();
            b.driver.findElement(By.id("minScore")).sendKeys("5000");
            b.driver.findElement(By.id("windowFrames")).clear();
            b.driver.findElement(By.id("windowFrames")).sendKeys("0");
            b.driver.findElement(By.cssSelector("#policy-form button[type=submit]")).click();
            assertThat(b.waitFor(Duration.ofSeconds(5)).until(ExpectedConditions.visibilityOfElementLocated(
                    By.id("minScore-error"))).getText()).contains("minScore must be 0..1000");
            assertThat(b.driver.findElement(By.id("minScore")).getAttribute("aria-invalid")).isEqualTo("true");
            assertThat(b.driver.findElement(By.id("minScore")).getAttribute("value")).isEqualTo("5000");
            assertThat(b.driver.findElement(By.id("windowFrames-error")).getText()).contains("windowFrames");
            assertThat(b.driver.findElements(By.id("unlockMs-error"))).isEmpty();
            b.screenshot("door-edit-refused");
            assertThat(rest.getForObject("/api/doors/" + door + "/policy", com.fasterxml.jackson.databind.JsonNode.class)
                    .get("minScore").asInt()).isEqualTo(700);
            b.driver.findElement(By.id("minScore")).clear();
            b.driver.findElement(By.id("minScore")).sendKeys("800");
            b.driver.findElement(By.id("windowFrames")).clear();
            b.driver.findElement(By.id("windowFrames")).sendKeys("3");
            b.driver.findElement(By.cssSelector("#policy-form button[type=submit]")).click();
            b.waitFor(Duration.ofSeconds(5)).until(ExpectedConditions.urlMatches(".*/console/doors$"));
            com.fasterxml.jackson.databind.JsonNode saved = rest.getForObject("/api/doors/" + door + "/policy",
                    com.fasterxml.jackson.databind.JsonNode.class);
            assertThat(saved.get("minScore").asInt()).isEqualTo(800);
            assertThat(saved.get("windowFrames").asInt()).isEqualTo(3);

            // Events of the hostile door (the console's unit registration and the policy change are in the log)
            b.open("/console/events?door=" + door);
            assertNoScriptRan(b);
            b.screenshot("events");
            b.open("/console/events?door=bad%20id!");
            assertThat(b.driver.findElement(By.cssSelector("p.error")).getText()).contains("door must match");

            // Users and audit: create an operator; the audit log shows the hostile unit name as text
            String user = id("newop");
            b.open("/console/users");
            b.driver.findElement(By.id("new-username")).sendKeys(user);
            b.driver.findElement(By.id("new-password")).sendKeys("short");
            b.driver.findElement(By.cssSelector("#new-user button[type=submit]")).click();
            // the form is swapped in by htmx: wait for the answer instead of reading the page at once
            b.waitFor(Duration.ofSeconds(5)).until(d -> d.getPageSource()
                    .contains("password must be at least 12 characters"));
            b.driver.findElement(By.id("new-password")).sendKeys("a-long-enough-password");
            b.driver.findElement(By.cssSelector("#new-user button[type=submit]")).click();
            b.waitFor(Duration.ofSeconds(5)).until(ExpectedConditions.presenceOfElementLocated(By.id("user-" + user)));
            assertThat(accounts.find(user)).hasValueSatisfying(a -> assertThat(a.role()).isEqualTo(Role.OPERATOR));
            b.screenshot("users");
            b.open("/console/audit?target=" + unitId);
            assertThat(b.driver.findElements(By.cssSelector("#audit td.target")))
                    .anySatisfy(td -> assertThat(td.getText()).isEqualTo(unitId));
            b.open("/console/audit");
            assertNoScriptRan(b);
            b.screenshot("audit");
        }
    }

    /** The first tile state of {@code door} in a live stream's "tiles" events (each data line a JSON array). */
    private static com.fasterxml.jackson.databind.JsonNode tileOf(java.util.Iterator<String> lines, String door) {
        boolean tiles = false;
        while (lines.hasNext()) {
            String line = lines.next();
            if (line.startsWith("event:")) {
                tiles = line.equals("event:tiles");
            } else if (tiles && line.startsWith("data:")) {
                try {
                    for (com.fasterxml.jackson.databind.JsonNode t : new com.fasterxml.jackson.databind.ObjectMapper()
                            .readTree(line.substring("data:".length()))) {
                        if (door.equals(t.get("doorId").asText())) {
                            return t;
                        }
                    }
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
        }
        throw new AssertionError("the stream ended without a tile of " + door);
    }

    /** No injected script or event handler ran, and no injected element exists in the page. */
    private static void assertNoScriptRan(Browser b) {
        Object flag = ((org.openqa.selenium.JavascriptExecutor) b.driver).executeScript("return window.__xss;");
        assertThat(flag).as("injected script ran on " + b.driver.getCurrentUrl()).isNull();
        assertThat(b.driver.findElements(By.cssSelector("img[src=x]"))).as("injected element").isEmpty();
    }
}
