//! Embedding models, the embedding job, HNSW indexes, vector and hybrid search against the real
//! PostgreSQL + pgvector, with the real local all-MiniLM-L6-v2 model (fetched by
//! scripts/fetch-model.sh) and, for the multi-model cases, a small deterministic embedder.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};

use dtrag_core::documents::{self, ChunkSettings, DocInput};
use dtrag_core::models::EmbedderSource;
use dtrag_core::models::{self, HnswSettings, KnnPlan, Model, NewModel, Provider};
use dtrag_core::search::{self, fuse, vector, Mode, SearchRequest, Weights};
use dtrag_core::taxonomy::import;
use dtrag_core::ErrorKind;
use dtrag_embed::local::{LocalMiniLm, MINILM, MINILM_DIMS};
use dtrag_embed::{normalize, EmbedError, Embedder, ModelInfo};

use crate::common::doc;

fn corpus() -> Vec<DocInput> {
    vec![
        doc("pg", "PostgreSQL is a relational database. PostgreSQL stores tables and indexes.", &["tech.db.postgres"]),
        doc("vec", "Vector search finds nearest neighbours of embeddings; pgvector adds vector search to PostgreSQL.", &["tech.db.pgvector"]),
        doc("bm25", "BM25 ranks documents by term frequency and inverse document frequency, with length normalisation.", &["tech.search.bm25"]),
        doc("music", "Music is sound organised in time: melody, harmony and rhythm played on instruments.", &["humanities.music"]),
        doc("rag", "Retrieval-augmented generation grounds answers in retrieved documents from search.", &["tech.ai.rag"]),
        doc("dog", "The dog is a loyal domesticated animal, a puppy grows into a hound.", &[]),
        doc("guitar", "A guitar is a stringed instrument; players strum chords with a pick.", &["humanities.music"]),
    ]
}

/// The real model, loaded once for the whole test binary.
fn minilm() -> Arc<dyn Embedder> {
    static MODEL: OnceLock<Arc<dyn Embedder>> = OnceLock::new();
    Arc::clone(MODEL.get_or_init(|| {
        Arc::new(
            LocalMiniLm::load_from(&crate::common::models_dir())
                .unwrap_or_else(|e| panic!("the local model is needed for these tests: {e}")),
        )
    }))
}

/// A deterministic bag-of-letters embedder of `dims` dimensions: a second model of another size.
/// It can be told to fail after some calls, to test an interrupted job.
struct Letters {
    info: ModelInfo,
    calls: AtomicUsize,
    fail_after: Option<usize>,
}

impl Letters {
    fn new(name: &str, dims: usize, fail_after: Option<usize>) -> Self {
        Letters {
            info: ModelInfo {
                name: name.into(),
                dims,
            },
            calls: AtomicUsize::new(0),
            fail_after,
        }
    }
}

