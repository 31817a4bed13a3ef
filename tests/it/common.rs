//! Test support: a fresh, migrated database per test on a real PostgreSQL + pgvector.
//!
//! The server is `$DTRAG_TEST_DATABASE_URL` (an admin URL; scripts/test.sh sets it), or else the
//! project's embedded cluster in `$DTRAG_TEST_PG_DIR` (default `/tmp/dtrag-test-pg-UID`), started
//! here on first use.

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

use sqlx::postgres::PgConnectOptions;
use sqlx::{Connection, PgConnection, PgPool};
use tokio::sync::OnceCell;

use dtrag_core::db::embedded::EmbeddedCluster;
use dtrag_core::taxonomy::PublishMeta;

static ADMIN_URL: OnceCell<String> = OnceCell::const_new();
static COUNTER: AtomicUsize = AtomicUsize::new(0);

fn binary_tag() -> String {
    std::env::current_exe()
        .ok()
        .and_then(|p| p.file_stem().map(|s| s.to_string_lossy().to_string()))
        .map(|s| s.split('-').next().unwrap_or("t").to_string())
        .unwrap_or_else(|| "t".into())
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect()
}

async fn admin_url() -> String {
    ADMIN_URL
        .get_or_init(|| async {
            let url = match std::env::var("DTRAG_TEST_DATABASE_URL") {
                Ok(u) if !u.is_empty() => u,
                _ => {
                    // Outside the work tree: as root the server runs as `postgres`, which must be
                    // able to enter the directory.
                    let dir = std::env::var("DTRAG_TEST_PG_DIR")
                        .map(PathBuf::from)
                        .unwrap_or_else(|_| {
                            std::env::temp_dir().join(format!("dtrag-test-pg-{}", uid()))
                        });
                    let cluster = EmbeddedCluster::new(dir);
                    cluster
                        .start()
                        .await
                        .expect("start the embedded test cluster");
                    cluster.url_for("postgres")
                }
            };
            // Drop what earlier runs of this test binary left behind.
            let mut conn = PgConnection::connect(&url)
                .await
                .expect("connect to the test server");
            let prefix = format!("dtrag_t_{}_", binary_tag());
            let stale: Vec<String> = sqlx::query_scalar(
                "SELECT datname FROM pg_database WHERE starts_with(datname, $1)",
            )
            .bind(&prefix)
            .fetch_all(&mut conn)
            .await
            .expect("list databases");
            for db in stale {
                sqlx::query(&format!("DROP DATABASE IF EXISTS \"{db}\" WITH (FORCE)"))
                    .execute(&mut conn)
                    .await
                    .expect("drop a stale test database");
            }
            url
        })
        .await
        .clone()
}

fn uid() -> u32 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("Uid:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

/// A fresh database of its own for one test.
pub struct TestDb {
    /// After [`fresh_db`]: works as `dtrag_app`, as every pool of the app and CLI does. After
    /// [`empty_db`]: the admin login (nothing to work on yet).
    pub pool: PgPool,
    /// The admin login (a superuser), for what the app may not do: migrations, catalog checks.
    pub admin: PgPool,
    pub url: String,
    pub name: String,
}

/// Creates an empty database (no migrations applied).
pub async fn empty_db() -> TestDb {
    let admin = admin_url().await;
    let name = format!(
        "dtrag_t_{}_{}_{}",
        binary_tag(),
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::SeqCst)
    );
    let mut conn = PgConnection::connect(&admin)
        .await
        .expect("connect to the test server");
    sqlx::query(&format!("CREATE DATABASE \"{name}\""))
        .execute(&mut conn)
        .await
        .expect("create a test database");
    let options: PgConnectOptions = admin.parse().expect("parse the admin URL");
    let options = options.database(&name);
    let pool = sqlx::postgres::PgPoolOptions::new()
        .max_connections(8)
        .connect_with(options)
        .await
        .expect("connect to the test database");
    let url = url_with_database(&admin, &name);
    TestDb {
        admin: pool.clone(),
        pool,
        url,
        name,
    }
}

/// Creates a database with every migration applied.
pub async fn fresh_db() -> TestDb {
    let mut db = empty_db().await;
    dtrag_core::db::migrate::migrate(&db.admin, false)
        .await
        .expect("apply migrations");
    db.pool = app_pool(&db.url).await;
    db
}

/// A pool on `url` working as `dtrag_app`, as the app's and CLI's pools do.
pub async fn app_pool(url: &str) -> PgPool {
    let options: PgConnectOptions = url.parse().expect("parse the test URL");
    sqlx::postgres::PgPoolOptions::new()
        .max_connections(8)
        .connect_with(options.options([("role", dtrag_core::db::APP_ROLE)]))
        .await
        .expect("connect as dtrag_app")
}

