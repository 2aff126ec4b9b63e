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
        audit.record(actor, "MANUAL_" + action.name(), doorId, "durationMs=" + duration
                + (reason == null ? "" : " reason=" + reason));
        DoorCommand command = commands.issue(doorId, action, duration, CommandOrigin.manual(actor), -1)
                .orElseThrow(() -> new IllegalStateException("door " + doorId + " has no actuator key"));
        events.enqueue(EventRecord.of(Instant.now(), EventKind.MANUAL, action.name(), reason, null, doorId, null,
                command.commandId(), actor, "durationMs=" + duration));
        return command;
    }
}
