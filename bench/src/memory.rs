//! Peak memory and CPU time of a process, from `/proc` (Linux).

/// A `kB` line of `/proc/<pid>/status` (e.g. `VmHWM`, `VmRSS`), in bytes.
pub fn status_kb(pid: &str, key: &str) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status.lines().find_map(|line| {
        let rest = line.strip_prefix(key)?.strip_prefix(':')?;
        let kb: u64 = rest.trim().trim_end_matches("kB").trim().parse().ok()?;
        Some(kb * 1024)
    })
}

/// This process's resident memory now, in bytes.
pub fn rss() -> u64 {
    status_kb("self", "VmRSS").unwrap_or(0)
}

/// This process's peak resident memory since start or the last
/// [`reset_peak`], in bytes.
pub fn peak() -> u64 {
    status_kb("self", "VmHWM").unwrap_or(0)
}

/// Resets the peak to the current resident size (`5` into `clear_refs`,
/// Linux 4.0+), so a phase's own peak can be read after it.
pub fn reset_peak() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

/// CPU time this process has used (user + system), in seconds: with the
/// wall time it tells how much of a phase ran here rather than in Postgres.
pub fn cpu_seconds() -> f64 {
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else { return 0.0 };
    // Fields after the command name (which is in parentheses): utime and
    // stime are the 12th and 13th of them, in clock ticks (100 per second
    // on Linux).
    let Some((_, rest)) = stat.rsplit_once(')') else { return 0.0 };
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |index: usize| fields.get(index).and_then(|field| field.parse::<f64>().ok()).unwrap_or(0.0);
    (ticks(11) + ticks(12)) / 100.0
}
