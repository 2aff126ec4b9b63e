-- A version's manifest signed again by the current fleet key, when the one stored with the version was signed by
-- another key (the key was rotated, or the database outlived the key file). Units refuse a manifest their key does
-- not verify, rollbacks to the version included. The signed content is the stored manifest's; only the signature
-- differs, so model_versions stays immutable. One row per (version, fleet public key).
CREATE TABLE model_manifest_signatures (
    version     text        NOT NULL REFERENCES model_versions (version),
    fleet_key   text        NOT NULL,
    manifest    text        NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (version, fleet_key)
);
