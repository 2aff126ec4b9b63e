package io.maskgate.service.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.maskgate.protocol.HmacKey;
import io.maskgate.protocol.Label;
import io.maskgate.protocol.OtaReport;
import io.maskgate.protocol.OtaState;
import io.maskgate.protocol.Signer;
import io.maskgate.protocol.Topics;
import io.maskgate.protocol.UnitStatus;
import io.maskgate.service.audit.AuditLog;
import io.maskgate.service.it.AbstractServiceIT;
import io.maskgate.service.it.Await;
import io.maskgate.service.it.Frames;
import io.maskgate.service.it.ItInfrastructure;
import io.maskgate.service.it.MqttTestClient;
import io.maskgate.service.model.ModelMutations;
import io.maskgate.service.rollout.Action;
import io.maskgate.service.rollout.ActionStatus;
import io.maskgate.service.rollout.RolloutService;
import io.maskgate.service.security.Role;
import io.maskgate.service.security.UserAccounts;
import java.nio.file.Files;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.io.ByteArrayResource;
import org.springframework.http.HttpEntity;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;

/**
 * Issue 13, acceptance 3 in a real headless Chromium against the real service, PostgreSQL and MQTT broker: an
 * operator opens a dispute from the events page and settles it with the keyboard alone; an admin creates a rollout
 * of a registered model to two registered units, starts it, watches its progress change without a reload as the
 * units' signed OTA reports arrive on the broker, pauses it; hostile rollout names and model reasons render as text.
 */
class ConsoleDisputesRolloutsIT extends AbstractServiceIT {

    static final String XSS = "<script>window.__xss=1</script>\"'><img src=x onerror=\"window.__xss=2\">";

    @LocalServerPort
    int port;

    @Autowired
    UserAccounts accounts;

    @Autowired
    AuditLog audit;

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    RolloutService rollouts;

    String base() {
        return "http://localhost:" + port;
    }

