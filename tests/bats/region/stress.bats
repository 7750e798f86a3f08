#!/usr/bin/env bats
# Concurrency, bounded: several processes with several regions each; ADD
# loops and GET dumps run while processes are killed and regions detached.
# Afterwards nothing is left and every pin is back (the harness fails the
# run on any kernel splat).

load ../lib

setup() {
	require_guest
	modprobe ctrmap
}

teardown() {
	stop_started
}

# An ADD or DETACH may fail only because its region is gone.
GONE='(No such file or directory|No such device)$|kernel reports: no such region'

@test "adds, dumps, kills and detaches at once; every ADD that succeeded is counted" {
	read -r a0 r0 < <(pins)
	RANDOM=7	# seeded: the same chaos every run
	ids=()
	tpids=()
	mirrors=()	# per region: "PID ADDR" of a second mapping of its page
	for p in 1 2 3 4; do
		start_target -m memfd -p 3
		exec 7>&-
		owner=$TPID base=$TADDR
		fd=$(sed -n 's/^fd=//p' "$TOUT")
		tpids+=("$owner")
		# The same memfd in another process: it still shows the counters
		# after the owner is killed.
		start_target -m "path:/proc/$owner/fd/$fd" -p 3
		exec 7>&-
		for i in 0 1 2; do
			attach "$owner" "$(printf 0x%x $((base + i * 4096)))" 4096
			ids+=("$RID")
			mirrors+=("$TPID $((TADDR + i * 4096))")
		done
	done
	assert_equal "$(regions_listed)" 12

	end=$((SECONDS + 8))
	adders=()
	for w in 1 2; do
		( while [ $SECONDS -lt $end ]; do
			for id in "${ids[@]}"; do
				k=$((RANDOM % 8))
				"$CTL" add "$id" $k 1 && echo "$id $k"
			done
		done ) >"$BATS_TEST_TMPDIR/added.$w" 2>"$BATS_TEST_TMPDIR/add.err.$w" &
		adders+=("$!")
	done
	( while [ $SECONDS -lt $end ]; do "$CTL" -j list >/dev/null || echo "list failed"; done ) \
		>"$BATS_TEST_TMPDIR/lister" &
	lister=$!

	for round in 1 2 3 4; do
		sleep 1
		victim=${tpids[$((round - 1))]}
		if [ $((RANDOM % 2)) = 0 ]; then
			kill -9 "$victim"
		else
			"$CTL" detach "${ids[$((RANDOM % 12))]}" 2>>"$BATS_TEST_TMPDIR/detach.err" || true
		fi
	done
	wait "$lister"
	[ ! -s "$BATS_TEST_TMPDIR/lister" ]
	wait "${adders[@]}" || true	# each ends with its last ADD's status
	# Failures only for regions that were gone.
	run grep -hvE "$GONE" "$BATS_TEST_TMPDIR"/add.err.* "$BATS_TEST_TMPDIR/detach.err"
	assert_output ""
	# Each counter holds exactly the ADDs that succeeded on it.
	sort "$BATS_TEST_TMPDIR"/added.* | uniq -c >"$BATS_TEST_TMPDIR/expected"
	[ "$(awk '{ n += $1 } END { print n + 0 }' "$BATS_TEST_TMPDIR/expected")" -gt 0 ]
	declare -A want=()
	while read -r n id k; do
		want[$id.$k]=$n
	done <"$BATS_TEST_TMPDIR/expected"
	for j in "${!ids[@]}"; do
		read -r mpid maddr <<<"${mirrors[$j]}"
		mapfile -t got < <(mem_counters "$mpid" "$maddr" 8)
		assert_equal "${#got[@]}" 8
		for k in 0 1 2 3 4 5 6 7; do
			assert_equal "region ${ids[$j]} counter $k: ${got[$k]}" \
				"region ${ids[$j]} counter $k: ${want[${ids[$j]}.$k]:-0}"
		done
	done
	stop_started
	assert_equal "$(regions_listed)" 0
	read -r a r < <(pins)
	assert_equal $((r - r0)) $((a - a0))
	assert_equal $((a - a0)) 12
}
