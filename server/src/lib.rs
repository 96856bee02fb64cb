//! The axum server around the leptos app: configuration ([`config`]), the
//! router with its middleware ([`router`]), and start-up ([`start`]: migrate,
//! seed the demo account, listen on [`listener`]).
//!
//! [`router`] builds the whole app without a socket, so tests can drive it
//! with `tower::ServiceExt::oneshot`.

pub mod body_limit;
pub mod client;
pub mod config;
pub mod downloads;
pub mod exports;
pub mod files;
pub mod maintenance;
pub mod housekeeping;
pub mod listener;
pub mod security;

use app::server_context::AppState;
use app::{shell, App};
use axum::extract::DefaultBodyLimit;
use axum::{middleware, Router};
use leptos::prelude::*;
use leptos_axum::{generate_route_list, LeptosRoutes, ResponseOptions};
use http::{header, HeaderValue};
use tower_http::compression::CompressionLayer;
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_sessions::cookie::SameSite;
use tower_sessions::{Expiry, SessionManagerLayer};
use tower_sessions_sqlx_store::PostgresStore;

pub use config::Config;

/// Everything that can stop the server from starting, said plainly.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error(transparent)]
    Config(#[from] config::ConfigError),
    #[error("could not prepare the database: {0}")]
    Database(#[from] store::StoreError),
    #[error("could not create the demo account: {0}")]
    Seed(String),
    #[error("could not listen on {address}: {source}")]
    Listen { address: std::net::SocketAddr, source: std::io::Error },
}

/// The name of the session cookie: with the `__Host-` prefix whenever the
/// app is served over https, so the browser only accepts it `Secure`, for
/// the whole site and from this host alone (no `Domain`).
pub fn session_cookie_name(config: &Config) -> &'static str {
    if serves_https(config) {
        "__Host-contacts_session"
    } else {
        "contacts_session"
    }
}

fn serves_https(config: &Config) -> bool {
    config.public_origin.as_deref().is_some_and(|origin| origin.starts_with("https://"))
}

/// The whole app as a router: pages, server functions, static files, and
/// the middleware around them (outermost first): security headers,
/// cross-origin refusal, the client's address, sessions, sign-in (who is
/// calling, decided before any body is read), body size limit.
pub fn router(state: AppState, config: &Config) -> Router {
    let routes = generate_route_list(App);
    let options = state.leptos_options.clone();
    let idle = tower_sessions::cookie::time::Duration::seconds(app::auth::server::SESSION_IDLE_SECONDS);
    let sessions = SessionManagerLayer::new(PostgresStore::new(state.pool.clone()))
        .with_name(session_cookie_name(config))
        .with_path("/")
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_secure(serves_https(config))
        .with_expiry(Expiry::OnInactivity(idle));
    let origin = security::PublicOrigin(config.public_origin.clone());
    let body_limits = body_limit::BodyLimits { request: config.max_request_bytes, file: config.limits.max_file_bytes };
    let client_address = client::TrustedHeader(config.sign_in.client_address_header.clone());
    // The built wasm, JS and CSS: served with the .br / .gz files the build
    // writes beside them when the browser accepts those (the wasm shrinks
    // to about a third), and checked for changes on each visit.
    let static_files = |folder: &str| {
        ServeDir::new(format!("{}/{folder}", config.site_root)).precompressed_br().precompressed_gzip()
    };
    let assets = Router::new()
        .nest_service("/pkg", static_files("pkg"))
        .nest_service("/worker", static_files("worker"))
        .layer(SetResponseHeaderLayer::overriding(header::CACHE_CONTROL, HeaderValue::from_static("no-cache")));
    Router::new()
        .merge(assets)
        .merge(files::routes(&config.file_check))
        .merge(downloads::routes())
        .merge(exports::routes())
        .leptos_routes_with_context(&state, routes, set_page_csp, move || shell(options.clone()))
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(shell))
        // Every route has a body limit (a layer, since leptos server
        // functions bypass axum's extractor limit, which is off).
        .layer(middleware::from_fn_with_state(body_limits, body_limit::limit_body))
        .layer(DefaultBodyLimit::disable())
        .layer(middleware::from_fn_with_state(state.clone(), security::require_sign_in))
        .with_state(state)
        .layer(sessions)
        .layer(middleware::from_fn_with_state(client_address, client::find_client_address))
        .layer(middleware::from_fn_with_state(origin, security::refuse_cross_origin))
        .layer(middleware::from_fn(security::security_headers))
        .layer(CompressionLayer::new())
}

