#!/usr/bin/env bash
# Installs, once, the Debian packages some end-to-end tests drive for real, and prints the
# variables that tell those tests the packages are there (so they fail rather than skip):
#   gnome-keyring, dbus, libsecret-tools - a Secret Service for the OS keyring test
#   chromium                              - a real browser for the Hosted UI sign-in (Debian's
#                                           package; Ubuntu's is a snap stub, so there an
#                                           installed Google Chrome is used instead, if any)
#   zsh, fish, groff-base, man-db          - check the completion scripts and the man pages
#   strace                                - kills a sign-in at each of its writes (faults tests)
# Nothing is installed when the programs are already there; without apt-get (not Debian or
# Ubuntu) nothing is installed and those tests skip with a note.
set -euo pipefail
need=()
command -v gnome-keyring-daemon >/dev/null || need+=(gnome-keyring)
command -v dbus-run-session >/dev/null || need+=(dbus)
command -v secret-tool >/dev/null || need+=(libsecret-tools)
command -v zsh >/dev/null || need+=(zsh)
command -v fish >/dev/null || need+=(fish)
command -v groff >/dev/null || need+=(groff-base)
command -v man >/dev/null || need+=(man-db)
command -v strace >/dev/null || need+=(strace)
debian=false
grep -qs '^ID=debian' /etc/os-release && debian=true
command -v chromium >/dev/null || ! $debian || need+=(chromium)
if [ "${#need[@]}" -gt 0 ] && command -v apt-get >/dev/null; then
  sudo=()
  [ "$(id -u)" -eq 0 ] || sudo=(sudo)
  echo "installing ${need[*]} (apt-get)" >&2
  # Without them the tests that need them skip with a note (the variables below stay unset).
  { "${sudo[@]}" apt-get update -qq >&2 &&
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends \
      "${need[@]}" >&2; } || echo "warning: could not install ${need[*]}" >&2
fi
if command -v gnome-keyring-daemon >/dev/null && command -v dbus-run-session >/dev/null &&
   command -v secret-tool >/dev/null; then
  echo "COGNITO_AUTH_TEST_KEYRING=1"
fi
if command -v zsh >/dev/null && command -v fish >/dev/null && command -v groff >/dev/null &&
   command -v man >/dev/null; then
  echo "COGNITO_AUTH_TEST_SHELLS=1"
fi
if $debian && command -v chromium >/dev/null; then
  echo "COGNITO_AUTH_TEST_CHROMIUM=$(command -v chromium)"
elif command -v google-chrome >/dev/null; then
  echo "COGNITO_AUTH_TEST_CHROMIUM=$(command -v google-chrome)"
fi
