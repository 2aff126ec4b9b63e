-- Rollouts (issue 9), named after Eclipse hawkBit: a Rollout of one model version to a target set of units, split
-- into RolloutGroups (a canary, then waves) and one Action per unit. Every unit report is kept in rollout_events;
-- unit_models is the fleet's view of which unit runs which model (from the units' own reports and status).

CREATE TABLE rollouts (
    id                 bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name               text        NOT NULL,
    kind               text        NOT NULL CHECK (kind IN ('INSTALL', 'ROLLBACK', 'REVOKE')),
    model_version      text,
    status             text        NOT NULL,
    target_type        text        NOT NULL CHECK (target_type IN ('ALL', 'DOORS', 'TAGS', 'UNITS')),
    target_values      text        NOT NULL DEFAULT '',
    success_threshold  integer     NOT NULL CHECK (success_threshold BETWEEN 1 AND 100),
    error_threshold    integer     NOT NULL CHECK (error_threshold BETWEEN 1 AND 100),
    rate_per_minute    integer     NOT NULL CHECK (rate_per_minute >= 0),
    action_deadline_ms bigint      NOT NULL,
    group_deadline_ms  bigint      NOT NULL,
    requires_approval  boolean     NOT NULL DEFAULT false,
    approved_by        text,
    created_by         text        NOT NULL,
    created_at         timestamptz NOT NULL DEFAULT now(),
    status_reason      text,
    rollback_of        bigint REFERENCES rollouts (id),
    updated_at         timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE rollout_groups (
    id                 bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    rollout_id         bigint      NOT NULL REFERENCES rollouts (id),
    idx                integer     NOT NULL,
    name               text        NOT NULL,
    status             text        NOT NULL,
    started_at         timestamptz,
    deadline_at        timestamptz,
    finished_at        timestamptz,
    UNIQUE (rollout_id, idx)
);

CREATE TABLE rollout_actions (
    action_id          text        PRIMARY KEY,
    rollout_id         bigint      NOT NULL REFERENCES rollouts (id),
    group_id           bigint      NOT NULL REFERENCES rollout_groups (id),
    unit_id            text        NOT NULL,
    version            text        NOT NULL,
    previous_version   text,
    status             text        NOT NULL,
    reason             text,
    bytes              bigint      NOT NULL DEFAULT 0,
    bytes_sent         bigint      NOT NULL DEFAULT 0,
    arena_bytes        integer     NOT NULL DEFAULT 0,
    sent_at            timestamptz,
    state_since        timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now(),
    UNIQUE (rollout_id, unit_id)
);

CREATE INDEX rollout_actions_group_idx ON rollout_actions (group_id, status);
CREATE INDEX rollout_actions_unit_idx ON rollout_actions (unit_id);

CREATE TABLE rollout_events (
    id          bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    rollout_id  bigint      NOT NULL,
    action_id   text,
    unit_id     text,
    event       text        NOT NULL,
    detail      text,
    at          timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX rollout_events_rollout_idx ON rollout_events (rollout_id, id);

CREATE TABLE unit_models (
    unit_id          text        PRIMARY KEY,
    running_version  text        NOT NULL,
    updated_at       timestamptz NOT NULL DEFAULT now()
);
