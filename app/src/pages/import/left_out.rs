//! Counting again, after a remap, the data the mapping leaves out (for the
//! notice beside Confirm), a slice of rows at a time so the page keeps
//! responding; a file being read is counted a chunk at a time as it comes
//! (`flow`). The counting itself is `rules::headers::LeftOutTally`'s.

use leptos::prelude::WithValue;
use rules::headers::LeftOut;

use super::browser::next_turn;
use super::ImportContext;

/// Rows counted between turns given back to the page.
const COUNT_SLICE: usize = 10_000;

/// What the session's mapping leaves out of its rows, counted again (after
/// a remap); `None` when the session went away meanwhile.
pub async fn recount(context: ImportContext) -> Option<LeftOut> {
    let mut tally = context.session.with_value(|session| session.as_ref().map(|session| session.mapping.left_out_tally()))?;
    let mut counted = 0;
    loop {
        let done = context.session.with_value(|session| {
            let session = session.as_ref()?;
            let end = (counted + COUNT_SLICE).min(session.sheet_rows.len());
            tally.add_rows(session.sheet_rows.get(counted..end)?);
            counted = end;
            Some(end == session.sheet_rows.len())
        })?;
        if done {
            return Some(tally.report());
        }
        next_turn().await;
    }
}
