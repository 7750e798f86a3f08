#!/bin/bash
# The VM harness itself: it passes the command's status through, fails on a
# kernel splat even when the command succeeded, and leaves no QEMU behind.
# TAP output; runs on the host (each case boots a guest).
top=$(cd "$(dirname "$0")/../.." && pwd)
run=$top/tests/vm/run
n=0
fails=0
ok() {
	n=$((n + 1))
	if [ "$1" = 0 ]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
		fails=$((fails + 1))
	fi
}
qemus() { pgrep -c -f '^qemu-system-x86_64 .*vmrun.share=' || true; }

echo "1..6"
before=$(qemus)

"$run" -- true
ok $? "tests/vm/run -- true exits 0"

"$run" -- false
rc=$?
[ $rc = 1 ]
ok $? "tests/vm/run -- false exits 1 (got $rc)"

"$run" -- sh -c 'exit 7'
rc=$?
[ $rc = 7 ]
ok $? "the command's exit status passes through (got $rc)"

out=$("$run" -- sh -c 'insmod "$CTRMAP_KBUILD/kmod/ctrmap_test_warn.ko" && rmmod ctrmap_test_warn' 2>&1)
rc=$?
echo "$out" | sed 's/^/# /'
[ $rc != 0 ] && echo "$out" | grep -q 'deliberate warning'
ok $? "a WARN in the guest fails the run although the command succeeded (got $rc)"

"$run" --timeout 20 -- sleep 600
rc=$?
[ $rc = 124 ]
ok $? "a command that outlives --timeout is stopped, status 124 (got $rc)"

after=$(qemus)
[ "$after" = "$before" ]
ok $? "no QEMU process left behind ($before before, $after after)"

[ $fails = 0 ]
