-- Reverts 0016: the objects back to the migrating role, the grants and policies of 0016 gone. The
-- roles dtrag_owner and dtrag_app stay: they are cluster-wide, other databases on the server may
-- use them, and dropping one while another database migrates would fail that migration.
SET LOCAL lock_timeout = '5s';
SET LOCAL statement_timeout = '30min';

DROP FUNCTION IF EXISTS dtrag_agent_login(text, text);
DROP FUNCTION IF EXISTS dtrag_agent_role_drop(text);
DROP FUNCTION IF EXISTS dtrag_agent_role_create(text, text);
DROP FUNCTION IF EXISTS dtrag_agents_group_create(text, text[]);
DROP FUNCTION IF EXISTS dtrag_check_role_name(text, text);
DROP FUNCTION IF EXISTS dtrag_hnsw_drop(integer);
DROP FUNCTION IF EXISTS dtrag_hnsw_build(integer);
DROP FUNCTION IF EXISTS dtrag_analyze(text[]);

DO $$
DECLARE
    t regclass;
BEGIN
    FOR t IN SELECT c.oid::regclass FROM pg_class c
             WHERE c.relnamespace = 'public'::regnamespace AND c.relrowsecurity
    LOOP
        EXECUTE format('DROP POLICY IF EXISTS dtrag_owner_all ON %s', t);
        EXECUTE format('DROP POLICY IF EXISTS dtrag_app_all ON %s', t);
    END LOOP;
    EXECUTE format('REVOKE CONNECT ON DATABASE %I FROM dtrag_owner CASCADE', current_database());
    -- TEMPORARY back to PUBLIC unless the agents' group (0006) had taken it away.
    IF NOT EXISTS (SELECT 1 FROM agent_group) THEN
        EXECUTE format('GRANT TEMPORARY ON DATABASE %I TO PUBLIC', current_database());
    END IF;
END $$;

REVOKE ALL ON ALL TABLES IN SCHEMA public FROM dtrag_app;
REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM dtrag_app;
REVOKE ALL ON ALL FUNCTIONS IN SCHEMA public FROM dtrag_app;
REASSIGN OWNED BY dtrag_owner TO CURRENT_USER;
REVOKE ALL ON SCHEMA public FROM dtrag_app, dtrag_owner CASCADE;
