/*
 * pin.h - open mode's memory of server keys (trust on first use).
 *
 * A text file, one line per server, mode 0600, in the user's
 * configuration directory (known_servers):
 *
 *   NAME sha256:HEX	NAME is pinned to that key
 *   NAME !sha256:HEX	the user refused NAME (`ccpool trust --refuse`):
 *			NAME gets no job whatever its key, nor does that
 *			key under any name
 *
 * The first key a server shows is pinned (or, under CCPOOL_TRUST=
 * explicit, only the key the user pins with `ccpool trust`); a different
 * key later is refused until the user forgets the old one (`ccpool
 * forget NAME`).  Names are the advertised service names (or host:port
 * for CCPOOL_HOSTS), which may hold spaces but no newline.  What the
 * agent does with a lookup is trust.h's to decide.
 */
#ifndef CCPOOL_PIN_H
#define CCPOOL_PIN_H

#include <stddef.h>

#include "common/ident.h"

#define PIN_NAME_MAX	256

enum pin_state {
	PIN_NEW,	/* neither the name nor the key is pinned */
	PIN_SAME,	/* the name is pinned to this key */
	PIN_CHANGED,	/* the name is pinned to another key: refuse */
	PIN_KNOWN,	/* a new name for a key pinned under another name */
	PIN_ALIAS,	/* "h1 #2", Avahi's alternative of a pinned name h1
			   whose key is another: h1 with a new key, or an
			   impostor */
	PIN_REFUSED	/* the user refused the name or the key */
};

struct pin_look {
	enum pin_state	 state;
	char		 old[IDENT_FP_LEN];	/* CHANGED, ALIAS, REFUSED:
						   the key on file */
	char		 other[PIN_NAME_MAX];	/* KNOWN, ALIAS: the name
						   pinned to that key */
};

/*
 * Look name with key fp up in the file path (fp NULL or "": the name
 * only).  Fills *l and returns its state, or -1 with err set if the file
 * exists but cannot be read.  A missing file pins nothing.
 */
int	pin_check(const char *path, const char *name, const char *fp,
	    struct pin_look *l, char *err, size_t errlen);

/*
 * Is name Avahi's alternative of another one ("h1 #2", "h1 #3"... of
 * "h1", avahi_alternative_service_name)?  Returns 1 and the name it
 * derives from in base (len bytes), else 0.
 */
int	pin_alt_base(const char *name, char *base, size_t len);

/* Pin name to fp (appends a line; the file is created 0600). */
int	pin_add(const char *path, const char *name, const char *fp,
	    char *err, size_t errlen);

/*
 * Replace every line of name with one: name pinned to fp, or refused
 * (refused set; fp is the refused key).  0, or -1 with err set.
 */
int	pin_set(const char *path, const char *name, const char *fp,
	    int refused, char *err, size_t errlen);

/* Forget every line of name.  Returns how many lines went, or -1. */
int	pin_forget(const char *path, const char *name, char *err,
	    size_t errlen);

/*
 * Call cb for every well-formed line of the file, in order.  Returns the
 * number of lines, or -1 with err set if the file exists but cannot be
 * read (a missing file has none).
 */
int	pin_each(const char *path, void (*cb)(const char *name,
	    const char *fp, int refused, void *arg), void *arg, char *err,
	    size_t errlen);

#endif
