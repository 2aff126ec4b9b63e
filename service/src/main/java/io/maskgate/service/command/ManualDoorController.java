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
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.security.Principal;
import java.time.Instant;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** Operator's manual door commands (ADMIN or OPERATOR), audited and logged as MANUAL events. */
@RestController
@RequestMapping("/api/doors/{id}")
@Tag(name = "manual commands", description = "Operator unlock / lock, audited")
public class ManualDoorController {

    /** Optional unlock duration (default: the door policy's) and a free-text reason for the audit log. */
    public record ManualRequest(Long durationMs, String reason) {
    }

    /** The command sent. */
    public record ManualResponse(String commandId, String doorId, DoorAction action, long durationMs,
                                 long expiresAt) {
    }

    private final CommandDispatcher commands;
    private final DoorRegistry doors;
    private final AuditLog audit;
    private final EventWriter events;

    public ManualDoorController(CommandDispatcher commands, DoorRegistry doors, AuditLog audit, EventWriter events) {
        this.commands = commands;
        this.doors = doors;
        this.audit = audit;
        this.events = events;
    }

    @PostMapping("/unlock")
    @ResponseStatus(HttpStatus.ACCEPTED)
    @Operation(summary = "Unlock the door now (signed, expiring command; the ack is logged). Needs a JSON body "
            + "with a reason and the X-Requested-By header")
    public ManualResponse unlock(@PathVariable String id, @RequestBody ManualRequest request,
                                 Principal principal) {
        if (request.reason() == null || request.reason().isBlank()) {
            throw new IllegalArgumentException("an unlock needs a reason (it goes to the audit log)");
        }
        return send(id, DoorAction.UNLOCK, request, principal.getName());
    }

    @PostMapping("/lock")
    @ResponseStatus(HttpStatus.ACCEPTED)
    @Operation(summary = "Lock the door now")
    public ManualResponse lock(@PathVariable String id, @RequestBody(required = false) ManualRequest request,
                               Principal principal) {
        return send(id, DoorAction.LOCK, request, principal.getName());
    }

    private ManualResponse send(String doorId, DoorAction action, ManualRequest request, String actor) {
        DoorRegistry.CachedDoor door = doors.find(doorId)
                .orElseThrow(() -> new NotFoundException("door " + doorId + " not found"));
        long duration = action == DoorAction.LOCK ? 0
                : request != null && request.durationMs() != null ? request.durationMs()
                : door.door().policy().unlockMs();
        if (duration < 0 || duration > Limits.MAX_COMMAND_MS) {
            throw new IllegalArgumentException("durationMs must be 0.." + Limits.MAX_COMMAND_MS);
        }
        String reason = request == null ? null : request.reason();
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
        return new ManualResponse(command.commandId(), doorId, action, duration, command.expiresAt());
    }
}
