/*
 * tchelp.h - the agent's toolchain helper: a process the agent forks
 * before it confines itself (agent_walls.c), which identifies compilers
 * for it (tc_identify runs them), so that the agent itself never forks
 * or executes anything.  The helper holds no key and no network socket:
 * it has no_new_privs, writes nothing but /dev/null (Landlock), and a
 * seccomp deny-list (no network sockets, mounts, ptrace ...) that the
 * compilers it runs inherit.  One request at a time over a SOCK_SEQPACKET
 * pair: the agent sends a path, the helper answers "+id" or "-reason".
 */
#ifndef CCPOOL_TCHELP_H
#define CCPOOL_TCHELP_H

#include <stddef.h>

/*
 * Fork the helper.  Returns 0, or -1 with err set (the agent then runs
 * without it: tchelp_identify fails and jobs compile locally).
 */
int	tchelp_start(char *err, size_t errlen);

/*
 * The toolchain id of the compiler at path into id (idlen bytes), from
 * the helper, or, if tchelp_start was never called, from tc_identify in
 * this process.  Returns 0, or -1 with err set.
 */
int	tchelp_identify(const char *path, char *id, size_t idlen, char *err,
	    size_t errlen);

/*
 * The distcc probe (tcprobe.c) compiled here by the compiler at path, as
 * C or as C++ (cxx), by the helper: the SHA-256 of its assembly into
 * hex.  Returns 0, or -1 with err set.
 */
int	tchelp_probe(const char *path, int cxx, char hex[65], char *err,
	    size_t errlen);

#endif
