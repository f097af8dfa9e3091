/*
 * srvconf.c - ccpoold's configuration; see srvconf.h.
 *
 * The file is lines of `key = value`; `#` starts a comment; blank lines
 * are ignored.  Parsing works on a copy of the configuration and commits
 * only if every line is good, so a broken file (at start, at SIGHUP, at
 * -n) never leaves a half-applied configuration.  The table keys[] is
 * the list of keys; start reading at srvconf_parse().
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <zstd.h>

#include "common/kgss.h"
#include "server/srvconf.h"

#define MIB	((size_t)1 << 20)

enum ktype { K_UINT, K_BOOL, K_STR, K_LISTEN, K_ALLOW, K_DALLOW };

struct key {
	const char	*name;
	enum ktype	 type;
	unsigned	 min, max;	/* K_UINT range; K_STR max bytes */
	size_t		 off;		/* offset in struct srvconf */
	size_t		 size;		/* K_STR buffer size */
	int		 (*check)(const char *v, char *err, size_t errlen);
};

static int	check_workdir(const char *, char *, size_t);
static int	check_sandbox(const char *, char *, size_t);
static int	check_user(const char *, char *, size_t);
static int	check_trust(const char *, char *, size_t);
static int	check_path(const char *, char *, size_t);
static int	check_names(const char *, char *, size_t);
static int	check_auth(const char *, char *, size_t);
static int	check_principal(const char *, char *, size_t);
static int	check_dns_update(const char *, char *, size_t);
static int	parse_addr(const char *, int *, uint8_t [16]);

#define U(n, lo, hi)	{ #n, K_UINT, lo, hi, offsetof(struct srvconf, n), 0, NULL }
#define B(n, chk)	{ #n, K_BOOL, 0, 1, offsetof(struct srvconf, n), 0, chk }
#define S(n, chk)	{ #n, K_STR, 0, 0, offsetof(struct srvconf, n), \
			    sizeof(((struct srvconf *)0)->n), chk }

static const struct key keys[] = {
	U(port, 1, 65535),
	U(status_port, 0, 65535),
	U(slots, 1, SRVCONF_SLOTS_MAX),
	U(queue, 0, SRVCONF_QUEUE_MAX),
	U(load_tolerance, 0, 100 * SRVCONF_SLOTS_MAX),
	U(memory_pressure, 1, 100),
	U(max_input_mb, 1, 2048),
	U(max_output_mb, 1, 2048),
	U(max_mem_mb, 0, 1u << 24),
	U(job_timeout, 1, 86400),
	U(grace, 0, 3600),
	U(max_conns, 1, 65536),
	B(calibrate, NULL),
	B(publish, NULL),
	B(distcc_compat, NULL),
	U(distcc_port, 1, 65535),
	S(cluster, NULL),
	S(name, NULL),
	S(workdir, check_workdir),
	S(sandbox, check_sandbox),
	S(user, check_user),
	S(trust, check_trust),
	S(auth, check_auth),
	S(keytab, check_path),
	S(gss_principal, check_principal),
	S(identity, check_path),
	S(crl, check_path),
	S(allow_users, check_names),
	S(allow_groups, check_names),
	U(user_max_jobs, 0, 65536),
	S(dns_update, check_dns_update),
	U(dns_ttl, 5, 86400),
	{ "listen", K_LISTEN, 0, 0, 0, 0, NULL },
	{ "allow", K_ALLOW, 0, 0, 0, 0, NULL },
	{ "distcc_allow", K_DALLOW, 0, 0, 0, 0, NULL },
};
#define NKEYS	(sizeof(keys) / sizeof(keys[0]))

