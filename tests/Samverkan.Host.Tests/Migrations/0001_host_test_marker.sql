CREATE TABLE host_test_marker (id int PRIMARY KEY, note text NOT NULL);
-- Slow enough that two hosts starting together overlap on the migration lock.
SELECT pg_sleep(0.3);
