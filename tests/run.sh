#!/usr/bin/env bash
# tests/run.sh -- the one command that runs every Pli test (README, CI) on a fresh Debian/Ubuntu machine.
#
#   tests/run.sh [ARGS...]        install what is missing, start the mail stack (Dovecot + Postfix on loopback,
#                                 tests/mailstack/), then run `cargo nextest run --workspace --all-targets ARGS...`
#                                 (without ARGS: everything but crates/pli-core/tests/outages.rs, then crates/pli-core/tests/outages.rs alone;
#                                 with ARGS, e.g. -E 'binary(engine)', only that set)
#                                 (or `cargo test --workspace --all-targets ARGS...` without nextest) inside a private
#                                 D-Bus session with an unlocked gnome-keyring (Secret Service) and an Xvfb
#                                 display; stops the stack on exit, whatever happens; exits with the tests' status.
#   tests/run.sh --stack-only     start the stack, print its env, wait for Ctrl-C (then stop it)
#   tests/run.sh --shell          same session as the tests (stack + keyring + Xvfb), but an interactive shell
#
# Without run.sh (developer loop):
#   tests/mailstack/mailstack.sh start && source /tmp/pli-mailstack/env && cargo nextest run
#   (then `tests/mailstack/mailstack.sh stop`). Tests needing the keyring want the D-Bus session of run.sh.
#
# Environment:
#   PLI_TEST_CMD        replaces the cargo command (run with `bash -c` inside the session), e.g. to check the plumbing
#   PLI_TEST_KEEP=1     keep the stack's directory (configs, logs, mail) even on success; it is always kept on failure
#   PLI_TEST_NO_XVFB=1  use the current $DISPLAY instead of a private Xvfb
#   PLI_TEST_DOCTESTS=1 also run `cargo test --workspace --doc`
#   PLI_TEST_EXTRA_PKGS extra Debian packages to install
#   PLI_TEST_CYRUS      `off`: do not start Cyrus (tests/cyrus/); `required`: its tests fail without it
#                       (the default under CI=true)
#   MT_PORT_OFFSET      port offset of the stack (default `auto`: the first free one of 0, 12000, 14000, ... 20000)
#   MT_EXTRA_USERS      more mailboxes (added to the defaults and to one NAME@PLI_TEST_DEDICATED_DOMAIN
#                       per `dedicated_user("NAME")` call found in tests/, src/ and crates/; domain default
#                       ehpad-test.mssante.fr)
# Inside the session: ICED_TEST_BACKEND=tiny-skia, PLI_TEST_* (see tests/mailstack/mailstack.sh), a fresh
# XDG_DATA_HOME / XDG_CONFIG_HOME / XDG_STATE_HOME / XDG_RUNTIME_DIR (the keyring lives there), DISPLAY of Xvfb.
# Needs root (or sudo) for apt-get and the mail servers; rustup's cargo is assumed installed.
set -euo pipefail

ROOT=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
MS=$ROOT/tests/mailstack/mailstack.sh
say() { echo "run.sh: $*" >&2; }

# ------------------------------------------------------------------ inside the D-Bus session (internal)
if [ "${1:-}" = --in-session ]; then
  shift
  # a real Secret Service: gnome-keyring with a "login" keyring created/unlocked with a known password
  kr_env=$(printf '%s' "${PLI_TEST_KEYRING_PASSWORD:-pli}" | gnome-keyring-daemon --unlock --components=secrets)
  for kv in $kr_env; do export "${kv?}"; done
  # --unlock returns before the daemon owns org.freedesktop.secrets; a client calling now would make D-Bus
  # activate a second daemon (whose keyring is locked): wait for the name first
  for _ in $(seq 100); do
    dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
      org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null | grep -q 'boolean true' && break
    sleep 0.05
  done
  if ! printf '%s' probe-value | timeout 20 secret-tool store --label="Pli probe" service pli-probe account probe ||
     [ "$(timeout 20 secret-tool lookup service pli-probe account probe)" != probe-value ]; then
    say "the Secret Service (gnome-keyring) does not work in this session"; exit 70
  fi
  timeout 20 secret-tool clear service pli-probe account probe
  say "Secret Service ok (gnome-keyring, login keyring unlocked), DISPLAY=${DISPLAY:-}"
  if [ -n "${PLI_TEST_CMD:-}" ]; then
    exec bash -c "$PLI_TEST_CMD"
  fi
  cd "$ROOT"
  # crates/pli-core/tests/outages.rs stops the servers every other test uses: it runs alone, after the rest.
  if cargo nextest --version >/dev/null 2>&1 && [ $# -gt 0 ]; then
    # A chosen set (e.g. -E 'binary(engine)'): nextest would add a second -E to ours rather than
    # narrow it, so the set runs as given, in one pass (choose outages alone: it stops the servers).
    cargo nextest run --workspace --all-targets "$@"
  elif cargo nextest --version >/dev/null 2>&1; then
    cargo nextest run --workspace --all-targets -E 'not binary(outages)'
    cargo nextest run --workspace --all-targets -E 'binary(outages)'
  else
    cargo test --workspace --all-targets "$@"
  fi
  if [ "${PLI_TEST_DOCTESTS:-0}" = 1 ]; then cargo test --workspace --doc; fi
  exit 0
fi

# ------------------------------------------------------------------ outside
mode=test
case "${1:-}" in
  --stack-only) mode=stack; shift ;;
  --shell) mode=shell; shift ;;
