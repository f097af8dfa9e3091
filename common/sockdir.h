/*
 * sockdir.h - the private directory where the per-user agent lives.
 *
 * The wrapper and the agent meet on a unix socket in a directory only the
 * user can enter: $XDG_RUNTIME_DIR/ccpool/ when XDG_RUNTIME_DIR is set and
 * is the user's own directory, else /tmp/ccpool-$UID/.  The directory is
 * created 0700 when missing and refused when it is a symlink, is not a
 * directory, belongs to someone else or has any group/other permission
 * (someone could be waiting there to impersonate the agent).
 * Start reading at sockdir_prepare().
 */
#ifndef CCPOOL_SOCKDIR_H
#define CCPOOL_SOCKDIR_H

#include <stddef.h>
#include <sys/types.h>

/* The longest name put in the directory (see spawn.h). */
#define SOCKDIR_LONGEST	"agent-0123456789abcdef.sock"

/*
 * Pick the directory for user uid: <xdg>/ccpool when xdg is a non-empty
 * absolute path naming a directory owned by uid (and not a symlink), else
 * <tmp>/ccpool-<uid> (tmp is "/tmp" in production, a test directory in
 * tests).  Creates it 0700 if missing and checks it with sockdir_check().
 * Writes the path to dst (dstlen bytes; there must be room for
 * "/" SOCKDIR_LONGEST inside a sockaddr_un).  Returns 0, or -1 with err set.
 */
int	sockdir_prepare(const char *xdg, const char *tmp, uid_t uid,
	    char *dst, size_t dstlen, char *err, size_t errlen);

/*
 * The same directory for a reader that must not create it (libccpool
 * asking a running agent): its path into dst, then sockdir_check().
 * Returns 0, or -1 with err set and errno ENOENT when it does not exist
 * (no agent ever ran), EPERM when it is not the user's private one.
 */
int	sockdir_locate(const char *xdg, const char *tmp, uid_t uid, char *dst,
	    size_t dstlen, char *err, size_t errlen);

/*
 * Check that dir is a real directory (not a symlink), owned by uid, with
 * mode exactly 0700.  Returns 0, or -1 with err saying what is wrong.
 */
int	sockdir_check(const char *dir, uid_t uid, char *err, size_t errlen);

/*
 * Join dir and name into dst.  Returns 0, or -1 when it does not fit or
 * would not fit into a sockaddr_un's sun_path.
 */
int	sockdir_join(char *dst, size_t dstlen, const char *dir,
	    const char *name);

#endif
