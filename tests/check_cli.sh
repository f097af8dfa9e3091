#!/bin/sh
# check_cli.sh - `make check`'s check of every program's command line:
# --help (usage on stdout, exit 0), --version ("NAME VERSION" with
# config.mk's VERSION, exit 0), a usage error (exit 2, a hint to --help on
# stderr), ccpool's subcommands' --help, and the wrapper's rule that
# options end at the compiler's name: `ccpool cc --version` and a
# masquerade symlink run the compiler's own --version and --help.
# The compiler is a fake (a shell script in a temporary directory) and
# CCPOOL_DISABLE=1 keeps every job local: no agent, no network.  Each man
# page must document --help and --version too.
# Run by tests/check_units.sh.
#
# Usage: tests/check_cli.sh BUILD_DIR     (from the source tree's top)
set -u
b=${1:?usage: check_cli.sh BUILD_DIR}
version=$(sed -n 's/^VERSION[ 	]*=[ 	]*//p' config.mk)
[ -n "$version" ] || { echo "FAIL: cli: no VERSION in config.mk"; exit 1; }
d=$(mktemp -d /tmp/ccpool-cli.XXXXXX) || exit 1
trap 'rm -rf "$d"' EXIT
trap 'exit 1' INT TERM
fails=0

fail() {
	echo "FAIL: cli: $*"
	fails=$((fails + 1))
}

# run CMD...: CMD's exit status in $rc, its stdout and stderr in $o and
# $e; nothing it starts outlives it (60 s: far above what any takes, on
# a busy machine under sanitizers too).
o=$d/out e=$d/err
run() {
	timeout 60 env HOME="$d/home" XDG_CONFIG_HOME="$d/home/.config" \
	    XDG_RUNTIME_DIR="$d/run" CCPOOL_DISABLE=1 "$@" \
	    >"$o" 2>"$e" </dev/null
	rc=$?
}

# expect LABEL STATUS WHAT [ARG]: the last run exited STATUS and shows
# WHAT (usage: stdout's first line starts with "usage: ARG"; exact:
# stdout is the line ARG; hint: stderr names --help and stdout is empty).
expect() {
	n=$1 want=$2 what=$3 arg=${4:-}
	if [ "$rc" -ne "$want" ]; then
		fail "$n: exit $rc, not $want; stderr: $(head -c 300 "$e")"
		return
	fi
	case $what in
	usage)
		case $(head -n 1 "$o") in
		"usage: $arg"*) ;;
		*) fail "$n: stdout does not start with 'usage: $arg'";;
		esac
		[ ! -s "$e" ] || fail "$n: wrote to stderr"
		;;
	exact)
		[ "$(cat "$o")" = "$arg" ] ||
			fail "$n: stdout '$(head -c 200 "$o")', not '$arg'"
		[ ! -s "$e" ] || fail "$n: wrote to stderr"
		;;
	hint)
		grep -q -- '--help' "$e" ||
			fail "$n: stderr does not point to --help"
		[ ! -s "$o" ] || fail "$n: wrote to stdout"
		;;
	esac
}

mkdir -p "$d/home" "$d/run" "$d/bin" "$d/masq" || exit 1
chmod 700 "$d/run"

for p in ccpool ccpool-agent ccpoold lsdistcc ccpool-top; do
	if [ ! -x "$b/$p" ]; then
		fail "no $b/$p (make all first)"
		continue
	fi
	run "$b/$p" --help
	expect "$p --help" 0 usage "$p"
	grep -q -- '--version' "$o" ||
		fail "$p --help does not mention --version"
	run "$b/$p" --version
	expect "$p --version" 0 exact "$p $version"
	run "$b/$p" --no-such-option
	expect "$p --no-such-option" 2 hint
done

