/*
 * wrap.h - the wrapper side of one compile job, and of the queries
 * (--hosts, -j) it sends to the agent.  Synchronous, blocking I/O.
 * Start reading at wrap_compile().
 */
#ifndef CCPOOL_WRAP_H
#define CCPOOL_WRAP_H

struct wrap_ctx {
	int		 verbose;	/* CCPOOL_VERBOSE */
	const char	*real;		/* the real compiler, absolute path */
	int		 argc;
	char		**argv;		/* the compiler's argv (argv[0] its
					   name as run) */
	const char	*self_exe;	/* ccpool itself, to start the agent;
					   NULL: never start it */
	const char	*src;		/* for messages: the source file */
};

/*
 * Run the compile job: remotely through the agent when possible, else
 * locally.  Returns the exit status for main() (or does not return:
 * it execs the real compiler).
 */
int	wrap_compile(struct wrap_ctx *w);

/*
 * Compile locally: exec the real compiler with the original argv.  Under
 * CCPOOL_VERBOSE first says why on stderr.  Never returns.
 */
void	wrap_local(const struct wrap_ctx *w, const char *why)
	    __attribute__((noreturn));

/*
 * `ccpool --hosts` (jobs 0: print the agent's host table) and `ccpool -j`
 * (jobs 1: print a make -j value).  Returns the exit status.
 */
int	wrap_hosts(const char *self_exe, int jobs);

#endif
