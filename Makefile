# ccpool - a zero-configuration, auto-discovering build cluster.
# One non-recursive Makefile; what a packager edits is in config.mk.
# Objects go to build/ (build-san/ when SAN= is set), so a sanitizer build
# never mixes with a plain one.

include config.mk

B = build$(if $(SAN),-san)

# libccpool.a: common/ and discovery/, the code every program shares (wire
# protocol, TLS, toolchains, the pin store and trust policy, the agent's
# rendezvous, discovery), and libccpool/, the public client library.
# Nothing of one program goes into it.
COMMON = common/log.c common/err.c common/proto_frame.c common/proto_zstd.c \
	common/proto_msg.c common/proto_job.c common/proto_result.c common/proto_offer.c \
	common/toolchain.c common/toolchain_detect.c common/ipc.c \
	common/ident.c \
	common/tls.c common/ca.c common/cpuquota.c common/mono.c \
	common/confine.c common/proto_ev.c common/pin.c common/trust.c \
	common/sockdir.c common/spawn.c common/ccargs.c common/kgss.c \
	common/jobline.c common/trustview.c
DISC = discovery/disc_poll.c discovery/disc_txt.c discovery/disc_txt_check.c \
	discovery/disc_hosts.c \
	discovery/disc_browse.c discovery/disc_publish.c \
	discovery/dns_ans.c discovery/dns_browse.c
# libccpool/: the public client library (one header, libccpool/ccpool.h)
LIBCPL = libccpool/cpl_status.c libccpool/cpl_model.c libccpool/cpl_fetch.c \
	libccpool/cpl_mon.c libccpool/cpl_access.c libccpool/cpl_evpoll.c \
	libccpool/cpl_jobs.c libccpool/cpl_jobc.c libccpool/cpl_trust.c \
	libccpool/cpl_cap.c libccpool/cpl_site.c
LIBSRC = $(COMMON) $(DISC) $(LIBCPL)

# the shared library: libccpool/ whole, and what it needs of common/ and
# discovery/ (an archive of their position-independent objects), only
# ccpool_* exported (libccpool/libccpool.map)
SOMAJOR = 0
SOVERSION = $(SOMAJOR).1.0
SONAME = libccpool.so.$(SOMAJOR)
SHLIB = $(B)/libccpool.so.$(SOVERSION)

# programs: each is its folder (plus the library)
LSDISTCC = lsdistcc/lsdistcc.c lsdistcc/ls_probe.c lsdistcc/ls_print.c \
	lsdistcc/ls_trust.c lsdistcc/ls_status.c
SERVER = server/parent.c server/net.c server/net_accept.c server/net_conn.c \
	server/net_status.c server/runner.c server/fairq.c server/job_start.c \
	server/offerq.c server/runner_tc.c server/runner_offer.c \
	server/net_reply.c server/net_offer.c \
	server/job_finish.c server/pub.c server/pub_dns.c \
	server/proc.c server/sandbox.c server/sandbox_none.c \
	server/sandbox_linux.c server/sandbox_lxroot.c server/sandbox_lxfilter.c \
	server/sandbox_lxchild.c server/sandbox_util.c \
	server/srvid.c server/load.c server/loadmon.c server/statlog.c server/speed.c \
	server/calib.c server/job_calib.c \
	server/priv.c server/priv_seccomp.c server/cgweight.c server/ipcrules.c \
	server/gate.c server/httpd.c server/srvconf.c \
	server/dcc_conn.c server/dcc_wire.c server/dcc_args.c server/dcc_cc.c \
	server/kauth.c server/srvkrb.c server/net_gss.c
CCPOOL = client/ccpool.c client/wrap.c client/remote.c client/here.c \
	client/wconn.c client/run.c client/answer.c client/say.c \
	client/fdio.c client/masq.c client/outfile.c client/args.c \
	client/ppslot.c client/code.c
