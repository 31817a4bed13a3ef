//! The load benchmark's data, in its scratch database: the WordNet 3.0 noun hierarchy (82,115
//! nodes) and a few one-node publishes after it (older versions to read and diffs to take), the
//! first 20,000 WordNet glosses as documents with MiniLM vectors (the vector cache `bench
//! search-quality --limit 20000` made, when present) and an HNSW index, an agent over five large
//! subtrees, and a review queue: a quarter of the documents left unlabelled, each with one
//! pending suggestion waiting for a person.

use std::path::Path;
use std::sync::Arc;

use sqlx::PgPool;

use crate::Picker;
use dtrag_core::documents::{self as docs, ChunkSettings};
use dtrag_core::models::{self as store, HnswSettings, NewModel, Provider};
use dtrag_core::taxonomy::edit::{self, EditOp};
use dtrag_core::taxonomy::import;
use dtrag_core::taxonomy::model::PublishMeta;
use dtrag_core::{Error, Result};
use dtrag_embed::local::{MINILM, MINILM_DIMS};
use dtrag_embed::Embedder;

/// Glosses ingested (the size the search-quality benchmark caches vectors for).
pub const DOCUMENTS: usize = 20_000;
/// One-node publishes after the import, so there are older versions to read.
const EARLY_EDITS: usize = 5;
pub const AGENT: &str = "load-agent";
const AGENT_SCOPE: [&str; 5] = [
    "animal%1:03:00::",
    "artifact%1:03:00::",
    "person%1:03:00::",
    "plant%1:03:00::",
    "food%1:03:00::",
];

/// What the clients draw their requests from.
pub struct Seeded {
    /// Every node key.
    pub keys: Vec<String>,
    /// Nodes with 2 to 50 children: `tree --under` at depth 2 stays a screenful.
    pub inner: Vec<String>,
    /// Three-word queries drawn from the glosses.
    pub queries: Vec<String>,
    pub open_items: i64,
}

pub async fn seed(
    pool: &PgPool,
    wordnet_dir: &Path,
    embedder: &Arc<dyn Embedder>,
    progress: &mut dyn FnMut(String),
) -> Result<Seeded> {
    let (nouns, corpus) = crate::search::corpus_files(wordnet_dir)?;
    let meta = PublishMeta {
        author: "bench".into(),
        message: "WordNet 3.0".into(),
    };
    progress("load: importing WordNet 3.0 nouns".into());
    import::import(pool, import::read_file(&nouns)?, &meta, "wordnet-3.0").await?;
    let keys: Vec<String> = sqlx::query_scalar("SELECT key FROM node ORDER BY key")
        .fetch_all(pool)
        .await?;
    let mut pick = Picker::new(11);
    for i in 0..EARLY_EDITS {
        let key = &keys[pick.below(keys.len())];
        let op = EditOp::SetDescription {
            key: key.clone(),
            description: format!("edited before the load run ({i})"),
        };
        let meta = PublishMeta {
            author: "bench".into(),
            message: format!("seed edit {i}"),
        };
        let head: i64 = sqlx::query_scalar("SELECT max(version) FROM taxonomy_version")
            .fetch_one(pool)
            .await?;
        edit::apply(pool, head, &[op], &meta).await?;
    }

    let mut inputs = docs::read_inputs(&[&corpus])?;
    inputs.truncate(DOCUMENTS);
    for (i, d) in inputs.iter_mut().enumerate() {
        if i % 4 == 3 {
            d.categories.clear();
        }
    }
    progress(format!("load: ingesting {} glosses", inputs.len()));
    docs::add(pool, &inputs, ChunkSettings::default(), &mut |_, _| {}).await?;
    let model = store::register(
        pool,
        &NewModel {
            name: MINILM.into(),
            provider: Provider::Local,
            dims: MINILM_DIMS as i32,
            config: serde_json::json!({"model": MINILM}),
            hnsw: HnswSettings::default(),
        },
    )
    .await?;
    let cache = wordnet_dir.join(format!(
        "wordnet-3.0-glosses.first{DOCUMENTS}.{MINILM}.vectors"
    ));
    crate::search::corpus_vectors::embed_corpus(pool, &model, embedder, &cache, progress).await?;
    crate::vacuum_analyze(pool).await?;
    store::build_index(pool, MINILM, None).await?;

    let open_items = queue(pool).await?;
    let agent = dtrag_core::agents::NewAgent {
        name: AGENT.into(),
        description: "the load benchmark's agent".into(),
        categories: AGENT_SCOPE.iter().map(|s| s.to_string()).collect(),
        pinned_version: None,
        settings: Default::default(),
    };
    dtrag_core::agents::create(pool, &agent, "bench").await?;

    let inner: Vec<String> = sqlx::query_scalar(
        "SELECT p.key FROM edge e JOIN node p ON p.id = e.parent_id WHERE upper_inf(e.valid)
         GROUP BY p.key HAVING count(*) BETWEEN 2 AND 50 ORDER BY p.key",
    )
    .fetch_all(pool)
    .await?;
    let words: Vec<Vec<&str>> = inputs
        .iter()
        .map(|d| d.text.split_whitespace().filter(|w| w.len() > 3).collect())
        .collect();
    let mut queries = Vec::new();
    while queries.len() < 300 {
        let ws = &words[pick.below(words.len())];
        if ws.len() >= 3 {
            let w = |p: &mut Picker| ws[p.below(ws.len())];
            queries.push(format!(
                "{} {} {}",
                w(&mut pick),
                w(&mut pick),
                w(&mut pick)
            ));
        }
    }
    if inner.is_empty() {
        return Err(Error::Internal(
            "the seeded taxonomy has no inner nodes".into(),
        ));
    }
    Ok(Seeded {
        keys,
        inner,
        queries,
        open_items,
    })
}

/// One pending suggestion (a node drawn by the document's id) and an open low-confidence item
/// for every unlabelled document: what the classifier leaves for a person, written directly
/// because the benchmark times the decisions, not the classifier.
async fn queue(pool: &PgPool) -> Result<i64> {
    // Seeding, not the app's work: the app role may not create temporary tables.
    let mut tx = crate::login_transaction(pool).await?;
    sqlx::query(
        "CREATE TEMP TABLE load_item ON COMMIT DROP AS
         WITH d AS (SELECT id FROM document WHERE NOT EXISTS
                      (SELECT 1 FROM classification c WHERE c.document_id = document.id)),
              v AS (SELECT max(version) AS head FROM taxonomy_version),
              i AS (INSERT INTO review_item (document_id, reason, top_confidence, margin, taxonomy_version)
                    SELECT d.id, 'low_confidence', 0.4 + (d.id % 40) / 100.0, (d.id % 10) / 100.0, v.head
                    FROM d, v RETURNING id, document_id, taxonomy_version)
         SELECT * FROM i",
    )
    .execute(&mut *tx)
    .await?;
    let n = sqlx::query(
        "WITH nodes AS (SELECT id, row_number() OVER (ORDER BY id) - 1 AS i, count(*) OVER () AS n FROM node)
         INSERT INTO classification (document_id, node_id, confidence, source, method, taxonomy_version, status, review_item_id)
         SELECT li.document_id, nodes.id, 0.5, 'model', 'classifier', li.taxonomy_version, 'pending', li.id
         FROM load_item li JOIN nodes ON nodes.i = (li.document_id * 7919) % nodes.n",
    )
    .execute(&mut *tx)
    .await?
    .rows_affected();
    tx.commit().await?;
    Ok(n as i64)
}
