-- Float re-verification of uncertain decisions (issue 12). Kept apart from the append-only events table: verdicts
-- arrive after the decision (or never) and are keyed by the decision's (unit, seq).

-- A door may run in ENFORCE_VERIFIED mode: uncertain decisions wait for the float verdict.
ALTER TABLE door_policies DROP CONSTRAINT IF EXISTS door_policies_mode_check;
ALTER TABLE door_policies ADD CONSTRAINT door_policies_mode_check
    CHECK (mode IN ('ENFORCE', 'MONITOR_ONLY', 'LOCKED', 'OPEN', 'ENFORCE_VERIFIED'));

-- A door's uncertainty band (per-mille scores, inclusive) and the float verdict's deadline. No row: no band, no
-- frames, today's path for every decision.
CREATE TABLE door_verification (
    door_id      text        PRIMARY KEY REFERENCES doors (door_id) ON DELETE CASCADE,
    band_low     integer     NOT NULL CHECK (band_low BETWEEN 0 AND 1000),
    band_high    integer     NOT NULL CHECK (band_high BETWEEN band_low AND 1000),
    deadline_ms  integer     NOT NULL CHECK (deadline_ms BETWEEN 1 AND 60000),
    updated_at   timestamptz NOT NULL DEFAULT now()
);

-- Both verdicts of an uncertain decision: the unit's int8 one and the service's float one, with latencies and
-- model versions. status: VERIFIED (in time), LATE (after the deadline: recorded only), UNVERIFIED (queue full,
-- no float model, bad image), NO_FRAME (no frame by the deadline).
CREATE TABLE frame_verifications (
    unit_id            text        NOT NULL,
    seq                bigint      NOT NULL,
    door_id            text        NOT NULL,
    decided_at         timestamptz NOT NULL,
    enforced           boolean     NOT NULL,
    int8_model         text        NOT NULL,
    int8_label         text        NOT NULL,
    int8_score         integer     NOT NULL,
    status             text        NOT NULL CHECK (status IN ('VERIFIED', 'LATE', 'UNVERIFIED', 'NO_FRAME')),
    reason             text,
    float_model        text,
    float_probability  real,
    float_label        text        CHECK (float_label IN ('MASK', 'NO_MASK')),
    verify_ms          real,
    decision_ms        real,
    door_outcome       text,
    updated_at         timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (unit_id, seq)
);

CREATE INDEX frame_verifications_time_idx ON frame_verifications (decided_at DESC);

-- The 32x32 crops of uncertain decisions, AES-256-GCM under the master key (bound to unit and seq), deleted by the
-- retention purge once expires_at has passed.
CREATE TABLE frames (
    unit_id      text        NOT NULL,
    seq          bigint      NOT NULL,
    door_id      text        NOT NULL,
    received_at  timestamptz NOT NULL,
    expires_at   timestamptz NOT NULL,
    image_enc    bytea       NOT NULL,
    PRIMARY KEY (unit_id, seq)
);

CREATE INDEX frames_expiry_idx ON frames (expires_at);

-- Operator disputes of decisions: the float verdict (when a frame was kept), then a human verdict.
CREATE TABLE disputes (
    id                 bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    unit_id            text        NOT NULL,
    seq                bigint      NOT NULL,
    door_id            text        NOT NULL,
    int8_label         text,
    int8_score         integer,
    model_version      text,
    opened_by          text        NOT NULL,
    opened_at          timestamptz NOT NULL,
    note               text,
    float_status       text        NOT NULL CHECK (float_status IN ('PENDING', 'VERIFIED', 'NO_FRAME', 'UNVERIFIED')),
    float_probability  real,
    float_label        text        CHECK (float_label IN ('MASK', 'NO_MASK')),
    float_reason       text,
    human_verdict      text        CHECK (human_verdict IN ('MASK', 'NO_MASK', 'UNCLEAR')),
    settled_by         text,
    settled_at         timestamptz,
    CONSTRAINT disputes_unit_seq_key UNIQUE (unit_id, seq),
    CHECK ((human_verdict IS NULL) = (settled_at IS NULL) AND (settled_at IS NULL) = (settled_by IS NULL))
);

CREATE INDEX disputes_open_idx ON disputes (opened_at, id) WHERE human_verdict IS NULL;
