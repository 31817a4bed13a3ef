-- Agents: retrieval limited to chosen categories, enforced by PostgreSQL's row-level security.
SET LOCAL lock_timeout = '5s';
SET LOCAL statement_timeout = '30min';

-- An agent and its PostgreSQL role (`dtrag_agent_…`, created with the agent; NOLOGIN until
-- credentials are issued). Definitions are never readable by agents: nothing here is granted.
CREATE TABLE agent (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name           text NOT NULL UNIQUE CHECK (name ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$'),
    description    text NOT NULL DEFAULT '',
    role_name      text NOT NULL UNIQUE CHECK (role_name ~ '^dtrag_agent_[0-9a-f]{16}$'),
    -- NULL: the scope follows the head; a version: the scope is the categories' subtrees there.
    pinned_version bigint REFERENCES taxonomy_version (version),
    -- Retrieval defaults (mode, k, weights, model), as a search request's fields.
    settings       jsonb NOT NULL DEFAULT '{}'::jsonb,
    can_login      boolean NOT NULL DEFAULT false,
    created_by     text NOT NULL,
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now()
);
-- The group role every agent's role is a member of, holding the only grants agents have (SELECT
-- on what retrieval reads). Created with the first agent, since creating roles needs CREATEROLE
-- and a database without agents should not; one per database, as role names are cluster-wide.
CREATE TABLE agent_group (
    singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    role_name text NOT NULL UNIQUE CHECK (role_name ~ '^dtrag_agents_[0-9a-f]{16}$')
);

-- The allowed categories, by node identity (a rename or move keeps them).
CREATE TABLE agent_category (
    agent_id bigint NOT NULL REFERENCES agent (id) ON DELETE CASCADE,
    node_id  bigint NOT NULL REFERENCES node (id),
    PRIMARY KEY (agent_id, node_id)
);

