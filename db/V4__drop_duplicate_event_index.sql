-- events_time_idx (occurred_at DESC, id DESC) duplicated the primary key (occurred_at, id): PostgreSQL scans a
-- b-tree backwards, so "ORDER BY occurred_at DESC, id DESC" and the keyset cursor "(occurred_at, id) < (?, ?)"
-- use the primary key just as well. Dropping it saves one index insertion per event row on the decision path.
DROP INDEX IF EXISTS events_time_idx;
