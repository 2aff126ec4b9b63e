-- Retention (issue 11): events are kept for maskgate.retention.events (default 365 days) and decision receipts
-- for maskgate.retention.receipts (default 1 day; a redelivery older than that is STALE anyway).
-- events stays append-only for everyone else: the trigger lets a DELETE through only inside a transaction of the
-- service's retention purge (SET LOCAL maskgate.retention_purge = 'on'), and never an UPDATE.
CREATE OR REPLACE FUNCTION events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' AND current_setting('maskgate.retention_purge', true) = 'on' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'events is append-only (% refused)', TG_OP;
END;
$$;

-- receipts arrive in time order, so a BRIN index finds old ones at almost no insert cost on the decision path
CREATE INDEX decision_receipts_received_brin ON decision_receipts USING brin (received_at);
