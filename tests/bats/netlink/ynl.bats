#!/usr/bin/env bats
# The family scripted with the kernel's own YNL tool, cli.py from linux
# 6.12 (Debian's linux-source-6.12, extracted into build/ynl-6.12 by
# tests/build/ynl-spec.t, which make check runs first), and ctrmap's YNL
# spec: stats and a dump of get give what counterctl -j status and list
# give; attach, name, add and get (values) work through it; a subscriber
# to "monitor" receives DETACHED; the Python example runs against the
# module.

load ../lib

setup() {
	require_guest
	YNLDIR=$TOP/build/ynl-6.12
	[ -f "$YNLDIR/tools/net/ynl/cli.py" ] ||
		skip "environment: no linux 6.12 YNL in build/ynl-6.12 (tests/build/ynl-spec.t extracts it; make check runs it before the guest)"
	SPEC=$TOP/module/include/uapi/ctrmap.yaml
	# YNL finds the family with a dump, which loads no module.
	modprobe ctrmap
}

teardown() {
	stop_started
}

ynl() {
	python3 "$YNLDIR/tools/net/ynl/cli.py" --spec "$SPEC" \
		--schema "$YNLDIR/Documentation/netlink/genetlink-legacy.yaml" \
		--output-json "$@"
}

@test "YNL's stats and get dump give what counterctl -j status and list give" {
	start_target -m mmap
	run "$CTL" -j attach --pid "$TPID" --addr "$TADDR" --len "$TLEN" --name rxq0
	assert_success
	"$CTL" bind rxq0 0 timer:1ms
	"$CTL" name rxq0 2 drops

	run ynl --do stats
	assert_success
	got=$(jq -c '[.version, .stats.regions, .stats["pinned-pages"],
		.stats.bindings, .stats.attaches, .limits["max-regions"],
		.limits["max-region-pages"], .limits["timer-min-period-ns"]]' <<<"$output")
	want=$("$CTL" -j status | jq -c '[.version, .regions, .pinned_pages,
		.bindings, .attaches, .limits.max_regions,
		.limits.max_region_pages, .limits.timer_min_period_ns]')
	echo "# ynl: $got counterctl: $want" >&3
	assert_equal "$got" "$want"
	assert_equal "$(jq '.[1]' <<<"$got")" 1

	run ynl --dump get
	assert_success
	# The spec shows addr as hex (display-hint); user addresses are below
	# 2^53, exact as jq's numbers.
	got=$(jq -c 'def hex: ltrimstr("0x") | ascii_downcase | explode |
		reduce .[] as $c (0; . * 16 + if $c >= 97 then $c - 87 else $c - 48 end);
		[.[] | [.["region-id"], .pid, .comm, .name, (.addr | hex), .len,
		.npages, .ncounters, .state,
		[.bindings.binding[]? | [.index, .source.type]]]]' <<<"$output")
	want=$("$CTL" -j list | jq -c '[.[] | [.id, .pid, .comm, .name, .addr,
		.len, .npages, .ncounters, .state,
		[.bindings[] | [.index, (.source | sub(":.*"; ""))]]]]')
	echo "# ynl: $got" >&3
	assert_equal "$got" "$want"
	# The named counters, as counterctl read names them.
	run ynl --dump get
	got=$(jq -c '[.[0].counters.counter[] | [.index, .name]]' <<<"$output")
	want=$("$CTL" -j read rxq0 | jq -c '[.[] | select(.name) | [.index, .name]]')
	assert_equal "$got" "$want"
	assert_equal "$got" '[[2,"drops"]]'
}

@test "attach, name, add and get values through YNL; a subscriber to monitor gets DETACHED" {
	start_target -m mmap
	run ynl --do attach --json "{\"pid\": $TPID, \"addr\": $((TADDR)), \"len\": $TLEN, \"name\": \"ynlq\"}"
	assert_success
	rid=$(jq '.["region-id"]' <<<"$output")
	assert_equal "$(jq .ncounters <<<"$output")" $(((TLEN - 64) / 8))
	run "$CTL" -j show ynlq
	assert_success
	assert_equal "$(jq -c '[.id, .pid]' <<<"$output")" "[$rid,$TPID]"

	run ynl --do name --json "{\"region-id\": $rid, \"index\": 3, \"name\": \"hits\"}"
	assert_success
	run ynl --do add --json "{\"region-id\": $rid, \"index\": 3, \"delta\": 7}"
	assert_success
	assert_equal "$(mem_counter "$TPID" "$TADDR" 3)" 7
	run ynl --do get --json "{\"region-id\": $rid, \"first-index\": 2, \"count\": 3}"
	assert_success
	assert_equal "$(jq -c '[.["first-index"], .values]' <<<"$output")" \
		"[2,[0,7,0]]"
	run "$CTL" read ynlq hits
	assert_output "3 hits 7"

	# The subscriber reports what it received once its sleep is over;
	# regions detached until then, one a second, are each a chance.
	ynl --subscribe monitor --sleep 12 >"$BATS_TEST_TMPDIR/ynl.out" \
		2>"$BATS_TEST_TMPDIR/ynl.err" &
	spid=$!
	STARTED_PIDS+=" $spid"
	"$CTL" detach "$rid"
	ids=$rid
	while kill -0 "$spid" 2>/dev/null; do
		run "$CTL" -j attach --pid "$TPID" --addr "$TADDR" --len "$TLEN"
		id=$(jq .id <<<"$output")
		ids+=" $id"
		"$CTL" detach "$id"
		sleep 1
	done
	wait "$spid" || fail "cli.py --subscribe: $(cat "$BATS_TEST_TMPDIR/ynl.err")"
	STARTED_PIDS=${STARTED_PIDS% $spid}
	sed "s/^/# /" "$BATS_TEST_TMPDIR/ynl.out" >&3
	run jq -c '.[] | select(.name == "detached") | .msg |
		[.["region-id"], .pid, .reason]' "$BATS_TEST_TMPDIR/ynl.out"
	assert_success
	[ -n "$output" ] || fail "no DETACHED event received"
	while read -r ev; do
		id=$(jq '.[0]' <<<"$ev")
		[[ " $ids " == *" $id "* ]] || fail "an event for region $id, not one of ours ($ids)"
		assert_equal "$(jq -c '.[1:]' <<<"$ev")" "[$TPID,\"request\"]"
	done <<<"$output"
}

@test "examples/ynl-counters.py attaches its own page, reads its counters and detaches" {
	run python3 "$TOP/examples/ynl-counters.py" --ynl "$YNLDIR/tools/net/ynl" \
		--spec "$SPEC" --count 4
	sed "s/^/# /" <<<"$output" >&3
	assert_success
	assert_line "0 5"
	assert_line "3 0"
	assert_equal "$(regions_listed)" 0
}
