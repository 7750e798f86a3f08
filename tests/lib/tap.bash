# Counting TAP across the parts of a test run (sourced by tests/check and
# tests/check-debug): part NAME COMMAND... runs one part, shows its output
# and adds its TAP lines to the counts; summary names every skip and prints
# the closing line, "N passed, N failed, N skipped", that CI reads.
passed=0
failed=0
skipped=0
skips=$(mktemp)

# The TAP plans of a part's output (FILE) against its results: a plan
# "1..N" goes with the numbered results 1, 2, ... that follow it, or (the
# unit tests print it last) that precede it; a stream cut short, a result
# out of sequence or a plan without its results is a mismatch, printed as
# a "not ok" line each. Results without a number are the part's own.
plan_check() { # FILE
	awk '
	function bad(msg) { printf "not ok - TAP: %s\n", msg; n_bad++ }
	function close_stream() {
		if (open && has_plan && count != plan)
			bad(sprintf("plan 1..%d, but %d result(s) (from line %d)", plan, count, first))
		open = 0; has_plan = 0; count = 0
	}
	/^1\.\.[0-9]+/ {
		match($0, /^1\.\.[0-9]+/)
		n = substr($0, 4, RLENGTH - 3) + 0
		if (open && !has_plan) {	# a plan after its results
			plan = n; has_plan = 1; close_stream(); next
		}
		close_stream()
		if (pending != "" && pending + 0 != 0)
			bad(sprintf("plan 1..%d (line %d), but no result", pending, pending_line))
		pending = n; pending_line = NR; next
	}
	/^(not )?ok [0-9]+([^0-9]|$)/ {
		k = $0; sub(/^(not )?ok /, "", k); k = k + 0
		if (k == 1) {
			close_stream(); open = 1; count = 1; first = NR
			if (pending != "") { plan = pending; has_plan = 1; pending = "" }
		} else if (open && k == count + 1) {
			count++
		} else {
			bad(sprintf("result %d out of sequence (line %d)", k, NR)); next
		}
		if (has_plan && count == plan) close_stream()
	}
	END {
		close_stream()
		if (pending != "" && pending + 0 != 0)
			bad(sprintf("plan 1..%d (line %d), but no result", pending, pending_line))
		exit n_bad > 0
	}' "$1"
}

# A part that fails without reporting a failing test counts as one failure
# of its own; so does each TAP plan mismatch, and each skip whose reason
# says the environment is broken ("# SKIP environment: ...": what the suite
# installs or builds is missing), which "make check" must not pass.
part() { # NAME COMMAND...
	local name=$1 out rc p f s e plans t0=$SECONDS
	shift
	echo "=== $name"
	out=$(mktemp)
	"$@" 2>&1 | tee "$out"
	rc=${PIPESTATUS[0]}
	s=$(grep -cE '^ok .*# (skip|SKIP)' "$out")
	e=$(grep -cE '^ok .*# (skip|SKIP) environment:' "$out")
	p=$(grep -cE '^ok ' "$out")
	p=$((p - s))
	f=$(grep -cE '^not ok ' "$out")
	grep -E '^ok .*# (skip|SKIP)' "$out" | sed "s|^|$name: |" >>"$skips"
	if [ "$rc" != 0 ] && [ "$f" = 0 ]; then
		echo "not ok - $name exited with status $rc"
		f=1
	fi
	plans=$(plan_check "$out")
	if [ -n "$plans" ]; then
		echo "$plans"
		f=$((f + $(grep -c '^not ok' <<<"$plans")))
	fi
	if [ "$e" != 0 ]; then
		echo "not ok - $name: $e skip(s) because the environment is broken"
		f=$((f + e))
		s=$((s - e))
	fi
	rm -f "$out"
	echo "# part $name: $p passed, $f failed, $s skipped in $((SECONDS - t0)) s"
	passed=$((passed + p))
	failed=$((failed + f))
	skipped=$((skipped + s))
}

# Every skip with its reason, then the closing line, also kept in FILE when
# one is given.
summary() { # [FILE]
	local line="$passed passed, $failed failed, $skipped skipped"
	if [ -s "$skips" ]; then
		echo "# skips:"
		sed 's/^/#   /' "$skips"
	fi
	rm -f "$skips"
	if [ -n "${1:-}" ]; then
		mkdir -p "$(dirname "$1")"
		echo "$line" | tee "$1"
	else
		echo "$line"
	fi
}
