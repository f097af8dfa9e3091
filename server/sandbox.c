/*
 * sandbox.c - the registry of job sandboxes by name (sbx_lookup, asked
 * by parent.c and runner.c).  It knows the sandboxes only by their ops
 * tables; the sandboxes themselves: sandbox_none.c, sandbox_linux.c;
 * what they share in a job's child: sandbox_util.c; the interface:
 * sandbox.h.
 */
#include <string.h>

#include "server/sandbox.h"

const struct sandbox_ops *
sbx_lookup(const char *name)
{
	if (strcmp(name, sbx_none.name) == 0)
		return &sbx_none;
	if (strcmp(name, sbx_linux.name) == 0)
		return &sbx_linux;
	return NULL;
}
