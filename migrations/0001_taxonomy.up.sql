-- Versioned DAG taxonomy: every row of state carries the range of versions in which it is true.
SET LOCAL lock_timeout = '5s';
SET LOCAL statement_timeout = '5min';

CREATE EXTENSION IF NOT EXISTS btree_gist;
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE EXTENSION IF NOT EXISTS vector;

CREATE TABLE taxonomy_version (
    version        bigint PRIMARY KEY CHECK (version >= 0),
    parent_version bigint REFERENCES taxonomy_version (version),
    created_at     timestamptz NOT NULL DEFAULT now(),
    author         text NOT NULL,
    message        text NOT NULL,
    kind           text NOT NULL CHECK (kind IN ('init', 'import', 'edit', 'rollback')),
    -- For kind = 'rollback': the version whose content this one restores.
    restored_from  bigint REFERENCES taxonomy_version (version),
    CHECK ((kind = 'rollback') = (restored_from IS NOT NULL)),
    CHECK ((version = 0) = (parent_version IS NULL))
);
INSERT INTO taxonomy_version (version, parent_version, author, message, kind)
VALUES (0, NULL, 'system', 'empty taxonomy', 'init');

-- Identity that survives renames and moves.
CREATE TABLE node (
    id  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    key text NOT NULL UNIQUE CHECK (key <> '' AND length(key) <= 512)
);

CREATE TABLE node_state (
    node_id     bigint NOT NULL REFERENCES node (id),
    valid       int8range NOT NULL CHECK (NOT isempty(valid) AND lower(valid) >= 1),
    label       text NOT NULL CHECK (btrim(label) <> ''),
    alt_labels  text[] NOT NULL DEFAULT '{}',
    description text NOT NULL DEFAULT '',
    -- Exactly one state of a node per version.
    EXCLUDE USING gist (node_id WITH =, valid WITH &&)
);

CREATE TABLE edge (
    parent_id bigint NOT NULL REFERENCES node (id),
    child_id  bigint NOT NULL REFERENCES node (id),
    valid     int8range NOT NULL CHECK (NOT isempty(valid) AND lower(valid) >= 1),
    CHECK (parent_id <> child_id),
    EXCLUDE USING gist (parent_id WITH =, child_id WITH =, valid WITH &&)
);

-- The head (open rows) is what almost every read and every write touches: small partial btrees.
CREATE UNIQUE INDEX node_state_head ON node_state (node_id) WHERE upper_inf(valid);
CREATE INDEX edge_head_parent ON edge (parent_id) WHERE upper_inf(valid);
CREATE INDEX edge_head_child ON edge (child_id) WHERE upper_inf(valid);
-- Any version: the exclusion constraints' GiST indexes serve (node_id, valid @> v);
-- children/parents at an old version use these.
CREATE INDEX edge_child_valid ON edge USING gist (child_id, valid);
-- Diff reads only rows whose range starts or ends between two versions.
CREATE INDEX node_state_lower ON node_state (lower(valid));
CREATE INDEX node_state_upper ON node_state (upper(valid));
CREATE INDEX edge_lower ON edge (lower(valid));
CREATE INDEX edge_upper ON edge (upper(valid));
-- Label search (trigram) at the head.
CREATE INDEX node_state_label_trgm ON node_state USING gin (label gin_trgm_ops) WHERE upper_inf(valid);

-- Append-only audit log of every mutation.
CREATE TABLE audit_log (
    id      bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at      timestamptz NOT NULL DEFAULT clock_timestamp(),
    actor   text NOT NULL,
    action  text NOT NULL,
    version bigint REFERENCES taxonomy_version (version),
    details jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_log_at ON audit_log (at);

CREATE FUNCTION audit_log_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER audit_log_append_only
    BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_refuse_change();
CREATE TRIGGER audit_log_no_truncate
    BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuse_change();