/// Gives each page a CSP naming the nonce leptos put on its hydration script.
fn set_page_csp() {
    if let (Some(nonce), Some(response)) = (leptos::nonce::use_nonce(), use_context::<ResponseOptions>()) {
        if let Ok(value) = http::HeaderValue::from_str(&security::page_csp(&nonce)) {
            response.insert_header(http::header::CONTENT_SECURITY_POLICY, value);
        }
    }
}

/// Connects to Postgres (the pages pool and the bulk pool, see
/// [`config::DatabaseConfig`]), applies the migrations, seeds the demo
/// account when asked to, and returns the state the router needs.
///
/// The start-up work holds the start-up lock ([`store::startup`]), so
/// servers starting together on one database take turns at it.
pub async fn prepare(config: &Config) -> Result<AppState, StartError> {
    let leptos_options = LeptosOptions::builder()
        .output_name("contacts")
        .site_root(config.site_root.as_str())
        .site_pkg_dir("pkg")
        .site_addr(config.address)
        .env(leptos::config::Env::PROD)
        .build();
    let pool = store::pools::open_pool(&config.database_url, &config.database.pages).await?;
    let bulk = store::pools::open_pool(&config.database_url, &config.database.bulk).await?;
    let mut start_up = store::startup::StartUp::begin(&config.database_url).await?;
    start_up.migrate().await?;
    PostgresStore::new(pool.clone())
        .migrate()
        .await
        .map_err(store::StoreError::from)?;
    if config.seed_demo {
        seed_demo(&pool).await?;
    }
    start_up.finish().await?;
    let bulk = store::imports::Admission::new(bulk, config.database.admission);
    let hashing = app::password::Hashing::new(config.sign_in.hashing_slots, config.sign_in.hashing_queue);
    Ok(AppState { leptos_options, pool, bulk, limits: config.limits, hashing })
}

/// Creates the demo account once, and says how to sign in to it.
async fn seed_demo(pool: &sqlx::PgPool) -> Result<(), StartError> {
    if store::seed::demo_account(pool).await?.is_none() {
        // On a thread of its own, which takes argon2's memory with it.
        let hash = std::thread::spawn(|| app::password::hash_password(store::seed::DEMO_PASSWORD))
            .join()
            .map_err(|_| StartError::Seed("hashing the demo password panicked".into()))?
            .map_err(|error| StartError::Seed(error.to_string()))?;
        let outcome = store::seed::seed_demo(pool, &hash).await?;
        tracing::info!(?outcome, "demo account created");
    }
    println!(
        "Demo login: {} / password {}",
        store::seed::DEMO_EMAIL,
        store::seed::DEMO_PASSWORD
    );
    Ok(())
}

/// Prepares everything and serves until the process is stopped.
pub async fn start(config: Config) -> Result<(), StartError> {
    let state = prepare(&config).await?;
    maintenance::spawn(state.bulk.pool().clone(), config.retention);
    let listener = listener::bind(config.address)
        .await
        .map_err(|source| StartError::Listen { address: config.address, source })?;
    println!("listening on http://{}", config.address);
    tokio::spawn(housekeeping::run(state.pool.clone()));
    // The socket's peer address is the client's (see `client`).
    let app = router(state, &config).into_make_service_with_connect_info::<std::net::SocketAddr>();
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown_signal())
        .await
        .map_err(|source| StartError::Listen { address: config.address, source })
}

async fn shutdown_signal() {
    // If installing the handler fails the server simply runs until killed.
    let _ = tokio::signal::ctrl_c().await;
}