impl Embedder for Letters {
    fn info(&self) -> &ModelInfo {
        &self.info
    }
    fn embed(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>, EmbedError> {
        let n = self.calls.fetch_add(1, Ordering::SeqCst);
        if self.fail_after.is_some_and(|f| n >= f) {
            return Err(EmbedError::Inference("simulated failure".into()));
        }
        Ok(texts
            .iter()
            .map(|t| {
                let mut v = vec![0.0f32; self.info.dims];
                for b in t.bytes().filter(u8::is_ascii_alphabetic) {
                    v[(b.to_ascii_lowercase() - b'a') as usize % self.info.dims] += 1.0;
                }
                v[0] += 0.001;
                normalize(&mut v);
                v
            })
            .collect())
    }
}

/// Hands out the real model for MiniLM and a Letters embedder for anything else.
struct Source;

/// The test embedder as the shared source search takes.
fn source() -> std::sync::Arc<dyn EmbedderSource> {
    std::sync::Arc::new(Source)
}

impl EmbedderSource for Source {
    fn embedder(&self, model: &Model) -> dtrag_core::Result<Arc<dyn Embedder>> {
        if model.name == MINILM {
            Ok(minilm())
        } else {
            Ok(Arc::new(Letters::new(
                &model.name,
                model.dims as usize,
                None,
            )))
        }
    }
}

fn minilm_model() -> NewModel {
    NewModel {
        name: MINILM.into(),
        provider: Provider::Local,
        dims: MINILM_DIMS as i32,
        config: serde_json::json!({"model": MINILM}),
        hnsw: HnswSettings::default(),
    }
}

fn letters_model(name: &str, dims: i32) -> NewModel {
    NewModel {
        name: name.into(),
        provider: Provider::Openai,
        dims,
        config: serde_json::json!({"base_url": "http://127.0.0.1:9", "model": name, "dims": dims}),
        hnsw: HnswSettings {
            m: 8,
            ef_construction: 32,
            ef_search: 40,
        },
    }
}

/// The sample taxonomy, the corpus, MiniLM registered, embedded and indexed.
async fn loaded() -> (crate::common::TestDb, Model) {
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
    let model = models::register(&db.pool, &minilm_model()).await.unwrap();
    assert!(model.is_default, "the first model becomes the default");
    let report = models::embed_pending(&db.pool, &model, minilm(), 3, &mut |_, _| {})
        .await
        .unwrap();
    assert_eq!(report.embedded, corpus().len());
    models::build_index(&db.pool, MINILM, None).await.unwrap();
    let mut conn = db.pool.acquire().await.unwrap();
    let model = models::get(&mut conn, None).await.unwrap();
    assert!(model.indexed);
    assert_eq!(model.embedded, corpus().len() as i64);
    (db, model)
}

fn req(query: &str, mode: Mode) -> SearchRequest {
    SearchRequest {
        query: query.into(),
        mode,
        ..SearchRequest::default()
    }
}

fn docs_of(r: &search::SearchResult) -> Vec<&str> {
    r.hits.iter().map(|h| h.document.as_str()).collect()
}

#[tokio::test]
async fn vector_search_finds_meaning_without_shared_words() {
    let (db, _) = loaded().await;
    // No word of the query occurs in the dog document.
    let r = search::run(&db.pool, &req("a young canine pet", Mode::Vector), source())
        .await
        .unwrap();
    assert_eq!(r.hits[0].document, "dog", "{:?}", docs_of(&r));
    assert_eq!(r.plan, Some(KnnPlan::Hnsw));
    assert_eq!(r.model.as_deref(), Some(MINILM));
    let h = &r.hits[0];
    assert!(h.vector.is_some() && h.bm25.is_none());
    assert!((h.score - (1.0 - h.vector.unwrap().distance)).abs() < 1e-9);
    // BM25 alone finds nothing for it.
    let b = search::run(&db.pool, &req("a young canine pet", Mode::Bm25), source())
        .await
        .unwrap();
    assert!(b.hits.is_empty(), "{:?}", docs_of(&b));
}

#[tokio::test]
async fn hnsw_answers_equal_the_exact_scan_on_a_small_corpus() {
    let (db, model) = loaded().await;
    let mut conn = db.pool.acquire().await.unwrap();
    for q in [
        "database tables",
        "songs and instruments",
        "ranking documents",
    ] {
        let v = minilm().embed(&[q]).unwrap().remove(0);
        let exact = vector::ranked(&mut conn, &model, &v, 5, None, KnnPlan::Exact, None)
            .await
            .unwrap();
        let hnsw = vector::ranked(&mut conn, &model, &v, 5, None, KnnPlan::Hnsw, None)
            .await
            .unwrap();
        let ids = |l: &[fuse::Ranked]| l.iter().map(|r| r.chunk_id).collect::<Vec<_>>();
        assert_eq!(ids(&exact), ids(&hnsw), "{q}");
        for (e, h) in exact.iter().zip(&hnsw) {
            assert!((e.value - h.value).abs() < 1e-6);
        }
        // Nearest first.
        assert!(exact.windows(2).all(|w| w[0].value <= w[1].value));
    }
}

#[tokio::test]
async fn hybrid_rrf_is_the_weighted_rrf_of_both_lists_and_explains_each_hit() {
    let (db, _) = loaded().await;
    let query = "postgresql vector search";
    let mut rrf = req(query, Mode::Hybrid);
    rrf.fusion = Some(search::Fusion::rrf());
    let hybrid = search::run(&db.pool, &rrf, source()).await.unwrap();
    let mut bm = req(query, Mode::Bm25);
    bm.k = 50;
    let mut ve = req(query, Mode::Vector);
    ve.k = 50;
    let b = search::run(&db.pool, &bm, source()).await.unwrap();
    let v = search::run(&db.pool, &ve, source()).await.unwrap();
    // Recompute the fusion from the single-mode lists.
    let as_ranked = |r: &search::SearchResult| {
        r.hits
            .iter()
            .map(|h| fuse::Ranked {
                chunk_id: h.chunk_id,
                value: h.score,
            })
            .collect::<Vec<_>>()
    };
    let (bl, vl) = (as_ranked(&b), as_ranked(&v));
    let expect = fuse::rrf(&[&bl, &vl], &[1.0, 1.0], 60.0, 10);
    assert_eq!(
        hybrid.hits.iter().map(|h| h.chunk_id).collect::<Vec<_>>(),
        expect.iter().map(|f| f.chunk_id).collect::<Vec<_>>()
    );
    for (h, f) in hybrid.hits.iter().zip(&expect) {
        assert!((h.score - f.score).abs() < 1e-12);
        assert_eq!(h.bm25.map(|s| s.rank), f.ranks[0]);
        assert_eq!(h.vector.map(|s| s.rank), f.ranks[1]);
        if let Some(s) = h.bm25 {
            let single = &b.hits[s.rank - 1];
            assert_eq!(single.chunk_id, h.chunk_id);
            assert!((single.score - s.score).abs() < 1e-9);
        }
        if let Some(s) = h.vector {
            assert_eq!(v.hits[s.rank - 1].chunk_id, h.chunk_id);
        }
    }
    // The document that both lists rank high comes first.
    assert_eq!(hybrid.hits[0].document, "vec");
    assert!(hybrid.hits[0].bm25.is_some() && hybrid.hits[0].vector.is_some());
    // Highlights are the query's words in the text, inflections included.
    let marked: Vec<&str> = hybrid.hits[0]
        .fragments
        .iter()
        .filter(|f| f.hit)
        .map(|f| f.text.as_str())
        .collect();
    assert!(
        marked.contains(&"PostgreSQL") && marked.contains(&"search"),
        "{marked:?}"
    );

    // Weights: all on BM25 gives BM25's order.
    let mut only_bm25 = rrf.clone();
    only_bm25.weights = Weights {
        bm25: 1.0,
        vector: 0.0,
    };
    let r = search::run(&db.pool, &only_bm25, source()).await.unwrap();
    let n = r.hits.len().min(b.hits.len());
    assert_eq!(
        r.hits[..n].iter().map(|h| h.chunk_id).collect::<Vec<_>>(),
        b.hits[..n].iter().map(|h| h.chunk_id).collect::<Vec<_>>()
    );
}

#[tokio::test]
async fn scoped_vector_and_hybrid_search_never_leave_the_scope() {
    let (db, model) = loaded().await;
    let allowed = ["pg", "vec"];
    for mode in [Mode::Vector, Mode::Hybrid, Mode::Bm25] {
        let mut r = req("music instruments and databases", mode);
        r.under = vec!["tech.db".into()];
        let res = search::run(&db.pool, &r, source()).await.unwrap();
        assert!(
            res.hits
                .iter()
                .all(|h| allowed.contains(&h.document.as_str())),
            "{mode:?}: {:?}",
            docs_of(&res)
        );
        assert_eq!(res.scope_chunks, Some(2));
        if mode != Mode::Bm25 {
            assert_eq!(res.plan, Some(KnnPlan::ExactInScope));
            assert_eq!(res.hits.len(), 2);
        }
    }
    // The HNSW plan with a filter (iterative scan) keeps to the scope too.
    let mut conn = db.pool.acquire().await.unwrap();
    let scope = search::scope_chunks(&mut conn, None, &["humanities".into()])
        .await
        .unwrap();
    let v = minilm().embed(&["database"]).unwrap().remove(0);
    let got = vector::ranked(&mut conn, &model, &v, 10, Some(&scope), KnnPlan::Hnsw, None)
        .await
        .unwrap();
    assert_eq!(got.len(), 2, "both music documents, however far");
    assert!(got.iter().all(|g| scope.contains(&g.chunk_id)));
    // An unknown category is an error, not an unscoped search.
    let mut r = req("music", Mode::Hybrid);
    r.under = vec!["no.such".into()];
    let err = search::run(&db.pool, &r, source()).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound, "{err}");
    assert!(
        err.to_string().contains("\"no.such\" does not exist"),
        "{err}"
    );
}

