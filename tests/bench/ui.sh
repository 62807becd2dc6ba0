#!/usr/bin/env bash
# tests/bench/ui.sh -- the window's benchmark (examples/ui_bench.rs): the message list at 100,000
# messages (view, scroll, memory), then the real window started on them (first frame, first usable
# frame, its memory), next to NeoMutt opening a local mbox of the same size.
#
# Builds in release, then runs the example inside the session tests/run.sh gives the tests (Xvfb for
# the window, gnome-keyring for the lock's PIN lookup, NeoMutt installed with apt when missing).
# Root (apt-get). The figures go to standard output; BENCHMARKS.md keeps the ones of record.
set -euo pipefail
ROOT=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)
cd "$ROOT"
cargo build --release --bin pli --example ui_bench
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
PLI_TEST_EXTRA_PKGS="neomutt ${PLI_TEST_EXTRA_PKGS:-}" \
PLI_TEST_CMD="$TARGET/release/examples/ui_bench" \
  exec "$ROOT/tests/run.sh"
