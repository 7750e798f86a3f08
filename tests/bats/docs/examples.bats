#!/usr/bin/env bats
# The examples of the README's counterctl section and of counterctl(8) are
# run as they stand: each command must succeed (or fail, when the example
# shows an error), and print exactly the output the document shows. The
# documents' process 1234 at 0x55d0c0a1b000 (94355073380352) and IRQ 11
# become a real process's and the guest's virtio-rng IRQ (runs of spaces
# count as one: a table's columns follow its widest entry); region ids
# start at 1 because each example begins with a freshly loaded module.

load ../lib

setup() {
	require_guest
	# The documents call it by name, as installed.
	PATH=$TOP/ctl-tool:$PATH
	unload_module
	IRQ=$("$TOP/tests/lib/rng-irq" || true)
	[ -n "$IRQ" ] || skip "environment: cannot find the virtio-rng IRQ in /proc/interrupts"
}

teardown() {
	local rc=0
	stop_started || rc=1
	unload_module
	return $rc
}

# The README's transcript: the code block of its counterctl section whose
# first line is a command ("$ ...").
readme_examples() {
	awk '/^## counterctl/ { s = 1; next } s && /^## / { exit }
		s && /^```/ { if (b) { b = 0; if (cmds) exit; next } b = 1; first = 1; next }
		s && b && first { first = 0; if ($0 !~ /^\$ /) { b = 0 } }
		s && b { print; if ($0 ~ /^\$ /) cmds = 1 }' "$TOP/README.md"
}

# counterctl(8)'s EXAMPLES, then its DIAGNOSTICS, one block per .EX/.EE,
# "---" after each; the prompts "$ " and "# " become "$ ".
man_examples() {
	local sect
	for sect in EXAMPLES DIAGNOSTICS; do
		sed -n "/^\\.SH $sect/,/^\\.SH /p" "$TOP/ctl-tool/counterctl.8"
	done | awk '/^\.EX/ { b = 1; next } /^\.EE/ { b = 0; print "---"; next }
			b { print }' |
		sed 's/\\fB//g; s/\\fP//g; s/\\-/-/g; s/^# /$ /'
}

# The document's names for the process, its page and the IRQ, made real.
real() {
	sed -e "s/\b1234\b/$TPID/g" -e "s/0x55d0c0a1b000/$TADDR/g" \
		-e "s/0x55d0c0a1b004/$(printf 0x%x $((TADDR + 4)))/g" \
		-e "s/94355073380352/$((TADDR))/g" -e "s/irq:11\b/irq:$IRQ/g"
}

fresh() {
	stop_started
	unload_module
	modprobe ctrmap
	start_target -m aligned
}

# Run a transcript from stdin: each "$ command" (after real) in turn, its
# output compared with the lines that follow it. An example that shows an
# error ("counterctl: ...") must fail with status 1; the others succeed.
# "monitor" runs in the background until the target is killed; "read
# --watch" until it has printed the lines shown (before "^C"), then gets
# SIGTERM (a background job ignores SIGINT), which ends it as ^C does; its
# rates vary, so only their indexes must agree.
play() {
	local line cmd="" want="" got rc n=0
	flush() {
		[ -n "$cmd" ] || return 0
		n=$((n + 1))
		if [[ $cmd == *" monitor "* ]]; then
			bash -c "${cmd/ monitor / monitor --ready }" >"$BATS_TEST_TMPDIR/mon.out" \
				2>"$BATS_TEST_TMPDIR/mon.err" &
			local mpid=$!
			wait_lines "$BATS_TEST_TMPDIR/mon.err" '^ready$' 1
			kill -9 "$TPID"
			rc=0
			wait "$mpid" || rc=$?
			got=$(cat "$BATS_TEST_TMPDIR/mon.out")
		elif [[ $cmd == *" read --watch "* ]]; then
			want=$(grep -vxF '^C' <<<"$want")
			bash -c "exec $cmd" >"$BATS_TEST_TMPDIR/read.out" 2>&1 &
			local rpid=$!
			wait_lines "$BATS_TEST_TMPDIR/read.out" '^[0-9]+ [^ ]+ [0-9]+\.[0-9]{2}$' \
				"$(grep -c . <<<"$want")"
			kill -TERM "$rpid"
			rc=0
			wait "$rpid" || rc=$?
			got=$(head -n "$(grep -c . <<<"$want")" "$BATS_TEST_TMPDIR/read.out")
			grep -qvE '^[0-9]+ [^ ]+ [0-9]+\.[0-9]{2}$' <<<"$got" && return 1
			got=$(cut -d' ' -f1,2 <<<"$got") want=$(cut -d' ' -f1,2 <<<"$want")
		else
			rc=0
			got=$(bash -c "$cmd" 2>&1) || rc=$?
		fi
		echo "example $n: \$ $cmd (status $rc)"
		echo "$got" | sed 's/^/  got:  /'
		echo "$want" | sed '/^$/d; s/^/  want: /'
		if [[ $want == counterctl:* ]]; then
			[ "$rc" = 1 ] || return 1
		else
			[ "$rc" = 0 ] || return 1
		fi
		# Columns line up by their widths: only the words must agree.
		[ -z "$want" ] || [ "$(tr -s ' ' <<<"$got")" = "$(tr -s ' ' <<<"$want")" ] || return 1
		cmd="" want=""
	}
	while IFS= read -r line; do
		if [[ $line == '$ '* ]]; then
			flush || return 1
			cmd=$(real <<<"${line#\$ }")
		elif [ -n "$cmd" ]; then
			want+="${want:+$'\n'}$(real <<<"$line")"
		fi
	done
	flush
}

@test "the README's counterctl examples print what the README shows" {
	run readme_examples
	assert_success
	assert_line --regexp '^\$ counterctl '
	transcript=$output
	fresh
	play <<<"$transcript"
}

@test "counterctl(8)'s examples do what the page shows" {
	run man_examples
	assert_success
	[ "$(grep -c '^---$' <<<"$output")" -ge 5 ]
	blocks=$output
	# Blocks 1 and 2 share a region; block 3 watches a fresh one go.
	fresh
	play < <(awk '/^---$/ { n++; next } n < 2' <<<"$blocks")
	fresh
	"$CTL" attach --pid "$TPID" --addr "$TADDR" --len 4096 >/dev/null
	play < <(awk '/^---$/ { n++; next } n == 2' <<<"$blocks")
	# Block 4: 60 regions of a 60-page process from a file of commands
	# (-b), written where the test may write.
	stop_started
	unload_module
	modprobe ctrmap
	start_target -m mmap -p 60
	cd "$BATS_TEST_TMPDIR"
	play < <(awk '/^---$/ { n++; next } n == 3' <<<"$blocks")
	# Block 5 (DIAGNOSTICS): an attach the kernel refuses.
	fresh
	play < <(awk '/^---$/ { n++; next } n == 4' <<<"$blocks")
}