#[tokio::test]
async fn re_ingest_drops_stale_vectors_and_the_job_embeds_only_what_is_missing() {
    let (db, model) = loaded().await;
    let mut changed = corpus();
    changed[5].text = "Cats are independent felines that purr.".into();
    documents::add(&db.pool, &changed, ChunkSettings::default(), &mut |_, _| {})
        .await
        .unwrap();
    let mut conn = db.pool.acquire().await.unwrap();
    let m = models::get(&mut conn, None).await.unwrap();
    assert_eq!(
        m.embedded,
        corpus().len() as i64 - 1,
        "the old dog vector went with its chunk"
    );
    drop(conn);
    let mut seen = Vec::new();
    let r = models::embed_pending(&db.pool, &model, minilm(), 16, &mut |d, t| {
        seen.push((d, t))
    })
    .await
    .unwrap();
    assert_eq!(r.embedded, 1);
    assert_eq!(seen.last(), Some(&(1, 1)));
    let hits = search::run(&db.pool, &req("kitten", Mode::Vector), source())
        .await
        .unwrap();
    assert_eq!(
        hits.hits[0].document, "dog",
        "the replaced text (about cats) is what is found"
    );
    // Nothing left to do.
    let again = models::embed_pending(&db.pool, &model, minilm(), 16, &mut |_, _| {})
        .await
        .unwrap();
    assert_eq!(again.embedded, 0);
}

