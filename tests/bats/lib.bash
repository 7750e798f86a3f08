# Shared setup for the BATS suite. The suite runs as root inside a guest
# started by tests/vm/run, which installs ctrmap.ko in the guest's
# /lib/modules and exports CTRMAP_TOP and CTRMAP_KBUILD.

load '/usr/lib/bats/bats-support/load'
load '/usr/lib/bats/bats-assert/load'

TOP=${CTRMAP_TOP:-$(cd "$BATS_TEST_DIRNAME/../../.." && pwd)}
export LD_LIBRARY_PATH=$TOP/libctl
CTL=$TOP/ctl-tool/counterctl
NLRAW=$TOP/tests/tools/nlraw

# Guard against running on a machine where loading modules is not possible.
require_guest() {
	[ -e /proc/modules ] || skip "needs a kernel with module support: run through tests/vm/run"
	[ -n "${CTRMAP_KBUILD:-}" ] || skip "CTRMAP_KBUILD unset: run through tests/vm/run"
}

module_loaded() {
	grep -q '^ctrmap ' /proc/modules
}

unload_module() {
	if module_loaded; then
		rmmod ctrmap
	fi
}

# The value of one #define in a generated ctrmap_config.h.
config_value() { # FILE NAME
	sed -n "s/^#define $2 //p" "$1"
}

# Errno numbers from the C headers, not hard-coded in tests.
errno_of() { # NAME
	printf '#include <errno.h>\n%s\n' "$1" | cpp -P - | tail -n 1
}