AGENT = agent/agent_main.c agent/agent.c agent/ajob.c agent/aoffer.c agent/areport.c \
	agent/ahost.c agent/sconn.c agent/soffer.c agent/asock.c agent/atrust.c \
	agent/agent_tc.c agent/place.c agent/aplace.c agent/idcmd.c \
	agent/trustcmd.c agent/tchelp.c agent/agent_walls.c agent/hostspec.c \
	agent/adcc.c agent/adcc_probe.c agent/dccproto.c agent/tcprobe.c \
	agent/agss.c agent/ajtab.c agent/ajstat.c
# ccpool-top: a user of the shared library through its public header only
# (-Ilibccpool, <ccpool.h>), as any program outside the tree
TOP = top/top.c top/topsnap.c top/topmodel.c top/topjson.c top/topcurses.c
BIN = lsdistcc ccpool ccpool-agent ccpoold ccpool-top
# ccpool-tray: a user of the library like any other, through ccpool.h and
# libccpool.so only; built where its GTK libraries are (config.mk)
TRAY = tray/tray_main.c tray/tray_menu.c tray/tray_icon.c tray/tray_win.c \
	tray/tray_draw.c tray/tray_note.c tray/traysnap.c tray/traymodel.c \
	tray/traybars.c tray/traydump.c
TRAYBIN = $(if $(HAVE_TRAY),$(B)/ccpool-tray)
MAN1 = man/lsdistcc.1 man/ccpool.1 man/ccpool-top.1 man/ccpool-tray.1
MAN3 = man/libccpool.3
MAN8 = man/ccpoold.8
UNITS = server/ccpool.slice server/ccpoold.service

# tests: one CUnit runner, fuzz harnesses, lab helpers
UNIT = tests/runner.c tests/unit/test_disc_txt.c tests/unit/test_disc_poll.c \
	tests/unit/test_disc_hosts.c tests/unit/test_dns.c \
	tests/unit/test_proto.c tests/unit/test_proto_offer.c \
	tests/unit/test_sockdir.c tests/unit/test_outfile.c tests/unit/test_masq.c \
	tests/unit/test_place.c tests/unit/test_hostspec.c tests/unit/test_spawn.c \
	tests/unit/test_args.c tests/unit/test_toolchain.c \
	tests/unit/test_ipc.c tests/unit/test_srvconf.c tests/unit/test_ident.c tests/unit/test_sandbox.c \
	 tests/unit/test_priv.c tests/unit/test_aplace.c tests/unit/test_ppslot.c \
	tests/unit/test_load.c tests/unit/test_fairq.c tests/unit/test_offerq.c tests/unit/test_roffer.c tests/unit/test_speed.c tests/unit/test_statlog.c \
	tests/unit/test_calib.c \
	tests/unit/test_cpuquota.c \
	tests/unit/test_cgweight.c tests/unit/test_wrap.c \
	tests/unit/test_gate.c tests/unit/test_httpd.c tests/unit/test_trust.c \
	tests/unit/test_dcc.c \
	tests/unit/test_confine.c tests/unit/test_agent_walls.c \
	tests/unit/test_cpl_status.c tests/unit/test_cpl_model.c \
	tests/unit/test_traymodel.c tests/unit/test_dccproto.c \
	tests/unit/test_topmodel.c tests/unit/test_ajtab.c \
	tests/unit/test_cpl_jobs.c tests/unit/test_trustview.c \
	tests/unit/test_cpl_cap.c tests/unit/test_cpl_site.c tests/unit/test_code.c
FUZZERS = txt proto hosts args ipc conf cert http status dccans dcc jobs \
	dnsans code
# a harness of one program's parser links that program's file
FUZZSRC_args = client/args.c
FUZZSRC_hosts = agent/hostspec.c
FUZZSRC_conf = server/srvconf.c
FUZZSRC_ipc = server/srvconf.c
FUZZSRC_dccans = agent/dccproto.c
FUZZSRC_code = client/code.c
LABBIN = pubtest relay evilcc flood jobstest stpoll unitwall
TOOLBIN = srvprobe sbxbench

