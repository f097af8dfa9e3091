/*
 * suites.h - the list of CUnit suites, one per module.  Each test file
 * defines init_<module>_tests(), which registers its suite and returns 0
 * (or -1 on a CUnit error).  Add one X() line per module.
 */
#ifndef CCPOOL_TEST_SUITES_H
#define CCPOOL_TEST_SUITES_H

#define UNIT_SUITES \
	X(disc_txt) \
	X(disc_poll) \
	X(disc_hosts) \
	X(dns) \
	X(proto) \
	X(proto_offer) \
	X(sockdir) \
	X(outfile) \
	X(masq) \
	X(place) \
	X(hostspec) \
	X(spawn) \
	X(args) \
	X(toolchain) \
	X(ipc) \
	X(srvconf) \
	X(ident) \
	X(sandbox) \
	X(priv) \
	X(aplace) \
	X(ppslot) \
	X(code) \
	X(load) \
	X(fairq) \
	X(offerq) \
	X(roffer) \
	X(speed) \
	X(calib) \
	X(statlog) \
	X(cpuquota) \
	X(cgweight) \
	X(wrap) \
	X(gate) \
	X(dcc) \
	X(httpd) \
	X(trust) \
	X(confine) \
	X(agent_walls) \
	X(cpl_status) \
	X(cpl_model) \
	X(ajtab) \
	X(cpl_jobs) \
	X(trustview) \
	X(cpl_cap) \
	X(cpl_site) \
	X(traymodel) \
	X(dccproto) \
	X(topmodel)

#define X(m) int init_##m##_tests(void);
UNIT_SUITES
#undef X

#endif
