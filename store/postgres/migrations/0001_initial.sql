-- The MPI's system of record (see package store for the data model).
--
-- Portable by design: tables, btree indexes, sequences, identity columns,
-- BIGINT, TEXT[] / BIGINT[] and JSONB — nothing that would stop the schema
-- moving to CockroachDB or YugabyteDB. Keys are TEXT COLLATE "C" so that
-- key order is byte order in every locale. Times are TIMESTAMPTZ (UTC,
-- microseconds). No foreign keys between entities: the workflow keeps them
-- consistent, and links may point at a person before its row is written
-- within one transaction.
--
-- rkey is a hash of a record key (FNV-1a 64 over source, a NUL byte and
-- local_id, as a signed BIGINT; computed by the program and never
-- changed). The tables that every resolve reads and writes by record key
-- (records, links) lead their primary keys with it, so that records
-- arriving with consecutive local IDs land on scattered index pages: under
-- SERIALIZABLE a look-up of an absent key locks the index page where it
-- would be, and inserts of consecutive keys into one page would make
-- concurrent resolves fail to serialize.

-- records holds the current version of each source record.
CREATE TABLE records (
	rkey     BIGINT NOT NULL,
	source   TEXT COLLATE "C" NOT NULL,
	local_id TEXT COLLATE "C" NOT NULL,
	version  INTEGER NOT NULL CHECK (version > 0),
	status   SMALLINT NOT NULL CHECK (status IN (1, 2)), -- 1 active, 2 retracted
	hash     TEXT NOT NULL,
	raw      JSONB NOT NULL,
	keys     BIGINT[], -- blocking-key hashes as given (uint64 bits)
	received TIMESTAMPTZ NOT NULL,
	PRIMARY KEY (rkey, source, local_id),
	UNIQUE (source, local_id)
);

-- record_versions holds every earlier version of a record; the current one
-- is in records.
CREATE TABLE record_versions (
	source   TEXT COLLATE "C" NOT NULL,
	local_id TEXT COLLATE "C" NOT NULL,
	version  INTEGER NOT NULL,
	status   SMALLINT NOT NULL,
	hash     TEXT NOT NULL,
	raw      JSONB NOT NULL,
	keys     BIGINT[],
	received TIMESTAMPTZ NOT NULL,
	PRIMARY KEY (source, local_id, version)
);

-- record_keys is the online blocking index: one row per blocking key of
-- each active record's current version. Its primary key leads with
-- key_hash, so a candidate look-up is an index range scan per key (and
-- serializable transactions lock just those ranges).
CREATE TABLE record_keys (
	key_hash BIGINT NOT NULL,
	rkey     BIGINT NOT NULL,
	source   TEXT COLLATE "C" NOT NULL,
	local_id TEXT COLLATE "C" NOT NULL,
	PRIMARY KEY (key_hash, rkey, source, local_id)
);

-- eid_seq numbers EIDs (store.EIDFromSeq). Sequences are not rolled back,
-- so a number is never handed out twice.
CREATE SEQUENCE eid_seq AS BIGINT START WITH 1 MINVALUE 1 MAXVALUE 852891037440;

CREATE TABLE persons (
	eid         TEXT COLLATE "C" PRIMARY KEY,
	status      SMALLINT NOT NULL CHECK (status IN (1, 2)), -- 1 active, 2 merged
	merged_into TEXT COLLATE "C" NOT NULL DEFAULT '',
	golden      JSONB NOT NULL,
	version     BIGINT NOT NULL CHECK (version > 0),
	created     TIMESTAMPTZ NOT NULL,
	updated     TIMESTAMPTZ NOT NULL
);

-- links holds the active link of each record.
CREATE TABLE links (
	rkey        BIGINT NOT NULL,
	source      TEXT COLLATE "C" NOT NULL,
	local_id    TEXT COLLATE "C" NOT NULL,
	eid         TEXT COLLATE "C" NOT NULL,
	kind        SMALLINT NOT NULL CHECK (kind IN (1, 2)), -- 1 auto, 2 manual
	weight      DOUBLE PRECISION NOT NULL,
	probability DOUBLE PRECISION NOT NULL,
	actor       TEXT NOT NULL,
	reason      TEXT NOT NULL,
	at          TIMESTAMPTZ NOT NULL,
	PRIMARY KEY (rkey, source, local_id),
	UNIQUE (source, local_id)
);
CREATE INDEX links_eid ON links (eid, source, local_id);

