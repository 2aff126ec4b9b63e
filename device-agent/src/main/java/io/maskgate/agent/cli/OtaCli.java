package io.maskgate.agent.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.maskgate.agent.service.ServiceClient;
import io.maskgate.tinyml.cli.CommandLines;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code ./maskgate model publish} and {@code ./maskgate rollout ...}: the registry and rollout REST API from the
 * command line. Password from MASKGATE_ADMIN_PASSWORD (never an option: it would show in the process list).
 */
public final class OtaCli {

    static final ObjectMapper JSON = new ObjectMapper();

    /** Where the service is and who is asking. */
    static class Connection {
        @Option(names = "--service", defaultValue = "http://127.0.0.1:8080", description = "service base URL")
        String service;

        @Option(names = "--admin-user", defaultValue = "${env:MASKGATE_ADMIN_USER:-demo-admin}",
                description = "ADMIN user (password from env MASKGATE_ADMIN_PASSWORD)")
        String user;

        ServiceClient client() {
            String password = System.getenv("MASKGATE_ADMIN_PASSWORD");
            if (password == null || password.isEmpty()) {
                throw new CommandLine.ParameterException(new CommandLine(this),
                        "set MASKGATE_ADMIN_PASSWORD (the demo prints it and writes var/demo/demo-credentials.txt)");
            }
            return new ServiceClient(service, user, password.toCharArray());
        }
    }

    /**
     * -h/--help for the commands with a --version option of their own: with it, picocli silently leaves out
     * mixinStandardHelpOptions (its -V/--version would clash), and --help was an unknown option.
     */
    static class HelpOption {
        @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
        boolean help;
    }

    @Command(name = "maskgate model publish",
            description = "Upload a model folder (model.tflite, labels.txt, model-card.json) and print the gate report.")
    static class Publish implements Callable<Integer> {
        @CommandLine.Mixin
        HelpOption help = new HelpOption();

        @CommandLine.Mixin
        Connection connection = new Connection();

        @Option(names = "--model", required = true, description = "model folder")
        Path dir;

        @Option(names = "--version", description = "version (default: the model card's name, else the folder name)")
        String version;

        @Option(names = "--baseline", description = "version to compare accuracy with (default: newest READY)")
        String baseline;

        @Override
        public Integer call() throws Exception {
            byte[] model = Files.readAllBytes(dir.resolve("model.tflite"));
            String labels = Files.readString(dir.resolve("labels.txt"));
            Path cardFile = dir.resolve("model-card.json");
            String card = Files.isRegularFile(cardFile) ? Files.readString(cardFile) : null;
            String v = version;
            if (v == null && card != null && JSON.readTree(card).hasNonNull("name")) {
                v = JSON.readTree(card).get("name").asText();
            }
            if (v == null) {
                v = dir.getFileName().toString();
            }
            Path savedModel = dir.resolve("saved_model");
            byte[] floatZip = Files.isRegularFile(savedModel.resolve("saved_model.pb")) ? zip(savedModel) : null;
            JsonNode answer = connection.client().publishModel(v, model, labels, card, baseline, floatZip);
            JsonNode report = answer.get("report");
            System.out.printf("model %s (%,d bytes, sha256 %s): %s%n", v, model.length,
                    report.get("sha256").asText(), report.get("passed").asBoolean() ? "PASSED the gate (READY)"
                            : "REFUSED by the gate");
            for (JsonNode c : report.get("checks")) {
                System.out.printf("  %-8s %s  %s%n", c.get("name").asText(), c.get("passed").asBoolean() ? "ok  "
                        : "FAIL", c.get("detail").asText());
            }
            if (report.hasNonNull("facts")) {
                JsonNode f = report.get("facts");
                System.out.printf("  facts    ops %s, params %,d, MACs %,d, arena %,d bytes, est. %.0f FPS%n",
                        f.get("ops"), f.get("params").asLong(), f.get("macs").asLong(), f.get("arenaBytes").asInt(),
                        f.get("estimatedFps").asDouble());
            }
            if (report.hasNonNull("agreement")) {
                System.out.printf("  float    %s%n", report.get("agreement").get("detail").asText());
            }
            return report.get("passed").asBoolean() ? 0 : 3;
        }

