CREATE TABLE IF NOT EXISTS migration_log (seq bigserial PRIMARY KEY, step text NOT NULL);
INSERT INTO migration_log (step) VALUES ('0001');
