-- Least privilege (issue 11, part 4): the schema belongs to `dtrag_owner`, the app and CLI work
-- as `dtrag_app` (DML only, the audit log INSERT and SELECT), and what needs more than DML goes
-- through the SECURITY DEFINER functions below, owned by `dtrag_owner`. See docs/reliability.md.
SET LOCAL lock_timeout = '5s';
SET LOCAL statement_timeout = '30min';

-- Roles are cluster-wide and shared by every database on the server: created when missing (a DBA
-- may create them beforehand, and then this migration needs no CREATEROLE), never dropped here.
-- Two databases migrating at once may both try: the loser's duplicate is not an error.
DO $$
BEGIN
    IF to_regrole('dtrag_owner') IS NULL THEN
        BEGIN
            -- CREATEROLE: the definer functions create, alter and drop the agents' roles.
            CREATE ROLE dtrag_owner NOLOGIN CREATEROLE;
        EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
        END;
    END IF;
    IF to_regrole('dtrag_app') IS NULL THEN
        BEGIN
            -- NOINHERIT: its privileges are exactly its own grants, not its agents' (it is a member
            -- of every agent role, so that a login in dtrag_app may SET ROLE to an agent).
            CREATE ROLE dtrag_app NOLOGIN NOINHERIT;
        EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
        END;
    END IF;
END $$;

GRANT CREATE ON SCHEMA public TO dtrag_owner;
-- With grant option: the owner passes USAGE on to the agents' group it creates.
GRANT USAGE ON SCHEMA public TO dtrag_owner WITH GRANT OPTION;
GRANT USAGE ON SCHEMA public TO dtrag_app;

-- Every object of the schema (not the extension's) now belongs to dtrag_owner; sequences owned by
-- a column follow their table.
DO $$
DECLARE
    r record;
BEGIN
    FOR r IN
        SELECT c.oid::regclass AS name, c.relkind
        FROM pg_class c
        WHERE c.relnamespace = 'public'::regnamespace
          AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
          AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass
                          AND d.objid = c.oid AND d.deptype IN ('e', 'a', 'i'))
    LOOP
        IF r.relkind = 'S' THEN
            EXECUTE format('ALTER SEQUENCE %s OWNER TO dtrag_owner', r.name);
        ELSIF r.relkind IN ('v', 'm') THEN
            EXECUTE format('ALTER %s %s OWNER TO dtrag_owner',
                           CASE r.relkind WHEN 'v' THEN 'VIEW' ELSE 'MATERIALIZED VIEW' END, r.name);
        ELSE
            EXECUTE format('ALTER TABLE %s OWNER TO dtrag_owner', r.name);
        END IF;
    END LOOP;
    FOR r IN
        SELECT p.oid::regprocedure AS name, p.prokind
        FROM pg_proc p
        WHERE p.pronamespace = 'public'::regnamespace
          AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass
                          AND d.objid = p.oid AND d.deptype = 'e')
    LOOP
        EXECUTE format('ALTER %s %s OWNER TO dtrag_owner',
                       CASE r.prokind WHEN 'p' THEN 'PROCEDURE' WHEN 'a' THEN 'AGGREGATE'
                                      ELSE 'FUNCTION' END, r.name);
    END LOOP;
    FOR r IN
        SELECT t.oid::regtype AS name
        FROM pg_type t
        WHERE t.typnamespace = 'public'::regnamespace AND t.typtype IN ('e', 'd', 'r')
          AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_type'::regclass
                          AND d.objid = t.oid AND d.deptype = 'e')
    LOOP
        EXECUTE format('ALTER TYPE %s OWNER TO dtrag_owner', r.name);
    END LOOP;
END $$;

-- The app's grants: rows of every table, the audit log append-only even around its trigger, the
-- migrations' bookkeeping read-only (the app checks the level, never changes it), views read.
DO $$
DECLARE
    t regclass;
