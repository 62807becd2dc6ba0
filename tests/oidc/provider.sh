#!/usr/bin/env bash
# provider.sh -- the OpenID Connect provider Pli's sign-in tests run against: oidc-provider on loopback
# (provider.mjs says how it is configured), a stand-in for Pro Santé Connect.
#
#   provider.sh start    `npm ci` if node_modules is missing, start provider.mjs in the background (a provider
#                        already running for the same PLI_OIDC_DIR is reused), wait for its discovery document,
#                        install its public key where the mail stack's Dovecot validates tokens
#                        ($PLI_TEST_DIR/oauth2/keys/default/RS256/<kid>) when PLI_TEST_DIR is set, write
#                        $PLI_OIDC_DIR/issuer and $PLI_OIDC_DIR/env, and print `export PLI_TEST_OIDC_ISSUER=...`
#   provider.sh stop     stop it (by pid) and take its key out of Dovecot's key folder
#   provider.sh status   say whether it runs
#   provider.sh issuer   print the issuer URL of the running provider
#
# With the mail stack's env loaded the provider serves https with the stack's server certificate (trusted
# through $PLI_TEST_CA, like the mail servers); without it, or with PLI_OIDC_HTTP=1, plain http on loopback.
# Environment: PLI_OIDC_DIR (state: pid, log, issuer, key; default $PLI_TEST_DIR/oidc when the mail stack's
#   env is loaded, else /tmp/pli-oidc), PLI_OIDC_PORT (default 0: any free port), PLI_OIDC_ACCESS_TTL (access
#   token lifetime in seconds, default 20), PLI_OIDC_IDLE_EXIT (the provider exits after that many seconds
#   without a request; default 0 = never; the Rust tests set it when they start the provider themselves).
# Needs node >= 20 and npm (the npm registry only for the first `npm ci`). Processes are stopped by pid only.
set -euo pipefail

HERE=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)
if [ -n "${PLI_OIDC_DIR:-}" ]; then
  DIR=$PLI_OIDC_DIR
elif [ -n "${PLI_TEST_DIR:-}" ]; then
  DIR=$PLI_TEST_DIR/oidc
else
  DIR=/tmp/pli-oidc
fi
say() { echo "provider.sh: $*" >&2; }
# https with the mail stack's certificate (SAN 127.0.0.1, signed by its CA) when the stack is there
TLS_CERT= TLS_KEY= TLS_CA=
if [ "${PLI_OIDC_HTTP:-0}" != 1 ] && [ -n "${PLI_TEST_DIR:-}" ] && [ -f "$PLI_TEST_DIR/tls/server.pem" ]; then
  TLS_CERT=$PLI_TEST_DIR/tls/server.pem TLS_KEY=$PLI_TEST_DIR/tls/server.key TLS_CA=$PLI_TEST_DIR/tls/ca.pem
fi

alive() {
  local state
  [ -n "$1" ] && [ -r "/proc/$1/stat" ] || return 1
  # a zombie is dead (this kind of machine's PID 1 reaps late)
  state=$(sed -E 's/^[0-9]+ \(.*\) (.).*/\1/' "/proc/$1/stat" 2>/dev/null) || return 1
  [ "$state" != Z ]
}

# the pid of the provider of $DIR, when it runs (a recycled pid running something else is not it)
running_pid() {
  local pid
  pid=$(cat "$DIR/pid" 2>/dev/null) || return 1
  alive "$pid" || return 1
  tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null | grep -q 'provider.mjs' || return 1
  echo "$pid"
}

discovery_ok() {
  NODE_EXTRA_CA_CERTS=${TLS_CA:-} node -e 'fetch(process.argv[1]).then(r => r.json()).then(d => process.exit(d.issuer === process.argv[2] ? 0 : 1), () => process.exit(1))' \
    "$1/.well-known/openid-configuration" "$1" 2>/dev/null
}

