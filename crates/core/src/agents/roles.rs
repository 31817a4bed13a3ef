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
                "the database user may not create roles ({}): agents need a user with CREATEROLE",
                d.message()
            ))
        }
        _ => Error::Db(e),
    }
}

/// The database's agent group, created (with its grants) on first use.
pub async fn group(conn: &mut PgConnection) -> Result<String> {
    if let Some(g) = sqlx::query_scalar::<_, String>("SELECT role_name FROM agent_group")
        .fetch_optional(&mut *conn)
        .await?
    {
        return Ok(g);
    }
    let name = fresh_name(&mut *conn, GROUP_PREFIX).await?;
    let g = ident(&name, GROUP_PREFIX)?;
    sqlx::query(&format!("CREATE ROLE {g} NOLOGIN"))
        .execute(&mut *conn)
        .await
        .map_err(no_createrole)?;
    let db: String = sqlx::query_scalar("SELECT quote_ident(current_database())")
        .fetch_one(&mut *conn)
        .await?;
    let mut grants = vec![
        format!("GRANT CONNECT ON DATABASE {db} TO {g}"),
        format!("GRANT USAGE ON SCHEMA public TO {g}"),
        // PUBLIC may create temporary tables by default: an agent must not create anything.
        format!("REVOKE TEMPORARY ON DATABASE {db} FROM PUBLIC"),
    ];
    grants.extend(
        AGENT_TABLES
            .iter()
            .map(|t| format!("GRANT SELECT ON {t} TO {g}")),
    );
    for sql in grants {
        sqlx::query(&sql).execute(&mut *conn).await?;
    }
    sqlx::query("INSERT INTO agent_group (role_name) VALUES ($1)")
        .bind(&name)
        .execute(&mut *conn)
        .await?;
    Ok(name)
}

/// A new NOLOGIN role for an agent, in the group. The connecting user becomes a member so it can
/// `SET ROLE` to it (a superuser can anyway).
pub async fn create(conn: &mut PgConnection) -> Result<String> {
    let group = group(&mut *conn).await?;
    let name = fresh_name(&mut *conn, AGENT_PREFIX).await?;
    let (r, g) = (ident(&name, AGENT_PREFIX)?, ident(&group, GROUP_PREFIX)?);
    sqlx::query(&format!("CREATE ROLE {r} NOLOGIN IN ROLE {g}"))
        .execute(&mut *conn)
        .await
        .map_err(no_createrole)?;
    let superuser: bool =
        sqlx::query_scalar("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
            .fetch_one(&mut *conn)
            .await?;
    if !superuser {
        sqlx::query(&format!("GRANT {r} TO CURRENT_USER"))
            .execute(&mut *conn)
            .await?;
    }
    Ok(name)
}

/// Drops an agent's role (its sessions, if it could log in, end with it).
pub async fn drop(conn: &mut PgConnection, role: &str) -> Result<()> {
    let r = ident(role, AGENT_PREFIX)?;
    sqlx::query(&format!("DROP ROLE IF EXISTS {r}"))
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Lets the role log in with `password` (stored by PostgreSQL as a SCRAM verifier).
pub async fn grant_login(conn: &mut PgConnection, role: &str, password: &str) -> Result<()> {
    let r = ident(role, AGENT_PREFIX)?;
    let literal: String = sqlx::query_scalar("SELECT quote_literal($1)")
        .bind(password)
        .fetch_one(&mut *conn)
        .await?;
    sqlx::query("SET LOCAL password_encryption = 'scram-sha-256'")
        .execute(&mut *conn)
        .await?;
    sqlx::query(&format!("ALTER ROLE {r} LOGIN PASSWORD {literal}"))
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Takes the login away and ends the role's open sessions.
pub async fn revoke_login(conn: &mut PgConnection, role: &str) -> Result<()> {
    let r = ident(role, AGENT_PREFIX)?;
    sqlx::query(&format!("ALTER ROLE {r} NOLOGIN PASSWORD NULL"))
        .execute(&mut *conn)
        .await?;
    sqlx::query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = $1")
        .bind(role)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Runs the rest of the transaction on `conn` as `role` (until `SET LOCAL ROLE NONE`).
pub async fn set_local(conn: &mut PgConnection, role: &str) -> Result<()> {
    let r = ident(role, AGENT_PREFIX)?;
    sqlx::query(&format!("SET LOCAL ROLE {r}"))
        .execute(&mut *conn)
        .await?;
    Ok(())
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
