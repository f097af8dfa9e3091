#!/bin/sh
# lib_example.sh BUILD_DIR OUT - the example program of man/libccpool.3,
# written out as a user would copy it, compiled into OUT against
# BUILD_DIR/libccpool.so (the header by -I, the .so by -L and an rpath).
# A library built with sanitizers needs a program built with them (their
# runtime must come first): the example gets the ones the .so needs.
# Used by tests/check_lib.sh and tests/lab/t_lib.sh; run from the top of
# the tree.  Exits 1 with a message when there is no example or it does
# not compile.
set -u
b=${1:?usage: lib_example.sh BUILD_DIR OUT} out=${2:?usage: lib_example.sh BUILD_DIR OUT}
awk '/^\.SH EXAMPLES/ { ex = 1 } ex && /^\.EE/ { exit }
    ex && go { print } ex && /^\.EX/ { go = 1 }' man/libccpool.3 |
    sed -e 's/\\en/\\n/g' -e "s/\\\\(aq/'/g" -e 's/\\-/-/g' >"$out.c"
grep -q 'ccpool_mon_new' "$out.c" ||
    { echo "lib_example: no example in man/libccpool.3"; exit 1; }
san=
needed=$(readelf -d "$b/libccpool.so" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p')
case $needed in *libasan.so*) san=address ;; esac
case $needed in *libubsan.so*) san=${san:+$san,}undefined ;; esac
# shellcheck disable=SC2046
${CC:-cc} -std=c11 -Wall -Wextra -Werror ${san:+-fsanitize=$san} \
    -Ilibccpool -o "$out" "$out.c" -L"$b" -Wl,-rpath,"$b" -lccpool \
    $(pkg-config --cflags --libs libevent avahi-client) 2>"$out.err" ||
    { cat "$out.err"; echo "lib_example: the example does not compile"; exit 1; }