#[tokio::test]
async fn models_coexist_with_their_own_dimensions_indexes_and_defaults() {
    let (db, minilm_model) = loaded().await;
    let letters = models::register(&db.pool, &letters_model("letters-8", 8))
        .await
        .unwrap();
    assert!(!letters.is_default);
    let emb: Arc<dyn Embedder> = Arc::new(Letters::new("letters-8", 8, None));
    models::embed_pending(&db.pool, &letters, emb, 4, &mut |_, _| {})
        .await
        .unwrap();
    let idx = models::build_index(
        &db.pool,
        "letters-8",
        Some(HnswSettings {
            m: 4,
            ef_construction: 16,
            ef_search: 20,
        }),
    )
    .await
    .unwrap();
    assert!(idx.size_bytes > 0);
    let mut conn = db.pool.acquire().await.unwrap();
    let all = models::list(&mut conn).await.unwrap();
    assert_eq!(all.len(), 2);
    assert!(all
        .iter()
        .all(|m| m.indexed && m.embedded == corpus().len() as i64));
    let l = all.iter().find(|m| m.name == "letters-8").unwrap();
    assert_eq!(
        (l.hnsw.m, l.hnsw.ef_construction, l.hnsw.ef_search),
        (4, 16, 20)
    );
    drop(conn);

    // Searching with either model by name; the default follows set_default.
    let mut r = req("guitar", Mode::Vector);
    r.model = Some("letters-8".into());
    let res = search::run(&db.pool, &r, source()).await.unwrap();
    assert_eq!(res.model.as_deref(), Some("letters-8"));
    // The nearest by a brute-force computation in Rust with the same embedder.
    let l8 = Letters::new("letters-8", 8, None);
    let q = l8.embed(&["guitar"]).unwrap().remove(0);
    let docs = corpus();
    let texts: Vec<&str> = docs.iter().map(|d| d.text.as_str()).collect();
    let cos = |v: &Vec<f32>| q.iter().zip(v).map(|(a, b)| a * b).sum::<f32>();
    let vs = l8.embed(&texts).unwrap();
    let best = (0..docs.len())
        .max_by(|&a, &b| cos(&vs[a]).total_cmp(&cos(&vs[b])))
        .unwrap();
    assert_eq!(res.hits[0].document, docs[best].source_id);
    models::set_default(&db.pool, "letters-8").await.unwrap();
    let res = search::run(&db.pool, &req("guitar", Mode::Vector), source())
        .await
        .unwrap();
    assert_eq!(res.model.as_deref(), Some("letters-8"));

    // A vector of the wrong size for a model is refused by its index.
    let mut tx = db.pool.begin().await.unwrap();
    sqlx::query(
        "DELETE FROM chunk_embedding WHERE model_id = $1 AND chunk_id = (SELECT max(id) FROM chunk)",
    )
    .bind(minilm_model.id)
    .execute(&mut *tx)
    .await
    .unwrap();
    let err = sqlx::query(
        "INSERT INTO chunk_embedding (model_id, chunk_id, embedding)
         SELECT $1, max(id), '[1,2,3]'::vector FROM chunk",
    )
    .bind(minilm_model.id)
    .execute(&mut *tx)
    .await
    .unwrap_err();
    assert!(err.to_string().contains("dimensions"), "{err}");
    tx.rollback().await.unwrap();
    // An embedder of the wrong size is refused before anything is written.
    let wrong: Arc<dyn Embedder> = Arc::new(Letters::new("letters-8", 5, None));
    let e = models::embed_pending(&db.pool, &minilm_model, wrong, 4, &mut |_, _| {})
        .await
        .unwrap_err();
    assert!(e.to_string().contains("dimensions"), "{e}");

    // Removing a model takes its vectors and index with it, and leaves the other alone.
    models::remove(&db.pool, "letters-8").await.unwrap();
    let mut conn = db.pool.acquire().await.unwrap();
    let all = models::list(&mut conn).await.unwrap();
    assert_eq!(all.len(), 1);
    let idx_left: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM pg_indexes WHERE indexname LIKE 'chunk_embedding_hnsw_%'",
    )
    .fetch_one(&mut *conn)
    .await
    .unwrap();
    assert_eq!(idx_left, 1);
    let err = models::get(&mut conn, None).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound, "{err}");
    assert!(
        err.to_string().contains("no default embedding model"),
        "{err}"
    );
}

