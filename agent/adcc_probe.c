/*
 * adcc_probe.c - which toolchains a plain distccd host may compile for
 * us (see adcc.h): the opt-in, the advert's facts, the probes per host
 * and toolchain, and what `ccpool --hosts` says of such a host.  A job
 * being placed starts the probes of its toolchain (adcc_want); until one
 * is done the host has no free slot for it, so the job waits or goes
 * elsewhere.  Start reading at adcc_want().
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent/adcc.h"
#include "agent/agent_int.h"
#include "agent/tchelp.h"
#include "common/log.h"
#include "common/toolchain.h"
#include "discovery/disc_txt.h"

int
adcc_enabled(void)
{
	const char	*v = getenv("CCPOOL_DISTCC");

	return v != NULL && strcmp(v, "1") == 0;
}

static void
set_facts(struct adcc_host *d, const struct disc_distcc_info *info)
{
	d->advert = info != NULL;
	if (info == NULL)
		return;
	snprintf(d->cc_machine, sizeof(d->cc_machine), "%s", info->cc_machine);
	snprintf(d->cc_version, sizeof(d->cc_version), "%s", info->cc_version);
}

int
adcc_host_init(struct ahost *h, unsigned slots,
    const struct disc_distcc_info *info)
{
	if (h->dcc == NULL && (h->dcc = calloc(1, sizeof(*h->dcc))) == NULL)
		return -1;
	set_facts(h->dcc, info);
	h->slots = h->free_slots = slots ? slots : ADCC_SLOTS;
	h->queue = 0;
	return 0;
}

void
adcc_host_advert(struct ahost *h, const struct disc_distcc_info *info)
{
	struct adcc_host *d = h->dcc;

	if (strcmp(d->cc_machine, info->cc_machine) != 0 ||
	    strcmp(d->cc_version, info->cc_version) != 0)
		d->np = 0;	/* another compiler: probe again */
	set_facts(d, info);
	h->slots = h->free_slots = info->jobs ? info->jobs : ADCC_SLOTS;
	if (h->slots > 1024)
		h->slots = h->free_slots = 1024;
}

void
adcc_host_free(struct ahost *h)
{
	free(h->dcc);
	h->dcc = NULL;
}

static const struct adcc_probe *
find(const struct ahost *h, const char *tcid)
{
	unsigned	 i;

	for (i = 0; h->dcc != NULL && i < h->dcc->np; i++)
		if (strcmp(h->dcc->p[i].tcid, tcid) == 0)
			return &h->dcc->p[i];
	return NULL;
}

int
adcc_has_tc(const struct ahost *h, const char *tcid, int *pending)
{
	const struct adcc_probe *p = find(h, tcid);

	if (pending != NULL)
		*pending = p != NULL && p->state == ADCC_P_RUNNING;
	return p != NULL && p->state == ADCC_P_OK;
}

static void
probe_done(struct ahost *h, struct adcc_probe *p, int ok,
    const char *why)
{
	char	 tcn[TC_NAME_MAX];

	p->state = ok ? ADCC_P_OK : ADCC_P_BAD;
	p->t_ms = mono_ms();
	snprintf(p->why, sizeof(p->why), "%.150s", ok ? "" : why);
	tc_name(p->tcid, 0, tcn, sizeof(tcn));
	if (ok)
		log_info("%s: distccd's %s is our %s: jobs may go there",
		    h->name, p->name, tcn);
	else
		log_info("%s: no %s jobs go there: %s", h->name, tcn, why);
	if (ok)		/* always from the event loop: held jobs may go */
		h->a->cb->hosts_changed(h->a);
}

/*
 * Does the advert of h contradict toolchain tcid?  It describes
 * distccd's default compiler: its target must be ours, and for a gcc
 * its version too (cc_version may be the major version only).  Returns
 * 0, or -1 with why set.
 */
static int
advert_ok(const struct adcc_host *d, const char *tcid, char *why,
    size_t len)
{
	char	 tcn[TC_NAME_MAX], drv[16], ver[32], tgt[64];
	size_t	 n = strlen(d->cc_version);

	if (!d->advert)
		return 0;
	tc_name(tcid, 0, tcn, sizeof(tcn));
	if (sscanf(tcn, "%15s %31s %63s", drv, ver, tgt) != 3)
		return 0;
	if (d->cc_machine[0] != '\0' && strcmp(d->cc_machine, tgt) != 0) {
		snprintf(why, len, "it advertises a compiler for %s",
		    d->cc_machine);
		return -1;
	}
	if (strncmp(drv, "g", 1) == 0 && n > 0 && (strncmp(ver,
	    d->cc_version, n) != 0 || (ver[n] != '\0' && ver[n] != '.'))) {
		snprintf(why, len, "it advertises gcc %s", d->cc_version);
		return -1;
	}
	return 0;
}

