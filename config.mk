# ccpool version
VERSION = 0.1.0

# paths
PREFIX = /usr/local
MANPREFIX = $(PREFIX)/share/man
# libccpool: the shared library, its header and pkg-config file
LIBDIR = $(PREFIX)/lib
INCLUDEDIR = $(PREFIX)/include
# the system masquerade directory: `ccpool --update-masquerade` keeps a
# link to ccpool there for every compiler (the Debian package's trigger)
MASQDIR = $(PREFIX)/lib/ccpool
# ccpoold.service and ccpool.slice (not enabled by make install)
SYSTEMDUNITDIR = $(PREFIX)/lib/systemd/system

# ccpool-top and ccpool-tray find libccpool.so beside them or in ../lib
# (empty in the Debian packages: the library is in the system's path)
RPATH = -Wl,-rpath,'$$ORIGIN:$$ORIGIN/../lib'

# libraries, all from Debian packages (see `make deps`)
PKGS = avahi-client libevent libevent_openssl json-c libzstd libcurl openssl libseccomp lzo2 krb5-gssapi krb5 libunbound ldns
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
TEST_LIBS := $(shell pkg-config --libs cunit 2>/dev/null)
# ccpool-top: libccpool.so and what it calls itself, ncurses among it
CURSES_CFLAGS := $(shell pkg-config --cflags ncurses 2>/dev/null)
TOP_LIBS := $(shell pkg-config --libs libevent json-c ncurses 2>/dev/null) -lm

# ccpool-tray, built only where pkg-config finds all of these (GTK 3,
# the StatusNotifierItem library, libnotify, avahi-glib, json-c)
TRAY_PKGS = gtk+-3.0 ayatana-appindicator3-0.1 libnotify avahi-glib json-c
HAVE_TRAY := $(shell pkg-config --exists $(TRAY_PKGS) 2>/dev/null && echo 1)
TRAY_CFLAGS := $(shell pkg-config --cflags $(TRAY_PKGS) 2>/dev/null)
TRAY_LIBS := $(shell pkg-config --libs $(TRAY_PKGS) 2>/dev/null)
# where make install puts ccpool-tray.desktop to start it at login
# (empty: not there, only in share/applications)
AUTOSTARTDIR = /etc/xdg/autostart

# sanitizers: make check SAN=address,undefined
SAN =
SANFLAGS = $(if $(SAN),-fsanitize=$(SAN) -fno-omit-frame-pointer -fno-sanitize-recover=all,)

# flags
CPPFLAGS = -D_DEFAULT_SOURCE -D_GNU_SOURCE -DVERSION=\"$(VERSION)\" \
	-DMASQDIR=\"$(MASQDIR)\" -I. $(PKG_CFLAGS)
CFLAGS = -std=c11 -O2 -g -Wall -Wextra -Werror -Wshadow -Wformat=2 -fstack-protector-strong $(SANFLAGS)
LDFLAGS = -Wl,--as-needed $(SANFLAGS)
LDLIBS = $(PKG_LIBS)

# compiler
CC = cc
# fuzzing (make fuzz) needs clang's libFuzzer
FUZZCC = clang
FUZZ_SECONDS = 30
