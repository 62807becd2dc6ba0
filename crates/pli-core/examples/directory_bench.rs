//! Benchmark of the directory: import, index size, memory and search latency on a generated
//! extraction, beside a full scan of the same file with `grep`.
//!
//! ```sh
//! cargo run --release -p pli-core --example directory_bench               # 1,000,000 rows
//! cargo run --release -p pli-core --example directory_bench -- 200000     # fewer rows
//! cargo run --release -p pli-core --example directory_bench -- 1000000 /some/folder   # keep the files there
//! ```
//!
//! The scan baseline runs `grep -i -c -F <word> <file>` as a subprocess for every 50th query
//! (20 of the 1,000), with the query's longest word as the pattern: a scan reads the whole file
//! whatever the pattern, so its mean time is the cost per query of searching without an index.

use std::fs;
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use pli_core::directory::fixture::{queries, Fixture, FixtureOptions};
use pli_core::directory::{Directory, Query, Stage};

const QUERIES: usize = 1_000;
const SCAN_SAMPLE_EVERY: usize = 50;
const SEED: u64 = 42;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let rows: u64 = args
        .next()
        .map(|a| a.parse())
        .transpose()?
        .unwrap_or(1_000_000);
    let scratch;
    let folder: PathBuf = match args.next() {
        Some(folder) => {
            fs::create_dir_all(&folder)?;
            PathBuf::from(folder)
        }
        None => {
            scratch = tempfile::tempdir()?;
            scratch.path().to_path_buf()
        }
    };

    let file = folder.join("Extraction_Correspondance_MSSante_202501010000.txt");
    let started = Instant::now();
    let written = Fixture::new(FixtureOptions {
        rows,
        seed: SEED,
        ..FixtureOptions::default()
    })
    .write_file(&file)?;
    let generation = started.elapsed();
    println!(
        "fixture      {} rows ({} repeat an address), {:.0} MiB, written in {:.2} s (peak {} MiB)",
        written.rows,
        written.duplicate_rows,
        mib(written.bytes),
        generation.as_secs_f64(),
        peak_memory_kib()? / 1024,
    );
    // From here on the peak is the import's and the searches', not the generator's.
    reset_peak_memory();

    let catalog = folder.join("directory.sqlite");
    let directory = Directory::open(&catalog)?;
    let load_before = load_average();
    let cpu_before = cpu_seconds()?;
    let started = Instant::now();
    let mut stages: Vec<(Stage, Instant)> = Vec::new();
    let mut clock = ThreadClock;
    let main_before = clock.now()?;
    // CPU time of the writing (this) thread when the reading stage ended, and of the reading
    // thread, as last seen before it ended.
    let (mut main_reading, mut reader) = (Duration::ZERO, Duration::ZERO);
    let report = directory.import_file(&file, |progress| {
        if progress.stage == Stage::Reading {
            main_reading = clock.now().unwrap_or_default() - main_before;
            // The reading thread may be gone before the last batches are written: keep the
            // most seen.
            reader = reader.max(other_threads_cpu().unwrap_or_default());
        }
        if stages
            .last()
            .is_none_or(|(stage, _)| *stage != progress.stage)
        {
            stages.push((progress.stage, Instant::now()));
        }
        ControlFlow::Continue(())
    })?;
    let import = started.elapsed();
    let import_cpu = cpu_seconds()? - cpu_before;
    let main_total = clock.now()? - main_before;
    // On two idle cores the reading stage lasts as long as the busier of its two threads, the
    // rest as long as the writing thread.
    let idle_estimate = main_reading.max(reader) + (main_total - main_reading);
    let ends = stages
        .iter()
        .skip(1)
        .map(|(_, at)| *at)
        .chain([started + import]);
    let timings: Vec<String> = stages
        .iter()
        .zip(ends)
        .map(|((stage, from), to)| format!("{stage:?} {:.2} s", (to - *from).as_secs_f64()))
        .collect();
    println!(
        "import       {:.2} s: {} rows, {} mailboxes, {} rows merged, {} skipped",
        import.as_secs_f64(),
        report.rows,
        report.entries,
        report.merged_rows,
        report.skipped_rows
    );
    println!("             {}", timings.join(", "));
    println!(
        "             {import_cpu:.2} s of CPU over all threads; machine load {load_before} before, {} after",
        load_average()
    );
    println!(
        "             CPU on the critical path (reading {:.2} s | writing {:.2} s, then {:.2} s): \
         {:.2} s, the wall time on two idle cores",
        reader.as_secs_f64(),
        main_reading.as_secs_f64(),
        (main_total - main_reading).as_secs_f64(),
        idle_estimate.as_secs_f64()
    );
    let size = index_size(&catalog)?;
    println!("index        {:.0} MiB on disk", mib(size));

    let queries = queries(SEED, QUERIES);
    let parsed: Vec<Query> = queries.iter().map(|q| Query::parse(q)).collect();
    // First pass: the page cache is as the import left it. Second pass: steady state, as when
    // the user types in a directory the application has been using.
    let cold = run(&directory, &parsed)?;
    let warm = run(&directory, &parsed)?;
    let peak = peak_memory_kib()?;

    let load_queries = load_average();
    let scan = scan(&file, &queries)?;
    let indexed_mean = mean(&warm.wall);

    for (name, latencies) in [("cold", &cold), ("warm", &warm)] {
        println!(
            "search {name}  wall p50 {:>7.3} ms  p99 {:>7.3} ms  max {:>7.3} ms | on CPU p50 {:>7.3} ms  p99 {:>7.3} ms",
            ms(percentile(&latencies.wall, 0.50)),
            ms(percentile(&latencies.wall, 0.99)),
            ms(percentile(&latencies.wall, 1.0)),
            ms(percentile(&latencies.cpu, 0.50)),
            ms(percentile(&latencies.cpu, 0.99)),
        );
    }
    println!(
        "             mean {:.3} ms, {:.1} hits per query; machine load {load_queries}",
        ms(indexed_mean),
        warm.hits as f64 / QUERIES as f64
    );
    println!(
        "grep scan    mean {:.1} ms per query ({} queries sampled)",
        ms(scan),
        QUERIES.div_ceil(SCAN_SAMPLE_EVERY)
    );
    let speedup = scan.as_secs_f64() / indexed_mean.as_secs_f64();
    let speedup_p99 = scan.as_secs_f64() / percentile(&warm.wall, 0.99).as_secs_f64();
    println!();
    println!("                      measured      target");
    check(
        "import",
        format!("{:.2} s", import.as_secs_f64()),
        "<= 10 s",
        import.as_secs_f64() <= 10.0,
    );
    check(
        "search p99 (warm)",
        format!("{:.3} ms", ms(percentile(&warm.wall, 0.99))),
        "<= 5 ms",
        percentile(&warm.wall, 0.99) <= Duration::from_millis(5),
    );
    check(
        "faster than grep",
        format!("{speedup:.0}x (p99: {speedup_p99:.0}x)"),
        ">= 100x",
        speedup >= 100.0,
    );
    check(
        "peak memory",
        format!("{} MiB", peak / 1024),
        "<= 250 MiB",
        peak <= 250 * 1024,
    );
    println!("index size            {:.0} MiB", mib(size));

    println!();
    println!("the costliest queries, warm, on CPU:");
    for (cpu, index) in &warm.slowest {
        println!(
            "  {:<40} {:>7.3} ms",
            format!("{:?}", queries[*index]),
            ms(*cpu)
        );
    }
    println!();
    println!("a few queries, warm:");
    for (text, query) in queries.iter().zip(&parsed).step_by(97) {
        let started = Instant::now();
        let found = directory.search(query)?;
        let took = started.elapsed();
        let first = found
            .first()
            .map(|hit| format!("{} <{}>", hit.entry.display_name(), hit.entry.address))
            .unwrap_or_default();
        println!(
            "  {:<32} {:>3} hits {:>7.3} ms  {}",
            format!("{text:?}"),
            found.len(),
            ms(took),
            first
        );
    }
    Ok(())
}

