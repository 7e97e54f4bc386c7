-- audit_pending holds audit entries written but not yet chained, one row
-- per call (its entries in order, as JSON). Appends, and write
-- transactions auditing themselves, insert here without taking any lock,
-- so they no longer queue on the audit_tail row through each other's
-- commits; a sealer moves them into audit under that lock, many calls per
-- commit, in id order among those committed when it runs (a row committed
-- later, whatever its id, is chained by the next seal) (audit.go).
CREATE TABLE audit_pending (
	id      BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	entries JSONB NOT NULL
);
