package io.maskgate.service.command;

import io.maskgate.protocol.DoorAction;
import io.maskgate.protocol.DoorCommand;
import io.maskgate.protocol.Limits;
import io.maskgate.service.audit.AuditLog;
import io.maskgate.service.door.DoorRegistry;
import io.maskgate.service.event.EventKind;
import io.maskgate.service.event.EventRecord;
import io.maskgate.service.event.EventWriter;
import io.maskgate.service.web.NotFoundException;
import java.time.Instant;
import org.springframework.stereotype.Service;

/** A person's unlock / lock of a door (API or console): audited first, then sent, then logged as a MANUAL event. */
@Service
public class ManualCommands {

    private final CommandDispatcher commands;
    private final DoorRegistry doors;
    private final AuditLog audit;
    private final EventWriter events;

    public ManualCommands(CommandDispatcher commands, DoorRegistry doors, AuditLog audit, EventWriter events) {
        this.commands = commands;
        this.doors = doors;
        this.audit = audit;
        this.events = events;
    }

    /**
     * @param durationMs unlock duration, null for the door policy's; ignored for LOCK
     * @param reason     free text for the audit log, may be null
     */
    public DoorCommand send(String doorId, DoorAction action, Long durationMs, String reason, String actor) {
        DoorRegistry.CachedDoor door = doors.find(doorId)
                .orElseThrow(() -> new NotFoundException("door " + doorId + " not found"));
        long duration = action == DoorAction.LOCK ? 0
                : durationMs != null ? durationMs : door.door().policy().unlockMs();
        if (duration < 0 || duration > Limits.MAX_COMMAND_MS) {
            throw new IllegalArgumentException("durationMs must be 0.." + Limits.MAX_COMMAND_MS);
        }
        if (reason != null && reason.length() > Limits.MAX_REASON_CHARS) {
            throw new IllegalArgumentException("reason must be at most " + Limits.MAX_REASON_CHARS + " characters");
        }
        audit.record(actor, "MANUAL_" + action.name(), doorId, "durationMs=" + duration
                + (reason == null ? "" : " reason=" + reason));
        Instant at = Instant.now();
        IssuedCommand issued = commands.issue(doorId, action, duration, CommandOrigin.manual(actor, at), -1)
                .orElseThrow(() -> new IllegalStateException("door " + doorId + " has no actuator key"));
        DoorCommand command = issued.command();
        events.enqueue(EventRecord.of(at, EventKind.MANUAL, action.name(), reason, null, doorId, null,
                command.commandId(), actor, "durationMs=" + duration));
        if (!issued.published()) {
            // the dispatcher keeps retrying while the command is valid, but the operator must not read 202 as "sent"
            throw new CommandNotPublishedException("command " + command.commandId() + " to door " + doorId
                    + " could not be handed to the MQTT broker; it is retried until it expires at "
                    + Instant.ofEpochMilli(command.expiresAt()));
        }
        return command;
    }
}
