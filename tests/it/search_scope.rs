//! The materialised scopes of `--under` searches (migration 0010): made once per (version, roots),
//! always equal to a fresh walk of the subtrees through every kind of write, never made while a
//! writer could leave them stale, and bounded in number.

use dtrag_core::documents::{self, ChunkSettings, DocInput};
use dtrag_core::search;
use dtrag_core::taxonomy::edit::{self, EditOp};
use dtrag_core::taxonomy::import;
use sqlx::PgPool;

use crate::common::doc;

fn corpus() -> Vec<DocInput> {
    vec![
        doc(
            "pg",
            "PostgreSQL is a relational database.",
            &["tech.db.postgres"],
        ),
        doc(
            "vec",
            "pgvector adds vector search to PostgreSQL.",
            &["tech.db.pgvector"],
        ),
        doc(
            "bm25",
            "BM25 ranks documents by term frequency.",
            &["tech.search.bm25"],
        ),
        doc(
            "music",
            "Music is sound organised in time.",
            &["humanities.music"],
        ),
    ]
}

async fn loaded() -> crate::common::TestDb {
    let db = crate::common::fresh_db().await;
    let file = crate::common::parse_import(crate::common::SAMPLE).unwrap();
    import::import(&db.pool, file, &crate::common::meta("sample"), "sample")
        .await
        .unwrap();
    add(&db.pool, &corpus()).await;
    db
}

async fn add(pool: &PgPool, docs: &[DocInput]) {
    documents::add(pool, docs, ChunkSettings::default(), &mut |_, _| {})
        .await
        .unwrap();
}

async fn scopes(pool: &PgPool) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM search_scope")
        .fetch_one(pool)
        .await
        .unwrap()
}

/// The cached chunks and a fresh walk, for `keys` at `version`; asserts they are equal.
async fn check(pool: &PgPool, version: Option<i64>, keys: &[&str]) -> Vec<i64> {
    let keys: Vec<String> = keys.iter().map(|k| k.to_string()).collect();
    let mut conn = pool.acquire().await.unwrap();
    let cached = search::scope_chunks(&mut conn, version, &keys)
        .await
        .unwrap();
    let walked = search::scope_chunks_walked(&mut conn, version, &keys)
        .await
        .unwrap();
    assert_eq!(cached, walked, "scope {keys:?} at {version:?}");
    cached
}

#[tokio::test]
async fn a_scope_is_made_once_and_read_back() {
    let db = loaded().await;
    assert_eq!(scopes(&db.pool).await, 0);
    let first = check(&db.pool, None, &["tech.db"]).await;
    assert_eq!(first.len(), 2);
    assert_eq!(scopes(&db.pool).await, 1);
    // The same roots in another order or repeated are the same scope.
    check(&db.pool, None, &["tech.db"]).await;
    check(&db.pool, Some(1), &["tech.db", "tech.db"]).await;
    assert_eq!(scopes(&db.pool).await, 1);
    check(&db.pool, None, &["tech.db", "humanities"]).await;
    check(&db.pool, None, &["humanities", "tech.db"]).await;
    assert_eq!(scopes(&db.pool).await, 2);
    // Unknown keys are refused before anything is made.
    let mut conn = db.pool.acquire().await.unwrap();
    let err = search::scope_chunks(&mut conn, None, &["nope".into()])
        .await
        .unwrap_err();
    assert_eq!(err.kind(), dtrag_core::ErrorKind::NotFound, "{err}");
    assert_eq!(scopes(&db.pool).await, 2);
}

#[tokio::test]
async fn scopes_stay_equal_to_a_fresh_walk_through_every_write() {
    let db = loaded().await;
    let keys: &[&[&str]] = &[&["tech.db"], &["tech.search"], &["tech"], &["humanities"]];
    for k in keys {
        check(&db.pool, None, k).await;
    }
    let recheck = |label: &'static str| {
        let pool = db.pool.clone();
        async move {
            for k in keys {
                check(&pool, None, k).await;
                check(&pool, Some(1), k).await;
            }
            eprintln!("checked after {label}");
        }
    };
    // New documents (chunks and classifications in one go), several categories at once.
    add(
        &db.pool,
        &[
            doc(
                "both",
                "Databases of songs.",
                &["tech.db", "humanities.music"],
            ),
            doc("ai", "Retrieval grounds answers.", &["tech.ai.rag"]),
        ],
    )
    .await;
    recheck("adding documents").await;
    // A document added again with other text: new chunks, same classification.
    add(
        &db.pool,
        &[doc(
            "pg",
            "PostgreSQL stores tables. It also stores indexes.",
            &["tech.db.postgres"],
        )],
    )
    .await;
    recheck("re-adding a document").await;
    // A decision: a classification rejected, another one moved to another node.
    sqlx::query(
        "UPDATE classification SET status = 'rejected'
         WHERE document_id = (SELECT id FROM document WHERE source_id = 'vec')",
    )
    .execute(&db.pool)
    .await
    .unwrap();
    sqlx::query(
        "UPDATE classification SET node_id = (SELECT id FROM node WHERE key = 'humanities.music')
         WHERE document_id = (SELECT id FROM document WHERE source_id = 'bm25')",
    )
    .execute(&db.pool)
    .await
    .unwrap();
    recheck("decisions").await;
    // A document removed.
    documents::remove(&db.pool, "both").await.unwrap();
    recheck("removing a document").await;
    // A publish: the head moves on, the old version's scopes keep their meaning.
    edit::apply(
        &db.pool,
        1,
        &[EditOp::RemoveParent {
            key: "tech.db.pgvector".into(),
            parent: "tech.db.postgres".into(),
        }],
        &crate::common::meta("move"),
    )
    .await
    .unwrap();
    recheck("a publish").await;
    for k in keys {
        check(&db.pool, Some(2), k).await;
    }
}

