//! Category texts embedded per model, cached in `category_embedding` by the md5 of the text, so a
//! run embeds only the categories that are new or whose label, description or path changed.

use std::collections::HashMap;
use std::sync::Arc;

use dtrag_embed::Embedder;
use pgvector::Vector;
use sqlx::PgPool;

use super::load::Categories;
use super::score::Vectors;
use crate::error::{Error, Result};
use crate::models::Model;

/// Texts embedded per call.
const BATCH: usize = 64;

/// The vector of every category's text, in `cats` order. `progress(done, total)` counts the
/// texts that needed embedding.
pub async fn ensure(
    pool: &PgPool,
    model: &Model,
    embedder: Arc<dyn Embedder>,
    cats: &Categories,
    progress: &mut (dyn FnMut(usize, usize) + Send),
) -> Result<Vectors> {
    let dims = model.dims as usize;
    let hashes: Vec<(i64, String)> =
        sqlx::query_as("SELECT x.id, md5(x.t) FROM unnest($1::int8[], $2::text[]) AS x(id, t)")
            .bind(&cats.ids)
            .bind(&cats.texts)
            .fetch_all(pool)
            .await?;
    let wanted: HashMap<i64, String> = hashes.into_iter().collect();
    let stored: Vec<(i64, String, Vector)> = sqlx::query_as(
        "SELECT node_id, text_hash, embedding FROM category_embedding WHERE model_id = $1",
    )
    .bind(model.id)
    .fetch_all(pool)
    .await?;
    let mut have: HashMap<i64, Vec<f32>> = stored
        .into_iter()
        .filter(|(id, hash, v)| wanted.get(id) == Some(hash) && v.as_slice().len() == dims)
        .map(|(id, _, v)| (id, v.to_vec()))
        .collect();
    let missing: Vec<usize> = (0..cats.ids.len())
        .filter(|&i| !have.contains_key(&cats.ids[i]))
        .collect();
    progress(0, missing.len());
    for (done, batch) in missing.chunks(BATCH).enumerate() {
        let texts: Vec<String> = batch.iter().map(|&i| cats.texts[i].clone()).collect();
        let emb = Arc::clone(&embedder);
        let vectors = tokio::task::spawn_blocking(move || {
            let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
            emb.embed(&refs)
        })
        .await
        .map_err(|e| Error::Internal(format!("the embedding task failed: {e}")))??;
        if vectors.len() != batch.len() {
            return Err(Error::Internal("the embedder lost texts".into()));
        }
        let ids: Vec<i64> = batch.iter().map(|&i| cats.ids[i]).collect();
        let hashes: Vec<&str> = ids
            .iter()
            .map(|id| wanted.get(id).map_or("", String::as_str))
            .collect();
        let vecs: Vec<Vector> = vectors.iter().cloned().map(Vector::from).collect();
        sqlx::query(
            "INSERT INTO category_embedding (model_id, node_id, text_hash, embedding)
             SELECT $1, x.id, x.h, x.v FROM unnest($2::int8[], $3::text[], $4::vector[]) AS x(id, h, v)
             ON CONFLICT (model_id, node_id)
             DO UPDATE SET text_hash = EXCLUDED.text_hash, embedding = EXCLUDED.embedding",
        )
        .bind(model.id)
        .bind(&ids)
        .bind(&hashes)
        .bind(&vecs)
        .execute(pool)
        .await?;
        for (id, v) in ids.into_iter().zip(vectors) {
            have.insert(id, v);
        }
        progress(((done + 1) * BATCH).min(missing.len()), missing.len());
    }
    let mut out = Vectors::new(dims);
    for id in &cats.ids {
        match have.get(id) {
            Some(v) => out.push(v),
            None => return Err(Error::Internal(format!("category {id} has no vector"))),
        }
    }
    Ok(out)
}
