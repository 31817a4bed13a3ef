//! `dtrag audit`.

use clap::Args;

use dtrag_api::audit::{self, AuditRequest, AUDIT_LIMIT_DEFAULT};

use crate::Ctx;

#[derive(Args)]
pub struct AuditArgs {
    #[arg(long)]
    actor: Option<String>,
    /// Action prefix, e.g. `taxonomy.rollback`.
    #[arg(long)]
    action: Option<String>,
    #[arg(long, default_value_t = AUDIT_LIMIT_DEFAULT)]
    limit: i64,
}

pub async fn run(args: AuditArgs, ctx: &Ctx) -> anyhow::Result<()> {
    let h = ctx.open(2).await?;
    let req = AuditRequest {
        actor: args.actor,
        action: args.action,
        limit: Some(args.limit),
    };
    ctx.out.audit(&audit::list(&h, req).await?);
    Ok(())
}
