package io.maskgate.service;

import io.maskgate.tinyml.cli.CommandLines;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./maskgate service}'s command line: {@code --help} (or {@code -h}) prints where the configuration is
 * and exits before Spring starts; every other argument is a Spring setting ({@code --key=value}) handed to
 * {@link #call()}, where the service starts. Kept out of {@link MaskGateApplication} so that the Spring
 * configuration class carries no parser state.
 */
@Command(name = "maskgate service", sortOptions = false,
        description = {"Starts the MaskGate service: embedded PostgreSQL and an in-process MQTT broker unless "
                + "configured, HTTP on port 8080.", ""},
        footer = {"",
                "Settings: --key=value arguments, Spring properties or environment variables:",
                "  SPRING_DATASOURCE_URL, _USERNAME, _PASSWORD   a real PostgreSQL",
                "  MASKGATE_MQTT_URL, _USERNAME, _PASSWORD       a real MQTT v5 broker",
                "  MASKGATE_MASTER_KEY (or _FILE)                encrypts unit and door keys",
                "  MASKGATE_ADMIN_USER, MASKGATE_ADMIN_PASSWORD  first admin, made at start",
                "  MASKGATE_HTTP_PORT, MASKGATE_DATA_DIR         port (8080), data (var/)",
                "  MASKGATE_HTTPS_KEYSTORE (+ _PASSWORD)         HTTPS: PKCS#12 key store",
                "  MASKGATE_OTA_FLEET_KEY (or _FILE)             signs model manifests",
                "  SPRING_PROFILES_ACTIVE=prod | demo            production checks | demo users",
                "Every key: README.md (Configuration), service/README.md#configuration and",
                "service/src/main/resources/application.yml."})
public final class ServiceCommand implements Callable<Integer> {
    private final CommandLines.Work<String[]> start;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "print this and exit")
    boolean help;

    @CommandLine.Parameters(arity = "0..*", paramLabel = "--key=value", description = "Spring settings")
    List<String> settings = new ArrayList<>();

    /** @param start starts the service with the given Spring arguments */
    public ServiceCommand(CommandLines.Work<String[]> start) {
        this.start = start;
    }

    /** The parser: nothing but --help is an option of its own, the rest goes to Spring unchanged. */
    public static CommandLine commandLine(CommandLines.Work<String[]> start) {
        CommandLine cl = CommandLines.of(new ServiceCommand(start));
        cl.setUnmatchedOptionsArePositionalParams(true);
        cl.setExpandAtFiles(false);
        return cl;
    }

    @Override
    public Integer call() throws Exception {
        return start.run(settings.toArray(String[]::new));
    }
}
