//! DT-RAG Studio core: the domain on PostgreSQL + pgvector — the versioned DAG taxonomy, documents,
//! embedding models and their vectors, hybrid search, the audit log, and the database itself
//! (pool, migrations, the embedded cluster).
//!
//! Nothing here reads the environment or knows about a face: configuration comes in as
//! arguments, and the faces (the `dtrag` CLI, the desktop app) reach this crate only through
//! `dtrag-api`.

pub mod agents;
pub mod audit;
pub mod classify;
pub mod db;
pub mod documents;
pub mod error;
pub mod eval;
pub mod limits;
pub mod lines;
pub mod llm;
pub mod models;
pub mod review;
pub mod search;
pub mod taxonomy;

pub use error::{Error, ErrorKind, Result};
