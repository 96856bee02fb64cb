//! Gives the worker's wasm a memory ceiling: whatever a file makes the
//! reader allocate, the worker's memory stops there (the allocation fails,
//! the worker answers with an error or dies, and the page starts a fresh
//! one) instead of growing until the browser kills the tab.

/// The most memory the worker's wasm may use: room for the largest file
/// within `Limits` (200,000 rows, 500 MB inflated, read as text) with the
/// rows and their encoded chunks held at once.
const MAX_MEMORY_BYTES: u64 = 1024 * 1024 * 1024;

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    let target = std::env::var("TARGET").unwrap_or_default();
    if target.starts_with("wasm32") {
        println!("cargo:rustc-link-arg-cdylib=--max-memory={MAX_MEMORY_BYTES}");
    }
}