void
srvconf_defaults(struct srvconf *c, unsigned ncpu)
{
	const char	*tmp;

	memset(c, 0, sizeof(*c));
	if (ncpu < 1)
		ncpu = 1;
	if (ncpu > SRVCONF_SLOTS_MAX)
		ncpu = SRVCONF_SLOTS_MAX;
	c->port = SRVCONF_PORT;
	c->status_port = SRVCONF_STATUS_PORT;
	c->slots = ncpu;
	c->queue = ncpu;
	c->load_tolerance = 25;
	c->memory_pressure = 10;
	c->max_input_mb = 256;
	c->max_output_mb = 256;
	c->max_mem_mb = 8192;
	c->job_timeout = 300;
	c->grace = 30;
	c->max_conns = 256;
	c->calibrate = 1;
	c->publish = 1;
	c->distcc_compat = 0;
	c->distcc_port = SRVCONF_DISTCC_PORT;
	snprintf(c->cluster, sizeof(c->cluster), "default");
	tmp = getenv("TMPDIR");
	if (tmp == NULL || tmp[0] != '/' || check_workdir(tmp, NULL, 0) == -1)
		tmp = "/tmp";
	snprintf(c->workdir, sizeof(c->workdir), "%s", tmp);
	snprintf(c->sandbox, sizeof(c->sandbox), "linux");
	snprintf(c->user, sizeof(c->user), "ccpoold");
	snprintf(c->trust, sizeof(c->trust), "auto");
	snprintf(c->auth, sizeof(c->auth), "tls");
	snprintf(c->keytab, sizeof(c->keytab), "%s", SRVCONF_KEYTAB);
	c->dns_ttl = 60;
}

static int
check_auth(const char *v, char *err, size_t errlen)
{
	if (strcmp(v, "tls") == 0 || strcmp(v, "gssapi") == 0)
		return 0;
	if (err != NULL)
		snprintf(err, errlen, "must be tls or gssapi");
	return -1;
}

static int
check_principal(const char *v, char *err, size_t errlen)
{
	if (kgss_principal_ok(v, strlen(v)) && strchr(v, '/') != NULL)
		return 0;
	if (err != NULL)
		snprintf(err, errlen, "must be a service principal, "
		    "service/host@REALM");
	return -1;
}

static int
check_trust(const char *v, char *err, size_t errlen)
{
	if (strcmp(v, "auto") == 0 || strcmp(v, "open") == 0 ||
	    strcmp(v, "site") == 0)
		return 0;
	if (err != NULL)
		snprintf(err, errlen, "must be auto, open or site");
	return -1;
}

static int
check_path(const char *v, char *err, size_t errlen)
{
	if (v[0] == '/' || v[0] == '\0')
		return 0;
	if (err != NULL)
		snprintf(err, errlen, "must be an absolute path");
	return -1;
}

static int
check_names(const char *v, char *err, size_t errlen)
{
	for (; *v != '\0'; v++)
		if (!((*v >= 'a' && *v <= 'z') || (*v >= 'A' && *v <= 'Z') ||
		    (*v >= '0' && *v <= '9') || strchr("._-, ", *v) != NULL)) {
			if (err != NULL)
				snprintf(err, errlen, "names are made of "
				    "A-Z a-z 0-9 . _ - and separated by commas "
				    "or spaces");
			return -1;
		}
	return 0;
}

/* Is name one of the comma- or space-separated words of list? */
static int
in_list(const char *list, const char *name)
{
	size_t	 n = strlen(name), w;

	while (*list != '\0') {
		list += strspn(list, ", ");
		w = strcspn(list, ", ");
		if (w == n && n > 0 && strncmp(list, name, n) == 0)
			return 1;
		list += w;
	}
	return 0;
}

int
srvconf_group_listed(const struct srvconf *c, const char *group)
{
	return in_list(c->allow_groups, group);
}

int
srvconf_user_allowed(const struct srvconf *c, const char *name,
    const char (*groups)[64], size_t ngroups)
{
	size_t	 i;

	if (c->allow_users[0] == '\0' && c->allow_groups[0] == '\0')
		return 1;
	if (in_list(c->allow_users, name))
		return 1;
	for (i = 0; i < ngroups; i++)
		if (in_list(c->allow_groups, groups[i]))
			return 1;
	return 0;
}

