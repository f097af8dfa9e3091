/*
 * topsnap.h - ccpool-top's snapshot filled from a libccpool monitor
 * (topsnap.c).
 */
#ifndef CCPOOL_TOPSNAP_H
#define CCPOOL_TOPSNAP_H

struct ccpool_mon;
struct top_snap;

/*
 * Replace s's hosts, jobs and capacity with what m knows now (m NULL:
 * none, avahi-daemon not reached).  -1 on out-of-memory, s unchanged.
 */
int	top_snap_fill(struct top_snap *s, const struct ccpool_mon *m);

#endif
