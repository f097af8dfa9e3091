/*
 * wjob.h - what the files of one compile job share: the command as run
 * (struct wrap_ctx, filled by main) and what the wrapper keeps of its
 * argv analysis (struct wjob, filled by wrap.c).  Types only.
 */
#ifndef CCPOOL_WJOB_H
#define CCPOOL_WJOB_H

#include "client/args.h"
#include "common/proto.h"

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
 * What the wrapper needs of the argv analysis (client/args.h): the
 * preprocessing argv, the compile argv for the server (no input, no -o,
 * no -x), the output.
 */
struct wjob {
	struct args_job	 aj;
	const char	*output;
	const char	*srcname;
	enum proto_lang	 lang;
};

#endif
