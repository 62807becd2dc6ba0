#!/usr/bin/env bash
# tests/cyrus/cyrus.sh -- a second IMAP server (Cyrus IMAP 3.6, Debian's) for the shared-box tests,
# started from the Debian packages unpacked in a private folder: Debian's cyrus-imapd conflicts
# with dovecot-imapd (installing it removes Dovecot, which the main stack needs), so it is never
# installed on the system.
#
#   tests/cyrus/cyrus.sh start   fetch Debian's packages once (cyrus-imapd and every dependency this
#                                machine lacks, through apt: `install --download-only` as root, else
#                                `apt-get download`), unpack them in $CY_CACHE, make a CA and a
#                                certificate for localhost, the users with the stack's password, start
#                                Cyrus on 127.0.0.1 (IMAPS, a free port), write and print the env;
#                                exits non-zero with the reason when Cyrus does not answer
#   tests/cyrus/cyrus.sh stop
#
# Env written to $CY_DIR/env (source it, then run the tests with it):
#   PLI_TEST_CYRUS_IMAPS_HOST PLI_TEST_CYRUS_IMAPS_PORT PLI_TEST_CYRUS_CA PLI_TEST_CYRUS_USERS
#   PLI_TEST_CYRUS_PASSWORD
# The tests that use it (`cyrus_…` in crates/pli-core/tests/core/cyrus.rs) print
# SKIPPED-NO-CYRUS and pass when the variables are absent (they fail instead when
# PLI_TEST_CYRUS_REQUIRED is set, as tests/run.sh does under CI).
#
# Variables: CY_DIR (default /tmp/pli-cyrus: this server's config, spool, logs), CY_CACHE (default
# /tmp/pli-cyrus-packages: the unpacked packages, shared by every run), CY_PORT (default: a free
# port), CY_PASS (default: the stack's PLI_TEST_PASSWORD, else pli-test), CY_EXTRA_USERS (more users,
# e.g. the local parts of the tests' `dedicated_user("NAME")`, which tests/run.sh passes).
set -euo pipefail

CY_DIR=${CY_DIR:-/tmp/pli-cyrus}
CY_CACHE=${CY_CACHE:-/tmp/pli-cyrus-packages}
CY_PASS=${CY_PASS:-${PLI_TEST_PASSWORD:-pli-test}}
USERS="cyrus-a cyrus-b cyrus-pharmacy ${CY_EXTRA_USERS:-}"
ROOT=$CY_CACHE/root
BIN=$ROOT/usr/lib/cyrus/bin
LIBS=$ROOT/usr/lib/x86_64-linux-gnu:$ROOT/lib/x86_64-linux-gnu
say() { echo "cyrus.sh: $*" >&2; }

# apt-get can fail for a moment (a mirror, a lock held by another run): three tries, the lists
# refreshed after the first failure.
fetch() {
  local debs=$CY_CACHE/debs try
  mkdir -p "$debs/partial"
  for try in 1 2 3; do
    if [ "$(id -u)" = 0 ]; then
      # The resolver's answer (it would remove dovecot-imapd: the packages conflict) is only
      # downloaded, never carried out: the dependencies this machine lacks, whatever it is.
      if apt-get install -y -qq --download-only --no-install-recommends \
        -o Dir::Cache::Archives="$debs/" -o DPkg::Lock::Timeout=120 cyrus-imapd sasl2-bin >"$CY_CACHE/apt.log" 2>&1 &&
        ls "$debs"/cyrus-imapd_*.deb >/dev/null 2>&1; then
        return 0
      fi
    elif (cd "$debs" && apt-get download cyrus-imapd cyrus-common libical3 libxapian30 libzephyr4 \
      libpcre3 libclamav12 libmspack0 sasl2-bin >"$CY_CACHE/apt.log" 2>&1); then
      return 0
    fi
    say "apt-get failed (try $try): $(tail -2 "$CY_CACHE/apt.log" | tr '\n' ' ')"
    [ "$(id -u)" = 0 ] && apt-get update -qq >/dev/null 2>&1 || true
    sleep $((try * 5))
  done
  return 1
}

