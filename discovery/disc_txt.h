/*
 * disc_txt.h - the TXT records of _ccpool._tcp and _distcc._tcp adverts.
 *
 * A typed struct (struct disc_info) is encoded to and decoded from DNS TXT
 * rdata: a sequence of <len><key=value> strings (RFC 6763).  Decoding takes
 * bytes from any host on the LAN, so it is strict: anything malformed is
 * refused whole with a reason, never half-used.  The schema is written down
 * in doc/txt-schema.md.
 */
#ifndef CCPOOL_DISC_TXT_H
#define CCPOOL_DISC_TXT_H

#include <stddef.h>
#include <stdint.h>

#define DISC_SERVICE		"_ccpool._tcp"
#define DISC_DISTCC_SERVICE	"_distcc._tcp"
#define DISC_TXT_SCHEMA		1	/* txtvers= we write */
#define DISC_TXT_MAX		1300	/* largest rdata we accept or emit */
#define DISC_CLUSTER_MAX	64	/* bytes incl. NUL */
#define DISC_FPR_MAX		72	/* "sha256:" + 64 hex + NUL */
#define DISC_TC_MAX		16	/* toolchain ids per advert */
#define DISC_TC_LEN		96	/* bytes per toolchain id incl. NUL */
#define DISC_SEC_MAX		8	/* security mode incl. NUL */
#define DISC_KRB_MAX		256	/* a Kerberos principal incl. NUL */
#define DISC_LIMIT_CPUS		4096	/* absurd beyond this */
#define DISC_LIMIT_MEM_MB	(1u << 24)	/* 16 TiB */
#define DISC_LIMIT_SPEED	1000000	/* KiB/s: absurd beyond this */

/* What a ccpoold says about itself. */
struct disc_info {
	unsigned	 schema;	/* txtvers */
	unsigned	 proto;		/* wire protocol version */
	char		 cluster[DISC_CLUSTER_MAX];
	char		 fingerprint[DISC_FPR_MAX];	/* "" until known */
	unsigned	 cpus;
	unsigned	 slots;		/* job slots offered */
	unsigned	 free_slots;	/* <= slots */
	unsigned	 queue;		/* jobs it queues beyond its slots */
	unsigned	 load;		/* foreign load, percent of machine */
	unsigned	 mem_free_mb;
	unsigned	 ntc;
	char		 tc[DISC_TC_MAX][DISC_TC_LEN];	/* toolchain ids */
	char		 security[DISC_SEC_MAX];	/* "open", "site", "krb5" */
	char		 principal[DISC_KRB_MAX];	/* krb5: the service */
	unsigned	 status_port;	/* 0: none */
	unsigned	 speed;		/* KiB of preprocessed source one CPU
					 * compiles per second, as measured;
					 * 0: not measured yet (no key) */
};

/* What a stock distccd --zeroconf (or our compatible listener) says. */
struct disc_distcc_info {
	unsigned	 cpus;
	unsigned	 jobs;
	char		 version[32];	/* distcc= */
	char		 gnuhost[64];	/* e.g. x86_64-linux-gnu */
	char		 cc_version[32];
	char		 cc_machine[64];
};

/*
 * Encode info as TXT rdata into buf (cap bytes).  Returns the rdata length,
 * or -1 if info is invalid or does not fit (err says why).
 */
int	disc_txt_encode(const struct disc_info *info, uint8_t *buf, size_t cap,
	    char *err, size_t errlen);

/*
 * Decode untrusted TXT rdata.  Returns 0 and fills *info, or -1 with err
 * saying why (oversized, malformed string, duplicate key, bad number,
 * bad UTF-8, missing key...).  *info is unspecified on failure.
 */
int	disc_txt_decode(const uint8_t *buf, size_t len, struct disc_info *info,
	    char *err, size_t errlen);

/* The same pair for distcc's TXT keys (txtvers cpus jobs distcc gnuhost
 * cc_version cc_machine).  Decoding tolerates missing keys (stock distccd
 * versions differ) but not malformed ones. */
int	disc_txt_encode_distcc(const struct disc_distcc_info *info,
	    uint8_t *buf, size_t cap, char *err, size_t errlen);
int	disc_txt_decode_distcc(const uint8_t *buf, size_t len,
	    struct disc_distcc_info *info, char *err, size_t errlen);

/*
 * Whether two adverts differ enough to be worth re-publishing: slots, free
 * slots, toolchains, identity, mode or port changed, load moved by 10
 * points or more, free memory by 10% or more.
 */
int	disc_info_meaningful_change(const struct disc_info *a,
	    const struct disc_info *b);

/* Check a string is valid UTF-8 with no control characters. */
int	disc_utf8_valid(const char *s, size_t len);

#endif
