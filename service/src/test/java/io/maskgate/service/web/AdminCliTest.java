package io.maskgate.service.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.maskgate.service.security.Role;
import io.maskgate.tinyml.cli.CommandProbe;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code ./maskgate admin}: --help at either level starts no Spring context; bad options exit 2. */
class AdminCliTest {
    private final CommandProbe<AdminCli.NewUser> create = new CommandProbe<>();
    private final CommandLine cl = AdminCli.commandLine(create);

    @Test
    void helpPrintsTheUsageAndCreatesNothing() {
        create.assertHelp(cl, "create");
        CommandProbe.Outcome sub = CommandProbe.execute(cl, "create", "--username", "ops", "--help");
        assertEquals(0, sub.code(), sub.err());
        assertTrue(sub.out().contains("--username") && sub.out().contains("--role")
                && sub.out().contains("MASKGATE_ADMIN_PASSWORD"), sub.out());
        assertEquals(null, create.ran());
    }

    @Test
    void badCommandLinesAreUsageErrors() {
        create.assertUsageError(cl, "missing subcommand");
        create.assertUsageError(cl, "--username", "create");
        create.assertUsageError(cl, "--bogus", "create", "--username", "ops", "--bogus");
        create.assertUsageError(cl, "--role", "create", "--username", "ops", "--role", "ROOT");
    }

    @Test
    void theUserAndTheSpringSettingsReachCreate() {
        assertEquals(0, CommandProbe.execute(cl, "create", "--username", "ops", "--role", "operator",
                "--spring.datasource.url=jdbc:postgresql://db/maskgate").code());
        assertEquals(new AdminCli.NewUser("ops", Role.OPERATOR, List.of("--spring.datasource.url=jdbc:postgresql://db/maskgate")),
                create.ran());
    }
}