-- The materialised scope, kept current in the transaction of every publish, classification
-- change and agent change: the category nodes (allowed ones and their descendants at the
-- agent's version) and the documents classified under them. Policies read only the second.
CREATE TABLE agent_node (
    agent_id bigint NOT NULL REFERENCES agent (id) ON DELETE CASCADE,
    node_id  bigint NOT NULL REFERENCES node (id),
    PRIMARY KEY (agent_id, node_id)
);
CREATE INDEX agent_node_node ON agent_node (node_id, agent_id);
CREATE TABLE agent_document (
    role_name   text NOT NULL REFERENCES agent (role_name) ON DELETE CASCADE,
    document_id bigint NOT NULL REFERENCES document (id) ON DELETE CASCADE,
    PRIMARY KEY (role_name, document_id)
);
CREATE INDEX agent_document_document ON agent_document (document_id);

-- The scope's nodes at the agent's version; returns whether they changed.
CREATE FUNCTION agent_refresh_nodes(agent bigint) RETURNS boolean LANGUAGE plpgsql AS $$
DECLARE
    pinned bigint;
    ids bigint[];
    gone bigint;
    added bigint;
BEGIN
    SELECT a.pinned_version INTO pinned FROM agent a WHERE a.id = agent;
    IF pinned IS NULL THEN
        WITH RECURSIVE sub (id) AS (
            SELECT ac.node_id FROM agent_category ac
            JOIN node_state s ON s.node_id = ac.node_id AND upper_inf(s.valid)
            WHERE ac.agent_id = agent
            UNION
            SELECT e.child_id FROM sub JOIN edge e ON e.parent_id = sub.id AND upper_inf(e.valid)
        ) SELECT coalesce(array_agg(id), '{}') INTO ids FROM sub;
    ELSE
        WITH RECURSIVE sub (id) AS (
            SELECT ac.node_id FROM agent_category ac
            JOIN node_state s ON s.node_id = ac.node_id AND s.valid @> pinned
            WHERE ac.agent_id = agent
            UNION
            SELECT e.child_id FROM sub JOIN edge e ON e.parent_id = sub.id AND e.valid @> pinned
        ) SELECT coalesce(array_agg(id), '{}') INTO ids FROM sub;
    END IF;
    DELETE FROM agent_node an WHERE an.agent_id = agent AND NOT (an.node_id = ANY (ids));
    GET DIAGNOSTICS gone = ROW_COUNT;
    INSERT INTO agent_node (agent_id, node_id) SELECT agent, u.id FROM unnest(ids) AS u (id)
    ON CONFLICT DO NOTHING;
    GET DIAGNOSTICS added = ROW_COUNT;
    RETURN gone + added > 0;
END $$;

-- The scope's documents for `agents` (NULL: every agent) among `docs` (NULL: every document):
-- exactly those classified (accepted or auto-accepted: `document_category`) under a scope node.
CREATE FUNCTION agent_refresh_documents(agents bigint[], docs bigint[]) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM agent_document ad USING agent a
    WHERE ad.role_name = a.role_name
      AND (agents IS NULL OR a.id = ANY (agents))
      AND (docs IS NULL OR ad.document_id = ANY (docs))
      AND NOT EXISTS (SELECT 1 FROM document_category dc
                      JOIN agent_node an ON an.node_id = dc.node_id AND an.agent_id = a.id
                      WHERE dc.document_id = ad.document_id);
    INSERT INTO agent_document (role_name, document_id)
    SELECT DISTINCT a.role_name, dc.document_id
    FROM agent a
    JOIN agent_node an ON an.agent_id = a.id
    JOIN document_category dc ON dc.node_id = an.node_id
    WHERE (agents IS NULL OR a.id = ANY (agents))
      AND (docs IS NULL OR dc.document_id = ANY (docs))
    ON CONFLICT DO NOTHING;
END $$;

-- Any classification written, decided or removed: the scopes of its documents, in the same
-- statement's transaction, whichever code path wrote it. One trigger per event (transition
-- tables); plpgsql plans only the branch it runs.
CREATE FUNCTION agent_scope_classified() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    docs bigint[];
BEGIN
    IF NOT EXISTS (SELECT 1 FROM agent) THEN
        RETURN NULL;
    END IF;
    IF TG_OP = 'INSERT' THEN
        SELECT array_agg(DISTINCT document_id) INTO docs FROM added;
    ELSIF TG_OP = 'UPDATE' THEN
        SELECT array_agg(DISTINCT v.doc) INTO docs
        FROM added a JOIN removed o ON o.id = a.id
        CROSS JOIN LATERAL (VALUES (a.document_id), (o.document_id)) AS v (doc)
        WHERE a.status IS DISTINCT FROM o.status OR a.node_id IS DISTINCT FROM o.node_id
           OR a.document_id IS DISTINCT FROM o.document_id;
    ELSE
        SELECT array_agg(DISTINCT document_id) INTO docs FROM removed;
    END IF;
    IF docs IS NOT NULL THEN
        PERFORM agent_refresh_documents(NULL, docs);
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER classification_agent_scope_ins AFTER INSERT ON classification
    REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION agent_scope_classified();
CREATE TRIGGER classification_agent_scope_upd AFTER UPDATE ON classification
    REFERENCING OLD TABLE AS removed NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION agent_scope_classified();
CREATE TRIGGER classification_agent_scope_del AFTER DELETE ON classification
    REFERENCING OLD TABLE AS removed FOR EACH STATEMENT EXECUTE FUNCTION agent_scope_classified();

-- Row-level security on everything holding document content, vectors or postings, enabled and
-- forced: a role no policy names sees nothing, the owner included. Agents see the rows of their
-- scope (keyed on `current_user`, which a client cannot change without the role's password);
-- the owner (the role running this migration) sees everything; superusers bypass RLS anyway.
-- Policy predicates are `=`/`IN` on bigint and text, all leakproof, so they run before any
-- predicate of the query and indexes stay usable.
CREATE POLICY agent_own ON agent_document FOR SELECT USING (role_name = current_user);
CREATE POLICY agent_scope ON document FOR SELECT
    USING (id IN (SELECT ad.document_id FROM agent_document ad));
CREATE POLICY agent_scope ON chunk FOR SELECT
    USING (document_id IN (SELECT ad.document_id FROM agent_document ad));
CREATE POLICY agent_scope ON chunk_embedding FOR SELECT
    USING (chunk_id IN (SELECT c.id FROM chunk c));
CREATE POLICY agent_scope ON bm25_posting FOR SELECT
    USING (chunk_id IN (SELECT c.id FROM chunk c));
DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['agent_document', 'document', 'chunk', 'chunk_embedding', 'bm25_posting']
    LOOP
        EXECUTE format('CREATE POLICY owner_all ON %I TO %I USING (true) WITH CHECK (true)',
                       t, current_user);
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    END LOOP;
END $$;
