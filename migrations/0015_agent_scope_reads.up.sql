-- Agent scopes read without writing (issue 11: under load, diffs and one-node publishes took about
-- a minute each).
--
-- Before: a diff worked out which agents a change touches by pinning each agent to one version and
-- then the other inside a rolled-back savepoint, so every diff rewrote the agent's materialised
-- scope (`agent_node`, `agent_document`, `agent_chunk`) and updated its `agent_corpus` row, whose
-- row lock every publish and review decision in that scope then waited for. And
-- `agent_refresh_nodes` removed stale rows with `NOT (node_id = ANY (ids))`, comparing each of the
-- scope's nodes with every other (quadratic: ~30,000 nodes under five WordNet subtrees).
--
-- Now the rule "an agent's nodes at a version" is one read-only function, which both the refresh
-- (set differences by anti-join) and the diff (counts of documents under either version's nodes)
-- use; a diff writes nothing and takes no row lock.
SET LOCAL lock_timeout = '5s';
SET LOCAL statement_timeout = '30min';

-- The allowed categories of `agent` and their descendants at `at_version` (NULL: the head).
CREATE FUNCTION agent_nodes_at(agent bigint, at_version bigint)
RETURNS TABLE (node_id bigint) LANGUAGE plpgsql STABLE AS $$
BEGIN
    IF at_version IS NULL THEN
        RETURN QUERY
        WITH RECURSIVE sub (id) AS (
            SELECT ac.node_id FROM agent_category ac
            JOIN node_state s ON s.node_id = ac.node_id AND upper_inf(s.valid)
            WHERE ac.agent_id = agent
            UNION
            SELECT e.child_id FROM sub JOIN edge e ON e.parent_id = sub.id AND upper_inf(e.valid)
        ) SELECT sub.id FROM sub;
    ELSE
        RETURN QUERY
        WITH RECURSIVE sub (id) AS (
            SELECT ac.node_id FROM agent_category ac
            JOIN node_state s ON s.node_id = ac.node_id AND s.valid @> at_version
            WHERE ac.agent_id = agent
            UNION
            SELECT e.child_id FROM sub JOIN edge e ON e.parent_id = sub.id AND e.valid @> at_version
        ) SELECT sub.id FROM sub;
    END IF;
END $$;

-- The documents classified (accepted or auto-accepted) under the agent's nodes at a version,
-- with today's classifications: what `agent_document` would hold were the agent pinned there.
CREATE FUNCTION agent_documents_at(agent bigint, at_version bigint)
RETURNS TABLE (document_id bigint) LANGUAGE sql STABLE AS $$
    SELECT DISTINCT dc.document_id
    FROM agent_nodes_at(agent, at_version) n
    JOIN document_category dc ON dc.node_id = n.node_id
$$;

-- The scope's nodes at the agent's version; returns whether they changed.
CREATE OR REPLACE FUNCTION agent_refresh_nodes(agent bigint) RETURNS boolean
LANGUAGE plpgsql AS $$
DECLARE
    pinned bigint;
    changed bigint;
BEGIN
    SELECT a.pinned_version INTO pinned FROM agent a WHERE a.id = agent;
    WITH want AS MATERIALIZED (
        SELECT n.node_id FROM agent_nodes_at(agent, pinned) n
    ), gone AS (
        DELETE FROM agent_node an
        WHERE an.agent_id = agent
          AND NOT EXISTS (SELECT 1 FROM want w WHERE w.node_id = an.node_id)
        RETURNING 1
    ), added AS (
        INSERT INTO agent_node (agent_id, node_id)
        SELECT agent, w.node_id FROM want w
        WHERE NOT EXISTS (SELECT 1 FROM agent_node an
                          WHERE an.agent_id = agent AND an.node_id = w.node_id)
        ON CONFLICT DO NOTHING
        RETURNING 1
    )
    SELECT (SELECT count(*) FROM gone) + (SELECT count(*) FROM added) INTO changed;
    RETURN changed > 0;
END $$;

-- Whether `node` is in the agent's scope at `at_version`: a walk up to the roots (a few edges in a
-- taxonomy), instead of down the whole scope.
CREATE FUNCTION agent_holds_node_at(agent bigint, node bigint, at_version bigint) RETURNS boolean
LANGUAGE sql STABLE AS $$
    WITH RECURSIVE up (id) AS (
        SELECT node
        UNION
        SELECT e.parent_id FROM up JOIN edge e ON e.child_id = up.id AND e.valid @> at_version
    )
    SELECT EXISTS (
        SELECT 1 FROM up
        JOIN agent_category ac ON ac.agent_id = agent AND ac.node_id = up.id
        JOIN node_state s ON s.node_id = up.id AND s.valid @> at_version)
