//! The fusion tuned for an embedding model (`dtrag eval search --tune`): a hybrid search that
//! names no fusion reads it, so one tuning on the user's own questions changes every search with
//! that model. Kept in `search_tuning`, one row per model (gone with the model).

use serde::{Deserialize, Serialize};
use sqlx::PgConnection;

use super::{Fusion, FusionMethod, Weights};
use crate::error::{Error, Result};

/// A fusion with its weights: what a tuning chooses.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Tuning {
    pub fusion: Fusion,
    pub weights: Weights,
}

fn method_name(m: FusionMethod) -> &'static str {
    match m {
        FusionMethod::Rrf => "rrf",
        FusionMethod::Minmax => "minmax",
        FusionMethod::Zscore => "zscore",
    }
}

fn method_of(name: &str) -> Result<FusionMethod> {
    match name {
        "rrf" => Ok(FusionMethod::Rrf),
        "minmax" => Ok(FusionMethod::Minmax),
        "zscore" => Ok(FusionMethod::Zscore),
        other => Err(Error::Internal(format!(
            "unknown fusion method {other:?} stored"
        ))),
    }
}

/// The tuning stored for the model, if any.
pub async fn stored(conn: &mut PgConnection, model_id: i32) -> Result<Option<Tuning>> {
    let row: Option<(String, bool, f64, f64)> = sqlx::query_as(
        "SELECT method, evidence, bm25_weight, vector_weight FROM search_tuning WHERE model_id = $1",
    )
    .bind(model_id)
    .fetch_optional(conn)
    .await?;
    row.map(|(method, evidence, bm25, vector)| {
        Ok(Tuning {
            fusion: Fusion {
                method: method_of(&method)?,
                evidence,
            },
            weights: Weights { bm25, vector },
        })
    })
    .transpose()
}

/// Stores `t` for the model (replacing an earlier tuning), with the set it was tuned on and the
/// objective it reached there.
pub async fn store(
    conn: &mut PgConnection,
    model_id: i32,
    t: &Tuning,
    golden_set: &str,
    objective: f64,
    author: &str,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO search_tuning (model_id, method, evidence, bm25_weight, vector_weight,
                                    golden_set, objective, tuned_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         ON CONFLICT (model_id) DO UPDATE SET
             method = excluded.method, evidence = excluded.evidence,
             bm25_weight = excluded.bm25_weight, vector_weight = excluded.vector_weight,
             golden_set = excluded.golden_set, objective = excluded.objective,
             tuned_by = excluded.tuned_by, tuned_at = now()",
    )
    .bind(model_id)
    .bind(method_name(t.fusion.method))
    .bind(t.fusion.evidence)
    .bind(t.weights.bm25)
    .bind(t.weights.vector)
    .bind(golden_set)
    .bind(objective)
    .bind(author)
    .execute(conn)
    .await?;
    Ok(())
}
