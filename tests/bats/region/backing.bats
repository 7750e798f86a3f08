#!/usr/bin/env bats
# What memory a region may live in: anonymous, shmem (memfd, tmpfs files,
# shared anonymous, SysV) and hugetlb attach; a device's pages do not, even
# when its node lives in devtmpfs, which is tmpfs. Oracles: /proc/PID/maps
# (what the memory is), /proc/PID/smaps (the mapping's flags), the process's
# own reads, /proc/vmstat's pin counters.

load ../lib

DEVMAP=ctrmap_test_devmap

setup() {
	require_guest
	modprobe ctrmap
	read -r A0 R0 < <(pins)
}

teardown() {
	local rc=0
	stop_started || rc=1
	grep -q "^$DEVMAP " /proc/modules && rmmod "$DEVMAP"
	[ -n "${HUGE0:-}" ] && echo "$HUGE0" >/proc/sys/vm/nr_hugepages
	[ -n "${TMPFS:-}" ] && umount "$TMPFS"
	return $rc
}

# The name /proc/PID/maps gives the mapping that starts at ADDR.
map_name() { # PID ADDR
	awk -v a="$(printf %x $(($2)))" '{ split($1, r, "-") }
		r[1] == a { $1 = $2 = $3 = $4 = $5 = ""; sub(/^ +/, ""); print; exit }' "/proc/$1/maps"
}

# The VmFlags of that mapping in /proc/PID/smaps.
map_flags() { # PID ADDR
	awk -v a="$(printf %x $(($2)))" '{ split($1, r, "-") }
		/^[0-9a-f]+-/ { in_it = (r[1] == a) }
		in_it && /^VmFlags:/ { sub(/^VmFlags: */, ""); print; exit }' "/proc/$1/smaps"
}

# The started target's memory attaches, counts, detaches, and gives back
# every pin it took; /proc/PID/maps names it NAME (a regex).
attaches() { # NAME
	assert_regex "$(map_name "$TPID" "$TADDR")" "$1"
	attach "$TPID" "$TADDR" "$TLEN"
	read -r a1 r1 < <(pins)
	[ $((a1 - A0)) -ge 1 ]
	"$CTL" add "$RID" 1 42
	line=$(target_print)
	[[ $line == state=attached* ]]
	assert_equal "$(counter_of "$line" 1)" 42
	"$CTL" detach "$RID"
	read -r a2 r2 < <(pins)
	assert_equal $((r2 - R0)) $((a2 - A0))
	assert_equal "$(regions_listed)" 0
}

@test "shared anonymous memory attaches" {
	start_target -m shared
	attaches '^/dev/zero \(deleted\)$'
}

@test "a private mapping of /dev/zero is anonymous memory and attaches" {
	start_target -m zero
	assert_equal "$(map_flags "$TPID" "$TADDR" | grep -cw sh)" 0
	attaches '^/dev/zero$'
}

@test "a memfd attaches" {
	start_target -m memfd
	attaches '^/memfd:ctrmap-target \(deleted\)$'
}

@test "a tmpfs file attaches" {
	TMPFS=$BATS_TEST_TMPDIR/tmpfs
	mkdir -p "$TMPFS"
	mount -t tmpfs tmpfs "$TMPFS"
	truncate -s 8192 "$TMPFS/counters"
	start_target -m "path:$TMPFS/counters" -p 2
	attaches "^$TMPFS/counters\$"
}

@test "SysV shared memory attaches" {
	start_target -m sysv
	attaches '^/SYSV[0-9a-f]+ \(deleted\)$'
}

@test "hugetlb memory attaches" {
	HUGE0=$(cat /proc/sys/vm/nr_hugepages)
	echo $((HUGE0 + 1)) >/proc/sys/vm/nr_hugepages
	[ "$(awk '/^HugePages_Free:/ { print $2 }' /proc/meminfo)" -ge 1 ] ||
		skip "no huge page could be reserved"
	start_target -m hugetlb
	attaches '^/anon_hugepage \(deleted\)$'
}

@test "a device's pages are refused, though its node lives in devtmpfs (tmpfs)" {
	ko=$CTRMAP_KBUILD/kmod/$DEVMAP.ko
	[ -f "$ko" ] || skip "environment: no $ko: build it with make test-modules"
	insmod "$ko"
	[ -c "/dev/$DEVMAP" ]
	assert_equal "$(stat -f -c %T "/dev/$DEVMAP")" tmpfs
	start_target -m "path:/dev/$DEVMAP" -p 2
	assert_equal "$(map_name "$TPID" "$TADDR")" "/dev/$DEVMAP"
	# Shared, writable, mixed map, and neither VM_IO nor VM_PFNMAP.
	flags=" $(map_flags "$TPID" "$TADDR") "
	[[ $flags == *" sh "* && $flags == *" wr "* && $flags == *" mm "* ]]
	[[ $flags != *" io "* && $flags != *" pf "* ]]

	run "$CTL" attach --pid "$TPID" --addr "$TADDR" --len "$TLEN"
	assert_failure 1
	assert_line "counterctl: cannot attach: Operation not supported"
	assert_line --regexp '^counterctl: kernel reports: the range maps a device or special file: .* \(attribute addr\)$'
	run "$NLRAW" $CTRMAP_CMD_ATTACH $CTRMAP_A_PID:u32:$TPID \
		$CTRMAP_A_ADDR:u64:"$(printf %u "$TADDR")" $CTRMAP_A_LEN:u64:"$TLEN"
	assert_failure 1
	assert_line --regexp "^errno=$(errno_of EOPNOTSUPP) "
	assert_line --regexp '^msg=the range maps a device or special file'

	# Nothing was pinned, nothing is left.
	read -r a r < <(pins)
	assert_equal "$a $r" "$A0 $R0"
	assert_equal "$(regions_listed)" 0
	assert_equal "$(awk '/^VmPin:/ { print $2 }' "/proc/$TPID/status")" 0
}