esac

if ! command -v cargo >/dev/null && [ -x "$HOME/.cargo/bin/cargo" ]; then export PATH="$HOME/.cargo/bin:$PATH"; fi
if [ $mode = test ] && [ -z "${PLI_TEST_CMD:-}" ]; then
  command -v cargo >/dev/null || { say "cargo not found (install rustup: https://rustup.rs)"; exit 127; }
fi

# 1. packages (one apt-get run at most; nothing when all are there). Node.js serves the OpenID
# Connect provider; Debian's is used only where none is installed.
command -v node >/dev/null || PLI_TEST_EXTRA_PKGS="${PLI_TEST_EXTRA_PKGS:-} nodejs npm"
t0=$SECONDS
MT_EXTRA_PKGS="dbus gnome-keyring libsecret-tools xvfb xauth gcc libc6-dev pkg-config fonts-dejavu-core dnsmasq-base libxml2-utils ${PLI_TEST_EXTRA_PKGS:-}" \
  "$MS" install

# 2. a fresh stack, stopped on exit whatever happens.
# Users: the stack's defaults + one per `dedicated_user("NAME")` found in the Rust sources (pli-testkit's
# helper: NAME@$PLI_TEST_DEDICATED_DOMAIN), so parallel tests never share a mailbox + $MT_EXTRA_USERS.
dedicated=$(grep -rhoE --include='*.rs' 'dedicated_user\("[A-Za-z0-9._+-]+"\)' "$ROOT/tests" "$ROOT/src" "$ROOT/crates" 2>/dev/null |
  sed -E 's/.*\("(.*)"\)/\1/' | sort -u | sed "s/\$/@${PLI_TEST_DEDICATED_DOMAIN:-ehpad-test.mssante.fr}/" | tr '\n' ' ')
export MT_EXTRA_USERS="$dedicated ${MT_EXTRA_USERS:-}"
# The boxes' password: one no file or log can hold by chance, so the tests that search the logs and
# the profile for it (tests/cli/logs.rs) find only a real leak.
export MT_PASS=${MT_PASS:-Pli-test-pw-4e1d9b}
MT_DIR=$(mktemp -d /tmp/pli-mailstack.XXXXXX)
chmod 0755 "$MT_DIR"   # dovecot/postfix/vmail must traverse it
SESSION_DIR=$(mktemp -d /tmp/pli-session.XXXXXX)
export MT_DIR MT_PORT_OFFSET=${MT_PORT_OFFSET:-auto}
status=1
cleanup() {
  trap - EXIT INT TERM
  rm -rf "$SESSION_DIR"
  PLI_TEST_DIR=$MT_DIR "$ROOT/tests/oidc/provider.sh" stop >/dev/null 2>&1 || true
  [ -d "$MT_DIR/cyrus" ] && { CY_DIR=$MT_DIR/cyrus "$ROOT/tests/cyrus/cyrus.sh" stop >/dev/null 2>&1 || true; }
  if [ ! -f "$MT_DIR/port-offset" ]; then
    rm -rf "$MT_DIR"   # the stack never started
  elif [ "$status" = 0 ] && [ "${PLI_TEST_KEEP:-0}" != 1 ]; then
    "$MS" purge || true
  else
    "$MS" stop || true
    say "mail stack files kept in $MT_DIR (logs: $MT_DIR/log/)"
  fi
  exit "$status"
}
trap cleanup EXIT
trap 'status=130; exit 130' INT
trap 'status=143; exit 143' TERM
"$MS" start
# shellcheck disable=SC1091
source "$MT_DIR/env"
# the OpenID Connect provider standing in for Pro Santé Connect (tests/oidc/); its key goes where
# Dovecot validates tokens
"$ROOT/tests/oidc/provider.sh" start >/dev/null
# shellcheck disable=SC1091
source "$MT_DIR/oidc/env"
say "stack up on port offset $MT_PORT_OFFSET in $((SECONDS - t0)) s (install + start)"

