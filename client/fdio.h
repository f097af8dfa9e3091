/*
 * fdio.h - writing a whole buffer to a descriptor, a socket (the agent's
 * connection: no SIGPIPE) or not (a file, stdout, stderr).  Used by every
 * file of the wrapper that writes; blocking.
 */
#ifndef CCPOOL_FDIO_H
#define CCPOOL_FDIO_H

#include <stddef.h>

/*
 * Write len bytes of buf to fd, again after EINTR and short writes.
 * Returns 0, or -1 with errno set (a peer gone away is EPIPE, never a
 * signal).
 */
int	fdio_write_all(int fd, const void *buf, size_t len);

#endif
