//! The server's tests from the outside (requests through the router, against
//! real Postgres on throwaway databases), one module per area. One test
//! binary rather than one per file: each would link the whole app, leptos,
//! axum and sqlx again (hundreds of megabytes apiece). `files` and
//! `sign_in_burst` stay binaries of their own: they measure this process's
//! memory, which other tests running beside them would disturb.

mod support;

mod account_country;
mod bad_requests;
mod http_surface;
mod isolation;
mod phones;
mod sessions;
mod sign_in;