/*
 * dns_update = zone key-file [server]: a domain name, an absolute path,
 * and optionally the numeric address of the zone's primary.
 */
static int
check_dns_update(const char *v, char *err, size_t errlen)
{
	char		 zone[256], key[256], srv[64], extra[2];
	uint8_t		 a[16];
	int		 n, family;

	n = sscanf(v, "%255s %255s %63s %1s", zone, key, srv, extra);
	if (n < 2 || n > 3) {
		snprintf(err, errlen, "expected: zone key-file [server]");
		return -1;
	}
	if (strspn(zone, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "0123456789-_.") != strlen(zone) || zone[0] == '.') {
		snprintf(err, errlen, "zone: not a domain name");
		return -1;
	}
	if (key[0] != '/') {
		snprintf(err, errlen, "key file: not an absolute path");
		return -1;
	}
	if (n == 3 && parse_addr(srv, &family, a) == -1) {
		snprintf(err, errlen, "server: not an IPv4 or IPv6 address");
		return -1;
	}
	return 0;
}

static int
check_workdir(const char *v, char *err, size_t errlen)
{
	const char	*p;

	if (v[0] != '/') {
		if (err != NULL)
			snprintf(err, errlen, "must be an absolute path");
		return -1;
	}
	for (p = v; (p = strstr(p, "..")) != NULL; p += 2)
		if ((p == v || p[-1] == '/') && (p[2] == '/' || p[2] == '\0')) {
			if (err != NULL)
				snprintf(err, errlen, "must not contain ..");
			return -1;
		}
	if (strlen(v) >= sizeof(((struct srvconf *)0)->workdir) - 16) {
		if (err != NULL)
			snprintf(err, errlen, "too long");
		return -1;
	}
	return 0;
}

static int
check_sandbox(const char *v, char *err, size_t errlen)
{
	if (strcmp(v, "linux") == 0 || strcmp(v, "none") == 0)
		return 0;
	snprintf(err, errlen, "must be \"linux\" (namespaces, seccomp, "
	    "Landlock, rlimits) or \"none\" (process group, rlimits, "
	    "private directory)");
	return -1;
}

/* A user name: [A-Za-z0-9_.-], not starting with '-' or '.'. */
static int
check_user(const char *v, char *err, size_t errlen)
{
	const char	*p;

	if (v[0] == '\0' || v[0] == '-' || v[0] == '.')
		goto bad;
	for (p = v; *p != '\0'; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || *p == '_' || *p == '.' ||
		    *p == '-'))
			goto bad;
	return 0;
bad:
	snprintf(err, errlen, "not a user name");
	return -1;
}

/* Strict decimal: digits only, no sign, no leading junk. */
static int
parse_uint(const char *v, unsigned min, unsigned max, unsigned *out)
{
	unsigned long long n = 0;
	const char	*p;

	if (*v == '\0')
		return -1;
	for (p = v; *p != '\0'; p++) {
		if (*p < '0' || *p > '9')
			return -1;
		n = n * 10 + (unsigned)(*p - '0');
		if (n > max)
			return -1;
	}
	if (n < min)
		return -1;
	*out = (unsigned)n;
	return 0;
}

static int
parse_bool(const char *v, int *out)
{
	if (strcmp(v, "yes") == 0 || strcmp(v, "true") == 0 ||
	    strcmp(v, "on") == 0 || strcmp(v, "1") == 0)
		*out = 1;
	else if (strcmp(v, "no") == 0 || strcmp(v, "false") == 0 ||
	    strcmp(v, "off") == 0 || strcmp(v, "0") == 0)
		*out = 0;
	else
		return -1;
	return 0;
}

