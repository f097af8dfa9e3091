/*
 * cpl_model.c - the monitor's model: the hosts as the caller sees them,
 * which of them to fetch and when, and what each fetch gave; see cpl.h.
 *
 * Pure: the browser's events, the clock and the fetches' outcomes come
 * in as arguments (cpl_mon.c drives it; tests/unit/test_cpl_model.c
 * drives it by hand).  Start reading at cpl_model_apply().
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/ident.h"
#include "libccpool/cpl.h"

void
cpl_model_init(struct cpl_model *m, int status, unsigned interval_ms)
{
	memset(m, 0, sizeof(*m));
	m->status = status;
	m->interval_ms = interval_ms;
	snprintf(m->site_why, sizeof(m->site_why), "a site server: no site "
	    "CA loaded");
}

void
cpl_model_site(struct cpl_model *m, int site, const char *why)
{
	m->site = site;
	snprintf(m->site_why, sizeof(m->site_why), "%s", site || why == NULL ?
	    "" : why);
}

void
cpl_host_free(struct ccpool_host *h)
{
	free(h);
}

void
cpl_model_clear(struct cpl_model *m)
{
	size_t	 i;

	for (i = 0; i < m->n; i++)
		cpl_host_free(m->v[i]);
	free(m->v);
	m->v = NULL;
	m->n = m->cap = 0;
	m->inflight = 0;
}

int
cpl_url(const char *addr, unsigned port, char *buf, size_t len)
{
	char	 a[3 * DISC_ADDRSTR];
	size_t	 i, j = 0;
	int	 n;

	if (strchr(addr, ':') == NULL)
		n = snprintf(buf, len, "https://%s:%u/status", addr, port);
	else {
		/* RFC 6874: the zone's '%' is written %25 inside [] */
		for (i = 0; addr[i] != '\0' && j + 4 < sizeof(a); i++) {
			if (addr[i] == '%') {
				memcpy(a + j, "%25", 3);
				j += 3;
			} else
				a[j++] = addr[i];
		}
		if (addr[i] != '\0')
			return -1;
		a[j] = '\0';
		n = snprintf(buf, len, "https://[%s]:%u/status", a, port);
	}
	return n < 0 || (size_t)n >= len ? -1 : 0;
}

/*
 * Decide whether h can be fetched, from its advert: a ccpoold with a
 * status port, an address and a key to pin, and for a site server the
 * site CA to verify its chain against (the pin holds as well).
 * Otherwise why says so.
 */
static void
judge(const struct cpl_model *m, struct ccpool_host *h)
{
	const struct disc_host *d = &h->d;

	h->fetchable = 0;
	h->site = d->kind == DISC_KIND_CCPOOL &&
	    strcmp(d->info.security, "site") == 0;
	h->pin[0] = h->url[0] = h->dtc[0] = '\0';
	if (d->kind == DISC_KIND_DISTCC && d->distcc.cc_machine[0] != '\0')
		snprintf(h->dtc, sizeof(h->dtc), "%s-%s", d->distcc.cc_machine,
		    d->distcc.cc_version);
	if (!m->status)
		snprintf(h->why, sizeof(h->why), "status not fetched");
	else if (d->kind != DISC_KIND_CCPOOL)
		snprintf(h->why, sizeof(h->why), "a distccd has no status "
		    "page");
	else if (d->info.status_port == 0)
		snprintf(h->why, sizeof(h->why), "no status port in its "
		    "advert");
	else if (d->info.fingerprint[0] == '\0')
		snprintf(h->why, sizeof(h->why), "no key (id) in its advert: "
		    "not fetched unpinned");
	else if (ident_fp_curlpin(d->info.fingerprint, h->pin,
	    sizeof(h->pin)) == -1)
		snprintf(h->why, sizeof(h->why), "bad key (id) in its advert");
	else if (h->site && !m->site)
		snprintf(h->why, sizeof(h->why), "%s", m->site_why);
	else if (d->naddr == 0 || cpl_url(d->addr[0].text,
	    d->info.status_port, h->url, sizeof(h->url)) == -1)
		snprintf(h->why, sizeof(h->why), "no usable address");
	else {
		h->fetchable = 1;
		h->why[0] = '\0';
		return;
	}
	h->pin[0] = h->url[0] = '\0';
}

