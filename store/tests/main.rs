//! The store's tests against real Postgres, each on a throwaway database
//! (`sqlx::test`), one module per area. One test binary rather than one per
//! file: each would link the whole store, sqlx and tokio again (tens of
//! megabytes on disk apiece, and a link each).

mod support;

mod contacts_list;
mod distribution;
mod imports_admission;
mod imports_agree;
mod imports_concurrency;
mod imports_duplicates;
mod imports_history;
mod imports_housekeeping;
mod imports_large;
mod imports_merge;
mod imports_phones;
mod imports_scoping;
mod imports_sql_merge;
mod imports_undo;
mod phone_search;
mod pools;
mod remembered;
