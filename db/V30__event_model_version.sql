-- The model version of an authenticated decision as its own column (it was only text inside detail, "model=..."):
-- rollouts compare decisions per model version, and a column can be filtered and indexed. Null for every row
-- that is not a decision and for rejected decisions whose model version was not authenticated.
ALTER TABLE events ADD COLUMN model_version text;
