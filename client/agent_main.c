/*
 * agent_main.c - ccpool-agent, the per-user agent as its own program (see
 * agent.h).  The ccpool wrapper starts it on demand through
 * `ccpool --agent`; nobody needs to run it by hand.  It also runs the
 * identity commands `ccpool id|forget|ca`, which need OpenSSL.
 */
#include <stdio.h>
#include <string.h>

#include "client/agent.h"

int
main(int argc, char *argv[])
{
	if (argc == 1)
		return agent_main();
	/* `ccpool id|forget|ca ...` (idcmd.c) */
	return idcmd_main(argc - 1, argv + 1);
}
