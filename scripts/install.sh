#!/bin/sh
# Installs cognito-auth from a GitHub release: the archive for this machine, checked against the
# release's SHA256SUMS, then the binary, completions and man pages under a prefix.
#
#   curl -fsSL https://github.com/cognito-auth/cognito-auth/releases/latest/download/install.sh | sh
#   sh install.sh --prefix ~/.local --version v0.2.0
#
# Options: --prefix DIR (default ~/.local, or /usr/local as root), --version vX.Y.Z (default the
# latest release), --base-url URL (the releases page; COGNITO_AUTH_RELEASES also sets it).
set -eu

base="${COGNITO_AUTH_RELEASES:-https://github.com/cognito-auth/cognito-auth/releases}"
version=latest
if [ "$(id -u)" -eq 0 ]; then prefix=/usr/local; else prefix="$HOME/.local"; fi

die() { echo "error: $1" >&2; [ $# -gt 1 ] && echo "hint: $2" >&2; exit 1; }

while [ $# -gt 0 ]; do
  case "$1" in
    --prefix) [ $# -ge 2 ] || die "--prefix needs a folder"; prefix="$2"; shift 2 ;;
    --version) [ $# -ge 2 ] || die "--version needs a tag such as v0.2.0"; version="$2"; shift 2 ;;
    --base-url) [ $# -ge 2 ] || die "--base-url needs a URL"; base="$2"; shift 2 ;;
    -h|--help) sed -n '2,10s/^# \{0,1\}//p' "$0"; exit 0 ;;
    *) die "unknown option $1" "see --help" ;;
  esac
done

case "$(uname -s)-$(uname -m)" in
  Linux-x86_64|Linux-amd64) target=x86_64-unknown-linux-musl ;;
  Linux-aarch64|Linux-arm64) target=aarch64-unknown-linux-musl ;;
  Darwin-x86_64) target=x86_64-apple-darwin ;;
  Darwin-arm64|Darwin-aarch64) target=aarch64-apple-darwin ;;
  *) die "no release build for $(uname -s) on $(uname -m)" "build from source: cargo install --locked cognito-auth" ;;
esac

if [ "$version" = latest ]; then url="$base/latest/download"; else url="$base/download/$version"; fi
archive="cognito-auth-$target.tar.gz"

fetch() { # URL FILE
  if command -v curl >/dev/null 2>&1; then curl -fsSL --proto '=https,http' -o "$2" "$1"
  elif command -v wget >/dev/null 2>&1; then wget -q -O "$2" "$1"
  else die "neither curl nor wget is installed" "install one of them"; fi
}
sha256() {
  if command -v sha256sum >/dev/null 2>&1; then sha256sum "$1" | cut -d' ' -f1
  else shasum -a 256 "$1" | cut -d' ' -f1; fi
}

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT INT TERM
fetch "$url/$archive" "$tmp/$archive" || die "could not download $url/$archive" "check --version and your network"
fetch "$url/SHA256SUMS" "$tmp/SHA256SUMS" || die "could not download $url/SHA256SUMS"
expected="$(awk -v f="$archive" '$2 == f || $2 == "*" f { print $1 }' "$tmp/SHA256SUMS")"
[ -n "$expected" ] || die "SHA256SUMS has no line for $archive" "the release is incomplete: try another --version"
actual="$(sha256 "$tmp/$archive")"
[ "$expected" = "$actual" ] || die "$archive does not match SHA256SUMS (expected $expected, got $actual)" "nothing was installed; download again, and report it if it happens twice"

tar -xzf "$tmp/$archive" -C "$tmp"
src="$tmp/cognito-auth-$target"
[ -x "$src/cognito-auth" ] || die "$archive holds no cognito-auth binary"
"$src/cognito-auth" --version >/dev/null || die "the downloaded binary does not run on this machine"

mkdir -p "$prefix/bin" "$prefix/share/man/man1" "$prefix/share/bash-completion/completions" \
  "$prefix/share/zsh/site-functions" "$prefix/share/fish/vendor_completions.d"
install -m 0755 "$src/cognito-auth" "$prefix/bin/cognito-auth.new"
mv -f "$prefix/bin/cognito-auth.new" "$prefix/bin/cognito-auth"
for page in "$src"/man/man1/*.1; do install -m 0644 "$page" "$prefix/share/man/man1/"; done
install -m 0644 "$src/completions/cognito-auth.bash" "$prefix/share/bash-completion/completions/cognito-auth"
install -m 0644 "$src/completions/_cognito-auth" "$prefix/share/zsh/site-functions/_cognito-auth"
install -m 0644 "$src/completions/cognito-auth.fish" "$prefix/share/fish/vendor_completions.d/cognito-auth.fish"

echo "Installed $("$prefix/bin/cognito-auth" --version) to $prefix/bin/cognito-auth (checked against SHA256SUMS)."
case ":$PATH:" in *":$prefix/bin:"*) ;; *) echo "note: $prefix/bin is not on your PATH; add it to use cognito-auth." ;; esac
