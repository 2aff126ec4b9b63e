package io.maskgate.service.web;

import io.maskgate.service.MaskGateApplication;
import io.maskgate.service.security.Role;
import io.maskgate.service.security.UserAccounts;
import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * {@code ./maskgate admin create --username NAME [--role ADMIN|OPERATOR]}: creates a user in the configured
 * database (the same configuration as the service; run it while an embedded-database service is stopped).
 * The password comes from MASKGATE_ADMIN_PASSWORD or standard input, never from the command line.
 */
public final class AdminCli {

    private AdminCli() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length == 0 || !"create".equals(args[0]) || has(args, "--help") || has(args, "-h")) {
            System.out.println("""
                    Usage: ./maskgate admin create --username NAME [--role ADMIN|OPERATOR] [--spring.x=...]
                      Creates a service user. Password: MASKGATE_ADMIN_PASSWORD, else read from standard input
                      (at least 12 characters). Uses the service's database configuration (embedded by default:
                      stop a running zero-setup service first).""");
            System.exit(args.length == 0 || !"create".equals(args[0]) ? 2 : 0);
        }
        String username = value(args, "--username");
        Role role = Role.valueOf(value(args, "--role") == null ? "ADMIN" : value(args, "--role").toUpperCase());
        if (username == null) {
            System.err.println("admin create: --username is required");
            System.exit(2);
        }
        String password = System.getenv("MASKGATE_ADMIN_PASSWORD");
        if (password == null || password.isEmpty()) {
            password = readPassword();
        }
        String[] springArgs = java.util.Arrays.stream(args).filter(a -> a.startsWith("--spring.")
                || a.startsWith("--maskgate.")).toArray(String[]::new);
        int status = 0;
        try (ConfigurableApplicationContext context = new SpringApplicationBuilder(MaskGateApplication.class)
                .web(WebApplicationType.NONE)
                .properties("maskgate.mqtt.disabled=true", "spring.main.banner-mode=off",
                        "logging.level.root=WARN", "maskgate.security.admin-user=",
                        "spring.main.web-application-type=none")
                .run(springArgs)) {
            UserAccounts accounts = context.getBean(UserAccounts.class);
            if (accounts.exists(username)) {
                System.err.println("admin create: user '" + username + "' already exists");
                status = 1;
            } else {
                accounts.create(username, password, role);
                System.out.println("created " + role + " user '" + username + "'");
            }
        } catch (IllegalArgumentException e) {
            System.err.println("admin create: " + e.getMessage());
            status = 1;
        }
        System.exit(status);
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

    private static boolean has(String[] args, String flag) {
        return java.util.Arrays.asList(args).contains(flag);
    }

    private static String value(String[] args, String flag) {
        for (int i = 0; i < args.length - 1; i++) {
            if (args[i].equals(flag)) {
                return args[i + 1];
            }
        }
        return null;
    }
}
