/*
 * agent_main.c - ccpool-agent, the per-user agent as its own program (see
 * agent.h).  The ccpool wrapper starts it on demand through
 * `ccpool --agent`; nobody needs to run it by hand.  It also runs the
 * identity commands `ccpool id|forget|ca`, which need OpenSSL.
 */
#include <getopt.h>
#include <stdio.h>

#include "client/agent.h"

static void
usage(void)
{
	printf(
"usage: ccpool-agent\n"
"       ccpool-agent id|forget|ca ...\n"
"       ccpool-agent --help | --version\n"
"\n"
"The per-user agent of ccpool(1): with no arguments it runs the agent in\n"
"the foreground.  ccpool starts it on demand (ccpool --agent); there is no\n"
"need to run it by hand.  With a command it runs `ccpool id|forget|ca`;\n"
"see `ccpool id --help`, `ccpool ca --help`.\n");
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	int	 ch;

	/* "+": options stop at the command; its own come after it */
	while ((ch = getopt_long(argc, argv, "+h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'h':
			usage();
			return 0;
		case 'V':
			printf("ccpool-agent %s\n", VERSION);
			return 0;
		default:
			fprintf(stderr, "Try 'ccpool-agent --help' for more "
			    "information.\n");
			return 2;
		}
	}
	if (optind == argc)
		return agent_main();
	/* `ccpool id|forget|ca ...` (idcmd.c), which reads its own options */
	return idcmd_main(argc - optind, argv + optind);
}
