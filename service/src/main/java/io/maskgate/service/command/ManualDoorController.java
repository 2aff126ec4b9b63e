package io.maskgate.service.command;

import io.maskgate.protocol.DoorAction;
import io.maskgate.protocol.DoorCommand;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.security.Principal;
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

    private final ManualCommands manual;

    public ManualDoorController(ManualCommands manual) {
        this.manual = manual;
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
        DoorCommand command = manual.send(doorId, action, request == null ? null : request.durationMs(),
                request == null ? null : request.reason(), actor);
        return new ManualResponse(command.commandId(), doorId, action, command.durationMs(), command.expiresAt());
    }
}
