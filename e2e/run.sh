#!/usr/bin/env bash
# Runs the end-to-end tests: builds (or reuses) the collector, installs the
# npm dependencies when needed, then `node --test` on tests/.
#
# It does not build the Spanfall app: the Makefile does that first. The
# server binary is $SPANFALL_SERVER, default <repo>/.build/spanfall.
# Extra arguments go to node, e.g. ./run.sh --test-name-pattern=viewer
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")"

SPANFALL_COLLECTOR="$(collector/build.sh | tail -n 1)"
export SPANFALL_COLLECTOR
./setup.sh

exec node --test --test-concurrency=1 "$@" tests/*.test.mjs
