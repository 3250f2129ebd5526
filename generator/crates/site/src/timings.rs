//! Time and peak memory of each stage of a build, printed when `RESPI_TIMINGS` is set.

use std::time::Instant;

/// Time spent in each stage, printed when `RESPI_TIMINGS` is set: where a slow build spends it.
pub(crate) struct Timings {
    enabled: bool,
    last: Instant,
}

impl Timings {
    pub(crate) fn new() -> Self {
        Timings {
            enabled: std::env::var_os("RESPI_TIMINGS").is_some(),
            last: Instant::now(),
        }
    }

    pub(crate) fn lap(&mut self, stage: &str) {
        if self.enabled {
            eprintln!(
                "  {stage:<12} {:>6} ms  {:>6} MB peak",
                self.last.elapsed().as_millis(),
                peak_memory_mb()
            );
        }
        self.last = Instant::now();
    }
}

/// The process's peak resident set so far, in MB (0 where /proc is not available).
fn peak_memory_mb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        })
        .map_or(0, |kb| kb / 1024)
}
