/*
 * fuzz_dnsans.c - fuzz harness for what turns DNS answers into hosts
 * (discovery/dns_ans.c, over ldns's packet parser).
 *
 * The first input byte picks the asked name, the rest is the answer
 * packet, given to every dns_ans_* function.  A refusal must come with a
 * terminated reason; whatever is accepted must keep every bound: counts,
 * terminated names under DNS_NAME_STR, instance labels of printable
 * UTF-8, TXT rdata that is a well-formed string sequence within its
 * buffer, numeric addresses.  The TXT then goes through the mDNS decoders
 * as the browser does.  Any violation aborts.
 */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "discovery/dns_ans.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static const char *const qnames[] = {
	"_ccpool._tcp.lab.example", "h1._ccpool._tcp.lab.example",
	"h1.lab.example", "b._dns-sd._udp.lab.example", "x.example.",
	"My\\032Server._ccpool._tcp.lab.example",
};

static void
check_err(int r, const char *err, size_t len)
{
	if (r == -1 && memchr(err, '\0', len) == NULL)
		abort();
	if (r != 0 && r != -1)
		abort();
}

static void
check_name(const char *s)
{
	if (memchr(s, '\0', DNS_NAME_STR) == NULL)
		abort();
}

static void
fuzz_ptr(const uint8_t *p, size_t n, const char *q)
{
	static struct dns_ptr	 out[DNS_PTR_MAX];
	char			 err[128];
	unsigned		 cnt, i;
	uint32_t		 ttl;
	int			 r;

	r = dns_ans_ptr(p, n, q, out, DNS_PTR_MAX, &cnt, &ttl, err,
	    sizeof(err));
	check_err(r, err, sizeof(err));
	if (r == -1)
		return;
	if (cnt > DNS_PTR_MAX)
		abort();
	for (i = 0; i < cnt; i++) {
		size_t l;

		check_name(out[i].target);
		if (memchr(out[i].label, '\0', DISC_NAME_MAX) == NULL)
			abort();
		l = strlen(out[i].label);
		if (l > 0 && !disc_utf8_valid(out[i].label, l))
			abort();
	}
}

static void
fuzz_txt(const uint8_t *p, size_t n, const char *q)
{
	static uint8_t		 buf[DISC_TXT_MAX];
	struct disc_info	 info;
	struct disc_distcc_info	 dinfo;
	char			 err[128];
	unsigned		 cnt;
	uint32_t		 ttl;
	size_t			 rlen, i;
	int			 r;

	r = dns_ans_txt(p, n, q, buf, sizeof(buf), &rlen, &cnt, &ttl, err,
	    sizeof(err));
	check_err(r, err, sizeof(err));
	if (r == -1 || cnt == 0)
		return;
	if (cnt != 1 || rlen > sizeof(buf))
		abort();
	for (i = 0; i < rlen; i += 1 + (size_t)buf[i])
		;
	if (i != rlen)
		abort();	/* not a whole number of strings */
	check_err(disc_txt_decode(buf, rlen, &info, err, sizeof(err)), err,
	    sizeof(err));
	check_err(disc_txt_decode_distcc(buf, rlen, &dinfo, err,
	    sizeof(err)), err, sizeof(err));
}

static void
fuzz_srv_addr(const uint8_t *p, size_t n, const char *q)
{
	static char		 target[DNS_NAME_STR];
	struct disc_addr	 a;
	unsigned char		 bin[16];
	char			 err[128];
	unsigned		 cnt;
	uint16_t		 port;
	uint32_t		 ttl;
	int			 r, f;

	r = dns_ans_srv(p, n, q, target, &port, &cnt, &ttl, err, sizeof(err));
	check_err(r, err, sizeof(err));
	if (r == 0 && cnt > 1)
		abort();
	if (r == 0 && cnt == 1)
		check_name(target);
	for (f = 0; f < 2; f++) {
		int fam = f == 0 ? AF_INET : AF_INET6;

		r = dns_ans_addr(p, n, q, fam, &a, &cnt, &ttl, err,
		    sizeof(err));
		check_err(r, err, sizeof(err));
		if (r == 0 && cnt == 1 && (a.family != fam ||
		    inet_pton(fam, a.text, bin) != 1))
			abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char	*q;

	if (size < 1)
		return 0;
	q = qnames[data[0] % (sizeof(qnames) / sizeof(qnames[0]))];
	fuzz_ptr(data + 1, size - 1, q);
	fuzz_txt(data + 1, size - 1, q);
	fuzz_srv_addr(data + 1, size - 1, q);
	return 0;
}
