-- Actuator commands (one row per command id, updated as attempts and the ack come in), service users and the
-- audit log of administrative and operator actions.

CREATE TABLE door_commands (
    command_id   text        PRIMARY KEY,
    door_id      text        NOT NULL,
    action       text        NOT NULL CHECK (action IN ('UNLOCK', 'LOCK')),
    duration_ms  bigint      NOT NULL,
    issued_at    timestamptz NOT NULL,
    expires_at   timestamptz NOT NULL,
    attempts     integer     NOT NULL,
    status       text        NOT NULL CHECK (status IN ('SENT', 'DONE', 'REJECTED', 'NO_ACK')),
    origin       text        NOT NULL,
    unit_id      text,
    seq          bigint,
    actor        text,
    ack_reason   text,
    acked_at     timestamptz,
    updated_at   timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX door_commands_door_time_idx ON door_commands (door_id, issued_at DESC);

CREATE TABLE app_users (
    username       text        PRIMARY KEY CHECK (username ~ '^[A-Za-z0-9_.@-]{1,64}$'),
    password_hash  text        NOT NULL,
    role           text        NOT NULL CHECK (role IN ('ADMIN', 'OPERATOR')),
    enabled        boolean     NOT NULL DEFAULT true,
    created_at     timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE audit_log (
    id          bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at          timestamptz NOT NULL DEFAULT now(),
    actor       text        NOT NULL,
    action      text        NOT NULL,
    target      text,
    detail      text
);

CREATE INDEX audit_log_at_idx ON audit_log (at DESC);
