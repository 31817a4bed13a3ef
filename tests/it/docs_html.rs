//! HTML ingestion and batched ingest: visible text only, paragraphs kept apart, malformed pages
//! read leniently; large loads in one `add` keep the BM25 statistics exact, re-adding replaces only
//! what changed, a failure anywhere writes nothing, and progress reaches the total.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use dtrag_core::documents::{self, ChunkSettings, DocInput};
use dtrag_core::taxonomy::import;

fn fixture(name: &str) -> PathBuf {
    crate::common::repo_root().join("tests/fixtures").join(name)
}

fn temp_dir(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("dtrag-docs-html-{tag}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

async fn chunks_of(db: &crate::common::TestDb, source_id: &str) -> Vec<String> {
    let mut conn = db.pool.acquire().await.unwrap();
    documents::show(&mut conn, source_id).await.unwrap().chunks
}

#[tokio::test]
async fn an_html_page_is_ingested_as_its_visible_text() {
    let db = crate::common::fresh_db().await;
    let path = fixture("article.html");
    let inputs = documents::read_inputs(&[&path]).unwrap();
    assert_eq!(inputs.len(), 1);
    let doc = &inputs[0];
    assert_eq!(doc.title, "Crème brûlée & the art of caramel");
    assert_eq!(doc.source_id, path.display().to_string());
    let r = documents::add(&db.pool, &inputs, ChunkSettings::default(), &mut |_, _| {})
        .await
        .unwrap();
    assert_eq!((r.added, r.chunks_written), (1, 1));
    let chunks = chunks_of(&db, &doc.source_id).await;
    let text = chunks.join("\n\n");
    for hidden in [
        "SCRIPT-IN-HEAD",
        "SCRIPT-IN-BODY",
        "trackingSecret",
        "document.write",
        "CSS-ONLY-FONT",
        "hidden-style-marker",
        "NOSCRIPT-TEXT",
        "charset",
    ] {
        assert!(!text.contains(hidden), "{hidden:?} leaked into {text:?}");
    }
    let paragraphs: Vec<&str> = text.split("\n\n").collect();
    for want in [
        "Home",
        "Recipes",
        "Making crème brûlée",
        // Whitespace collapsed inside the paragraph, inline elements kept in the flow.
        "The custard is baked slowly, in a water bath, until just set.",
        // Entities decoded.
        "Caramelise the sugar with a torch — never under a grill <unless you must>.",
        "Ingredients",
        // A no-break space is a space to search.
        "500 ml cream",
        "6 egg yolks",
        "100 g sugar",
        "Unicode survives: 日本語のテキスト, naïve café, emoji 🍮 and λ-calculus.",
        // <pre> keeps its lines and indentation.
        "step 1: heat\n    step 2: whisk",
        "© 2026 The Kitchen",
    ] {
        assert!(
            paragraphs.contains(&want),
            "paragraph {want:?} missing from {paragraphs:#?}"
        );
    }
    // Blocks come in document order.
    let pos = |p: &str| paragraphs.iter().position(|x| *x == p).unwrap();
    assert!(pos("Home") < pos("Making crème brûlée"));
    assert!(pos("6 egg yolks") < pos("© 2026 The Kitchen"));
    // Search finds the page by its text, not by its script.
    let mut conn = db.pool.acquire().await.unwrap();
    let hits = dtrag_core::search::bm25(&mut conn, "custard caramel", 5, None, Default::default())
        .await
        .unwrap();
    assert_eq!(hits.len(), 1);
    assert!(
        dtrag_core::search::bm25(&mut conn, "trackingSecret", 5, None, Default::default())
            .await
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn malformed_html_still_ingests_and_non_utf8_is_refused() {
    let db = crate::common::fresh_db().await;
    let path = fixture("malformed.html");
    let inputs = documents::read_inputs(&[&path]).unwrap();
    assert_eq!(inputs[0].title, "Unclosed things");
    let text = &inputs[0].text;
    for want in [
        "First paragraph bold and italic still italic",
        "Second paragraph with a link",
        "A div never closed",
        "one",
        "two",
        "cell a | cell b",
        "Stray & entity and a lone < sign",
    ] {
        assert!(
            text.split("\n\n").any(|p| p == want),
            "{want:?} missing from {text:?}"
        );
    }
    let r = documents::add(&db.pool, &inputs, ChunkSettings::default(), &mut |_, _| {})
        .await
        .unwrap();
    assert_eq!(r.added, 1);
    assert!(r.chunks_written >= 1);

    // No <title> and no <h1>: the file name; an <h1> when there is no <title>.
    let dir = temp_dir("names");
    let bare = dir.join("bare-page.htm");
    std::fs::write(&bare, "<p>Just a paragraph.</p>").unwrap();
    let h1 = dir.join("h1.HTML");
    std::fs::write(&h1, "<body><h1> Heading\n title </h1><p>x</p>").unwrap();
    let inputs = documents::read_inputs(&[&bare, &h1]).unwrap();
    assert_eq!(inputs[0].title, "bare-page");
    assert_eq!(inputs[0].text, "Just a paragraph.");
    assert_eq!(inputs[1].title, "Heading title");

    // Latin-1 bytes (é = 0xE9) are not UTF-8: the usual clear error, naming the file.
    let latin1 = dir.join("latin1.html");
    std::fs::write(
        &latin1,
        b"<html><head><meta charset=\"iso-8859-1\"><title>Caf\xe9</title></head></html>",
    )
    .unwrap();
    let err = documents::read_inputs(&[&latin1]).unwrap_err().to_string();
    assert!(
        err.contains("latin1.html") && err.contains("not UTF-8"),
        "{err}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// BM25 statistics as stored, and as recounted from the chunks (as in tests/search.rs).
async fn stats_and_recount(
    db: &crate::common::TestDb,
) -> (
    (i64, i64, Vec<(String, i64)>),
    (i64, i64, Vec<(String, i64)>),
) {
    let stored: (i64, i64) = sqlx::query_as("SELECT chunks, tokens FROM bm25_corpus")
        .fetch_one(&db.pool)
        .await
        .unwrap();
    let terms: Vec<(String, i64)> = sqlx::query_as("SELECT term, df FROM bm25_term ORDER BY term")
        .fetch_all(&db.pool)
        .await
        .unwrap();
    let counted: (i64, i64) =
        sqlx::query_as("SELECT count(*), coalesce(sum(length), 0)::int8 FROM chunk")
            .fetch_one(&db.pool)
            .await
            .unwrap();
    let counted_terms: Vec<(String, i64)> = sqlx::query_as(
        "SELECT u.lexeme, count(*) FROM chunk c, unnest(c.tsv) u GROUP BY 1 ORDER BY 1",
    )
    .fetch_all(&db.pool)
    .await
    .unwrap();
    (
        (stored.0, stored.1, terms),
        (counted.0, counted.1, counted_terms),
    )
}

/// Every document's chunk ids, by source id.
async fn chunk_ids(db: &crate::common::TestDb) -> BTreeMap<String, Vec<i64>> {
    let rows: Vec<(String, Vec<i64>)> = sqlx::query_as(
        "SELECT d.source_id, ARRAY(SELECT c.id FROM chunk c WHERE c.document_id = d.id ORDER BY c.ordinal)
         FROM document d",
    )
    .fetch_all(&db.pool)
    .await
    .unwrap();
    rows.into_iter().collect()
}

/// Every row of the document tables and the BM25 statistics, with the taxonomy's fingerprint.
async fn docs_fingerprint(db: &crate::common::TestDb) -> String {
    let docs: String = sqlx::query_scalar(
        "SELECT md5(concat_ws('|',
            (SELECT string_agg(d::text, ',' ORDER BY id) FROM document d),
            (SELECT string_agg(c::text, ',' ORDER BY id) FROM chunk c),
            (SELECT string_agg(dc::text, ',' ORDER BY document_id, node_id) FROM document_category dc),
            (SELECT string_agg(t::text, ',' ORDER BY term) FROM bm25_term t),
            (SELECT string_agg(b::text, ',') FROM bm25_corpus b)))",
    )
    .fetch_one(&db.pool)
    .await
    .unwrap();
    format!("{docs}/{}", crate::common::fingerprint(&db.pool).await)
}

const CATEGORIES: [&str; 4] = ["tech.db", "tech.search.bm25", "humanities.music", "tech.ai"];
const WORDS: [&str; 12] = [
    "database",
    "index",
    "retrieval",
    "melody",
    "harmony",
    "vector",
    "ranking",
    "query",
    "table",
    "rhythm",
    "neural",
    "token",
];

/// A JSON Lines record; every 7th document is long enough for several chunks.
fn record(i: usize, variant: &str) -> serde_json::Value {
    let mut text = format!(
        "Record {i} {variant}: {} {} and {}.",
        WORDS[i % 12],
        WORDS[(i * 7 + 3) % 12],
        WORDS[(i * 5 + 1) % 12]
    );
    if i.is_multiple_of(7) {
        for p in 0..6 {
            text += &format!(
                "\n\nParagraph {p} of record {i} talks about {} at some length, {}.",
                WORDS[(i + p) % 12],
                "with filler words ".repeat(3)
            );
        }
    }
    serde_json::json!({
        "id": format!("rec-{i:05}"),
        "title": format!("Record {i}"),
        "text": text,
        "categories": [CATEGORIES[i % 4]],
    })
}

fn write_jsonl(path: &Path, records: impl Iterator<Item = serde_json::Value>) {
    let lines: Vec<String> = records.map(|r| r.to_string()).collect();
    std::fs::write(path, lines.join("\n") + "\n").unwrap();
}

const SMALL: ChunkSettings = ChunkSettings {
    size: 200,
    overlap: 20,
};

async fn with_taxonomy() -> crate::common::TestDb {
    let db = crate::common::fresh_db().await;
    let file = crate::common::parse_import(crate::common::SAMPLE).unwrap();
    import::import(&db.pool, file, &crate::common::meta("sample"), "sample")
        .await
        .unwrap();
    db
}

#[tokio::test]
async fn a_large_jsonl_load_is_one_add_with_exact_statistics_and_replaces_only_what_changed() {
    const N: usize = 6_500;
    let db = with_taxonomy().await;
    let dir = temp_dir("big");
    let path = dir.join("records.jsonl");
    write_jsonl(&path, (0..N).map(|i| record(i, "v1")));
    let inputs = documents::read_inputs(&[&path]).unwrap();
    assert_eq!(inputs.len(), N);

    let mut calls: Vec<(usize, usize)> = Vec::new();
    let r = documents::add(&db.pool, &inputs, SMALL, &mut |done, total| {
        calls.push((done, total))
    })
    .await
    .unwrap();
    assert_eq!((r.added, r.replaced, r.unchanged), (N, 0, 0));
    assert!(r.chunks_written > N, "some records have several chunks");
    // Progress: from 0, never backwards, per batch (not per document), ending at the total.
    assert_eq!(calls.first(), Some(&(0, N)));
    assert_eq!(calls.last(), Some(&(N, N)));
    assert!(calls.len() >= 3 && calls.len() < N / 100, "{calls:?}");
    assert!(calls.windows(2).all(|w| w[0].0 < w[1].0 && w[0].1 == N));

    let chunks: i64 = sqlx::query_scalar("SELECT count(*) FROM chunk")
        .fetch_one(&db.pool)
        .await
        .unwrap();
    assert_eq!(chunks as usize, r.chunks_written);
    let (stored, recount) = stats_and_recount(&db).await;
    assert_eq!(stored, recount);
    let classified: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM document_category dc JOIN node n ON n.id = dc.node_id
         JOIN document d ON d.id = dc.document_id
         WHERE n.key = 'humanities.music' AND d.source_id LIKE 'rec-%'",
    )
    .fetch_one(&db.pool)
    .await
    .unwrap();
    assert_eq!(classified as usize, (0..N).filter(|i| i % 4 == 2).count());

    // The same file again: nothing written at all.
    let before = docs_fingerprint(&db).await;
    let r = documents::add(&db.pool, &inputs, SMALL, &mut |_, _| {})
        .await
        .unwrap();
    assert_eq!(
        (r.added, r.replaced, r.unchanged, r.chunks_written),
        (0, 0, N, 0)
    );
    assert_eq!(docs_fingerprint(&db).await, before);

    // One record changed (a multi-chunk one), one only reclassified, one new: only the changed
    // record's chunks are replaced.
    let ids_before = chunk_ids(&db).await;
    let (changed, reclassified) = (4_200, 4_201);
    write_jsonl(
        &path,
        (0..=N).map(|i| {
            let mut r = record(i, if i == changed { "v2" } else { "v1" });
            if i == reclassified {
                r["categories"] = serde_json::json!(["tech.search.vector", "tech.db"]);
            }
            r
        }),
    );
    let inputs = documents::read_inputs(&[&path]).unwrap();
    let r = documents::add(&db.pool, &inputs, SMALL, &mut |_, _| {})
        .await
        .unwrap();
    assert_eq!((r.added, r.replaced, r.unchanged), (1, 1, N - 1));
    let ids_after = chunk_ids(&db).await;
    let changed_id = format!("rec-{changed:05}");
    let new_id = format!("rec-{N:05}");
    assert_eq!(
        r.chunks_written,
        ids_after[&changed_id].len() + ids_after[&new_id].len()
    );
    for (doc, ids) in &ids_before {
        if *doc == changed_id {
            assert!(ids_after[doc].iter().all(|id| !ids.contains(id)));
        } else {
            assert_eq!(&ids_after[doc], ids, "{doc} was rewritten");
        }
    }
    assert!(chunks_of(&db, &changed_id).await[0].contains("v2"));
    let mut conn = db.pool.acquire().await.unwrap();
    let d = documents::show(&mut conn, &format!("rec-{reclassified:05}"))
        .await
        .unwrap()
        .document;
    assert_eq!(d.categories, ["tech.db", "tech.search.vector"]);
    drop(conn);
    let (stored, recount) = stats_and_recount(&db).await;
    assert_eq!(stored, recount);
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn a_failing_large_add_leaves_the_database_unchanged() {
    const N: usize = 6_000;
    let db = with_taxonomy().await;
    let first: Vec<DocInput> = (0..N)
        .map(|i| serde_json::from_value(record(i, "v1")).unwrap())
        .collect();
    documents::add(&db.pool, &first, SMALL, &mut |_, _| {})
        .await
        .unwrap();
    let before = docs_fingerprint(&db).await;

    // New and changed documents, with one unknown category in the middle.
    let mut batch: Vec<DocInput> = (0..N + 3000)
        .map(|i| {
            serde_json::from_value(record(i, if i.is_multiple_of(2) { "v2" } else { "v1" }))
                .unwrap()
        })
        .collect();
    batch[N / 2].categories.push("no.such.category".into());
    let err = documents::add(&db.pool, &batch, SMALL, &mut |_, _| {})
        .await
        .unwrap_err()
        .to_string();
    assert!(
        err.contains(&format!("\"rec-{:05}\"", N / 2)) && err.contains("\"no.such.category\""),
        "{err}"
    );
    assert_eq!(docs_fingerprint(&db).await, before);

    // A failure found by the database late in the load (a NUL character, which PostgreSQL text
    // cannot hold, in a document well past the first batches): the earlier batches are undone.
    batch[N / 2].categories.pop();
    let late = N + 2_500;
    batch[late].text.push('\0');
    let mut reached = 0;
    let err = documents::add(&db.pool, &batch, SMALL, &mut |done, _| reached = done).await;
    assert!(err.is_err());
    assert!(
        reached >= 4_000,
        "the failure came after some batches ({reached})"
    );
    assert_eq!(docs_fingerprint(&db).await, before);

    // Without the bad character the same load goes through.
    batch[late].text.pop();
    let r = documents::add(&db.pool, &batch, SMALL, &mut |_, _| {})
        .await
        .unwrap();
    assert_eq!((r.added, r.replaced, r.unchanged), (3000, N / 2, N / 2));
    let (stored, recount) = stats_and_recount(&db).await;
    assert_eq!(stored, recount);
}
