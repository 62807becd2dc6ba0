#!/usr/bin/env bash
# packaging/test-deb.sh -- Pli's Debian package as a user meets it. CI runs it (.ci/run); needs root.
#
#   packaging/test-deb.sh [PLI.deb]     without an argument, packaging/build-deb.sh builds it first
#
# 1. the validators on the package's own files: desktop-file-validate, appstreamcli validate (no
#    error; the warnings are printed), lintian (no error; every tag is printed);
# 2. a clean Debian 12 root made with debootstrap (minbase: no X, no desktop) under target/deb-test/,
#    where `apt-get install --no-install-recommends ./pli_*.deb` must bring everything the package
#    needs (the Recommends are the desktop's services: keyring, portal); then, in that root,
#    `pli --version`, `pli ins check`, and the window started from the installed binary as a plain
#    user on an Xvfb display of this machine (reached through X's abstract socket), screenshotted
#    and required to draw something that is not blank; `man pli` and the bash completion after
#    man-db and bash-completion are added (they are the user's tools, not the package's needs);
# 3. `apt-get purge pli`: no file of the package may remain, and the user's profile made by the
#    window must be untouched.
# A mirror that cannot be reached fails the test: nothing here is skipped.
#
# Environment:
#   PLI_DEB_MIRROR   the Debian mirror (default: the one apt uses here, else deb.debian.org)
#   PLI_DEB_KEEP=1   keep the root and the screenshots in target/deb-test/ (always kept on failure)
set -euo pipefail

ROOT=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
cd "$ROOT"
say() { echo "test-deb.sh: $*" >&2; }
die() { say "FAILED: $*"; exit 1; }
[ "$(id -u)" = 0 ] || die "needs root (debootstrap, chroot, apt-get)"

WORK=$ROOT/target/deb-test
CHROOT=$WORK/root
SUITE=bookworm
USER_NAME=docteur
t_start=$SECONDS

# ------------------------------------------------------------------ tools of the test (on this machine)
tools="lintian desktop-file-utils appstream debootstrap xvfb x11-utils imagemagick librsvg2-bin"
missing=""
for package in $tools; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing="$missing $package"
done
if [ -n "$missing" ]; then
  say "installing$missing"
  apt-get update -q >/dev/null
  # shellcheck disable=SC2086
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $missing >/dev/null
fi
# ImageMagick: Debian's, whatever else is first on PATH.
MAGICK_CONVERT=/usr/bin/convert
MAGICK_IMPORT=/usr/bin/import

