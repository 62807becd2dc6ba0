#!/usr/bin/env bash
# tests/cyrus/cyrus.sh -- a second IMAP server (Cyrus IMAP 3.6, Debian's) for the shared-box tests,
# started from the Debian packages unpacked in a private folder: Debian's cyrus-imapd conflicts
# with dovecot-imapd (installing it removes Dovecot, which the main stack needs), so it is never
# installed on the system.
#
#   tests/cyrus/cyrus.sh start   download (apt-get download) and unpack the packages once, make a
#                                CA and a certificate for localhost, two users with the stack's
#                                password, start Cyrus on 127.0.0.1 (IMAPS), print the env
#   tests/cyrus/cyrus.sh stop
#
# Env written to $CY_DIR/env (source it, then run the tests with it):
#   PLI_TEST_CYRUS_IMAPS_HOST PLI_TEST_CYRUS_IMAPS_PORT PLI_TEST_CYRUS_CA PLI_TEST_CYRUS_USERS
# The tests that use it (`cyrus_…` in crates/pli-core/tests/core/cyrus.rs) print
# SKIPPED-NO-CYRUS and pass when the variables are absent.
#
# Variables: CY_DIR (default /tmp/pli-cyrus), CY_PORT (default 29993), CY_PASS (default: the
# stack's PLI_TEST_PASSWORD, else pli-test).
set -euo pipefail

CY_DIR=${CY_DIR:-/tmp/pli-cyrus}
CY_PORT=${CY_PORT:-29993}
CY_PASS=${CY_PASS:-${PLI_TEST_PASSWORD:-pli-test}}
USERS="cyrus-a cyrus-b cyrus-pharmacy"
ROOT=$CY_DIR/root
BIN=$ROOT/usr/lib/cyrus/bin
say() { echo "cyrus.sh: $*" >&2; }

unpack() {
  [ -x "$BIN/master" ] && return
  mkdir -p "$CY_DIR/debs"
  (cd "$CY_DIR/debs" && apt-get download cyrus-imapd cyrus-common libical3 libxapian30 libzephyr4 \
     libpcre3 libclamav12 libmspack0 sasl2-bin >/dev/null 2>&1)
  for deb in "$CY_DIR"/debs/*.deb; do dpkg -x "$deb" "$ROOT"; done
}

start() {
  unpack
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
idlesocket: $CY_DIR/run/idle
notifysocket: $CY_DIR/run/notify
lmtpsocket: $CY_DIR/run/lmtp
proc_path: $CY_DIR/run/proc
mboxname_lockpath: $CY_DIR/run/lock
EOF
  cat >"$c/cyrus.conf" <<EOF
START {
  recover cmd="$BIN/ctl_cyrusdb -r -C $c/imapd.conf"
  idled cmd="$BIN/idled -C $c/imapd.conf"
}
SERVICES {
  imaps cmd="$BIN/imapd -s -C $c/imapd.conf" listen="127.0.0.1:$CY_PORT" prefork=1
}
EVENTS {
}
EOF
  export LD_LIBRARY_PATH=$ROOT/usr/lib/x86_64-linux-gnu:$ROOT/lib/x86_64-linux-gnu
  rm -f "$c/sasldb2"
  for user in $USERS cyrus; do
    printf '%s' "$CY_PASS" | "$ROOT/usr/sbin/saslpasswd2" -p -f "$c/sasldb2" -c "$user"
  done
  chmod 644 "$c/sasldb2"
  # Cyrus's master drops root for the `cyrus` user when there is one (cyrus-common's postinst made
  # it); the folder must then be its.
  if id cyrus >/dev/null 2>&1; then chown -R cyrus "$CY_DIR/conf" "$CY_DIR/lib" "$CY_DIR/spool" "$CY_DIR/run"; fi
  setsid "$BIN/master" -C "$c/imapd.conf" -M "$c/cyrus.conf" -p "$CY_DIR/run/master.pid" \
    >"$CY_DIR/master.log" 2>&1 </dev/null &
  for _ in $(seq 100); do
    (exec 3<>/dev/tcp/127.0.0.1/"$CY_PORT") 2>/dev/null && break
    sleep 0.1
  done
  cat >"$CY_DIR/env" <<EOF
export PLI_TEST_CYRUS_IMAPS_HOST=localhost
export PLI_TEST_CYRUS_IMAPS_PORT=$CY_PORT
export PLI_TEST_CYRUS_CA=$c/ca.pem
export PLI_TEST_CYRUS_USERS="$USERS"
export PLI_TEST_CYRUS_PASSWORD=$CY_PASS
EOF
  say "Cyrus up on 127.0.0.1:$CY_PORT; source $CY_DIR/env"
  cat "$CY_DIR/env"
}

stop() {
  if [ -f "$CY_DIR/run/master.pid" ]; then
    kill "$(cat "$CY_DIR/run/master.pid")" 2>/dev/null || true
    rm -f "$CY_DIR/run/master.pid"
  fi
  say "stopped"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
