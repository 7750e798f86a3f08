#!/bin/bash
# The counting of tests/lib/tap.bash, on made-up parts: what a complete
# stream, a stream cut short, a plan without results, a result out of
# sequence, a skip and an environment skip count as. Runs on the host.
top=$(cd "$(dirname "$0")/../.." && pwd)
n=0
fails=0
check() { # DESCRIPTION COMMAND...
	local d=$1
	shift
	n=$((n + 1))
	if "$@"; then
		echo "ok $n - $d"
	else
		echo "not ok $n - $d"
		fails=$((fails + 1))
	fi
}

# Run one part that prints TEXT and exits with RC: $C is then "passed
# failed skipped", $OUT the part's and the summary's output.
counts() { # TEXT [RC]
	OUT=$(
		. "$top/tests/lib/tap.bash"
		part "made up" bash -c 'printf "%s" "$1"; exit "$2"' _ "$1" "${2:-0}"
		summary
	)
	C=$(tail -n 1 <<<"$OUT" | sed 's/ passed, / /; s/ failed, / /; s/ skipped$//')
}
nl=$'\n'

echo "1..12"
counts "1..3${nl}ok 1 a${nl}ok 2 b${nl}ok 3 c${nl}"
check "a complete stream passes" [ "$C" = "3 0 0" ]
counts "1..3${nl}ok 1 a${nl}ok 2 b${nl}"
check "a stream cut short (plan 1..3, two results, status 0) fails" [ "$C" = "2 1 0" ]
grep -q 'plan 1..3, but 2 result' <<<"$OUT"
check "  and says so" [ $? = 0 ]
counts "ok 1 - a${nl}ok 2 - b${nl}1..2${nl}"
check "a plan printed last that matches passes" [ "$C" = "2 0 0" ]
counts "ok 1 - a${nl}ok 2 - b${nl}1..3${nl}"
check "a plan printed last that does not match fails" [ "$C" = "2 1 0" ]
counts "1..3${nl}ok 1 a${nl}ok 3 c${nl}ok 2 b${nl}"
check "a result out of sequence fails" [ "$C" = "3 2 0" ]
counts "1..2${nl}"
check "a plan without results fails" [ "$C" = "0 1 0" ]
counts "1..0 # skip not here${nl}"
check "an empty plan (1..0, a skip directive) passes" [ "$C" = "0 0 0" ]
counts "1..2${nl}ok 1 a${nl}ok 2 b${nl}ok - mine${nl}1..1${nl}ok 1 c${nl}ok - mine too${nl}"
check "streams one after the other, and results without numbers, pass" [ "$C" = "5 0 0" ]
counts "1..2${nl}ok 1 a${nl}ok 2 b # skip no huge page${nl}"
check "a skip counts as a skip" [ "$C" = "1 0 1" ]
grep -q '^#   made up: ok 2 b # skip no huge page$' <<<"$OUT"
check "  and the summary names it with its reason" [ $? = 0 ]
counts "1..2${nl}ok 1 a${nl}ok 2 b # SKIP environment: jq not installed${nl}"
check "a skip because the environment is broken fails" [ "$C" = "1 1 0" ]
[ $fails = 0 ]
