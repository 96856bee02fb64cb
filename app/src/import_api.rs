//! The import server functions (being written).
