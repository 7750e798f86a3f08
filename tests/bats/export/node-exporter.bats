#!/usr/bin/env bats
# counterctl export as Prometheus gets it: the command ctrmap-export.service
# runs (read from the unit, counterctl's path made the tree's) writes
# Debian's textfile directory, and Debian's own node_exporter (1.5, package
# prometheus-node-exporter; the guest's root is the host's, where
# tests/lib/deps installs it), running as its own user as its service
# does, serves what it wrote: no scrape error, a timer's counter that
# grows from one run to the next and lies between what the process saw in
# its own memory before and after the run, an irq's counter exactly the
# interrupts raised (both named, and read by name with counterctl read),
# a comm with a quote, a backslash and a newline intact, a detached region
# gone. promtool check metrics parses the file itself.

load ../lib

UNIT=$TOP/debian/counterctl.ctrmap-export.service
METRICS=http://127.0.0.1:9100/metrics

setup() {
	require_guest
	local p
	for p in prometheus-node-exporter promtool curl; do
		command -v "$p" >/dev/null ||
			skip "environment: $p not installed (tests/lib/deps installs it)"
	done
	id prometheus >/dev/null 2>&1 ||
		skip "environment: no user prometheus (prometheus-node-exporter's postinst makes it)"
	# The unit's command, with this tree's counterctl.
	CMD=$(sed -n 's/^ExecStart=//p' "$UNIT")
	[[ $CMD == "/usr/sbin/counterctl export "* ]] ||
		fail "unexpected ExecStart in $UNIT: $CMD"
	CMD="$CTL ${CMD#/usr/sbin/counterctl }"
	PROM=$(sed -n 's/.* -o \([^ ]*\).*/\1/p' <<<"$CMD")
	TEXTFILE=$(dirname "$PROM")
	[ -d "$TEXTFILE" ] || fail "$TEXTFILE, which the unit writes, does not exist"
	rm -f "$PROM"
	modprobe ctrmap
	# The guest has no network but loopback, which nothing brings up.
	ip link set lo up
	start_node_exporter
}

teardown() {
	stop_started
	rmmod ctrmap_test_irqbench 2>/dev/null || true
	rm -f "$PROM"
}

# node_exporter with its textfile collector alone, as the user its
# Debian service runs as, on 127.0.0.1:9100; waits until it answers.
start_node_exporter() {
	local i
	# setpriv itself in the background (as_user would be a subshell that
	# stop_started's kill leaves node_exporter behind).
	setpriv --reuid=prometheus --regid="$(id -g prometheus)" --clear-groups \
		-- prometheus-node-exporter --collector.disable-defaults \
		--collector.textfile --collector.textfile.directory="$TEXTFILE" \
		--web.listen-address=127.0.0.1:9100 >"$BATS_TEST_TMPDIR/ne.log" 2>&1 &
	STARTED_PIDS+=" $!"
	for ((i = 0; i < 200; i++)); do
		curl -sf -o /dev/null "$METRICS" && return 0
		sleep 0.1
	done
	cat "$BATS_TEST_TMPDIR/ne.log" >&2
	fail "node_exporter does not answer on $METRICS"
}

# What ctrmap-export.service does once.
run_unit() {
	bash -c "$CMD"
}

# One scrape into $SCRAPE; the textfile collector must have read every
# file without an error.
scrape() {
	SCRAPE=$(curl -sf "$METRICS") || fail "cannot scrape $METRICS"
	grep -qx 'node_textfile_scrape_error 0' <<<"$SCRAPE" || {
		grep textfile <<<"$SCRAPE" >&2
		cat "$BATS_TEST_TMPDIR/ne.log" >&2
		fail "node_exporter could not read $TEXTFILE"
	}
}

# The sample of ctrmap_counter_total of region ID, counter INDEX in the
# last scrape: the whole line.
sample_line() { # ID INDEX
	grep '^ctrmap_counter_total{' <<<"$SCRAPE" |
		grep -F "region=\"$1\"" | grep -F "index=\"$2\""
}

sample_value() { # ID INDEX
	sample_line "$1" "$2" | awk '{ print $NF }'
}

# promtool check metrics on FILE: it parses; the linter may only note
# that ctrmap_counter_total has its type in its name.
promtool_ok() { # FILE
	local out rc=0
	out=$(promtool check metrics <"$1" 2>&1) || rc=$?
	[ "$rc" = 0 ] && return 0
	[ "$rc" = 3 ] && [ "$out" = "ctrmap_counter_total metric name should not include type 'counter'" ] &&
		return 0
	echo "promtool check metrics: status $rc: $out" >&2
	return 1
}

