//! Searches as an agent: only its scope, with its own BM25 statistics; hidden vectors right next
//! to the query never reach it while the index still fills k; and publishes during searches
//! never mix two scopes between the retrievers.

use dtrag_api::agents;
use dtrag_api::types::AgentSearch;

use crate::agents::{new_agent, world, ANIMALS};

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

/// An agent whose scope is a small share of the corpus: its vector hits under the row-level
/// policy are exactly the nearest chunks of its scope (an exact scan of its chunks as the owner),
/// for every query — the graph walk under the policy used to stop early and lose a fifth of them.
#[tokio::test]
async fn an_agents_vector_hits_are_the_exact_nearest_of_its_scope() {
    use pgvector::Vector;

    let (db, h) = world().await;
    let model = dtrag_api::models::add_local(
        &h,
        Some("minilm".into()),
        dtrag_api::types::HnswSettings::default(),
    )
    .await
    .unwrap();
    // 60 chunks in scope among 3,000 outside it (2 %), every vector random.
    let (mut inputs, mut vectors) = (Vec::new(), Vec::new());
    for i in 0..3_060u64 {
        let (id, cat) = if i < 60 {
            (format!("lark{i:04}"), "birds")
        } else {
            (format!("rake{i:04}"), "tools")
        };
        inputs.push(crate::common::doc(&id, &format!("note {i}"), &[cat]));
        vectors.push((id, Vector::from(unit(50_000 + i))));
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
    agents::create(&h, &new_agent("zoo", &["animals"]))
        .await
        .unwrap();

    let mut conn = db.pool.acquire().await.unwrap();
    let scope: Vec<i64> = sqlx::query_scalar(
        "SELECT ac.chunk_id FROM agent_chunk ac JOIN agent a ON a.role_name = ac.role_name
         WHERE a.name = 'zoo' ORDER BY 1",
    )
    .fetch_all(&mut *conn)
    .await
    .unwrap();
    assert!(
        scope.len() >= 60 && scope.len() * 20 < 3_060,
        "a small share"
    );
    let stored = dtrag_core::models::get(&mut conn, Some("minilm"))
        .await
        .unwrap();
    let embedder = dtrag_embed::local::LocalMiniLm::load_from(&crate::common::models_dir())
        .expect("the local model (scripts/fetch-model.sh)");
    for query in [
        "a small bird singing at dawn",
        "garden tools in the shed",
        "salmon swim upstream",
        "note 17",
        "the quiet hours before the storm",
    ] {
        let qv = dtrag_embed::Embedder::embed(&embedder, &[query])
            .unwrap()
            .remove(0);
        let want: Vec<i64> = dtrag_core::search::vector::ranked(
            &mut conn,
            &stored,
            &qv,
            10,
            Some(&scope),
            dtrag_core::models::KnnPlan::Exact,
            None,
        )
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.chunk_id)
        .collect();
        let got = agents::search(
            &h,
            &AgentSearch {
                agent: "zoo".into(),
                query: query.into(),
                mode: Some(dtrag_api::types::Mode::Vector),
                k: Some(10),
                ..AgentSearch::default()
            },
        )
        .await
        .unwrap();
        let got: Vec<i64> = got.hits.iter().map(|x| x.chunk_id).collect();
        assert_eq!(
            got, want,
            "{query:?}: the agent's hits against its scope's exact nearest"
        );
    }
}
