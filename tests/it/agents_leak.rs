//! Row-level security, tested the way an outside client would meet it: logged in as the agent's
//! own role with raw SQL, never as the owner (searches as an agent: agents_search.rs).

use sqlx::postgres::PgConnectOptions;
use sqlx::{Connection, PgConnection};

use dtrag_api::agents;

use crate::agents::{new_agent, world, ANIMALS};
use crate::common::TestDb;

/// Logs in as the agent with the credentials the library issued.
async fn login(db: &TestDb, role: &str, password: &str) -> PgConnection {
    let options: PgConnectOptions = db.url.parse().expect("url");
    PgConnection::connect_with(&options.username(role).password(password))
        .await
        .expect("log in as the agent")
}

async fn agent_login(db: &TestDb, h: &dtrag_api::Handle, name: &str) -> PgConnection {
    let agent = agents::create(h, &new_agent(name, &["animals"]))
        .await
        .unwrap();
    let password = dtrag_core::agents::credentials(&db.pool, name, false, "test")
        .await
        .unwrap()
        .expect("a password");
    // The cluster asks agents for their password, even on its socket.
    let options: PgConnectOptions = db.url.parse().expect("url");
    let wrong = options.username(&agent.role).password("not-the-password");
    assert!(
        PgConnection::connect_with(&wrong).await.is_err(),
        "a wrong password was accepted"
    );
    login(db, &agent.role, &password).await
}

/// The SQLSTATE of a statement that must fail.
async fn refused(conn: &mut PgConnection, sql: &str) -> String {
    match sqlx::query(sql).execute(&mut *conn).await {
        Ok(_) => panic!("{sql:?} was allowed"),
        Err(sqlx::Error::Database(e)) => e.code().map(|c| c.to_string()).unwrap_or_default(),
        Err(e) => panic!("{sql:?}: {e}"),
    }
}

#[tokio::test]
async fn the_login_role_reads_only_its_scope_and_can_do_nothing_else() {
    let (db, h) = world().await;
    let mut zoo = agent_login(&db, &h, "zoo").await;

    let docs: Vec<String> = sqlx::query_scalar("SELECT source_id FROM document ORDER BY 1")
        .fetch_all(&mut zoo)
        .await
        .unwrap();
    assert_eq!(docs, ANIMALS);
    let in_scope_chunks: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM chunk c JOIN document d ON d.id = c.document_id
         WHERE d.source_id = ANY($1)",
    )
    .bind(ANIMALS.map(String::from).to_vec())
    .fetch_one(&db.pool)
    .await
    .unwrap();
    for (table, sql) in [
        ("chunk", "SELECT count(*) FROM chunk"),
        (
            "postings",
            "SELECT count(DISTINCT chunk_id) FROM bm25_posting",
        ),
    ] {
        let n: i64 = sqlx::query_scalar(sql).fetch_one(&mut zoo).await.unwrap();
        assert_eq!(n, in_scope_chunks, "{table}");
    }
    // A term only an out-of-scope document holds has no postings for the agent.
    let merger: i64 = sqlx::query_scalar("SELECT count(*) FROM bm25_posting WHERE term = 'merger'")
        .fetch_one(&mut zoo)
        .await
        .unwrap();
    assert_eq!(merger, 0);
    let own: i64 = sqlx::query_scalar("SELECT count(DISTINCT role_name) FROM agent_document")
        .fetch_one(&mut zoo)
        .await
        .unwrap();
    assert_eq!(own, 1, "an agent sees only its own scope rows");
    let (own_chunks, roles): (i64, i64) =
        sqlx::query_as("SELECT count(*), count(DISTINCT role_name) FROM agent_chunk")
            .fetch_one(&mut zoo)
            .await
            .unwrap();
    assert_eq!((own_chunks, roles), (in_scope_chunks, 1), "agent_chunk");
    let corpus: Vec<(String, i64)> = sqlx::query_as("SELECT role_name, chunks FROM agent_corpus")
        .fetch_all(&mut zoo)
        .await
        .unwrap();
    assert_eq!(corpus.len(), 1, "only its own statistics: {corpus:?}");
    assert_eq!(corpus[0].1, in_scope_chunks);

    // PostgreSQL's own regression pattern: a function of tiny cost that records every row it
    // is shown (as the owner, SECURITY DEFINER). Row-level security runs first, so it is never
    // shown a hidden row, whatever the query's order of predicates would suggest.
    sqlx::query("CREATE TABLE leak_log (seen text)")
        .execute(&db.admin)
        .await
        .unwrap();
    sqlx::query(
        "CREATE FUNCTION leak(t text) RETURNS boolean LANGUAGE plpgsql COST 0.0000001
         SECURITY DEFINER SET search_path = public
         AS $$ BEGIN INSERT INTO leak_log VALUES (t); RETURN true; END $$",
    )
    .execute(&db.admin)
    .await
    .unwrap();
    for sql in [
        "SELECT count(*) FROM document WHERE leak(source_id)",
        "SELECT count(*) FROM document WHERE leak(source_id) AND title <> ''",
        "SELECT count(*) FROM chunk c JOIN document d ON d.id = c.document_id WHERE leak(d.source_id) OR leak(c.text)",
    ] {
        sqlx::query(sql).execute(&mut zoo).await.unwrap();
    }
    let seen: Vec<String> = sqlx::query_scalar("SELECT DISTINCT seen FROM leak_log ORDER BY 1")
        .fetch_all(&db.admin)
        .await
        .unwrap();
    assert!(!seen.is_empty());
    for s in &seen {
        assert!(
            !s.contains("secret") && !["secret1", "tool1", "tree1", "loose1"].contains(&s.as_str()),
            "the leaky function saw a hidden row: {s}"
        );
    }

    // Writes, other roles, other tables, new objects: all refused.
    let denied = "42501";
    for sql in [
        "INSERT INTO document (source_id, title, content_hash) VALUES ('x', 'x', 'x')",
        "UPDATE document SET title = 'x'",
        "DELETE FROM chunk",
        "TRUNCATE bm25_posting",
        "SELECT * FROM audit_log",
        "SELECT * FROM agent",
        "SELECT * FROM agent_category",
        "SELECT * FROM classification",
        "SELECT * FROM review_item",
        "SELECT * FROM node",
        "SELECT * FROM bm25_term",
        "CREATE TABLE mine (x int)",
        "CREATE TEMP TABLE mine (x int)",
        "SET ROLE postgres",
        "SET session_replication_role = replica",
    ] {
        let code = refused(&mut zoo, sql).await;
        assert_eq!(code, denied, "{sql}");
    }
    // Turning row security off makes queries fail instead of widening them.
    sqlx::query("SET row_security = off")
        .execute(&mut zoo)
        .await
        .unwrap();
    let code = refused(&mut zoo, "SELECT count(*) FROM document").await;
    assert_eq!(code, "42501");
    sqlx::query("RESET row_security")
        .execute(&mut zoo)
        .await
        .unwrap();

    // Planner statistics of the tables are hidden from the agent.
    sqlx::query("ANALYZE").execute(&db.pool).await.unwrap();
    let stats: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM pg_stats WHERE tablename IN ('document', 'chunk', 'bm25_posting')",
    )
    .fetch_one(&mut zoo)
    .await
    .unwrap();
    assert_eq!(
        stats, 0,
        "pg_stats shows values of rows under row-level security"
    );

    // Another agent's role cannot be taken either.
    let other = agents::create(&h, &new_agent("planter", &["plants"]))
        .await
        .unwrap();
    let code = refused(&mut zoo, &format!("SET ROLE \"{}\"", other.role)).await;
    assert_eq!(code, denied);

    // Revoked: the session ends and the password stops working.
    dtrag_core::agents::credentials(&db.pool, "zoo", true, "test")
        .await
        .unwrap();
    assert!(sqlx::query("SELECT 1").execute(&mut zoo).await.is_err());
}

