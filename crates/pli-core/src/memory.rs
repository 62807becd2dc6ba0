//! The process's own memory, as the benchmarks and the window's first-frame probe report it.

/// `VmHWM`: the most resident memory this process has had, in KiB. Linux only (`/proc`);
/// `None` elsewhere or when the line cannot be read.
pub fn peak_resident_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|value| value.trim().trim_end_matches("kB").trim().parse().ok())
}

#[cfg(test)]
mod tests {
    #[test]
    #[cfg(target_os = "linux")]
    fn the_peak_is_read_on_linux() {
        let peak = super::peak_resident_kib().unwrap();
        assert!(peak > 0);
    }
}
