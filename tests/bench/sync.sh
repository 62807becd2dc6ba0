#!/usr/bin/env bash
# tests/bench/sync.sh [SIZE...] -- the sync benchmark: Pli's mail engine against neomutt and mbsync,
# on the same real Dovecot (tests/mailstack/mailstack.sh), in one run. Default sizes: 10000 100000.
#
# For each size: a mailbox of SIZE generated messages (user bench10k@…, bench100k@…, or benchN@…),
# Dovecot's index warmed (`doveadm index` + one untimed pass of every client), then RUNS (3) rounds of:
#   Pli   cold sync into a fresh store  (crates/pli-core/examples/sync_bench.rs --mode sync):
#         (a) newest 50 envelopes committed, (b) all envelopes committed, (c) peak memory (VmHWM)
#   Pli   reopen from the store          (--mode reopen): (d) open + INBOX + count + first page
#   neomutt  open INBOX with an empty header cache (cold), then with the cache filled (warm)
#   mbsync   FULL download of every message to a Maildir (FSync no), then the no-op re-sync
# and prints the medians (min-max) next to the targets and the peers. Results: $BENCH_DIR/results.tsv
# (one line per measurement) and $BENCH_DIR/report.md (the tables).
#
# Root (apt-get, the stack). Knobs (environment):
#   KEEP=1          keep the mail data (and the stack's directory) for the next run; the stack is
#                   always stopped. With KEEP=1 the next run skips the fill when the count is right.
#   RUNS=3          rounds per size
#   MT_DIR          the stack's directory (default /tmp/pli-bench-stack)
#   MT_PORT_OFFSET  (default 5000; 0 and 3000 are the test stacks of other engineers)
#   BENCH_DIR       scratch: stores, Maildirs, header caches, results (default /tmp/pli-bench-run)
#   MAILSTACK       the stack script (default tests/mailstack/mailstack.sh of this repository)
#   CARGO_TARGET_DIR  where cargo builds the example (default: cargo's own)
#   WHATIF=1        also time the prototype of the proposed engine changes (--mode whatif; not the
#                   engine: reported apart). WHATIF=0 skips it.
#   QUIET_WAIT=300  before each round, wait up to this many seconds for the machine to be idle
#                   (< QUIET_BUSY=15 % of all CPUs busy over 2 s); the busy share seen is recorded
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
MAILSTACK=${MAILSTACK:-$REPO/tests/mailstack/mailstack.sh}
export MT_DIR=${MT_DIR:-/tmp/pli-bench-stack}
export MT_PORT_OFFSET=${MT_PORT_OFFSET:-5000}
BENCH=${BENCH_DIR:-/tmp/pli-bench-run}
RUNS=${RUNS:-3}
KEEP=${KEEP:-0}
PASS=secret
SIZES=("$@")
[ ${#SIZES[@]} -gt 0 ] || SIZES=(10000 100000)

say() { printf '\n== %s\n' "$*" >&2; }
die() { echo "sync.sh: error: $*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || die "run as root (apt-get and the mail stack need it)"
[ -x "$MAILSTACK" ] || die "no mail stack script at $MAILSTACK (set MAILSTACK=…)"
for n in "${SIZES[@]}"; do [[ $n =~ ^[0-9]+$ ]] || die "a size is a number of messages, not '$n'"; done

user_for() { # size -> mailbox address
  local n=$1 name
  case $n in
    10000) name=bench10k ;;
    100000) name=bench100k ;;
    *) name=bench$n ;;
  esac
  echo "$name@ehpad-test.mssante.fr"
}
users=""
for n in "${SIZES[@]}"; do users+=" $(user_for "$n")"; done
# always declare the two standard users, so a stack kept with KEEP=1 serves every size
export MT_EXTRA_USERS="bench10k@ehpad-test.mssante.fr bench100k@ehpad-test.mssante.fr$users"

stack() { "$MAILSTACK" "$@"; }
cleanup() {
  local rc=$?
  say "stopping the stack"
  stack stop >&2 || true
  if [ "$KEEP" != 1 ]; then
    rm -rf "$MT_DIR" "$BENCH/stores" "$BENCH/mbsync" "$BENCH/neomutt"
    echo "sync.sh: mail data deleted (KEEP=1 keeps it); results stay in $BENCH" >&2
  fi
  exit $rc
}

