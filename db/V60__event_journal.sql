-- How far each segment of a service process's local event journal has been replayed into the event log (issue 15).
-- Written in the same transaction as the replayed rows, so a crash during replay neither loses nor repeats a row.
-- A row goes when its segment is fully replayed and deleted.
CREATE TABLE event_journal_progress (
    segment     text        PRIMARY KEY,
    replayed_to bigint      NOT NULL CHECK (replayed_to >= 0),
    updated_at  timestamptz NOT NULL DEFAULT now()
);
