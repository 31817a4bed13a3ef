//! Row-level security is forced, so it binds the tables' owner too: an ordinary (not superuser)
//! owner with CREATEROLE — what a server by URL usually gives — migrates, writes, reads
//! everything through its own policy, and runs agents.

use sqlx::postgres::PgConnectOptions;
use sqlx::Connection;

use dtrag_api::agents;
use dtrag_api::types::AgentSearch;

use crate::agents::{new_agent, ANIMALS, DOCS, TAXONOMY};
use crate::common::{doc, empty_db, meta, parse_import};

#[tokio::test]
async fn an_ordinary_owner_migrates_sees_everything_and_runs_agents() {
    let admin = empty_db().await;
    let owner = format!("dtrag_owner_{}", admin.name.replace(['-', '.'], "_"));
    for sql in [
        format!("CREATE ROLE \"{owner}\" LOGIN CREATEROLE PASSWORD 'owner-pw'"),
        format!("CREATE DATABASE \"{owner}\" OWNER \"{owner}\""),
    ] {
        sqlx::query(&sql).execute(&admin.pool).await.unwrap();
    }
    let options: PgConnectOptions = admin.url.parse().unwrap();
    // The extensions come from an administrator, as on a managed server.
    let mut su = sqlx::PgConnection::connect_with(&options.clone().database(&owner))
        .await
        .unwrap();
    for ext in ["btree_gist", "pg_trgm", "vector"] {
        sqlx::query(&format!("CREATE EXTENSION {ext}"))
            .execute(&mut su)
            .await
            .unwrap();
    }
    // What docs/reliability.md asks of a DBA: the roles of migration 0016 (created here when no
    // database on the server has them yet) and the migrating login a member of both.
    for sql in [
        "DO $$ BEGIN CREATE ROLE dtrag_owner NOLOGIN CREATEROLE; \
         EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$"
            .to_string(),
        "DO $$ BEGIN CREATE ROLE dtrag_app NOLOGIN NOINHERIT; \
         EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$"
            .to_string(),
        format!("GRANT dtrag_owner, dtrag_app TO \"{owner}\""),
    ] {
        sqlx::query(&sql).execute(&mut su).await.unwrap();
    }
    su.close().await.unwrap();
    let options = options
        .database(&owner)
        .username(&owner)
        .password("owner-pw");
    let pool = sqlx::postgres::PgPoolOptions::new()
        .max_connections(4)
        .connect_with(options.clone())
        .await
        .expect("the owner logs in with its password");
    dtrag_core::db::migrate::migrate(&pool, false)
        .await
        .expect("migrate as the owner");
    dtrag_core::taxonomy::import::import(&pool, parse_import(TAXONOMY).unwrap(), &meta("t"), "t")
        .await
        .unwrap();
    let db = crate::common::TestDb {
        pool: pool.clone(),
        admin: pool.clone(),
        url: String::new(),
        name: owner.clone(),
    };
    let h = crate::classify::handle(&db, "owner");
    let inputs: Vec<_> = DOCS.iter().map(|(id, text, c)| doc(id, text, c)).collect();
    dtrag_api::documents::add_inputs(&h, &inputs, Default::default(), true, &mut |_| {})
        .await
        .unwrap();
    let all: i64 = sqlx::query_scalar("SELECT count(*) FROM document")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(all as usize, DOCS.len(), "the owner sees every row");
    // Its policy is `true`: the agents' subquery is folded away, not run for the owner.
    let plan: Vec<String> = sqlx::query_scalar("EXPLAIN SELECT * FROM chunk")
        .fetch_all(&pool)
        .await
        .unwrap();
    assert!(
        !plan
            .iter()
            .any(|l| l.contains("SubPlan") || l.contains("agent_document")),
        "{plan:?}"
    );

    agents::create(&h, &new_agent("zoo", &["animals"]))
        .await
        .expect("agents need only CREATEROLE");
    let r = agents::search(
        &h,
        &AgentSearch {
            agent: "zoo".into(),
            query: "dawn hedge sparrow oak".into(),
            ..AgentSearch::default()
        },
    )
    .await
    .unwrap();
    assert!(!r.hits.is_empty());
    assert!(r
        .hits
        .iter()
        .all(|x| ANIMALS.contains(&x.document.as_str())));
    agents::remove(&h, "zoo").await.unwrap();

    pool.close().await;
    let mut conn = sqlx::PgConnection::connect(&admin.url).await.unwrap();
    for sql in [
        format!("DROP DATABASE \"{owner}\" WITH (FORCE)"),
        format!("DROP OWNED BY \"{owner}\""),
    ] {
        sqlx::query(&sql).execute(&mut conn).await.unwrap();
    }
    // Roles the owner created (the agent group) and the owner itself.
    let groups: Vec<String> = sqlx::query_scalar(
        "SELECT r.rolname FROM pg_roles r WHERE r.rolname LIKE 'dtrag\\_agents\\_%'
           AND NOT EXISTS (SELECT 1 FROM pg_auth_members m WHERE m.roleid = r.oid)
           AND pg_has_role($1, r.oid, 'USAGE')",
    )
    .bind(&owner)
    .fetch_all(&mut conn)
    .await
    .unwrap_or_default();
    for g in groups {
        let _ = sqlx::query(&format!("DROP ROLE \"{g}\""))
            .execute(&mut conn)
            .await;
    }
    let _ = sqlx::query(&format!("DROP ROLE \"{owner}\""))
        .execute(&mut conn)
        .await;
}
