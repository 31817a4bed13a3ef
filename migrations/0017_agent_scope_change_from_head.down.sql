-- agent_scope_change as migration 0015 made it (its fast path only when one side is the head).
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
