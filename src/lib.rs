//! DT-RAG Studio core: the versioned DAG taxonomy on PostgreSQL + pgvector. The `dtrag` CLI and the
//! desktop shell are thin faces over this library; neither holds domain logic.

pub mod audit;
pub mod bench;
pub mod db;
pub mod docs;
pub mod embed;
pub mod error;
pub mod search;
pub mod taxonomy;

pub use error::{Error, Result};