DEBS = build-essential pkg-config clang libclang-rt-14-dev cppcheck clang-tidy \
	libavahi-client-dev libavahi-glib-dev libevent-dev libjson-c-dev libzstd-dev \
	liblzo2-dev libkrb5-dev krb5-kdc krb5-admin-server krb5-user \
	libunbound-dev libldns-dev knot knot-dnsutils \
	libcurl4-openssl-dev libssl-dev libseccomp-dev libcunit1-dev \
	libncurses-dev \
	avahi-daemon dbus-daemon distcc iproute2 util-linux procps jq \
	mandoc groff-base git \
	libgtk-3-dev libayatana-appindicator3-dev libnotify-dev \
	xvfb xauth dbus-x11 imagemagick x11-apps xdotool
# issue 16: make deb, and the build tools t_buildtools.sh drives
DEBS += debhelper lintian fakeroot adduser cmake meson ninja-build ccache \
	autoconf automake

all: $(BIN:%=$(B)/%) $(SHLIB) $(TRAYBIN)

$(B)/obj/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) -MMD -MP -c -o $@ $<

$(B)/libccpool.a: $(LIBSRC:%.c=$(B)/obj/%.o)
	rm -f $@
	ar rcs $@ $^

# position-independent objects, for the shared library only
$(B)/pic/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) -fPIC -MMD -MP -c -o $@ $<

$(B)/pic/libshared.a: $(COMMON:%.c=$(B)/pic/%.o) $(DISC:%.c=$(B)/pic/%.o)
	rm -f $@
	ar rcs $@ $^

$(SHLIB): $(LIBCPL:%.c=$(B)/pic/%.o) $(B)/pic/libshared.a \
	    libccpool/libccpool.map
	$(CC) -shared -Wl,-soname,$(SONAME) -Wl,-z,defs \
	    -Wl,--version-script=libccpool/libccpool.map $(LDFLAGS) -o $@ \
	    $(filter %.o,$^) $(B)/pic/libshared.a $(LDLIBS)
	ln -sf libccpool.so.$(SOVERSION) $(B)/$(SONAME)
	ln -sf $(SONAME) $(B)/libccpool.so

# check-lib: only ccpool_* exported; the man page's example compiles
# against the built library and fails cleanly without avahi-daemon
check-lib: $(SHLIB)
	tests/check_lib.sh $(abspath $(B))

$(B)/lsdistcc: $(LSDISTCC:%.c=$(B)/obj/%.o) $(B)/libccpool.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(B)/ccpool: $(CCPOOL:%.c=$(B)/obj/%.o) $(B)/libccpool.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(B)/ccpool-agent: $(AGENT:%.c=$(B)/obj/%.o) $(B)/libccpool.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(B)/ccpoold: $(SERVER:%.c=$(B)/obj/%.o) $(B)/libccpool.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# ccpool-tray: only the public header (-Ilibccpool, <ccpool.h>) and the
# shared library, found beside the program or in ../lib
$(B)/tobj/%.o: %.c
	@mkdir -p $(@D)
	$(CC) -D_DEFAULT_SOURCE -D_GNU_SOURCE -DVERSION=\"$(VERSION)\" -I. \
	    -Ilibccpool $(TRAY_CFLAGS) $(CFLAGS) -MMD -MP -c -o $@ $<

$(B)/ccpool-tray: $(TRAY:%.c=$(B)/tobj/%.o) $(SHLIB)
	$(CC) $(LDFLAGS) -o $@ $(filter %.o,$^) -L$(B) \
	    $(RPATH) -lccpool $(TRAY_LIBS)

