#!/usr/bin/env bash
# mailstack.sh -- the real mail stack Pli's tests run against: Dovecot 2.3 + Postfix 3.7 on loopback.
#
# Usage (root; as a normal user the script re-executes itself through sudo):
#   mailstack.sh install            apt-get the packages if missing (Debian/Ubuntu; no-op when all present)
#   mailstack.sh start              certs + configs under $MT_DIR, start both servers, wait for the ports,
#                                   write $MT_DIR/env (harmless when already running: configs rewritten + reload)
#   mailstack.sh stop               stop both servers (by pid), wait until their ports are free
#   mailstack.sh purge              stop, then delete $MT_DIR
#   mailstack.sh status             say what runs
#   mailstack.sh env                print the `export` lines for the tests (same content as $MT_DIR/env)
#   mailstack.sh doveadm ARGS...    doveadm -c $MT_DIR/dovecot/dovecot.conf ARGS...
#   mailstack.sh fill USER N [MAILBOX] [--seed S] [--days D]
#                                   write N realistic French messages straight into USER's Maildir
#                                   (default MAILBOX INBOX, created if needed; in Sent: sent by USER),
#                                   UIDs in date order, then `doveadm force-resync`; 10,000 in ~1.5 s
#   mailstack.sh selftest [FILTER]  check every endpoint with python3 (stdlib): logins, sends, negatives
#   mailstack.sh add-user ADDR...   add users (password $MT_PASS) to the running stack, domains included
#   mailstack.sh token USER [TTL]   print an HS256 JWT (claim email=USER) accepted for XOAUTH2/OAUTHBEARER;
#                                   TTL seconds (default 600; negative = already expired)
#   mailstack.sh kill-dovecot       SIGKILL Dovecot's master and all its processes (connections drop at once)
#   mailstack.sh start-dovecot      start Dovecot again (then flushes Postfix's queue)
#   mailstack.sh stop-dovecot       stop Dovecot gracefully
#   mailstack.sh stop-postfix       stop Postfix only (ports 10025/10587/10465 refuse connections)
#   mailstack.sh start-postfix      start Postfix again
#
# Developer quick start:
#   sudo tests/mailstack/mailstack.sh install
#   tests/mailstack/mailstack.sh start && source /tmp/pli-mailstack/env
#   cargo nextest run ...            # or: tests/run.sh --stack-only  (starts, prints env, waits for Ctrl-C)
#   tests/mailstack/mailstack.sh stop
#
# Knobs (environment): MT_DIR (default /tmp/pli-mailstack), MT_PASS (default secret),
#   MT_USERS (replaces the default users), MT_EXTRA_USERS (space-separated addresses added to them),
#   MT_PORT_OFFSET (added to every port, to run another, independent stack: a number, or `auto` = the first
#     free one among 0, 12000, 14000, 16000, 18000, 20000; recorded in $MT_DIR/port-offset by `start`
#     and reused by the other commands; two stacks' offsets must differ by >= 2000; default 0),
#   MT_EXTRA_PKGS (extra Debian packages for `install` to add in the same apt-get run).
#
# Endpoints (every port + MT_PORT_OFFSET). Good endpoints: name `localhost` (= 127.0.0.1); the server cert
# has SAN DNS:localhost, IP:127.0.0.1, IP:::1 and is signed by $MT_DIR/tls/ca.pem.
#   127.0.0.1:10143  IMAP + STARTTLS (Dovecot)           127.0.0.1:10993  IMAPS (Dovecot)
#   127.0.0.1:10587  SMTP submission, STARTTLS required before AUTH, or a client cert (Postfix)
#   127.0.0.1:10465  SMTP submissions, implicit TLS; AUTH or a client cert (Postfix)
#   127.0.0.1:10025  SMTP "incoming MX", no auth, only for the test domains (Postfix) -- inject test mail here
#   127.0.0.1:10024  LMTP (Dovecot)                       127.0.0.1:10026  Dovecot auth for Postfix (internal)
#   127.0.0.1:11587 / 11465  Dovecot's own submission (STARTTLS / TLS; AUTH EXTERNAL with a client cert works)
# Negative endpoints (a client must refuse them):
#   127.0.0.3  expired cert (signed by the test CA, valid 2020-01-01..2021-01-01): IMAP 10143 STARTTLS,
#              IMAPS 10993, SMTP 10587 STARTTLS, SMTPS 10465
#   127.0.0.4  cert from an untrusted CA ("Pli Foreign Test CA"): same four ports
#   127.0.0.5  no STARTTLS at all: IMAP 10143 (Dovecot, accepts LOGIN in clear), SMTP 10587 (Postfix,
#              offers AUTH PLAIN LOGIN in clear)
#   127.0.0.6  the good cert, but 127.0.0.6 is not in its SAN (wrong host): IMAP 10143, IMAPS 10993,
#              SMTP 10587, SMTPS 10465
# OCSP (the certificates name a responder in their Authority Information Access; same four ports):
#   127.0.0.7  a cert the stack's responder (`openssl ocsp`, *:10888, signed by a delegated responder
#              certificate with id-kp-OCSPSigning) says is good
#   127.0.0.8  a cert the same responder says is revoked
#   127.0.0.9  a cert whose responder (127.0.0.1:10889) never answers: nothing listens there
#
# Env variables written to $MT_DIR/env (and printed by `mailstack.sh env`):
#   PLI_TEST_MAILSTACK=1  PLI_TEST_DIR (=MT_DIR)  MT_DIR  MT_PORT_OFFSET  PLI_TEST_MAILSTACK_SH (this script)
#   PLI_TEST_CA  PLI_TEST_FOREIGN_CA  PLI_TEST_TLS_NAME (localhost)  PLI_TEST_PASSWORD
#   PLI_TEST_USERS (space-separated)  PLI_TEST_USER_DOCTOR  PLI_TEST_USER_NURSE  PLI_TEST_USER_EHPAD
#   PLI_TEST_USER_PHARMACY  PLI_TEST_USER_PATIENT
#   PLI_TEST_{IMAP_STARTTLS,IMAPS,SMTP_SUBMISSION,SMTP_SUBMISSIONS,SMTP_INJECT,LMTP,
#             DOVECOT_SUBMISSION,DOVECOT_SUBMISSIONS}_{HOST,PORT}
#   PLI_TEST_{IMAP_NOSTARTTLS,SMTP_NOSTARTTLS}_{HOST,PORT}
#   PLI_TEST_{IMAP_STARTTLS,IMAPS,SMTP_SUBMISSION,SMTP_SUBMISSIONS}_{EXPIRED,UNTRUSTED,WRONGHOST}_{HOST,PORT}
#   PLI_TEST_{OCSP_GOOD,OCSP_REVOKED,OCSP_DOWN}_HOST  PLI_TEST_OCSP_URL (the responder)
#   PLI_TEST_EXPIRED_HOST  PLI_TEST_UNTRUSTED_HOST  PLI_TEST_NOSTARTTLS_HOST  PLI_TEST_WRONGHOST_HOST
#   PLI_TEST_INSECURE_SOURCE_IP (127.0.0.2: bind the client socket to it and Dovecot treats the
#                                connection as insecure -> LOGINDISABLED before STARTTLS)
#   PLI_TEST_OAUTH_KEY (raw 32-byte HS256 key)
#   PLI_TEST_CLIENT_CERT  PLI_TEST_CLIENT_KEY  PLI_TEST_CLIENT_P12  PLI_TEST_CLIENT_P12_PASSWORD
#   PLI_TEST_CLIENT_CERT_USER  PLI_TEST_FOREIGN_CLIENT_CERT  PLI_TEST_FOREIGN_CLIENT_KEY
#   PLI_TEST_FOREIGN_CLIENT_P12
#   PLI_TEST_DOVECOT_CONF  PLI_TEST_POSTFIX_CONF_DIR  PLI_TEST_LOG_DIR  PLI_TEST_MAIL_ROOT
#
# Everything lives under $MT_DIR (chmod 755); nothing is read from /etc/dovecot nor written to
# /etc/postfix; processes are only ever stopped by pid. Logs: $MT_DIR/log/{dovecot,postfix}.log.
set -euo pipefail

