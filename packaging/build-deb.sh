#!/usr/bin/env bash
# packaging/build-deb.sh -- builds Pli's Debian package from a clone: target/debian/pli_VERSION-1_ARCH.deb
#
#   packaging/build-deb.sh            release build, generated files, then cargo-deb
#
# What it makes under target/packaging/ before cargo-deb packs it (see [package.metadata.deb] in
# Cargo.toml): the man pages and the bash/zsh/fish completions written by the binary being packaged
# (`pli package-files`), the icon's PNG sizes rendered from packaging/linux/fr.pli.Pli.svg, the
# AppStream file with its releases and the Debian changelog, both from CHANGELOG.md, the copyright
# file (EUPL-1.2 and the notices of the embedded font and certificate) and the list of the Rust
# crates built into the binary.
#
# Tools: cargo (rustup); cargo-deb is installed into target/packaging-tools/ when missing (pinned
# version, from crates.io); rsvg-convert (librsvg2-bin) is installed with apt-get when missing and
# this runs as root. Prints the package's path on its last line.
#
# Environment:
#   PLI_BUILD_COMMIT   the commit `pli --version` names, for a build without git (a source tarball)
set -euo pipefail

ROOT=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
cd "$ROOT"
say() { echo "build-deb.sh: $*" >&2; }
die() { say "$*"; exit 1; }

CARGO_DEB_VERSION=3.8.0
OUT=target/packaging
TOOLS=target/packaging-tools
ICON=packaging/linux/fr.pli.Pli.svg
ICON_SIZES="16 24 32 48 64 128 256 512"

if ! command -v cargo >/dev/null && [ -x "$HOME/.cargo/bin/cargo" ]; then export PATH="$HOME/.cargo/bin:$PATH"; fi
command -v cargo >/dev/null || die "cargo not found (install rustup: https://rustup.rs)"

# ------------------------------------------------------------------ tools
if ! command -v rsvg-convert >/dev/null; then
  [ "$(id -u)" = 0 ] || die "rsvg-convert is missing: apt-get install librsvg2-bin (as root)"
  say "installing librsvg2-bin (rsvg-convert renders the icon's sizes)"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q librsvg2-bin >/dev/null ||
    { apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q librsvg2-bin >/dev/null; }
fi
cargo_deb=$TOOLS/bin/cargo-deb
if ! "$cargo_deb" --version 2>/dev/null | grep -qF "$CARGO_DEB_VERSION"; then
  say "installing cargo-deb $CARGO_DEB_VERSION into $TOOLS"
  cargo install --quiet --locked --version "$CARGO_DEB_VERSION" --root "$TOOLS" cargo-deb
fi

# ------------------------------------------------------------------ the binary
metadata=$(cargo metadata --no-deps --format-version 1 --locked)
version=$(echo "$metadata" | grep -o '"name":"pli","version":"[^"]*"' | head -n 1 | sed 's/.*"version":"\([^"]*\)"/\1/')
[ -n "$version" ] || die "cannot read pli's version from cargo metadata"
# Where cargo builds (CARGO_TARGET_DIR may move it); the generated files stay under ./target.
target_dir=$(echo "$metadata" | grep -o '"target_directory":"[^"]*"' | sed 's/.*:"\(.*\)"/\1/')
[ -d "$target_dir" ] || mkdir -p "$target_dir"
t0=$SECONDS
cargo build --release --locked --bin pli
say "release build: $((SECONDS - t0)) s"
binary=$target_dir/release/pli
"$binary" --version | grep -qF "pli $version (commit " || die "$binary --version does not name $version and a commit"

rm -rf "$OUT"
mkdir -p "$OUT"
"$binary" package-files "$OUT/generated"

# ------------------------------------------------------------------ icons
for size in $ICON_SIZES; do
  mkdir -p "$OUT/icons/${size}x${size}"
  rsvg-convert -w "$size" -h "$size" "$ICON" -o "$OUT/icons/${size}x${size}/fr.pli.Pli.png"
done