@test "node_exporter serves what the export unit writes; named timer and irq counters grow, by read and between runs" {
	load_irqbench
	start_target -m mmap
	attach "$TPID" "$TADDR" "$TLEN"
	"$CTL" name "$RID" rxq0
	"$CTL" bind --name ticks "$RID" 0 timer:1ms
	"$CTL" bind --name irqs "$RID" 1 "irq:$BENCH_IRQ0"
	"$CTL" add "$RID" 3 5
	echo 100 >"$BENCH/raise0"
	sleep 0.2

	# counterctl read, by the names: both there, both growing.
	run "$CTL" read rxq0 ticks irqs
	assert_success
	assert_line --index 1 "1 irqs 100"
	read -r _ _ t1 <<<"${lines[0]}"
	[[ ${lines[0]} == "0 ticks "* ]]
	echo 20 >"$BENCH/raise0"
	sleep 0.1
	run "$CTL" read rxq0 ticks irqs
	assert_line --index 1 "1 irqs 120"
	read -r _ _ t2 <<<"${lines[0]}"
	echo "# ticks $t1 -> $t2" >&3
	[ "$t2" -gt "$t1" ]

	before=$(mem_counter "$TPID" "$TADDR" 0)
	run_unit
	after=$(mem_counter "$TPID" "$TADDR" 0)
	# Replaced by a rename: nothing beside it but what others put there.
	run ls -A "$TEXTFILE"
	refute_output --partial ".$(basename "$PROM")."
	promtool_ok "$PROM"

	scrape
	assert_equal "$(sample_line "$RID" 0)" \
		"ctrmap_counter_total{comm=\"ctrmap-target\",index=\"0\",name=\"ticks\",pid=\"$TPID\",region=\"$RID\",region_name=\"rxq0\",source=\"timer:1ms\"} $(sample_value "$RID" 0)"
	v1=$(sample_value "$RID" 0)
	echo "# before=$before exported=$v1 after=$after" >&3
	[ "$before" -gt 0 ]
	[ "$before" -le "$v1" ]
	[ "$v1" -le "$after" ]
	assert_equal "$(sample_value "$RID" 3)" 5
	assert_equal "$(sample_line "$RID" 1)" \
		"ctrmap_counter_total{comm=\"ctrmap-target\",index=\"1\",name=\"irqs\",pid=\"$TPID\",region=\"$RID\",region_name=\"rxq0\",source=\"irq:$BENCH_IRQ0\"} 120"
	[[ $(sample_line "$RID" 2) == *'source=""'* ]]
	# Every counter of the region, one sample each.
	assert_equal "$(grep -cF "region=\"$RID\"" <<<"$SCRAPE")" \
		"$(jq .ncounters <<<"$("$CTL" -j show "$RID")")"
	grep -qx 'ctrmap_regions 1' <<<"$SCRAPE"
	grep -qx '# TYPE ctrmap_counter_total counter' <<<"$SCRAPE"

	sleep 0.2
	run_unit
	scrape
	v2=$(sample_value "$RID" 0)
	echo "# second run: $v2" >&3
	[ "$v2" -gt "$v1" ]
	echo 30 >"$BENCH/raise0"
	run_unit
	scrape
	assert_equal "$(sample_value "$RID" 1)" 150
}

@test "a comm with a quote, a backslash and a newline reaches node_exporter intact" {
	# The comm is the name of the executable: a copy of the target's.
	weird=$BATS_TEST_TMPDIR/$'a"b\\c\nd'
	cp "$TARGET" "$weird"
	TARGET=$weird start_target -m mmap
	attach "$TPID" "$TADDR" "$TLEN"
	run_unit
	promtool_ok "$PROM"
	scrape
	# node_exporter escapes it again as the format wants.
	[[ $(sample_line "$RID" 0) == *'comm="a\"b\\c\nd"'* ]] || {
		sample_line "$RID" 0 >&2
		false
	}
}

@test "a detached region leaves the export at the next run, and its detach is counted" {
	start_target -m mmap
	attach "$TPID" "$TADDR" "$TLEN"
	run_unit
	scrape
	[ -n "$(sample_line "$RID" 0)" ]
	exits=$(sed -n 's/^ctrmap_detaches_total{reason="exit"} //p' <<<"$SCRAPE")

	stop_started
	start_node_exporter
	run_unit
	scrape
	run grep -c '^ctrmap_counter_total{' <<<"$SCRAPE"
	assert_output 0
	grep -qx 'ctrmap_regions 0' <<<"$SCRAPE"
	assert_equal "$(sed -n 's/^ctrmap_detaches_total{reason="exit"} //p' <<<"$SCRAPE")" \
		$((exits + 1))
	promtool_ok "$PROM"
}
