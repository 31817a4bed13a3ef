//! Row-level security, tested the way an outside client would meet it: logged in as the agent's
//! own role with raw SQL (never as the owner), and through the library's agent search.

use sqlx::postgres::PgConnectOptions;
use sqlx::{Connection, PgConnection};

use dtrag_api::agents;
use dtrag_api::types::AgentSearch;

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

    // PostgreSQL's own regression pattern: a function of tiny cost that records every row it
    // is shown (as the owner, SECURITY DEFINER). Row-level security runs first, so it is never
    // shown a hidden row, whatever the query's order of predicates would suggest.
    sqlx::query("CREATE TABLE leak_log (seen text)")
        .execute(&db.pool)
        .await
        .unwrap();
    sqlx::query(
        "CREATE FUNCTION leak(t text) RETURNS boolean LANGUAGE plpgsql COST 0.0000001
         SECURITY DEFINER SET search_path = public
         AS $$ BEGIN INSERT INTO leak_log VALUES (t); RETURN true; END $$",
    )
    .execute(&db.pool)
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
        .fetch_all(&db.pool)
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

#[tokio::test]
async fn an_agent_search_returns_only_its_scope_with_its_own_statistics() {
    let (_db, h) = world().await;
    agents::create(&h, &new_agent("zoo", &["animals"]))
        .await
        .unwrap();
    let search = |query: &str| AgentSearch {
        agent: "zoo".into(),
        query: query.into(),
        ..AgentSearch::default()
    };
    // "dawn" is in two animal documents and one tool document; the agent sees the first two.
    let r = agents::search(&h, &search("dawn")).await.unwrap();
    let got: Vec<&str> = r.hits.iter().map(|x| x.document.as_str()).collect();
    assert_eq!(r.mode, dtrag_api::types::Mode::Bm25, "no model: BM25 only");
    let mut sorted = got.clone();
    sorted.sort();
    assert_eq!(sorted, ["bird1", "bird2"]);
    assert!(agents::search(&h, &search("secret merger globex"))
        .await
        .unwrap()
        .hits
        .is_empty());

    // Scores come from the agent's own corpus: the same as a database holding only its
    // documents would give.
    let alone = crate::common::fresh_db().await;
    dtrag_core::taxonomy::import::import(
        &alone.pool,
        crate::common::parse_import(crate::agents::TAXONOMY).unwrap(),
        &crate::common::meta("alone"),
        "test",
    )
    .await
    .unwrap();
    let ha = crate::classify::handle(&alone, "ops");
    let only: Vec<_> = crate::agents::DOCS
        .iter()
        .filter(|(id, _, _)| ANIMALS.contains(id))
        .map(|(id, text, c)| crate::common::doc(id, text, c))
        .collect();
    dtrag_api::documents::add_inputs(
        &ha,
        &only,
        dtrag_api::types::ChunkSettings::default(),
        true,
        &mut |_| {},
    )
    .await
    .unwrap();
    let reference = dtrag_api::search::search(
        &ha,
        &dtrag_api::types::SearchRequest {
            query: "dawn".into(),
            ..dtrag_api::types::SearchRequest::default()
        },
    )
    .await
    .unwrap();
    let scores = |hits: &[dtrag_api::types::Hit]| -> Vec<(String, String)> {
        hits.iter()
            .map(|x| (x.document.clone(), format!("{:.9}", x.score)))
            .collect()
    };
    assert_eq!(scores(&r.hits), scores(&reference.hits));
    let owner = dtrag_api::search::search(
        &h,
        &dtrag_api::types::SearchRequest {
            query: "dawn".into(),
            ..dtrag_api::types::SearchRequest::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(owner.hits.len(), 3, "the owner sees the tool document too");
    assert_ne!(
        scores(&owner.hits[..2]),
        scores(&r.hits),
        "global statistics differ from the agent's"
    );
}

/// A deterministic unit vector of 384 dimensions.
fn unit(seed: u64) -> Vec<f32> {
    let mut x = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407)
        | 1;
    let v: Vec<f32> = (0..384)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x % 20_000) as f32 / 10_000.0 - 1.0
        })
        .collect();
    let n = v.iter().map(|a| a * a).sum::<f32>().sqrt();
    v.into_iter().map(|a| a / n).collect()
}