# usage errors that are not an unknown option
run "$b/ccpoold" extra
expect "ccpoold extra" 2 hint
run "$b/ccpoold" -p 0
expect "ccpoold -p 0" 2 hint
run "$b/lsdistcc" -t 0
expect "lsdistcc -t 0" 2 hint
run "$b/ccpool"
expect "ccpool (no arguments)" 2 hint
run "$b/ccpool" --hosts -j
expect "ccpool --hosts -j" 2 hint
run "$b/ccpool" -j extra
expect "ccpool -j extra" 2 hint
run "$b/ccpool" -h
expect "ccpool -h" 0 usage ccpool

# subcommands: their help needs no key, no CA, no agent
for c in "id" "forget" "ca" "ca issue" "ca init"; do
	# shellcheck disable=SC2086
	run "$b/ccpool" $c --help
	expect "ccpool $c --help" 0 usage "ccpool id"
done
run "$b/ccpool" trust --help
expect "ccpool trust --help" 0 usage "ccpool trust"
run "$b/ccpool" ca frob
expect "ccpool ca frob" 2 hint
run "$b/ccpool" forget
expect "ccpool forget (no name)" 2 hint
run "$b/ccpool" trust --help
expect "ccpool trust --help" 0 usage "ccpool trust"
run "$b/ccpool" trust
expect "ccpool trust (no name)" 2 hint
run "$b/ccpool" trust h1 sha256:00
expect "ccpool trust (a bad key)" 2 hint
run "$b/ccpool" trust --list --refuse h1
expect "ccpool trust --list --refuse" 2 hint
run "$b/ccpool" ca --no-such-option init
expect "ccpool ca --no-such-option" 2 hint
run "$b/ccpool-agent" no-such-command
expect "ccpool-agent no-such-command" 2 hint
run "$b/ccpool" top --help
expect "ccpool top --help" 0 usage "ccpool-top"
run "$b/ccpool-top" -d 0
expect "ccpool-top -d 0" 2 hint
run "$b/ccpool-top" -s nosuchorder
expect "ccpool-top -s nosuchorder" 2 hint
run "$b/ccpool-top" extra
expect "ccpool-top extra" 2 hint
run "$b/ccpool-top"
expect "ccpool-top (not a terminal)" 1 status

# A fake compiler: ccpool's options end at its name.
cat >"$d/bin/fakecc" <<'EOF'
#!/bin/sh
case "$*" in
--version) echo "fakecc 9.9 (the compiler's own version)";;
--help) echo "fakecc's own help";;
*) echo "fakecc: $*";;
esac
EOF
chmod 755 "$d/bin/fakecc"
run env PATH="$d/bin:$PATH" "$b/ccpool" fakecc --version
expect "ccpool fakecc --version" 0 exact \
    "fakecc 9.9 (the compiler's own version)"
run env PATH="$d/bin:$PATH" "$b/ccpool" fakecc --help
expect "ccpool fakecc --help" 0 exact "fakecc's own help"
run env PATH="$d/bin:$PATH" "$b/ccpool" -- fakecc -v
expect "ccpool -- fakecc -v" 0 exact "fakecc: -v"

# Masquerade mode reads no option of its own.
ln -s "$(cd "$b" && pwd)/ccpool" "$d/masq/fakecc" || exit 1
run env PATH="$d/masq:$d/bin:$PATH" fakecc --version
expect "fakecc --version (masquerade)" 0 exact \
    "fakecc 9.9 (the compiler's own version)"
run env PATH="$d/masq:$d/bin:$PATH" fakecc --help
expect "fakecc --help (masquerade)" 0 exact "fakecc's own help"

# The man pages document both.
for m in man/ccpool.1 man/ccpoold.8 man/lsdistcc.1 man/ccpool-top.1; do
	for o in help version; do
		grep -qF "\\-\\-$o" "$m" ||
			fail "$m does not document --$o"
	done
done

if [ "$fails" -ne 0 ]; then
	echo "FAIL: cli: $fails check(s) failed"
	exit 1
fi
echo "cli: --help, --version and usage errors of ccpool, ccpool-agent," \
    "ccpoold, lsdistcc, ccpool-top; wrapper and masquerade options checked"
