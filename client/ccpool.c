/*
 * ccpool.c - the compiler wrapper: `ccpool gcc -c x.c -o x.o`, or the
 * compiler itself through a masquerade directory of symlinks.
 *
 * main() finds the real compiler (masq.c), then either execs it
 * unchanged (anything not distributable, CCPOOL_DISABLE, no agent...) or
 * hands the job to the per-user agent (wrap.c), which compiles it on a
 * server of the cluster.  The same binary is the agent (`ccpool --agent`,
 * agent.c) and the front end of `ccpool --hosts` and `ccpool -j`;
 * `ccpool top` execs ccpool-top.
 * The wrapper is a short-lived synchronous program: blocking I/O only.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "client/here.h"
#include "client/masq.h"
#include "client/wrap.h"

static void
usage(void)
{
	printf(
"usage: ccpool compiler [compiler arguments]\n"
"       ccpool --hosts | -j | --masquerade-dir dir | --agent\n"
"       ccpool --update-masquerade[=dir]\n"
"       ccpool --help | --version\n"
"       ccpool id [--install FILE] | trust ... | forget NAME | ca ...\n"
"       ccpool top [--once | --json] [options]\n"
"\n"
"  ccpool gcc -c x.c -o x.o    compile x.c on the cluster (or locally)\n"
"  --hosts                     the servers the agent knows and their state\n"
"  -j                          a good `make -j` value for the cluster\n"
"  --masquerade-dir DIR        make DIR/gcc, DIR/cc... symlinks to ccpool\n"
"  --update-masquerade[=DIR]   add and remove links in DIR (default\n"
"                              " MASQDIR ") as compilers come and go\n"
"  --agent                     run the per-user agent (started on demand)\n"
"  id                          your key fingerprint (made on first use)\n"
"  id --install FILE           use an identity issued by a site CA\n"
"  trust NAME [KEY]            pin a server's key (CCPOOL_TRUST=explicit)\n"
"  trust --list                the pinned keys (open mode)\n"
"  trust --refuse NAME         give a server no job, whatever its key\n"
"  forget NAME                 forget a server's pinned key (open mode)\n"
"  ca init|issue|revoke|crl    run a site CA; see ccpool(1)\n"
"  top                         the cluster in the terminal; ccpool-top(1)\n"
"  --help, -h                  this text (id, forget, ca: their own --help)\n"
"  --version                   ccpool's version (ccpool gcc --version: gcc's)\n"
"\n"
"Environment: CCPOOL_VERBOSE=1, CCPOOL_DISABLE=1, CCPOOL_HOSTS=\"h[:port] ...\",\n"
"CCPOOL_CLUSTER, CCPOOL_AGENT_IDLE (seconds), CCPOOL_TRUST=explicit.\n"
"See ccpool(1).\n");
}

/* A usage error: why, then where to read more; the caller exits 2. */
static int
usage_err(const char *why)
{
	if (why != NULL)
		fprintf(stderr, "ccpool: %s\n", why);
	fprintf(stderr, "Try 'ccpool --help' for more information.\n");
	return 2;
}

/* Whether the environment variable is set to something other than 0. */
static int
env_true(const char *name)
{
	const char	*v = getenv(name);

	return v != NULL && v[0] != '\0' && strcmp(v, "0") != 0;
}

static int
masquerade(const char *dir, const char *self_path, const struct stat *self)
{
	char	 names[2048], err[512];
	int	 n;

	n = masq_make_dir(dir, getenv("PATH"), self_path, self, names,
	    sizeof(names), err, sizeof(err));
	if (n == -1) {
		fprintf(stderr, "ccpool: %s\n", err);
		return 1;
	}
	if (n == 0)
		printf("ccpool: no new compiler found in PATH for %s\n", dir);
	else
		printf("ccpool: %s: %s\n", dir, names);
	printf("put it first in PATH:  export PATH=\"%s:$PATH\"\n", dir);
	return 0;
}

/*
 * --update-masquerade: dir made current, links added for new compilers
 * and removed for those gone (the packages' dpkg trigger runs this).
 */
static int
update_masquerade(const char *dir, const char *self_path,
    const struct stat *self)
{
	char	 added[2048], removed[2048], err[512];
	int	 n, gone;

	n = masq_make_dir(dir, getenv("PATH"), self_path, self, added,
	    sizeof(added), err, sizeof(err));
	gone = n == -1 ? -1 : masq_prune_dir(dir, getenv("PATH"), self,
	    removed, sizeof(removed), err, sizeof(err));
	if (gone == -1) {
		fprintf(stderr, "ccpool: %s\n", err);
		return 1;
	}
	if (n > 0)
		printf("ccpool: %s: added %s\n", dir, added);
	if (gone > 0)
		printf("ccpool: %s: removed %s\n", dir, removed);
	return 0;
}

/* --masquerade-dir (mode 'M') or --update-masquerade ('U'). */
static int
masq_mode(int mode, const char *dir, const char *self_path, int have_self,
    const struct stat *self)
{
	if (!have_self || self_path[0] == '\0') {
		fprintf(stderr, "ccpool: cannot find /proc/self/exe\n");
		return 1;
	}
	if (mode == 'U')
		return update_masquerade(dir != NULL ? dir : MASQDIR,
		    self_path, self);
	return masquerade(dir, self_path, self);
}

/*
 * The agent is its own program, ccpool-agent, installed beside ccpool:
 * the wrapper runs once per compile and so links only what a compile
 * needs (no Avahi, D-Bus or libevent to load), which keeps its start-up
 * cost under a millisecond.  `ccpool --agent` runs it.  So is the
 * terminal monitor, ccpool-top (ncurses, libccpool.so): `ccpool top`.
 * name is "ccpool-agent" or "ccpool-top", found in self's directory.
 */
