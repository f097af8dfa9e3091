/*
 * agent_main.c - ccpool-agent, the per-user agent as its own program (see
 * agent.h).  The ccpool wrapper starts it on demand through
 * `ccpool --agent`; nobody needs to run it by hand.
 */
#include <stdio.h>
#include <string.h>

#include "client/agent.h"

int
main(int argc, char *argv[])
{
	(void)argv;
	if (argc != 1) {
		fprintf(stderr, "usage: ccpool-agent (started by ccpool)\n");
		return 2;
	}
	return agent_main();
}
