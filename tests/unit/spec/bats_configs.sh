#!/bin/sh
# Prints, one compact JSON per line, the config each literal
# `update_config '...'` filter of the bats files makes from the config in $1
# (for tests/unit/spec/test_spec_json.c).  One jq process runs them all, each
# inside try, so a filter that fails on this config just makes nothing; if
# the combined program does not compile, each filter runs alone.
set -u
src=$(dirname "$0")/../../..
default=$1
filters=$(grep -rhoE "update_config '[^'\$]*'" "$src/tests" --include='*.bats' | sort -u |
    sed "s/^update_config '//; s/'\$//")
prog=$(printf '%s\n' "$filters" | sed 's/^/(try (/; s/$/) catch empty),/')
prog=${prog%,}
if ! jq -c "$prog" "$default" 2>/dev/null; then
    printf '%s\n' "$filters" | while IFS= read -r f; do jq -c "$f" "$default" 2>/dev/null; done
fi
