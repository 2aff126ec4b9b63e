-- Model registry (issue 9): every uploaded model version with its artifacts, stored immutably with its SHA-256,
-- the validation gate's report and, when it passed, the fleet-signed manifest. Artifacts live here (bytea), not in
-- a folder: every replica sees the same bytes without a shared file system, and a version's bytes, hash, report and
-- manifest commit together.

CREATE TABLE model_versions (
    version        text        PRIMARY KEY CHECK (version ~ '^[A-Za-z0-9._-]{1,64}$'),
    sha256         text        NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    size_bytes     bigint      NOT NULL,
    tflite         bytea       NOT NULL,
    float_zip      bytea,
    labels         text        NOT NULL,
    model_card     text,
    status         text        NOT NULL CHECK (status IN ('READY', 'REFUSED', 'RETIRED', 'REVOKED')),
    gate_report    text        NOT NULL,
    accuracy       double precision,
    manifest       text,
    created_at     timestamptz NOT NULL DEFAULT now(),
    created_by     text        NOT NULL,
    status_reason  text,
    updated_at     timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX model_versions_created_idx ON model_versions (created_at DESC);

-- Immutable: the artifacts, their hash, the gate report and the manifest can never change once stored.
CREATE FUNCTION model_versions_immutable() RETURNS trigger AS $$
BEGIN
    IF NEW.version IS DISTINCT FROM OLD.version OR NEW.sha256 IS DISTINCT FROM OLD.sha256
            OR NEW.tflite IS DISTINCT FROM OLD.tflite OR NEW.float_zip IS DISTINCT FROM OLD.float_zip
            OR NEW.labels IS DISTINCT FROM OLD.labels OR NEW.model_card IS DISTINCT FROM OLD.model_card
            OR NEW.gate_report IS DISTINCT FROM OLD.gate_report OR NEW.manifest IS DISTINCT FROM OLD.manifest THEN
        RAISE EXCEPTION 'model version % is immutable', OLD.version;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER model_versions_immutable BEFORE UPDATE ON model_versions
    FOR EACH ROW EXECUTE FUNCTION model_versions_immutable();

-- Tags for rollout targeting (by tag); a unit may carry several.
CREATE TABLE unit_tags (
    unit_id  text NOT NULL,
    tag      text NOT NULL CHECK (tag ~ '^[A-Za-z0-9_-]{1,64}$'),
    PRIMARY KEY (unit_id, tag)
);
