//! The server binary, started (and killed) by a test: its process, its
//! address, and the wait until it listens.
//!
//! Invariant: a [`Server`] dropped is killed and reaped, so no test leaves
//! a server running.

use std::io::{Read, Seek};
use std::net::SocketAddr;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// How to start one server.
pub struct Launch<'a> {
    pub server_bin: &'a Path,
    pub site_root: &'a Path,
    pub database_url: &'a str,
    pub port: u16,
    /// Where its output goes (appended).
    pub log: &'a Path,
    /// Further environment variables.
    pub env: &'a [(&'a str, &'a str)],
}

/// A running server.
pub struct Server {
    child: Child,
    pub address: SocketAddr,
}

/// A server started, not yet listening.
pub struct Starting {
    server: Server,
    started: Instant,
    log: std::path::PathBuf,
    /// The log's length before this start: what came before is another run's.
    marker: u64,
}

impl Server {
    /// Starts a server and waits until it listens; returns it and how long
    /// that took.
    pub fn start(launch: &Launch) -> Result<(Server, Duration), String> {
        Server::spawn(launch)?.ready()
    }

    /// Starts a server without waiting for it (to start several at once).
    pub fn spawn(launch: &Launch) -> Result<Starting, String> {
        let started = Instant::now();
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(launch.log)
            .map_err(|error| format!("opening {}: {error}", launch.log.display()))?;
        let marker = std::fs::metadata(launch.log).map(|meta| meta.len()).unwrap_or(0);
        let address = SocketAddr::from(([127, 0, 0, 1], launch.port));
        let mut command = Command::new(launch.server_bin);
        command
            .env("DATABASE_URL", launch.database_url)
            .env("LEPTOS_SITE_ADDR", address.to_string())
            .env("LEPTOS_SITE_ROOT", launch.site_root)
            .env_remove("SEED_DEMO")
            .env_remove("PORT");
        for (name, value) in launch.env {
            command.env(name, value);
        }
        let child = command
            .stdin(Stdio::null())
            .stdout(log.try_clone().map_err(|error| error.to_string())?)
            .stderr(log)
            .spawn()
            .map_err(|error| format!("starting {}: {error}", launch.server_bin.display()))?;
        Ok(Starting { server: Server { child, address }, started, log: launch.log.to_path_buf(), marker })
    }

    /// `kill -9`, then reaps the process. Both fail only when it has already
    /// exited and been reaped, which is the state wanted anyway.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    pub fn is_running(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }
}

impl Starting {
    /// Waits (up to a minute) until the server says it listens.
    pub fn ready(mut self) -> Result<(Server, Duration), String> {
        loop {
            let mut text = String::new();
            // A log that cannot be read yet is read again on the next turn;
            // the time limit below ends the wait.
            if let Ok(mut file) = std::fs::File::open(&self.log) {
                let _ = file.seek(std::io::SeekFrom::Start(self.marker));
                let _ = file.read_to_string(&mut text);
            }
            if text.contains(&format!("listening on http://{}", self.server.address)) {
                return Ok((self.server, self.started.elapsed()));
            }
            if let Ok(Some(status)) = self.server.child.try_wait() {
                return Err(format!("the server exited during start-up ({status}); see {}", self.log.display()));
            }
            if self.started.elapsed() > Duration::from_secs(60) {
                self.server.kill();
                return Err("the server did not start listening within 60 s".into());
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill();
    }
}