# the tray's model is pure C over <ccpool.h>: unit-tested without GTK
$(B)/obj/tests/unit/test_traymodel.o: CPPFLAGS += -Ilibccpool
# linked to libccpool.so, found beside the binary (build/) or in
# ../lib (PREFIX/bin, PREFIX/lib); ncurses is its own, not the wrapper's
$(TOP:%.c=$(B)/obj/%.o): CPPFLAGS += -Ilibccpool $(CURSES_CFLAGS)
$(B)/ccpool-top: $(TOP:%.c=$(B)/obj/%.o) $(SHLIB)
	$(CC) $(LDFLAGS) -o $@ $(filter %.o,$^) -L$(B) \
	    $(RPATH) -lccpool $(TOP_LIBS)

# the unit tests include the .c under test; these are linked whole
UNITOBJ = client/ppslot.c
$(B)/runner: $(UNIT:%.c=$(B)/obj/%.o) $(UNITOBJ:%.c=$(B)/obj/%.o) $(B)/libccpool.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS) $(TEST_LIBS)

$(B)/fuzz_%: $(B)/obj/tests/fuzz/fuzz_%.o $(B)/obj/tests/fuzz/standalone.o $(B)/libccpool.a
	$(CC) $(LDFLAGS) -o $@ $(filter %.o,$^) $(filter %.a,$^) $(LDLIBS)
$(foreach f,$(FUZZERS),$(eval $(B)/fuzz_$(f): $(FUZZSRC_$(f):%.c=$(B)/obj/%.o)))

$(LABBIN:%=$(B)/%): $(B)/%: $(B)/obj/tests/lab/%.o $(B)/libccpool.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# evilcc runs as a job, under its rlimits, where no sanitizer runtime starts
$(B)/evilcc $(B)/obj/tests/lab/evilcc.o: private SANFLAGS =

$(B)/srvprobe: $(B)/obj/tests/tools/srvprobe.o $(B)/libccpool.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(B)/sbxbench: $(B)/obj/tests/tools/sbxbench.o $(B)/obj/server/sandbox.o \
	    $(B)/obj/server/sandbox_none.o $(B)/obj/server/sandbox_util.o \
	    $(B)/obj/server/sandbox_linux.o $(B)/obj/server/sandbox_lxroot.o \
	    $(B)/obj/server/sandbox_lxfilter.o \
	    $(B)/obj/server/sandbox_lxchild.o $(B)/libccpool.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# the lab's stand-in notification server (t_tray.sh), where the tray is