SELF=$(readlink -f "${BASH_SOURCE[0]}")
HERE=$(dirname "$SELF")

MT_DIR=${MT_DIR:-/tmp/pli-mailstack}
MT_PASS=${MT_PASS:-secret}
MT_USERS=${MT_USERS:-"dr.martin@ch-test.mssante.fr secretariat@ehpad-test.mssante.fr officine@pharmacie-test.mssante.fr infirmier.dupont@ch-test.mssante.fr 279035121518989@patient.mssante.fr"}
MT_EXTRA_USERS=${MT_EXTRA_USERS:-}
P12_PASS=p12secret
CERT_USER=dr.martin@ch-test.mssante.fr

port_open() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }
# Port offset: MT_PORT_OFFSET if numeric; else the one recorded in $MT_DIR/port-offset by `start`;
# MT_PORT_OFFSET=auto -> the first of 0, 12000, 14000, ... 20000 whose ports are all free; unset -> 0.
# Two stacks' offsets must differ by 2000 or more (offset 1000 would collide with 11465/11587 of offset 0).
if [[ ${MT_PORT_OFFSET:-} =~ ^[0-9]+$ ]]; then :
elif [ -f "$MT_DIR/port-offset" ]; then MT_PORT_OFFSET=$(cat "$MT_DIR/port-offset")
elif [ "${MT_PORT_OFFSET:-}" = auto ]; then
  # hand-picked offsets are usually < 10000; stay below the ephemeral range (32768+) where outgoing
  # connections could take our ports
  for MT_PORT_OFFSET in 0 12000 14000 16000 18000 20000; do
    busy=0
    for p in 10024 10025 10026 10143 10465 10587 10993 11465 11587; do
      if port_open 127.0.0.1 $((p + MT_PORT_OFFSET)); then busy=1; break; fi
    done
    # the OCSP responder's port is read from /proc, not probed: an empty connection makes
    # another stack's `openssl ocsp` spin on it
    if grep -qi ":$(printf '%04X' $((10888 + MT_PORT_OFFSET))) [0-9A-F:]* 0A " /proc/net/tcp /proc/net/tcp6 2>/dev/null; then busy=1; fi
    [ $busy = 0 ] && break
  done
  [ $busy = 0 ] || { echo "mailstack: error: no free port offset" >&2; exit 1; }
  unset busy p
else MT_PORT_OFFSET=0
fi

# ports
o=$MT_PORT_OFFSET
P_IMAP=$((10143 + o)) P_IMAPS=$((10993 + o)) P_LMTP=$((10024 + o)) P_SMTP=$((10025 + o))
P_AUTH=$((10026 + o)) P_SUB=$((10587 + o)) P_SUBS=$((10465 + o)) P_DSUB=$((11587 + o)) P_DSUBS=$((11465 + o))
# the OCSP responder, and a port nothing ever listens on (a responder that is down)
P_OCSP=$((10888 + o)) P_OCSP_DOWN=$((10889 + o))
unset o
# loopback addresses of the negative endpoints (Linux routes all of 127/8 to lo)
H_GOOD=127.0.0.1 H_INSECURE_SRC=127.0.0.2 H_EXPIRED=127.0.0.3 H_UNTRUSTED=127.0.0.4 H_NOTLS=127.0.0.5 H_WRONG=127.0.0.6
H_OCSP_GOOD=127.0.0.7 H_OCSP_REVOKED=127.0.0.8 H_OCSP_DOWN=127.0.0.9

T=$MT_DIR/tls
DCONF=$MT_DIR/dovecot/dovecot.conf
PDIR=$MT_DIR/postfix/etc
D_PID=$MT_DIR/run/dovecot/master.pid
O_PID=$MT_DIR/run/ocsp.pid
P_PID=$MT_DIR/postfix/spool/pid/master.pid

PKGS="dovecot-imapd dovecot-lmtpd dovecot-submissiond postfix openssl ca-certificates python3"

log() { echo "mailstack: $*" >&2; }
die() { echo "mailstack: error: $*" >&2; exit 1; }

all_users() { # default/MT_USERS + MT_EXTRA_USERS + those added by `add-user`, each once
  { printf '%s\n' $MT_USERS $MT_EXTRA_USERS; cat "$MT_DIR/extra-users" 2>/dev/null || true; } |
    awk 'NF && !seen[$0]++' | tr '\n' ' ' | sed 's/ $//'
}
all_domains() { local u; for u in $(all_users); do echo "${u#*@}"; done | sort -u | tr '\n' ' '; }

need_root() {
  [ "$(id -u)" = 0 ] && return 0
  command -v sudo >/dev/null || die "must run as root (no sudo found)"
  exec sudo --preserve-env=MT_DIR,MT_PASS,MT_USERS,MT_EXTRA_USERS,MT_PORT_OFFSET,MT_EXTRA_PKGS "$SELF" "$@"
}

# ---------------------------------------------------------------- install
pkg_installed() { [ "$(dpkg-query -W -f='${db:Status-Abbrev}' "$1" 2>/dev/null)" = "ii " ]; }

