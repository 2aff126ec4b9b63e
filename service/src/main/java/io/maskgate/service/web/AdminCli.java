package io.maskgate.service.web;

import io.maskgate.service.MaskGateApplication;
import io.maskgate.service.security.Role;
import io.maskgate.service.security.UserAccounts;
import io.maskgate.tinyml.cli.CommandLines;
import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ./maskgate admin create --username NAME [--role ADMIN|OPERATOR]}: creates a user in the configured
 * database (the same configuration as the service; run it while an embedded-database service is stopped).
 * The password comes from MASKGATE_ADMIN_PASSWORD or standard input, never from the command line.
 */
@Command(name = "maskgate admin", mixinStandardHelpOptions = true, description = "Manage service users.")
public final class AdminCli implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    private AdminCli() {
    }

    /** The new user; {@code springArgs} are the --spring.x=... / --maskgate.x=... overrides. */
    record NewUser(String username, Role role, List<String> springArgs) {
    }

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = {"Creates a service user. Password: MASKGATE_ADMIN_PASSWORD, else read from standard "
                    + "input (at least 12 characters). Uses the service's database configuration (embedded by "
                    + "default: stop a running zero-setup service first)."},
            footer = "Also takes the service's --spring.x=... and --maskgate.x=... settings.")
    static final class Create implements Callable<Integer> {
        private final CommandLines.Work<NewUser> work;

        @Spec
        CommandSpec spec;

        @Option(names = "--username", required = true, paramLabel = "NAME")
        String username;

        @Option(names = "--role", defaultValue = "ADMIN", paramLabel = "ADMIN|OPERATOR",
                description = "default ${DEFAULT-VALUE}")
        Role role;

        @CommandLine.Unmatched
        List<String> unmatched = new ArrayList<>();

        Create(CommandLines.Work<NewUser> work) {
            this.work = work;
        }

        @Override
        public Integer call() throws Exception {
            for (String a : unmatched) {
                if (!a.startsWith("--spring.") && !a.startsWith("--maskgate.")) {
                    throw new CommandLine.ParameterException(spec.commandLine(), "unknown option " + a);
                }
            }
            return work.run(new NewUser(username, role, List.copyOf(unmatched)));
        }
    }

    public static void main(String[] args) {
        System.exit(commandLine(AdminCli::create).execute(args));
    }

    static CommandLine commandLine(CommandLines.Work<NewUser> create) {
        CommandLine cl = CommandLines.of(new CommandLine(new AdminCli()).addSubcommand(new Create(create)));
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        return cl;
    }

    @Override
    public Integer call() {
        return CommandLines.missingSubcommand(spec);
    }

    /** Starts the service's database side (no web server, no broker) and creates the user. */
    static int create(NewUser user) throws IOException {
        String password = System.getenv("MASKGATE_ADMIN_PASSWORD");
        if (password == null || password.isEmpty()) {
            password = readPassword();
        }
        int status = 0;
        try (ConfigurableApplicationContext context = new SpringApplicationBuilder(MaskGateApplication.class)
                .web(WebApplicationType.NONE)
                .properties("maskgate.mqtt.disabled=true", "spring.main.banner-mode=off",
                        "logging.level.root=WARN", "maskgate.security.admin-user=",
                        "spring.main.web-application-type=none")
                .run(user.springArgs().toArray(String[]::new))) {
            UserAccounts accounts = context.getBean(UserAccounts.class);
            if (accounts.exists(user.username())) {
                System.err.println("admin create: user '" + user.username() + "' already exists");
                status = 1;
            } else {
                accounts.create(user.username(), password, user.role());
                System.out.println("created " + user.role() + " user '" + user.username() + "'");
            }
        } catch (IllegalArgumentException e) {
            System.err.println("admin create: " + e.getMessage());
            status = 1;
        }
        return status;
    }

    private static String readPassword() throws IOException {
        Console console = System.console();
        if (console != null) {
            char[] p = console.readPassword("password (min 12 characters): ");
            return p == null ? "" : new String(p);
        }
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line = in.readLine();
        return line == null ? "" : line.strip();
    }
}