/* A compiler name distccd may run: a plain file name. */
static int
name_of(const char *path, char *name, size_t len)
{
	const char	*b = strrchr(path, '/');
	size_t		 i;

	b = b != NULL ? b + 1 : path;
	if (b[0] == '\0' || b[0] == '.' || b[0] == '-' || strlen(b) >= len)
		return -1;
	for (i = 0; b[i] != '\0'; i++)
		if (!((b[i] >= 'a' && b[i] <= 'z') || (b[i] >= 'A' &&
		    b[i] <= 'Z') || (b[i] >= '0' && b[i] <= '9') ||
		    b[i] == '.' || b[i] == '_' || b[i] == '+' || b[i] == '-'))
			return -1;
	snprintf(name, len, "%s", b);
	return 0;
}

/* The entry for a new probe of tcid on h, or NULL (none to spare). */
static struct adcc_probe *
slot_for(struct adcc_host *d, const char *tcid, uint64_t now)
{
	unsigned	 i;

	for (i = 0; i < d->np; i++)
		if (strcmp(d->p[i].tcid, tcid) == 0)
			return d->p[i].state == ADCC_P_BAD &&
			    now - d->p[i].t_ms >= ADCC_REPROBE_MS ?
			    &d->p[i] : NULL;
	if (d->np < ADCC_PROBES_MAX)
		return &d->p[d->np++];
	for (i = 0; i < d->np; i++)
		if (d->p[i].state == ADCC_P_BAD)
			return &d->p[i];
	return NULL;
}

/* Start probe p of j's toolchain on h (the local half first). */
static void
probe_start(struct ahost *h, struct adcc_probe *p, const struct ajob *j,
    const char *hash)
{
	char	 err[256], tcn[TC_NAME_MAX], drv[16];

	memset(p, 0, sizeof(*p));
	snprintf(p->tcid, sizeof(p->tcid), "%s", j->tcid);
	p->state = ADCC_P_RUNNING;
	tc_name(j->tcid, 0, tcn, sizeof(tcn));
	p->cxx = sscanf(tcn, "%15s", drv) == 1 && strlen(drv) > 2 &&
	    strcmp(drv + strlen(drv) - 2, "++") == 0;
	if (name_of(j->job.argv[0], p->name, sizeof(p->name)) == -1) {
		probe_done(h, p, 0, "a compiler name distccd cannot run");
		return;
	}
	if (advert_ok(h->dcc, j->tcid, err, sizeof(err)) == -1) {
		probe_done(h, p, 0, err);
		return;
	}
	if (hash != NULL)
		snprintf(p->hash, sizeof(p->hash), "%s", hash);
	else if (tchelp_probe(j->job.argv[0], p->cxx, p->hash, err,
	    sizeof(err)) == -1) {
		probe_done(h, p, 0, err);
		return;
	}
	if (h->gone || h->nss == 0) {
		probe_done(h, p, 0, "no address");
		return;
	}
	log_info("%s: probing distccd's %s for %s", h->name, p->name, tcn);
	if (adcc_probe_send(h, p, probe_done, err, sizeof(err)) == -1)
		probe_done(h, p, 0, err);
}

void
adcc_want(struct agent *a, const struct ajob *j)
{
	const struct adcc_probe *q;
	struct adcc_probe *p;
	const char	*hash = NULL;
	uint64_t	 now = mono_ms();
	size_t		 i;

	if (!a->dcc_ok || j->job.argv == NULL || j->tcid[0] == '\0')
		return;
	/* the local half is the same for every host: compile it once */
	for (i = 0; i < a->nhosts && hash == NULL; i++)
		if ((q = find(a->hosts[i], j->tcid)) != NULL &&
		    q->hash[0] != '\0')
			hash = q->hash;
	for (i = 0; i < a->nhosts; i++) {
		struct ahost *h = a->hosts[i];

		if (h->dcc == NULL || h->gone ||
		    (p = slot_for(h->dcc, j->tcid, now)) == NULL)
			continue;
		probe_start(h, p, j, hash);
		if (hash == NULL && p->hash[0] != '\0')
			hash = p->hash;
	}
}

void
adcc_report(const struct ahost *h, char *tcs, size_t tcslen, char *note,
    size_t notelen)
{
	const struct adcc_probe *p;
	char		 tcn[TC_NAME_MAX], esc[200];
	size_t		 used = 0;
	unsigned	 i;

	tcs[0] = '\0';
	for (i = 0; i < h->dcc->np && used < tcslen; i++) {
		p = &h->dcc->p[i];
		if (p->state != ADCC_P_OK)
			continue;
		used += (size_t)snprintf(tcs + used, tcslen - used, "%s%s as %s",
		    used ? ", " : "", tc_name(p->tcid, 0, tcn, sizeof(tcn)),
		    p->name);
	}
	if (tcs[0] == '\0')
		snprintf(tcs, tcslen, "%s", h->dcc->np ? "none probed OK" :
		    "probed at the first job");
	esc[0] = '\0';
	if (h->lasterr[0] != '\0')
		log_escape(esc, sizeof(esc), h->lasterr, strlen(h->lasterr));
	for (i = 0; esc[0] == '\0' && i < h->dcc->np; i++)
		if (h->dcc->p[i].state == ADCC_P_BAD)
			log_escape(esc, sizeof(esc), h->dcc->p[i].why,
			    strlen(h->dcc->p[i].why));
	snprintf(note, notelen, "distcc: plaintext, unauthenticated "
	    "(CCPOOL_DISTCC=1)%s%s", esc[0] ? "; " : "", esc);
}