install_pkgs() {
  local missing=() p
  for p in $PKGS ${MT_EXTRA_PKGS:-}; do pkg_installed "$p" || missing+=("$p"); done
  if [ ${#missing[@]} -eq 0 ]; then log "packages already installed"; else
    log "installing: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
  ensure_vmail
}

ensure_vmail() {
  id vmail >/dev/null 2>&1 || useradd --system --user-group --no-create-home --shell /usr/sbin/nologin vmail
}

# ---------------------------------------------------------------- TLS material
# key + CSR: new_req NAME SUBJECT
new_req() {
  openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "$2" \
    -keyout "$T/$1.key" -out "$T/$1.csr" 2>/dev/null
}
# sign NAME CA EXTFILE DAYS
sign() {
  openssl x509 -req -in "$T/$1.csr" -CA "$T/$2.pem" -CAkey "$T/$2.key" -CAcreateserial -days "$4" \
    -extfile "$3" -out "$T/$1.pem" 2>/dev/null
}
new_ca() { # NAME CN
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 3650 -subj "/O=Pli tests/CN=$2" \
    -keyout "$T/$1.key" -out "$T/$1.pem" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
}

make_tls() {
  [ -f "$T/done" ] && return 0
  rm -rf "$T"; mkdir -p "$T"
  new_ca ca "Pli Test CA"
  new_ca foreign-ca "Pli Foreign Test CA"
  server_ext() { # extra SAN entries
    printf '%s\n' "basicConstraints=critical,CA:FALSE" "keyUsage=critical,digitalSignature" \
      "extendedKeyUsage=serverAuth" "subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1$1"
  }
  # good server cert; 127.0.0.6 deliberately absent (wrong-host endpoint)
  server_ext "" > "$T/server.ext"
  new_req server "/O=Pli tests/CN=localhost"; sign server ca "$T/server.ext" 3650
  # cert from an untrusted CA
  server_ext ",IP:$H_UNTRUSTED" > "$T/untrusted.ext"
  new_req untrusted "/O=Pli tests/CN=localhost"; sign untrusted foreign-ca "$T/untrusted.ext" 3650
  # expired cert, signed by the trusted CA: `openssl x509 -req` (3.0) has no not-before option -> `openssl ca`
  server_ext ",IP:$H_EXPIRED" > "$T/expired.ext"
  new_req expired "/O=Pli tests/CN=localhost"
  mkdir -p "$T/expired-ca"; : > "$T/expired-ca/index.txt"; echo 1000 > "$T/expired-ca/serial"
  cat > "$T/expired-ca/ca.cnf" <<EOF
[ca]
default_ca = tmp
[tmp]
database = $T/expired-ca/index.txt
serial = $T/expired-ca/serial
new_certs_dir = $T/expired-ca
certificate = $T/ca.pem
private_key = $T/ca.key
default_md = sha256
policy = any
unique_subject = no
copy_extensions = none
[any]
commonName = supplied
organizationName = optional
EOF
  openssl ca -batch -notext -config "$T/expired-ca/ca.cnf" -startdate 20200101000000Z -enddate 20210101000000Z \
    -extfile "$T/expired.ext" -in "$T/expired.csr" -out "$T/expired.pem" 2>/dev/null
  # client certificates (CN = the mailbox address), PKCS#12 with PBES2/AES-256-CBC + SHA-256 MAC
  printf '%s\n' "basicConstraints=critical,CA:FALSE" "keyUsage=critical,digitalSignature" \
    "extendedKeyUsage=clientAuth" "subjectAltName=email:$CERT_USER" > "$T/client.ext"
  new_req client-dr.martin "/O=Pli tests/CN=$CERT_USER"; sign client-dr.martin ca "$T/client.ext" 3650
  new_req client-foreign "/O=Pli tests/CN=$CERT_USER"; sign client-foreign foreign-ca "$T/client.ext" 3650
  local c
  for c in client-dr.martin:ca client-foreign:foreign-ca; do
    openssl pkcs12 -export -in "$T/${c%%:*}.pem" -inkey "$T/${c%%:*}.key" -certfile "$T/${c#*:}.pem" \
      -name "$CERT_USER" -passout "pass:$P12_PASS" \
      -certpbe AES-256-CBC -keypbe AES-256-CBC -macalg sha256 -out "$T/${c%%:*}.p12"
  done
  rm -f "$T"/*.csr "$T"/*.srl
  chmod 0644 "$T"/*.pem "$T"/client-*.key "$T"/*.p12   # test material: tests may run as another user
  chmod 0600 "$T"/ca.key "$T"/foreign-ca.key "$T"/server.key "$T"/untrusted.key "$T"/expired.key
  touch "$T/done"
}

# The OCSP material: the responder's address is in the certificates, and it holds the port (which
# the port offset moves), so it is made again when the port changes.
make_ocsp_tls() {
  local o=$T/ocsp url="http://127.0.0.1:$P_OCSP/"
  [ -f "$o/done-$P_OCSP" ] && return 0
  rm -rf "$o"; mkdir -p "$o"
  printf '%s\n' "basicConstraints=critical,CA:FALSE" "keyUsage=critical,digitalSignature" \
    "extendedKeyUsage=OCSPSigning" > "$o/responder.ext"
  new_req ocsp/responder "/O=Pli tests/CN=Pli Test OCSP responder"; sign ocsp/responder ca "$o/responder.ext" 3650
  ocsp_ext() { # HOST RESPONDER_URL
    printf '%s\n' "basicConstraints=critical,CA:FALSE" "keyUsage=critical,digitalSignature" \
      "extendedKeyUsage=serverAuth" "subjectAltName=DNS:localhost,IP:$1" "authorityInfoAccess=OCSP;URI:$2"
  }
  ocsp_ext "$H_OCSP_GOOD" "$url" > "$o/good.ext"
  ocsp_ext "$H_OCSP_REVOKED" "$url" > "$o/revoked.ext"
  ocsp_ext "$H_OCSP_DOWN" "http://127.0.0.1:$P_OCSP_DOWN/" > "$o/down.ext"
  local c line
  for c in good revoked down; do
    new_req "ocsp/$c" "/O=Pli tests/CN=localhost"; sign "ocsp/$c" ca "$o/$c.ext" 3650
  done
  # the responder's database, in `openssl ca`'s index format: V(alid) or R(evoked), the end of
  # validity, the revocation date, the serial, the file, the subject
  : > "$o/index.txt"
  for c in good revoked; do
    local serial end
    serial=$(openssl x509 -in "$o/$c.pem" -noout -serial | cut -d= -f2)
    end=$(date -u -d "$(openssl x509 -in "$o/$c.pem" -noout -enddate | cut -d= -f2)" +%y%m%d%H%M%SZ)
    if [ $c = good ]; then line="V\t$end\t\t$serial\tunknown\t/O=Pli tests/CN=localhost"
    else line="R\t$end\t$(date -u +%y%m%d%H%M%SZ),keyCompromise\t$serial\tunknown\t/O=Pli tests/CN=localhost"; fi
    printf "$line\n" >> "$o/index.txt"
  done
  rm -f "$o"/*.csr "$T"/*.srl
  chmod 0644 "$o"/*.pem; chmod 0600 "$o"/*.key
  touch "$o/done-$P_OCSP"
}

# ---------------------------------------------------------------- Dovecot
write_dovecot_conf() {
  local d=$MT_DIR/dovecot u
  mkdir -p "$d" "$MT_DIR/log" "$MT_DIR/mail" "$MT_DIR/oauth2/keys/default/HS256"
  chown vmail:vmail "$MT_DIR/mail"
  : > "$d/users.new"; : > "$d/users-cert.new"
  for u in $(all_users); do
    echo "$u:{PLAIN}$MT_PASS::::::" >> "$d/users.new"
    echo "$u:::::::nopassword=y" >> "$d/users-cert.new"   # for EXTERNAL: the user must exist, no password
  done
  chmod 0640 "$d"/users*.new; chown root:dovecot "$d"/users*.new
  mv -f "$d/users.new" "$d/users"; mv -f "$d/users-cert.new" "$d/users-cert"
  # XOAUTH2/OAUTHBEARER: HS256 JWTs signed with hs256.key (raw 32 bytes), validated locally by Dovecot
  # (signature, exp, nbf); claim "email" must equal the SASL user.
  if [ ! -f "$MT_DIR/oauth2/hs256.key" ]; then
    head -c 32 /dev/urandom > "$MT_DIR/oauth2/hs256.key"
    base64 -w0 "$MT_DIR/oauth2/hs256.key" > "$MT_DIR/oauth2/keys/default/HS256/default"
  fi
  chmod -R a+rX "$MT_DIR/oauth2"
  printf '%s\n' "introspection_mode = local" \
    "local_validation_key_dict = fs:posix:prefix=$MT_DIR/oauth2/keys/" \
    "username_attribute = email" > "$d/oauth2.conf.ext"
  cat > "$DCONF" <<EOF
# Self-contained Dovecot 2.3 config for Pli's tests (loopback only), written by mailstack.sh.
protocols = imap lmtp submission
listen = $H_GOOD
base_dir = $MT_DIR/run/dovecot
state_dir = $MT_DIR/state/dovecot
instance_name = pli-mailstack$MT_PORT_OFFSET
log_path = $MT_DIR/log/dovecot.log
info_log_path = $MT_DIR/log/dovecot.log
auth_verbose = yes
default_internal_user = dovecot
default_login_user = dovenull
default_process_limit = 500
default_client_limit = 2000
hostname = localhost

ssl = yes
ssl_cert = <$T/server.pem
ssl_key = <$T/server.key
ssl_min_protocol = TLSv1.2
# client certificates: asked for (not required), verified against the test CA;
# a valid cert's CN is the username for SASL EXTERNAL (and overrides the user of any other mechanism!)
ssl_ca = <$T/ca.pem
ssl_verify_client_cert = yes
ssl_require_crl = no
ssl_cert_username_field = commonName
auth_ssl_username_from_cert = yes

disable_plaintext_auth = yes
auth_mechanisms = plain login xoauth2 oauthbearer external
# default 2 s would slow down negative-auth tests
auth_failure_delay = 0

# negative endpoints, selected by the local address the client connected to
local $H_EXPIRED {
  ssl_cert = <$T/expired.pem
  ssl_key = <$T/expired.key
}
local $H_UNTRUSTED {
  ssl_cert = <$T/untrusted.pem
  ssl_key = <$T/untrusted.key
}
local $H_OCSP_GOOD {
  ssl_cert = <$T/ocsp/good.pem
  ssl_key = <$T/ocsp/good.key
}
local $H_OCSP_REVOKED {
  ssl_cert = <$T/ocsp/revoked.pem
  ssl_key = <$T/ocsp/revoked.key
}
local $H_OCSP_DOWN {
  ssl_cert = <$T/ocsp/down.pem
  ssl_key = <$T/ocsp/down.key
}
local $H_NOTLS {
  ssl = no
  disable_plaintext_auth = no
}

# EXTERNAL: no password, but the user (cert CN) must exist
passdb {
  driver = passwd-file
  mechanisms = external
  args = username_format=%u $d/users-cert
}
passdb {
  driver = oauth2
  mechanisms = xoauth2 oauthbearer
  args = $d/oauth2.conf.ext
}
passdb {
  driver = passwd-file
  mechanisms = plain login
  args = scheme=PLAIN username_format=%u $d/users
}
userdb {
  driver = passwd-file
  args = username_format=%u $d/users
  default_fields = uid=vmail gid=vmail home=$MT_DIR/mail/%d/%n
}
mail_location = maildir:~/Maildir
first_valid_uid = 100
mail_max_userip_connections = 200
# tests do not need durability against power loss; faster deliveries
mail_fsync = never
# ACLs from a folder's dovecot-acl file (doveadm acl set); without one the owner has every
# right. A test takes the right to write keywords away from one folder: its PERMANENTFLAGS then
# lack the create-keywords flag, as on a server where sharing between clients is limited.
mail_plugins = \$mail_plugins acl
plugin {
  acl = vfile
}

namespace inbox {
  inbox = yes
  separator = /
  mailbox Drafts {
    special_use = \\Drafts
    auto = subscribe
  }
  mailbox Sent {
    special_use = \\Sent
    auto = subscribe
  }
  mailbox Trash {
    special_use = \\Trash
    auto = subscribe
  }
  mailbox Junk {
    special_use = \\Junk
    auto = create
  }
  mailbox Archives {
    special_use = \\Archive
    auto = subscribe
  }
}

service imap-login {
  inet_listener imap {
    address = $H_GOOD $H_EXPIRED $H_UNTRUSTED $H_NOTLS $H_WRONG $H_OCSP_GOOD $H_OCSP_REVOKED $H_OCSP_DOWN
    port = $P_IMAP
  }
  inet_listener imaps {
    address = $H_GOOD $H_EXPIRED $H_UNTRUSTED $H_WRONG $H_OCSP_GOOD $H_OCSP_REVOKED $H_OCSP_DOWN
    port = $P_IMAPS
    ssl = yes
  }
}
service lmtp {
  inet_listener lmtp {
    address = $H_GOOD
    port = $P_LMTP
  }
}
service submission-login {
  inet_listener submission {
    address = $H_GOOD
    port = $P_DSUB
  }
  inet_listener submissions {
    address = $H_GOOD
    port = $P_DSUBS
    ssl = yes
  }
}
# no growing per-IP delay after failed logins (anvil auth penalty): negative-auth tests stay fast
service anvil {
  unix_listener anvil-auth-penalty {
    mode = 0
  }
}
# SASL for Postfix smtpd
service auth {
  inet_listener {
    address = $H_GOOD
    port = $P_AUTH
  }
}
protocol lmtp {
  auth_username_format = %Lu
}
# Dovecot's own submission service relays to Postfix's plain SMTP port
submission_relay_host = $H_GOOD
submission_relay_port = $P_SMTP
submission_relay_trusted = yes
EOF
}

# ---------------------------------------------------------------- Postfix
write_postfix_conf() {
  local p=$MT_DIR/postfix u
  mkdir -p "$PDIR" "$p/spool" "$p/data"
  chown postfix:postfix "$p/data"
  for u in $(all_users); do echo "$u OK"; done > "$PDIR/vmailbox.new"
  replace_if_changed "$PDIR/vmailbox"
  cat > "$PDIR/main.cf.new" <<EOF
# Self-contained Postfix 3.7 config for Pli's tests (loopback only), written by mailstack.sh.
compatibility_level = 3.6
queue_directory = $p/spool
data_directory = $p/data
meta_directory = /etc/postfix
mail_owner = postfix
setgid_group = postdrop
maillog_file = $MT_DIR/log/postfix.log
maillog_file_prefixes = $MT_DIR/log
myhostname = localhost
mydomain = localdomain
myorigin = localhost
mydestination =
inet_interfaces = $H_GOOD
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
smtpd_peername_lookup = no
disable_dns_lookups = yes
smtp_dns_support_level = disabled
biff = no
alias_maps =
alias_database =
local_recipient_maps =
virtual_mailbox_domains = $(all_domains)
virtual_mailbox_maps = texthash:$PDIR/vmailbox
virtual_transport = lmtp:inet:$H_GOOD:$P_LMTP
# anything not for the test domains is refused: nothing leaves this machine
default_transport = error:external delivery disabled on test server
relay_transport = error:external delivery disabled on test server
smtpd_relay_restrictions = permit_sasl_authenticated, reject_unauth_destination
smtpd_recipient_restrictions = permit_sasl_authenticated, reject_unauth_destination
smtpd_tls_cert_file = $T/server.pem
smtpd_tls_key_file = $T/server.key
smtpd_tls_CAfile = $T/ca.pem
smtpd_tls_security_level = may
smtpd_tls_loglevel = 1
smtpd_tls_received_header = yes
smtpd_sasl_type = dovecot
smtpd_sasl_path = inet:$H_GOOD:$P_AUTH
smtpd_sasl_auth_enable = no
smtpd_error_sleep_time = 0
message_size_limit = 52428800
# retry quickly when Dovecot (LMTP) was down
queue_run_delay = 1s
minimal_backoff_time = 1s
maximal_backoff_time = 5s
EOF
  # submission services: AUTH (SASL via Dovecot) after TLS, or a client certificate signed by the test CA
  local auth_or_cert="-o smtpd_sasl_auth_enable=yes
  -o smtpd_tls_ask_ccert=yes
  -o smtpd_client_restrictions=permit_sasl_authenticated,permit_tls_all_clientcerts,reject
  -o smtpd_relay_restrictions=permit_sasl_authenticated,permit_tls_all_clientcerts,reject_unauth_destination
  -o smtpd_recipient_restrictions=permit_sasl_authenticated,permit_tls_all_clientcerts,reject_unauth_destination"
  sub() { # HOST NAME [extra -o lines]
    printf '%s\n' "$1:$P_SUB  inet  n       -      n      -      -       smtpd" \
      "  -o syslog_name=postfix/$2" "  -o smtpd_tls_security_level=encrypt" "  -o smtpd_tls_auth_only=yes" \
      "  $auth_or_cert" "${@:3}"
  }
  subs() {
    printf '%s\n' "$1:$P_SUBS  inet  n       -      n      -      -       smtpd" \
      "  -o syslog_name=postfix/$2" "  -o smtpd_tls_wrappermode=yes" "  $auth_or_cert" "${@:3}"
  }
  {
    echo "# service        type  private unpriv chroot wakeup maxproc command"
    echo "$H_GOOD:$P_SMTP  inet  n       -      n      -      -       smtpd"
    sub "$H_GOOD" submission
    subs "$H_GOOD" submissions
    sub "$H_WRONG" submission-wronghost
    subs "$H_WRONG" submissions-wronghost
    sub "$H_EXPIRED" submission-expired "  -o smtpd_tls_cert_file=$T/expired.pem" "  -o smtpd_tls_key_file=$T/expired.key"
    subs "$H_EXPIRED" submissions-expired "  -o smtpd_tls_cert_file=$T/expired.pem" "  -o smtpd_tls_key_file=$T/expired.key"
    sub "$H_UNTRUSTED" submission-untrusted "  -o smtpd_tls_cert_file=$T/untrusted.pem" "  -o smtpd_tls_key_file=$T/untrusted.key"
    subs "$H_UNTRUSTED" submissions-untrusted "  -o smtpd_tls_cert_file=$T/untrusted.pem" "  -o smtpd_tls_key_file=$T/untrusted.key"
    local c h
    for c in good:$H_OCSP_GOOD revoked:$H_OCSP_REVOKED down:$H_OCSP_DOWN; do
      h=${c#*:}; c=${c%%:*}
      sub "$h" "submission-ocsp-$c" "  -o smtpd_tls_cert_file=$T/ocsp/$c.pem" "  -o smtpd_tls_key_file=$T/ocsp/$c.key"
      subs "$h" "submissions-ocsp-$c" "  -o smtpd_tls_cert_file=$T/ocsp/$c.pem" "  -o smtpd_tls_key_file=$T/ocsp/$c.key"
    done
    # no STARTTLS offered at all, AUTH offered in clear (a downgraded server: the client must not log in)
    printf '%s\n' "$H_NOTLS:$P_SUB  inet  n       -      n      -      -       smtpd" \
      "  -o syslog_name=postfix/submission-notls" "  -o smtpd_tls_security_level=none" \
      "  -o smtpd_sasl_auth_enable=yes" "  -o smtpd_tls_auth_only=no" \
      "  -o smtpd_client_restrictions=permit_sasl_authenticated,reject"
    cat <<'EOF'
pickup     unix  n       -       n       60      1       pickup
cleanup    unix  n       -       n       -       0       cleanup
qmgr       unix  n       -       n       300     1       qmgr
tlsmgr     unix  -       -       n       1000?   1       tlsmgr
rewrite    unix  -       -       n       -       -       trivial-rewrite
bounce     unix  -       -       n       -       0       bounce
defer      unix  -       -       n       -       0       bounce
trace      unix  -       -       n       -       0       bounce
verify     unix  -       -       n       -       1       verify
flush      unix  n       -       n       1000?   0       flush
proxymap   unix  -       -       n       -       -       proxymap
proxywrite unix  -       -       n       -       1       proxymap
smtp       unix  -       -       n       -       -       smtp
relay      unix  -       -       n       -       -       smtp
showq      unix  n       -       n       -       -       showq
error      unix  -       -       n       -       -       error
retry      unix  -       -       n       -       -       error
discard    unix  -       -       n       -       -       discard
lmtp       unix  -       -       n       -       -       lmtp
anvil      unix  -       -       n       -       1       anvil
scache     unix  -       -       n       -       1       scache
postlog    unix-dgram n  -       n       -       1       postlogd
EOF
  } > "$PDIR/master.cf.new"
  # `postfix start` runs 2 s longer when main.cf changed (post-install re-checks every parameter):
  # only replace files whose content changed
  replace_if_changed "$PDIR/main.cf"; replace_if_changed "$PDIR/master.cf"
}

replace_if_changed() { # FILE: FILE.new -> FILE unless identical
  if cmp -s "$1.new" "$1"; then rm -f "$1.new"; else mv -f "$1.new" "$1"; fi
}

# ---------------------------------------------------------------- process control
alive() { # pid -> running and not a zombie (PID 1 may reap late; kill -0 succeeds on zombies)
  [ -n "${1:-}" ] && [ -r "/proc/$1/stat" ] && [ "$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1)" != Z ]
}
pid_of() { [ -f "$1" ] && tr -d ' \n' < "$1" || true; }
dovecot_running() { alive "$(pid_of "$D_PID")"; }
postfix_running() { alive "$(pid_of "$P_PID")"; }

wait_port() { # host port timeout_s
  local i
  for ((i = 0; i < $3 * 20; i++)); do port_open "$1" "$2" && return 0; sleep 0.05; done
  die "$1:$2 did not open within $3 s (see $MT_DIR/log/)"
}
wait_port_closed() {
  local i
  for ((i = 0; i < $3 * 20; i++)); do port_open "$1" "$2" || return 0; sleep 0.05; done
  log "warning: $1:$2 still open after $3 s"
}
wait_dead() { # pid timeout_s -> SIGKILL after timeout
  local i
  for ((i = 0; i < $2 * 20; i++)); do alive "$1" || return 0; sleep 0.05; done
  kill -KILL "$1" 2>/dev/null || true
}
# cleartext ports to probe (a bare connect to a TLS port logs an SSL_accept error)
DOVECOT_PROBES="$H_GOOD:$P_IMAP $H_GOOD:$P_LMTP $H_GOOD:$P_AUTH $H_GOOD:$P_DSUB $H_NOTLS:$P_IMAP"
POSTFIX_PROBES="$H_GOOD:$P_SMTP $H_GOOD:$P_SUB $H_NOTLS:$P_SUB"

check_ports_free() { # probes...
  local hp
  for hp in "$@"; do
    if port_open "${hp%:*}" "${hp#*:}"; then
      die "port $hp is already in use (another mail stack? stop it with MT_DIR=<its dir> $SELF stop, or set MT_PORT_OFFSET)"
    fi
  done
}

start_dovecot() {
  dovecot_running && return 0
  rm -f "$D_PID"   # stale (e.g. a not-yet-reaped zombie): dovecot would refuse to start
  check_ports_free $DOVECOT_PROBES
  # no inherited stdio: a caller reading our output through a pipe would otherwise wait for the daemons
  if ! dovecot -c "$DCONF" </dev/null >>"$MT_DIR/log/dovecot-start.log" 2>&1; then
    tail -5 "$MT_DIR/log/dovecot-start.log" >&2
    die "dovecot failed to start: see $MT_DIR/log/dovecot-start.log and dovecot.log"
  fi
  local hp; for hp in $DOVECOT_PROBES; do wait_port "${hp%:*}" "${hp#*:}" 15; done
}
start_postfix() {
  postfix_running && return 0
  check_ports_free $POSTFIX_PROBES
  if ! postfix -c "$PDIR" start </dev/null >>"$MT_DIR/log/postfix-start.log" 2>&1; then
    # without a tty postfix may say nothing: rerun the check under a pty for a readable error
    script -qc "postfix -c $PDIR check" /dev/null >&2 || true
    die "postfix failed to start: see $MT_DIR/log/postfix-start.log and postfix.log"
  fi
  local hp; for hp in $POSTFIX_PROBES; do wait_port "${hp%:*}" "${hp#*:}" 15; done
}

# The OCSP responder: `openssl ocsp` answers from the index written by make_ocsp_tls (which it
# reads at start), its answers signed by the delegated responder certificate, valid for a day.
ocsp_running() { alive "$(pid_of "$O_PID")"; }
start_ocsp() {
  ocsp_running && return 0
  listening "$P_OCSP" && die "port $P_OCSP is already in use (another mail stack?)"
  mkdir -p "$(dirname "$O_PID")"
  local o=$T/ocsp
  # -multi: children answer, and one that meets a bad request (a bare port probe) exits and is
  # replaced, where a single process would stop or (-ignore_err) spin on it. Only the standard
  # streams are kept: an inherited pipe would keep a caller reading ours waiting.
  bash -c 'for fd in /proc/$$/fd/*; do n=${fd##*/}; [ "$n" -gt 2 ] && eval "exec $n>&-"; done; exec "$@"' ocsp \
    openssl ocsp -index "$o/index.txt" -port "$P_OCSP" -CA "$T/ca.pem" \
    -rsigner "$o/responder.pem" -rkey "$o/responder.key" -ndays 1 -multi 2 -timeout 5 \
    </dev/null >>"$MT_DIR/log/ocsp.log" 2>&1 &
  echo $! > "$O_PID"
  # not a probe: a connection that sends nothing makes `openssl ocsp` (3.0) spin on it for good
  local i; for ((i = 0; i < 300; i++)); do listening "$P_OCSP" && return 0; sleep 0.05; done
  die "the OCSP responder did not start: see $MT_DIR/log/ocsp.log"
}
listening() { # PORT -> some socket listens on it (from /proc, without connecting)
  local hex; hex=$(printf ':%04X' "$1")
  cat /proc/net/tcp /proc/net/tcp6 2>/dev/null | awk -v p="$hex" '$2 ~ p"$" && $4 == "0A" { found = 1 } END { exit !found }'
}
stop_ocsp() {
  local m; m=$(pid_of "$O_PID")
  # the parent of -multi does not always end its children on TERM: every one is signalled
  if alive "$m"; then
    local all; all="$m $(descendants "$m")"
    kill -TERM $all 2>/dev/null || true
    local p; for p in $all; do wait_dead "$p" 5; done
  fi
  rm -f "$O_PID"
}

descendants() { # pid -> pids of all its descendants (from /proc, by parent pid)
  cat /proc/[0-9]*/stat 2>/dev/null | awk -v root="$1" '
    { pid = $1; line = $0; sub(/.*\) /, "", line); split(line, f, " "); pp[pid] = f[2] }
    END { n = 1; q[1] = root; while (n > 0) { p = q[n]; n--; for (c in pp) if (pp[c] == p) { print c; q[++n] = c } } }'
}