static long
find(const struct cpl_model *m, enum disc_kind kind, const char *name)
{
	size_t	 i;

	for (i = 0; i < m->n; i++)
		if (m->v[i]->d.kind == kind &&
		    strcmp(m->v[i]->d.name, name) == 0)
			return (long)i;
	return -1;
}

static int
add(struct cpl_model *m, const struct disc_host *dh, uint64_t now,
    struct ccpool_host **hp)
{
	struct ccpool_host	*h, **v;
	size_t			 cap;

	if (m->n == m->cap) {
		cap = m->cap ? m->cap * 2 : 16;
		if ((v = reallocarray(m->v, cap,
		    sizeof(struct ccpool_host *))) == NULL)
			return -1;
		m->v = v;
		m->cap = cap;
	}
	if ((h = calloc(1, sizeof(*h))) == NULL)
		return -1;
	h->d = *dh;
	h->when = CPL_NO_TIME;
	h->due = now;
	judge(m, h);
	m->v[m->n++] = h;
	*hp = h;
	return CCPOOL_HOST_JOINED;
}

int
cpl_model_apply(struct cpl_model *m, enum disc_event ev,
    const struct disc_host *dh, uint64_t now, struct ccpool_host **hp,
    int *refetch)
{
	struct ccpool_host	*h;
	char			 oldpin[CPL_PIN_MAX], oldurl[CPL_URL_MAX];
	int			 oldsite;
	long			 i = find(m, dh->kind, dh->name);

	*refetch = 0;
	*hp = NULL;
	if (i == -1) {
		/* an update of a host we missed (out of memory) joins it */
		if (ev == DISC_HOST_REMOVE)
			return -1;
		return add(m, dh, now, hp);
	}
	h = *hp = m->v[i];
	if (ev == DISC_HOST_REMOVE) {
		m->v[i] = m->v[--m->n];
		return CCPOOL_HOST_LEFT;
	}
	memcpy(oldpin, h->pin, sizeof(oldpin));
	memcpy(oldurl, h->url, sizeof(oldurl));
	oldsite = h->site;
	h->d = *dh;
	judge(m, h);
	if (strcmp(oldpin, h->pin) != 0 || strcmp(oldurl, h->url) != 0 ||
	    oldsite != h->site) {
		/* another key, place or mode: what we fetched says nothing */
		*refetch = h->req != NULL;
		h->has_status = 0;
		h->when = h->fetchable ? CPL_NO_TIME : now;
		h->due = now;
	}
	return CCPOOL_HOST_CHANGED;
}

struct ccpool_host *
cpl_model_due(const struct cpl_model *m, uint64_t now, uint64_t *next)
{
	struct ccpool_host	*h;
	size_t			 i;

	*next = CPL_NO_TIME;
	if (m->inflight >= CPL_INFLIGHT_MAX)
		return NULL;	/* an end of a fetch looks again */
	for (i = 0; i < m->n; i++) {
		h = m->v[i];
		if (!h->fetchable || h->req != NULL)
			continue;
		if (h->due <= now)
			return h;
		if (h->due < *next)
			*next = h->due;
	}
	return NULL;
}

void
cpl_model_started(struct cpl_model *m, struct ccpool_host *h,
    struct cpl_req *req, uint64_t now)
{
	/* the rate: one start per interval, however long a fetch takes */
	h->due = now + m->interval_ms;
	if (req != NULL && h->req == NULL)
		m->inflight++;
	h->req = req;
}

void
cpl_model_ended(struct cpl_model *m, struct ccpool_host *h)
{
	if (h->req != NULL && m->inflight > 0)
		m->inflight--;
	h->req = NULL;
}

void
cpl_host_result(struct ccpool_host *h, const char *body, size_t len,
    const char *fail, uint64_t now)
{
	char	 err[CPL_ERR_MAX - 32];

	h->when = now;
	if (fail != NULL) {
		h->has_status = 0;
		snprintf(h->why, sizeof(h->why), "%s", fail);
		return;
	}
	if (cpl_status_parse(body, len, &h->st.s, err, sizeof(err)) == -1) {
		h->has_status = 0;
		snprintf(h->why, sizeof(h->why), "bad status page: %s", err);
		return;
	}
	h->has_status = 1;
	h->why[0] = '\0';
}