    @Test
    void operatorOpensADisputeFromTheEventsPageAndSettlesItWithTheKeyboardAlone() throws Exception {
        String operator = id("dop");
        accounts.create(operator, ConsoleIT.OPERATOR_PASSWORD, Role.OPERATOR);
        String door = id("ddoor");
        String unit = id("dunit");
        createDoor(door);
        HmacKey key = registerUnit(unit, door);
        // an uncertainty band around the score: the unit's crop is kept (and re-verified by the float model)
        Map<String, Object> band = new LinkedHashMap<>();
        band.put("bandLow", 300);
        band.put("bandHigh", 850);
        band.put("deadlineMs", null);
        assertThat(rest.exchange("/api/doors/" + door + "/verification", HttpMethod.PUT, new HttpEntity<>(band),
                String.class).getStatusCode()).isEqualTo(HttpStatus.OK);
        byte[] crop = Frames.crop(Frames.images("mask", 1).get(0));
        try (MqttTestClient pub = new MqttTestClient(ItInfrastructure.mqttUrl(), id("unit"))) {
            pub.publishAndWait(Topics.decision(unit), Frames.decision(key, unit, door, 1, Label.MASK, 640));
            pub.publishAndWait(Topics.frame(unit), Frames.frame(key, unit, door, 1, 640, crop));
        }
        Await.until("crop kept", Duration.ofSeconds(30), () -> jdbc.queryForObject(
                "SELECT count(*) FROM frames WHERE unit_id = ?", Integer.class, unit) == 1);
        Await.until("decision logged", Duration.ofSeconds(10),
                () -> events("unit=" + unit + "&kind=DECISION").size() == 1);

        try (Browser b = new Browser(base())) {
            b.login(operator, ConsoleIT.OPERATOR_PASSWORD);
            // the operator disputes the decision from the events page
            b.open("/console/events?kind=DECISION&unit=" + unit);
            b.driver.findElement(By.cssSelector("form.dispute-open button")).click();
            b.waitFor(Duration.ofSeconds(10)).until(ExpectedConditions.urlMatches(".*/console/disputes$"));
            assertThat(b.driver.findElement(By.cssSelector("p.notice")).getText()).contains("opened on " + unit);
            long id = jdbc.queryForObject("SELECT id FROM disputes WHERE unit_id = ? AND seq = 1", Long.class, unit);
            By card = By.id("dispute-" + id);
            assertThat(b.driver.findElement(card).findElement(By.cssSelector(".door")).getText()).isEqualTo(door);
            assertThat(b.driver.findElement(card).findElement(By.cssSelector(".int8 .label")).getText())
                    .isEqualTo("MASK");
            assertThat(b.driver.findElement(card).findElement(By.cssSelector(".int8 .score")).getText())
                    .isEqualTo("640");
            // the kept 32x32 crop is served through the console with the API's authorization, shown pixelated
            WebElement img = b.driver.findElement(card).findElement(By.cssSelector("img.crop"));
            b.waitFor(Duration.ofSeconds(10)).until(d -> Long.valueOf(32).equals(js(b,
                    "return arguments[0].complete ? arguments[0].naturalWidth : -1;", img)));
            assertThat(img.getCssValue("image-rendering")).isEqualTo("pixelated");
            assertThat(img.getSize().getWidth()).isEqualTo(128);
            // the float model's verdict on the crop is shown once it is in
            Await.until("float verdict", Duration.ofSeconds(30), () -> "VERIFIED".equals(jdbc.queryForObject(
                    "SELECT float_status FROM disputes WHERE id = ?", String.class, id)));
            b.driver.navigate().refresh();
            assertThat(b.driver.findElement(card).findElement(By.cssSelector(".float")).getText())
                    .startsWith("MASK (p=");

            // keyboard alone: the oldest dispute has the focus; J moves down the queue until ours is focused
            assertThat(active(b).getAttribute("class")).contains("dispute");
            for (int i = 0; i < 200 && !String.valueOf(id).equals(active(b).getAttribute("data-dispute")); i++) {
                active(b).sendKeys("j");
            }
            assertThat(active(b).getAttribute("data-dispute")).isEqualTo(String.valueOf(id));
            assertThat(active(b).getCssValue("outline-style")).as("visible focus").isEqualTo("solid");
            b.screenshot("disputes");
            active(b).sendKeys("n"); // N = NO_MASK
            b.waitFor(Duration.ofSeconds(10)).until(ExpectedConditions.textToBePresentInElementLocated(
                    By.cssSelector("p.notice"), "Dispute " + id));
            assertThat(b.driver.findElements(card)).as("settled dispute left the queue").isEmpty();
            assertThat(b.driver.findElement(By.cssSelector("#settled-" + id + " .verdict")).getText())
                    .isEqualTo("NO_MASK");
        }
        JsonNode settled = rest.getForObject("/api/disputes/" + id(unit, 1), JsonNode.class);
        assertThat(settled.get("humanVerdict").asText()).isEqualTo("NO_MASK");
        assertThat(settled.get("settledBy").asText()).isEqualTo(operator);
        assertThat(audit.latest(500)).anySatisfy(e -> {
            assertThat(e.actor()).isEqualTo(operator);
            assertThat(e.action()).isEqualTo("DISPUTE_SETTLED");
            assertThat(e.target()).isEqualTo(unit + "/1");
            assertThat(e.detail()).contains("NO_MASK");
        });
        assertThat(audit.latest(500)).anySatisfy(e -> {
            assertThat(e.actor()).isEqualTo(operator);
            assertThat(e.action()).isEqualTo("DISPUTE_OPENED");
        });
    }

