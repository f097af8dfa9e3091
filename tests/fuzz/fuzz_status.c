/*
 * fuzz_status.c - fuzz harness for the status page parser
 * (libccpool/cpl_status.c), the one place where libccpool reads bytes a
 * server sent.
 *
 * Every input is parsed.  A refusal must come with a terminated reason;
 * a page accepted must hold what the parser promises: terminated,
 * non-empty, clean UTF-8 strings, counts and figures within their
 * ranges, the schema 2 arrays within their bounds.  Any violation
 * aborts.  Runs under libFuzzer (make fuzz) or
 * tests/fuzz/standalone.c (make check).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "libccpool/cpl_status.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* s (cap bytes) is terminated, non-empty and clean. */
static void
str_ok(const char *s, size_t cap)
{
	size_t	 n;

	if (memchr(s, '\0', cap) == NULL)
		abort();
	n = strlen(s);
	if (n == 0 || !disc_utf8_valid(s, n))
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cpl_status st;
	char		 err[128];
	unsigned	 i;

	memset(err, 'x', sizeof(err));
	if (cpl_status_parse((const char *)data, size, &st, err,
	    sizeof(err)) == -1) {
		if (memchr(err, '\0', sizeof(err)) == NULL || err[0] == '\0')
			abort();	/* reason not given */
		return 0;
	}
	str_ok(st.name, sizeof(st.name));
	str_ok(st.version, sizeof(st.version));
	str_ok(st.cluster, sizeof(st.cluster));
	if (st.protocol < 1 || st.protocol > 65535 || st.offered > st.slots ||
	    st.slots > CPL_SLOTS_MAX || st.foreign_load > 100 ||
	    st.running > CPL_SLOTS_MAX || st.queued > CPL_SLOTS_MAX ||
	    st.queue_max > CPL_SLOTS_MAX || st.uptime_s < 0 ||
	    st.jobs_failed > st.jobs_done || st.jobs_failed < 0 ||
	    st.bytes_in < 0 || st.bytes_out < 0 ||
	    st.ntc > DISC_TC_MAX || st.nrefused > CPL_REFUSED_MAX)
		abort();
	for (i = 0; i < st.ntc; i++) {
		str_ok(st.tc[i].id, sizeof(st.tc[i].id));
		str_ok(st.tc[i].compiler, sizeof(st.tc[i].compiler));
	}
	for (i = 0; i < st.nrefused; i++)
		if (memchr(st.refused[i].reason, '\0', CPL_REASON_MAX) ==
		    NULL || st.refused[i].count < 0)
			abort();
	/* schema 2: bounded, in range, none of it on a schema 1 page */
	if (st.schema < 1 || st.nslot > CPL_SLOT_STATES_MAX ||
	    st.nslot > st.slots || st.nrecent > CPL_RECENT_MAX ||
	    st.nhist > CPL_HIST_MAX || (st.schema < 2 && (st.nslot > 0 ||
	    st.nrecent > 0 || st.nhist > 0)))
		abort();
	for (i = 0; i < st.nslot; i++)
		if (st.slot[i].state > CPL_SLOT_OTHER ||
		    st.slot[i].since_ms < 0)
			abort();
	for (i = 0; i < st.nrecent; i++) {
		str_ok(st.recent[i].tc, sizeof(st.recent[i].tc));
		if (st.recent[i].end_ms < 0 || st.recent[i].ms < 0 ||
		    st.recent[i].slot > CPL_SLOTS_MAX ||
		    (st.recent[i].ok != 0 && st.recent[i].ok != 1))
			abort();
	}
	for (i = 0; i < st.nhist; i++)
		if (st.hist[i].load > 100 || st.hist[i].mem > 100 ||
		    st.hist[i].running > CPL_SLOTS_MAX)
			abort();
	return 0;
}