/* An IPv4 or IPv6 literal (no brackets, no zone). */
static int
parse_addr(const char *v, int *family, uint8_t addr[16])
{
	memset(addr, 0, 16);
	if (inet_pton(AF_INET, v, addr) == 1) {
		*family = AF_INET;
		return 0;
	}
	if (inet_pton(AF_INET6, v, addr) == 1) {
		*family = AF_INET6;
		return 0;
	}
	return -1;
}

static int
parse_cidr(const char *v, struct srvconf_cidr *cidr)
{
	char		 a[64];
	const char	*slash;
	unsigned	 i, bits, maxbits;
	size_t		 n;

	slash = strchr(v, '/');
	n = slash != NULL ? (size_t)(slash - v) : strlen(v);
	if (n == 0 || n >= sizeof(a))
		return -1;
	memcpy(a, v, n);
	a[n] = '\0';
	if (parse_addr(a, &cidr->family, cidr->addr) == -1)
		return -1;
	maxbits = cidr->family == AF_INET ? 32 : 128;
	if (slash == NULL)
		cidr->prefix = maxbits;
	else if (parse_uint(slash + 1, 0, maxbits, &cidr->prefix) == -1)
		return -1;
	/* Clear the host bits, so matching is a plain compare. */
	for (i = 0; i < maxbits / 8; i++) {
		bits = i * 8;
		if (bits >= cidr->prefix)
			cidr->addr[i] = 0;
		else if (cidr->prefix - bits < 8)
			cidr->addr[i] &= (uint8_t)(0xff << (8 - (cidr->prefix -
			    bits)));
	}
	return 0;
}

/* Append the address (or network) v to an access list of *n entries. */
static int
add_cidr(struct srvconf_cidr *list, unsigned *n, const char *name,
    const char *v, char *err, size_t errlen)
{
	if (*n >= SRVCONF_ALLOW_MAX) {
		snprintf(err, errlen, "%s: more than %d entries", name,
		    SRVCONF_ALLOW_MAX);
		return -1;
	}
	if (parse_cidr(v, &list[*n]) == -1) {
		snprintf(err, errlen, "%s: not an address or address/prefix",
		    name);
		return -1;
	}
	(*n)++;
	return 0;
}

static int
apply(struct srvconf *c, const struct key *k, const char *v, char *err,
    size_t errlen)
{
	char		*base = (char *)c;
	char		 why[160];
	size_t		 len = strlen(v);
	int		 b;

	switch (k->type) {
	case K_UINT:
		if (parse_uint(v, k->min, k->max,
		    (unsigned *)(void *)(base + k->off)) == -1) {
			snprintf(err, errlen, "%s: not a number from %u to %u",
			    k->name, k->min, k->max);
			return -1;
		}
		return 0;
	case K_BOOL:
		if (parse_bool(v, &b) == -1) {
			snprintf(err, errlen, "%s: expected yes or no",
			    k->name);
			return -1;
		}
		if (k->check != NULL && k->check(b ? "1" : "0", why,
		    sizeof(why)) == -1) {
			snprintf(err, errlen, "%s: %s", k->name, why);
			return -1;
		}
		*(int *)(void *)(base + k->off) = b;
		return 0;
	case K_STR:
		if (len >= k->size) {
			snprintf(err, errlen, "%s: longer than %zu bytes",
			    k->name, k->size - 1);
			return -1;
		}
		if (k->check != NULL && k->check(v, why, sizeof(why)) == -1) {
			snprintf(err, errlen, "%s: %s", k->name, why);
			return -1;
		}
		memcpy(base + k->off, v, len + 1);
		return 0;
	case K_LISTEN:
		if (c->nlisten >= SRVCONF_LISTEN_MAX) {
			snprintf(err, errlen, "listen: more than %d addresses",
			    SRVCONF_LISTEN_MAX);
			return -1;
		}
		if (len >= sizeof(c->listen[0].text) ||
		    parse_addr(v, &c->listen[c->nlisten].family,
		    c->listen[c->nlisten].addr) == -1) {
			snprintf(err, errlen, "listen: not an IPv4 or IPv6 "
			    "address");
			return -1;
		}
		memcpy(c->listen[c->nlisten].text, v, len + 1);
		c->nlisten++;
		return 0;
	case K_ALLOW:
		return add_cidr(c->allow, &c->nallow, k->name, v, err, errlen);
	case K_DALLOW:
		return add_cidr(c->distcc_allow, &c->ndistcc_allow, k->name, v,
		    err, errlen);
	}
	snprintf(err, errlen, "internal: bad key type");
	return -1;
}

