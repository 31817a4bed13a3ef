//! The API layer as the faces use it: a handle over a real database, typed requests, the rules it
//! owns (samples on a new embedded database, the no-vectors rule, which document a name means,
//! limits) and the error kinds a face branches on.

use dtrag_api::documents::{self, AddDocuments};
use dtrag_api::search::search;
use dtrag_api::taxonomy::{self, EditRequest, FindRequest, NodeRequest, VersionRequest};
use dtrag_api::types::{ChunkSettings, EditOp, HnswSettings, Mode, SearchRequest};
use dtrag_api::{database, models, CommandError, Config, ErrorKind, Handle};

use crate::common::{doc, fingerprint, fresh_db, models_dir, TestDb};

fn config(data_dir: std::path::PathBuf) -> Config {
    Config {
        data_dir,
        models_dir: models_dir(),
        author: "api-test".into(),
        embeddings_api_key: None,
        llm_api_key: None,
        pg_bindir: None,
    }
}

async fn handle(db: &TestDb) -> Handle {
    Handle::from_pool(db.pool.clone(), config(std::env::temp_dir()), false)
}

fn request(query: &str, mode: Mode) -> SearchRequest {
    SearchRequest {
        query: query.into(),
        mode,
        ..SearchRequest::default()
    }
}

#[tokio::test]
async fn a_new_embedded_database_starts_with_the_samples_and_a_search_that_answers() {
    let dir = std::env::temp_dir().join(format!("dtrag-api-samples-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let cfg = config(dir.clone());
    let target = database::target(None, None, &cfg);

    let (h, sample) = Handle::open(&target, cfg.clone(), 4).await.unwrap();
    let sample = sample.expect("a new database gets the samples");
    assert_eq!(sample.taxonomy_version, Some(1));
    assert_eq!(sample.documents, 46);
    assert!(
        sample.embedded >= 46,
        "every sample chunk embedded: {sample:?}"
    );
    assert_eq!(sample.notice, None);
    assert_eq!(documents::list(&h).await.unwrap().len(), 46);
    let versions = taxonomy::versions(&h).await.unwrap();
    let head = versions.last().expect("versions");
    assert_eq!((head.version, head.author.as_str()), (1, "api-test"));

    // Hybrid search works at once, with both signals, and finds by meaning.
    let r = search(
        &h,
        &request("nearest neighbours of embedding vectors", Mode::Hybrid),
    )
    .await
    .unwrap();
    assert_eq!(r.mode, Mode::Hybrid);
    assert_eq!(r.notice, None);
    assert!(r.hits.iter().any(|hit| hit.vector.is_some()));
    assert!(
        r.hits[..3]
            .iter()
            .any(|hit| hit.document == "sample/vector-search" || hit.document == "sample/hnsw"),
        "{:?}",
        r.hits.iter().map(|h| &h.document).collect::<Vec<_>>()
    );
    h.close(false).await.unwrap();

    // Opening it again loads nothing more.
    let (h, sample) = Handle::open(&target, cfg.clone(), 2).await.unwrap();
    assert!(sample.is_none());
    assert_eq!(documents::list(&h).await.unwrap().len(), 46);
    h.close(true).await.unwrap();
    assert!(!database::status(&cfg).await.unwrap().running);
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn without_vectors_search_runs_as_bm25_and_says_why() {
    let db = fresh_db().await;
    let h = handle(&db).await;
    let docs = [
        doc("a", "graphs with directed edges and no cycles", &[]),
        doc("b", "prime numbers and their divisors", &[]),
    ];
    documents::add_inputs(&h, &docs, ChunkSettings::default(), true, &mut |_| {})
        .await
        .unwrap();

    let r = search(&h, &request("directed graphs", Mode::Hybrid))
        .await
        .unwrap();
    assert_eq!(r.mode, Mode::Bm25);
    assert!(
        r.notice
            .as_deref()
            .is_some_and(|n| n.contains("no embedding model")),
        "{r:?}"
    );
    assert_eq!(r.hits[0].document, "a");
    assert!(r.hits.iter().all(|hit| hit.vector.is_none()));

    // A default model without vectors: the same rule, another reason.
    models::add_local(&h, None, HnswSettings::default())
        .await
        .unwrap();
    let r = search(&h, &request("directed graphs", Mode::Vector))
        .await
        .unwrap();
    assert_eq!(r.mode, Mode::Bm25);
    assert!(
        r.notice
            .as_deref()
            .is_some_and(|n| n.contains("no vectors yet")),
        "{r:?}"
    );

    // A model named explicitly must have vectors: that is an error, with its kind.
    let mut named = request("directed graphs", Mode::Hybrid);
    named.model = Some("all-MiniLM-L6-v2".into());
    let e = search(&h, &named).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidInput);

    // Embedded: hybrid as asked, no notice.
    let run = models::embed(&h, &models::EmbedRequest::default(), &mut |_| {})
        .await
        .unwrap();
    assert_eq!(run.report.embedded, 2);
    assert!(run.index.is_some(), "the first run builds the index");
    let r = search(&h, &request("directed graphs", Mode::Hybrid))
        .await
        .unwrap();
    assert_eq!((r.mode, r.notice), (Mode::Hybrid, None));
}

#[tokio::test]
async fn documents_added_through_the_api_are_embedded_unless_asked_not_to() {
    let db = fresh_db().await;
    let h = handle(&db).await;
    let dir = std::env::temp_dir().join(format!("dtrag-api-docs-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("notes.md");
    std::fs::write(&file, "# Kittens\n\nA young cat is called a kitten.").unwrap();
    let req = |no_embed| AddDocuments {
        paths: vec![file.clone()],
        chunking: ChunkSettings::default(),
        no_embed,
    };
    let mut reports = Vec::new();
    let added = documents::add(&h, req(false), &mut |p| {
        reports.push((p.stage, p.done, p.total))
    })
    .await
    .unwrap();
    assert_eq!(added.ingest.added, 1);
    let run = added.embedding.expect("embedded with the default model");
    assert_eq!(
        (run.model.as_str(), run.report.embedded),
        ("all-MiniLM-L6-v2", 1)
    );
    assert!(
        reports.contains(&("ingest", 1, 1)) && reports.contains(&("embed", 1, 1)),
        "{reports:?}"
    );

    std::fs::write(&file, "# Puppies\n\nA young dog is called a puppy.").unwrap();
    let added = documents::add(&h, req(true), &mut |_| {}).await.unwrap();
    assert_eq!(added.ingest.replaced, 1);
    assert!(added.embedding.is_none());
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn show_and_remove_name_exactly_one_document() {
    let db = fresh_db().await;
    let h = handle(&db).await;
    documents::add_inputs(
        &h,
        &[doc("first", "one text", &[])],
        ChunkSettings::default(),
        true,
        &mut |_| {},
    )
    .await
    .unwrap();
    let first = documents::list(&h).await.unwrap().remove(0);
    // A second document whose source id is the first one's numeric id.
    let lookalike = first.id.to_string();
    documents::add_inputs(
        &h,
        &[doc(&lookalike, "another text", &[])],
        ChunkSettings::default(),
        true,
        &mut |_| {},
    )
    .await
    .unwrap();

    // The source id wins: only the look-alike goes.
    let removed = documents::remove(&h, &lookalike).await.unwrap();
    assert_eq!(removed.source_id, lookalike);
    let left: Vec<String> = documents::list(&h)
        .await
        .unwrap()
        .into_iter()
        .map(|d| d.source_id)
        .collect();
    assert_eq!(left, vec!["first".to_string()]);
    // With no source id matching, a number is an id.
    let shown = documents::show(&h, &first.id.to_string()).await.unwrap();
    assert_eq!(shown.document.source_id, "first");
    assert_eq!(shown.chunks, vec!["one text".to_string()]);

    let before = fingerprint(&db.pool).await;
    let e = documents::remove(&h, "no-such-document").await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NotFound);
    assert_eq!(fingerprint(&db.pool).await, before);
}

#[tokio::test]
async fn refusals_carry_the_kind_a_face_branches_on_and_write_nothing() {
    let db = fresh_db().await;
    let h = handle(&db).await;
    let before = fingerprint(&db.pool).await;
    let kind = |e: dtrag_api::Error| CommandError::from(e).kind;

    let e = taxonomy::roots(&h, VersionRequest { version: Some(99) })
        .await
        .unwrap_err();
    assert_eq!(kind(e), ErrorKind::NotFound);
    let e = taxonomy::node_details(
        &h,
        NodeRequest {
            version: None,
            key: "nope".into(),
        },
    )
    .await
    .unwrap_err();
    assert_eq!(kind(e), ErrorKind::NotFound);
    let e = taxonomy::find(
        &h,
        FindRequest {
            version: None,
            text: "x".into(),
            limit: Some(0),
        },
    )
    .await
    .unwrap_err();
    assert_eq!(kind(e), ErrorKind::InvalidInput);
    let mut big = request("x", Mode::Bm25);
    big.k = 1001;
    assert_eq!(
        kind(search(&h, &big).await.unwrap_err()),
        ErrorKind::InvalidInput
    );
    let mut deep = request("x", Mode::Hybrid);
    deep.candidates = Some(1_000_000);
    assert_eq!(
        kind(search(&h, &deep).await.unwrap_err()),
        ErrorKind::InvalidInput
    );
    let mut long = request(&"x".repeat(5000), Mode::Bm25);
    long.k = 5;
    assert_eq!(
        kind(search(&h, &long).await.unwrap_err()),
        ErrorKind::InvalidInput
    );
    let mut nan = request("x", Mode::Hybrid);
    nan.weights.bm25 = f64::NAN;
    assert_eq!(
        kind(search(&h, &nan).await.unwrap_err()),
        ErrorKind::InvalidInput
    );
    assert_eq!(fingerprint(&db.pool).await, before);

    // A cycle: the kind, and the path the UI draws.
    let sample = crate::common::repo_root().join("data/sample-taxonomy.jsonl");
    let imported = taxonomy::import(
        &h,
        taxonomy::ImportRequest {
            path: sample.display().to_string(),
            message: None,
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let head = imported.published.version.expect("a version");
    let (root, child) = ("knowledge".to_string(), "tech".to_string());
    let before = fingerprint(&db.pool).await;
    let e = taxonomy::publish_edits(
        &h,
        EditRequest {
            base: Some(head),
            ops: vec![EditOp::AddParent {
                key: root.clone(),
                parent: child.clone(),
            }],
            message: None,
        },
    )
    .await
    .unwrap_err();
    let report = CommandError::from(e);
    assert_eq!(report.kind, ErrorKind::Cycle);
    assert!(
        report
            .path
            .as_ref()
            .is_some_and(|p| p.contains(&root) && p.contains(&child)),
        "{report:?}"
    );
    assert_eq!(fingerprint(&db.pool).await, before);

    // A model that does not exist.
    assert_eq!(
        kind(models::set_default(&h, "ghost").await.unwrap_err()),
        ErrorKind::NotFound
    );
    assert_eq!(
        kind(models::remove(&h, "ghost").await.unwrap_err()),
        ErrorKind::NotFound
    );
}

#[tokio::test]
async fn without_the_model_files_a_new_database_still_starts_and_says_why_search_is_bm25() {
    let dir = std::env::temp_dir().join(format!("dtrag-api-nomodel-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let mut cfg = config(dir.join("data"));
    cfg.models_dir = dir.join("no-models-here");
    let target = database::target(None, None, &cfg);

    let (h, sample) = Handle::open(&target, cfg.clone(), 2).await.unwrap();
    let sample = sample.expect("the samples");
    assert_eq!(
        (sample.documents, sample.embedded, sample.queued),
        (46, 0, 0)
    );
    assert!(
        sample
            .notice
            .as_deref()
            .is_some_and(|n| n.contains("fetch-model.sh")),
        "{sample:?}"
    );
    let r = search(&h, &request("vector search", Mode::Hybrid))
        .await
        .unwrap();
    assert_eq!(r.mode, Mode::Bm25);
    assert!(r.notice.is_some() && !r.hits.is_empty(), "{r:?}");
    h.close(true).await.unwrap();
    let _ = std::fs::remove_dir_all(&dir);
}
