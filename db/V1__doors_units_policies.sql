-- Doors, their access policies and the door units watching them.
-- Key material (unit HMAC keys, door actuator keys) must be usable as raw bytes for HMAC verification, so it
-- cannot be hashed: it is stored AES-256-GCM encrypted under the service's master key (nonce || ciphertext).

CREATE TABLE doors (
    door_id           text        PRIMARY KEY CHECK (door_id ~ '^[A-Za-z0-9_-]{1,64}$'),
    name              text        NOT NULL,
    actuator_key_enc  bytea       NOT NULL,
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE door_policies (
    door_id            text        PRIMARY KEY REFERENCES doors (door_id) ON DELETE CASCADE,
    mode               text        NOT NULL CHECK (mode IN ('ENFORCE', 'MONITOR_ONLY', 'LOCKED', 'OPEN')),
    min_score          integer     NOT NULL CHECK (min_score BETWEEN 0 AND 1000),
    required_frames    integer     NOT NULL CHECK (required_frames >= 1),
    window_frames      integer     NOT NULL CHECK (window_frames >= required_frames AND window_frames <= 100),
    window_ms          integer     NOT NULL CHECK (window_ms > 0),
    unlock_ms          integer     NOT NULL CHECK (unlock_ms BETWEEN 1 AND 600000),
    schedule_zone      text,
    schedule_days      text,
    schedule_from      time,
    schedule_to        time,
    updated_at         timestamptz NOT NULL DEFAULT now(),
    CHECK ((schedule_zone IS NULL) = (schedule_from IS NULL) AND (schedule_from IS NULL) = (schedule_to IS NULL))
);

CREATE TABLE units (
    unit_id     text        PRIMARY KEY CHECK (unit_id ~ '^[A-Za-z0-9_-]{1,64}$'),
    name        text        NOT NULL,
    door_id     text        NOT NULL REFERENCES doors (door_id),
    enabled     boolean     NOT NULL DEFAULT true,
    key_enc     bytea       NOT NULL,
    -- highest accepted decision seq; seeds the in-memory replay check at start
    last_seq    bigint      NOT NULL DEFAULT 0,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX units_door_idx ON units (door_id);