        /** The float SavedModel folder as the registry stores it: its regular files, relative names, sorted. */
        static byte[] zip(Path savedModel) throws java.io.IOException {
            java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
            try (java.util.zip.ZipOutputStream out = new java.util.zip.ZipOutputStream(bytes);
                 java.util.stream.Stream<Path> files = Files.walk(savedModel)) {
                for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                    java.util.zip.ZipEntry e = new java.util.zip.ZipEntry(
                            savedModel.relativize(f).toString().replace('\\', '/'));
                    e.setTime(0);
                    out.putNextEntry(e);
                    Files.copy(f, out);
                    out.closeEntry();
                }
            }
            return bytes.toByteArray();
        }
    }

    @Command(name = "maskgate rollout", mixinStandardHelpOptions = true,
            description = "Create, drive and watch rollouts.", subcommands = {Create.class, Show.class, ListRollouts.class, Act.class})
    static class Rollout implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            return CommandLines.missingSubcommand(spec);
        }
    }

    @Command(name = "create", description = "Create a rollout (starts READY).")
    static class Create implements Callable<Integer> {
        @CommandLine.Mixin
        HelpOption help = new HelpOption();

        @CommandLine.Mixin
        Connection connection = new Connection();

        @Option(names = "--version", required = true)
        String version;

        @Option(names = "--all", description = "every enabled unit (default when no other target is given)")
        boolean all;

        @Option(names = "--doors", split = ",", description = "units of these doors")
        List<String> doors;

        @Option(names = "--tags", split = ",", description = "units with any of these tags")
        List<String> tags;

        @Option(names = "--units", split = ",", description = "these units")
        List<String> units;

        @Option(names = "--canary", defaultValue = "1")
        int canary;

        @Option(names = "--waves", split = ",", defaultValue = "50,100",
                description = "cumulative percentages of the rest")
        List<Integer> waves;

        @Option(names = "--order", defaultValue = "RANDOM", description = "RANDOM or BY_DOOR")
        String order;

        @Option(names = "--success-threshold", defaultValue = "100")
        int success;

        @Option(names = "--error-threshold", defaultValue = "20")
        int error;

        @Option(names = "--rate-per-minute", defaultValue = "0")
        int rate;

        @Option(names = "--approval", description = "a second admin must approve")
        boolean approval;

        @Option(names = "--start", description = "start at once (not with --approval)")
        boolean start;

        @Override
        public Integer call() throws Exception {
            Map<String, Object> target = new LinkedHashMap<>();
            if (doors != null) {
                target.put("type", "DOORS");
                target.put("values", doors);
            } else if (tags != null) {
                target.put("type", "TAGS");
                target.put("values", tags);
            } else if (units != null) {
                target.put("type", "UNITS");
                target.put("values", units);
            } else {
                target.put("type", "ALL");
            }
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("version", version);
            body.put("target", target);
            body.put("canary", canary);
            body.put("waves", waves);
            body.put("order", order);
            body.put("successThreshold", success);
            body.put("errorThreshold", error);
            body.put("ratePerMinute", rate);
            body.put("approval", approval);
            ServiceClient api = connection.client();
            JsonNode created = api.post("api/rollouts", body);
            long id = created.get("rollout").get("id").asLong();
            if (start) {
                created = api.post("api/rollouts/" + id + "/start", null);
            }
            Show.print(created);
            return 0;
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "Progress of a rollout per group.")
    static class Show implements Callable<Integer> {
        @CommandLine.Mixin
        Connection connection = new Connection();

        @Parameters(index = "0")
        long id;

        @Override
        public Integer call() throws Exception {
            print(connection.client().get("api/rollouts/" + id));
            return 0;
        }

        static void print(JsonNode view) {
            JsonNode r = view.get("rollout");
            System.out.printf("rollout %d %s: %s %s%s%n", r.get("id").asLong(), r.get("name").asText(),
                    r.get("status").asText(), r.get("modelVersion").asText(""),
                    r.hasNonNull("statusReason") ? " (" + r.get("statusReason").asText() + ")" : "");
            for (JsonNode g : view.get("groups")) {
                System.out.printf("  %-8s %-9s %4d units  %s%n", g.get("name").asText(), g.get("status").asText(),
                        g.get("units").asInt(), g.get("actions"));
            }
            if (view.get("failureReasons").size() > 0) {
                System.out.println("  failures: " + view.get("failureReasons"));
            }
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "All rollouts, newest first.")
    static class ListRollouts implements Callable<Integer> {
        @CommandLine.Mixin
        Connection connection = new Connection();

        @Override
        public Integer call() throws Exception {
            for (JsonNode r : connection.client().get("api/rollouts")) {
                System.out.printf("%5d  %-20s %-10s %s%n", r.get("id").asLong(), r.get("status").asText(),
                        r.get("kind").asText(), r.get("modelVersion").asText(""));
            }
            return 0;
        }
    }

    @Command(name = "do", mixinStandardHelpOptions = true,
            description = "approve | start | pause | resume | cancel | rollback a rollout.")
    static class Act implements Callable<Integer> {
        @CommandLine.Mixin
        Connection connection = new Connection();

        @Parameters(index = "0", description = "approve, start, pause, resume, cancel or rollback")
        String action;

        @Parameters(index = "1")
        long id;

        @Option(names = "--group", description = "rollback: only this group (index, 0 = canary)")
        Integer group;

        @Override
        public Integer call() throws Exception {
            if (!List.of("approve", "start", "pause", "resume", "cancel", "rollback").contains(action)) {
                throw new CommandLine.ParameterException(new CommandLine(this), "unknown action " + action);
            }
            Map<String, Object> body = new LinkedHashMap<>();
            if (group != null) {
                body.put("group", group);
            }
            Show.print(connection.client().post("api/rollouts/" + id + "/" + action, body));
            return 0;
        }
    }

    private OtaCli() {
    }

    /** {@code publish ...} or {@code rollout ...}. */
    public static void main(String[] args) {
        List<String> rest = new ArrayList<>(List.of(args));
        String first = rest.isEmpty() ? "" : rest.remove(0);
        CommandLine cl = CommandLines.of(first.equals("publish") ? new Publish() : new Rollout());
        if (!first.equals("publish") && !first.equals("rollout")) {
            rest.add(0, first);
        }
        System.exit(cl.execute(rest.toArray(String[]::new)));
    }
}
