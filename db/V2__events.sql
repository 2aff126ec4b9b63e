-- The event log: every decision (accepted or rejected, with reason), policy verdict, command, ack and alert.
-- Append-only (a trigger refuses UPDATE and DELETE; old data leaves by dropping partitions) and partitioned by
-- time: everything lands in the default partition until an operator attaches monthly range partitions.

CREATE TABLE events (
    id           bigint      GENERATED ALWAYS AS IDENTITY,
    occurred_at  timestamptz NOT NULL,
    kind         text        NOT NULL CHECK (kind IN ('DECISION', 'VERDICT', 'COMMAND', 'ACK', 'ALERT', 'MANUAL')),
    outcome      text        NOT NULL,
    reason       text,
    unit_id      text,
    door_id      text,
    seq          bigint,
    label        text,
    score        integer,
    captured_at  timestamptz,
    command_id   text,
    actor        text,
    detail       text,
    PRIMARY KEY (occurred_at, id)
) PARTITION BY RANGE (occurred_at);

CREATE TABLE events_default PARTITION OF events DEFAULT;

CREATE INDEX events_time_idx ON events (occurred_at DESC, id DESC);
CREATE INDEX events_door_time_idx ON events (door_id, occurred_at DESC);
CREATE INDEX events_unit_time_idx ON events (unit_id, occurred_at DESC);
CREATE INDEX events_command_idx ON events (command_id) WHERE command_id IS NOT NULL;

-- Idempotency of authenticated decisions on (unit, seq): a QoS 1 redelivery inserts nothing here and so adds
-- no event (writer: INSERT ... ON CONFLICT DO NOTHING, events row only when the receipt is new). Kept apart
-- from the partitioned events table because a unique constraint there would have to include occurred_at.
CREATE TABLE decision_receipts (
    unit_id      text        NOT NULL,
    seq          bigint      NOT NULL,
    received_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT decision_receipts_unit_seq_key UNIQUE (unit_id, seq)
);

CREATE FUNCTION events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'events is append-only (% refused)', TG_OP;
END;
$$;

CREATE TRIGGER events_no_update_delete
    BEFORE UPDATE OR DELETE ON events
    FOR EACH ROW EXECUTE FUNCTION events_append_only();