/// The admin URL with its database name replaced.
fn url_with_database(admin: &str, name: &str) -> String {
    let (base, query) = match admin.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (admin, None),
    };
    let scheme_end = base.find("://").map(|i| i + 3).unwrap_or(0);
    let base = match base[scheme_end..].find('/') {
        Some(i) => &base[..scheme_end + i],
        None => base,
    };
    match query {
        Some(q) => format!("{base}/{name}?{q}"),
        None => format!("{base}/{name}"),
    }
}

pub fn meta(message: &str) -> PublishMeta {
    PublishMeta {
        author: "test".into(),
        message: message.into(),
    }
}

/// Parses JSON Lines text as an import file.
pub fn parse_import(text: &str) -> dtrag_core::Result<dtrag_core::taxonomy::import::ImportFile> {
    dtrag_core::taxonomy::import::parse(
        std::io::Cursor::new(text.as_bytes()),
        std::path::Path::new("test.jsonl"),
    )
}

/// A fingerprint of every row of the taxonomy and audit tables, to prove a refused change wrote nothing.
pub async fn fingerprint(pool: &PgPool) -> String {
    sqlx::query_scalar(
        "SELECT md5(concat_ws('|',
            (SELECT string_agg(t::text, ',' ORDER BY version) FROM taxonomy_version t),
            (SELECT string_agg(n::text, ',' ORDER BY id) FROM node n),
            (SELECT string_agg(s::text, ',' ORDER BY node_id, lower(valid)) FROM node_state s),
            (SELECT string_agg(e::text, ',' ORDER BY parent_id, child_id, lower(valid)) FROM edge e),
            (SELECT string_agg(a.id::text || a.action, ',' ORDER BY id) FROM audit_log a),
            (SELECT string_agg(c::text, ',' ORDER BY id) FROM classification c),
            (SELECT string_agg(r::text, ',' ORDER BY id) FROM review_item r),
            (SELECT string_agg(d::text, ',' ORDER BY id) FROM review_decision d),
            (SELECT string_agg(a::text, ',' ORDER BY id) FROM agent a),
            (SELECT string_agg(c::text, ',' ORDER BY agent_id, node_id) FROM agent_category c),
            (SELECT string_agg(s::text, ',' ORDER BY role_name, document_id) FROM agent_document s)))",
    )
    .fetch_one(pool)
    .await
    .expect("fingerprint")
}

pub const SAMPLE: &str = include_str!("../../data/sample-taxonomy.jsonl");

/// A document to ingest; the title is the id in capitals.
pub fn doc(id: &str, text: &str, categories: &[&str]) -> dtrag_core::documents::DocInput {
    dtrag_core::documents::DocInput {
        source_id: id.into(),
        title: id.to_uppercase(),
        text: text.into(),
        categories: categories.iter().map(|c| c.to_string()).collect(),
    }
}

/// Where the tests find the local model: `$DTRAG_MODELS_DIR` (scripts/test.sh sets it), else the
/// folder scripts/fetch-model.sh fills in the work tree.
pub fn models_dir() -> PathBuf {
    std::env::var_os("DTRAG_MODELS_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo_root().join("target/dtrag-data/models"))
}

/// The repository's root (the suite is compiled as a test of crates/cli).
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Stores `(source id, vector)` as the vectors of those documents' chunks for `model_id`.
pub async fn store_vectors(pool: &PgPool, model_id: i32, vectors: Vec<(String, pgvector::Vector)>) {
    let (ids, vecs): (Vec<String>, Vec<pgvector::Vector>) = vectors.into_iter().unzip();
    sqlx::query(
        "INSERT INTO chunk_embedding (model_id, chunk_id, embedding)
         SELECT $1, c.id, x.v FROM unnest($2::text[], $3::vector[]) AS x(s, v)
         JOIN document d ON d.source_id = x.s JOIN chunk c ON c.document_id = d.id",
    )
    .bind(model_id)
    .bind(&ids)
    .bind(&vecs)
    .execute(pool)
    .await
    .expect("document vectors");
}

/// Runs `dtrag --database-url URL ARGS…` as `author` with the project's models, stdin not a
/// terminal, no other database or data directory from the environment.
pub fn dtrag_as(url: &str, author: &str, args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_dtrag"))
        .arg("--database-url")
        .arg(url)
        .args(args)
        .env("DTRAG_AUTHOR", author)
        .env("DTRAG_MODELS_DIR", models_dir())
        .env_remove("DATABASE_URL")
        .env_remove("DTRAG_DATA_DIR")
        .stdin(std::process::Stdio::null())
        .output()
        .expect("run the dtrag binary")
}

/// [`dtrag_as`], which must succeed; its stdout as JSON.
pub fn json_as(url: &str, author: &str, args: &[&str]) -> serde_json::Value {
    let o = dtrag_as(url, author, args);
    assert!(
        o.status.success(),
        "dtrag {}: {}",
        args.join(" "),
        String::from_utf8_lossy(&o.stderr)
    );
    serde_json::from_slice(&o.stdout).expect("JSON on stdout")
}