#[tokio::test]
async fn an_interrupted_embedding_job_keeps_its_batches_and_a_rerun_finishes() {
    let (db, _) = loaded().await;
    let m = models::register(&db.pool, &letters_model("letters-16", 16))
        .await
        .unwrap();
    let failing: Arc<dyn Embedder> = Arc::new(Letters::new("letters-16", 16, Some(2)));
    let err = models::embed_pending(&db.pool, &m, failing, 2, &mut |_, _| {})
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Embedding, "{err}");
    assert!(err.to_string().contains("simulated failure"), "{err}");
    let mut conn = db.pool.acquire().await.unwrap();
    assert_eq!(
        models::get(&mut conn, Some("letters-16"))
            .await
            .unwrap()
            .embedded,
        4
    );
    drop(conn);
    let ok: Arc<dyn Embedder> = Arc::new(Letters::new("letters-16", 16, None));
    let r = models::embed_pending(&db.pool, &m, ok, 2, &mut |_, _| {})
        .await
        .unwrap();
    assert_eq!(r.embedded, corpus().len() - 4);
}

#[tokio::test]
async fn bad_requests_and_settings_get_clear_errors_and_write_nothing() {
    let (db, _) = loaded().await;
    let before = crate::common::fingerprint(&db.pool).await;
    let mut r = req("x", Mode::Hybrid);
    r.k = 0;
    let kind = |e: dtrag_core::Error| e.kind();
    assert_eq!(
        kind(search::run(&db.pool, &r, source()).await.unwrap_err()),
        ErrorKind::InvalidInput
    );
    let mut r = req("x", Mode::Hybrid);
    r.weights.bm25 = -1.0;
    assert_eq!(
        kind(search::run(&db.pool, &r, source()).await.unwrap_err()),
        ErrorKind::InvalidInput
    );
    let mut r = req("x", Mode::Vector);
    r.model = Some("nope".into());
    let e = search::run(&db.pool, &r, source()).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NotFound, "{e}");
    assert!(e.to_string().contains("no embedding model \"nope\""), "{e}");
    for bad in [
        HnswSettings {
            m: 1,
            ef_construction: 64,
            ef_search: 40,
        },
        HnswSettings {
            m: 16,
            ef_construction: 16,
            ef_search: 40,
        },
        HnswSettings {
            m: 16,
            ef_construction: 64,
            ef_search: 0,
        },
    ] {
        let e = models::build_index(&db.pool, MINILM, Some(bad))
            .await
            .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::InvalidInput, "{e}");
        assert!(e.to_string().contains("must be"), "{e}");
    }
    let e = models::register(&db.pool, &minilm_model())
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidInput, "{e}");
    assert!(e.to_string().contains("already exists"), "{e}");
    let e = models::register(&db.pool, &letters_model("bad name!", 8))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidInput, "{e}");
    assert!(e.to_string().contains("not allowed"), "{e}");
    let e = models::register(&db.pool, &letters_model("huge", 4096))
        .await
        .unwrap_err();
    assert!(e.to_string().contains("2000"), "{e}");
    assert_eq!(crate::common::fingerprint(&db.pool).await, before);

    // A registered model with no vectors yet says what to run.
    models::register(&db.pool, &letters_model("empty-4", 4))
        .await
        .unwrap();
    let mut r = req("x", Mode::Hybrid);
    r.model = Some("empty-4".into());
    let e = search::run(&db.pool, &r, source()).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidInput, "{e}");
    assert!(e.to_string().contains("dtrag embed"), "{e}");
}

#[tokio::test]
async fn empty_corpus_and_empty_query_return_nothing_without_error() {
    let db = crate::common::fresh_db().await;
    models::register(&db.pool, &minilm_model()).await.unwrap();
    for mode in [Mode::Bm25, Mode::Vector, Mode::Hybrid] {
        let r = search::run(&db.pool, &req("anything", mode), source())
            .await
            .unwrap();
        assert!(r.hits.is_empty());
    }
    let (db, _) = loaded().await;
    let r = search::run(&db.pool, &req("", Mode::Bm25), source())
        .await
        .unwrap();
    assert!(r.hits.is_empty());
    // Unicode queries work in every mode.
    let r = search::run(
        &db.pool,
        &req("Müsik und Gitarre 🎸", Mode::Hybrid),
        source(),
    )
    .await
    .unwrap();
    assert!(!r.hits.is_empty());
}
