//! A synthetic corpus with known answers, for the classifier and the review queue: categories
//! whose text vectors come in confusable pairs, documents whose vectors are their true category's
//! plus noise, some of them labelled. The vectors are written straight into the tables (document
//! chunks and category texts) under a registered local model, so the classifier runs on real
//! PostgreSQL data without embedding anything; only which vectors they are is made up.

use std::collections::HashMap;

use dtrag_api::types::{ChunkSettings, HnswSettings};
use dtrag_api::{documents, models, Handle};
use dtrag_core::classify::load;
use pgvector::Vector;

use crate::common::{doc, meta, parse_import, TestDb};

pub const DIMS: usize = 384;

/// A small deterministic generator (splitmix64), so every run sees the same corpus.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    pub fn uniform(&mut self) -> f32 {
        (self.next_u64() >> 40) as f32 / (1u64 << 24) as f32
    }
    /// A standard normal draw (Box–Muller).
    pub fn normal(&mut self) -> f32 {
        let u1 = self.uniform().max(1e-7);
        let u2 = self.uniform();
        (-2.0 * u1.ln()).sqrt() * (std::f32::consts::TAU * u2).cos()
    }
    pub fn unit(&mut self) -> Vec<f32> {
        let v: Vec<f32> = (0..DIMS).map(|_| self.normal()).collect();
        normalise(v)
    }
}

pub fn normalise(v: Vec<f32>) -> Vec<f32> {
    let n = v.iter().map(|x| x * x).sum::<f32>().sqrt().max(1e-12);
    v.into_iter().map(|x| x / n).collect()
}

pub struct Spec {
    /// Categories `c0`..; pairs (c0, c1), (c2, c3), … have close texts.
    pub categories: usize,
    pub labelled: usize,
    pub unlabelled: usize,
    /// Norm of the noise added to a document's true category vector.
    pub noise: f32,
    pub seed: u64,
}

pub struct Corpus {
    pub handle: Handle,
    /// The true category of every document, by source id.
    pub truth: HashMap<String, String>,
}

/// Builds the corpus in `db`: the taxonomy `topics` > `c0`..`cN`, the documents, their vectors.
pub async fn build(db: &TestDb, handle: Handle, spec: &Spec) -> Corpus {
    let mut rng = Rng::new(spec.seed);
    let mut taxonomy = String::from("{\"key\": \"topics\", \"label\": \"Topics\"}\n");
    for c in 0..spec.categories {
        taxonomy += &format!(
            "{{\"key\": \"c{c}\", \"label\": \"Category {c}\", \"parents\": [\"topics\"]}}\n"
        );
    }
    dtrag_core::taxonomy::import::import(
        &db.pool,
        parse_import(&taxonomy).expect("taxonomy"),
        &meta("synthetic taxonomy"),
        "test",
    )
    .await
    .expect("import");

    // Category vectors in confusable pairs: a shared base, pulled apart a little.
    let mut cats: Vec<Vec<f32>> = Vec::new();
    while cats.len() < spec.categories {
        let base = rng.unit();
        let apart = rng.unit();
        for sign in [1.0f32, -1.0] {
            let v: Vec<f32> = base
                .iter()
                .zip(&apart)
                .map(|(b, a)| b + sign * 0.5 * a)
                .collect();
            cats.push(normalise(v));
        }
    }
    cats.truncate(spec.categories);

    let mut inputs = Vec::new();
    let mut vectors = Vec::new();
    let mut truth = HashMap::new();
    for i in 0..spec.labelled + spec.unlabelled {
        let c = (rng.next_u64() % spec.categories as u64) as usize;
        let id = format!("d{i:05}");
        let key = format!("c{c}");
        let noise = rng.unit();
        let v: Vec<f32> = cats[c]
            .iter()
            .zip(&noise)
            .map(|(e, n)| e + spec.noise * n)
            .collect();
        let labels: Vec<&str> = if i < spec.labelled {
            vec![key.as_str()]
        } else {
            vec![]
        };
        inputs.push(doc(&id, &format!("synthetic document {i}"), &labels));
        vectors.push((id.clone(), Vector::from(normalise(v))));
        truth.insert(id, key);
    }
    documents::add_inputs(
        &handle,
        &inputs,
        ChunkSettings::default(),
        true,
        &mut |_| {},
    )
    .await
    .expect("add documents");
    let model = models::add_local(&handle, Some("synthetic".into()), HnswSettings::default())
        .await
        .expect("register the model");
    crate::common::store_vectors(&db.pool, model.id, vectors).await;

    // The category texts' vectors, under the hash of the text the classifier will make.
    let mut conn = db.pool.acquire().await.expect("connection");
    let texts = load::categories(&mut conn).await.expect("categories");
    let (mut node, mut text, mut vec) = (Vec::new(), Vec::new(), Vec::new());
    for (i, key) in texts.keys.iter().enumerate() {
        let v = match key.strip_prefix('c').and_then(|n| n.parse::<usize>().ok()) {
            Some(c) => cats[c].clone(),
            None => rng.unit(),
        };
        node.push(texts.ids[i]);
        text.push(texts.texts[i].clone());
        vec.push(Vector::from(v));
    }
    sqlx::query(
        "INSERT INTO category_embedding (model_id, node_id, text_hash, embedding)
         SELECT $1, x.n, md5(x.t), x.v FROM unnest($2::int8[], $3::text[], $4::vector[]) AS x(n, t, v)",
    )
    .bind(model.id)
    .bind(&node)
    .bind(&text)
    .bind(&vec)
    .execute(&mut *conn)
    .await
    .expect("category vectors");
    Corpus { handle, truth }
}

