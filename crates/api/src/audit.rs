//! The audit log, newest first.

use serde::Deserialize;

use dtrag_core::audit::{self, AuditFilter};
use dtrag_core::{limits, Result};

use crate::limits::check;
use crate::types::AuditEntry;
use crate::Handle;

pub const AUDIT_LIMIT_DEFAULT: i64 = 50;

#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct AuditRequest {
    /// Only this actor's entries (empty: everyone's).
    pub actor: Option<String>,
    /// Only actions starting with this, e.g. `taxonomy.rollback` (empty: all).
    pub action: Option<String>,
    #[cfg_attr(feature = "ts", ts(type = "number | null"))]
    pub limit: Option<i64>,
}

pub async fn list(h: &Handle, req: AuditRequest) -> Result<Vec<AuditEntry>> {
    let limit = check(
        "the number of entries",
        req.limit.unwrap_or(AUDIT_LIMIT_DEFAULT),
        limits::AUDIT_LIMIT,
    )?;
    let filter = AuditFilter {
        actor: req.actor.filter(|a| !a.trim().is_empty()),
        action: req.action.filter(|a| !a.trim().is_empty()),
        since: None,
        limit,
    };
    let mut conn = h.pool().acquire().await?;
    audit::list(&mut conn, &filter).await
}
