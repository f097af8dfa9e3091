/*
 * cpl_access.c - the public accessors of struct ccpool_host and struct
 * ccpool_status (ccpool.h has the contracts).  Plain reads: the types
 * stay opaque so that they can grow without breaking the ABI.
 */
#include "common/mono.h"
#include "libccpool/cpl.h"

#define IS_CCPOOL(h)	((h)->d.kind == DISC_KIND_CCPOOL)

const char *
ccpool_kind_name(enum ccpool_kind k)
{
	return k == CCPOOL_KIND_DISTCC ? "distcc" : "ccpool";
}

const char *
ccpool_host_name(const struct ccpool_host *h)
{
	return h->d.name;
}

const char *
ccpool_host_hostname(const struct ccpool_host *h)
{
	return h->d.hostname;
}

enum ccpool_kind
ccpool_host_kind(const struct ccpool_host *h)
{
	return IS_CCPOOL(h) ? CCPOOL_KIND_CCPOOL : CCPOOL_KIND_DISTCC;
}

uint16_t
ccpool_host_port(const struct ccpool_host *h)
{
	return h->d.port;
}

size_t
ccpool_host_naddr(const struct ccpool_host *h)
{
	return h->d.naddr;
}

const char *
ccpool_host_addr(const struct ccpool_host *h, size_t i)
{
	return i < h->d.naddr ? h->d.addr[i].text : NULL;
}

const char *
ccpool_host_cluster(const struct ccpool_host *h)
{
	return IS_CCPOOL(h) ? h->d.info.cluster : "";
}

const char *
ccpool_host_security(const struct ccpool_host *h)
{
	return IS_CCPOOL(h) ? h->d.info.security : "";
}

const char *
ccpool_host_fingerprint(const struct ccpool_host *h)
{
	return IS_CCPOOL(h) ? h->d.info.fingerprint : "";
}

unsigned
ccpool_host_cpus(const struct ccpool_host *h)
{
	return IS_CCPOOL(h) ? h->d.info.cpus : h->d.distcc.cpus;
}

unsigned
ccpool_host_slots(const struct ccpool_host *h)
{
	return IS_CCPOOL(h) ? h->d.info.slots : h->d.distcc.jobs;
}

unsigned
ccpool_host_free_slots(const struct ccpool_host *h)
{
	return IS_CCPOOL(h) ? h->d.info.free_slots : 0;
}

unsigned
ccpool_host_load(const struct ccpool_host *h)
{
	return IS_CCPOOL(h) ? h->d.info.load : 0;
}

size_t
ccpool_host_ntoolchains(const struct ccpool_host *h)
{
	if (IS_CCPOOL(h))
		return h->d.info.ntc;
	return h->dtc[0] != '\0';
}

const char *
ccpool_host_toolchain(const struct ccpool_host *h, size_t i)
{
	if (i >= ccpool_host_ntoolchains(h))
		return NULL;
	return IS_CCPOOL(h) ? h->d.info.tc[i] : h->dtc;
}

uint16_t
ccpool_host_status_port(const struct ccpool_host *h)
{
	return IS_CCPOOL(h) ? (uint16_t)h->d.info.status_port : 0;
}

const struct ccpool_status *
ccpool_host_status(const struct ccpool_host *h)
{
	return h->has_status ? &h->st : NULL;
}

const char *
ccpool_host_status_error(const struct ccpool_host *h)
{
	return h->why[0] != '\0' ? h->why : NULL;
}

int64_t
ccpool_host_status_age_ms(const struct ccpool_host *h)
{
	uint64_t	 now = mono_ms();

	if (h->when == CPL_NO_TIME)
		return -1;
	return now > h->when ? (int64_t)(now - h->when) : 0;
}

const char *
ccpool_status_name(const struct ccpool_status *s)
{
	return s->s.name;
}

const char *
ccpool_status_version(const struct ccpool_status *s)
{
	return s->s.version;
}

unsigned
ccpool_status_protocol(const struct ccpool_status *s)
{
	return s->s.protocol;
}

const char *
ccpool_status_cluster(const struct ccpool_status *s)
{
	return s->s.cluster;
}

int64_t
ccpool_status_uptime(const struct ccpool_status *s)
{
	return s->s.uptime_s;
}

int
ccpool_status_stopping(const struct ccpool_status *s)
{
	return s->s.stopping;
}

unsigned
ccpool_status_slots(const struct ccpool_status *s)
{
	return s->s.slots;
}

unsigned
ccpool_status_offered(const struct ccpool_status *s)
{
	return s->s.offered;
}