/// Live classification rows: (document, category, status, source).
pub type Rows = Vec<(String, String, String, String)>;
/// Open items: (document, reason, pending suggestions).
pub type Items = Vec<(String, String, Vec<String>)>;

/// The classification state as a person sees it: live rows, and open items with their pending
/// suggestions, in a canonical order.
pub async fn state(db: &TestDb) -> (Rows, Items) {
    let rows = sqlx::query_as(
        "SELECT d.source_id, n.key, c.status, c.source FROM classification c
         JOIN document d ON d.id = c.document_id JOIN node n ON n.id = c.node_id
         WHERE c.status <> 'superseded' ORDER BY 1, 2, 3",
    )
    .fetch_all(&db.pool)
    .await
    .expect("rows");
    let items = sqlx::query_as(
        "SELECT d.source_id, r.reason,
                ARRAY(SELECT n.key FROM classification c JOIN node n ON n.id = c.node_id
                      WHERE c.review_item_id = r.id AND c.status = 'pending' ORDER BY n.key)
         FROM review_item r JOIN document d ON d.id = r.document_id
         WHERE r.status = 'open' ORDER BY 1, 2",
    )
    .fetch_all(&db.pool)
    .await
    .expect("items");
    (rows, items)
}

/// Every open item's `nodes` (kept by triggers, read by the queue's `under` filter) equals its
/// pending or auto-accepted suggestions plus its context, recomputed here.
pub async fn assert_item_nodes_current(db: &TestDb) {
    let stale: Vec<(i64, Vec<i64>, Vec<i64>)> = sqlx::query_as(
        "SELECT r.id, r.nodes, w.nodes FROM review_item r
         CROSS JOIN LATERAL (
             SELECT ARRAY(SELECT DISTINCT s.n FROM (
                        SELECT c.node_id AS n FROM classification c
                        WHERE c.review_item_id = r.id AND c.status IN ('pending', 'auto_accepted')
                        UNION SELECT r.context_node_id WHERE r.context_node_id IS NOT NULL) AS s
                    ORDER BY s.n) AS nodes) AS w
         WHERE r.status = 'open' AND r.nodes IS DISTINCT FROM w.nodes",
    )
    .fetch_all(&db.pool)
    .await
    .expect("item nodes");
    assert!(
        stale.is_empty(),
        "stale item nodes (id, kept, wanted): {stale:?}"
    );
}