unpack() {
  mkdir -p "$CY_CACHE"
  exec 9>"$CY_CACHE/lock"
  flock 9   # two runs at once unpack once
  if [ ! -x "$BIN/master" ]; then
    fetch || { say "could not download Cyrus's packages (see $CY_CACHE/apt.log)"; return 1; }
    rm -rf "$ROOT.new"
    for deb in "$CY_CACHE"/debs/*.deb; do dpkg -x "$deb" "$ROOT.new"; done
    rm -rf "$ROOT"
    mv "$ROOT.new" "$ROOT"
  fi
  local missing
  missing=$(LD_LIBRARY_PATH=$LIBS ldd "$BIN/imapd" "$BIN/master" "$ROOT/usr/sbin/saslpasswd2" 2>&1 | grep 'not found' || true)
  flock -u 9
  if [ -n "$missing" ]; then
    say "Cyrus lacks libraries: $missing"
    return 1
  fi
}

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

start() {
  local t0=$SECONDS
  unpack
  CY_PORT=${CY_PORT:-$(free_port)}
  local c=$CY_DIR/conf
  mkdir -p "$c" "$CY_DIR/lib" "$CY_DIR/spool" "$CY_DIR/run"
  if [ ! -f "$c/cert.pem" ]; then
    openssl req -x509 -newkey rsa:2048 -nodes -keyout "$c/ca-key.pem" -out "$c/ca.pem" -days 30 \
      -subj "/CN=Pli Cyrus Test CA" 2>/dev/null
    openssl req -newkey rsa:2048 -nodes -keyout "$c/key.pem" -out "$c/cert.csr" -subj "/CN=localhost" 2>/dev/null
    printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n' >"$c/ext"
    openssl x509 -req -in "$c/cert.csr" -CA "$c/ca.pem" -CAkey "$c/ca-key.pem" -CAcreateserial \
      -out "$c/cert.pem" -days 30 -extfile "$c/ext" 2>/dev/null
  fi
  cat >"$c/imapd.conf" <<EOF
configdirectory: $CY_DIR/lib
partition-default: $CY_DIR/spool
admins: cyrus
sasl_pwcheck_method: auxprop
sasl_auxprop_plugin: sasldb
sasl_sasldb_path: $c/sasldb2
sasl_mech_list: PLAIN LOGIN
allowplaintext: yes
unixhierarchysep: yes
autocreate_quota: 1000000
autocreate_post: 1
autocreate_inbox_folders: Sent|Drafts|Trash
xlist-sent: Sent
xlist-drafts: Drafts
xlist-trash: Trash
tls_server_cert: $c/cert.pem
tls_server_key: $c/key.pem
# idled's pushes never reached imapd in this private setup (without syslog there is no saying
# why), so IDLE polls the mailbox every second instead of Cyrus's default 60 s: a client in IDLE
# still hears of another session's changes by itself, within a second or so.
imapidlepoll: 1
idlesocket: $CY_DIR/run/idle
notifysocket: $CY_DIR/run/notify
lmtpsocket: $CY_DIR/run/lmtp
proc_path: $CY_DIR/run/proc
mboxname_lockpath: $CY_DIR/run/lock
EOF
  cat >"$c/cyrus.conf" <<EOF
START {
  recover cmd="$BIN/ctl_cyrusdb -r -C $c/imapd.conf"
}
DAEMON {
  idled cmd="$BIN/idled -C $c/imapd.conf"
}
SERVICES {
  imaps cmd="$BIN/imapd -s -C $c/imapd.conf" listen="127.0.0.1:$CY_PORT" prefork=1
}
EVENTS {
}
EOF
  export LD_LIBRARY_PATH=$LIBS
  # SASL's plugins (sasldb) from the system, else from the packages unpacked
  export SASL_PATH=/usr/lib/x86_64-linux-gnu/sasl2:$ROOT/usr/lib/x86_64-linux-gnu/sasl2
  rm -f "$c/sasldb2"
  for user in $USERS cyrus; do
    printf '%s' "$CY_PASS" | "$ROOT/usr/sbin/saslpasswd2" -p -f "$c/sasldb2" -c "$user"
  done
  chmod 644 "$c/sasldb2"
  # Cyrus's master refuses to run without a `cyrus` user to drop root for (cyrus-common's postinst
  # makes it when the package is installed, which it is not here); the folders must be its.
  if [ "$(id -u)" = 0 ]; then
    id cyrus >/dev/null 2>&1 ||
      useradd --system --gid mail --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin cyrus
    chown -R cyrus "$CY_DIR/conf" "$CY_DIR/lib" "$CY_DIR/spool" "$CY_DIR/run"
  fi
  setsid "$BIN/master" -C "$c/imapd.conf" -M "$c/cyrus.conf" -p "$CY_DIR/run/master.pid" \
    >"$CY_DIR/master.log" 2>&1 </dev/null &
  local up=0
  for _ in $(seq 150); do
    if (exec 3<>/dev/tcp/127.0.0.1/"$CY_PORT") 2>/dev/null; then up=1; break; fi
    sleep 0.1
  done
  if [ $up = 0 ]; then
    say "Cyrus did not answer on 127.0.0.1:$CY_PORT within 15 s; its log:"
    tail -20 "$CY_DIR/master.log" >&2 || true
    stop
    return 1
  fi
  cat >"$CY_DIR/env" <<EOF
export PLI_TEST_CYRUS_IMAPS_HOST=localhost
export PLI_TEST_CYRUS_IMAPS_PORT=$CY_PORT
export PLI_TEST_CYRUS_CA=$c/ca.pem
export PLI_TEST_CYRUS_USERS="$USERS"
export PLI_TEST_CYRUS_PASSWORD=$CY_PASS
EOF
  say "Cyrus up on 127.0.0.1:$CY_PORT in $((SECONDS - t0)) s; source $CY_DIR/env"
  cat "$CY_DIR/env"
}

stop() {
  if [ -f "$CY_DIR/run/master.pid" ]; then
    # setsid made master a group leader: its group is master and the services it forked
    kill -- "-$(cat "$CY_DIR/run/master.pid")" 2>/dev/null || true
    rm -f "$CY_DIR/run/master.pid"
  fi
  say "stopped"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
