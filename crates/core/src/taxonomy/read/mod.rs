//! Reading the taxonomy at any version: versions, snapshots of nodes, children, paths, export,
//! find, trees.
//!
//! A row is true at version `v` when its range contains `v`. At the head that is the same as an
//! open range (`upper_inf`), which the small partial btree indexes on open rows serve; older
//! versions filter the rows of a node's btree entries by range (`valid @> v`; a node has few rows
//! across all versions, see docs/architecture.md). Every read takes an [`At`] — a version already
//! checked to exist and compared with the head — so that choice is made once, by
//! [`At::resolve`], and never by a caller's flag.

mod browse;
mod find;
mod snapshot;
mod tree;
mod versions;

pub use browse::{children, paths_to_root, roots, show, NodeDetails, NodeSummary};
pub use find::{find, FindHit};
pub use snapshot::{all_keys, changed_node_ids, export, ids_of, snapshot};
pub use tree::{tree, TreeLine};
pub use versions::{head_version, version, version_language, versions, At};

/// The SQL predicate "row `alias` is true at the version bound as `$param`".
pub(crate) fn at_sql(alias: &str, param: usize, at: At) -> String {
    if at.is_head() {
        // $param is still referenced so that bind positions stay the same in both forms.
        format!("(upper_inf({alias}.valid) AND ${param}::int8 IS NOT NULL)")
    } else {
        format!("{alias}.valid @> ${param}::int8")
    }
}
