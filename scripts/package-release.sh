#!/usr/bin/env bash
# Packages a built cognito-auth for one target: OUT/cognito-auth-TARGET.tar.gz holding
# cognito-auth-TARGET/ with the binary, README.md, both licences, completions/ for every shell
# and man/man1/. The binary writes its own completions and man pages, so it must run here.
# Usage: scripts/package-release.sh BINARY TARGET OUT
set -euo pipefail
[ $# -eq 3 ] || { echo "usage: $0 BINARY TARGET OUT" >&2; exit 2; }
bin="$1" target="$2" out="$3"
root="$(cd "$(dirname "$0")/.." && pwd)"
name="cognito-auth-$target"
stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT
dir="$stage/$name"
mkdir -p "$dir/completions" "$dir/man/man1"
install -m 0755 "$bin" "$dir/cognito-auth"
cp "$root/README.md" "$root/LICENSE-MIT" "$root/LICENSE-APACHE" "$dir/"
"$bin" completions bash > "$dir/completions/cognito-auth.bash"
"$bin" completions zsh > "$dir/completions/_cognito-auth"
"$bin" completions fish > "$dir/completions/cognito-auth.fish"
"$bin" completions powershell > "$dir/completions/_cognito-auth.ps1"
"$bin" completions elvish > "$dir/completions/cognito-auth.elv"
"$bin" man --dir "$dir/man/man1" 2>/dev/null
mkdir -p "$out"
# Same bytes for the same inputs: sorted names, fixed owner and times.
tar -C "$stage" --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 -czf "$out/$name.tar.gz" "$name"
echo "$out/$name.tar.gz"
