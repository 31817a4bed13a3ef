//! Documents and BM25 search: scores equal a straightforward reference computation, statistics stay
//! exact through re-ingest and removal, category scoping never leaks, bad input writes nothing.

use std::collections::HashMap;

use dtrag_core::documents::{self, ChunkSettings, DocInput};
use dtrag_core::search::{self, Bm25Params};
use dtrag_core::taxonomy::edit::{self, EditOp};
use dtrag_core::taxonomy::import;

use crate::common::doc;

fn corpus() -> Vec<DocInput> {
    vec![
        doc("pg", "PostgreSQL is a relational database. PostgreSQL stores tables and indexes.", &["tech.db.postgres"]),
        doc("vec", "Vector search finds nearest neighbours of embeddings; pgvector adds vector search to PostgreSQL.", &["tech.db.pgvector"]),
        doc("bm25", "BM25 ranks documents by term frequency and inverse document frequency, with length normalisation.", &["tech.search.bm25"]),
        doc("music", "Music is sound organised in time; a database of songs is still music.", &["humanities.music"]),
        doc("rag", "Retrieval-augmented generation grounds answers in retrieved documents from search.", &["tech.ai.rag"]),
    ]
}

async fn loaded() -> crate::common::TestDb {
    let db = crate::common::fresh_db().await;
    let file = crate::common::parse_import(crate::common::SAMPLE).unwrap();
    import::import(&db.pool, file, &crate::common::meta("sample"), "sample")
        .await
        .unwrap();
    documents::add(
        &db.pool,
        &corpus(),
        ChunkSettings::default(),
        &mut |_, _| {},
    )
    .await
    .unwrap();
    db
}

/// BM25 computed the long way from each chunk's lexeme counts (taken from PostgreSQL's English
/// configuration, so tokenisation is the same) — independent of the statistics tables.
async fn reference(db: &crate::common::TestDb, query: &str, p: Bm25Params) -> Vec<(i64, f64)> {
    let rows: Vec<(i64, String, i32)> = sqlx::query_as(
        "SELECT c.id, u.lexeme, coalesce(array_length(u.positions, 1), 1) FROM chunk c, unnest(c.tsv) u",
    )
    .fetch_all(&db.pool)
    .await
    .unwrap();
    let mut tf: HashMap<i64, HashMap<String, f64>> = HashMap::new();
    for (id, lex, n) in rows {
        tf.entry(id).or_default().insert(lex, n as f64);
    }
    let n = tf.len() as f64;
    let len: HashMap<i64, f64> = tf.iter().map(|(id, t)| (*id, t.values().sum())).collect();
    let avgdl = len.values().sum::<f64>() / n;
    let terms: Vec<String> =
        sqlx::query_scalar("SELECT DISTINCT lexeme FROM unnest(to_tsvector('english', $1))")
            .bind(query)
            .fetch_all(&db.pool)
            .await
            .unwrap();
    let mut out = Vec::new();
    for (id, t) in &tf {
        let mut score = 0.0;
        let mut matched = false;
        for term in &terms {
            let df = tf.values().filter(|m| m.contains_key(term)).count() as f64;
            if let Some(f) = t.get(term) {
                matched = true;
                let idf = (1.0 + (n - df + 0.5) / (df + 0.5)).ln();
                score += idf * f * (p.k1 + 1.0) / (f + p.k1 * (1.0 - p.b + p.b * len[id] / avgdl));
            }
        }
        if matched {
            out.push((*id, score));
        }
    }
    out.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    out
}

#[tokio::test]
async fn bm25_scores_equal_the_reference_computation() {
    let db = loaded().await;
    let mut conn = db.pool.acquire().await.unwrap();
    for (query, p) in [
        ("postgresql database", Bm25Params::default()),
        ("vector search", Bm25Params { k1: 2.0, b: 0.3 }),
        ("documents", Bm25Params { k1: 0.9, b: 1.0 }),
        ("music database songs", Bm25Params::default()),
    ] {
        let hits = search::bm25(&mut conn, query, 10, None, p).await.unwrap();
        let want = reference(&db, query, p).await;
        assert_eq!(hits.len(), want.len(), "{query}");
        for (h, (id, score)) in hits.iter().zip(&want) {
            assert_eq!(h.chunk_id, *id, "{query}: order");
            assert!(
                (h.score - score).abs() < 1e-9,
                "{query}: {} vs {score}",
                h.score
            );
        }
    }
    // The chunk that says PostgreSQL twice and is short ranks first for "postgresql".
    let top = search::bm25(&mut conn, "PostgreSQL", 3, None, Bm25Params::default())
        .await
        .unwrap();
    assert_eq!(top[0].document, "pg");
    assert!(
        search::bm25(&mut conn, "zzzqqq", 10, None, Bm25Params::default())
            .await
            .unwrap()
            .is_empty()
    );
    assert!(search::bm25(&mut conn, "", 10, None, Bm25Params::default())
        .await
        .unwrap()
        .is_empty());
}

