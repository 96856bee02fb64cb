//! Peak memory of a process, from `/proc/<pid>/status` (Linux).

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