# ------------------------------------------------------------------ CHANGELOG.md -> releases, changelog
# Each release is a "## VERSION — YYYY-MM-DD" heading followed by "- " items, one line each.
releases() { # prints "VERSION DATE" per release, newest first
  sed -n 's/^## \([0-9][^ ]*\) — \([0-9]\{4\}-[0-9]\{2\}-[0-9]\{2\}\)$/\1 \2/p' CHANGELOG.md
}
items() { # the items of release $1, without the "- " and the backquotes
  awk -v heading="## $1 — " '
    index($0, heading) == 1 { inside = 1; next }
    /^## / { inside = 0 }
    inside && /^- / { sub(/^- /, ""); gsub(/`/, ""); print }
  ' CHANGELOG.md
}
xml_escape() { sed -e 's/&/\&amp;/g' -e 's/</\&lt;/g' -e 's/>/\&gt;/g'; }

releases | head -n 1 | grep -q "^$version " ||
  die "CHANGELOG.md's newest release is not $version (Cargo.toml): add its \"## $version — YYYY-MM-DD\" section"

{
  echo "  <releases>"
  releases | while read -r release date; do
    echo "    <release version=\"$release\" date=\"$date\">"
    echo "      <description>"
    echo "        <ul>"
    items "$release" | xml_escape | sed 's|.*|          <li>&</li>|'
    echo "        </ul>"
    echo "      </description>"
    echo "    </release>"
  done
  echo "  </releases>"
} >"$OUT/releases.xml"
grep -q '^  <!-- @RELEASES@ -->$' packaging/linux/fr.pli.Pli.metainfo.xml ||
  die "packaging/linux/fr.pli.Pli.metainfo.xml lacks its <!-- @RELEASES@ --> line"
sed -e "/^  <!-- @RELEASES@ -->$/{r $OUT/releases.xml" -e 'd}' packaging/linux/fr.pli.Pli.metainfo.xml \
  >"$OUT/fr.pli.Pli.metainfo.xml"

maintainer=$(sed -n 's/^maintainer = "\(.*\)"$/\1/p' Cargo.toml | head -n 1)
[ -n "$maintainer" ] || die "no maintainer in [package.metadata.deb]"
releases | while read -r release date; do
  echo "pli ($release-1) unstable; urgency=medium"
  echo
  items "$release" | while IFS= read -r item; do
    printf '%s\n' "$item" | fold -s -w 74 | sed -e '1s/^/  * /' -e '2,$s/^/    /' -e 's/ *$//'
  done
  echo
  echo " -- $maintainer  $(LC_ALL=C date -u -R -d "$date")"
  echo
done | sed '$d' >"$OUT/changelog.Debian"

# ------------------------------------------------------------------ copyright (DEP-5)
indent() { sed -e 's/^$/./' -e 's/^/ /'; }
{
  cat <<EOF
Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: Pli
Upstream-Contact: $maintainer
Source: https://pli.fr/

Files: *
Copyright: 2026 The Pli authors
License: EUPL-1.2
Comment: The binary also holds the Rust crates it is built from, each under its
 own licence (MIT, Apache-2.0, BSD, ISC, Zlib, Unicode, MPL-2.0): they are listed
 with their licences in /usr/share/doc/pli/rust-crates.txt.

Files: assets/fonts/Inter-Regular.otf assets/fonts/Inter-SemiBold.otf
Copyright: 2016-2022 The Inter Project Authors <rasmus@notion.se>
License: OFL-1.1
Comment: Embedded in /usr/bin/pli as the window's font.

Files: assets/certs/ac-racine-igc-sante-elementaire.pem
Copyright: Agence du Numérique en Santé (ANS)
License: IGC-Sante-root
Comment: Embedded in /usr/bin/pli as the only authority trusted for MSSanté servers.

Files: assets/trust-list.xml
Copyright: Agence du Numérique en Santé (ANS)
License: MSSante-trust-list
Comment: Embedded in /usr/bin/pli as the first trust-space domain list.

License: EUPL-1.2
EOF
  indent <LICENSE
  echo
  # The OFL's text as the font's own Debian copyright file carries it (assets/fonts/Inter-LICENSE.txt).
  awk '/^License: OFL-1.1$/ { inside = 1 } inside && /^$/ { exit } inside { print }' assets/fonts/Inter-LICENSE.txt
  cat <<'EOF'

License: IGC-Sante-root
 The root certificate "AC RACINE IGC-SANTE ELEMENTAIRE" of the ANS public-key
 infrastructure, published by the Agence du Numérique en Santé for every
 relying party to install. It carries no licence terms; it is shipped unchanged.

License: MSSante-trust-list
 The domains of the MSSanté trust space, published by the Agence du Numérique
 en Santé for every MSSanté client to use. It carries no licence terms.
EOF
} >"$OUT/copyright"
grep -q '^ Licensed under the EUPL$\|Licensed under the EUPL' "$OUT/copyright" || die "the EUPL text did not make it into the copyright file"
grep -q '^ PREAMBLE$' "$OUT/copyright" || die "the OFL text did not make it into the copyright file"

# The crates linked into the binary, with their licences (cargo's own view of the dependency graph).
# Proc-macros run in the compiler and are not in the binary.
cargo tree --locked -p pli -e normal --prefix none -f '{p} {l}' |
  grep -v '(proc-macro)' | sed -e 's/ (\*)$//' -e "s| ($ROOT/\([^)]*\))| (\1 in Pli's source)|" |
  grep -v '^pli v' | sort -u >"$OUT/rust-crates.txt"
[ -s "$OUT/rust-crates.txt" ] || die "cargo tree listed no crate"

# ------------------------------------------------------------------ the package
rm -f "$target_dir"/debian/pli_*.deb
# --strip: the release profile keeps the symbols (cargo run --release, the benchmarks); the package does not.
"$cargo_deb" --no-build --locked --strip --quiet >"$OUT/cargo-deb.out"
deb=$(tail -n 1 "$OUT/cargo-deb.out")
[ -f "$deb" ] || die "cargo-deb made no package (it said: $(cat "$OUT/cargo-deb.out"))"
say "$(du -k "$deb" | cut -f1) KiB, binary $(du -k "$binary" | cut -f1) KiB"
echo "$deb"
