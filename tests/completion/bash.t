#!/bin/bash
# counterctl's bash completion (ctl-tool/counterctl.bash-completion) with a
# fake counterctl first on PATH that logs how it is run: pressing Tab never
# runs counterctl while the ctrmap module is not loaded (region ids come
# from "counterctl list", which resolves the netlink family, and that
# loads the module); once it is loaded (stood in for by redefining the
# completion's own check of /sys/module/ctrmap), the same Tabs ask the fake
# and offer what it says. Commands, abbreviations, options and --version
# complete without it. Runs on the host; TAP output.
top=$(cd "$(dirname "$0")/../.." && pwd)

n=0
fails=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
calls=$tmp/calls

# is GOT WANT DESCRIPTION: one TAP line; a mismatch shows both.
is() {
	n=$((n + 1))
	if [ "$1" = "$2" ]; then
		echo "ok $n - $3"
	else
		echo "not ok $n - $3"
		echo "#   got:      '$1'"
		echo "#   expected: '$2'"
		fails=$((fails + 1))
	fi
}
skip() { # DESCRIPTION REASON
	n=$((n + 1))
	echo "ok $n - $1 # SKIP $2"
}

# The fake: logs its arguments, answers list and show as counterctl would.
mkdir "$tmp/bin"
cat >"$tmp/bin/counterctl" <<FAKE
#!/bin/sh
echo "\$*" >>"$calls"
case "\$1" in
list) printf 'ID PID  COMM   ADDR           LEN  PAGES COUNTERS STATE    BINDINGS\n3  1234 reader 0x7f0000004000 4096 1     504      attached 0=timer:1ms,2=irq:11\n12 99   target 0x7f000000d000 4096 1     504      attached -\n' ;;
show) printf 'id:        3\nbindings:  0=timer:1ms,2=irq:11\n' ;;
esac
FAKE
chmod +x "$tmp/bin/counterctl"
PATH=$tmp/bin:$PATH
hash -r
: >"$calls"

. "$top/ctl-tool/counterctl.bash-completion"

# c LINE: the candidates for the end of LINE, as Tab there offers them.
c() {
	COMP_LINE=$1
	COMP_POINT=${#1}
	_counterctl counterctl
	echo "${COMPREPLY[*]}"
}

# Tabs that want region ids or bound counters, with what a loaded module
# (the fake) gives.
asks=(
	"counterctl detach |3 12"
	"counterctl add |3 12"
	"counterctl bind 1|12"
	"counterctl show |3 12"
	"counterctl read |3 12"
	"counterctl read --watch 1 |3 12"
	"counterctl -j sh |3 12"
	"counterctl unbind |3 12"
	"counterctl unbind 3 |0 2"
	"counterctl monitor --region |3 12"
	"counterctl watch --pid 1 --region 1|12"
)

echo "1..$((2 * ${#asks[@]} + 23))"

is "$(c "counterctl mo")" monitor "commands: monitor"
is "$(c "counterctl r")" read "commands: read"
is "$(c "counterctl read --")" "--help --json --pretty --watch" "read's options: --watch"
is "$(c "counterctl read --watch ")" "1 5 10" "read --watch: a few intervals"
is "$(c "counterctl show --")" "--help --json --pretty --verbose --stats" \
	"show's options: --verbose, --stats"
is "$(c "counterctl help w")" watch "help: the alias watch"
is "$(c "counterctl --v")" --version "global options: --version"
is "$(c "counterctl -")" "-j --json -p --pretty -b --batch -f --force -h --help -V --version" \
	"global options: -j, -p, -b, -f, --help, --version"
is "$(c "counterctl --f")" --force "global options: --force"
mkdir "$tmp/cwd" && touch "$tmp/cwd/regions.batch" "$tmp/cwd/other"
is "$(cd "$tmp/cwd" && c "counterctl -j --batch reg")" regions.batch \
	"--batch FILE: files"
: >"$calls"
is "$(cd "$tmp/cwd" && c "counterctl -f -b regions.batch ")$(cat "$calls")" "" \
	"-b FILE: no command after it, counterctl not run"
is "$(c "counterctl -b x --")" "--json --pretty --batch --force --help --version" \
	"-b FILE: global options still"
is "$(c "counterctl monitor --")" "--help --json --pretty --region --pid --count --timeout --ready" \
	"monitor's options, -j and -p after the command too"
is "$(c "counterctl w --re")" "--region --ready" \
	"an abbreviated command's options: w is watch, monitor's alias"
is "$(c "counterctl li --")" "--help --json --pretty --pid" "li is list"
is "$(c "counterctl s --")" "--help --json --pretty" \
	"an ambiguous command (status, show): only what every command takes"
is "$(c "counterctl e")" export "commands: export"
is "$(c "counterctl export -")" "--help --openmetrics -o --output" \
	"export's options: its format and -o, not -j or -p"
: >"$calls"
is "$(c "counterctl export ")$(cat "$calls")" --openmetrics \
	"export: the format it needs first, counterctl not run"
is "$(c "counterctl ex --openmetrics ")" "" "export --openmetrics: nothing more it needs"
is "$(cd "$tmp/cwd" && c "counterctl export --openmetrics -o reg")" regions.batch \
	"export -o FILE: files"
is "$(cd "$tmp/cwd" && c "counterctl export --output ot")" other \
	"export --output FILE: files"

if [ -d /sys/module/ctrmap ]; then
	for a in "${asks[@]}"; do
		skip "Tab after '${a%%|*}' without the module" "the ctrmap module is loaded on this host"
	done
else
	for a in "${asks[@]}"; do
		: >"$calls"
		got=$(c "${a%%|*}")
		is "$(cat "$calls")$got" "" \
			"Tab after '${a%%|*}' without the module: counterctl not run, nothing offered"
	done
fi

# The module loaded: the same Tabs ask counterctl, so the check above
# could see it run.
_counterctl_loaded() { true; }
for a in "${asks[@]}"; do
	: >"$calls"
	got=$(c "${a%%|*}")
	is "$got" "${a#*|}" "Tab after '${a%%|*}' with the module: what counterctl lists"
done
: >"$calls"
c "counterctl unbind 3 " >/dev/null
is "$(cat "$calls")" "show 3" "with the module: unbind asks show ID, once"

[ $fails = 0 ]
