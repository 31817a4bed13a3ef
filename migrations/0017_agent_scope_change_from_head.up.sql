-- agent_scope_change (migration 0015) took its fast path only when one of the two versions was
-- the head; under load a publish lands between reading the head and asking for the diff, and
-- the whole recomputation (1-2 s on the WordNet load database) ran instead: the load
-- benchmark's diff p95 of seconds. Now the fast path reaches any two versions from the head:
-- the candidates are the nodes below edges that changed in (lo, head], a document's status is
-- compared at lo, hi and the head, and the count at a version comes from the agent's
-- materialised documents at the head, corrected by the documents whose status differs there.
SET LOCAL lock_timeout = '5s';
SET LOCAL statement_timeout = '30min';

CREATE OR REPLACE FUNCTION agent_scope_change(agent bigint, v_from bigint, v_to bigint,
    OUT documents_before bigint, OUT documents_after bigint, OUT added bigint, OUT removed bigint)
LANGUAGE plpgsql STABLE AS $$
DECLARE
    lo bigint := least(v_from, v_to);
    hi bigint := greatest(v_from, v_to);
    head bigint;
    candidates bigint[];
    at_head bigint;
    at_lo bigint;
    at_hi bigint;
BEGIN
    SELECT max(version) INTO head FROM taxonomy_version;
    IF v_from = v_to THEN
        SELECT count(*) INTO documents_before FROM agent_documents_at(agent, v_from);
        documents_after := documents_before; added := 0; removed := 0;
        RETURN;
    END IF;
    -- An allowed category that appeared or went away in (lo, head] changes the roots: whole.
    IF NOT EXISTS (
        SELECT 1 FROM agent_category ac JOIN node_state s ON s.node_id = ac.node_id
        WHERE ac.agent_id = agent
          AND ((lower(s.valid) > lo AND lower(s.valid) <= head)
               OR (upper(s.valid) > lo AND upper(s.valid) <= head))
    ) THEN
        WITH RECURSIVE seed (id) AS (
            SELECT e.child_id FROM edge e WHERE lower(e.valid) > lo AND lower(e.valid) <= head
            UNION
            SELECT e.child_id FROM edge e WHERE upper(e.valid) > lo AND upper(e.valid) <= head
        ), down (id) AS (
            SELECT id FROM seed
            UNION
            SELECT e.child_id FROM down JOIN edge e
                ON e.parent_id = down.id AND (e.valid @> lo OR e.valid @> hi OR e.valid @> head)
        ) SELECT array_agg(id) INTO candidates FROM (SELECT id FROM down LIMIT 5001) d;
        IF coalesce(cardinality(candidates), 0) <= 5000 THEN
            SELECT count(*) INTO at_head FROM agent a JOIN agent_document ad
                ON ad.role_name = a.role_name WHERE a.id = agent;
            -- Only documents under a node whose holding differs between two of the three
            -- versions can have a different status; every other document's is the same.
            WITH moved AS MATERIALIZED (
                SELECT c.id FROM unnest(coalesce(candidates, '{}')) AS c (id)
                WHERE agent_holds_node_at(agent, c.id, lo) <> agent_holds_node_at(agent, c.id, hi)
                   OR agent_holds_node_at(agent, c.id, hi) <> agent_holds_node_at(agent, c.id, head)
            ), docs AS MATERIALIZED (
                SELECT DISTINCT dc.document_id FROM document_category dc
                JOIN moved m ON m.id = dc.node_id
            ), held AS MATERIALIZED (
                SELECT d.document_id,
                       EXISTS (SELECT 1 FROM document_category dc WHERE dc.document_id = d.document_id
                               AND agent_holds_node_at(agent, dc.node_id, lo)) AS in_lo,
                       EXISTS (SELECT 1 FROM document_category dc WHERE dc.document_id = d.document_id
                               AND agent_holds_node_at(agent, dc.node_id, hi)) AS in_hi,
                       EXISTS (SELECT 1 FROM document_category dc WHERE dc.document_id = d.document_id
                               AND agent_holds_node_at(agent, dc.node_id, head)) AS in_head
                FROM docs d
            ) SELECT count(*) FILTER (WHERE in_hi AND NOT in_lo),
                     count(*) FILTER (WHERE in_lo AND NOT in_hi),
                     at_head - count(*) FILTER (WHERE in_head AND NOT in_lo)
                             + count(*) FILTER (WHERE in_lo AND NOT in_head),
                     at_head - count(*) FILTER (WHERE in_head AND NOT in_hi)
                             + count(*) FILTER (WHERE in_hi AND NOT in_head)
              INTO added, removed, at_lo, at_hi FROM held;
            -- `added` so far means "in at hi, not at lo"; orient it from -> to.
            IF v_to = hi THEN
                documents_before := at_lo;
                documents_after := at_hi;
            ELSE
                documents_before := at_hi;
                documents_after := at_lo;
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
