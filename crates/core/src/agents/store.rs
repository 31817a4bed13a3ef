//! Agent definitions: create, list, show, update, remove. Each change is one transaction that
//! also creates or drops the agent's role, recomputes its scope and writes an audit entry, so a
//! refused change leaves roles, scope and definitions exactly as they were.

use chrono::{DateTime, Utc};
use sqlx::{PgConnection, PgPool};

use super::{
    check_name, check_settings, roles, scope, Agent, AgentChange, AgentSettings, NewAgent,
};
use crate::audit;
use crate::error::{Error, Result};
use crate::search::scope::scope_nodes;

#[derive(sqlx::FromRow)]
struct AgentRow {
    id: i64,
    name: String,
    description: String,
    role_name: String,
    pinned_version: Option<i64>,
    settings: serde_json::Value,
    can_login: bool,
    created_by: String,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    categories: Vec<String>,
}

const SELECT: &str = "SELECT a.id, a.name, a.description, a.role_name, a.pinned_version,
        a.settings, a.can_login, a.created_by, a.created_at, a.updated_at,
        ARRAY(SELECT n.key FROM agent_category ac JOIN node n ON n.id = ac.node_id
              WHERE ac.agent_id = a.id ORDER BY n.key) AS categories
    FROM agent a";

fn settings_of(name: &str, value: serde_json::Value) -> Result<AgentSettings> {
    serde_json::from_value(value)
        .map_err(|e| Error::Internal(format!("agent {name:?} has unreadable settings: {e}")))
}

async fn agent_of(conn: &mut PgConnection, r: AgentRow) -> Result<Agent> {
    let settings = settings_of(&r.name, r.settings)?;
    let scope = scope::size(&mut *conn, r.id).await?;
    Ok(Agent {
        name: r.name,
        description: r.description,
        categories: r.categories,
        pinned_version: r.pinned_version,
        settings,
        role: r.role_name,
        can_login: r.can_login,
        scope,
        created_by: r.created_by,
        created_at: r.created_at,
        updated_at: r.updated_at,
    })
}

async fn row(conn: &mut PgConnection, name: &str, lock: bool) -> Result<AgentRow> {
    let sql = format!(
        "{SELECT} WHERE a.name = $1 {}",
        if lock { "FOR UPDATE OF a" } else { "" }
    );
    sqlx::query_as(&sql)
        .bind(name)
        .fetch_optional(conn)
        .await?
        .ok_or_else(|| Error::not_found("agent", name))
}

/// What a search as the agent needs: its role, settings and pin — without the scope's sizes,
/// which cost a count over its documents and chunks.
pub(crate) struct Definition {
    pub name: String,
    pub role: String,
    pub pinned_version: Option<i64>,
    pub settings: AgentSettings,
}

pub(crate) async fn definition(pool: &PgPool, name: &str) -> Result<Definition> {
    let mut conn = pool.acquire().await?;
    let r = row(&mut conn, name, false).await?;
    let settings = settings_of(&r.name, r.settings)?;
    Ok(Definition {
        name: r.name,
        role: r.role_name,
        pinned_version: r.pinned_version,
        settings,
    })
}

/// One agent by name.
pub async fn get(pool: &PgPool, name: &str) -> Result<Agent> {
    let mut conn = pool.acquire().await?;
    let r = row(&mut conn, name, false).await?;
    agent_of(&mut conn, r).await
}

/// Every agent, by name.
pub async fn list(pool: &PgPool) -> Result<Vec<Agent>> {
    let mut conn = pool.acquire().await?;
    let rows: Vec<AgentRow> = sqlx::query_as(&format!("{SELECT} ORDER BY a.name"))
        .fetch_all(&mut *conn)
        .await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        out.push(agent_of(&mut conn, r).await?);
    }
    Ok(out)
}

/// The node ids of `keys`, which must all exist at `pinned` (or the head).
async fn categories(
    conn: &mut PgConnection,
    keys: &[String],
    pinned: Option<i64>,
) -> Result<Vec<i64>> {
    if keys.is_empty() {
        return Err(Error::Invalid(
            "an agent needs at least one category".into(),
        ));
    }
    let (_, ids) = scope_nodes(&mut *conn, pinned, keys).await?;
    Ok(ids)
}

