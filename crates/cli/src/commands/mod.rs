//! One module per command group: its clap types and a `run` that calls the API and prints.

pub mod agents;
pub mod ask;
pub mod audit;
pub mod bench;
pub mod db;
pub mod documents;
pub mod models;
pub mod review;
pub mod search;
pub mod taxonomy;
