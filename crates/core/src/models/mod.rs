//! Embedding models as data: the catalogue of registered models, their vectors per chunk (and
//! the job that fills them), one HNSW index per model, and the source of ready embedders.

pub mod catalog;
pub mod index;
pub mod registry;
pub mod vectors;

pub use catalog::{
    default_model, default_model_with, get, get_with, list, register, remove, set_default, Counts,
    HnswSettings, Model, NewModel, Provider,
};
pub use index::{build_index, knn_sql, IndexReport, KnnPlan};
pub use registry::{EmbedderConfig, EmbedderSource, Embedders};
pub use vectors::{embed_pending, insert_vectors, EmbedReport};