/// Latencies of every query, sorted: wall time, and time on the CPU (which the other jobs on a
/// shared machine do not inflate).
struct Latencies {
    wall: Vec<Duration>,
    cpu: Vec<Duration>,
    hits: usize,
    /// The costliest queries on the CPU: time and index in the list.
    slowest: Vec<(Duration, usize)>,
}

fn run(directory: &Directory, queries: &[Query]) -> Result<Latencies, Box<dyn std::error::Error>> {
    let mut clock = ThreadClock;
    let mut latencies = Latencies {
        wall: Vec::with_capacity(queries.len()),
        cpu: Vec::with_capacity(queries.len()),
        hits: 0,
        slowest: Vec::new(),
    };
    for query in queries {
        let cpu = clock.now()?;
        let started = Instant::now();
        latencies.hits += directory.search(query)?.len();
        latencies.wall.push(started.elapsed());
        latencies.cpu.push(clock.now()? - cpu);
    }
    latencies.slowest = latencies.cpu.iter().copied().zip(0..).collect();
    latencies.slowest.sort_by(|a, b| b.cmp(a));
    latencies.slowest.truncate(5);
    latencies.wall.sort();
    latencies.cpu.sort();
    Ok(latencies)
}

/// The time this thread has spent on a CPU, which the other jobs of a shared machine do not
/// inflate (`clock_gettime(CLOCK_THREAD_CPUTIME_ID)`, Linux).
struct ThreadClock;

#[repr(C)]
struct Timespec {
    seconds: i64,
    nanoseconds: i64,
}

extern "C" {
    fn clock_gettime(clock: i32, time: *mut Timespec) -> i32;
}

impl ThreadClock {
    const THREAD_CPUTIME: i32 = 3;

