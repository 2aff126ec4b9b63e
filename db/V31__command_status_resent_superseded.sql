-- Command states as CommandStatus (service, command package) owns them: SENT -> RESENT (re-sent after no ack)
-- -> DONE / REJECTED / NO_ACK, and SUPERSEDED for an UNLOCK whose retries a later LOCK of the door cancelled.
-- The CHECK lists exactly the enum's names (CommandStatusTest compares them).
ALTER TABLE door_commands DROP CONSTRAINT door_commands_status_check;
ALTER TABLE door_commands ADD CONSTRAINT door_commands_status_check
    CHECK (status IN ('SENT', 'RESENT', 'DONE', 'REJECTED', 'NO_ACK', 'SUPERSEDED'));
