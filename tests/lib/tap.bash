# Counting TAP across the parts of a test run (sourced by tests/check and
# tests/check-debug): part NAME COMMAND... runs one part, shows its output
# and adds its TAP lines to the counts; summary prints the closing line,
# "N passed, N failed, N skipped", that CI reads.
passed=0
failed=0
skipped=0

# A part that fails without reporting a failing test counts as one failure
# of its own.
part() { # NAME COMMAND...
	local name=$1 out rc p f s
	shift
	echo "=== $name"
	out=$(mktemp)
	"$@" 2>&1 | tee "$out"
	rc=${PIPESTATUS[0]}
	s=$(grep -cE '^ok .*# (skip|SKIP)' "$out")
	p=$(grep -cE '^ok ' "$out")
	p=$((p - s))
	f=$(grep -cE '^not ok ' "$out")
	if [ "$rc" != 0 ] && [ "$f" = 0 ]; then
		echo "not ok - $name exited with status $rc"
		f=1
	fi
	rm -f "$out"
	passed=$((passed + p))
	failed=$((failed + f))
	skipped=$((skipped + s))
}

# The closing line, also kept in FILE when one is given.
summary() { # [FILE]
	local line="$passed passed, $failed failed, $skipped skipped"
	if [ -n "${1:-}" ]; then
		mkdir -p "$(dirname "$1")"
		echo "$line" | tee "$1"
	else
		echo "$line"
	fi
}