async fn stats(db: &crate::common::TestDb) -> (i64, i64, Vec<(String, i64)>) {
    let (chunks, tokens): (i64, i64) = sqlx::query_as("SELECT chunks, tokens FROM bm25_corpus")
        .fetch_one(&db.pool)
        .await
        .unwrap();
    let terms: Vec<(String, i64)> = sqlx::query_as("SELECT term, df FROM bm25_term ORDER BY term")
        .fetch_all(&db.pool)
        .await
        .unwrap();
    (chunks, tokens, terms)
}

async fn recomputed(db: &crate::common::TestDb) -> (i64, i64, Vec<(String, i64)>) {
    let (chunks, tokens): (i64, i64) =
        sqlx::query_as("SELECT count(*), coalesce(sum(length), 0)::int8 FROM chunk")
            .fetch_one(&db.pool)
            .await
            .unwrap();
    let terms: Vec<(String, i64)> = sqlx::query_as(
        "SELECT u.lexeme, count(*) FROM chunk c, unnest(c.tsv) u GROUP BY 1 ORDER BY 1",
    )
    .fetch_all(&db.pool)
    .await
    .unwrap();
    (chunks, tokens, terms)
}

#[tokio::test]
async fn reingest_replaces_chunks_and_statistics_stay_exact() {
    let db = loaded().await;
    assert_eq!(stats(&db).await, recomputed(&db).await);
    // Unchanged content: nothing written.
    let r = documents::add(
        &db.pool,
        &corpus(),
        ChunkSettings::default(),
        &mut |_, _| {},
    )
    .await
    .unwrap();
    assert_eq!(
        (r.added, r.replaced, r.unchanged, r.chunks_written),
        (0, 0, 5, 0)
    );
    // Changed content: the old chunks go, the new ones come.
    let long = "Tables and rows. ".repeat(200);
    let r = documents::add(
        &db.pool,
        &[doc("pg", &long, &["tech.db"])],
        ChunkSettings {
            size: 300,
            overlap: 30,
        },
        &mut |_, _| {},
    )
    .await
    .unwrap();
    assert_eq!(r.replaced, 1);
    assert!(r.chunks_written > 5);
    let mut conn = db.pool.acquire().await.unwrap();
    let shown = documents::show(&mut conn, "pg").await.unwrap();
    let (d, chunks) = (shown.document, shown.chunks);
    assert_eq!(chunks.len(), r.chunks_written);
    assert_eq!(d.categories, ["tech.db"]);
    assert!(
        search::bm25(&mut conn, "relational", 10, None, Bm25Params::default())
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(stats(&db).await, recomputed(&db).await);
    documents::remove(&db.pool, "vec").await.unwrap();
    assert_eq!(stats(&db).await, recomputed(&db).await);
    let gone = documents::remove(&db.pool, "vec").await.unwrap_err();
    assert_eq!(gone.kind(), dtrag_core::ErrorKind::NotFound, "{gone}");
    assert!(gone.to_string().contains("no document \"vec\""), "{gone}");
    let err = sqlx::query("UPDATE chunk SET text = 'x'")
        .execute(&db.pool)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("immutable"));
}