# ---- Cyrus IMAP 3.6, the second server of the shared-box tests (issue 13, tests/cyrus/cyrus.sh:
# Debian's packages fetched once and unpacked, never installed). One Cyrus user per dedicated
# mailbox. Under CI (or PLI_TEST_CYRUS=required) the `cyrus_` tests fail when Cyrus is not there;
# elsewhere (no network) they say SKIPPED-NO-CYRUS, listed at the end. PLI_TEST_CYRUS=off: not started.
export PLI_SKIPPED_NO_CYRUS=$SESSION_DIR/skipped-no-cyrus
: >"$PLI_SKIPPED_NO_CYRUS"
if [ "${CI:-}" = true ] || [ "${PLI_TEST_CYRUS:-}" = required ]; then export PLI_TEST_CYRUS_REQUIRED=1; fi
if [ "${PLI_TEST_CYRUS:-}" != off ]; then
  t_cyrus=$SECONDS
  if CY_DIR=$MT_DIR/cyrus CY_PASS=$PLI_TEST_PASSWORD CY_EXTRA_USERS="$(for a in $dedicated; do printf '%s ' "${a%@*}"; done)" \
    "$ROOT/tests/cyrus/cyrus.sh" start >/dev/null; then
    # shellcheck disable=SC1091
    source "$MT_DIR/cyrus/env"
    say "Cyrus up in $((SECONDS - t_cyrus)) s"
  else
    say "Cyrus did not start: the cyrus_ tests $([ -n "${PLI_TEST_CYRUS_REQUIRED:-}" ] && echo "will FAIL" || echo "are skipped")"
  fi
fi

if [ $mode = stack ]; then
  cat "$MT_DIR/env"
  if [ -f "$MT_DIR/cyrus/env" ]; then cat "$MT_DIR/cyrus/env"; fi
  say "mail stack running; source $MT_DIR/env in another shell. Ctrl-C stops it."
  status=0
  trap 'exit 0' INT TERM
  while :; do sleep 3600 & wait $! || true; done
fi

# 3. the session: private XDG dirs, Xvfb display, D-Bus session bus, keyring, then the tests
mkdir -p -m 0700 "$SESSION_DIR/run" "$SESSION_DIR/data" "$SESSION_DIR/config" "$SESSION_DIR/state"
export XDG_RUNTIME_DIR=$SESSION_DIR/run XDG_DATA_HOME=$SESSION_DIR/data XDG_CONFIG_HOME=$SESSION_DIR/config
export XDG_STATE_HOME=$SESSION_DIR/state
export ICED_TEST_BACKEND=tiny-skia
unset WAYLAND_DISPLAY DBUS_SESSION_BUS_ADDRESS GNOME_KEYRING_CONTROL
if [ $mode = shell ]; then export PLI_TEST_CMD="${SHELL:-bash} -i"; fi
# Tests that need ../shared/data and found none write their names here (pli-testkit `shared`);
# nextest hides a passing test's stderr, so the list is printed at the end instead.
export PLI_SKIPPED_NO_SHARED=$SESSION_DIR/skipped-no-shared
: >"$PLI_SKIPPED_NO_SHARED"
session=(dbus-run-session -- "$ROOT/tests/run.sh" --in-session "$@")
if [ "${PLI_TEST_NO_XVFB:-0}" != 1 ]; then
  session=(xvfb-run -a -s "-screen 0 1920x1080x24 -nolisten tcp" "${session[@]}")
fi
set +e
"${session[@]}"
status=$?
set -e
if [ -s "$PLI_SKIPPED_NO_SHARED" ]; then
  say "skipped, ../shared/data absent ($(sort -u "$PLI_SKIPPED_NO_SHARED" | wc -l) tests):"
  sort -u "$PLI_SKIPPED_NO_SHARED" | sed 's/^/  SKIPPED-NO-SHARED: /' >&2
fi
if [ -s "$PLI_SKIPPED_NO_CYRUS" ]; then
  say "skipped, Cyrus not running ($(sort -u "$PLI_SKIPPED_NO_CYRUS" | wc -l) tests):"
  sort -u "$PLI_SKIPPED_NO_CYRUS" | sed 's/^/  SKIPPED-NO-CYRUS: /' >&2
fi
say "tests finished with status $status"
exit "$status"