# ---------------------------------------------------------------- install, stack, mailboxes
say "packages (apt-get when missing): the stack's, neomutt, isync (mbsync), time (/usr/bin/time)"
MT_EXTRA_PKGS="neomutt isync time" stack install >&2
for tool in neomutt mbsync /usr/bin/time script python3 cargo; do
  command -v "$tool" >/dev/null || die "$tool is missing"
done

mkdir -p "$BENCH/stores" "$BENCH/neomutt/hcache" "$BENCH/neomutt/bodies"
: > "$BENCH/neomutt/certificates"
trap cleanup EXIT
trap 'exit 130' INT TERM
say "starting the stack in $MT_DIR (ports +$MT_PORT_OFFSET)"
stack start >&2
# shellcheck disable=SC1091
source "$MT_DIR/env"
PORT=$PLI_TEST_IMAPS_PORT
CA=$PLI_TEST_CA

count_of() { # user -> messages in INBOX
  stack doveadm mailbox status -u "$1" messages INBOX 2>/dev/null | sed -n 's/.*messages=\([0-9]*\).*/\1/p'
}
for n in "${SIZES[@]}"; do
  u=$(user_for "$n")
  have=$(count_of "$u"); have=${have:-0}
  if [ "$have" = "$n" ]; then
    say "$u already holds $n messages: no fill"
  else
    if [ "$have" != 0 ]; then
      say "$u holds $have messages, not $n: emptying it"
      stack doveadm expunge -u "$u" mailbox INBOX all >&2
    fi
    say "filling $u with $n messages"
    start=$(date +%s.%N)
    stack fill "$u" "$n" >&2
    echo "fill: $(python3 -c "print(round($(date +%s.%N) - $start, 1))") s" >&2
    [ "$(count_of "$u")" = "$n" ] || die "$u does not hold $n messages after the fill"
  fi
  say "warming Dovecot's index for $u (doveadm index)"
  stack doveadm index -u "$u" INBOX >&2
done

