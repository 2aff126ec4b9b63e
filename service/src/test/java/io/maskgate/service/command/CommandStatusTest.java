package io.maskgate.service.command;

import static io.maskgate.service.command.CommandStatus.DONE;
import static io.maskgate.service.command.CommandStatus.NO_ACK;
import static io.maskgate.service.command.CommandStatus.REJECTED;
import static io.maskgate.service.command.CommandStatus.RESENT;
import static io.maskgate.service.command.CommandStatus.SENT;
import static io.maskgate.service.command.CommandStatus.SUPERSEDED;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class CommandStatusTest {

    @Test
    void finalStatusesAreNeverLeftAndAttemptsOnlyMoveForward() {
        assertThat(SENT.then(RESENT)).isEqualTo(RESENT);
        assertThat(RESENT.then(RESENT)).isEqualTo(RESENT);
        assertThat(RESENT.then(SENT)).as("a late first-attempt record").isEqualTo(RESENT);
        for (CommandStatus open : List.of(SENT, RESENT)) {
            for (CommandStatus end : List.of(DONE, REJECTED, NO_ACK, SUPERSEDED)) {
                assertThat(open.then(end)).isEqualTo(end);
            }
        }
        for (CommandStatus end : List.of(DONE, REJECTED, NO_ACK, SUPERSEDED)) {
            assertThat(end.isFinal()).isTrue();
            for (CommandStatus any : CommandStatus.values()) {
                assertThat(end.then(any)).as(end + " then " + any).isEqualTo(end);
            }
        }
    }

    @Test
    void theDatabaseCheckListsExactlyTheEnumsNames() throws IOException {
        // the newest migration that (re)defines door_commands' status CHECK
        Path db = Path.of("..", "db");
        String latest = null;
        try (Stream<Path> files = Files.list(db)) {
            for (Path f : files.sorted((a, b) -> Integer.compare(version(a), version(b))).toList()) {
                String sql = Files.readString(f);
                Matcher m = Pattern.compile("CHECK \\(status IN \\(([^)]*)\\)\\)")
                        .matcher(sql);
                if (f.getFileName().toString().contains("command") && m.find()) {
                    latest = m.group(1);
                }
            }
        }
        assertThat(latest).isNotNull();
        assertThat(Arrays.stream(latest.split(",")).map(s -> s.trim().replace("'", "")).toList())
                .containsExactlyInAnyOrder(Arrays.stream(CommandStatus.values()).map(Enum::name)
                        .toArray(String[]::new));
    }

    @Test
    void sqlRuleIsGeneratedFromTheEnum() {
        assertThat(CommandStatus.sqlThen("cur", "nxt")).isEqualTo(
                "CASE WHEN cur IN ('SENT', 'RESENT') AND NOT (nxt = 'SENT' AND cur <> 'SENT') THEN nxt ELSE cur END");
    }

    private static int version(Path f) {
        String name = f.getFileName().toString();
        return Integer.parseInt(name.substring(1, name.indexOf("__")));
    }
}
