SET LOCAL lock_timeout = '5s';
SET LOCAL statement_timeout = '30min';

-- agent_refresh_nodes as migration 0006 made it.
CREATE OR REPLACE FUNCTION agent_refresh_nodes(agent bigint) RETURNS boolean LANGUAGE plpgsql AS $$
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
DROP FUNCTION IF EXISTS agent_scope_change(bigint, bigint, bigint);
DROP FUNCTION IF EXISTS agent_nodes_follow_publish(bigint, bigint[], bigint[], bigint[], bigint[]);
DROP FUNCTION IF EXISTS agent_holds_node_at(bigint, bigint, bigint);
DROP FUNCTION IF EXISTS agent_documents_at(bigint, bigint);
DROP FUNCTION IF EXISTS agent_nodes_at(bigint, bigint);