    @Test
    void adminStartsWatchesAndPausesARolloutAndHostileNamesRenderAsText() throws Exception {
        String version = id("cmodel");
        ResponseEntity<JsonNode> published = upload(version);
        assertThat(published.getStatusCode()).as(String.valueOf(published.getBody())).isEqualTo(HttpStatus.CREATED);
        String door = id("rdoor");
        createDoor(door);
        String u1 = id("ru1");
        String u2 = id("ru2");
        Map<String, HmacKey> keys = Map.of(u1, registerUnit(u1, door), u2, registerUnit(u2, door));

        try (Browser b = new Browser(base());
             MqttTestClient fleet = new MqttTestClient(ItInfrastructure.mqttUrl(), id("fleet"))) {
            for (String u : keys.keySet()) { // the units come online (their retained status, as the firmware's)
                fleet.publishAndWait(Topics.status(u), MqttTestClient.CODEC.encode(UnitStatus.of(u, true,
                        "maskgate-tiny-v1", 5, 40, 0, System.currentTimeMillis())));
            }
            b.login(ADMIN, ADMIN_PASSWORD);
            b.open("/console/rollouts");
            b.driver.findElement(By.id("name")).sendKeys(XSS);
            new Select(b.driver.findElement(By.id("version"))).selectByValue(version);
            new Select(b.driver.findElement(By.id("targetType"))).selectByValue("UNITS");
            b.driver.findElement(By.id("targetValues")).sendKeys(u1 + ", " + u2);
            b.driver.findElement(By.id("canary")).clear();
            b.driver.findElement(By.id("canary")).sendKeys("1");
            b.driver.findElement(By.id("waves")).clear();
            b.driver.findElement(By.id("waves")).sendKeys("all");
            int before = rollouts.list().size();
            b.driver.findElement(By.cssSelector("#new-rollout button[type=submit]")).click();
            // a bad value is refused at its field, the form keeps what was typed, nothing is created
            assertThat(b.waitFor(Duration.ofSeconds(10)).until(ExpectedConditions.visibilityOfElementLocated(
                    By.id("waves-error"))).getText()).contains("cumulative percentages");
            assertThat(b.driver.findElement(By.id("name")).getAttribute("value")).isEqualTo(XSS);
            assertThat(b.driver.findElement(By.id("targetValues")).getAttribute("value")).isEqualTo(u1 + ", " + u2);
            assertNoScriptRan(b);
            assertThat(rollouts.list()).hasSize(before);
            b.driver.findElement(By.id("waves")).clear();
            b.driver.findElement(By.id("waves")).sendKeys("100");
            b.driver.findElement(By.cssSelector("#new-rollout button[type=submit]")).click();
            b.waitFor(Duration.ofSeconds(10)).until(ExpectedConditions.urlMatches(".*/console/rollouts/\\d+$"));
            String url = b.driver.getCurrentUrl();
            long rolloutId = Long.parseLong(url.substring(url.lastIndexOf('/') + 1));
            assertThat(b.driver.findElement(By.id("rollout-name")).getText()).isEqualTo(XSS);
            assertNoScriptRan(b);
            assertThat(text(b, "rollout-status")).isEqualTo("READY");
            assertThat(b.driver.findElements(By.id("rollout-pause"))).isEmpty();
            assertThat(b.driver.findElements(By.cssSelector("#group-0 .count"))).hasSize(1);
            assertThat(b.driver.findElement(By.cssSelector("#group-0 [data-state=SCHEDULED] .count")).getText())
                    .isEqualTo("1");

            b.driver.findElement(By.id("rollout-start")).click();
            b.waitFor(Duration.ofSeconds(10)).until(ExpectedConditions.textToBe(By.id("rollout-status"), "RUNNING"));
            assertThat(b.driver.findElements(By.id("rollout-start"))).isEmpty();
            // from here on the page is not reloaded: a marker on window survives only htmx swaps
            ((JavascriptExecutor) b.driver).executeScript("window.__sameDocument = 'yes';");
            // the engine offers the canary's unit its model: the page shows it OFFERED
            b.waitFor(Duration.ofSeconds(15)).until(ExpectedConditions.presenceOfElementLocated(
                    By.cssSelector("#group-0 [data-state=OFFERED]")));
            Action canary = rollouts.actions(rolloutId).stream().filter(a -> a.status() == ActionStatus.OFFERED)
                    .findFirst().orElseThrow();
            String other = canary.unitId().equals(u1) ? u2 : u1;
            // the canary unit reports, signed, over the broker: downloading, then its self-test passed
            report(fleet, keys.get(canary.unitId()), canary, OtaState.DOWNLOADING, "maskgate-tiny-v1");
            b.waitFor(Duration.ofSeconds(10)).until(ExpectedConditions.presenceOfElementLocated(
                    By.cssSelector("#group-0 [data-state=DOWNLOADING]")));
            report(fleet, keys.get(canary.unitId()), canary, OtaState.SELF_TEST_PASSED, version);
            b.waitFor(Duration.ofSeconds(10)).until(ExpectedConditions.textToBe(
                    By.cssSelector("#group-0 .succeeded"), "1"));
            b.waitFor(Duration.ofSeconds(10)).until(ExpectedConditions.textToBe(By.id("rollout-done"), "1"));
            // the canary's success starts wave 1: its unit is offered the model
            b.waitFor(Duration.ofSeconds(15)).until(ExpectedConditions.presenceOfElementLocated(
                    By.cssSelector("#group-1 [data-state=OFFERED]")));
            assertThat(b.driver.findElement(By.cssSelector("#actions tr[data-unit=" + other + "] .state")).getText())
                    .isEqualTo("OFFERED");
            assertThat(((JavascriptExecutor) b.driver).executeScript("return window.__sameDocument;"))
                    .as("progress updated without a reload").isEqualTo("yes");

            // pause: PAUSED, and the pause button is replaced by resume
            b.waitFor(Duration.ofSeconds(5)).until(ExpectedConditions.elementToBeClickable(By.id("rollout-pause")))
                    .click();
            b.waitFor(Duration.ofSeconds(10)).until(ExpectedConditions.textToBe(By.id("rollout-status"), "PAUSED"));
            assertThat(b.driver.findElements(By.id("rollout-pause"))).isEmpty();
            assertThat(b.driver.findElement(By.id("rollout-resume")).isDisplayed()).isTrue();
            assertThat(b.driver.findElement(By.id("rollout-cancel")).isDisplayed()).isTrue();
            assertThat(rollouts.get(rolloutId).status().name()).isEqualTo("PAUSED");
            assertThat(audit.latest(500)).anySatisfy(e -> {
                assertThat(e.actor()).isEqualTo(ADMIN);
                assertThat(e.action()).isEqualTo("ROLLOUT_PAUSED");
                assertThat(e.target()).isEqualTo("rollout " + rolloutId);
            });
            b.screenshot("rollout-detail");

            b.open("/console/rollouts");
            assertThat(b.driver.findElement(By.cssSelector("#rollout-" + rolloutId + " .rollout-name")).getText())
                    .isEqualTo(XSS);
            assertNoScriptRan(b);
            b.screenshot("rollouts");

            // Models: retire the version through the confirmation page with a hostile reason; it renders as text
            b.open("/console/models");
            By row = By.cssSelector("#models tr[data-version='" + version + "']");
            assertThat(b.driver.findElement(row).findElement(By.cssSelector(".gate")).getText())
                    .startsWith("passed 6 checks");
            b.driver.findElement(row).findElement(By.linkText("Retire")).click();
            b.waitFor(Duration.ofSeconds(10)).until(ExpectedConditions.visibilityOfElementLocated(By.id("reason")))
                    .sendKeys(XSS);
            b.driver.findElement(By.cssSelector("#model-confirm button[type=submit]")).click();
            b.waitFor(Duration.ofSeconds(10)).until(ExpectedConditions.urlMatches(".*/console/models$"));
            assertThat(b.driver.findElement(row).findElement(By.cssSelector(".status")).getText())
                    .isEqualTo("RETIRED");
            assertThat(b.driver.findElement(row).findElement(By.cssSelector(".status-reason")).getText())
                    .isEqualTo(XSS);
            assertThat(b.driver.findElement(row).findElements(By.linkText("Retire"))).isEmpty();
            assertThat(b.driver.findElement(row).findElements(By.linkText("Reinstate"))).hasSize(1);
            assertNoScriptRan(b);
            b.screenshot("models");
            assertThat(audit.latest(500)).anySatisfy(e -> {
                assertThat(e.action()).isEqualTo("MODEL_RETIRED");
                assertThat(e.target()).isEqualTo(version);
                assertThat(e.detail()).isEqualTo(XSS);
            });
        }
    }