dovecot_key_path() {
  local kid
  kid=$(cat "$DIR/kid" 2>/dev/null) || return 1
  [ -n "${PLI_TEST_DIR:-}" ] && [ -n "$kid" ] || return 1
  # Dovecot looks keys up as <azp or "default">/<alg>/<kid>; the provider's access tokens carry no azp.
  echo "$PLI_TEST_DIR/oauth2/keys/default/RS256/$kid"
}

install_key() {
  local path
  path=$(dovecot_key_path) || return 0
  mkdir -p "$(dirname "$path")"
  cp "$DIR/public.pem" "$path.tmp"
  chmod 0644 "$path.tmp"
  mv -f "$path.tmp" "$path"
  chmod a+rX "$PLI_TEST_DIR/oauth2" "$PLI_TEST_DIR/oauth2/keys" "$PLI_TEST_DIR/oauth2/keys/default" "$(dirname "$path")"
}

write_env() {
  local issuer=$1
  printf 'export PLI_TEST_OIDC_ISSUER=%s\nexport PLI_TEST_OIDC_DIR=%s\nexport PLI_TEST_OIDC_SH=%s\n' \
    "$issuer" "$DIR" "$HERE/provider.sh" > "$DIR/env"
  cat "$DIR/env"
}

start() {
  local pid issuer
  if pid=$(running_pid) && issuer=$(cat "$DIR/issuer" 2>/dev/null) && discovery_ok "$issuer"; then
    install_key
    write_env "$issuer"
    return 0
  fi
  command -v node >/dev/null || { say "node is not installed (Node.js 20 or newer is needed)"; exit 127; }
  if [ ! -f "$HERE/node_modules/oidc-provider/package.json" ]; then
    say "installing oidc-provider (npm ci)"
    (cd "$HERE" && npm ci --no-audit --no-fund --loglevel=error >&2)
  fi
  rm -f "$DIR/issuer" "$DIR/kid" "$DIR/public.pem" "$DIR/pid"
  (
    cd "$HERE"
    export PLI_OIDC_DIR=$DIR PLI_OIDC_TLS_CERT=$TLS_CERT PLI_OIDC_TLS_KEY=$TLS_KEY
    exec 9>&-   # the lock is ours, not the provider's: a later `stop` must get it
    exec setsid node provider.mjs </dev/null >"$DIR/provider.log" 2>&1
  ) &
  pid=$!
  echo "$pid" > "$DIR/pid"
  for _ in $(seq 600); do
    if issuer=$(cat "$DIR/issuer" 2>/dev/null) && discovery_ok "$issuer"; then
      install_key
      say "provider up: $issuer (log $DIR/provider.log)"
      write_env "$issuer"
      return 0
    fi
    # not running_pid: until the subshell has exec'd node, its command line is still bash's
    if ! alive "$pid"; then
      say "the provider stopped at start-up:"; cat "$DIR/provider.log" >&2; exit 1
    fi
    sleep 0.1
  done
  say "the provider did not answer within 60 s (log $DIR/provider.log)"; exit 1
}

stop() {
  local pid path
  if path=$(dovecot_key_path); then rm -f "$path"; fi
  if pid=$(running_pid); then
    kill "$pid"
    for _ in $(seq 50); do running_pid >/dev/null || break; sleep 0.1; done
    if running_pid >/dev/null; then kill -9 "$pid"; fi
    say "stopped (pid $pid)"
  fi
  rm -f "$DIR/pid" "$DIR/issuer" "$DIR/kid" "$DIR/env"
}

mkdir -p "$DIR"
exec 9>"$DIR/lock"
flock 9   # several test processes may start the same provider at once
case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status)
    if pid=$(running_pid); then echo "running (pid $pid): $(cat "$DIR/issuer" 2>/dev/null)"; else echo stopped; fi ;;
  issuer) cat "$DIR/issuer" ;;
  *) echo "usage: $0 start|stop|status|issuer" >&2; exit 2 ;;
esac
