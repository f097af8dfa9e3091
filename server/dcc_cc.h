/*
 * dcc_cc.h - the distcc advert's facts about the default compiler
 * (server/dcc_cc.c), for the publisher process.
 */
#ifndef CCPOOL_SERVER_DCC_CC_H
#define CCPOOL_SERVER_DCC_CC_H

#include "discovery/disc_txt.h"

/*
 * Fill *info for ccpoold's _distcc._tcp advert: cpus, jobs, distcc=
 * "ccpoold-<version>", and cc_version, cc_machine (and gnuhost) from
 * running `cc -dumpversion` and `cc -dumpmachine` as stock distcc does.
 * Returns 0, or -1 with err set (no cc, no answer in time).
 */
int	dcc_cc_info(struct disc_distcc_info *info, unsigned cpus,
	    unsigned jobs, char *err, size_t errlen);

#endif
