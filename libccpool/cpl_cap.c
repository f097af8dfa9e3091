/*
 * cpl_cap.c - ccpool_mon_capacity(): the cluster as this user can use it
 * now, from the adverts of the hosts their agent would send jobs to
 * (ccpool_host_usable), and the -j to give make.  Reads the monitor
 * through the public accessors only.
 */
#include <limits.h>
#include <unistd.h>

#include "libccpool/cpl.h"

/* Local CPUs (a test replaces it: see tests/unit/test_cpl_cap.c). */
#ifndef CPL_CAP_NCPU
#define CPL_CAP_NCPU()	sysconf(_SC_NPROCESSORS_ONLN)
#endif

void
ccpool_mon_capacity(const struct ccpool_mon *m, unsigned *slots,
    unsigned *free_slots, unsigned *jobs)
{
	const struct ccpool_host *h;
	unsigned long long s = 0, f = 0, j;
	long		 ncpu = CPL_CAP_NCPU();
	size_t		 i, n = m != NULL ? ccpool_mon_count(m) : 0;

	for (i = 0; i < n; i++) {
		if ((h = ccpool_mon_host(m, i)) == NULL ||
		    ccpool_host_usable(h) != 1)
			continue;
		s += ccpool_host_slots(h);
		f += ccpool_host_free_slots(h);
	}
	j = s + (ncpu > 0 ? (unsigned long long)ncpu : 0);
	if (j < 1)
		j = 1;
	if (slots != NULL)
		*slots = s > UINT_MAX ? UINT_MAX : (unsigned)s;
	if (free_slots != NULL)
		*free_slots = f > UINT_MAX ? UINT_MAX : (unsigned)f;
	if (jobs != NULL)
		*jobs = j > UINT_MAX ? UINT_MAX : (unsigned)j;
}