    @Test
    void anOperatorIsKeptOutOfTheModelAndRolloutPagesButSeesDisputes() throws Exception {
        String operator = id("rop");
        accounts.create(operator, ConsoleIT.OPERATOR_PASSWORD, Role.OPERATOR);
        try (Browser b = new Browser(base())) {
            b.login(operator, ConsoleIT.OPERATOR_PASSWORD);
            assertThat(b.driver.findElements(By.linkText("Disputes"))).hasSize(1);
            assertThat(b.driver.findElements(By.linkText("Models"))).isEmpty();
            assertThat(b.driver.findElements(By.linkText("Rollouts"))).isEmpty();
            for (String admin : List.of("/console/models", "/console/rollouts", "/console/rollouts/1")) {
                b.open(admin);
                assertThat(b.driver.findElement(By.tagName("h1")).getText()).as(admin).contains("403");
            }
            b.open("/console/disputes");
            assertThat(b.driver.findElement(By.tagName("h1")).getText()).startsWith("Disputes");
        }
    }

    private long id(String unit, long seq) {
        return jdbc.queryForObject("SELECT id FROM disputes WHERE unit_id = ? AND seq = ?", Long.class, unit, seq);
    }

    private static void report(MqttTestClient fleet, HmacKey key, Action a, OtaState state, String running)
            throws Exception {
        OtaReport r = Signer.sign(OtaReport.unsigned(a.unitId(), a.actionId(), state, a.version(), running, null,
                state == OtaState.DOWNLOADING ? 1024 : a.bytes(), state == OtaState.DOWNLOADING ? 0 : 20480,
                System.currentTimeMillis()), key);
        fleet.publishAndWait(Topics.otaReport(a.unitId()), MqttTestClient.CODEC.encode(r));
    }

