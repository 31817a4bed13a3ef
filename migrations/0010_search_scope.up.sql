-- The category scopes of `--under` searches, materialised on first use and kept current, so a
-- scoped search reads one row instead of walking a subtree (issue 10, part 4).
--
-- A scope is (version, root nodes). Its node set is the roots' subtrees at that version: versions
-- are immutable, so the node set never changes once computed. Its chunk set (the chunks of the
-- documents classified — accepted or auto-accepted — under a scope node) moves with
-- classifications and with chunks written or removed: statement triggers on both tables refresh
-- exactly the scopes whose nodes the changed rows touch, in the writer's transaction.
--
-- Creating a scope must not race a writer (a writer whose trigger ran before the scope existed
-- would leave it stale): the triggers take a shared transaction-level advisory lock, creation an
-- exclusive one, tried without waiting; a busy creator answers from a fresh walk instead
-- (`search::scope`), so a long import never makes a search wait.
SET LOCAL lock_timeout = '5s';
SET LOCAL statement_timeout = '5min';

CREATE TABLE search_scope (
    id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    version   bigint NOT NULL CHECK (version >= 0),
    -- Sorted, distinct node ids.
    roots     bigint[] NOT NULL CHECK (cardinality(roots) > 0),
    -- Sorted chunk ids: what the retrievers filter on.
    chunks    bigint[] NOT NULL DEFAULT '{}',
    last_used timestamptz NOT NULL DEFAULT now(),
    UNIQUE (version, roots)
);
CREATE TABLE search_scope_node (
    scope_id bigint NOT NULL REFERENCES search_scope (id) ON DELETE CASCADE,
    node_id  bigint NOT NULL REFERENCES node (id),
    PRIMARY KEY (scope_id, node_id)
);
CREATE INDEX search_scope_node_node ON search_scope_node (node_id, scope_id);

-- How many scopes are kept; the least recently used beyond it are dropped when one is made.
CREATE FUNCTION search_scope_capacity() RETURNS int LANGUAGE sql IMMUTABLE AS 'SELECT 64';

-- The advisory lock key shared by the triggers and scope creation ("dtrag-scope").
CREATE FUNCTION search_scope_lock_key() RETURNS bigint LANGUAGE sql IMMUTABLE
    AS 'SELECT 7234017283807667300::bigint';

CREATE FUNCTION search_scope_refresh(scopes bigint[]) RETURNS void LANGUAGE sql AS $$
    UPDATE search_scope s
    SET chunks = (
        SELECT coalesce(array_agg(c.id ORDER BY c.id), '{}')
        FROM (SELECT DISTINCT dc.document_id
              FROM search_scope_node n
              JOIN document_category dc ON dc.node_id = n.node_id
              WHERE n.scope_id = s.id) d
        JOIN chunk c ON c.document_id = d.document_id)
    WHERE s.id = ANY (scopes);
$$;

-- The chunk ids of the scope (version, roots), made on first use; NULL when it does not exist
-- and cannot be made now: another transaction is writing classifications or chunks, or this one
-- is read-only or holds an older snapshot (the caller walks the subtree itself).
-- `roots` must be sorted and distinct, and present at `version` (checked by the caller).
CREATE FUNCTION search_scope_chunks(at_version bigint, root_ids bigint[]) RETURNS bigint[]
LANGUAGE plpgsql AS $$
DECLARE
    found_id bigint;
    found_chunks bigint[];
    writable boolean;