#[tokio::test]
async fn category_scope_never_returns_a_document_outside_it() {
    let db = loaded().await;
    let mut conn = db.pool.acquire().await.unwrap();
    // tech.db covers postgres and pgvector (pgvector also sits under vector search).
    let scope = search::scope_chunks(&mut conn, None, &["tech.db".into()])
        .await
        .unwrap();
    let hits = search::bm25(
        &mut conn,
        "database search music postgresql",
        10,
        Some(&scope),
        Bm25Params::default(),
    )
    .await
    .unwrap();
    let mut docs_hit: Vec<&str> = hits.iter().map(|h| h.document.as_str()).collect();
    docs_hit.sort();
    assert_eq!(docs_hit, ["pg", "vec"]);
    // The same node reached through another parent: tech.search covers bm25, vec (via vector search) and rag.
    let scope = search::scope_chunks(&mut conn, None, &["tech.search".into()])
        .await
        .unwrap();
    let hits = search::bm25(
        &mut conn,
        "database search documents postgresql music",
        10,
        Some(&scope),
        Bm25Params::default(),
    )
    .await
    .unwrap();
    assert!(
        hits.iter()
            .all(|h| ["bm25", "vec", "rag"].contains(&h.document.as_str())),
        "{hits:?}"
    );
    assert!(!hits.is_empty());
    // An empty scope finds nothing; an unknown category is an error, not an unscoped search.
    let none = search::bm25(&mut conn, "music", 10, Some(&[]), Bm25Params::default())
        .await
        .unwrap();
    assert!(none.is_empty());
    let err = search::scope_documents(&mut conn, None, &["nope".into()])
        .await
        .unwrap_err();
    assert_eq!(err.kind(), dtrag_core::ErrorKind::NotFound, "{err}");
    assert!(err.to_string().contains("\"nope\" does not exist"));
    drop(conn);

    // Scoping follows the taxonomy version: move pgvector out of tech.db, then compare versions.
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
    let mut conn = db.pool.acquire().await.unwrap();
    let now = search::scope_documents(&mut conn, None, &["tech.db".into()])
        .await
        .unwrap();
    let then = search::scope_documents(&mut conn, Some(1), &["tech.db".into()])
        .await
        .unwrap();
    assert_eq!(now.len(), 1);
    assert_eq!(then.len(), 2);
}

#[tokio::test]
async fn bad_documents_are_refused_and_nothing_is_written() {
    let db = loaded().await;
    let before: i64 = sqlx::query_scalar("SELECT count(*) FROM chunk")
        .fetch_one(&db.pool)
        .await
        .unwrap();
    let err = documents::add(
        &db.pool,
        &[
            doc("new", "text", &[]),
            doc("x", "text", &["no.such.category"]),
        ],
        ChunkSettings::default(),
        &mut |_, _| {},
    )
    .await
    .unwrap_err();
    assert!(
        err.to_string()
            .contains("\"no.such.category\" does not exist"),
        "{err}"
    );
    let err = documents::add(
        &db.pool,
        &[doc("a", "one", &[]), doc("a", "two", &[])],
        ChunkSettings::default(),
        &mut |_, _| {},
    )
    .await
    .unwrap_err();
    assert_eq!(err.kind(), dtrag_core::ErrorKind::InvalidInput, "{err}");
    assert!(err.to_string().contains("given twice"), "{err}");
    let err = documents::add(
        &db.pool,
        &[doc("a", "one", &[])],
        ChunkSettings {
            size: 10,
            overlap: 0,
        },
        &mut |_, _| {},
    )
    .await
    .unwrap_err();
    assert!(err.to_string().contains("too small"));
    let after: i64 = sqlx::query_scalar("SELECT count(*) FROM chunk")
        .fetch_one(&db.pool)
        .await
        .unwrap();
    assert_eq!(before, after);
    let mut conn = db.pool.acquire().await.unwrap();
    assert_eq!(documents::list(&mut conn).await.unwrap().len(), 5);

    // Malformed JSON Lines name the line.
    let dir = std::env::temp_dir().join(format!("dtrag-docs-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let bad = dir.join("bad.jsonl");
    std::fs::write(
        &bad,
        "{\"id\":\"a\",\"text\":\"x\"}\n{\"id\":\"b\",\"txt\":\"x\"}\n",
    )
    .unwrap();
    let err = documents::read_inputs(&[&bad]).unwrap_err().to_string();
    assert!(err.contains("bad.jsonl:2: malformed document"), "{err}");
    let md = dir.join("notes.md");
    std::fs::write(&md, "# Release notes\n\nSome text.\n").unwrap();
    let inputs = documents::read_inputs(&[&md]).unwrap();
    assert_eq!(inputs[0].title, "Release notes");
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn the_library_connects_with_jit_off() {
    // JIT compilation added 0.3-0.7 s to millisecond BM25 queries; the library turns it off.
    let db = crate::common::fresh_db().await;
    let pool = dtrag_core::db::connect(&db.url, 1).await.unwrap();
    let jit: String = sqlx::query_scalar("SHOW jit")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(jit, "off");
}