# ---------------------------------------------------------------- build
say "building examples/sync_bench in release"
(cd "$REPO" && cargo build --release -p pli-core --example sync_bench >&2)
TARGET=${CARGO_TARGET_DIR:-$(cd "$REPO" && cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')}
PLI=$TARGET/release/examples/sync_bench
[ -x "$PLI" ] || die "no binary at $PLI"

# ---------------------------------------------------------------- configs
render() { # template user -> file
  sed -e "s|@USER@|$2|g; s|@PASS@|$PASS|g; s|@PORT@|$PORT|g; s|@CA@|$CA|g; s|@BENCH@|$BENCH|g" "$HERE/$1.in"
}

# ---------------------------------------------------------------- measuring
RESULTS=$BENCH/results.tsv
: > "$RESULTS"
record() { # size tool figure run value
  printf '%s\t%s\t%s\t%s\t%s\n' "$@" >> "$RESULTS"
}
TIMEOUT=600
# timed CMD...: runs under /usr/bin/time, sets WALL (s) and RSS (MiB); stdout in $BENCH/.out
timed() {
  if ! /usr/bin/time -f "%e %M" -o "$BENCH/.time" timeout "$TIMEOUT" "$@" > "$BENCH/.out" 2> "$BENCH/.err" < /dev/null; then
    echo "--- failed: $*" >&2; tail -20 "$BENCH/.err" >&2; tail -c 2000 "$BENCH/.out" >&2
    die "a measured command failed"
  fi
  read -r WALL RSS_KB < <(tail -1 "$BENCH/.time")
  RSS=$(python3 -c "print(round($RSS_KB / 1024, 1))")
}
json_field() { python3 -c "import json,sys; v=json.load(open(sys.argv[1]))[sys.argv[2]]; print(v)" "$BENCH/.out" "$1"; }

pli_sync() { # size user run|warmup
  local n=$1 u=$2 run=$3 store=$BENCH/stores/$(user_for "$1" | cut -d@ -f1).sqlite
  timed "$PLI" --mode sync --user "$u" --ca "$CA" --port "$PORT" --store "$store"
  [ "$(json_field count)" = "$n" ] || die "Pli synced $(json_field count) envelopes, not $n"
  [ "$(json_field first_batch_is_50_highest_uids)" = True ] || die "Pli's first batch is not the newest 50"
  cp "$BENCH/.out" "$BENCH/pli-sync-$n-$run.json"
  [ "$run" = warmup ] && return 0
  record "$n" pli a_first50_s "$run" "$(json_field first_batch_s)"
  record "$n" pli b_all_s "$run" "$(json_field all_envelopes_s)"
  record "$n" pli c_vmhwm_mib "$run" "$(json_field vmhwm_mib)"
  record "$n" pli sync_process_wall_s "$run" "$WALL"
  record "$n" pli sync_process_rss_mib "$run" "$RSS"
  record "$n" pli store_mib "$run" "$(json_field store_mib)"
  record "$n" pli sync_process_cpu_s "$run" "$(json_field process_cpu_s)"
  timed "$PLI" --mode reopen --user "$u" --ca "$CA" --port "$PORT" --store "$store"
  [ "$(json_field count)" = "$n" ] || die "Pli reopened $(json_field count) envelopes, not $n"
  cp "$BENCH/.out" "$BENCH/pli-reopen-$n-$run.json"
  record "$n" pli d_reopen_s "$run" "$(json_field reopen_s)"
  record "$n" pli d_reopen_vmhwm_mib "$run" "$(json_field vmhwm_mib)"
  record "$n" pli reopen_process_wall_s "$run" "$WALL"
}

pli_whatif() { # size user run
  local n=$1 u=$2 run=$3 store=$BENCH/stores/whatif-$(user_for "$1" | cut -d@ -f1).sqlite
  timed "$PLI" --mode whatif --user "$u" --ca "$CA" --port "$PORT" --store "$store"
  [ "$(json_field count)" = "$n" ] || die "the prototype synced $(json_field count) envelopes, not $n"
  [ "$(json_field first_batch_is_50_highest_uids)" = True ] || die "the prototype's first batch is not the newest 50"
  cp "$BENCH/.out" "$BENCH/pli-whatif-$n-$run.json"
  record "$n" whatif a_first50_s "$run" "$(json_field first_batch_s)"
  record "$n" whatif b_all_s "$run" "$(json_field all_envelopes_s)"
  record "$n" whatif c_vmhwm_mib "$run" "$(json_field vmhwm_mib)"
  record "$n" whatif cpu_s "$run" "$(json_field process_cpu_s)"
}

neomutt_open() { # size run|warmup cold|warm
  local n=$1 run=$2 kind=$3
  [ "$kind" = cold ] && rm -rf "$BENCH/neomutt/hcache" && mkdir -p "$BENCH/neomutt/hcache"
  rm -rf "$BENCH/neomutt/bodies" && mkdir -p "$BENCH/neomutt/bodies"
  TERM=xterm timed script -qec "neomutt -n -F $BENCH/neomuttrc -e 'push q'" /dev/null
  grep -aq "Msgs:$n" "$BENCH/.out" || die "neomutt's index did not say Msgs:$n"
  [ "$run" = warmup ] && return 0
  record "$n" neomutt "${kind}_open_s" "$run" "$WALL"
  record "$n" neomutt "${kind}_rss_mib" "$run" "$RSS"
}

mbsync_run() { # size run|warmup full|noop
  local n=$1 run=$2 kind=$3 files
  [ "$kind" = full ] && rm -rf "$BENCH/mbsync" && mkdir -p "$BENCH/mbsync"
  timed mbsync -c "$BENCH/mbsyncrc" -q bench
  files=$(find "$BENCH/mbsync/INBOX" -type f \( -path '*/cur/*' -o -path '*/new/*' \) | wc -l)
  [ "$files" = "$n" ] || die "mbsync left $files messages, not $n"
  [ "$run" = warmup ] && return 0
  record "$n" mbsync "${kind}_s" "$run" "$WALL"
  record "$n" mbsync "${kind}_rss_mib" "$run" "$RSS"
}

cpu_busy_pct() { # share of all CPUs busy over 2 s, from /proc/stat
  local a b
  a=($(head -1 /proc/stat)); sleep 2; b=($(head -1 /proc/stat))
  local idle=$(( (b[4] + b[5]) - (a[4] + a[5]) )) total=0 i
  for ((i = 1; i < ${#a[@]}; i++)); do total=$(( total + b[i] - a[i] )); done
  echo $(( total > 0 ? 100 * (total - idle) / total : 0 ))
}
wait_quiet() { # size run -> records the busy share seen before the round
  local waited=0 busy
  busy=$(cpu_busy_pct)
  while [ "$busy" -ge "${QUIET_BUSY:-15}" ] && [ "$waited" -lt "${QUIET_WAIT:-300}" ]; do
    echo "machine busy ($busy % of the CPUs): waiting" >&2
    sleep 8; waited=$((waited + 10)); busy=$(cpu_busy_pct)
  done
  record "$1" machine busy_before_round_pct "$2" "$busy"
  record "$1" machine waited_for_quiet_s "$2" "$waited"
}

machine_state() { # label
  {
    echo "## $1 ($(date -Is))"
    uptime
    ps -eo pcpu,pid,etime,comm --sort=-pcpu | head -8
  } >> "$BENCH/machine.txt"
}

: > "$BENCH/machine.txt"
for n in "${SIZES[@]}"; do
  u=$(user_for "$n")
  render neomuttrc "$u" > "$BENCH/neomuttrc"
  render mbsyncrc "$u" > "$BENCH/mbsyncrc"
  say "$n messages: one untimed pass of each client (Dovecot's cache and the page cache)"
  pli_sync "$n" "$u" warmup
  neomutt_open "$n" warmup cold
  mbsync_run "$n" warmup full
  machine_state "before the timed runs at $n"
  for ((run = 1; run <= RUNS; run++)); do
    say "$n messages, round $run/$RUNS"
    wait_quiet "$n" "$run"
    machine_state "round $run at $n"
    pli_sync "$n" "$u" "$run"
    if [ "${WHATIF:-1}" = 1 ]; then pli_whatif "$n" "$u" "$run"; fi
    neomutt_open "$n" "$run" cold
    neomutt_open "$n" "$run" warm
    mbsync_run "$n" "$run" full
    mbsync_run "$n" "$run" noop
    grep -P "^$n\t.*\t$run\t" "$RESULTS" | cut -f2,3,5 | tr '\t' ' ' | paste -sd';' | sed 's/;/; /g' >&2
  done
  machine_state "after the timed runs at $n"
done

# ---------------------------------------------------------------- report
python3 - "$RESULTS" "$BENCH/report.md" <<'EOF'
import collections, statistics, sys
rows = collections.defaultdict(list)
for line in open(sys.argv[1]):
    size, tool, figure, run, value = line.rstrip("\n").split("\t")
    rows[(int(size), tool, figure)].append(float(value))

def med(size, tool, figure):
    v = rows.get((size, tool, figure))
    return statistics.median(v) if v else None

def cell(size, tool, figure, unit):
    v = rows.get((size, tool, figure))
    if not v:
        return "—"
    fmt = (lambda x: f"{x:.3f}") if unit == "s" else (lambda x: f"{x:.1f}")
    return f"{fmt(statistics.median(v))} {unit} ({fmt(min(v))}–{fmt(max(v))})"

out = []
for size in sorted({k[0] for k in rows}):
    at100k = size == 100000
    nm_cold = med(size, "neomutt", "cold_open_s")
    b_target = 0.6 * nm_cold if nm_cold else None
    def verdict(value, limit):
        if value is None or limit is None:
            return ""
        return "**met**" if value <= limit else "**missed**"
    def target(text, value, limit):
        if not at100k:
            v = verdict(value, limit).replace("**", "")
            return f"set at 100k; same rule here: {text}", f"({v})" if v else ""
        return text, verdict(value, limit)
    n = len(rows.get((size, "pli", "b_all_s"), []))
    out.append(f"### {size:,} messages — median (min–max) of {n} runs\n")
    out.append("| figure | Pli | target | verdict | peers on the same Dovecot |")
    out.append("| --- | --- | --- | --- | --- |")
    a = med(size, "pli", "a_first50_s")
    t, v = target("≤ 0.300 s", a, 0.3)
    out.append(f"| (a) newest 50 envelopes committed | {cell(size, 'pli', 'a_first50_s', 's')} | {t} | {v} | "
               f"neomutt shows nothing before all headers: cold open {cell(size, 'neomutt', 'cold_open_s', 's')} |")
    b = med(size, "pli", "b_all_s")
    bt = f"≤ 0.6 × neomutt cold = {b_target:.3f} s" if b_target else "≤ 0.6 × neomutt cold"
    t, v = target(bt, b, b_target)
    out.append(f"| (b) every envelope committed | {cell(size, 'pli', 'b_all_s', 's')} | {t} | {v} | "
               f"neomutt cold {cell(size, 'neomutt', 'cold_open_s', 's')}; mbsync FULL-BODY download "
               f"{cell(size, 'mbsync', 'full_s', 's')} |")
    c = med(size, "pli", "c_vmhwm_mib")
    t, v = target("≤ 150 MiB", c, 150)
    out.append(f"| (c) peak memory of the sync (VmHWM) | {cell(size, 'pli', 'c_vmhwm_mib', 'MiB')} | {t} | {v} | "
               f"neomutt cold {cell(size, 'neomutt', 'cold_rss_mib', 'MiB')}; mbsync full {cell(size, 'mbsync', 'full_rss_mib', 'MiB')} |")
    d = med(size, "pli", "d_reopen_s")
    t, v = target("≤ 0.300 s", d, 0.3)
    out.append(f"| (d) reopen: open + INBOX + count + first 50 | {cell(size, 'pli', 'd_reopen_s', 's')} | {t} | {v} | "
               f"neomutt warm header cache {cell(size, 'neomutt', 'warm_open_s', 's')}; mbsync no-op re-sync {cell(size, 'mbsync', 'noop_s', 's')} |")
    out.append("")
    out.append("| whole process (`/usr/bin/time`: wall, max RSS) | wall | max RSS |")
    out.append("| --- | --- | --- |")
    for label, tool, fw, fr in [
        ("Pli cold sync (example process, start to exit)", "pli", "sync_process_wall_s", "sync_process_rss_mib"),
        ("Pli reopen (example process)", "pli", "reopen_process_wall_s", "d_reopen_vmhwm_mib"),
        ("neomutt open INBOX, empty header cache", "neomutt", "cold_open_s", "cold_rss_mib"),
        ("neomutt open INBOX, warm header cache", "neomutt", "warm_open_s", "warm_rss_mib"),
        ("mbsync full-body download to Maildir, FSync no", "mbsync", "full_s", "full_rss_mib"),
        ("mbsync no-op re-sync", "mbsync", "noop_s", "noop_rss_mib"),
    ]:
        out.append(f"| {label} | {cell(size, tool, fw, 's')} | {cell(size, tool, fr, 'MiB')} |")
    if rows.get((size, "whatif", "b_all_s")):
        out.append("")
        out.append("| prototype of the proposed sync_folder changes (`--mode whatif`, NOT the engine) | (a) newest 50 | (b) all | (c) VmHWM | CPU time |")
        out.append("| --- | --- | --- | --- | --- |")
        out.append(f"| newest 50 by sequence before UID SEARCH; one FTS5 statement per batch; store written on its own thread | "
                   f"{cell(size, 'whatif', 'a_first50_s', 's')} | {cell(size, 'whatif', 'b_all_s', 's')} | "
                   f"{cell(size, 'whatif', 'c_vmhwm_mib', 'MiB')} | {cell(size, 'whatif', 'cpu_s', 's')} |")
    out.append(f"\nPli's store file after the sync: {cell(size, 'pli', 'store_mib', 'MiB')}. "
               f"Pli's CPU time (user + system) for the cold sync: {cell(size, 'pli', 'sync_process_cpu_s', 's')}.  ")
    out.append(f"Machine CPU busy before each round (other work): {cell(size, 'machine', 'busy_before_round_pct', '%')}; "
               f"waited for quiet: {cell(size, 'machine', 'waited_for_quiet_s', 's')}\n")
text = "\n".join(out)
open(sys.argv[2], "w").write(text + "\n")
print(text)
EOF
echo >&2
echo "sync.sh: raw results in $RESULTS, tables in $BENCH/report.md, machine load in $BENCH/machine.txt" >&2
