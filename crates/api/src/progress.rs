//! Progress of long work (ingesting, embedding), reported to the face that started it.

use serde::Serialize;

/// One report: `done` of `total` units of `stage` (e.g. "ingest" documents, "embed" chunks).
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Progress {
    pub stage: &'static str,
    pub done: usize,
    pub total: usize,
}

/// Where reports go. `&mut |_| {}` when nobody is watching.
pub type Reporter<'a> = &'a mut (dyn FnMut(Progress) + Send);