kill_dovecot() {
  local m; m=$(pid_of "$D_PID")
  if ! alive "$m"; then log "dovecot not running"; rm -f "$D_PID"; return 0; fi
  local all; all="$m $(descendants "$m")"
  kill -KILL $all 2>/dev/null || true
  local p; for p in $all; do wait_dead "$p" 5; done
  rm -f "$D_PID"
  local hp; for hp in $DOVECOT_PROBES; do wait_port_closed "${hp%:*}" "${hp#*:}" 5; done
}

stop_dovecot() {
  local m; m=$(pid_of "$D_PID")
  if alive "$m"; then
    doveadm -c "$DCONF" stop 2>/dev/null || kill -TERM "$m" 2>/dev/null || true
    wait_dead "$m" 10
  fi
  rm -f "$D_PID"
  local hp; for hp in $DOVECOT_PROBES; do wait_port_closed "${hp%:*}" "${hp#*:}" 10; done
}

stop_postfix() {
  local m; m=$(pid_of "$P_PID")
  if alive "$m"; then
    postfix -c "$PDIR" stop >/dev/null 2>&1 || kill -TERM "$m" 2>/dev/null || true
    wait_dead "$m" 10
  fi
  local hp; for hp in $POSTFIX_PROBES; do wait_port_closed "${hp%:*}" "${hp#*:}" 10; done
}