static int
exec_sibling(const char *self, const char *name, char *const argv[])
{
	char	 path[PATH_MAX];
	const char *slash = strrchr(self, '/');
	size_t	 len = strlen(name);

	if (slash == NULL || (size_t)(slash - self) + 1 + len + 1 >
	    sizeof(path)) {
		fprintf(stderr, "ccpool: cannot find %s\n", name);
		return 1;
	}
	memcpy(path, self, (size_t)(slash - self) + 1);
	memcpy(path + (slash - self) + 1, name, len + 1);
	execv(path, argv);
	fprintf(stderr, "ccpool: %s: %s\n", path, strerror(errno));
	return 1;
}

/*
 * `ccpool ...` by that name: its own options, or a subcommand, or the
 * compiler to wrap.  Options are only read before the first operand
 * ("+"), so `ccpool gcc --version` is gcc's --version, as with distcc.
 * Returns an exit status, or -1 with *optindp at the compiler's name.
 */
static int
ccpool_args(int argc, char *argv[], const char *self_path, int have_self,
    const struct stat *self, int *optindp)
{
	static const struct option longopts[] = {
		{ "agent", no_argument, NULL, 'A' },
		{ "help", no_argument, NULL, 'h' },
		{ "hosts", no_argument, NULL, 'H' },
		{ "masquerade-dir", required_argument, NULL, 'M' },
		{ "update-masquerade", optional_argument, NULL, 'U' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	const char	*dir = NULL, *sub;
	int		 ch, mode = 0;

	while ((ch = getopt_long(argc, argv, "+hj", longopts, NULL)) != -1) {
		switch (ch) {
		case 'h':
			usage();
			return 0;
		case 'V':
			printf("ccpool %s\n", VERSION);
			return 0;
		case 'A':
		case 'H':
		case 'j':
		case 'M':
		case 'U':
			if (mode != 0)
				return usage_err("--agent, --hosts, -j and "
				    "the masquerade options exclude each "
				    "other");
			mode = ch;
			dir = optarg;
			break;
		default:
			return usage_err(NULL);	/* getopt said why */
		}
	}
	if (mode != 0 && optind != argc)
		return usage_err("--agent, --hosts, -j and the masquerade "
		    "options take no operands");
	switch (mode) {
	case 'A': {
		char *av[] = { (char *)"ccpool-agent", NULL };

		return exec_sibling(self_path, "ccpool-agent", av);
	}
	case 'H':
		return wrap_hosts(self_path[0] ? self_path : NULL, 0);
	case 'j':
		return wrap_hosts(self_path[0] ? self_path : NULL, 1);
	case 'M':
	case 'U':
		return masq_mode(mode, dir, self_path, have_self, self);
	default:
		break;
	}
	if (optind == argc)
		return usage_err("no compiler: ccpool gcc -c x.c -o x.o");
	/* identity commands: ccpool-agent links OpenSSL, we do not */
	sub = argv[optind];
	if (strcmp(sub, "id") == 0 || strcmp(sub, "ca") == 0 ||
	    strcmp(sub, "forget") == 0 || strcmp(sub, "trust") == 0) {
		argv[optind - 1] = (char *)"ccpool-agent";
		return exec_sibling(self_path, "ccpool-agent",
		    argv + optind - 1);
	}
	/* the terminal monitor: ncurses and libccpool are its, not ours */
	if (strcmp(sub, "top") == 0) {
		argv[optind] = (char *)"ccpool-top";
		return exec_sibling(self_path, "ccpool-top", argv + optind);
	}
	*optindp = optind;
	return -1;
}

int
main(int argc, char *argv[])
{
	struct wrap_ctx	 w;
	struct stat	 self;
	char		 self_path[PATH_MAX], real[PATH_MAX], err[512];
	const char	*compiler;
	char		**cargv;
	ssize_t		 n;
	int		 cargc, have_self, rc, first = 1;

	memset(&w, 0, sizeof(w));
	n = readlink("/proc/self/exe", self_path, sizeof(self_path) - 1);
	if (n <= 0)
		self_path[0] = '\0';
	else
		self_path[n] = '\0';
	have_self = stat("/proc/self/exe", &self) == 0;

	if (masq_is_ccpool(argv[0])) {
		if ((rc = ccpool_args(argc, argv, self_path, have_self, &self,
		    &first)) != -1)
			return rc;
		compiler = argv[first];
		cargv = argv + first;
		cargc = argc - first;
	} else {
		compiler = masq_basename(argv[0]);
		cargv = argv;
		cargc = argc;
	}
	if (masq_find(compiler, getenv("PATH"), have_self ? &self : NULL,
	    real, sizeof(real), err, sizeof(err)) == -1) {
		fprintf(stderr, "ccpool: %s\n", err);
		return 127;
	}
	/*
	 * Run the compiler by its full path, as ccache and distcc do: gcc
	 * finds cc1 relative to argv[0], searching PATH for a bare name, and
	 * there it would find our masquerade symlink.  The name (gcc,
	 * clang++...) and so the compiler's behaviour stay the same.
	 */
	cargv[0] = real;

	w.verbose = env_true("CCPOOL_VERBOSE");
	w.real = real;
	w.argc = cargc;
	w.argv = cargv;
	w.self_exe = self_path[0] ? self_path : NULL;
	if (env_true("CCPOOL_DISABLE"))
		here_exec(&w, "CCPOOL_DISABLE");
	return wrap_compile(&w);
}
