//! The integration suite: one binary (the heavy crates link once), one module per area, every
//! test against a real PostgreSQL + pgvector (a fresh database per test; see `common`).

mod agents;
mod agents_cli;
mod agents_leak;
mod agents_owner;
mod agents_scope;
mod agents_search;
mod api;
mod ask;
mod classify;
mod cli;
mod common;
mod diff_rollback;
mod docs_html;
mod edit;
mod embed_local;
mod embed_openai;
mod embedded;
mod eval;
mod eval_fusion;
mod import;
mod migrations;
mod property;
mod review;
mod review_cli;
mod review_corpus;
mod review_impact;
mod review_property;
mod search;
mod search_hybrid;
mod search_scope;
mod skos;
mod skos_errors;
mod skos_roundtrip;
mod wordnet;
