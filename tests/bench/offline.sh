#!/usr/bin/env bash
# tests/bench/offline.sh [SIZE] -- the offline-copy benchmark (issue 15), on the same real Dovecot as
# the sync benchmark (tests/mailstack/mailstack.sh), in one run. Default SIZE: 100000.
#
# A mailbox of SIZE generated messages (gen_maildir.py: ~15 % carry small PDFs), Dovecot's index
# warmed, one untimed pass of each client, then RUNS (1) rounds of:
#   (e) Pli   envelopes + full offline copy WITH the index (text, HTML, attachment names, PDF text)
#             into a fresh store (crates/pli-core/examples/offline_bench.rs --mode copy)
#       mbsync  plain copy of every message to a Maildir (no index)
#       notmuch new  on that Maildir (copy then index = mbsync + notmuch new)
#   (f) search latency over the copied box: in process (Store::search_filtered with snippets, and
#       the window's Store::search_matches), p50/p99; end to end, one process per query (offline_bench
#       --mode search-once: open the store, search, print JSON, the work of `pli search --offline
#       --json`) against `notmuch search --format=json --limit=50`
#   (g) peak memory of the copy (VmHWM of the process; the PDF helper is a child of its own)
#   (h) store size against the raw mail (the Maildir mbsync wrote)
# Targets (issue 15): (e) <= 1.5 x mbsync, <= 0.5 x (mbsync + notmuch); (f) p99 <= 20 ms in process,
# end to end faster than notmuch; (g) <= 150 MiB; (h) <= 1.5 x raw. Results: $BENCH_DIR/results.tsv,
# $BENCH_DIR/report.md, $BENCH_DIR/machine.txt (load before each round).
#
# Root (apt-get, the stack). Knobs: RUNS=1, KEEP=1 (keep the mail for the next run),
# MT_DIR (/tmp/pli-bench-offline-stack), MT_PORT_OFFSET (7000), BENCH_DIR (/tmp/pli-bench-offline).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
MAILSTACK=${MAILSTACK:-$REPO/tests/mailstack/mailstack.sh}
export MT_DIR=${MT_DIR:-/tmp/pli-bench-offline-stack}
export MT_PORT_OFFSET=${MT_PORT_OFFSET:-7000}
BENCH=${BENCH_DIR:-/tmp/pli-bench-offline}
RUNS=${RUNS:-1}
KEEP=${KEEP:-0}
N=${1:-100000}
PASS=secret
QUERIES=(echographie dyspnee hemoglobine creatininemie anticoagulant "scanner thoracique" "lettre liaison"
         girard noel "compte rendu" hospit ordonn "bilan geriatrique" vaccination medical leucocytes)

say() { printf '\n== %s\n' "$*" >&2; }
die() { echo "offline.sh: error: $*" >&2; exit 1; }
[ "$(id -u)" = 0 ] || die "run as root (apt-get and the mail stack need it)"
[[ $N =~ ^[0-9]+$ ]] || die "the size is a number of messages, not '$N'"
case $N in 10000) name=bench10k ;; 100000) name=bench100k ;; *) name=bench$N ;; esac
USER_ADDR=$name@ehpad-test.mssante.fr
export MT_EXTRA_USERS=$USER_ADDR

stack() { "$MAILSTACK" "$@"; }
cleanup() {
  local rc=$?
  stack stop >&2 || true
  [ "$KEEP" = 1 ] || rm -rf "$MT_DIR" "$BENCH/mbsync" "$BENCH/profile"
  exit $rc
}
say "packages: the stack's, isync (mbsync), notmuch, time"
MT_EXTRA_PKGS="isync notmuch time" stack install >&2
mkdir -p "$BENCH"
trap cleanup EXIT
trap 'exit 130' INT TERM
stack start >&2
# shellcheck disable=SC1091
source "$MT_DIR/env"
have=$(stack doveadm mailbox status -u "$USER_ADDR" messages INBOX 2>/dev/null | sed -n 's/.*messages=\([0-9]*\).*/\1/p')
if [ "${have:-0}" != "$N" ]; then
  [ "${have:-0}" = 0 ] || stack doveadm expunge -u "$USER_ADDR" mailbox INBOX all >&2
  say "filling $USER_ADDR with $N messages"
  stack fill "$USER_ADDR" "$N" >&2
fi
stack doveadm index -u "$USER_ADDR" INBOX >&2

