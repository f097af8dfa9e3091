# ccpool version
VERSION = 0.1.0

# paths
PREFIX = /usr/local
MANPREFIX = $(PREFIX)/share/man
# libccpool: the shared library, its header and pkg-config file
LIBDIR = $(PREFIX)/lib
INCLUDEDIR = $(PREFIX)/include
# ccpoold.service and ccpool.slice (not enabled by make install)
SYSTEMDUNITDIR = $(PREFIX)/lib/systemd/system

# libraries, all from Debian packages (see `make deps`)
PKGS = avahi-client libevent libevent_openssl json-c libzstd libcurl openssl libseccomp
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
TEST_LIBS := $(shell pkg-config --libs cunit 2>/dev/null)

# sanitizers: make check SAN=address,undefined
SAN =
SANFLAGS = $(if $(SAN),-fsanitize=$(SAN) -fno-omit-frame-pointer -fno-sanitize-recover=all,)

# flags
CPPFLAGS = -D_DEFAULT_SOURCE -D_GNU_SOURCE -DVERSION=\"$(VERSION)\" -I. $(PKG_CFLAGS)
CFLAGS = -std=c11 -O2 -g -Wall -Wextra -Werror -Wshadow -Wformat=2 -fstack-protector-strong $(SANFLAGS)
LDFLAGS = -Wl,--as-needed $(SANFLAGS)
LDLIBS = $(PKG_LIBS)

# compiler
CC = cc
# fuzzing (make fuzz) needs clang's libFuzzer
FUZZCC = clang
FUZZ_SECONDS = 30