/*
 * One line (NUL-terminated, no newline, comment already cut): split,
 * look up, apply.  seen has one flag per key for duplicate detection.
 */
static int
parse_line(struct srvconf *c, char *line, unsigned char seen[NKEYS],
    char *err, size_t errlen)
{
	char	*key, *val, *end;
	size_t	 i;

	key = line + strspn(line, " \t");
	if (*key == '\0')
		return 0;
	end = key + strspn(key, "abcdefghijklmnopqrstuvwxyz0123456789_");
	if (end == key) {
		snprintf(err, errlen, "expected a key (lowercase letters, "
		    "digits, _)");
		return -1;
	}
	val = end + strspn(end, " \t");
	if (*val != '=') {
		snprintf(err, errlen, "expected key = value");
		return -1;
	}
	*end = '\0';
	val++;
	val += strspn(val, " \t");
	end = val + strlen(val);
	while (end > val && (end[-1] == ' ' || end[-1] == '\t'))
		*--end = '\0';
	for (i = 0; i < NKEYS; i++)
		if (strcmp(keys[i].name, key) == 0)
			break;
	if (i == NKEYS) {
		snprintf(err, errlen, "unknown key \"%s\"", key);
		return -1;
	}
	if (*val == '\0') {
		snprintf(err, errlen, "%s: empty value", key);
		return -1;
	}
	if (!disc_utf8_valid(val, strlen(val))) {
		snprintf(err, errlen, "%s: bad UTF-8 or a control character",
		    key);
		return -1;
	}
	if (seen[i] && keys[i].type != K_LISTEN && keys[i].type != K_ALLOW &&
	    keys[i].type != K_DALLOW) {
		snprintf(err, errlen, "%s given twice", key);
		return -1;
	}
	seen[i] = 1;
	return apply(c, &keys[i], val, err, errlen);
}

int
srvconf_parse(struct srvconf *c, const char *text, size_t len, char *err,
    size_t errlen)
{
	struct srvconf	 tmp = *c;
	unsigned char	 seen[NKEYS];
	char		 line[SRVCONF_LINE_MAX + 1], why[256], *hash;
	size_t		 pos = 0, n, lineno = 0;
	const char	*nl;

	memset(seen, 0, sizeof(seen));
	if (len > SRVCONF_FILE_MAX) {
		snprintf(err, errlen, "file larger than %d bytes",
		    SRVCONF_FILE_MAX);
		return -1;
	}
	while (pos < len) {
		lineno++;
		nl = memchr(text + pos, '\n', len - pos);
		n = nl != NULL ? (size_t)(nl - (text + pos)) : len - pos;
		if (n > 0 && text[pos + n - 1] == '\r')
			n--;	/* tolerate CRLF files */
		if (n > SRVCONF_LINE_MAX) {
			snprintf(err, errlen, "line %zu: longer than %d bytes",
			    lineno, SRVCONF_LINE_MAX);
			return -1;
		}
		if (memchr(text + pos, '\0', n) != NULL) {
			snprintf(err, errlen, "line %zu: NUL byte", lineno);
			return -1;
		}
		memcpy(line, text + pos, n);
		line[n] = '\0';
		if ((hash = strchr(line, '#')) != NULL)
			*hash = '\0';
		if (parse_line(&tmp, line, seen, why, sizeof(why)) == -1) {
			snprintf(err, errlen, "line %zu: %s", lineno, why);
			return -1;
		}
		pos += (nl != NULL ? (size_t)(nl - (text + pos)) + 1 : len - pos);
	}
	*c = tmp;
	return 0;
}

