-- Takes a moment, so concurrent migration runs overlap.
SELECT pg_sleep(0.2);
INSERT INTO migration_log (step) VALUES ('0010');