say "building examples/offline_bench in release"
(cd "$REPO" && cargo build --release -p pli-core --example offline_bench >&2)
TARGET=${CARGO_TARGET_DIR:-$(cd "$REPO" && cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')}
PLI=$TARGET/release/examples/offline_bench
PROFILE=$BENCH/profile
sed -e "s|@USER@|$USER_ADDR|g; s|@PASS@|$PASS|g; s|@PORT@|$PLI_TEST_IMAPS_PORT|g; s|@CA@|$PLI_TEST_CA|g; s|@BENCH@|$BENCH|g" \
  "$HERE/mbsyncrc.in" > "$BENCH/mbsyncrc"
cat > "$BENCH/notmuch-config" <<EOF
[database]
path=$BENCH/mbsync
[user]
name=bench
primary_email=$USER_ADDR
[new]
tags=inbox;
[search]
exclude_tags=
[maildir]
synchronize_flags=false
EOF

RESULTS=$BENCH/results.tsv
: > "$RESULTS"
: > "$BENCH/machine.txt"
record() { printf '%s\t%s\t%s\t%s\t%s\n' "$N" "$@" >> "$RESULTS"; }   # tool figure run value
timed() { # CMD... -> WALL (s), RSS (MiB); stdout in $BENCH/.out
  local rc=0
  # The files the step before wrote or deleted (a Maildir, notmuch's database) are written back
  # first: otherwise the kernel writes them back during the next timed client, which then took
  # twice as long (mbsync 5.0 s, then 9.7 and 10.4 s in the next rounds, 2026-12-07 19:33 UTC).
  sync
  /usr/bin/time -f "%e %M" -o "$BENCH/.time" timeout 1800 "$@" > "$BENCH/.out" 2> "$BENCH/.err" < /dev/null || rc=$?
  if [ "$rc" != 0 ]; then
    tail -20 "$BENCH/.err" >&2; cat "$BENCH/.time" >&2; die "a measured command failed (exit $rc): $*"
  fi
  read -r WALL RSS_KB < <(tail -1 "$BENCH/.time")
  RSS=$(python3 -c "print(round($RSS_KB / 1024, 1))")
}
# One process's wall time in milliseconds, from its spawn to its exit (time(1) counts in
# steps of 10 ms, too coarse for a search of about 10 ms); fails when the process does.
wall_ms() {
  python3 -c 'import subprocess, sys, time
t = time.perf_counter()
code = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stdin=subprocess.DEVNULL).returncode
print(round((time.perf_counter() - t) * 1000, 2)); sys.exit(code)' "$@" || { echo "offline.sh: error: a measured command failed: $*" >&2; return 1; }
}
field() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); [d:=d[k] for k in sys.argv[2:]]; print(d)" "$BENCH/.out" "$@"; }
pli_copy() {
  timed "$PLI" --mode copy --user "$USER_ADDR" --ca "$PLI_TEST_CA" --port "$PLI_TEST_IMAPS_PORT" --profile "$PROFILE"
  [ "$(field local)" = "$N" ] || die "Pli copied $(field local) bodies, not $N"
  cp "$BENCH/.out" "$BENCH/pli-copy-$1.json"
}
mbsync_full() {
  rm -rf "$BENCH/mbsync" && mkdir -p "$BENCH/mbsync"
  timed mbsync -c "$BENCH/mbsyncrc" -q bench
}
notmuch_new() {
  rm -rf "$BENCH/mbsync/.notmuch"
  timed env NOTMUCH_CONFIG="$BENCH/notmuch-config" notmuch new --quiet
}
machine_state() { { echo "## $1 ($(date -Is))"; uptime; ps -eo pcpu,pid,etime,comm --sort=-pcpu | head -8; } >> "$BENCH/machine.txt"; }

say "$N messages: one untimed pass of each (Dovecot's cache and the page cache)"
pli_copy warmup
mbsync_full
machine_state "before the timed runs"
for ((run = 1; run <= RUNS; run++)); do
  say "round $run/$RUNS"
  machine_state "round $run"
  pli_copy "$run"
  record pli e_copy_with_index_s "$run" "$(field total_s)"
  record pli envelopes_s "$run" "$(field envelopes_s)"
  record pli bodies_s "$run" "$(field bodies_s)"
  record pli g_vmhwm_mib "$run" "$(field vmhwm_mib)"
  record pli process_rss_mib "$run" "$RSS"
  record pli store_mib "$run" "$(field store_mib)"
  record pli pdfs_skipped "$run" "$(field pdfs_skipped)"
  mbsync_full
  record mbsync e_plain_copy_s "$run" "$WALL"
  mbsync_wall=$WALL
  notmuch_new
  record notmuch new_s "$run" "$WALL"
  record notmuch_total e_copy_then_index_s "$run" "$(python3 -c "print($mbsync_wall + $WALL)")"
  record notmuch new_rss_mib "$run" "$RSS"
  record raw maildir_mib "$run" "$(python3 -c "print(round($(du -sb --exclude=.notmuch "$BENCH/mbsync" | cut -f1) / 1048576, 1))")"
  record notmuch db_mib "$run" "$(python3 -c "print(round($(du -sb "$BENCH/mbsync/.notmuch" | cut -f1) / 1048576, 1))")"
  timed "$PLI" --mode search --profile "$PROFILE" --rounds 20
  cp "$BENCH/.out" "$BENCH/pli-search-$run.json"
  record pli f_in_process_p50_ms "$run" "$(field with_snippets p50_ms)"
  record pli f_in_process_p99_ms "$run" "$(field with_snippets p99_ms)"
  record pli f_index_only_p50_ms "$run" "$(field index_only p50_ms)"
  record pli f_index_only_p99_ms "$run" "$(field index_only p99_ms)"
  for query in "${QUERIES[@]}"; do
    for _ in 1 2 3; do
      ms=$(wall_ms "$PLI" --mode search-once --profile "$PROFILE" --query "$query")
      record pli f_end_to_end_ms "$run" "$ms"
      words=$(echo "$query" | sed -E 's/(^| )(hospit|ordonn)( |$)/\1\2*\3/g')
      ms=$(wall_ms env NOTMUCH_CONFIG="$BENCH/notmuch-config" notmuch search --format=json --limit=50 "$words")
      record notmuch f_end_to_end_ms "$run" "$ms"
    done
  done