# ------------------------------------------------------------------ the package
if [ $# -ge 1 ]; then
  deb=$(readlink -f "$1")
else
  deb=$("$ROOT/packaging/build-deb.sh" | tail -n 1)
fi
[ -f "$deb" ] || die "no package at '$deb'"
say "package $deb: $(du -k "$deb" | cut -f1) KiB"

# ------------------------------------------------------------------ cleanup: nothing mounted stays
mounted_under() { awk -v root="$1" '$2 == root || index($2, root "/") == 1 { print $2 }' /proc/mounts; }
xvfb_pid=""
window_pid=""
status=1
cleanup() {
  trap - EXIT INT TERM
  [ -n "$window_pid" ] && kill "$window_pid" 2>/dev/null || true
  [ -n "$xvfb_pid" ] && kill "$xvfb_pid" 2>/dev/null || true
  for mount in $(mounted_under "$CHROOT" | sort -r); do umount -l "$mount" || true; done
  if [ "$status" = 0 ] && [ "${PLI_DEB_KEEP:-0}" != 1 ]; then
    if [ -z "$(mounted_under "$CHROOT")" ]; then rm -rf "$WORK"; fi
  else
    say "kept in $WORK (the root, the screenshot, the validators' output)"
  fi
  say "$([ "$status" = 0 ] && echo passed || echo failed) in $((SECONDS - t_start)) s"
  exit "$status"
}
trap cleanup EXIT
trap 'status=130; exit 130' INT
trap 'status=143; exit 143' TERM

# A root left by an interrupted run goes first, but never with something still mounted inside.
for mount in $(mounted_under "$CHROOT" | sort -r); do umount -l "$mount"; done
[ -z "$(mounted_under "$CHROOT")" ] || die "something is still mounted under $CHROOT"
rm -rf "$WORK"
mkdir -p "$WORK/files"

# ------------------------------------------------------------------ 1. validators
dpkg-deb -x "$deb" "$WORK/files"
say "desktop-file-validate"
desktop-file-validate "$WORK/files/usr/share/applications/fr.pli.Pli.desktop" | tee "$WORK/desktop-file-validate.txt"
say "appstreamcli validate"
# --no-net: the machine reaches no web site; the screenshots' and homepage's addresses go unchecked.
# appstreamcli exits non-zero on warnings too: errors are what fails this test.
# --pedantic: every remark is printed, so what remains can be read in CI's log.
appstreamcli validate --no-net --pedantic "$WORK/files/usr/share/metainfo/fr.pli.Pli.metainfo.xml" \
  >"$WORK/appstreamcli.txt" 2>&1 || true
cat "$WORK/appstreamcli.txt"
if grep -q '^E:' "$WORK/appstreamcli.txt"; then die "appstreamcli found errors in the AppStream file"; fi
grep -qE 'Validation (was successful|failed)' "$WORK/appstreamcli.txt" ||
  die "appstreamcli did not validate the file"
say "lintian"
lintian --fail-on error --display-info --allow-root "$deb" | tee "$WORK/lintian.txt" ||
  die "lintian found errors"

# ------------------------------------------------------------------ 2. a clean Debian 12 root
mirror=${PLI_DEB_MIRROR:-}
if [ -z "$mirror" ]; then
  mirror=$(grep -hsE '^(URIs:|deb )' /etc/apt/sources.list.d/*.sources /etc/apt/sources.list 2>/dev/null |
    grep -v security | sed -E 's/^URIs: *//; s/^deb +(\[[^]]*\] +)?//' | awk '{ print $1 }' | grep -m1 '/debian/*$' || true)
  mirror=${mirror:-http://deb.debian.org/debian}
fi
say "debootstrap $SUITE (minbase) from $mirror"
t0=$SECONDS
# Packages go through apt's own cache, so a second run on this machine downloads nothing again.
debootstrap --variant=minbase --cache-dir=/var/cache/apt/archives "$SUITE" "$CHROOT" "$mirror" \
  >"$WORK/debootstrap.log" 2>&1 || { tail -n 20 "$WORK/debootstrap.log" >&2; die "debootstrap could not make the root (is $mirror reachable?)"; }
say "root made in $((SECONDS - t0)) s"
mount -t proc proc "$CHROOT/proc"
in_root() { chroot "$CHROOT" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive "$@"; }
as_user() { chroot --userspec="$USER_NAME:$USER_NAME" "$CHROOT" env -i PATH=/usr/bin:/bin LANG=C.UTF-8 \
  HOME="/home/$USER_NAME" USER="$USER_NAME" "$@"; }

cp "$deb" "$CHROOT/tmp/"
package_in_root=/tmp/$(basename "$deb")
in_root apt-get update -q >"$WORK/apt-update.log" 2>&1 || { cat "$WORK/apt-update.log" >&2; die "apt-get update failed in the root"; }
before=$(in_root dpkg-query -W -f='${Package}\n' | sort)
t0=$SECONDS
# Without Recommends: what Depends names must be enough for the window to start and draw.
in_root apt-get install -y -q --no-install-recommends "$package_in_root" >"$WORK/apt-install.log" 2>&1 ||
  { cat "$WORK/apt-install.log" >&2; die "apt-get install of the package failed on a clean Debian 12"; }
added=$(comm -13 <(echo "$before") <(in_root dpkg-query -W -f='${Package}\n' | sort) | tr '\n' ' ')
say "installed in $((SECONDS - t0)) s with: $added"
in_root dpkg-query -W -f='${Installed-Size}' pli >"$WORK/installed-size-kib"
say "installed size (dpkg): $(cat "$WORK/installed-size-kib") KiB"

in_root useradd --create-home --shell /bin/bash "$USER_NAME"

say "pli --version"
version_line=$(as_user pli --version)
echo "$version_line"
echo "$version_line" | grep -qE '^pli [0-9]+\.[0-9]+\.[0-9]+ \(commit ([0-9a-f]{7,}|unknown)\)$' ||
  die "pli --version says '$version_line'"

say "pli ins check"
as_user pli ins check "2 79 03 51 215 189 89" --json | tee "$WORK/ins.json"
grep -q '"valid": *true' "$WORK/ins.json" || die "pli ins check does not accept a valid matricule"
if as_user pli ins check "2 79 03 51 215 189 88" >/dev/null 2>&1; then die "pli ins check accepts a wrong key"; fi

say "the window, from the installed binary, under Xvfb"
# Xvfb listens on X's abstract socket too, which a chroot shares with this machine (same network
# namespace): the root needs no X server and no socket folder of its own.
# -displayfd: Xvfb takes a free display number and writes it, so a display in use is no matter.
Xvfb -displayfd 3 -screen 0 1280x800x24 -nolisten tcp 3>"$WORK/display" >"$WORK/xvfb.log" 2>&1 &
xvfb_pid=$!
for _ in $(seq 100); do [ -s "$WORK/display" ] && break; sleep 0.1; done
DISPLAY_NUMBER=$(tr -dc 0-9 <"$WORK/display")
[ -n "$DISPLAY_NUMBER" ] && xdpyinfo -display ":$DISPLAY_NUMBER" >/dev/null 2>&1 ||
  { cat "$WORK/xvfb.log" >&2; die "Xvfb did not start"; }
# chroot execs env, which execs pli: $! is the window's own process.
chroot --userspec="$USER_NAME:$USER_NAME" "$CHROOT" env -i PATH=/usr/bin:/bin LANG=fr_FR.UTF-8 \
  HOME="/home/$USER_NAME" USER="$USER_NAME" DISPLAY=":$DISPLAY_NUMBER" pli >"$WORK/window.log" 2>&1 &
window_pid=$!
window_id=""
for _ in $(seq 60); do
  kill -0 "$window_pid" 2>/dev/null || { cat "$WORK/window.log" >&2; die "the window exited at start"; }
  window_id=$(xwininfo -display ":$DISPLAY_NUMBER" -root -tree 2>/dev/null | awk '/"Pli/ { print $1; exit }')
  [ -n "$window_id" ] && break
  sleep 0.5
done
[ -n "$window_id" ] || { cat "$WORK/window.log" >&2; die "no window named Pli appeared in 30 s"; }
xprop -display ":$DISPLAY_NUMBER" -id "$window_id" WM_CLASS | tee "$WORK/wm-class.txt"
grep -q '"fr.pli.Pli"' "$WORK/wm-class.txt" || die "the window's WM_CLASS does not match the desktop entry's StartupWMClass=fr.pli.Pli"
# What is drawn once the first frames are in: the welcome screen of a new profile.
sleep 3
kill -0 "$window_pid" 2>/dev/null || { cat "$WORK/window.log" >&2; die "the window exited"; }
"$MAGICK_IMPORT" -display ":$DISPLAY_NUMBER" -window root "$WORK/window.png"
colours=$("$MAGICK_CONVERT" "$WORK/window.png" -format '%k' info:)
spread=$("$MAGICK_CONVERT" "$WORK/window.png" -colorspace Gray -format '%[fx:int(standard_deviation*1000)]' info:)
say "screenshot $WORK/window.png: $colours colours, grey spread $spread/1000"
[ "$colours" -ge 32 ] && [ "$spread" -ge 20 ] || die "the window's screenshot is blank ($colours colours)"
kill "$window_pid"
wait "$window_pid" 2>/dev/null || true
window_pid=""
kill "$xvfb_pid"
wait "$xvfb_pid" 2>/dev/null || true
xvfb_pid=""

say "man pli and the bash completion (with man-db and bash-completion added)"
in_root apt-get install -y -q man-db bash-completion >"$WORK/apt-tools.log" 2>&1 ||
  { cat "$WORK/apt-tools.log" >&2; die "apt-get install man-db bash-completion failed in the root"; }
as_user MANPAGER=cat MANWIDTH=80 man pli >"$WORK/man.txt" 2>"$WORK/man.err" ||
  { cat "$WORK/man.err" >&2; die "man pli failed"; }
grep -q 'ins' "$WORK/man.txt" && grep -q 'directory' "$WORK/man.txt" || die "man pli does not list the commands"
as_user MANPAGER=cat man pli-account-add | grep -q -- '--address' || die "man pli-account-add lacks --address"
completion=$(as_user bash -c 'source /usr/share/bash-completion/bash_completion
  _completion_loader pli
  COMP_WORDS=(pli dir); COMP_CWORD=1; COMP_LINE="pli dir"; COMP_POINT=${#COMP_LINE}
  _pli pli dir pli
  echo "${COMPREPLY[*]}"')
echo "completion of 'pli dir': $completion"
[ "$completion" = directory ] || die "bash does not complete 'pli dir' to 'directory'"
[ -f "$CHROOT/usr/share/zsh/vendor-completions/_pli" ] && [ -f "$CHROOT/usr/share/fish/vendor_completions.d/pli.fish" ] ||
  die "the zsh or fish completion is missing"

# ------------------------------------------------------------------ 3. purge
profile_sums() { (cd "$CHROOT/home/$USER_NAME" && find . -type f -print0 | sort -z | xargs -0 -r sha256sum); }
profile_before=$(profile_sums)
echo "$profile_before" | grep -q '/pli/' || die "the window left no profile to check the purge against"
# The package's own files (not the folders it shares with others), listed before they go.
in_root dpkg-query -L pli | while IFS= read -r path; do
  [ -d "$CHROOT$path" ] || echo "$path"
done >"$WORK/package-files.txt"
grep -qx /usr/bin/pli "$WORK/package-files.txt" || die "dpkg does not list /usr/bin/pli"
in_root apt-get purge -y -q pli >"$WORK/apt-purge.log" 2>&1 || { cat "$WORK/apt-purge.log" >&2; die "apt-get purge pli failed"; }
if in_root dpkg-query -W pli >/dev/null 2>&1; then
  die "dpkg still knows pli after the purge: $(in_root dpkg-query -W -f='${Status}' pli)"
fi
left=""
while IFS= read -r path; do
  if [ -e "$CHROOT$path" ] || [ -L "$CHROOT$path" ]; then left="$left $path"; fi
done <"$WORK/package-files.txt"
[ -d "$CHROOT/usr/share/doc/pli" ] && left="$left /usr/share/doc/pli/"
[ -z "$left" ] || die "the purge left:$left"
# The icon folders are shared with other packages: only pli's own files must be gone from them.
if [ -d "$CHROOT/usr/share/icons/hicolor" ] && find "$CHROOT/usr/share/icons/hicolor" -name 'fr.pli.Pli*' | grep -q .; then
  die "the purge left an icon"
fi
[ "$(profile_sums)" = "$profile_before" ] || die "the purge changed the user's profile"
say "purged: none of its $(wc -l <"$WORK/package-files.txt") paths left, the user's profile untouched"
status=0