/// The policies admit a chunk by its bit in the agent's scope bitmap (migration 0020): a hidden
/// chunk whose id lies past the bitmap, or past int4, is hidden like any other, never an error
/// that would tell the agent it exists.
#[tokio::test]
async fn chunks_past_the_scope_bitmap_stay_hidden_without_an_error() {
    let (db, h) = world().await;
    let mut zoo = agent_login(&db, &h, "zoo").await;
    let count = "SELECT (SELECT count(*) FROM chunk) + (SELECT count(*) FROM bm25_posting)";
    let before: i64 = sqlx::query_scalar(count).fetch_one(&mut zoo).await.unwrap();
    let doc: i64 = sqlx::query_scalar(
        "INSERT INTO document (source_id, title, content_hash) VALUES ('far', 'far', 'x')
         RETURNING id",
    )
    .fetch_one(&db.admin)
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO chunk (id, document_id, ordinal, text, tsv, length) OVERRIDING SYSTEM VALUE
         SELECT id, $1, ord, 'faraway zebra', to_tsvector('english', 'faraway zebra'), 2
         FROM unnest(ARRAY[2147483645, 2147483646, 5000000000, 9223372036854775807]::int8[])
              WITH ORDINALITY AS u(id, ord)",
    )
    .bind(doc)
    .execute(&db.admin)
    .await
    .unwrap();
    let after: i64 = sqlx::query_scalar(count).fetch_one(&mut zoo).await.unwrap();
    assert_eq!(after, before, "a far chunk or its postings became visible");
    let far: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM chunk WHERE id > 2147483000 OR text LIKE '%faraway%'",
    )
    .fetch_one(&mut zoo)
    .await
    .unwrap();
    assert_eq!(far, 0);
    let zebra: i64 = sqlx::query_scalar("SELECT count(*) FROM bm25_posting WHERE term = 'faraway'")
        .fetch_one(&mut zoo)
        .await
        .unwrap();
    assert_eq!(zebra, 0);
    // Such an id cannot be put into a scope either: the bitmap refuses it with a clear error.
    let err = sqlx::query("SELECT agent_chunk_bits(ARRAY[5000000000]::int8[])")
        .execute(&db.admin)
        .await
        .expect_err("an id past the bitmap was accepted");
    let code = err
        .as_database_error()
        .and_then(|e| e.code().map(|c| c.to_string()));
    assert_eq!(code.as_deref(), Some("54000"), "{err}");
}