async fn set_categories(conn: &mut PgConnection, agent: i64, ids: &[i64]) -> Result<()> {
    sqlx::query("DELETE FROM agent_category WHERE agent_id = $1")
        .bind(agent)
        .execute(&mut *conn)
        .await?;
    sqlx::query(
        "INSERT INTO agent_category (agent_id, node_id)
         SELECT $1, u FROM unnest($2::int8[]) AS u ON CONFLICT DO NOTHING",
    )
    .bind(agent)
    .bind(ids)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

fn settings_json(s: &AgentSettings) -> Result<serde_json::Value> {
    serde_json::to_value(s).map_err(|e| Error::Internal(format!("agent settings: {e}")))
}

fn summary(a: &Agent) -> serde_json::Value {
    serde_json::json!({
        "description": a.description,
        "categories": a.categories,
        "pinned_version": a.pinned_version,
        "settings": a.settings,
    })
}

/// Creates an agent, its role, and its scope.
pub async fn create(pool: &PgPool, new: &NewAgent, author: &str) -> Result<Agent> {
    check_name(&new.name)?;
    check_settings(&new.settings)?;
    let mut tx = pool.begin().await?;
    let taken: bool = sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM agent WHERE name = $1)")
        .bind(&new.name)
        .fetch_one(&mut *tx)
        .await?;
    if taken {
        return Err(Error::Invalid(format!(
            "an agent named {:?} exists already",
            new.name
        )));
    }
    let ids = categories(&mut tx, &new.categories, new.pinned_version).await?;
    let role = roles::create(&mut tx).await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO agent (name, description, role_name, pinned_version, settings, created_by)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(&new.name)
    .bind(&new.description)
    .bind(&role)
    .bind(new.pinned_version)
    .bind(settings_json(&new.settings)?)
    .bind(author)
    .fetch_one(&mut *tx)
    .await
    .map_err(|e| match &e {
        // Created by someone else since the check above.
        sqlx::Error::Database(d) if d.is_unique_violation() => {
            Error::Invalid(format!("an agent named {:?} exists already", new.name))
        }
        _ => Error::Db(e),
    })?;
    set_categories(&mut tx, id, &ids).await?;
    scope::refresh(&mut tx, id).await?;
    let r = row(&mut tx, &new.name, false).await?;
    let agent = agent_of(&mut tx, r).await?;
    audit::record(
        &mut tx,
        author,
        "agent.create",
        None,
        serde_json::json!({ "agent": agent.name, "role": agent.role, "after": summary(&agent) }),
    )
    .await?;
    tx.commit().await?;
    Ok(agent)
}

/// Changes an agent's definition; its scope follows in the same transaction.
pub async fn update(
    pool: &PgPool,
    name: &str,
    change: &AgentChange,
    author: &str,
) -> Result<Agent> {
    if let Some(s) = &change.settings {
        check_settings(s)?;
    }
    let mut tx = pool.begin().await?;
    let current = row(&mut tx, name, true).await?;
    let id = current.id;
    let before = agent_of(&mut tx, current).await?;
    let pinned = change.pinned_version.unwrap_or(before.pinned_version);
    let keys = change.categories.as_ref().unwrap_or(&before.categories);
    // Checked again when only the pin changes: every category must exist at the new version.
    let ids = categories(&mut tx, keys, pinned).await?;
    sqlx::query(
        "UPDATE agent SET description = $2, pinned_version = $3, settings = $4, updated_at = now()
         WHERE id = $1",
    )
    .bind(id)
    .bind(change.description.as_ref().unwrap_or(&before.description))
    .bind(pinned)
    .bind(settings_json(
        change.settings.as_ref().unwrap_or(&before.settings),
    )?)
    .execute(&mut *tx)
    .await?;
    set_categories(&mut tx, id, &ids).await?;
    scope::refresh(&mut tx, id).await?;
    let r = row(&mut tx, name, false).await?;
    let after = agent_of(&mut tx, r).await?;
    audit::record(
        &mut tx,
        author,
        "agent.update",
        None,
        serde_json::json!({ "agent": name, "before": summary(&before), "after": summary(&after) }),
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}

/// Removes an agent, its scope and its role (ending its sessions).
pub async fn remove(pool: &PgPool, name: &str, author: &str) -> Result<Agent> {
    let mut tx = pool.begin().await?;
    let r = row(&mut tx, name, true).await?;
    let id = r.id;
    let agent = agent_of(&mut tx, r).await?;
    if agent.can_login {
        roles::revoke_login(&mut tx, &agent.role).await?;
    }
    // The scope rows go with the definition (ON DELETE CASCADE), then the role, which nothing
    // references any more.
    sqlx::query("DELETE FROM agent WHERE id = $1")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    roles::drop(&mut tx, &agent.role).await?;
    audit::record(
        &mut tx,
        author,
        "agent.remove",
        None,
        serde_json::json!({ "agent": name, "role": agent.role, "before": summary(&agent) }),
    )
    .await?;
    tx.commit().await?;
    Ok(agent)
}

/// Gives the agent's role a login with a new generated password (any earlier one stops
/// working) and returns the password; `revoke` takes the login away instead.
pub async fn credentials(
    pool: &PgPool,
    name: &str,
    revoke: bool,
    author: &str,
) -> Result<Option<String>> {
    let mut tx = pool.begin().await?;
    let r = row(&mut tx, name, true).await?;
    let password = if revoke {
        roles::revoke_login(&mut tx, &r.role_name).await?;
        None
    } else {
        // 244 random bits from two version-4 UUIDs, as 62 hex digits.
        let p: String = sqlx::query_scalar(
            "SELECT replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', '')",
        )
        .fetch_one(&mut *tx)
        .await?;
        roles::grant_login(&mut tx, &r.role_name, &p).await?;
        Some(p)
    };
    sqlx::query("UPDATE agent SET can_login = $2, updated_at = now() WHERE id = $1")
        .bind(r.id)
        .bind(!revoke)
        .execute(&mut *tx)
        .await?;
    audit::record(
        &mut tx,
        author,
        if revoke {
            "agent.revoke_login"
        } else {
            "agent.issue_login"
        },
        None,
        serde_json::json!({ "agent": name, "role": r.role_name }),
    )
    .await?;
    tx.commit().await?;
    Ok(password)
}
