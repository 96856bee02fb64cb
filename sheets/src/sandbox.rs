//! Reading a file in a child process with resource limits, so that nothing
//! a file makes the reader do (allocate gigabytes, loop, crash) touches the
//! process that asked.
//!
//! Invariant: the asking process never parses the file. It starts the
//! child ([`Sandbox::read`]), writes the request and the file's bytes to
//! the child's stdin, and reads one compact answer (JSON) from its stdout.
//! The child ([`serve_child`]) caps its own address space and CPU time
//! (`setrlimit`) before it reads a byte of the request, reads the file
//! with [`read_rows`], keeping no row, and answers. The asker kills the
//! child past a wall-clock deadline. However the child ends, the asker
//! gets an answer: the child's own, or [`ReadError::ReaderStopped`] saying
//! whether memory, time or a crash stopped it. Only a child that cannot be
//! started (or contained) is the asker's own failure, [`SandboxError`].
//!
//! The child is any program that calls [`serve_child`] when given
//! [`CHILD_COMMAND`] as its first argument: the server runs itself again
//! (`std::env::current_exe()`), the tests run `sheets-read`.
//!
//! How the end is told apart (Linux): the address-space limit makes an
//! allocation fail, and Rust then aborts (SIGABRT), the only abort there
//! is in the child (panics unwind and calamine's are caught), or, while
//! the child takes in the file, reports it (a distinct exit code); the CPU
//! limit sends SIGXCPU (then SIGKILL a second later); the deadline is the
//! asker's own kill. Anything else (another signal, an unexpected exit
//! code, an answer that does not parse) is a crash.

use std::ffi::OsString;
use std::io::{self, Read, Write};
use std::ops::ControlFlow;
use std::os::unix::process::ExitStatusExt;
use std::path::PathBuf;
use std::process::{Command, ExitCode, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use crate::read::{read_rows, HeaderRow, ReadError, ReaderStop, RowSink, RowsRead};
use crate::sheet::{Limits, SheetRow};

/// The first argument that makes a program the reading child.
pub const CHILD_COMMAND: &str = "read-file";

/// The exit code of a child that could not set its limits (and so read
/// nothing).
const CANNOT_CONTAIN: u8 = 3;
/// The exit code of a child whose request did not arrive whole.
const BAD_REQUEST: u8 = 4;
/// The exit code of a child that could not hold the file itself (the
/// standard library reports that as an error, not an abort).
const NO_ROOM_FOR_FILE: u8 = 5;
/// Longest request header (file name, sheet, limits) accepted.
const MAX_HEADER_BYTES: u32 = 64 * 1024;
/// Longest answer read back (sheet names, headers): far above any real one.
const MAX_ANSWER_BYTES: u64 = 64 * 1024 * 1024;
/// How much of the child's stderr is kept for the log.
const MAX_STDERR_BYTES: u64 = 4 * 1024;
/// How often the asker looks whether the child has ended.
const POLL: Duration = Duration::from_millis(5);

/// What one read in the child may take.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ChildLimits {
    /// Address space the child may add to what it has when it starts
    /// (its own program, mapped, is not counted against the file).
    pub memory_bytes: u64,
    /// CPU time, in whole seconds.
    pub cpu_seconds: u64,
    /// Wall-clock time before the asker kills the child.
    pub wall: Duration,
}

impl ChildLimits {
    /// 1 GiB, 30 s of CPU, 60 s in all: a 25 MB workbook of 200,000 rows
    /// takes about 3 s and a few hundred megabytes.
    pub const DEFAULT: ChildLimits = ChildLimits {
        memory_bytes: 1024 * 1024 * 1024,
        cpu_seconds: 30,
        wall: Duration::from_secs(60),
    };
}

impl Default for ChildLimits {
    fn default() -> Self {
        ChildLimits::DEFAULT
    }
}