#[tokio::test]
async fn no_scope_is_made_while_a_writer_is_open() {
    let db = loaded().await;
    // A writer has classified a document under tech.db and not committed yet.
    let mut writer = db.pool.begin().await.unwrap();
    sqlx::query(
        "INSERT INTO classification (document_id, node_id, confidence, source, method, taxonomy_version, status)
         SELECT d.id, n.id, 1, 'human', 'import', 1, 'accepted'
         FROM document d, node n WHERE d.source_id = 'music' AND n.key = 'tech.db.postgres'",
    )
    .execute(&mut *writer)
    .await
    .unwrap();
    // A search now gets the walked answer (without the uncommitted row) and makes no scope.
    let during = check(&db.pool, None, &["tech.db"]).await;
    assert_eq!(during.len(), 2);
    assert_eq!(scopes(&db.pool).await, 0);
    writer.commit().await.unwrap();
    let after = check(&db.pool, None, &["tech.db"]).await;
    assert_eq!(after.len(), 3);
    assert_eq!(scopes(&db.pool).await, 1);
}

#[tokio::test]
async fn the_least_recently_used_scopes_are_dropped_beyond_capacity() {
    let db = loaded().await;
    let capacity: i32 = sqlx::query_scalar("SELECT search_scope_capacity()")
        .fetch_one(&db.pool)
        .await
        .unwrap();
    let keys: Vec<String> = sqlx::query_scalar("SELECT key FROM node ORDER BY key")
        .fetch_all(&db.pool)
        .await
        .unwrap();
    // Pairs of nodes give more distinct scopes than the capacity.
    let mut made = 0;
    'outer: for (i, a) in keys.iter().enumerate() {
        for b in &keys[i + 1..] {
            check(&db.pool, None, &[a.as_str(), b.as_str()]).await;
            made += 1;
            if made > capacity + 3 {
                break 'outer;
            }
        }
    }
    assert!(
        made > capacity,
        "the sample has too few nodes for this test"
    );
    assert_eq!(scopes(&db.pool).await, i64::from(capacity));
    // Evicted scopes come back correct on their next use.
    check(&db.pool, None, &[keys[0].as_str(), keys[1].as_str()]).await;
}

#[tokio::test]
async fn read_only_and_older_snapshots_read_scopes_but_never_make_them() {
    let db = loaded().await;
    let keys = vec!["tech.db".to_string()];
    for isolation in ["READ COMMITTED, READ ONLY", "REPEATABLE READ"] {
        let mut tx = db.pool.begin().await.unwrap();
        sqlx::query(&format!("SET TRANSACTION ISOLATION LEVEL {isolation}"))
            .execute(&mut *tx)
            .await
            .unwrap();
        let got = search::scope_chunks(&mut tx, None, &keys).await.unwrap();
        assert_eq!(got.len(), 2, "{isolation}: walked");
        tx.commit().await.unwrap();
        assert_eq!(scopes(&db.pool).await, 0, "{isolation} made a scope");
    }
    let made = check(&db.pool, None, &["tech.db"]).await;
    let mut tx = db.pool.begin().await.unwrap();
    sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        .execute(&mut *tx)
        .await
        .unwrap();
    assert_eq!(
        search::scope_chunks(&mut tx, None, &keys).await.unwrap(),
        made
    );
    tx.commit().await.unwrap();
}

#[tokio::test]
async fn an_agent_search_narrowed_by_under_runs_in_its_read_only_snapshot() {
    use dtrag_api::agents;
    use dtrag_api::types::AgentSearch;

    let (_db, h) = crate::agents::world().await;
    agents::create(&h, &crate::agents::new_agent("zoo", &["animals"]))
        .await
        .unwrap();
    let search = |under: &[&str]| AgentSearch {
        agent: "zoo".into(),
        query: "dawn ocean salmon".into(),
        under: under.iter().map(|u| u.to_string()).collect(),
        ..AgentSearch::default()
    };
    for _ in 0..2 {
        let r = agents::search(&h, &search(&["fish"])).await.unwrap();
        let mut got: Vec<&str> = r.hits.iter().map(|x| x.document.as_str()).collect();
        got.sort();
        assert_eq!(got, ["fish1", "sea1"]);
    }
    // Narrowing to a category outside the agent's scope finds nothing (never widens).
    assert!(agents::search(&h, &search(&["tools"]))
        .await
        .unwrap()
        .hits
        .is_empty());
}