BEGIN
    SELECT s.id, s.chunks INTO found_id, found_chunks
    FROM search_scope s WHERE s.version = at_version AND s.roots = root_ids;
    -- Only a read-write READ COMMITTED transaction may make or touch a scope: a read-only one
    -- cannot write, and a snapshot older than this statement could miss a writer that committed
    -- (its trigger saw no scope to refresh) before the lock below was taken.
    writable := current_setting('transaction_read_only') = 'off'
                AND current_setting('transaction_isolation') = 'read committed';
    IF found_id IS NOT NULL THEN
        -- Touch at most once a minute: a search should not write on every call.
        IF writable THEN
            UPDATE search_scope SET last_used = now()
            WHERE id = found_id AND last_used < now() - interval '1 minute';
        END IF;
        RETURN found_chunks;
    END IF;
    IF NOT writable OR NOT pg_try_advisory_xact_lock(search_scope_lock_key()) THEN
        RETURN NULL;
    END IF;
    INSERT INTO search_scope (version, roots) VALUES (at_version, root_ids)
    ON CONFLICT (version, roots) DO NOTHING
    RETURNING id INTO found_id;
    IF found_id IS NULL THEN
        -- Made by a concurrent search that committed first.
        SELECT s.chunks INTO found_chunks
        FROM search_scope s WHERE s.version = at_version AND s.roots = root_ids;
        RETURN found_chunks;
    END IF;
    WITH RECURSIVE sub (id) AS (
        SELECT unnest(root_ids)
        UNION
        SELECT e.child_id FROM sub JOIN edge e ON e.parent_id = sub.id AND e.valid @> at_version
    )
    INSERT INTO search_scope_node (scope_id, node_id) SELECT found_id, id FROM sub;
    PERFORM search_scope_refresh(ARRAY[found_id]);
    DELETE FROM search_scope
    WHERE id IN (SELECT id FROM search_scope ORDER BY last_used DESC, id DESC
                 OFFSET search_scope_capacity());
    SELECT s.chunks INTO found_chunks FROM search_scope s WHERE s.id = found_id;
    RETURN found_chunks;
END $$;

-- Classifications written, decided or removed: the scopes holding their nodes (old and new).
CREATE FUNCTION search_scope_classified() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    scopes bigint[];
BEGIN
    PERFORM pg_advisory_xact_lock_shared(search_scope_lock_key());
    IF TG_OP = 'INSERT' THEN
        SELECT array_agg(DISTINCT n.scope_id) INTO scopes
        FROM search_scope_node n WHERE n.node_id IN (SELECT node_id FROM added);
    ELSIF TG_OP = 'UPDATE' THEN
        SELECT array_agg(DISTINCT n.scope_id) INTO scopes
        FROM search_scope_node n
        WHERE n.node_id IN (SELECT node_id FROM added UNION SELECT node_id FROM removed);
    ELSE
        SELECT array_agg(DISTINCT n.scope_id) INTO scopes
        FROM search_scope_node n WHERE n.node_id IN (SELECT node_id FROM removed);
    END IF;
    IF scopes IS NOT NULL THEN
        PERFORM search_scope_refresh(scopes);
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER classification_search_scope_ins AFTER INSERT ON classification
    REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION search_scope_classified();
CREATE TRIGGER classification_search_scope_upd AFTER UPDATE ON classification
    REFERENCING OLD TABLE AS removed NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION search_scope_classified();
CREATE TRIGGER classification_search_scope_del AFTER DELETE ON classification
    REFERENCING OLD TABLE AS removed FOR EACH STATEMENT EXECUTE FUNCTION search_scope_classified();

-- Chunks written or removed (a document added again, or removed): the scopes its classified
-- nodes are in. A removed document's classifications go too, and their trigger covers the rest.
CREATE FUNCTION search_scope_chunked() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    scopes bigint[];
BEGIN
    PERFORM pg_advisory_xact_lock_shared(search_scope_lock_key());
    IF NOT EXISTS (SELECT 1 FROM search_scope) THEN
        RETURN NULL;
    END IF;
    IF TG_OP = 'INSERT' THEN
        SELECT array_agg(DISTINCT n.scope_id) INTO scopes
        FROM (SELECT DISTINCT document_id FROM added) d
        JOIN document_category dc ON dc.document_id = d.document_id
        JOIN search_scope_node n ON n.node_id = dc.node_id;
    ELSE
        -- The chunks are gone already; any scope holding one of them is affected.
        SELECT array_agg(s.id) INTO scopes
        FROM search_scope s
        WHERE s.chunks && (SELECT array_agg(id) FROM removed);
    END IF;
    IF scopes IS NOT NULL THEN
        PERFORM search_scope_refresh(scopes);
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER chunk_search_scope_ins AFTER INSERT ON chunk
    REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION search_scope_chunked();
CREATE TRIGGER chunk_search_scope_del AFTER DELETE ON chunk
    REFERENCING OLD TABLE AS removed FOR EACH STATEMENT EXECUTE FUNCTION search_scope_chunked();
