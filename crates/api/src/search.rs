//! Search over the documents, with the handle's embedders (the local model loads once per
//! handle, on the first vector or hybrid search).

use dtrag_core::search;
use dtrag_core::Result;

use crate::types::{SearchRequest, SearchResult};
use crate::Handle;

pub async fn search(h: &Handle, req: &SearchRequest) -> Result<SearchResult> {
    search::run(h.pool(), req, h.embedders()).await
}