/// Why the sandbox could not read a file at all (the asker's failure, not
/// the file's).
#[derive(Debug, thiserror::Error)]
pub enum SandboxError {
    /// The child process could not be started.
    #[error("the reading process could not be started: {0}")]
    Start(#[source] io::Error),
    /// The child could not set its limits, so it read nothing.
    #[error("the reading process could not limit itself")]
    CannotContain,
    /// Waiting for the child failed.
    #[error("the reading process could not be watched: {0}")]
    Wait(#[source] io::Error),
}

/// What the child answered: what it read, or why it could not (its own
/// refusal, or [`ReadError::ReaderStopped`]), and what it wrote to stderr
/// (for the log: why it stopped, in the runtime's words).
#[derive(Debug)]
pub struct ChildAnswer {
    pub answer: Result<RowsRead, ReadError>,
    pub stderr: String,
}

/// The request the child reads from stdin, before the file's bytes.
#[derive(Serialize, Deserialize)]
struct Request {
    file_name: String,
    sheet: Option<String>,
    header: HeaderRow,
    limits: Limits,
}

/// How to start the reading child, and what it may take.
#[derive(Clone, Debug)]
pub struct Sandbox {
    program: PathBuf,
    limits: ChildLimits,
}

impl Sandbox {
    /// Runs `program CHILD_COMMAND …` for each read.
    pub fn new(program: impl Into<PathBuf>, limits: ChildLimits) -> Sandbox {
        Sandbox {
            program: program.into(),
            limits,
        }
    }

    /// What each read may take.
    pub fn limits(&self) -> ChildLimits {
        self.limits
    }

    /// Reads `bytes` as [`read_rows`] would (`sheet`, `header`, `limits`),
    /// in a child process; no row is kept, the answer says what was read.
    /// Blocks until the child ends (at most the wall-clock limit, and the
    /// time to write the file to it).
    pub fn read(
        &self,
        bytes: &[u8],
        file_name: &str,
        sheet: Option<&str>,
        header: HeaderRow,
        limits: &Limits,
    ) -> Result<ChildAnswer, SandboxError> {
        let request = Request {
            file_name: file_name.to_string(),
            sheet: sheet.map(str::to_string),
            header,
            limits: *limits,
        };
        // A struct of strings and numbers always serialises.
        let header_json = serde_json::to_vec(&request).unwrap_or_default();
        let mut child = Command::new(&self.program)
            .arg(CHILD_COMMAND)
            .arg(self.limits.memory_bytes.to_string())
            .arg(self.limits.cpu_seconds.to_string())
            .env_clear()
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(SandboxError::Start)?;
        let (Some(mut stdin), Some(stdout), Some(stderr)) =
            (child.stdin.take(), child.stdout.take(), child.stderr.take())
        else {
            let _ = child.kill();
            let _ = child.wait();
            return Err(SandboxError::Start(io::Error::other("no pipes")));
        };
        let deadline = Instant::now() + self.limits.wall;
        let (ended, answer, log) = std::thread::scope(|scope| {
            scope.spawn(move || {
                // The child may end before it has read everything (a file
                // it refuses early, a crash): a broken pipe is no error.
                let length = u32::try_from(header_json.len()).unwrap_or(u32::MAX);
                let _ = stdin
                    .write_all(&length.to_le_bytes())
                    .and_then(|()| stdin.write_all(&header_json))
                    .and_then(|()| stdin.write_all(bytes));
            });
            let answer = scope.spawn(move || read_capped(stdout, MAX_ANSWER_BYTES));
            let log = scope.spawn(move || read_capped(stderr, MAX_STDERR_BYTES));
            let ended = wait_until(&mut child, deadline);
            (ended, answer.join(), log.join())
        });
        let ended = ended.map_err(SandboxError::Wait)?;
        let log = log.ok().and_then(Result::ok).unwrap_or_default();
        let answer = answer.ok().and_then(Result::ok).unwrap_or_default();
        let stderr = String::from_utf8_lossy(&log).trim().to_string();
        let stopped = |cause: ReaderStop| {
            Ok(ChildAnswer {
                answer: Err(ReadError::ReaderStopped { cause }),
                stderr: format!("{ended:?}: {stderr}"),
            })
        };
        match ended {
            Ended::OutOfTime => stopped(ReaderStop::Time),
            Ended::Exited(status) => match (status.code(), status.signal()) {
                (Some(0), _) => match serde_json::from_slice(&answer) {
                    Ok(answer) => Ok(ChildAnswer {
                        answer,
                        stderr: stderr.clone(),
                    }),
                    Err(_) => stopped(ReaderStop::Crash),
                },
                (Some(code), _) if code == i32::from(CANNOT_CONTAIN) => {
                    Err(SandboxError::CannotContain)
                }
                (Some(code), _) if code == i32::from(NO_ROOM_FOR_FILE) => {
                    stopped(ReaderStop::Memory)
                }
                (_, Some(SIGABRT)) => stopped(ReaderStop::Memory),
                (_, Some(SIGXCPU | SIGKILL)) => stopped(ReaderStop::Time),
                _ => stopped(ReaderStop::Crash),
            },
        }
    }
}

const SIGABRT: i32 = 6;
const SIGKILL: i32 = 9;
const SIGXCPU: i32 = 24;

/// How the child ended.
#[derive(Debug)]
enum Ended {
    Exited(ExitStatus),
    /// Killed at the deadline.
    OutOfTime,
}

/// Waits for `child` to end, killing it at `deadline`.
fn wait_until(child: &mut std::process::Child, deadline: Instant) -> io::Result<Ended> {
    loop {
        if let Some(status) = child.try_wait()? {
            return Ok(Ended::Exited(status));
        }
        if Instant::now() >= deadline {
            // Not yet reaped, so the id is still this child's.
            let _ = child.kill();
            child.wait()?;
            return Ok(Ended::OutOfTime);
        }
        std::thread::sleep(POLL);
    }
}

/// Everything `from` yields, keeping at most `max` bytes (the rest is
/// drained, so the child never blocks writing).
fn read_capped(mut from: impl Read, max: u64) -> io::Result<Vec<u8>> {
    let mut kept = Vec::new();
    (&mut from).take(max).read_to_end(&mut kept)?;
    io::copy(&mut from, &mut io::sink())?;
    Ok(kept)
}

/// The child's side: call it from `main` when the first argument is
/// [`CHILD_COMMAND`], with the arguments after it (memory bytes, CPU
/// seconds). Sets the limits, then reads the request and the file from
/// stdin and writes the answer to stdout.
pub fn serve_child(args: impl IntoIterator<Item = OsString>) -> ExitCode {
    let mut args = args.into_iter();
    let number = |arg: Option<OsString>| arg.and_then(|arg| arg.to_str()?.parse::<u64>().ok());
    let (Some(memory), Some(cpu)) = (number(args.next()), number(args.next())) else {
        return ExitCode::from(CANNOT_CONTAIN);
    };
    if limit_self(memory, cpu).is_err() {
        return ExitCode::from(CANNOT_CONTAIN);
    }
    let mut stdin = io::stdin().lock();
    let (request, bytes) = match read_request(&mut stdin) {
        Ok(request) => request,
        Err(error) if error.kind() == io::ErrorKind::OutOfMemory => {
            return ExitCode::from(NO_ROOM_FOR_FILE)
        }
        Err(_) => return ExitCode::from(BAD_REQUEST),
    };
    let answer = read_rows(
        &bytes,
        &request.file_name,
        request.sheet.as_deref(),
        request.header,
        &request.limits,
        &mut Counting,
    );
    drop(bytes);
    let Ok(json) = serde_json::to_vec(&answer) else {
        return ExitCode::FAILURE;
    };
    let mut stdout = io::stdout().lock();
    match stdout.write_all(&json).and_then(|()| stdout.flush()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(_) => ExitCode::FAILURE,
    }
}

/// Caps this process's address space at what it has now plus `memory`
/// bytes, and its CPU time at `cpu` seconds (SIGXCPU; SIGKILL a second
/// later).
fn limit_self(memory: u64, cpu: u64) -> io::Result<()> {
    let now = current_address_space().unwrap_or(0);
    let memory = now.saturating_add(memory);
    rlimit::setrlimit(rlimit::Resource::AS, memory, memory)?;
    rlimit::setrlimit(rlimit::Resource::CPU, cpu, cpu.saturating_add(1))?;
    Ok(())
}

/// This process's address space now (Linux: `VmSize` in
/// `/proc/self/status`), in bytes.
fn current_address_space() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|line| line.starts_with("VmSize:"))?;
    let kilobytes: u64 = line
        .trim_start_matches("VmSize:")
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()?;
    Some(kilobytes * 1024)
}

/// The request header and the file's bytes (at most one byte over the
/// file limit: enough for the reader to say the file is too large).
fn read_request(stdin: &mut impl Read) -> io::Result<(Request, Vec<u8>)> {
    let mut length = [0u8; 4];
    stdin.read_exact(&mut length)?;
    let length = u32::from_le_bytes(length);
    if length > MAX_HEADER_BYTES {
        return Err(io::Error::other("request header too long"));
    }
    let mut header = vec![0u8; length as usize];
    stdin.read_exact(&mut header)?;
    let request: Request = serde_json::from_slice(&header)?;
    let mut bytes = Vec::new();
    stdin
        .take(request.limits.max_file_bytes.saturating_add(1))
        .read_to_end(&mut bytes)?;
    Ok((request, bytes))
}

/// A sink that keeps no row: the answer's counts are all the asker needs.
struct Counting;

impl RowSink for Counting {
    fn row(&mut self, _row: SheetRow) -> ControlFlow<()> {
        ControlFlow::Continue(())
    }
}