int
srvconf_load(struct srvconf *c, const char *path, int must_exist, char *err,
    size_t errlen)
{
	struct stat	 st;
	char		*buf = NULL, why[300];
	ssize_t		 n;
	size_t		 got = 0;
	int		 fd, rc = -1;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		if (errno == ENOENT && !must_exist)
			return 0;
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "%s: not a regular file", path);
		goto fail;
	}
	if (st.st_size > SRVCONF_FILE_MAX) {
		snprintf(err, errlen, "%s: larger than %d bytes", path,
		    SRVCONF_FILE_MAX);
		goto fail;
	}
	if ((buf = malloc(SRVCONF_FILE_MAX + 1)) == NULL) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	/* Read to EOF, not st_size: the file may change under us. */
	while (got <= SRVCONF_FILE_MAX) {
		n = read(fd, buf + got, SRVCONF_FILE_MAX + 1 - got);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			snprintf(err, errlen, "%s: %s", path, strerror(errno));
			goto fail;
		}
		if (n == 0)
			break;
		got += (size_t)n;
	}
	if (srvconf_parse(c, buf, got, why, sizeof(why)) == -1) {
		snprintf(err, errlen, "%s: %s", path, why);
		goto fail;
	}
	rc = 0;
fail:
	free(buf);
	close(fd);
	return rc;
}

static int
prefix_match(const uint8_t *a, const uint8_t *net, unsigned prefix)
{
	unsigned	 full = prefix / 8, rest = prefix % 8;
	uint8_t		 mask;

	if (memcmp(a, net, full) != 0)
		return 0;
	if (rest == 0)
		return 1;
	mask = (uint8_t)(0xff << (8 - rest));
	return (a[full] & mask) == net[full];
}

/* Does addr match one of the n entries of list? */
static int
cidr_match(const struct srvconf_cidr *list, unsigned n, int family,
    const uint8_t *addr)
{
	static const uint8_t v4mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	    0xff, 0xff };
	const uint8_t	*v4 = NULL;
	unsigned	 i;

	if (family == AF_INET)
		v4 = addr;
	else if (family == AF_INET6 && memcmp(addr, v4mapped, 12) == 0)
		v4 = addr + 12;
	for (i = 0; i < n; i++) {
		const struct srvconf_cidr *e = &list[i];

		if (e->family == AF_INET && v4 != NULL &&
		    prefix_match(v4, e->addr, e->prefix))
			return 1;
		if (e->family == AF_INET6 && family == AF_INET6 &&
		    prefix_match(addr, e->addr, e->prefix))
			return 1;
	}
	return 0;
}

int
srvconf_allowed(const struct srvconf *c, int family, const uint8_t *addr)
{
	if (c->nallow == 0)
		return 1;
	return cidr_match(c->allow, c->nallow, family, addr);
}

int
srvconf_distcc_allowed(const struct srvconf *c, int family,
    const uint8_t *addr)
{
	return cidr_match(c->distcc_allow, c->ndistcc_allow, family, addr);
}

void
srvconf_limits(const struct srvconf *c, struct proto_limits *lim)
{
	size_t	 in = (size_t)c->max_input_mb * MIB;
	size_t	 out = (size_t)c->max_output_mb * MIB;
	size_t	 small = 16 * MIB;

	proto_limits_default(lim);
	lim->max_input = in;
	lim->max_input_z = ZSTD_compressBound(in);
	lim->max_output = out;
	lim->max_output_z = ZSTD_compressBound(out);
	if (small > out)
		small = out;
	lim->max_stdout = small;
	lim->max_stderr = small;
	lim->max_deps = small;
}