-- link_history holds every link ever set, the active one included; id
-- orders a record's links.
CREATE TABLE link_history (
	id          BIGINT GENERATED ALWAYS AS IDENTITY,
	source      TEXT COLLATE "C" NOT NULL,
	local_id    TEXT COLLATE "C" NOT NULL,
	eid         TEXT COLLATE "C" NOT NULL,
	kind        SMALLINT NOT NULL,
	weight      DOUBLE PRECISION NOT NULL,
	probability DOUBLE PRECISION NOT NULL,
	actor       TEXT NOT NULL,
	reason      TEXT NOT NULL,
	at          TIMESTAMPTZ NOT NULL,
	PRIMARY KEY (source, local_id, id)
);

-- steward_constraints: sticky must-link / cannot-link decisions.
CREATE TABLE steward_constraints (
	source   TEXT COLLATE "C" NOT NULL,
	local_id TEXT COLLATE "C" NOT NULL,
	eid      TEXT COLLATE "C" NOT NULL,
	kind     SMALLINT NOT NULL CHECK (kind IN (1, 2)), -- 1 must-link, 2 cannot-link
	actor    TEXT NOT NULL,
	reason   TEXT NOT NULL,
	at       TIMESTAMPTZ NOT NULL,
	PRIMARY KEY (source, local_id, eid)
);
CREATE INDEX steward_constraints_eid ON steward_constraints (eid);

CREATE TABLE tasks (
	id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	kind       SMALLINT NOT NULL CHECK (kind IN (1, 2)), -- 1 possible match, 2 possible duplicate
	status     SMALLINT NOT NULL CHECK (status IN (1, 2, 3)), -- 1 open, 2 claimed, 3 resolved
	source     TEXT COLLATE "C" NOT NULL,
	local_id   TEXT COLLATE "C" NOT NULL,
	candidates JSONB NOT NULL,
	created    TIMESTAMPTZ NOT NULL,
	assignee   TEXT NOT NULL,
	outcome    TEXT NOT NULL,
	resolver   TEXT NOT NULL,
	reason     TEXT NOT NULL,
	resolved   TIMESTAMPTZ
);
CREATE INDEX tasks_status ON tasks (status, id);
CREATE INDEX tasks_record ON tasks (source, local_id, id);

-- task_eids indexes tasks by the persons among their candidates.
CREATE TABLE task_eids (
	task_id BIGINT NOT NULL,
	eid     TEXT COLLATE "C" NOT NULL,
	PRIMARY KEY (task_id, eid)
);
CREATE INDEX task_eids_eid ON task_eids (eid, task_id);

CREATE TABLE events (
	seq      BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	at       TIMESTAMPTZ NOT NULL,
	kind     TEXT NOT NULL,
	actor    TEXT NOT NULL,
	reason   TEXT NOT NULL,
	eids     TEXT[],
	source   TEXT COLLATE "C" NOT NULL,
	local_id TEXT COLLATE "C" NOT NULL,
	task_id  BIGINT NOT NULL,
	data     JSONB
);
CREATE INDEX events_record ON events (source, local_id, seq);

-- event_eids indexes events by the persons they touched.
CREATE TABLE event_eids (
	eid TEXT COLLATE "C" NOT NULL,
	seq BIGINT NOT NULL,
	PRIMARY KEY (eid, seq)
);

-- audit is the hash-chained access log; seq is gapless and assigned under
-- the audit_tail row lock, so entries chain in seq order.
CREATE TABLE audit (
	seq            BIGINT PRIMARY KEY,
	at             TIMESTAMPTZ NOT NULL,
	actor          TEXT NOT NULL,
	role           TEXT NOT NULL,
	action         TEXT NOT NULL,
	request_id     TEXT NOT NULL,
	outcome        TEXT NOT NULL,
	eids           TEXT[],
	record_sources TEXT[],
	record_ids     TEXT[],
	prev           BYTEA,
	hash           BYTEA NOT NULL
);
CREATE INDEX audit_actor ON audit (actor, seq);
CREATE INDEX audit_action ON audit (action, seq);
CREATE INDEX audit_at ON audit (at);

CREATE TABLE audit_eids (
	eid TEXT COLLATE "C" NOT NULL,
	seq BIGINT NOT NULL,
	PRIMARY KEY (eid, seq)
);

-- audit_tail is the one row appends serialize on: the last seq and hash.
CREATE TABLE audit_tail (
	id   SMALLINT PRIMARY KEY CHECK (id = 1),
	seq  BIGINT NOT NULL,
	hash BYTEA
);
INSERT INTO audit_tail (id, seq, hash) VALUES (1, 0, NULL);
