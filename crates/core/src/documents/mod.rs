//! Documents: reading them from files (text, Markdown, HTML) and JSON Lines ([`input`]), chunking
//! ([`chunk`]), ingestion with classification under taxonomy categories ([`ingest`]), and the
//! catalogue: list, show, remove ([`catalog`]). Re-adding a changed document replaces its chunks;
//! re-adding an unchanged one changes nothing. A whole `add` is one transaction: a bad file or an
//! unknown category leaves the database as it was.

pub mod catalog;
pub mod chunk;
pub mod html;
pub mod ingest;
pub mod input;

pub use catalog::{list, remove, show, DocSummary, DocumentDetails};
pub use chunk::ChunkSettings;
pub use ingest::{add, IngestReport};
pub use input::{parse_jsonl, read_inputs, DocInput};
