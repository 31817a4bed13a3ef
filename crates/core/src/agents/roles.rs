//! The agents' PostgreSQL roles: one group per database holding the only grants agents have,
//! one NOLOGIN role per agent in it, and logins issued on request.
//!
//! Role names are generated (`dtrag_agent_` + 16 hex digits), never taken from user input, and
//! checked against that pattern before they are put into DDL (which cannot take parameters).

use sqlx::PgConnection;

use crate::error::{Error, Result};

/// The tables an agent may read: what retrieval reads, each under row-level security.
pub const AGENT_TABLES: [&str; 7] = [
    "document",
    "chunk",
    "chunk_embedding",
    "bm25_posting",
    "agent_document",
    "agent_chunk",
    "agent_corpus",
];

const AGENT_PREFIX: &str = "dtrag_agent_";
const GROUP_PREFIX: &str = "dtrag_agents_";

/// `name` quoted for DDL, after checking it is one of ours (`prefix` + 16 lowercase hex digits).
fn ident(name: &str, prefix: &str) -> Result<String> {
    let ok = name.strip_prefix(prefix).is_some_and(|rest| {
        rest.len() == 16
            && rest
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    });
    if ok {
        Ok(format!("\"{name}\""))
    } else {
        Err(Error::Internal(format!("not an agent role name: {name:?}")))
    }
}

async fn fresh_name(conn: &mut PgConnection, prefix: &str) -> Result<String> {
    Ok(
        sqlx::query_scalar("SELECT $1 || substr(md5(gen_random_uuid()::text), 1, 16)")
            .bind(prefix)
            .fetch_one(conn)
            .await?,
    )
}

fn no_createrole(e: sqlx::Error) -> Error {
    match &e {
        sqlx::Error::Database(d) if d.code().as_deref() == Some("42501") => {
            Error::Invalid(format!(
                "the schema's owner may not create roles ({}): agents need dtrag_owner to have \
                 CREATEROLE",
                d.message()
            ))
        }
        _ => Error::Db(e),
    }
}

// Role DDL needs more than dtrag_app has: each step is a SECURITY DEFINER function of migration
// 0016, owned by dtrag_owner, which checks the names again and formats them with %I. The checks
// here keep a wrong name from even reaching the server.

/// The database's agent group, created (with its grants) on first use.
pub async fn group(conn: &mut PgConnection) -> Result<String> {
    if let Some(g) = sqlx::query_scalar::<_, String>("SELECT role_name FROM agent_group")
        .fetch_optional(&mut *conn)
        .await?
    {
        return Ok(g);
    }
    let name = fresh_name(&mut *conn, GROUP_PREFIX).await?;
    ident(&name, GROUP_PREFIX)?;
    sqlx::query("SELECT dtrag_agents_group_create($1, $2)")
        .bind(&name)
        .bind(AGENT_TABLES.as_slice())
        .execute(&mut *conn)
        .await
        .map_err(no_createrole)?;
    sqlx::query("INSERT INTO agent_group (role_name) VALUES ($1)")
        .bind(&name)
        .execute(&mut *conn)
        .await?;
    Ok(name)
}

/// A new NOLOGIN role for an agent, in the group. dtrag_app becomes a member, so a session
/// working as it can `SET ROLE` to the agent.
pub async fn create(conn: &mut PgConnection) -> Result<String> {
    let group = group(&mut *conn).await?;
    let name = fresh_name(&mut *conn, AGENT_PREFIX).await?;
    ident(&name, AGENT_PREFIX)?;
    ident(&group, GROUP_PREFIX)?;
    sqlx::query("SELECT dtrag_agent_role_create($1, $2)")
        .bind(&name)
        .bind(&group)
        .execute(&mut *conn)
        .await
        .map_err(no_createrole)?;
    Ok(name)
}

/// Drops an agent's role (its sessions, if it could log in, end with it).
pub async fn drop(conn: &mut PgConnection, role: &str) -> Result<()> {
    ident(role, AGENT_PREFIX)?;
    sqlx::query("SELECT dtrag_agent_role_drop($1)")
        .bind(role)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Lets the role log in with `password` (stored by PostgreSQL as a SCRAM verifier).
pub async fn grant_login(conn: &mut PgConnection, role: &str, password: &str) -> Result<()> {
    ident(role, AGENT_PREFIX)?;
    sqlx::query("SELECT dtrag_agent_login($1, $2)")
        .bind(role)
        .bind(password)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Takes the login away and ends the role's open sessions.
pub async fn revoke_login(conn: &mut PgConnection, role: &str) -> Result<()> {
    ident(role, AGENT_PREFIX)?;
    sqlx::query("SELECT dtrag_agent_login($1, NULL)")
        .bind(role)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Runs the rest of the transaction on `conn` as `role` (until `RESET ROLE`).
pub async fn set_local(conn: &mut PgConnection, role: &str) -> Result<()> {
    sqlx::Executor::execute(&mut *conn, set_local_sql(role)?.as_str()).await?;
    Ok(())
}

/// The statement of [`set_local`], for a caller that sends it with others in one round trip.
pub fn set_local_sql(role: &str) -> Result<String> {
    Ok(format!("SET LOCAL ROLE {};", ident(role, AGENT_PREFIX)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_generated_names_reach_ddl() {
        assert_eq!(
            ident("dtrag_agent_0123456789abcdef", AGENT_PREFIX).unwrap(),
            "\"dtrag_agent_0123456789abcdef\""
        );
        for bad in [
            "dtrag_agent_0123456789ABCDEF",
            "dtrag_agent_0123",
            "postgres",
            "dtrag_agent_0123456789abcdef\"; DROP ROLE x; --",
            "dtrag_agents_0123456789abcdef",
        ] {
            assert!(ident(bad, AGENT_PREFIX).is_err(), "{bad}");
        }
        assert!(ident("dtrag_agents_0123456789abcdef", GROUP_PREFIX).is_ok());
    }
}
