//! The versioned DAG taxonomy: model, reads at any version, the single write path (publish), and
//! the operations built on it (import, edits, diff, rollback).

pub mod deprecated;
pub mod diff;
pub mod edit;
pub mod import;
pub mod model;
pub mod publish;
pub mod read;
pub mod rollback;

pub use model::{
    DeprecatedConcept, Extra, ExtraObject, NodeContent, NodeFull, NodeRecord, PublishMeta, Version,
    VersionKind,
};