    private ResponseEntity<JsonNode> upload(String version) throws Exception {
        MultiValueMap<String, Object> body = new LinkedMultiValueMap<>();
        body.add("version", version);
        body.add("model", file("model.tflite", ModelMutations.shipped()));
        body.add("labels", file("labels.txt", Files.readAllBytes(ModelMutations.shippedDir().resolve("labels.txt"))));
        HttpHeaders h = new HttpHeaders();
        h.setContentType(MediaType.MULTIPART_FORM_DATA);
        return rest.postForEntity("/api/models", new HttpEntity<>(body, h), JsonNode.class);
    }

    private static ByteArrayResource file(String name, byte[] bytes) {
        return new ByteArrayResource(bytes) {
            @Override
            public String getFilename() {
                return name;
            }
        };
    }

    private static WebElement active(Browser b) {
        return b.driver.switchTo().activeElement();
    }

    private static String text(Browser b, String id) {
        return b.driver.findElement(By.id(id)).getText();
    }

    private static Object js(Browser b, String script, Object... args) {
        return ((JavascriptExecutor) b.driver).executeScript(script, args);
    }

    private static void assertNoScriptRan(Browser b) {
        assertThat(js(b, "return window.__xss;")).as("injected script ran on " + b.driver.getCurrentUrl()).isNull();
        assertThat(b.driver.findElements(By.cssSelector("img[src=x]"))).as("injected element").isEmpty();
    }
}
