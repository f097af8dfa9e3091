/*
 * agent_main.c - ccpool-agent, the per-user agent as its own program (see
 * agent.h).  The ccpool wrapper starts it on demand through
 * `ccpool --agent`; nobody needs to run it by hand.  It also runs the
 * identity commands `ccpool id|forget|ca`, which need OpenSSL.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "agent/agent.h"
#include "agent/agent_walls.h"
#include "common/sockdir.h"
#include "agent/tchelp.h"
#include "common/ident.h"

/*
 * The agent's walls (agent_walls.h), before agent_main(): first the
 * toolchain helper, which runs compilers outside them and never sees the
 * key; then the socket and config directories, made if missing (the
 * walls let the agent write only inside them).  Returns 0, or -1 after
 * saying why on stderr (the agent's log): the agent then does not run,
 * and the wrapper compiles here.
 */
static int
walls(void)
{
	char	 sockdir[256], conf[1024], err[512], *slash;
	int	 noconf;

	if (tchelp_start(err, sizeof(err)) == -1)
		fprintf(stderr, "ccpool-agent: %s: compiles stay here\n", err);
	if (sockdir_prepare(getenv("XDG_RUNTIME_DIR"), "/tmp", getuid(),
	    sockdir, sizeof(sockdir), err, sizeof(err)) == -1)
		return 0;	/* agent_main() says so and stops */
	noconf = ident_user_path("identity.pem", conf, sizeof(conf), err,
	    sizeof(err)) == -1;
	if (!noconf && ident_mkdir_parent(conf, err, sizeof(err)) == -1)
		goto fail;
	if (!noconf && (slash = strrchr(conf, '/')) != NULL)
		*slash = '\0';
	if (agent_walls_up(sockdir, noconf ? NULL : conf, err,
	    sizeof(err)) == 0)
		return 0;
fail:
	fprintf(stderr, "ccpool-agent: cannot confine the agent: %s\n", err);
	return -1;
}

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
		return walls() == -1 ? 1 : agent_main();
	/* `ccpool id|forget|ca ...` (idcmd.c), which reads its own options */
	return idcmd_main(argc - optind, argv + optind);
}
