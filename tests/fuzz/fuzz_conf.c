/*
 * fuzz_conf.c - fuzz harness for ccpoold's configuration parser
 * (server/srvconf.c).
 *
 * The input is the text of a config file.  Parsed on top of the
 * defaults: a refusal must leave the configuration byte for byte as it
 * was and say which line; an acceptance must give values inside every
 * key's range, terminated strings, valid access-list entries, and the
 * same result when parsed again.  Any violation aborts.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "server/srvconf.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static int
terminated(const char *s, size_t size)
{
	return memchr(s, '\0', size) != NULL;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct srvconf c, saved, again;
	static const uint8_t v4[16] = { 10, 1, 2, 3 };
	static const uint8_t v6[16] = { 0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	    0, 0, 0, 1 };
	char		 err[512];
	unsigned	 i;

	srvconf_defaults(&c, 4);
	saved = c;
	err[0] = '\0';
	if (srvconf_parse(&c, (const char *)data, size, err, sizeof(err)) ==
	    -1) {
		if (memcmp(&c, &saved, sizeof(c)) != 0 ||
		    !terminated(err, sizeof(err)) ||
		    (strncmp(err, "line ", 5) != 0 &&
		    strncmp(err, "file ", 5) != 0))
			abort();
		return 0;
	}
	if (c.port < 1 || c.port > 65535 || c.status_port > 65535 ||
	    c.slots < 1 || c.slots > SRVCONF_SLOTS_MAX ||
	    c.queue > SRVCONF_QUEUE_MAX || c.max_input_mb < 1 ||
	    c.max_input_mb > 2048 || c.max_output_mb < 1 ||
	    c.max_output_mb > 2048 || c.job_timeout < 1 ||
	    c.max_conns < 1 || (c.publish != 0 && c.publish != 1) ||
	    (c.distcc_compat != 0 && c.distcc_compat != 1) ||
	    c.distcc_port < 1 || c.distcc_port > 65535 ||
	    c.ndistcc_allow > SRVCONF_ALLOW_MAX || c.nlisten > SRVCONF_LISTEN_MAX ||
	    c.nallow > SRVCONF_ALLOW_MAX)
		abort();
	if (!terminated(c.cluster, sizeof(c.cluster)) || c.cluster[0] == '\0' ||
	    !disc_utf8_valid(c.cluster, strlen(c.cluster)) ||
	    !terminated(c.name, sizeof(c.name)) ||
	    !terminated(c.workdir, sizeof(c.workdir)) || c.workdir[0] != '/' ||
	    (strcmp(c.sandbox, "none") != 0 &&
	    strcmp(c.sandbox, "linux") != 0) ||
	    (strcmp(c.trust, "auto") != 0 && strcmp(c.trust, "open") != 0 &&
	    strcmp(c.trust, "site") != 0) ||
	    !terminated(c.identity, sizeof(c.identity)) ||
	    (c.identity[0] != '\0' && c.identity[0] != '/') ||
	    !terminated(c.crl, sizeof(c.crl)) ||
	    (c.crl[0] != '\0' && c.crl[0] != '/') ||
	    !terminated(c.allow_users, sizeof(c.allow_users)) ||
	    !terminated(c.allow_groups, sizeof(c.allow_groups)))
		abort();
	{
		static const char g[2][64] = { "dev", "x" };

		(void)srvconf_user_allowed(&c, "alice", g, 2);
		(void)srvconf_user_allowed(&c, "", g, 0);
	}
	for (i = 0; i < c.nlisten; i++)
		if ((c.listen[i].family != AF_INET &&
		    c.listen[i].family != AF_INET6) ||
		    !terminated(c.listen[i].text, sizeof(c.listen[i].text)))
			abort();
	for (i = 0; i < c.nallow; i++)
		if (!((c.allow[i].family == AF_INET &&
		    c.allow[i].prefix <= 32) ||
		    (c.allow[i].family == AF_INET6 &&
		    c.allow[i].prefix <= 128)))
			abort();
	(void)srvconf_allowed(&c, AF_INET, v4);
	(void)srvconf_allowed(&c, AF_INET6, v6);
	srvconf_defaults(&again, 4);
	if (srvconf_parse(&again, (const char *)data, size, err,
	    sizeof(err)) != 0 || memcmp(&again, &c, sizeof(c)) != 0)
		abort();
	return 0;
}
