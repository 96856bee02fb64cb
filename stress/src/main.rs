//! `stress`: what scripts/load, scripts/faults and scripts/servers run
//! against release servers over loopback.
//!
//! ```text
//! stress load     --address 127.0.0.1:PORT --database-url URL [--seconds 60] [--smoke] …
//! stress fairness --address 127.0.0.1:PORT --database-url URL [--rows 100000] [--smoke] …
//! stress faults   --server-bin PATH --site-root PATH --database-url URL --port PORT
//!                 [--restart-postgres 'COMMAND'] [--smoke] [--only kill|restart] …
//! stress servers  --server-bin PATH --site-root PATH --database-url URL --ports PORT,PORT
//!                 [--rows 3000] [--log PATH]
//! ```
//!
//! `--smoke` makes a short version for scripts/test. Other settings
//! (`--seconds`, `--browsers`, `--importers`, `--rows`, …) are read in the
//! `*_settings` functions below.
//!
//! Each prints a summary and exits non-zero when something failed.

mod data;
mod fairness;
mod faults;
mod flow;
mod http;
mod load;
mod server;
mod servers;
mod stats;

use std::collections::HashMap;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

/// `--name value` pairs and `--flag`s.
struct Args {
    values: HashMap<String, String>,
}

impl Args {
    fn parse(args: &[String]) -> Result<Args, String> {
        let mut values = HashMap::new();
        let mut iter = args.iter().peekable();
        while let Some(arg) = iter.next() {
            let name = arg.strip_prefix("--").ok_or_else(|| format!("unexpected argument {arg:?}"))?;
            let value = match iter.peek() {
                Some(next) if !next.starts_with("--") => iter.next().cloned().unwrap_or_default(),
                _ => String::from("true"),
            };
            values.insert(name.to_string(), value);
        }
        Ok(Args { values })
    }

    fn flag(&self, name: &str) -> bool {
        self.values.contains_key(name)
    }

    fn text(&self, name: &str) -> Result<String, String> {
        self.values.get(name).cloned().ok_or_else(|| format!("--{name} is required"))
    }

    fn number<T: std::str::FromStr>(&self, name: &str, default: T) -> Result<T, String> {
        match self.values.get(name) {
            Some(value) => value.parse().map_err(|_| format!("--{name} {value:?} is not a number")),
            None => Ok(default),
        }
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(command) = args.first().cloned() else {
        eprintln!("usage: stress load|fairness|faults|servers …");
        return ExitCode::from(2);
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("could not start the runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    let result = Args::parse(&args[1..]).and_then(|args| {
        runtime.block_on(async move {
            match command.as_str() {
                "load" => load::run(load_settings(&args)?).await,
                "fairness" => fairness::run(fairness_settings(&args)?).await,
                "servers" => servers::run(servers_settings(&args)?).await,
                "faults" => {
                    let only = args.values.get("only").cloned().unwrap_or_default();
                    let (kill, restart) = match only.as_str() {
                        "" => (true, true),
                        "kill" => (true, false),
                        "restart" => (false, true),
                        other => return Err(format!("--only {other:?}: use kill or restart")),
                    };
                    let settings = fault_settings(&args)?;
                    if restart && settings.restart_postgres.is_none() {
                        return Err("the Postgres restart fault needs --restart-postgres 'COMMAND' (or --only kill)".into());
                    }
                    faults::run(settings, kill, restart).await
                }
                other => Err(format!("unknown command {other:?}: use load, fairness, faults or servers")),
            }
        })
    });
    match result {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(error) => {
            eprintln!("Error: {error}");
            ExitCode::FAILURE
        }
    }
}

fn load_settings(args: &Args) -> Result<load::Settings, String> {
    let smoke = args.flag("smoke");
    let address = args.text("address")?.parse().map_err(|_| "--address is not an address like 127.0.0.1:3000".to_string())?;
    Ok(load::Settings {
        address,
        database_url: args.text("database-url")?,
        seconds: args.number("seconds", if smoke { 10 } else { 60 })?,
        browsers: args.number("browsers", if smoke { 10 } else { 50 })?,
        importers: args.number("importers", if smoke { 2 } else { 5 })?,
        accounts: args.number("accounts", if smoke { 2 } else { 5 })?,
        rows: args.number("rows", if smoke { 1_500 } else { 3_000 })?,
        seed_rows: args.number("seed-rows", if smoke { 500 } else { 2_000 })?,
        chunk: args.number("chunk", 1_000)?,
        think: Duration::from_millis(args.number("think-ms", 200)?),
    })
}

fn fairness_settings(args: &Args) -> Result<fairness::Settings, String> {
    let smoke = args.flag("smoke");
    let address = args.text("address")?.parse().map_err(|_| "--address is not an address like 127.0.0.1:3000".to_string())?;
    Ok(fairness::Settings {
        address,
        database_url: args.text("database-url")?,
        rows: args.number("rows", if smoke { 20_000 } else { 100_000 })?,
        existing: args.number("existing", if smoke { 4_000 } else { 20_000 })?,
        browsed: args.number("browsed", if smoke { 1_000 } else { 5_000 })?,
        repeats: args.number("repeats", 12)?,
        browsers: args.number("browsers", 2)?,
        every: Duration::from_millis(args.number("every-ms", 100)?),
        idle: Duration::from_secs(args.number("idle", if smoke { 3 } else { 10 })?),
    })
}

fn servers_settings(args: &Args) -> Result<servers::Settings, String> {
    let ports = args.text("ports")?;
    let ports: Vec<u16> = ports.split(',').map(str::parse).collect::<Result<_, _>>().map_err(|_| format!("--ports {ports:?} is not two port numbers like 3101,3102"))?;
    let ports: [u16; 2] = ports.try_into().map_err(|_| "--ports needs exactly two port numbers".to_string())?;
    Ok(servers::Settings {
        server_bin: PathBuf::from(args.text("server-bin")?),
        site_root: PathBuf::from(args.text("site-root")?),
        database_url: args.text("database-url")?,
        ports,
        rows: args.number("rows", 3_000)?,
        log: PathBuf::from(args.values.get("log").cloned().unwrap_or_else(|| "stress-server.log".into())),
    })
}

fn fault_settings(args: &Args) -> Result<faults::Settings, String> {
    let smoke = args.flag("smoke");
    Ok(faults::Settings {
        server_bin: PathBuf::from(args.text("server-bin")?),
        site_root: PathBuf::from(args.text("site-root")?),
        database_url: args.text("database-url")?,
        port: args.text("port")?.parse().map_err(|_| "--port is not a port number".to_string())?,
        rows: args.number("rows", if smoke { 20_000 } else { 100_000 })?,
        existing: args.number("existing", if smoke { 5_000 } else { 20_000 })?,
        restart_postgres: args.values.get("restart-postgres").cloned(),
        // The smoke version kills the server once, while it writes the
        // contacts; the full one at each of the merge's three stages.
        all_kill_points: !smoke,
        users: args.number("users", if smoke { 10 } else { 20 })?,
        before: Duration::from_secs(args.number("before", if smoke { 3 } else { 5 })?),
        after: Duration::from_secs(args.number("after", if smoke { 12 } else { 20 })?),
        log: PathBuf::from(args.values.get("log").cloned().unwrap_or_else(|| "stress-server.log".into())),
    })
}