    fn now(&mut self) -> Result<Duration, Box<dyn std::error::Error>> {
        let mut time = Timespec {
            seconds: 0,
            nanoseconds: 0,
        };
        // SAFETY: `time` is a valid, writable timespec for the call's duration.
        if unsafe { clock_gettime(Self::THREAD_CPUTIME, &mut time) } != 0 {
            return Err(std::io::Error::last_os_error().into());
        }
        Ok(Duration::new(time.seconds as u64, time.nanoseconds as u32))
    }
}

/// Mean wall time of `grep -i -c -F` over the whole file, for a sample of the queries.
fn scan(file: &Path, queries: &[String]) -> Result<Duration, Box<dyn std::error::Error>> {
    let mut total = Duration::ZERO;
    let mut count = 0u32;
    for query in queries.iter().step_by(SCAN_SAMPLE_EVERY) {
        let word = query
            .split_whitespace()
            .max_by_key(|word| word.len())
            .unwrap_or(query);
        let started = Instant::now();
        let output = Command::new("grep")
            .args(["-i", "-c", "-F", "--", word])
            .arg(file)
            .output()?;
        total += started.elapsed();
        count += 1;
        // grep exits with 1 when nothing matches; only 2 is an error.
        if output.status.code() == Some(2) {
            return Err(String::from_utf8_lossy(&output.stderr).into_owned().into());
        }
    }
    Ok(total / count.max(1))
}

fn check(what: &str, measured: String, target: &str, met: bool) {
    let verdict = if met { "met" } else { "MISSED" };
    println!("{what:<21} {measured:<13} {target:<11} {verdict}");
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let rank = ((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len());
    sorted[rank - 1]
}

fn mean(times: &[Duration]) -> Duration {
    times.iter().sum::<Duration>() / times.len().max(1) as u32
}

fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1_000.0
}

fn mib(bytes: u64) -> f64 {
    bytes as f64 / (1024.0 * 1024.0)
}

/// The catalog and the generation files: everything the directory keeps on disk.
fn index_size(catalog: &Path) -> std::io::Result<u64> {
    let name = catalog
        .file_name()
        .unwrap_or_default()
        .to_string_lossy()
        .into_owned();
    let mut total = 0;
    for file in fs::read_dir(catalog.parent().unwrap_or(Path::new(".")))? {
        let file = file?;
        if file.file_name().to_string_lossy().starts_with(&name) {
            total += file.metadata()?.len();
        }
    }
    Ok(total)
}

/// User and system CPU time of this process so far, all threads (`/proc/self/stat`, in clock
/// ticks of 1/100 s on Linux).
fn cpu_seconds() -> Result<f64, Box<dyn std::error::Error>> {
    let stat = fs::read_to_string("/proc/self/stat")?;
    // Fields after the command name, which is in parentheses and may hold spaces.
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .map_or("", |(_, rest)| rest)
        .split_whitespace()
        .collect();
    let ticks = |i: usize| -> Result<f64, Box<dyn std::error::Error>> {
        Ok(fields
            .get(i)
            .ok_or("short /proc/self/stat")?
            .parse::<f64>()?)
    };
    // utime and stime are fields 14 and 15 of the line, 12 and 13 after the name.
    Ok((ticks(11)? + ticks(12)?) / 100.0)
}

/// CPU time of the threads of this process other than the calling one: during an import, the
/// reading thread (and the sorter's helper, later).
fn other_threads_cpu() -> Result<Duration, Box<dyn std::error::Error>> {
    let own = fs::read_link("/proc/thread-self")?;
    let own = own.file_name().ok_or("no thread id")?.to_owned();
    let mut ticks = 0.0;
    for task in fs::read_dir("/proc/self/task")? {
        let task = task?;
        if task.file_name() == own {
            continue;
        }
        let stat = fs::read_to_string(task.path().join("stat"))?;
        let fields: Vec<&str> = stat
            .rsplit_once(')')
            .map_or("", |(_, rest)| rest)
            .split_whitespace()
            .collect();
        for i in [11, 12] {
            ticks += fields.get(i).ok_or("short stat")?.parse::<f64>()?;
        }
    }
    Ok(Duration::from_secs_f64(ticks / 100.0))
}

/// The 1-minute load average: the benchmark shares its two cores with whatever else runs.
fn load_average() -> String {
    fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|text| text.split_whitespace().next().map(str::to_owned))
        .unwrap_or_else(|| "?".into())
}

/// `VmHWM`: the most resident memory this process has had.
fn peak_memory_kib() -> Result<u64, Box<dyn std::error::Error>> {
    Ok(pli_core::memory::peak_resident_kib().ok_or("no VmHWM in /proc/self/status")?)
}

/// Resets `VmHWM` to the current resident size (Linux ≥ 4.0).
fn reset_peak_memory() {
    if let Err(error) = fs::write("/proc/self/clear_refs", "5") {
        eprintln!("cannot reset the peak memory ({error}); it includes the fixture generation");
    }
}
