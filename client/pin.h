/*
 * pin.h - open mode's memory of server keys (trust on first use).
 *
 * A text file, one "name fingerprint" line per server, mode 0600, in the
 * user's configuration directory (known_servers).  The first key a
 * server shows is pinned; a different key later is refused until the
 * user forgets the old one (`ccpool forget NAME`).  Names are the
 * advertised service names (or host:port for CCPOOL_HOSTS), which may
 * hold spaces but no newline.
 */
#ifndef CCPOOL_PIN_H
#define CCPOOL_PIN_H

#include <stddef.h>

enum pin_state {
	PIN_NEW,	/* not pinned yet */
	PIN_SAME,	/* pinned, same key */
	PIN_CHANGED	/* pinned to another key: refuse */
};

/*
 * Look name up in the file path.  Returns a pin_state (old gets the
 * pinned fingerprint for PIN_CHANGED, IDENT_FP_LEN bytes), or -1 with
 * err set if the file exists but cannot be read.
 */
int	pin_check(const char *path, const char *name, const char *fp,
	    char *old, char *err, size_t errlen);

/* Pin name to fp (appends a line; the file is created 0600). */
int	pin_add(const char *path, const char *name, const char *fp,
	    char *err, size_t errlen);

/* Forget every pin of name.  Returns how many lines went, or -1. */
int	pin_forget(const char *path, const char *name, char *err,
	    size_t errlen);

#endif