$$;

-- After a publish wrote version `at_version` (the new head): the agent's `agent_node` follows,
-- from what the publish changed. Only edges out of scope nodes matter: an edge opened below a
-- scope node brings its child's subtree in; an edge closed below one, or a scope node removed,
-- may take nodes out, and an allowed category restored brings its subtree back: then the scope
-- is recomputed whole. Returns the nodes that entered,
-- or NULL when it was recomputed (the caller then refreshes the agent's documents whole).
CREATE FUNCTION agent_nodes_follow_publish(agent bigint, opened_parent bigint[],
                                           opened_child bigint[], closed_parent bigint[],
                                           removed bigint[]) RETURNS bigint[]
LANGUAGE plpgsql AS $$
DECLARE
    entered bigint[] := '{}';
    more bigint[];
BEGIN
    -- Out: a closed edge or a removal inside the scope. In: an allowed category that came
    -- (back) into the taxonomy (a rollback, an import). Either way, recompute it whole.
    IF EXISTS (SELECT 1 FROM agent_node an
               WHERE an.agent_id = agent AND an.node_id = ANY (closed_parent || removed))
       OR EXISTS (SELECT 1 FROM agent_category ac
                  JOIN node_state s ON s.node_id = ac.node_id AND upper_inf(s.valid)
                  WHERE ac.agent_id = agent
                    AND NOT EXISTS (SELECT 1 FROM agent_node an
                                    WHERE an.agent_id = agent AND an.node_id = ac.node_id)) THEN
        PERFORM agent_refresh_nodes(agent);
        RETURN NULL;
    END IF;
    -- Each round takes the opened edges whose parent is (now) in scope; a child's subtree at the
    -- head comes in with it, stopping at nodes already in scope (their subtrees are, too).
    LOOP
        WITH RECURSIVE seed (id) AS (
            SELECT DISTINCT x.c FROM unnest(opened_parent, opened_child) AS x (p, c)
            JOIN agent_node an ON an.agent_id = agent AND an.node_id = x.p
            WHERE NOT EXISTS (SELECT 1 FROM agent_node h
                              WHERE h.agent_id = agent AND h.node_id = x.c)
        ), sub (id) AS (
            SELECT id FROM seed
            UNION
            SELECT e.child_id FROM sub JOIN edge e ON e.parent_id = sub.id AND upper_inf(e.valid)
            WHERE NOT EXISTS (SELECT 1 FROM agent_node h
                              WHERE h.agent_id = agent AND h.node_id = e.child_id)
        ), ins AS (
            INSERT INTO agent_node (agent_id, node_id) SELECT agent, sub.id FROM sub
            ON CONFLICT DO NOTHING
            RETURNING node_id
        ) SELECT array_agg(ins.node_id) INTO more FROM ins;
        EXIT WHEN more IS NULL;
        entered := entered || more;
    END LOOP;
    RETURN entered;
END $$;

-- How an agent's documents differ between taxonomy versions `v_from` and `v_to`, with today's
-- classifications (for an agent following the head; its `agent_document` is the head's scope).
-- Only nodes below an edge that changed between the two versions can change membership; each is
-- tested by a walk up (`agent_holds_node_at`) at both versions, and only the documents under the
-- nodes that entered or left are looked at. When the change is large, or neither version is the
-- head, or an allowed category itself appeared or went, both scopes are computed whole.
CREATE FUNCTION agent_scope_change(agent bigint, v_from bigint, v_to bigint,
    OUT documents_before bigint, OUT documents_after bigint, OUT added bigint, OUT removed bigint)
LANGUAGE plpgsql STABLE AS $$
DECLARE
    lo bigint := least(v_from, v_to);
    hi bigint := greatest(v_from, v_to);
    head bigint;
    candidates bigint[];
    at_head bigint;
BEGIN
    SELECT max(version) INTO head FROM taxonomy_version;
    IF v_from = v_to THEN
        SELECT count(*) INTO documents_before FROM agent_documents_at(agent, v_from);
        documents_after := documents_before; added := 0; removed := 0;
        RETURN;
    END IF;
    IF hi = head AND NOT EXISTS (
        SELECT 1 FROM agent_category ac JOIN node_state s ON s.node_id = ac.node_id
        WHERE ac.agent_id = agent
          AND ((lower(s.valid) > lo AND lower(s.valid) <= hi)
               OR (upper(s.valid) > lo AND upper(s.valid) <= hi))
    ) THEN
        WITH RECURSIVE seed (id) AS (
            SELECT e.child_id FROM edge e WHERE lower(e.valid) > lo AND lower(e.valid) <= hi
            UNION
            SELECT e.child_id FROM edge e WHERE upper(e.valid) > lo AND upper(e.valid) <= hi
        ), down (id) AS (
            SELECT id FROM seed
            UNION
            SELECT e.child_id FROM down JOIN edge e
                ON e.parent_id = down.id AND (e.valid @> lo OR e.valid @> hi)
        ) SELECT array_agg(id) INTO candidates FROM (SELECT id FROM down LIMIT 5001) d;
        IF coalesce(cardinality(candidates), 0) <= 5000 THEN
            SELECT count(*) INTO at_head FROM agent a JOIN agent_document ad
                ON ad.role_name = a.role_name WHERE a.id = agent;
            WITH moved AS MATERIALIZED (
                SELECT c.id FROM unnest(coalesce(candidates, '{}')) AS c (id)
                WHERE agent_holds_node_at(agent, c.id, lo) <> agent_holds_node_at(agent, c.id, hi)
            ), docs AS MATERIALIZED (
                SELECT DISTINCT dc.document_id FROM document_category dc
                JOIN moved m ON m.id = dc.node_id
            ), held AS MATERIALIZED (
                SELECT d.document_id,
                       EXISTS (SELECT 1 FROM document_category dc WHERE dc.document_id = d.document_id
                               AND agent_holds_node_at(agent, dc.node_id, lo)) AS at_lo,
                       EXISTS (SELECT 1 FROM document_category dc WHERE dc.document_id = d.document_id
                               AND agent_holds_node_at(agent, dc.node_id, hi)) AS at_hi
                FROM docs d
            ) SELECT count(*) FILTER (WHERE at_hi AND NOT at_lo),
                     count(*) FILTER (WHERE at_lo AND NOT at_hi)
              INTO added, removed FROM held;
            -- `added` so far means "in at hi, not at lo"; orient it from -> to.
            IF v_to = hi THEN
                documents_after := at_head;
                documents_before := at_head - added + removed;
            ELSE
                documents_before := at_head;
                documents_after := at_head - added + removed;
                SELECT removed, added INTO added, removed;
            END IF;
            RETURN;
        END IF;
    END IF;
    WITH b AS MATERIALIZED (SELECT d.document_id FROM agent_documents_at(agent, v_from) d),
         a AS MATERIALIZED (SELECT d.document_id FROM agent_documents_at(agent, v_to) d)
    SELECT (SELECT count(*) FROM b), (SELECT count(*) FROM a),
           (SELECT count(*) FROM a WHERE NOT EXISTS (SELECT 1 FROM b WHERE b.document_id = a.document_id)),
           (SELECT count(*) FROM b WHERE NOT EXISTS (SELECT 1 FROM a WHERE a.document_id = b.document_id))
    INTO documents_before, documents_after, added, removed;
END $$;
