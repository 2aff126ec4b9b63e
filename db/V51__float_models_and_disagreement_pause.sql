-- Float models from the registry (issue 12) and the rollouts' disagreement signal (issues 9 and 12).

-- The SHA-256 of a version's float SavedModel zip, checked before the verifier or the gate unpacks it. Rows stored
-- before this migration get the hash of the bytes they hold now; the column is immutable like the other artifacts.
ALTER TABLE model_versions ADD COLUMN float_sha256 text CHECK (float_sha256 ~ '^[0-9a-f]{64}$');
UPDATE model_versions SET float_sha256 = encode(sha256(float_zip), 'hex') WHERE float_zip IS NOT NULL;

CREATE OR REPLACE FUNCTION model_versions_immutable() RETURNS trigger AS $$
BEGIN
    IF NEW.version IS DISTINCT FROM OLD.version OR NEW.sha256 IS DISTINCT FROM OLD.sha256
            OR NEW.tflite IS DISTINCT FROM OLD.tflite OR NEW.float_zip IS DISTINCT FROM OLD.float_zip
            OR NEW.float_sha256 IS DISTINCT FROM OLD.float_sha256
            OR NEW.labels IS DISTINCT FROM OLD.labels OR NEW.model_card IS DISTINCT FROM OLD.model_card
            OR NEW.gate_report IS DISTINCT FROM OLD.gate_report OR NEW.manifest IS DISTINCT FROM OLD.manifest THEN
        RAISE EXCEPTION 'model version % is immutable', OLD.version;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

-- A running INSTALL rollout pauses when the int8/float disagreement rate of its version's re-verified frames (from
-- its own units, since it started or was last resumed) is above disagreement_threshold percent, once at least
-- disagreement_min_frames frames were verified.
ALTER TABLE rollouts ADD COLUMN disagreement_threshold integer NOT NULL DEFAULT 10
    CHECK (disagreement_threshold BETWEEN 1 AND 100);
ALTER TABLE rollouts ADD COLUMN disagreement_min_frames integer NOT NULL DEFAULT 20
    CHECK (disagreement_min_frames >= 1);

CREATE INDEX frame_verifications_model_idx ON frame_verifications (int8_model, decided_at);
