/*
 * fuzz_args.c - fuzz harness for the compiler argv analysis (args.c).
 *
 * The input is split on NUL bytes into an argv (at most FUZZ_ARGC
 * entries).  Whatever args_parse() returns must hold together: a reason
 * when not distributable; when distributable a source and an output, a
 * cpp_argv that preprocesses (-E, no -c/-S/-o) and a cc_argv with no
 * preprocessor option, no -o, no input, nothing naming the source, and
 * accepted by the server's own check.  Any violation aborts.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "client/args.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define FUZZ_ARGC	256

static int
starts(const char *s, const char *p)
{
	return strncmp(s, p, strlen(p)) == 0;
}

static void
check(const struct args_job *j)
{
	static const char *const nocc[] = {
		"-I", "-D", "-U", "-M", "-o", "-x", "-include", "-imacros",
		"-isystem", "-idirafter", "-iquote", "-E", "-B", "-specs",
		"-fplugin", "-wrapper", "--sysroot", "-save-temps", "@",
	};
	int	 i, e = 0;
	size_t	 k;

	if (!j->distributable) {
		if (memchr(j->reason, '\0', sizeof(j->reason)) == NULL ||
		    j->reason[0] == '\0' || j->cpp_argv != NULL ||
		    j->cc_argv != NULL)
			abort();
		for (k = 0; j->reason[k] != '\0'; k++)
			if ((unsigned char)j->reason[k] < 0x20 ||
			    (unsigned char)j->reason[k] >= 0x7f)
				abort();	/* reason must be printable */
		return;
	}
	if (j->source == NULL || j->output == NULL || j->cpp_argv == NULL ||
	    j->cc_argv == NULL || (j->mode != 'c' && j->mode != 'S') ||
	    (unsigned)j->lang >= CCARGS_LANG_COUNT)
		abort();
	if (j->cpp_argv[j->cpp_argc] != NULL || j->cc_argv[j->cc_argc] != NULL)
		abort();
	for (i = 1; i < j->cpp_argc; i++) {
		const char *a = j->cpp_argv[i];

		if (strcmp(a, "-E") == 0)
			e = 1;
		if (strcmp(a, "-c") == 0 || strcmp(a, "-S") == 0 ||
		    starts(a, "-o"))
			abort();
	}
	if (!e)
		abort();
	if (j->cc_argc < 2 || (strcmp(j->cc_argv[1], "-c") != 0 &&
	    strcmp(j->cc_argv[1], "-S") != 0))
		abort();
	for (i = 1; i < j->cc_argc; i++) {
		const char *a = j->cc_argv[i];

		if (strcmp(a, j->source) == 0)
			abort();
		for (k = 0; k < sizeof(nocc) / sizeof(nocc[0]); k++)
			if (starts(a, nocc[k]))
				abort();
	}
	if (ccargs_check(j->cc_argc, j->cc_argv, NULL, 0) != 0)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char		*buf, *argv[FUZZ_ARGC + 1];
	struct args_job	 j;
	char		 err[64];
	size_t		 off = 0;
	int		 argc = 0;

	/* a NUL-terminated copy: the last argument ends at the input's end */
	if ((buf = malloc(size + 1)) == NULL)
		return 0;
	memcpy(buf, data, size);
	buf[size] = '\0';
	while (argc < FUZZ_ARGC && off <= size) {
		argv[argc++] = buf + off;
		off += strlen(buf + off) + 1;
	}
	argv[argc] = NULL;
	if (args_parse(argc, argv, &j, err, sizeof(err)) == -1) {
		if (memchr(err, '\0', sizeof(err)) == NULL)
			abort();
		free(buf);
		return 0;
	}
	check(&j);
	args_job_clear(&j);
	free(buf);
	return 0;
}
