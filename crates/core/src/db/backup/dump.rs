//! Running `pg_dump` / `pg_restore` (progress from their `--verbose` lines), reading rows out of a
//! dump without restoring it, and what a dump does not carry: the agents' roles (cluster-wide)
//! and the database-level grants.

use std::path::Path;
use std::process::Stdio;

use sqlx::PgPool;
use tokio::io::{AsyncBufReadExt, BufReader};

use super::client::Client;
use crate::error::{Error, Result};

/// `pg_dump --format=custom` of the snapshot `snapshot` into `out`; `progress` counts the tables
/// whose data was dumped, of `total`.
pub async fn pg_dump(
    client: &Client,
    snapshot: &str,
    out: &Path,
    total: usize,
    progress: &mut (dyn FnMut(usize, usize) + Send),
) -> Result<()> {
    let mut cmd = client.command("pg_dump");
    cmd.arg("--format=custom")
        .arg(format!("--snapshot={snapshot}"))
        .arg("--verbose")
        .arg("--file")
        .arg(out)
        .arg(format!("--dbname={}", client.uri()));
    progress(0, total);
    run(cmd, "pg_dump", "dumping contents of table", total, progress).await
}

/// `pg_restore` of `file` into the client's database, in one transaction, stopping at the first
/// error (so a failed restore leaves nothing behind).
pub async fn pg_restore(
    client: &Client,
    file: &Path,
    progress: &mut (dyn FnMut(usize, usize) + Send),
) -> Result<()> {
    let list = output(
        client.command("pg_restore").arg("--list").arg(file),
        "pg_restore",
    )
    .await?;
    let total = list.lines().filter(|l| l.contains(" TABLE DATA ")).count();
    let mut cmd = client.command("pg_restore");
    cmd.args([
        "--exit-on-error",
        "--single-transaction",
        "--no-owner",
        "--verbose",
    ])
    .arg(format!("--dbname={}", client.uri()))
    .arg(file);
    progress(0, total);
    run(
        cmd,
        "pg_restore",
        "processing data for table",
        total,
        progress,
    )
    .await
}

