/*
 * cpl_trust.c - ccpool_host_trust() and ccpool_host_usable(): what this
 * user's agent makes of a host's advert (common/trustview.c, the agent's
 * own rules).  The user's side (CCPOOL_TRUST, identity.pem,
 * known_servers) is read again only when one of them changed, looked at
 * at most once a second; a host is judged again only when its key or
 * mode changed or the user's side did.  Not thread safe, like the rest.
 */
#include <sys/stat.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/ident.h"
#include "common/mono.h"
#include "common/trustview.h"
#include "libccpool/cpl.h"

#define LOOK_MS		1000	/* between two looks at the user's files */

/* A file as last seen: missing is all zero. */
struct seen {
	int		 exists;
	dev_t		 dev;
	ino_t		 ino;
	off_t		 size;
	struct timespec	 mtime;
};

static struct {
	struct tview_user u;
	uint64_t	 gen;		/* grows when u changed */
	uint64_t	 looked;	/* ms of the last look */
	struct seen	 pins, id;
	char		 mode[64];	/* CCPOOL_TRUST as read */
} tv;

static void
see(const char *name, struct seen *s)
{
	char		 path[512];
	struct stat	 st;

	memset(s, 0, sizeof(*s));
	if (ident_user_path(name, path, sizeof(path), NULL, 0) == -1 ||
	    stat(path, &st) == -1)
		return;
	s->exists = 1;
	s->dev = st.st_dev;
	s->ino = st.st_ino;
	s->size = st.st_size;
	s->mtime = st.st_mtim;
}

static int
same(const struct seen *a, const struct seen *b)
{
	return a->exists == b->exists && a->dev == b->dev &&
	    a->ino == b->ino && a->size == b->size &&
	    a->mtime.tv_sec == b->mtime.tv_sec &&
	    a->mtime.tv_nsec == b->mtime.tv_nsec;
}

/* Reload the user's side if it changed (looked at once a second). */
static void
user_refresh(void)
{
	struct seen	 pins, id;
	const char	*e = getenv("CCPOOL_TRUST");
	char		 mode[64];
	uint64_t	 now = mono_ms();

	if (tv.gen != 0 && now - tv.looked < LOOK_MS)
		return;
	tv.looked = now;
	see("known_servers", &pins);
	see("identity.pem", &id);
	snprintf(mode, sizeof(mode), "%c%s", e == NULL ? '-' : '=',
	    e == NULL ? "" : e);
	if (tv.gen != 0 && same(&pins, &tv.pins) && same(&id, &tv.id) &&
	    strcmp(mode, tv.mode) == 0)
		return;
	tv.pins = pins;
	tv.id = id;
	memcpy(tv.mode, mode, sizeof(mode));
	tview_user_load(&tv.u);
	tv.gen++;
}

/* h's verdict, judged again if stale (the cache lives in h). */
static struct ccpool_host *
judged(const struct ccpool_host *ch)
{
	/* the host is the library's own, mutable: only the cache changes */
	struct ccpool_host *h = (struct ccpool_host *)(uintptr_t)ch;
	const char	*fp = ccpool_host_fingerprint(ch);
	const char	*sec = ccpool_host_security(ch);
	enum tview_kind	 k;

	user_refresh();
	if (h->tv_gen == tv.gen && strcmp(h->tv_fp, fp) == 0 &&
	    strcmp(h->tv_sec, sec) == 0)
		return h;
	k = ccpool_host_kind(ch) == CCPOOL_KIND_CCPOOL ? TVIEW_CCPOOL :
	    TVIEW_DISTCC;
	h->tv_usable = tview_judge(&tv.u, k, sec, ccpool_host_name(ch), fp,
	    h->tv_word, sizeof(h->tv_word));
	snprintf(h->tv_fp, sizeof(h->tv_fp), "%s", fp);
	snprintf(h->tv_sec, sizeof(h->tv_sec), "%s", sec);
	h->tv_gen = tv.gen;
	return h;
}

const char *
ccpool_host_trust(const struct ccpool_host *h)
{
	return judged(h)->tv_word;
}

int
ccpool_host_usable(const struct ccpool_host *h)
{
	return judged(h)->tv_usable;
}
