#!/usr/bin/env bash
# Build the end-to-end test collector (otelcol-spanfall) only when needed.
#
# The binary is cached outside the work tree, keyed by the sha256 of this Go
# module's go.mod, go.sum and *.go files, so that a fresh clone in another
# folder on the same machine (CI) reuses it:
#
#   ${SPANFALL_CACHE:-$HOME/.cache/spanfall}/otelcol-spanfall-<sha256>
#
# Progress goes to stderr; the binary's absolute path is printed on stdout as
# the last line. Warm path: a hash and a stat, no Go toolchain call.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cache="${SPANFALL_CACHE:-${HOME:-/root}/.cache/spanfall}"

# Hash: every input file's name and content, in a fixed order.
key="$(
  cd "$here"
  LC_ALL=C
  for f in go.mod go.sum $(ls -1 -- *.go | sort); do
    printf '%s\0' "$f"
    cat -- "$f"
    printf '\0'
  done | sha256sum | cut -d' ' -f1
)"
bin="$cache/otelcol-spanfall-$key"

if [[ -x "$bin" ]]; then
  echo "$bin"
  exit 0
fi

mkdir -p "$cache"
# One builder at a time per cache (parallel CI jobs, two clones, ...).
exec 9>"$cache/.otelcol-spanfall.lock"
flock 9
if [[ -x "$bin" ]]; then # another process built it while we waited
  echo "$bin"
  exit 0
fi

echo "build.sh: building otelcol-spanfall ($key); a cold build takes ~3 min on 2 cores" >&2
tmp="$(mktemp "$cache/.otelcol-spanfall-build.XXXXXX")"
trap 'rm -f "$tmp"' EXIT
start=$SECONDS
(
  cd "$here"
  CGO_ENABLED=0 go build -mod=readonly -buildvcs=false -trimpath -ldflags='-s -w' -o "$tmp" .
)
chmod 0755 "$tmp"
"$tmp" --version >&2 # smoke check before publishing the binary
mv -f "$tmp" "$bin"
trap - EXIT
echo "build.sh: built in $((SECONDS - start))s: $bin" >&2

# Keep the three most recent builds, drop older ones.
ls -1t "$cache"/otelcol-spanfall-* 2>/dev/null | tail -n +4 | xargs -r rm -f --

echo "$bin"
