/*
 * wconn.h - the wrapper's connection to its agent: connect (starting the
 * agent once if need be), hello, the agent's notices for the user, one
 * job sent and its answer read.  Blocking I/O; every byte from the agent
 * is parsed with the protocol's own readers (common/proto.h).
 * Start reading at wconn_open().
 */
#ifndef CCPOOL_WCONN_H
#define CCPOOL_WCONN_H

#include <stddef.h>
#include <stdint.h>

#include "common/proto.h"

/* The agent connection of one job (or one query). */
struct wconn {
	int		 fd;
	char		 dir[256];	/* the agent's private directory */
	struct proto_dialect d;
	struct proto_limits lim;
	struct proto_buf in;
	struct proto_frame f;		/* the frame read last (wconn_read) */
};

/*
 * Connect to the agent of the directory sockdir_prepare() names, starting
 * self_exe as the agent if none answers (NULL: never start it), and say
 * hello (version 0: a host query; verbose: CCPOOL_VERBOSE, for the note
 * on an agent that keeps other settings).  Returns 0 (go ahead), 1 with
 * why set (placed here: the connection stays open, for the caller to keep
 * across exec) or -1 with why set and *c closed (compile locally: no
 * agent, or the agent said so).
 */
int	wconn_open(struct wconn *c, const char *self_exe, int verbose,
	    uint32_t version, char *why, size_t whylen);

/* Close the connection and free its buffer; again: a no-op. */
void	wconn_close(struct wconn *c);

/*
 * Read the next frame from the agent into c->f (its payload in c->in).
 * Returns 1 with a frame, 0 on a clean EOF before any byte, -1 with err
 * set (garbage, timeout_ms of silence, short read).  The frame's bytes
 * stay in c->in until the next call.
 */
int	wconn_read(struct wconn *c, int timeout_ms, char *err, size_t errlen);

/*
 * Send the job, after a CODE frame with its code bytes (code.h: the
 * agent's guess of its compile time; clamped to 2^32 - 1), and read the
 * answer into *res (initialised by the caller, then the caller's to
 * free).  where receives the agent's note of the place used ("" when
 * none).  Returns 0, or -1 with why set.
 */
int	wconn_exchange(struct wconn *c, struct proto_job *job, uint64_t code,
	    struct proto_result *res, char *where, size_t wherelen, char *why,
	    size_t whylen);

#endif
