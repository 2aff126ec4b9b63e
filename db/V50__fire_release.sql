-- Life safety: the doors whose entry-side lock a fire alarm releases (policy mode OPEN until the alarm clears), the
-- mode each had before the alarm (restored when it clears), and each fire-alarm panel's last accepted sequence
-- number (a replayed or duplicated alarm message is refused; with several replicas exactly one acts on it).

CREATE TABLE fire_release_doors (
    door_id        text        PRIMARY KEY REFERENCES doors (door_id) ON DELETE CASCADE,
    previous_mode  text        CHECK (previous_mode IN ('ENFORCE', 'MONITOR_ONLY', 'LOCKED', 'OPEN')),
    released_at    timestamptz
);

CREATE TABLE fire_panels (
    panel_id    text        PRIMARY KEY,
    last_seq    bigint      NOT NULL,
    active      boolean     NOT NULL,
    changed_at  timestamptz NOT NULL DEFAULT now()
);