$(B)/notifyd: tests/lab/notifyd.c
	$(CC) $(CPPFLAGS) $(TRAY_CFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $< \
	    $(TRAY_LIBS)

TESTBIN = $(B)/runner $(FUZZERS:%=$(B)/fuzz_%) $(LABBIN:%=$(B)/%) \
	$(TOOLBIN:%=$(B)/%) $(if $(HAVE_TRAY),$(B)/notifyd)

# check: unit tests, every fuzz harness over its corpus plus bounded random
# inputs, then the lab tests (network namespaces; needs root).  The unit
# tests run at the top CPU weight (tests/cpu_first.sh), as the labs do.
# LAB_TIMEOUT bounds each lab test (a hang guard, not a time target): two
# run at once (LAB_JOBS), and sanitizer builds run three to five times
# slower, so they get 1200 s.
LAB_TIMEOUT ?= $(if $(SAN),1200,600)
check: all $(TESTBIN) lint-layout
	tests/cpu_first.sh $(B)/runner
	tests/check_units.sh $(abspath $(B))
	tests/check_lib.sh $(abspath $(B))
	@for f in $(FUZZERS); do \
		echo "fuzz_$$f: corpus + 20000 generated inputs"; \
		$(B)/fuzz_$$f -n 20000 tests/fuzz/corpus/$$f/* || exit 1; \
	done
	LAB_TIMEOUT=$(LAB_TIMEOUT) tests/lab/run.sh $(abspath $(B))

# fuzz: the same harnesses under libFuzzer, FUZZ_SECONDS each.
fuzz: $(FUZZERS:%=fuzz-%)
fuzz-%:
	@mkdir -p build-fuzz/corpus-$*
	$(FUZZCC) -g -O1 -fsanitize=fuzzer,address,undefined $(CPPFLAGS) \
	    -o build-fuzz/fuzz_$* tests/fuzz/fuzz_$*.c $(FUZZSRC_$*) $(LIBSRC) \
	    $(LDLIBS)
	-cp -n tests/fuzz/corpus/$*/* build-fuzz/corpus-$*/ 2>/dev/null
	build-fuzz/fuzz_$* -max_total_time=$(FUZZ_SECONDS) build-fuzz/corpus-$*

lint: lint-man lint-layout
	cppcheck --quiet --error-exitcode=1 --enable=warning,portability \
	    --inline-suppr --std=c11 -I. -Ilibccpool --include=/usr/include/x86_64-linux-gnu/sys/queue.h \
	    $(LIBSRC) $(LSDISTCC) $(CCPOOL) $(AGENT) $(SERVER) $(TOP)
	clang-tidy --quiet $(LIBSRC) $(LSDISTCC) $(CCPOOL) $(AGENT) $(SERVER) $(TOP) -- $(CPPFLAGS) -Ilibccpool -std=c11

# lint-layout: files of at most 800 lines, functions of at most 80, no
# includes across programs, no two files that call each other
# (tests/check_layout.sh; -s prints the figures only).
lint-layout: all
	tests/check_layout.sh $(B)

# lint-man: the man pages, with not one message from mandoc -T lint (style
# included) or groff -ww (all warnings); both exit 0 on some warnings.
lint-man:
	@out=$$(for m in $(MAN1) $(MAN3) $(MAN8); do \
		mandoc -T lint $$m; groff -ww -z -man $$m; done 2>&1); \
	if [ -n "$$out" ]; then printf '%s\n' "$$out"; \
		echo "lint: man pages: the messages above"; exit 1; fi; \
	echo "lint: $(MAN1) $(MAN3) $(MAN8): mandoc -T lint, groff -ww clean"

# deps: installs the Debian packages the project needs (idempotent).
# Daemons are not started by the install: the tests run their own, in
# private network namespaces only.
deps:
	@missing=$$(for p in $(DEBS); do \
		dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | \
		grep -q '^install ok installed' || echo $$p; done); \
	if [ -z "$$missing" ]; then echo "deps: all installed"; exit 0; fi; \
	echo "deps: installing $$missing"; \
	SUDO=; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	prc=; if [ ! -e /usr/sbin/policy-rc.d ]; then prc=1; \
		printf '#!/bin/sh\nexit 101\n' | $$SUDO tee /usr/sbin/policy-rc.d >/dev/null; \
		$$SUDO chmod 755 /usr/sbin/policy-rc.d; fi; \
	$$SUDO apt-get update -qq && \
	$$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
		--no-install-recommends $$missing; rc=$$?; \
	[ -z "$$prc" ] || $$SUDO rm -f /usr/sbin/policy-rc.d; exit $$rc

# deb: the Debian packages (debian/, dpkg-buildpackage -b) in ../, then
# lintian on them; see README.
deb:
	dpkg-buildpackage -b -uc -us
	lintian --info ../ccpool_$(VERSION)_*.changes

# bench: performance figures, in the lab (root); never part of check.
bench: all $(TESTBIN)
	$(B)/sbxbench -n 200
	CCPOOL_BUILD=$(abspath $(B)) tests/lab/bench_discovery.sh
	CCPOOL_BUILD=$(abspath $(B)) tests/lab/bench_compile.sh
	CCPOOL_BUILD=$(abspath $(B)) tests/lab/bench_dcc.sh
	CCPOOL_BUILD=$(abspath $(B)) tests/lab/bench_krb.sh
	CCPOOL_BUILD=$(abspath $(B)) tests/lab/bench_office.sh
	CCPOOL_BUILD=$(abspath $(B)) tests/lab/bench_tray.sh
	CCPOOL_BUILD=$(abspath $(B)) tests/lab/bench_top.sh
	CCPOOL_BUILD=$(abspath $(B)) tests/lab/bench_status.sh

# sim: the placement simulator (tools/sim/sim.c, linking the real
# agent/place.c) over a recorded build; regenerates doc/sim.md and
# doc/sim.svg.  tools/sim/record.sh records a new trace.
SIMTRACE = tools/sim/trace-ccpool.tsv
$(B)/sim: $(B)/obj/tools/sim/sim.o $(B)/obj/agent/place.o $(B)/libccpool.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS) -lm