# ---------------------------------------------------------------- env
env_lines() {
  e() { # single-quoted unless plain, so that the file is also easy to parse outside a shell
    if [[ $2 =~ ^[A-Za-z0-9@%+=:,./_-]*$ ]]; then printf 'export %s=%s\n' "$1" "$2"
    else printf "export %s='%s'\n" "$1" "${2//\'/\'\\\'\'}"; fi
  }
  ep() { e "PLI_TEST_$1_HOST" "$2"; e "PLI_TEST_$1_PORT" "$3"; }
  e PLI_TEST_MAILSTACK 1
  e PLI_TEST_DIR "$MT_DIR"
  e MT_DIR "$MT_DIR"
  e MT_PORT_OFFSET "$MT_PORT_OFFSET"
  e PLI_TEST_MAILSTACK_SH "$SELF"
  e PLI_TEST_CA "$T/ca.pem"
  e PLI_TEST_FOREIGN_CA "$T/foreign-ca.pem"
  e PLI_TEST_TLS_NAME localhost
  e PLI_TEST_PASSWORD "$MT_PASS"
  e PLI_TEST_USERS "$(all_users)"
  e PLI_TEST_USER_DOCTOR dr.martin@ch-test.mssante.fr
  e PLI_TEST_USER_NURSE infirmier.dupont@ch-test.mssante.fr
  e PLI_TEST_USER_EHPAD secretariat@ehpad-test.mssante.fr
  e PLI_TEST_USER_PHARMACY officine@pharmacie-test.mssante.fr
  e PLI_TEST_USER_PATIENT 279035121518989@patient.mssante.fr
  ep IMAP_STARTTLS localhost "$P_IMAP"
  ep IMAPS localhost "$P_IMAPS"
  ep SMTP_SUBMISSION localhost "$P_SUB"
  ep SMTP_SUBMISSIONS localhost "$P_SUBS"
  ep SMTP_INJECT "$H_GOOD" "$P_SMTP"
  ep LMTP "$H_GOOD" "$P_LMTP"
  ep DOVECOT_SUBMISSION localhost "$P_DSUB"
  ep DOVECOT_SUBMISSIONS localhost "$P_DSUBS"
  ep IMAP_NOSTARTTLS "$H_NOTLS" "$P_IMAP"
  ep SMTP_NOSTARTTLS "$H_NOTLS" "$P_SUB"
  local kind host
  for kind in EXPIRED:$H_EXPIRED UNTRUSTED:$H_UNTRUSTED WRONGHOST:$H_WRONG; do
    host=${kind#*:}; kind=${kind%%:*}
    e "PLI_TEST_${kind}_HOST" "$host"
    ep "IMAP_STARTTLS_$kind" "$host" "$P_IMAP"
    ep "IMAPS_$kind" "$host" "$P_IMAPS"
    ep "SMTP_SUBMISSION_$kind" "$host" "$P_SUB"
    ep "SMTP_SUBMISSIONS_$kind" "$host" "$P_SUBS"
  done
  e PLI_TEST_NOSTARTTLS_HOST "$H_NOTLS"
  e PLI_TEST_OCSP_GOOD_HOST "$H_OCSP_GOOD"
  e PLI_TEST_OCSP_REVOKED_HOST "$H_OCSP_REVOKED"
  e PLI_TEST_OCSP_DOWN_HOST "$H_OCSP_DOWN"
  e PLI_TEST_OCSP_URL "http://127.0.0.1:$P_OCSP/"
  e PLI_TEST_INSECURE_SOURCE_IP "$H_INSECURE_SRC"
  e PLI_TEST_OAUTH_KEY "$MT_DIR/oauth2/hs256.key"
  e PLI_TEST_CLIENT_CERT "$T/client-dr.martin.pem"
  e PLI_TEST_CLIENT_KEY "$T/client-dr.martin.key"
  e PLI_TEST_CLIENT_P12 "$T/client-dr.martin.p12"
  e PLI_TEST_CLIENT_P12_PASSWORD "$P12_PASS"
  e PLI_TEST_CLIENT_CERT_USER "$CERT_USER"
  e PLI_TEST_FOREIGN_CLIENT_CERT "$T/client-foreign.pem"
  e PLI_TEST_FOREIGN_CLIENT_KEY "$T/client-foreign.key"
  e PLI_TEST_FOREIGN_CLIENT_P12 "$T/client-foreign.p12"
  e PLI_TEST_DOVECOT_CONF "$DCONF"
  e PLI_TEST_POSTFIX_CONF_DIR "$PDIR"
  e PLI_TEST_LOG_DIR "$MT_DIR/log"
  e PLI_TEST_MAIL_ROOT "$MT_DIR/mail"
}

# ---------------------------------------------------------------- commands
cmd_start() {
  command -v dovecot >/dev/null && command -v postfix >/dev/null || die "dovecot/postfix missing: run '$SELF install'"
  ensure_vmail
  mkdir -p "$MT_DIR"; chmod 0755 "$MT_DIR"
  local parent=$MT_DIR
  while parent=$(dirname "$parent"); [ "$parent" != / ]; do   # every parent must be traversable
    runuser -u dovenull -- test -x "$parent" 2>/dev/null || die "$parent is not traversable by other users; choose another MT_DIR"
  done
  mkdir -p "$MT_DIR/log"
  exec 9>>"$MT_DIR/users.lock"; flock 9
  echo "$MT_PORT_OFFSET" > "$MT_DIR/port-offset"
  make_tls
  make_ocsp_tls
  write_dovecot_conf
  write_postfix_conf
  exec 9>&-   # never let the daemons inherit the lock
  if dovecot_running; then doveadm -c "$DCONF" reload </dev/null; else start_dovecot; fi
  if postfix_running; then postfix -c "$PDIR" reload </dev/null >/dev/null 2>&1; else start_postfix; fi
  start_ocsp
  env_lines > "$MT_DIR/env"
  if [ -n "${SUDO_UID:-}" ]; then chown "$SUDO_UID" "$MT_DIR/env"; fi
  log "up in $MT_DIR (dovecot pid $(pid_of "$D_PID"), postfix pid $(pid_of "$P_PID")); source $MT_DIR/env"
}

cmd_add_user() { # ADDR... : add users to a running (or not yet started) stack
  [ $# -ge 1 ] || die "usage: add-user ADDRESS..."
  local u
  for u in "$@"; do [[ $u =~ ^[A-Za-z0-9._+-]+@[A-Za-z0-9.-]+$ ]] || die "not an address: $u"; done
  mkdir -p "$MT_DIR"
  exec 9>>"$MT_DIR/users.lock"; flock 9   # tests may add users in parallel
  printf '%s\n' "$@" >> "$MT_DIR/extra-users"
  if [ -f "$DCONF" ]; then
    write_dovecot_conf   # passwd-file: Dovecot re-reads it by itself when it changes
    write_postfix_conf
    if postfix_running; then postfix -c "$PDIR" reload </dev/null >/dev/null 2>&1 9>&-; fi
    env_lines > "$MT_DIR/env"
  fi
  exec 9>&-
}

cmd_stop() {
  [ -d "$MT_DIR" ] || { log "nothing in $MT_DIR"; return 0; }
  # signal both masters first, then wait for both
  local dm pm; dm=$(pid_of "$D_PID"); pm=$(pid_of "$P_PID")
  if alive "$pm"; then postfix -c "$PDIR" stop >/dev/null 2>&1 || kill -TERM "$pm" 2>/dev/null || true; fi
  if alive "$dm"; then doveadm -c "$DCONF" stop 2>/dev/null || kill -TERM "$dm" 2>/dev/null || true; fi
  stop_ocsp
  [ -n "$pm" ] && wait_dead "$pm" 10
  [ -n "$dm" ] && wait_dead "$dm" 10
  rm -f "$D_PID"
  local hp; for hp in $DOVECOT_PROBES $POSTFIX_PROBES; do wait_port_closed "${hp%:*}" "${hp#*:}" 10; done
  log "stopped"
}

cmd_purge() { # stop, then delete $MT_DIR (only if it looks like a stack directory)
  cmd_stop
  [ -d "$MT_DIR" ] || return 0
  if [ -f "$MT_DIR/port-offset" ] && [ -d "$MT_DIR/tls" ] && [ "$(readlink -f "$MT_DIR")" != / ]; then
    rm -rf "$MT_DIR"
  else
    die "$MT_DIR does not look like a mail stack directory; not deleting it"
  fi
}

cmd_status() {
  if dovecot_running; then echo "dovecot: running (pid $(pid_of "$D_PID"))"; else echo "dovecot: stopped"; fi
  if postfix_running; then echo "postfix: running (pid $(pid_of "$P_PID"))"; else echo "postfix: stopped"; fi
  if ocsp_running; then echo "ocsp: running (pid $(pid_of "$O_PID"))"; else echo "ocsp: stopped"; fi
}

user_maildir() { echo "$MT_DIR/mail/${1#*@}/${1%@*}/Maildir"; }

cmd_fill() {
  [ $# -ge 2 ] || die "usage: fill USER N [MAILBOX] [--seed S]"
  local user=$1 n=$2 box=INBOX; shift 2
  if [ $# -gt 0 ] && [ "${1#--}" = "$1" ]; then box=$1; shift; fi
  grep -q "^$user:" "$MT_DIR/dovecot/users" || die "unknown user $user"
  dovecot_running || die "dovecot is not running"
  # let Dovecot create the home, the Maildir and the mailbox, then write files next to it
  doveadm -c "$DCONF" mailbox status -u "$user" messages INBOX >/dev/null
  local md; md=$(user_maildir "$user")
  if [ "$box" != INBOX ]; then
    doveadm -c "$DCONF" mailbox create -u "$user" "$box" 2>/dev/null || true
    md="$md/.${box//\//.}"      # Maildir++ layout, hierarchy separator '/' -> '.'
  fi
  local sent=(); [ "$box" = Sent ] && sent=(--sent)   # messages from the user, all \Seen
  python3 "$HERE/gen_maildir.py" "$md" "$n" --to "$user" --uid "$(id -u vmail)" --gid "$(id -g vmail)" "${sent[@]}" "$@"
  doveadm -c "$DCONF" force-resync -u "$user" "$box"
  doveadm -c "$DCONF" mailbox status -u "$user" "messages unseen" "$box"
}

cmd_token() {
  [ $# -ge 1 ] || die "usage: token USER [TTL_SECONDS]"
  python3 - "$MT_DIR/oauth2/hs256.key" "$1" "${2:-600}" <<'EOF'
import base64, hashlib, hmac, json, sys, time
key = open(sys.argv[1], "rb").read(); user = sys.argv[2]; ttl = int(sys.argv[3]); now = int(time.time())
b64 = lambda b: base64.urlsafe_b64encode(b).rstrip(b"=")
claims = {"iss": "https://auth.bas.psc.esante.gouv.fr/auth/realms/esante-wallet", "sub": "f:pli-test",
          "email": user, "iat": min(now, now + ttl - 60), "exp": now + ttl, "scope": "openid scope_all"}
h = b64(json.dumps({"alg": "HS256", "typ": "JWT"}).encode()); p = b64(json.dumps(claims).encode())
print((h + b"." + p + b"." + b64(hmac.new(key, h + b"." + p, hashlib.sha256).digest())).decode())
EOF
}

cmd=${1:-}
[ $# -gt 0 ] && shift
case "$cmd" in
  env) env_lines; exit 0 ;;
  token) cmd_token "$@"; exit 0 ;;
  selftest) eval "$(env_lines)"; exec python3 "$HERE/selftest.py" "$@" ;;
esac
need_root "$cmd" "$@"
case "$cmd" in
  install) install_pkgs ;;
  start) cmd_start ;;
  stop) cmd_stop ;;
  purge) cmd_purge ;;
  status) cmd_status ;;
  doveadm) exec doveadm -c "$DCONF" "$@" ;;
  fill) cmd_fill "$@" ;;
  add-user) cmd_add_user "$@" ;;
  kill-dovecot) kill_dovecot; log "dovecot killed" ;;
  start-dovecot) start_dovecot; postqueue -c "$PDIR" -f </dev/null >/dev/null 2>&1 || true; log "dovecot started" ;;
  stop-dovecot) stop_dovecot; log "dovecot stopped" ;;
  stop-postfix) stop_postfix; log "postfix stopped" ;;
  start-postfix) start_postfix; log "postfix started" ;;
  *) sed -n '2,/^set -euo/p' "$SELF" | sed '$d' >&2; exit 2 ;;
esac
