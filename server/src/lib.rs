//! The axum server around the leptos app: configuration ([`config`]), the
//! router with its middleware ([`router`]), and start-up ([`start`]: migrate,
//! seed the demo account, listen).
//!
//! [`router`] builds the whole app without a socket, so tests can drive it
//! with `tower::ServiceExt::oneshot`.

pub mod config;

use app::server_context::AppState;
use app::{shell, App};
use axum::Router;
use leptos::prelude::*;
use leptos_axum::{generate_route_list, LeptosRoutes};

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

/// The whole app as a router: pages, server functions, static files.
pub fn router(state: AppState) -> Router {
    let routes = generate_route_list(App);
    let options = state.leptos_options.clone();
    Router::new()
        .leptos_routes(&state, routes, move || shell(options.clone()))
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(shell))
        .with_state(state)
}

/// Connects to Postgres, applies the migrations, seeds the demo account when
/// asked to, and returns the state the router needs.
pub async fn prepare(config: &Config) -> Result<AppState, StartError> {
    let leptos_options = LeptosOptions::builder()
        .output_name("contacts")
        .site_root(config.site_root.as_str())
        .site_pkg_dir("pkg")
        .site_addr(config.address)
        .env(leptos::config::Env::PROD)
        .build();
    let pool = store::connect(&config.database_url, config.pool_size).await?;
    store::MIGRATOR.run(&pool).await.map_err(store::StoreError::from)?;
    if config.seed_demo {
        seed_demo(&pool).await?;
    }
    Ok(AppState { leptos_options, pool })
}

/// Creates the demo account once, and says how to sign in to it.
async fn seed_demo(pool: &sqlx::PgPool) -> Result<(), StartError> {
    if store::seed::demo_account(pool).await?.is_none() {
        let hash = app::password::hash_password(store::seed::DEMO_PASSWORD)
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
    let listener = tokio::net::TcpListener::bind(config.address)
        .await
        .map_err(|source| StartError::Listen { address: config.address, source })?;
    println!("listening on http://{}", config.address);
    axum::serve(listener, router(state).into_make_service())
        .with_graceful_shutdown(shutdown_signal())
        .await
        .map_err(|source| StartError::Listen { address: config.address, source })
}

async fn shutdown_signal() {
    // If installing the handler fails the server simply runs until killed.
    let _ = tokio::signal::ctrl_c().await;
}