BEGIN
    FOR t IN
        SELECT c.oid::regclass FROM pg_class c
        WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('v', 'm')
          AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass
                          AND d.objid = c.oid AND d.deptype = 'e')
    LOOP
        EXECUTE format('GRANT SELECT ON %s TO dtrag_app', t);
    END LOOP;
    FOR t IN
        SELECT c.oid::regclass FROM pg_class c
        WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p')
          AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass
                          AND d.objid = c.oid AND d.deptype = 'e')
    LOOP
        IF t::text = 'audit_log' THEN
            EXECUTE format('GRANT SELECT, INSERT ON %s TO dtrag_app', t);
        ELSIF t::text = '_sqlx_migrations' THEN
            EXECUTE format('GRANT SELECT ON %s TO dtrag_app', t);
        ELSE
            EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %s TO dtrag_app', t);
        END IF;
    END LOOP;
END $$;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO dtrag_app;

-- Row-level security is forced: the owner and the app see every row through a policy of their own,
-- as the migrating role did (0006, 0011).
DO $$
DECLARE
    t regclass;
BEGIN
    FOR t IN SELECT c.oid::regclass FROM pg_class c
             WHERE c.relnamespace = 'public'::regnamespace AND c.relrowsecurity
    LOOP
        EXECUTE format('CREATE POLICY dtrag_owner_all ON %s TO dtrag_owner USING (true) WITH CHECK (true)', t);
        EXECUTE format('CREATE POLICY dtrag_app_all ON %s TO dtrag_app USING (true) WITH CHECK (true)', t);
    END LOOP;
END $$;

