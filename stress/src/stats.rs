//! What the simulated users did: each request's kind, latency and outcome,
//! and the summary table.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// One request's outcome.
#[derive(Clone, Debug)]
pub struct Record {
    pub kind: &'static str,
    /// When it was sent, from the start of the run.
    pub at: Duration,
    pub took: Duration,
    /// `None` when it succeeded; else what went wrong.
    pub error: Option<String>,
}

/// Every request of a run, shared by the users.
#[derive(Clone)]
pub struct Recorder {
    started: Instant,
    records: Arc<Mutex<Vec<Record>>>,
}

impl Recorder {
    pub fn new() -> Recorder {
        Recorder { started: Instant::now(), records: Arc::new(Mutex::new(Vec::with_capacity(1 << 16))) }
    }

    pub fn started(&self) -> Instant {
        self.started
    }

    /// Records one request that began at `began`.
    pub fn record(&self, kind: &'static str, began: Instant, error: Option<String>) {
        let record = Record { kind, at: began.duration_since(self.started), took: began.elapsed(), error };
        if let Ok(mut records) = self.records.lock() {
            records.push(record);
        }
    }

    pub fn records(&self) -> Vec<Record> {
        self.records.lock().map(|records| records.clone()).unwrap_or_default()
    }
}

/// Latency figures of one kind of request.
pub struct Figures {
    pub count: usize,
    pub errors: usize,
    pub p50: Duration,
    pub p99: Duration,
    pub max: Duration,
}

pub fn figures(records: &[&Record]) -> Figures {
    let mut took: Vec<Duration> = records.iter().map(|record| record.took).collect();
    took.sort();
    let at = |quantile: f64| -> Duration {
        if took.is_empty() {
            return Duration::ZERO;
        }
        let index = ((took.len() as f64 * quantile).ceil() as usize).clamp(1, took.len()) - 1;
        took[index]
    };
    Figures {
        count: records.len(),
        errors: records.iter().filter(|record| record.error.is_some()).count(),
        p50: at(0.50),
        p99: at(0.99),
        max: took.last().copied().unwrap_or_default(),
    }
}

pub fn ms(duration: Duration) -> String {
    let ms = duration.as_secs_f64() * 1000.0;
    if ms >= 10_000.0 {
        format!("{:.1} s", ms / 1000.0)
    } else if ms >= 100.0 {
        format!("{ms:.0} ms")
    } else {
        format!("{ms:.1} ms")
    }
}

/// The table: one line per kind of request, then all of them.
pub fn table(records: &[Record], seconds: f64) -> String {
    let mut by_kind: BTreeMap<&str, Vec<&Record>> = BTreeMap::new();
    for record in records {
        by_kind.entry(record.kind).or_default().push(record);
    }
    let mut out = format!("{:<22} {:>8} {:>7} {:>10} {:>10} {:>10}\n", "request", "count", "errors", "p50", "p99", "max");
    for (kind, records) in &by_kind {
        let figures = figures(records);
        out.push_str(&format!(
            "{:<22} {:>8} {:>7} {:>10} {:>10} {:>10}\n",
            kind,
            figures.count,
            figures.errors,
            ms(figures.p50),
            ms(figures.p99),
            ms(figures.max)
        ));
    }
    let all: Vec<&Record> = records.iter().collect();
    let figures = figures(&all);
    out.push_str(&format!(
        "{:<22} {:>8} {:>7} {:>10} {:>10} {:>10}   ({:.0} requests/s)\n",
        "all",
        figures.count,
        figures.errors,
        ms(figures.p50),
        ms(figures.p99),
        ms(figures.max),
        figures.count as f64 / seconds.max(0.001)
    ));
    out
}

/// The first few distinct errors, with how often each happened.
pub fn error_lines(records: &[Record], limit: usize) -> Vec<String> {
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for record in records {
        if let Some(error) = &record.error {
            *counts.entry(format!("{}: {error}", record.kind)).or_default() += 1;
        }
    }
    let mut lines: Vec<(usize, String)> = counts.into_iter().map(|(line, count)| (count, line)).collect();
    lines.sort_by(|a, b| b.0.cmp(&a.0));
    lines.into_iter().take(limit).map(|(count, line)| format!("{count} × {line}")).collect()
}
