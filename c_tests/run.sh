#!/bin/sh
# Runs every test program in DIR (default build/c_tests), shows its output,
# and prints one total line "N passed, N failed". A program that crashes,
# exits non-zero or prints no summary line counts as failed, by name.
# Set ZS_TEST_WRAPPER (e.g. "valgrind -q --error-exitcode=99") to run each
# program under a tool.
dir=${1:-build/c_tests}
passed=0
failed=0
bad=""
for prog in "$dir"/*; do
    [ -f "$prog" ] && [ -x "$prog" ] || continue
    name=$(basename "$prog")
    echo "== $name"
    out=$(${ZS_TEST_WRAPPER:-} "$prog" 2>&1)
    rc=$?
    printf '%s\n' "$out"
    line=$(printf '%s\n' "$out" | grep -E '^[0-9]+ passed, [0-9]+ failed$' | tail -n 1)
    if [ -z "$line" ]; then
        failed=$((failed + 1))
        bad="$bad $name(no summary, exit $rc)"
        continue
    fi
    p=${line%% passed*}
    f=${line#*passed, }
    f=${f%% failed*}
    passed=$((passed + p))
    failed=$((failed + f))
    if [ "$rc" -ne 0 ]; then
        [ "$f" -gt 0 ] || failed=$((failed + 1))
        bad="$bad $name(exit $rc)"
    fi
done
[ -z "$bad" ] || echo "c tests: failing programs:$bad"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ -z "$bad" ]