/// A table's rows as stored in a dump (the text of its COPY block), with the column names.
pub struct Rows {
    pub columns: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

impl Rows {
    /// The values of column `name`, `\N` (NULL) left out.
    pub fn column(&self, name: &str) -> Vec<&str> {
        let Some(i) = self.columns.iter().position(|c| c == name) else {
            return Vec::new();
        };
        self.rows
            .iter()
            .filter_map(|r| r.get(i).map(String::as_str))
            .filter(|v| *v != "\\N")
            .collect()
    }
}

/// The rows of `public.table` in the dump `file`, read by `pg_restore --data-only` to stdout.
pub async fn table_rows(client: &Client, file: &Path, table: &str) -> Result<Rows> {
    let text = output(
        client
            .command("pg_restore")
            .args(["--data-only", "--table", table, "--file", "-"])
            .arg(file),
        "pg_restore",
    )
    .await?;
    let header = format!("COPY public.{table} (");
    let mut lines = text.lines().skip_while(|l| !l.starts_with(&header));
    let columns = lines
        .next()
        .and_then(|l| l.get(header.len()..)?.split_once(')'))
        .map(|(cols, _)| cols.split(", ").map(|c| c.trim_matches('"').to_string()))
        .map(Iterator::collect)
        .unwrap_or_default();
    let rows = lines
        .take_while(|l| *l != "\\.")
        .map(|l| l.split('\t').map(str::to_string).collect())
        .collect();
    Ok(Rows { columns, rows })
}

/// Creates the agents' group and agent roles the dump's `agent_group` and `agent` rows name that
/// this server lacks (restoring into another cluster), as NOLOGIN roles: logins are secrets the
/// dump does not carry. Returns the roles created.
pub async fn create_missing_roles(
    pool: &PgPool,
    client: &Client,
    file: &Path,
) -> Result<Vec<String>> {
    let groups = table_rows(client, file, "agent_group").await?;
    let agents = table_rows(client, file, "agent").await?;
    let group = groups.column("role_name").first().map(|g| g.to_string());
    let mut wanted: Vec<(String, Option<String>)> =
        group.iter().map(|g| (g.clone(), None)).collect();
    wanted.extend(
        agents
            .column("role_name")
            .into_iter()
            .map(|r| (r.to_string(), group.clone())),
    );
    let superuser: bool =
        sqlx::query_scalar("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
            .fetch_one(pool)
            .await?;
    let mut created = Vec::new();
    for (role, member_of) in wanted {
        if !is_agent_role(&role) {
            return Err(Error::Invalid(format!(
                "the backup names an unexpected role {role:?}"
            )));
        }
        let exists: bool =
            sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $1)")
                .bind(&role)
                .fetch_one(pool)
                .await?;
        if exists {
            continue;
        }
        let mut sql = format!("CREATE ROLE \"{role}\" NOLOGIN");
        if let Some(g) = member_of.filter(|g| is_agent_role(g)) {
            sql.push_str(&format!(" IN ROLE \"{g}\""));
        }
        // As `dtrag_agent_role_create` (0016) makes them: the app and owner roles are members.
        if role.starts_with("dtrag_agent_") {
            sql.push_str(" ROLE dtrag_app, dtrag_owner");
        }
        sqlx::query(&sql).execute(pool).await?;
        if !superuser && role.starts_with("dtrag_agent_") {
            sqlx::query(&format!("GRANT \"{role}\" TO CURRENT_USER"))
                .execute(pool)
                .await?;
        }
        created.push(role);
    }
    Ok(created)
}

/// Drops roles [`create_missing_roles`] made, after a restore that failed.
pub async fn drop_roles(pool: &PgPool, roles: &[String]) {
    for role in roles.iter().rev().filter(|r| is_agent_role(r)) {
        let _ = sqlx::query(&format!("DROP ROLE IF EXISTS \"{role}\""))
            .execute(pool)
            .await;
    }
}

/// The grants on the database itself, which a dump of its contents does not carry: the agents'
/// group may connect, nobody may create temporary tables (as `agents::roles::group` sets).
pub async fn database_grants(pool: &PgPool) -> Result<()> {
    let group: Option<String> = sqlx::query_scalar("SELECT role_name FROM agent_group")
        .fetch_optional(pool)
        .await?;
    let Some(g) = group.filter(|g| is_agent_role(g)) else {
        return Ok(());
    };
    let db: String = sqlx::query_scalar("SELECT quote_ident(current_database())")
        .fetch_one(pool)
        .await?;
    for sql in [
        format!("GRANT CONNECT ON DATABASE {db} TO \"{g}\""),
        format!("REVOKE TEMPORARY ON DATABASE {db} FROM PUBLIC"),
    ] {
        sqlx::query(&sql).execute(pool).await?;
    }
    Ok(())
}

/// `dtrag_agent_` / `dtrag_agents_` and 16 hex digits: names we generate, safe to quote in DDL.
fn is_agent_role(name: &str) -> bool {
    ["dtrag_agent_", "dtrag_agents_"].iter().any(|p| {
        name.strip_prefix(p).is_some_and(|rest| {
            rest.len() == 16
                && rest
                    .bytes()
                    .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        })
    })
}

/// Runs a program whose stderr carries one `marker` line per unit of work; fails with its last
/// lines of output.
async fn run(
    mut cmd: tokio::process::Command,
    name: &str,
    marker: &str,
    total: usize,
    progress: &mut (dyn FnMut(usize, usize) + Send),
) -> Result<()> {
    cmd.stdout(Stdio::null()).stderr(Stdio::piped());
    let mut child = cmd
        .spawn()
        .map_err(|e| Error::io(format!("running {name}"), e))?;
    let mut said = Vec::new();
    let mut done = 0;
    if let Some(stderr) = child.stderr.take() {
        let mut lines = BufReader::new(stderr).lines();
        while let Ok(Some(line)) = lines.next_line().await {
            if line.contains(marker) {
                done += 1;
                progress(done.min(total), total);
            } else if !line.contains(": ") || line.contains("error") || line.contains("warning") {
                said.push(line);
            }
        }
    }
    let status = child
        .wait()
        .await
        .map_err(|e| Error::io(format!("running {name}"), e))?;
    if !status.success() {
        let tail: Vec<String> = said.into_iter().rev().take(12).collect();
        let tail: Vec<String> = tail.into_iter().rev().collect();
        return Err(Error::io(
            format!("{name} failed"),
            std::io::Error::other(tail.join("\n")),
        ));
    }
    progress(total, total);
    Ok(())
}

/// A program's stdout, or an error with its stderr.
async fn output(cmd: &mut tokio::process::Command, name: &str) -> Result<String> {
    let out = cmd
        .output()
        .await
        .map_err(|e| Error::io(format!("running {name}"), e))?;
    if !out.status.success() {
        return Err(Error::Invalid(format!(
            "{name}: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        )));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}