-- Nobody creates temporary tables (agents lost that in 0006's group; now the app too). The owner
-- may pass CONNECT on to the agents' group it creates.
DO $$
BEGIN
    EXECUTE format('REVOKE TEMPORARY ON DATABASE %I FROM PUBLIC', current_database());
    EXECUTE format('GRANT CONNECT ON DATABASE %I TO dtrag_owner WITH GRANT OPTION', current_database());
END $$;

-- The definer functions. Each fixes its search_path, validates every name against the pattern of
-- names we generate and formats it with %I (never concatenated), and may be executed by dtrag_app
-- only.

-- Planner statistics after a bulk write (ANALYZE needs the owner in PostgreSQL 15).
CREATE FUNCTION dtrag_analyze(tables text[]) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY tables LOOP
        IF t IS NULL OR NOT t = ANY (ARRAY['node', 'node_state', 'edge', 'review_item',
                                           'classification']) THEN
            RAISE EXCEPTION 'dtrag_analyze: not a table we analyze: %', t
                USING ERRCODE = 'invalid_parameter_value';
        END IF;
        EXECUTE format('ANALYZE public.%I', t);
    END LOOP;
END $$;

-- A model's partial HNSW index with the settings recorded for the model, dropped and built again
-- (CREATE INDEX needs the table's owner). Everything formatted comes from embedding_model.
CREATE FUNCTION dtrag_hnsw_build(model_id integer) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
DECLARE
    mo record;
BEGIN
    SELECT e.id, e.dims, e.hnsw_m, e.hnsw_ef_construction INTO mo
    FROM public.embedding_model e WHERE e.id = model_id;
    IF mo.id IS NULL THEN
        RAISE EXCEPTION 'dtrag_hnsw_build: no such model %', model_id
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    EXECUTE format('DROP INDEX IF EXISTS public.%I', 'chunk_embedding_hnsw_' || mo.id);
    EXECUTE format('CREATE INDEX %I ON public.chunk_embedding USING hnsw '
                   '((embedding::vector(%s)) vector_cosine_ops) '
                   'WITH (m = %s, ef_construction = %s) WHERE model_id = %s',
                   'chunk_embedding_hnsw_' || mo.id, mo.dims::integer, mo.hnsw_m::integer,
                   mo.hnsw_ef_construction::integer, mo.id::integer);
END $$;

CREATE FUNCTION dtrag_hnsw_drop(model_id integer) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
BEGIN
    IF model_id IS NULL THEN
        RAISE EXCEPTION 'dtrag_hnsw_drop: no model' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    EXECUTE format('DROP INDEX IF EXISTS public.%I', 'chunk_embedding_hnsw_' || model_id);
END $$;

CREATE FUNCTION dtrag_check_role_name(name text, pattern text) RETURNS void
LANGUAGE plpgsql IMMUTABLE SET search_path = pg_catalog AS $$
BEGIN
    IF name IS NULL OR name !~ pattern THEN
        RAISE EXCEPTION 'not one of our role names: %', quote_literal(coalesce(name, 'NULL'))
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
END $$;

-- The agents' group with the only grants agents have (SELECT on what retrieval reads).
CREATE FUNCTION dtrag_agents_group_create(grp text, tables text[]) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
DECLARE
    t text;
BEGIN
    PERFORM dtrag_check_role_name(grp, '^dtrag_agents_[0-9a-f]{16}$');
    IF NOT tables <@ ARRAY['document', 'chunk', 'chunk_embedding', 'bm25_posting',
                           'agent_document', 'agent_chunk', 'agent_corpus'] THEN
        RAISE EXCEPTION 'dtrag_agents_group_create: not an agent table among %', tables
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    EXECUTE format('CREATE ROLE %I NOLOGIN', grp);
    EXECUTE format('GRANT CONNECT ON DATABASE %I TO %I', current_database(), grp);
    EXECUTE format('GRANT USAGE ON SCHEMA public TO %I', grp);
    FOREACH t IN ARRAY tables LOOP
        EXECUTE format('GRANT SELECT ON public.%I TO %I', t, grp);
    END LOOP;
END $$;

-- An agent's NOLOGIN role in the group. dtrag_app is a member so a session working as it may
-- SET ROLE to the agent; dtrag_owner is one so it may end the agent's sessions.
CREATE FUNCTION dtrag_agent_role_create(agent_role text, grp text) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
BEGIN
    PERFORM dtrag_check_role_name(agent_role, '^dtrag_agent_[0-9a-f]{16}$');
    PERFORM dtrag_check_role_name(grp, '^dtrag_agents_[0-9a-f]{16}$');
    IF NOT EXISTS (SELECT 1 FROM public.agent_group WHERE role_name = grp) THEN
        RAISE EXCEPTION 'not this database''s agent group: %', grp
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    EXECUTE format('CREATE ROLE %I NOLOGIN IN ROLE %I ROLE dtrag_app, dtrag_owner', agent_role, grp);
END $$;

CREATE FUNCTION dtrag_agent_role_drop(agent_role text) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
BEGIN
    PERFORM dtrag_check_role_name(agent_role, '^dtrag_agent_[0-9a-f]{16}$');
    EXECUTE format('DROP ROLE IF EXISTS %I', agent_role);
END $$;

-- A login for an agent (PostgreSQL keeps a SCRAM verifier), or none (and its sessions ended).
CREATE FUNCTION dtrag_agent_login(agent_role text, password text) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public
SET password_encryption = 'scram-sha-256' AS $$
BEGIN
    PERFORM dtrag_check_role_name(agent_role, '^dtrag_agent_[0-9a-f]{16}$');
    IF password IS NULL THEN
        EXECUTE format('ALTER ROLE %I NOLOGIN PASSWORD NULL', agent_role);
        PERFORM pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = agent_role;
    ELSE
        EXECUTE format('ALTER ROLE %I LOGIN PASSWORD %L', agent_role, password);
    END IF;
END $$;

DO $$
DECLARE
    f regprocedure;
BEGIN
    FOR f IN SELECT p.oid::regprocedure FROM pg_proc p
             WHERE p.pronamespace = 'public'::regnamespace AND p.proname LIKE 'dtrag\_%'
    LOOP
        EXECUTE format('ALTER FUNCTION %s OWNER TO dtrag_owner', f);
        EXECUTE format('REVOKE ALL ON FUNCTION %s FROM PUBLIC', f);
        EXECUTE format('GRANT EXECUTE ON FUNCTION %s TO dtrag_app', f);
    END LOOP;
END $$;
