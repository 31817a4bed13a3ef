-- Versioned DAG taxonomy: every row of state carries the range of versions in which it is true.
SET LOCAL lock_timeout = '5s';
SET LOCAL statement_timeout = '5min';

CREATE EXTENSION IF NOT EXISTS btree_gist; -- required by the issue; kept for range-keyed indexes
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
    description text NOT NULL DEFAULT ''
);

CREATE TABLE edge (
    parent_id bigint NOT NULL REFERENCES node (id),
    child_id  bigint NOT NULL REFERENCES node (id),
    valid     int8range NOT NULL CHECK (NOT isempty(valid) AND lower(valid) >= 1),
    CHECK (parent_id <> child_id)
);

-- At most one state of a node, and one edge between two nodes, per version. The ranges of one
-- node (or node pair) must not overlap. A GiST exclusion constraint says this directly but costs
-- ~35 us per inserted row here (3 s of an 82k-node import per table); a statement-level trigger
-- over the rows a statement wrote does the same check with btree lookups (~0.8 s for 82k rows).
-- See docs/architecture.md, "Deviations".
CREATE UNIQUE INDEX node_state_head ON node_state (node_id) WHERE upper_inf(valid);
CREATE UNIQUE INDEX edge_head ON edge (parent_id, child_id) WHERE upper_inf(valid);
CREATE UNIQUE INDEX node_state_start ON node_state (node_id, lower(valid));
CREATE UNIQUE INDEX edge_start ON edge (parent_id, child_id, lower(valid));

CREATE FUNCTION node_state_no_overlap() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE bad bigint;
BEGIN
    SELECT a.node_id INTO bad
    FROM (SELECT DISTINCT node_id FROM changed) c
    JOIN node_state a ON a.node_id = c.node_id
    JOIN node_state b ON b.node_id = c.node_id AND a.ctid < b.ctid AND a.valid && b.valid
    LIMIT 1;
    IF bad IS NOT NULL THEN
        RAISE EXCEPTION 'node % would have two states at one version', bad
            USING ERRCODE = 'exclusion_violation';
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER node_state_no_overlap_ins AFTER INSERT ON node_state
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION node_state_no_overlap();
CREATE TRIGGER node_state_no_overlap_upd AFTER UPDATE ON node_state
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION node_state_no_overlap();

CREATE FUNCTION edge_no_overlap() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE bad record;
BEGIN
    SELECT a.parent_id, a.child_id INTO bad
    FROM (SELECT DISTINCT parent_id, child_id FROM changed) c
    JOIN edge a ON a.parent_id = c.parent_id AND a.child_id = c.child_id
    JOIN edge b ON b.parent_id = c.parent_id AND b.child_id = c.child_id
               AND a.ctid < b.ctid AND a.valid && b.valid
    LIMIT 1;
    IF bad.parent_id IS NOT NULL THEN
        RAISE EXCEPTION 'edge % -> % would exist twice at one version', bad.parent_id, bad.child_id
            USING ERRCODE = 'exclusion_violation';
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER edge_no_overlap_ins AFTER INSERT ON edge
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION edge_no_overlap();
CREATE TRIGGER edge_no_overlap_upd AFTER UPDATE ON edge
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION edge_no_overlap();

-- Reads at the head (almost all of them) use small partial btrees over the open rows.
CREATE INDEX edge_head_child ON edge (child_id) WHERE upper_inf(valid);
-- Reads at an older version: a node has few rows over all versions, so a btree on the node and a
-- filter on the range beat a GiST index, and cost far less to maintain.
CREATE INDEX edge_child ON edge (child_id);
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
