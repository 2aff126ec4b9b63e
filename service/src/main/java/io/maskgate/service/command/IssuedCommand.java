package io.maskgate.service.command;

import io.maskgate.protocol.DoorCommand;

/**
 * A signed command and whether the broker client took it. An unpublished command is still followed (its
 * retries may get it out while it is valid), but a caller that must answer now, such as the operator's manual
 * unlock, reports the failure instead of claiming the door was commanded.
 */
public record IssuedCommand(DoorCommand command, boolean published) {
}