#[tokio::test]
async fn closer_hidden_vectors_never_reach_an_agent_and_the_index_still_fills_k() {
    use dtrag_embed::local::LocalMiniLm;
    use dtrag_embed::Embedder;
    use pgvector::Vector;

    let (db, h) = world().await;
    let model = dtrag_api::models::add_local(
        &h,
        Some("minilm".into()),
        dtrag_api::types::HnswSettings::default(),
    )
    .await
    .unwrap();
    // More in-scope chunks than an exact scan takes (so the HNSW graph is walked under the
    // policy), and 300 hidden ones right next to the query.
    let query = "a small bird singing at dawn";
    let qv = LocalMiniLm::load_from(&crate::common::models_dir())
        .expect("the local model (scripts/fetch-model.sh)")
        .embed(&[query])
        .unwrap()
        .remove(0);
    let many = dtrag_core::limits::EXACT_SCOPE_CHUNKS + 100;
    let mut inputs = Vec::new();
    let mut vectors = Vec::new();
    for i in 0..many {
        inputs.push(crate::common::doc(
            &format!("wren{i:05}"),
            &format!("wren note {i}"),
            &["birds"],
        ));
        vectors.push((format!("wren{i:05}"), Vector::from(unit(i as u64))));
    }
    for i in 0..300u64 {
        let near: Vec<f32> = qv
            .iter()
            .zip(unit(10_000 + i))
            .map(|(q, n)| q + 0.02 * n)
            .collect();
        inputs.push(crate::common::doc(
            &format!("decoy{i:03}"),
            &format!("decoy {i}"),
            &["tools"],
        ));
        vectors.push((format!("decoy{i:03}"), Vector::from(near)));
    }
    dtrag_api::documents::add_inputs(
        &h,
        &inputs,
        dtrag_api::types::ChunkSettings::default(),
        true,
        &mut |_| {},
    )
    .await
    .unwrap();
    crate::common::store_vectors(&db.pool, model.id, vectors).await;
    dtrag_api::models::embed(
        &h,
        &dtrag_api::models::EmbedRequest {
            model: Some("minilm".into()),
            batch: None,
            no_index: false,
        },
        &mut |_| {},
    )
    .await
    .unwrap();

    // The owner's nearest are all decoys: the test means something.
    let owner = dtrag_api::search::search(
        &h,
        &dtrag_api::types::SearchRequest {
            query: query.into(),
            mode: dtrag_api::types::Mode::Vector,
            ..dtrag_api::types::SearchRequest::default()
        },
    )
    .await
    .unwrap();
    assert!(owner.hits.iter().all(|x| x.document.starts_with("decoy")));

    agents::create(&h, &new_agent("zoo", &["animals"]))
        .await
        .unwrap();
    for (mode, exact) in [
        (dtrag_api::types::Mode::Vector, false),
        (dtrag_api::types::Mode::Vector, true),
        (dtrag_api::types::Mode::Hybrid, false),
    ] {
        let r = agents::search(
            &h,
            &AgentSearch {
                agent: "zoo".into(),
                query: query.into(),
                mode: Some(mode),
                k: Some(10),
                exact,
                ..AgentSearch::default()
            },
        )
        .await
        .unwrap();
        assert_eq!(
            r.hits.len(),
            10,
            "{mode:?} exact={exact}: the policy must not starve k"
        );
        let want = if exact {
            dtrag_api::types::KnnPlan::Exact
        } else {
            dtrag_api::types::KnnPlan::Hnsw
        };
        assert_eq!(
            r.plan,
            Some(want),
            "the scope is larger than an exact scan takes"
        );
        assert!(
            r.hits.iter().all(|x| !x.document.starts_with("decoy")),
            "{mode:?} exact={exact}: a hidden vector reached the agent"
        );
    }
}

/// Publishes that move a category out of and back into an agent's scope while its searches
/// run: both retrievers of each search see the same scope (one shared snapshot), so a document
/// of the moving category has both signals or none — never one side's.
#[tokio::test]
async fn a_publish_during_an_agent_search_gives_the_old_or_the_new_scope() {
    use dtrag_api::taxonomy::{self, EditRequest};
    use dtrag_api::types::EditOp;

    let (_db, h) = world().await;
    dtrag_api::models::embed(
        &h,
        &dtrag_api::models::EmbedRequest {
            model: None,
            batch: None,
            no_index: true,
        },
        &mut |_| {},
    )
    .await
    .unwrap();
    agents::create(&h, &new_agent("zoo", &["animals"]))
        .await
        .unwrap();
    let mover = h.clone();
    let publishes = tokio::spawn(async move {
        for i in 0..12 {
            let parents = if i % 2 == 0 { "plants" } else { "animals" };
            taxonomy::publish_edits(
                &mover,
                EditRequest {
                    base: None,
                    ops: vec![EditOp::Move {
                        key: "fish".into(),
                        parents: vec![parents.into()],
                    }],
                    message: None,
                },
            )
            .await
            .unwrap();
        }
    });
    let (mut with, mut without) = (0, 0);
    while !publishes.is_finished() {
        let r = agents::search(
            &h,
            &AgentSearch {
                agent: "zoo".into(),
                query: "salmon swim upstream".into(),
                mode: Some(dtrag_api::types::Mode::Hybrid),
                ..AgentSearch::default()
            },
        )
        .await
        .unwrap();
        match r.hits.iter().find(|x| x.document == "fish1") {
            Some(hit) => {
                assert!(
                    hit.bm25.is_some() && hit.vector.is_some(),
                    "one retriever saw fish1 and the other did not: {hit:?}"
                );
                with += 1;
            }
            None => without += 1,
        }
    }
    publishes.await.unwrap();
    assert!(with + without > 0);
}
