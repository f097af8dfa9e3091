/*
 * adcc.h - the agent's plain distccd hosts (issue 14, "ccpool -> stock
 * distccd"), only with CCPOOL_DISTCC=1.  Such a host comes from a
 * _distcc._tcp advert or a `distcc://host[:port][/slots]` entry of
 * CCPOOL_HOSTS, and takes jobs in distcc protocol 1 (agent/dccproto.h):
 * one TCP connection per job, plaintext and unauthenticated, so the user
 * must opt in.  Its load is not advertised: its slots are counted (jobs=
 * of the advert, /N of the entry, else ADCC_SLOTS), its speed learned
 * from the wall time of its jobs.
 *
 * A job goes to a distccd only for a toolchain it was probed for
 * (adcc_probe.c): the advert's cc_machine and (for gcc) cc_version must
 * not contradict the job's toolchain, and then a tiny probe compiled
 * there with -S under the name the job's compiler has here must come back
 * byte for byte as the same probe compiled here (by the toolchain helper,
 * tchelp.c): version string, target and code generation alike.  Jobs of
 * that toolchain go there under the name probed (distccd runs only
 * compilers with a masquerade link, by name).
 *
 * adcc.c: connections and jobs; adcc_probe.c: the toolchain probes;
 * tcprobe.c: the probe compiled here.  The agent's other files call in
 * through the hooks below (ahost.c, aplace.c, sconn.c, areport.c).
 */
#ifndef CCPOOL_ADCC_H
#define CCPOOL_ADCC_H

#include <stddef.h>
#include <stdint.h>

#include "common/proto.h"

struct agent;
struct ahost;
struct ajob;
struct sconn;
struct disc_distcc_info;

#define ADCC_SLOTS		2	/* slots of a distccd that says none */
#define ADCC_ANSWER_SEC		300	/* a job's answer (distcc's own) */
#define ADCC_PROBES_MAX		8	/* toolchains probed per host */
#define ADCC_NAME_MAX		64	/* compiler name sent */
#define ADCC_REPROBE_MS		30000	/* a failed probe is tried again */

/* One toolchain probed on one distccd. */
struct adcc_probe {
	char		 tcid[PROTO_TCID_MAX + 1];
	char		 name[ADCC_NAME_MAX];	/* compiler name sent */
	enum { ADCC_P_RUNNING, ADCC_P_OK, ADCC_P_BAD } state;
	int		 cxx;			/* probed as C++ */
	char		 hash[65];		/* the probe's -S here */
	char		 why[160];		/* ADCC_P_BAD: printable */
	uint64_t	 t_ms;			/* when it ended */
};

/* What a distccd host has beyond struct ahost. */
struct adcc_host {
	int		 advert;		/* the two below are known */
	char		 cc_machine[64];
	char		 cc_version[32];
	struct adcc_probe p[ADCC_PROBES_MAX];
	unsigned	 np;
};

/* Is CCPOOL_DISTCC=1 set (exactly "1")? */
int	adcc_enabled(void);

/*
 * Make h a distccd host (h->dcc), slots as given (0: ADCC_SLOTS), the
 * advert's facts from info (NULL: none).  Returns 0, or -1 (no memory).
 */
int	adcc_host_init(struct ahost *h, unsigned slots,
	    const struct disc_distcc_info *info);
/* A new advert of distccd host h: its facts and slots again. */
void	adcc_host_advert(struct ahost *h, const struct disc_distcc_info *info);
void	adcc_host_free(struct ahost *h);

/* sconn_send for a distccd host (sconn.c calls it).  Same contract. */
int	adcc_send(struct ahost *h, struct ajob *j, char *err, size_t errlen);
/* sconn_cancel for a distcc connection: closed, the job left alone. */
void	adcc_cancel(struct sconn *sc);
/*
 * sconn_warm for a distccd host: only a probe of a host whose connection
 * died (h->needprobe) opens a TCP connection, closed once connected.
 */
void	adcc_warm(struct ahost *h);

/*
 * Placement's view (aplace.c): 1 when h was probed OK for tcid, else 0;
 * *pending (may be NULL) set when a probe for it still runs.
 */
int	adcc_has_tc(const struct ahost *h, const char *tcid, int *pending);
/*
 * Job j is being placed: probe every distccd host not probed yet for its
 * toolchain (or whose probe failed ADCC_REPROBE_MS ago).
 */
void	adcc_want(struct agent *a, const struct ajob *j);
/*
 * The compiler name to send for job j to h (the probed one), or NULL
 * when h was not probed OK for j's toolchain.
 */
const char *adcc_name(const struct ahost *h, const char *tcid);
/* A probe ended: ok, or not with why (printable). */
typedef void	(*adcc_probe_cb)(struct ahost *h, struct adcc_probe *p,
		    int ok, const char *why);
/*
 * Start the remote half of probe p on h (adcc.c): the probe text sent
 * as a -S compile under p->name; done hears of its end, later, from the
 * event loop.  Returns 0, or -1 with err set (done is not called).
 */
int	adcc_probe_send(struct ahost *h, struct adcc_probe *p,
	    adcc_probe_cb done, char *err, size_t errlen);

/*
 * `ccpool --hosts` of distccd host h: its probed toolchains into tcs and
 * what the user must know (plaintext, unauthenticated; or its last
 * error) into note.  Both printable, no tab.
 */
void	adcc_report(const struct ahost *h, char *tcs, size_t tcslen,
	    char *note, size_t notelen);

/* tcprobe.c: the probe's text, and its -S compiled here. */
/* The probe text (preprocessed C or C++), *len bytes. */
const char *tcprobe_text(int cxx, size_t *len);
/*
 * Compile the probe with the compiler at path (-S, to stdout, as C or
 * as C++ with cxx), with no shell and a bounded time and output; the
 * SHA-256 of the assembly into hex.  Returns 0, or -1 with err set.
 */
int	tcprobe_local(const char *path, int cxx, char hex[65], char *err,
	    size_t errlen);
/* SHA-256 of len bytes at p into hex. */
void	tcprobe_hash(const void *p, size_t len, char hex[65]);

#endif