unsigned
ccpool_status_foreign_load(const struct ccpool_status *s)
{
	return s->s.foreign_load;
}

unsigned
ccpool_status_running(const struct ccpool_status *s)
{
	return s->s.running;
}

unsigned
ccpool_status_queued(const struct ccpool_status *s)
{
	return s->s.queued;
}

unsigned
ccpool_status_queue_max(const struct ccpool_status *s)
{
	return s->s.queue_max;
}

unsigned
ccpool_status_connections(const struct ccpool_status *s)
{
	return s->s.connections;
}

size_t
ccpool_status_ntoolchains(const struct ccpool_status *s)
{
	return s->s.ntc;
}

const char *
ccpool_status_toolchain_id(const struct ccpool_status *s, size_t i)
{
	return i < s->s.ntc ? s->s.tc[i].id : NULL;
}

const char *
ccpool_status_toolchain_compiler(const struct ccpool_status *s, size_t i)
{
	return i < s->s.ntc ? s->s.tc[i].compiler : NULL;
}

int64_t
ccpool_status_jobs_done(const struct ccpool_status *s)
{
	return s->s.jobs_done;
}

int64_t
ccpool_status_jobs_failed(const struct ccpool_status *s)
{
	return s->s.jobs_failed;
}

int64_t
ccpool_status_bytes_in(const struct ccpool_status *s)
{
	return s->s.bytes_in;
}

int64_t
ccpool_status_bytes_out(const struct ccpool_status *s)
{
	return s->s.bytes_out;
}

/* Schema 2 (doc/status.md); a schema 1 page has none of it. */

unsigned
ccpool_status_schema(const struct ccpool_status *s)
{
	return s->s.schema < 1 ? 1 : s->s.schema;
}

const char *
ccpool_slot_state_name(enum ccpool_slot_state st)
{
	switch (st) {
	case CCPOOL_SLOT_IDLE:
		return "idle";
	case CCPOOL_SLOT_BUSY:
		return "busy";
	case CCPOOL_SLOT_CLOSED:
		return "closed";
	case CCPOOL_SLOT_UNKNOWN:
		break;
	}
	return "unknown";
}

enum ccpool_slot_state
ccpool_status_slot_state(const struct ccpool_status *s, size_t i)
{
	if (i >= s->s.nslot)
		return CCPOOL_SLOT_UNKNOWN;
	switch (s->s.slot[i].state) {
	case CPL_SLOT_IDLE:
		return CCPOOL_SLOT_IDLE;
	case CPL_SLOT_BUSY:
		return CCPOOL_SLOT_BUSY;
	case CPL_SLOT_CLOSED:
		return CCPOOL_SLOT_CLOSED;
	}
	return CCPOOL_SLOT_UNKNOWN;
}

int64_t
ccpool_status_slot_since_ms(const struct ccpool_status *s, size_t i)
{
	return i < s->s.nslot ? s->s.slot[i].since_ms : -1;
}

size_t
ccpool_status_nrecent(const struct ccpool_status *s)
{
	return s->s.nrecent;
}

unsigned
ccpool_status_recent_slot(const struct ccpool_status *s, size_t i)
{
	return i < s->s.nrecent ? s->s.recent[i].slot : 0;
}

int64_t
ccpool_status_recent_end_ms(const struct ccpool_status *s, size_t i)
{
	return i < s->s.nrecent ? s->s.recent[i].end_ms : -1;
}

int64_t
ccpool_status_recent_ms(const struct ccpool_status *s, size_t i)
{
	return i < s->s.nrecent ? s->s.recent[i].ms : -1;
}

const char *
ccpool_status_recent_toolchain(const struct ccpool_status *s, size_t i)
{
	return i < s->s.nrecent ? s->s.recent[i].tc : NULL;
}

int
ccpool_status_recent_ok(const struct ccpool_status *s, size_t i)
{
	return i < s->s.nrecent ? s->s.recent[i].ok : 0;
}

size_t
ccpool_status_history_len(const struct ccpool_status *s)
{
	return s->s.nhist;
}

unsigned
ccpool_status_history_load(const struct ccpool_status *s, size_t i)
{
	return i < s->s.nhist ? s->s.hist[i].load : 0;
}

unsigned
ccpool_status_history_mem(const struct ccpool_status *s, size_t i)
{
	return i < s->s.nhist ? s->s.hist[i].mem : 0;
}

unsigned
ccpool_status_history_running(const struct ccpool_status *s, size_t i)
{
	return i < s->s.nhist ? s->s.hist[i].running : 0;
}