sim: $(B)/sim
	$(B)/sim -o doc/sim.md -g doc/sim.svg $(SIMTRACE)

# demo: a private LAN of 3 hosts builds a real project through ccpool.
demo: all
	CCPOOL_BUILD=$(abspath $(B)) tests/lab/demo.sh

# shots: the README's pictures of ccpool-tray (doc/tray-*.png) and
# doc/top.txt, taken from a real build in the lab (root).
shots: all
	CCPOOL_BUILD=$(abspath $(B)) tools/shots.sh doc

install: all
	mkdir -p $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(MANPREFIX)/man1
	@# ccpoold started as root runs as this user (server/priv.c)
	if [ -z "$(DESTDIR)" ] && [ "$$(id -u)" = 0 ] && \
	    ! getent passwd ccpoold >/dev/null; then \
		useradd --system --no-create-home \
		    --shell /usr/sbin/nologin ccpoold; \
	fi
	for b in $(BIN); do install -m 755 $(B)/$$b $(DESTDIR)$(PREFIX)/bin/; done
	@# the tray, where it was built: its menu entry and autostart
	if [ -n "$(TRAYBIN)" ]; then \
		install -m 755 $(TRAYBIN) $(DESTDIR)$(PREFIX)/bin/ && \
		mkdir -p $(DESTDIR)$(PREFIX)/share/applications && \
		sed 's|@BINDIR@|$(PREFIX)/bin|g' tray/ccpool-tray.desktop \
		    >$(DESTDIR)$(PREFIX)/share/applications/ccpool-tray.desktop && \
		chmod 644 $(DESTDIR)$(PREFIX)/share/applications/ccpool-tray.desktop && \
		if [ -n "$(AUTOSTARTDIR)" ]; then \
			mkdir -p $(DESTDIR)$(AUTOSTARTDIR) && \
			install -m 644 \
			    $(DESTDIR)$(PREFIX)/share/applications/ccpool-tray.desktop \
			    $(DESTDIR)$(AUTOSTARTDIR)/; \
		fi; \
	fi
	for m in $(MAN1); do install -m 644 $$m $(DESTDIR)$(MANPREFIX)/man1/; done
	mkdir -p $(DESTDIR)$(MANPREFIX)/man8
	for m in $(MAN8); do install -m 644 $$m $(DESTDIR)$(MANPREFIX)/man8/; done
	@# libccpool: the shared library, its header, pkg-config file, manual
	mkdir -p $(DESTDIR)$(LIBDIR)/pkgconfig $(DESTDIR)$(INCLUDEDIR) \
	    $(DESTDIR)$(MANPREFIX)/man3
	install -m 755 $(SHLIB) $(DESTDIR)$(LIBDIR)/
	ln -sf libccpool.so.$(SOVERSION) $(DESTDIR)$(LIBDIR)/$(SONAME)
	ln -sf $(SONAME) $(DESTDIR)$(LIBDIR)/libccpool.so
	install -m 644 libccpool/ccpool.h $(DESTDIR)$(INCLUDEDIR)/ccpool.h
	sed -e 's|@PREFIX@|$(PREFIX)|g' -e 's|@LIBDIR@|$(LIBDIR)|g' \
	    -e 's|@INCLUDEDIR@|$(INCLUDEDIR)|g' -e 's|@VERSION@|$(VERSION)|g' \
	    libccpool/libccpool.pc.in >$(DESTDIR)$(LIBDIR)/pkgconfig/libccpool.pc
	chmod 644 $(DESTDIR)$(LIBDIR)/pkgconfig/libccpool.pc
	for m in $(MAN3); do install -m 644 $$m $(DESTDIR)$(MANPREFIX)/man3/; done
	@# systemd units, ExecStart at the installed ccpoold; not enabled
	mkdir -p $(DESTDIR)$(SYSTEMDUNITDIR)
	for u in $(UNITS); do \
		sed 's|@BINDIR@|$(PREFIX)/bin|g' $$u \
		    >$(DESTDIR)$(SYSTEMDUNITDIR)/$${u##*/} && \
		chmod 644 $(DESTDIR)$(SYSTEMDUNITDIR)/$${u##*/} || exit 1; \
	done

uninstall:
	for b in $(BIN) ccpool-tray; do rm -f $(DESTDIR)$(PREFIX)/bin/$$b; done
	rm -f $(DESTDIR)$(PREFIX)/share/applications/ccpool-tray.desktop
	[ -z "$(AUTOSTARTDIR)" ] || \
	    rm -f $(DESTDIR)$(AUTOSTARTDIR)/ccpool-tray.desktop
	for m in $(MAN1); do rm -f $(DESTDIR)$(MANPREFIX)/man1/$${m##*/}; done
	for m in $(MAN8); do rm -f $(DESTDIR)$(MANPREFIX)/man8/$${m##*/}; done
	for m in $(MAN3); do rm -f $(DESTDIR)$(MANPREFIX)/man3/$${m##*/}; done
	rm -f $(DESTDIR)$(LIBDIR)/libccpool.so.$(SOVERSION) \
	    $(DESTDIR)$(LIBDIR)/$(SONAME) $(DESTDIR)$(LIBDIR)/libccpool.so \
	    $(DESTDIR)$(LIBDIR)/pkgconfig/libccpool.pc \
	    $(DESTDIR)$(INCLUDEDIR)/ccpool.h
	for u in $(UNITS); do rm -f $(DESTDIR)$(SYSTEMDUNITDIR)/$${u##*/}; done

clean:
	rm -rf build build-san build-fuzz

# dist: ccpool-$(VERSION).tar.gz of the committed tree (git archive HEAD;
# uncommitted changes are not in it), then the proof that it builds:
# unpacked in a temporary directory, `make all` there.  A tarball that
# does not build is removed.
dist:
	@git rev-parse -q --verify HEAD >/dev/null || \
	    { echo "dist: needs a git checkout"; exit 1; }
	@git diff --quiet HEAD -- || \
	    echo "dist: note: uncommitted changes are not in the tarball"
	git archive --format=tar.gz --prefix=ccpool-$(VERSION)/ \
	    -o ccpool-$(VERSION).tar.gz HEAD
	@d=$$(mktemp -d /tmp/ccpool-dist.XXXXXX) || exit 1; \
	trap 'rm -rf "$$d"' EXIT; \
	tar -xzf ccpool-$(VERSION).tar.gz -C "$$d" || exit 1; \
	echo "dist: make all in the unpacked tarball ($$d)"; \
	if ! $(MAKE) -C "$$d/ccpool-$(VERSION)" all >"$$d/make.log" 2>&1; \
	then \
		tail -n 40 "$$d/make.log"; rm -f ccpool-$(VERSION).tar.gz; \
		echo "dist: ccpool-$(VERSION).tar.gz does not build"; exit 1; \
	fi; \
	echo "dist: ccpool-$(VERSION).tar.gz builds"

.SECONDARY:

-include $(shell find $(B) -name '*.d' -type f 2>/dev/null)

.PHONY: lint-layout all check check-lib fuzz lint lint-man deps demo shots bench sim install uninstall \
	clean dist deb
