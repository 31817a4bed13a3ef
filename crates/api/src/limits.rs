//! The library's limits as data, for a face to show or enforce in its inputs (the desktop UI
//! gets this through the generated types and the `limits` command).

use serde::Serialize;

use dtrag_core::limits as l;

/// Defaults of the review commands, for the faces' flags and inputs.
pub use dtrag_core::limits::{AUDIT_SHARE_DEFAULT, PRECISION_DEFAULT, REVIEW_BULK_FLOOR};

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Limits {
    pub search_k_max: usize,
    pub search_k_default: usize,
    pub search_candidates_max: usize,
    pub query_bytes_max: usize,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub find_limit_max: i64,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub audit_limit_max: i64,
    pub hnsw_ef_search_max: i32,
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub review_page_max: i64,
    pub review_bulk_floor: f32,
    pub precision_default: f32,
    /// Fewest held-out suggestions an auto-accept threshold must keep (the precision dial
    /// applies the classifier's own rule).
    pub calibration_min_accepted: usize,
}

pub fn limits() -> Limits {
    Limits {
        search_k_max: *l::SEARCH_K.end(),
        search_k_default: l::SEARCH_K_DEFAULT,
        search_candidates_max: *l::SEARCH_CANDIDATES.end(),
        query_bytes_max: l::QUERY_BYTES,
        find_limit_max: *l::FIND_LIMIT.end(),
        audit_limit_max: *l::AUDIT_LIMIT.end(),
        hnsw_ef_search_max: *l::HNSW_EF_SEARCH.end(),
        review_page_max: *l::REVIEW_PAGE.end(),
        review_bulk_floor: l::REVIEW_BULK_FLOOR,
        precision_default: l::PRECISION_DEFAULT,
        calibration_min_accepted: dtrag_core::classify::calibrate::MIN_ACCEPTED,
    }
}

/// `value` if it lies in `range`, else an invalid-input error naming `what`.
pub(crate) fn check<T: PartialOrd + std::fmt::Display + Copy>(
    what: &str,
    value: T,
    range: std::ops::RangeInclusive<T>,
) -> dtrag_core::Result<T> {
    if range.contains(&value) {
        Ok(value)
    } else {
        Err(dtrag_core::Error::Invalid(format!(
            "{what} must be {}..={}, not {value}",
            range.start(),
            range.end()
        )))
    }
}
