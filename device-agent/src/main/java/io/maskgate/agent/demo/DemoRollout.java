package io.maskgate.agent.demo;

import com.fasterxml.jackson.databind.JsonNode;
import io.maskgate.agent.service.ServiceClient;
import io.maskgate.tinyml.model.TfliteModel;
import io.maskgate.tinyml.writer.TfliteWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The demo's over-the-air part: 20 s after the units start, publish a second model version (models/maskgate-tiny-v2
 * when it is there, else the shipped model re-tagged as maskgate-tiny-v1.1: same weights, new bytes), print the
 * gate's verdict, roll it out to both cameras (canary, then the rest) and print the progress until it finishes.
 */
final class DemoRollout {

    private DemoRollout() {
    }

    static void schedule(ServiceClient api, Path home, Path v1File, List<ScheduledExecutorService> loops) {
        ScheduledExecutorService s = Executors.newSingleThreadScheduledExecutor();
        loops.add(s);
        s.schedule(() -> {
            try {
                run(api, home, v1File);
            } catch (Exception e) {
                System.out.println("demo: rollout part skipped: " + e.getMessage());
            }
        }, 20, TimeUnit.SECONDS);
    }

    private static void run(ServiceClient api, Path home, Path v1File) throws Exception {
        Path v2Dir = home.resolve("models/maskgate-tiny-v2");
        String version;
        byte[] model;
        String labels = Files.readString(v1File.resolveSibling("labels.txt"));
        if (Files.isRegularFile(v2Dir.resolve("model.tflite"))) {
            version = "maskgate-tiny-v2";
            model = Files.readAllBytes(v2Dir.resolve("model.tflite"));
            labels = Files.readString(v2Dir.resolve("labels.txt"));
        } else {
            version = "maskgate-tiny-v1.1";
            TfliteModel m = TfliteModel.read(v1File);
            model = TfliteWriter.write(new TfliteModel(m.tensors(), m.operators(), m.inputs(), m.outputs(),
                    m.version(), "maskgate-tiny-v1 re-tagged as v1.1 by the demo", 0));
        }
        System.out.printf("%ndemo: OTA: publishing model %s (%,d bytes) through the validation gate...%n", version,
                model.length);
        JsonNode published = api.publishModel(version, model, labels, null, null);
        JsonNode report = published.get("report");
        for (JsonNode c : report.get("checks")) {
            System.out.printf("demo: OTA:   gate %-8s %s %s%n", c.get("name").asText(),
                    c.get("passed").asBoolean() ? "ok  " : "FAIL", c.get("detail").asText());
        }
        if (!report.get("passed").asBoolean()) {
            System.out.println("demo: OTA: the gate refused it; nothing is rolled out");
            return;
        }
        JsonNode created = api.post("api/rollouts", Map.of("name", "demo rollout of " + version, "version", version,
                "target", Map.of("type", "DOORS", "values", List.of("front-door", "lab-door")), "canary", 1,
                "waves", List.of(100), "errorThreshold", 50));
        long id = created.get("rollout").get("id").asLong();
        api.post("api/rollouts/" + id + "/start", null);
        System.out.printf("demo: OTA: rollout %d started: canary 1 camera, then the other%n", id);
        String last = "";
        for (int i = 0; i < 300; i++) {
            JsonNode view = api.get("api/rollouts/" + id);
            StringBuilder line = new StringBuilder(view.get("rollout").get("status").asText());
            for (JsonNode g : view.get("groups")) {
                line.append("  ").append(g.get("name").asText()).append(' ').append(g.get("status").asText())
                        .append(' ').append(g.get("actions"));
            }
            if (!line.toString().equals(last)) {
                System.out.println("demo: OTA: rollout " + id + ": " + line);
                last = line.toString();
            }
            String status = view.get("rollout").get("status").asText();
            if (!status.equals("RUNNING")) {
                break;
            }
            Thread.sleep(1000);
        }
        System.out.println("demo: OTA: units by model version: " + api.get("api/fleet/models")
                .get("unitsByModelVersion") + "  (curl -u demo-admin:... " + "/api/rollouts/" + id + ")\n");
    }
}
