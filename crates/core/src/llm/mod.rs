//! Chat endpoints for answers: the catalog (`llm_endpoint`), one of them the default. Keys are
//! not here: they live in the OS keyring (dtrag-llm), never in the database.

use serde::{Deserialize, Serialize};
use sqlx::{PgConnection, PgPool};

use crate::audit;
use crate::error::{Error, Result};

/// A registered chat endpoint.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, sqlx::FromRow)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct LlmEndpoint {
    pub name: String,
    pub base_url: String,
    pub model: String,
    /// US dollars per million prompt tokens.
    pub input_price: f64,
    /// US dollars per million completion tokens.
    pub output_price: f64,
    pub timeout_ms: i32,
    pub is_default: bool,
}

impl LlmEndpoint {
    pub fn endpoint(&self) -> dtrag_llm::Endpoint {
        dtrag_llm::Endpoint {
            base_url: self.base_url.clone(),
            model: self.model.clone(),
            timeout: std::time::Duration::from_millis(self.timeout_ms.max(100) as u64),
        }
    }

    /// What `usage` costs at this endpoint's prices.
    pub fn cost(&self, usage: dtrag_llm::Usage) -> f64 {
        (usage.prompt_tokens as f64 * self.input_price
            + usage.completion_tokens as f64 * self.output_price)
            / 1e6
    }
}

/// A new endpoint.
#[derive(Debug, Clone, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct NewLlm {
    pub name: String,
    pub base_url: String,
    pub model: String,
    #[serde(default)]
    pub input_price: f64,
    #[serde(default)]
    pub output_price: f64,
}

const SELECT: &str =
    "SELECT name, base_url, model, input_price, output_price, timeout_ms, is_default
                      FROM llm_endpoint";

fn check(n: &NewLlm) -> Result<()> {
    let name_ok = !n.name.is_empty()
        && n.name.len() <= 100
        && n.name
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphanumeric())
        && n.name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "._:/-".contains(c));
    if !name_ok {
        return Err(Error::Invalid(format!(
            "endpoint name {:?}: 1 to 100 letters, digits or . _ : / -, starting with a letter or digit",
            n.name
        )));
    }
    if !(n.base_url.starts_with("http://") || n.base_url.starts_with("https://")) {
        return Err(Error::Invalid(format!(
            "base URL {:?} must start with http:// or https://",
            n.base_url
        )));
    }
    if n.model.trim().is_empty() {
        return Err(Error::Invalid("the model name is empty".into()));
    }
    for p in [n.input_price, n.output_price] {
        if !(p.is_finite() && p >= 0.0) {
            return Err(Error::Invalid(format!("a price must be ≥ 0, not {p}")));
        }
    }
    Ok(())
}

/// Registers an endpoint; the first becomes the default.
pub async fn add(pool: &PgPool, n: &NewLlm, author: &str) -> Result<LlmEndpoint> {
    check(n)?;
    let mut tx = pool.begin().await?;
    let taken: bool =
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM llm_endpoint WHERE name = $1)")
            .bind(&n.name)
            .fetch_one(&mut *tx)
            .await?;
    if taken {
        return Err(Error::Invalid(format!(
            "an endpoint named {:?} exists already",
            n.name
        )));
    }
    sqlx::query(
        "INSERT INTO llm_endpoint (name, base_url, model, input_price, output_price, is_default)
         VALUES ($1, $2, $3, $4, $5, NOT EXISTS (SELECT 1 FROM llm_endpoint))",
    )
    .bind(&n.name)
    .bind(&n.base_url)
    .bind(&n.model)
    .bind(n.input_price)
    .bind(n.output_price)
    .execute(&mut *tx)
    .await?;
    audit::record(
        &mut tx,
        author,
        "llm.add",
        None,
        serde_json::json!({ "name": n.name, "base_url": n.base_url, "model": n.model }),
    )
    .await?;
    let e = get(&mut tx, Some(&n.name)).await?;
    tx.commit().await?;
    Ok(e)
}

pub async fn list(pool: &PgPool) -> Result<Vec<LlmEndpoint>> {
    Ok(sqlx::query_as(&format!("{SELECT} ORDER BY name"))
        .fetch_all(pool)
        .await?)
}

/// The endpoint named, or the default.
pub async fn get(conn: &mut PgConnection, name: Option<&str>) -> Result<LlmEndpoint> {
    let row: Option<LlmEndpoint> = match name {
        Some(n) => {
            sqlx::query_as(&format!("{SELECT} WHERE name = $1"))
                .bind(n)
                .fetch_optional(conn)
                .await?
        }
        None => {
            sqlx::query_as(&format!("{SELECT} WHERE is_default"))
                .fetch_optional(conn)
                .await?
        }
    };
    row.ok_or_else(|| match name {
        Some(n) => Error::not_found("chat endpoint", n),
        None => Error::Invalid(
            "no chat endpoint: add one with `dtrag llm add --name N --base-url URL --model M`"
                .into(),
        ),
    })
}

/// Removes an endpoint (the default passes to the first other one, by name).
pub async fn remove(pool: &PgPool, name: &str, author: &str) -> Result<LlmEndpoint> {
    let mut tx = pool.begin().await?;
    let e = get(&mut tx, Some(name)).await?;
    sqlx::query("DELETE FROM llm_endpoint WHERE name = $1")
        .bind(name)
        .execute(&mut *tx)
        .await?;
    if e.is_default {
        sqlx::query(
            "UPDATE llm_endpoint SET is_default = true
             WHERE name = (SELECT name FROM llm_endpoint ORDER BY name LIMIT 1)",
        )
        .execute(&mut *tx)
        .await?;
    }
    audit::record(
        &mut tx,
        author,
        "llm.remove",
        None,
        serde_json::json!({ "name": name }),
    )
    .await?;
    tx.commit().await?;
    Ok(e)
}