done

python3 - "$RESULTS" "$BENCH/report.md" <<'EOF'
import collections, statistics, sys
rows = collections.defaultdict(list)
for line in open(sys.argv[1]):
    size, tool, figure, run, value = line.rstrip("\n").split("\t")
    rows[(tool, figure)].append(float(value))
med = lambda t, f: statistics.median(rows[(t, f)]) if rows.get((t, f)) else float("nan")
def q(t, f, p):
    v = sorted(rows.get((t, f), []))
    return v[round((len(v) - 1) * p)] if v else float("nan")
copy, mb, nm = med("pli", "e_copy_with_index_s"), med("mbsync", "e_plain_copy_s"), med("notmuch_total", "e_copy_then_index_s")
ok = lambda c: "met" if c else "missed"
out = [f"### {int(float(size)):,} messages (median of {len(rows[('pli', 'e_copy_with_index_s')])} runs)\n",
       "| figure | Pli | target | verdict | peers |", "| --- | --- | --- | --- | --- |",
       f"| (e) envelopes + full copy with index | {copy:.1f} s (envelopes {med('pli','envelopes_s'):.1f} s, bodies {med('pli','bodies_s'):.1f} s) | ≤ 1.5 × mbsync = {1.5*mb:.1f} s; ≤ 0.5 × (mbsync + notmuch) = {0.5*nm:.1f} s | {ok(copy <= 1.5*mb)}; {ok(copy <= 0.5*nm)} | mbsync plain copy {mb:.1f} s; mbsync + notmuch new {nm:.1f} s (notmuch new {med('notmuch','new_s'):.1f} s) |",
       f"| (f) search in process, with snippets (index only) | p50 {med('pli','f_in_process_p50_ms'):.2f} ms, p99 {med('pli','f_in_process_p99_ms'):.2f} ms (p50 {med('pli','f_index_only_p50_ms'):.2f}, p99 {med('pli','f_index_only_p99_ms'):.2f}) | p99 ≤ 20 ms | {ok(med('pli','f_in_process_p99_ms') <= 20)} | |",
       f"| (f) search end to end, one process per query | p50 {q('pli','f_end_to_end_ms',0.5):.1f} ms, p99 {q('pli','f_end_to_end_ms',0.99):.1f} ms | faster than notmuch | {ok(q('pli','f_end_to_end_ms',0.5) < q('notmuch','f_end_to_end_ms',0.5))} | notmuch search p50 {q('notmuch','f_end_to_end_ms',0.5):.1f} ms, p99 {q('notmuch','f_end_to_end_ms',0.99):.1f} ms |",
       f"| (g) peak memory of the copy (VmHWM) | {med('pli','g_vmhwm_mib'):.0f} MiB | ≤ 150 MiB | {ok(med('pli','g_vmhwm_mib') <= 150)} | notmuch new {med('notmuch','new_rss_mib'):.0f} MiB |",
       f"| (h) store size / raw mail | {med('pli','store_mib'):.0f} MiB / {med('raw','maildir_mib'):.0f} MiB = {med('pli','store_mib')/med('raw','maildir_mib'):.2f} × | ≤ 1.5 × | {ok(med('pli','store_mib') <= 1.5*med('raw','maildir_mib'))} | notmuch's database {med('notmuch','db_mib'):.0f} MiB beside the Maildir |",
       "", f"PDFs skipped with a note: {med('pli','pdfs_skipped'):.0f}."]
text = "\n".join(out)
open(sys.argv[2], "w").write(text + "\n")
print(text)
EOF
echo "offline.sh: raw results in $RESULTS, tables in $BENCH/report.md, machine load in $BENCH/machine.txt" >&2
