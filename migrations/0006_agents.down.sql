SET LOCAL lock_timeout = '5s';
SET LOCAL statement_timeout = '30min';

DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['document', 'chunk', 'chunk_embedding', 'bm25_posting']
    LOOP
        EXECUTE format('ALTER TABLE %I NO FORCE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE %I DISABLE ROW LEVEL SECURITY', t);
        EXECUTE format('DROP POLICY IF EXISTS owner_all ON %I', t);
        EXECUTE format('DROP POLICY IF EXISTS agent_scope ON %I', t);
    END LOOP;
END $$;
DROP TRIGGER IF EXISTS classification_agent_scope_ins ON classification;
DROP TRIGGER IF EXISTS classification_agent_scope_upd ON classification;
DROP TRIGGER IF EXISTS classification_agent_scope_del ON classification;
DROP FUNCTION IF EXISTS agent_scope_classified();
DROP FUNCTION IF EXISTS agent_refresh_documents(bigint[], bigint[]);
DROP FUNCTION IF EXISTS agent_refresh_nodes(bigint);
-- The agents' roles are dropped with the agents (`dtrag agents remove`); roles left by agents
-- still defined here are dropped now, so none outlives its definition.
DO $$
DECLARE
    r text;
BEGIN
    FOR r IN SELECT a.role_name FROM agent a
             WHERE EXISTS (SELECT 1 FROM pg_roles p WHERE p.rolname = a.role_name)
    LOOP
        EXECUTE format('DROP ROLE %I', r);
    END LOOP;
    FOR r IN SELECT g.role_name FROM agent_group g
             WHERE EXISTS (SELECT 1 FROM pg_roles p WHERE p.rolname = g.role_name)
    LOOP
        EXECUTE format('REVOKE ALL ON ALL TABLES IN SCHEMA public FROM %I', r);
        EXECUTE format('REVOKE ALL ON SCHEMA public FROM %I', r);
        EXECUTE format('REVOKE ALL ON DATABASE %I FROM %I', current_database(), r);
        EXECUTE format('DROP ROLE %I', r);
    END LOOP;
END $$;
DROP TABLE IF EXISTS agent_group;
DROP TABLE IF EXISTS agent_document;
DROP TABLE IF EXISTS agent_node;
DROP TABLE IF EXISTS agent_category;
DROP TABLE IF EXISTS agent;
