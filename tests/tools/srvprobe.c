/*
 * srvprobe.c - a tiny ccpool protocol client for testing ccpoold by hand
 * and from the lab tests.
 *
 *   srvprobe [-H host] [-p port] [-t tcid] [-l lang] [-o obj] [-d deps]
 *            [-n count] [-i identity | --no-cert] [-k fingerprint] [-q]
 *            [mode] file.i [-- compiler args...]
 *
 * Sends file.i (preprocessed source) as one job (or count jobs on one
 * connection) and prints what came back: the refusal, or the status and
 * timings, with the compiler's stderr and stdout passed through; the
 * object goes to -o.  The compiler args default to "gcc -c"; argv[0]
 * names the compiler, and the toolchain id is that compiler's
 * (common/toolchain.h) unless -t gives one.  With -n, per-job wall times
 * and their median are printed.
 *
 * The connection is TLS 1.3 like the agent's, with the identity file
 * given by -i (default: the user's, made on first use) or, with
 * --no-cert, no client certificate at all.  The server's key
 * fingerprint is printed (not with -q); -k makes any other key fail.
 *
 * Modes send a deliberately bad stream and check that the server answers
 * as it must; the exit status is 0 if it did:
 *   --garbage            junk after the hello: refusal "proto"
 *   --truncate           half a job, then EOF: the server closes, no answer
 *   --huge-length        a ZDTI header of 0xffffffff bytes: "toolarge"
 *   --unknown-toolchain  a toolchain id nobody has: "toolchain"
 *   --not-compile        args without -c or -S: "notcompile"
 *   --krb-replay         (with -K) the Kerberos token of a first
 *                        connection, accepted there, sent again on a
 *                        second one: "auth" (bound to another connection)
 *   --krb-no-cb          (with -K) a token without channel binding: "auth"
 *   --offer-bad          an offer (version 2) with a malformed TCID: "proto"
 * Offers (protocol version 2, late binding): --offer offers the job
 * (OFFR TCID LANG SIZE), waits for the server's PULL and then sends it;
 * --offer-drop-before first offers another job and withdraws it (DROP)
 * at once, --offer-drop-after once it is pulled.  Each step is printed
 * ("offered job N", "pulled job N: free F waiting W", "dropped job N",
 * "offer N ended: REASON: MSG") as it happens.  With --unknown-toolchain the offer is what is refused.
 * -K principal authenticates with Kerberos (the caller's ticket cache)
 * after the hello, as the agent does with a server in kerberos mode.
 * Without a mode the exit status is the compiler's exit code, 3 for a
 * refusal, 4 for a connection or protocol failure, 2 for usage.
 */
#include <sys/socket.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <gssapi/gssapi_krb5.h>

#include "common/ident.h"
#include "common/kgss.h"
#include "common/proto.h"
#include "common/proto_msg.h"
#include "common/tls.h"
#include "common/toolchain.h"

#define TIMEOUT_MS	30000

enum mode { M_NORMAL, M_GARBAGE, M_TRUNCATE, M_HUGE, M_UNKNOWN_TC,
    M_NOT_COMPILE, M_KRB_REPLAY, M_KRB_NOCB, M_OFFER_BAD };

/* How a job is offered first (--offer...); OF_NONE: sent at once. */
enum offer_kind { OF_NONE, OF_PLAIN, OF_DROP_BEFORE, OF_DROP_AFTER,
    OF_BAD };
#define DROP_ID		1000	/* the withdrawn offer: job id + this */

struct conn {
	int		 fd;
	SSL		*ssl;
	struct proto_dialect d;
	struct proto_buf in;
};

static void
usage(void)
{
	fprintf(stderr, "usage: srvprobe [-H host] [-p port] [-t tcid] "
	    "[-l lang] [-o obj] [-d deps] [-n count] [-q]\n"
	    "                [-i identity | --no-cert] [-k fingerprint]\n"
	    "                [-K principal [--krb-replay | --krb-no-cb]]\n"
	    "                [--garbage | --truncate | --huge-length | "
	    "--unknown-toolchain |\n                 --not-compile] "
	    "[--offer | --offer-drop-before | --offer-drop-after |\n"
	    "                 --offer-bad] file.i [-- compiler args...]\n");
	exit(2);
}

static double
now_ms(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000.0 + ts.tv_nsec / 1e6;
}

static int
dial(const char *host, const char *port)
{
	struct addrinfo	 hints, *res, *ai;
	int		 fd = -1, rc;

	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_STREAM;
	if ((rc = getaddrinfo(host, port, &hints, &res)) != 0) {
		fprintf(stderr, "srvprobe: %s: %s\n", host, gai_strerror(rc));
		return -1;
	}
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, 0);
		if (fd == -1)
			continue;
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
			break;
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	if (fd == -1)
		fprintf(stderr, "srvprobe: connect %s port %s: %s\n", host,
		    port, strerror(errno));
	return fd;
}

/*
 * TLS over the connected fd: identity idpath ("" for the user's, NULL
 * for none).  Prints the server's key; with want set, any other key is
 * an error.  Returns 0 or -1 (printed).
 */
static int
tls_open(struct conn *c, const char *idpath, const char *want, int quiet)
{
	struct ident	 id;
	struct tls_peer	 p;
	SSL_CTX		*ctx = NULL;
	char		 path[512], err[256];

	memset(&id, 0, sizeof(id));
	if (idpath == NULL) {
		if ((ctx = SSL_CTX_new(TLS_client_method())) != NULL) {
			SSL_CTX_set_min_proto_version(ctx, TLS1_3_VERSION);
			SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
		}
	} else {
		if (idpath[0] == '\0') {
			if (ident_user_path("identity.pem", path, sizeof(path),
			    err, sizeof(err)) == -1)
				goto fail;
			idpath = path;
		}
		if (ident_load_or_make(&id, idpath, "srvprobe", err,
		    sizeof(err)) == -1 || (ctx = tls_ctx_new(TLS_CLIENT, &id,
		    TLS_OPEN, NULL, err, sizeof(err))) == NULL)
			goto fail;
	}
	if (ctx == NULL || (c->ssl = SSL_new(ctx)) == NULL ||
	    SSL_set_fd(c->ssl, c->fd) != 1) {
		snprintf(err, sizeof(err), "out of memory");
		goto fail;
	}
	if (SSL_connect(c->ssl) != 1) {
		snprintf(err, sizeof(err), "TLS handshake failed: %s",
		    ERR_reason_error_string(ERR_get_error()) != NULL ?
		    ERR_reason_error_string(ERR_peek_last_error()) : "closed");
		goto fail;
	}
	(void)tls_peer_check(c->ssl, TLS_OPEN, 1, &p, err, sizeof(err));
	if (!quiet)
		fprintf(stderr, "srvprobe: server key %s\n", p.fp);
	if (want != NULL && strcmp(want, p.fp) != 0) {
		snprintf(err, sizeof(err), "server key %s is not %s", p.fp,
		    want);
		goto fail;
	}
	SSL_CTX_free(ctx);
	ident_clear(&id);
	return 0;
fail:
	fprintf(stderr, "srvprobe: %s\n", err);
	SSL_CTX_free(ctx);
	ident_clear(&id);
	return -1;
}

static int
send_all(struct conn *c, const void *p, size_t len)
{
	const uint8_t	*b = p;
	int		 n;

	while (len > 0) {
		if ((n = SSL_write(c->ssl, b, len > INT_MAX ? INT_MAX :
		    (int)len)) <= 0)
			return -1;
		b += n;
		len -= (size_t)n;
	}
	return 0;
}

/*
 * Read the next frame into *f (data inside c->in, valid until the next
 * call).  Returns 1, 0 on EOF before a frame, -1 on error (printed).
 */
static int
read_frame(struct conn *c, struct proto_frame *f, size_t *used)
{
	char		 err[256];
	uint8_t		 buf[65536];
	struct pollfd	 pfd;
	ssize_t		 n, r;

	proto_buf_consume(&c->in, *used);
	*used = 0;
	for (;;) {
		r = proto_frame_parse(&c->d, c->in.data, c->in.len, f, err,
		    sizeof(err));
		if (r == -1) {
			fprintf(stderr, "srvprobe: bad frame from the server: "
			    "%s\n", err);
			return -1;
		}
		if (r > 0) {
			*used = (size_t)r;
			return 1;
		}
		pfd.fd = c->fd;
		pfd.events = POLLIN;
		if (SSL_pending(c->ssl) == 0 &&
		    (n = poll(&pfd, 1, TIMEOUT_MS)) == 0) {
			fprintf(stderr, "srvprobe: no answer for %d s\n",
			    TIMEOUT_MS / 1000);
			return -1;
		}
		if ((n = SSL_read(c->ssl, buf, sizeof(buf))) <= 0) {
			int e = SSL_get_error(c->ssl, (int)n);

			if (e == SSL_ERROR_WANT_READ)
				continue;
			if (e != SSL_ERROR_ZERO_RETURN &&
			    e != SSL_ERROR_SYSCALL) {
				fprintf(stderr, "srvprobe: TLS read failed\n");
				return -1;
			}
			n = 0;
		}
		if (n == 0) {
			if (c->in.len > 0) {
				fprintf(stderr, "srvprobe: connection closed "
				    "inside a frame\n");
				return -1;
			}
			return 0;
		}
		if (proto_buf_append(&c->in, buf, (size_t)n) == -1)
			return -1;
	}
}

/*
 * Read one answer to job jobid into *res.  Returns 1, 0 on EOF before
 * the answer, -1 on error.  Keepalives are counted in *keeps.
 */
static int
read_answer(struct conn *c, uint32_t jobid, uint32_t want,
    struct proto_result *res, unsigned *keeps)
{
	struct proto_result_reader rr;
	struct proto_frame f;
	size_t		 used = 0;
	char		 err[256];
	int		 rc;

	proto_result_reader_init(&rr, jobid, want, NULL);
	for (;;) {
		if ((rc = read_frame(c, &f, &used)) != 1) {
			proto_result_reader_free(&rr);
			return rc;
		}
		rc = proto_result_feed(&rr, &f, err, sizeof(err));
		if (rc == -1) {
			fprintf(stderr, "srvprobe: bad answer: %s\n", err);
			proto_result_reader_free(&rr);
			return -1;
		}
		if (rc == PROTO_KEEPALIVE)
			(*keeps)++;
		if (rc == PROTO_DONE)
			break;
	}
	proto_buf_consume(&c->in, used);
	proto_result_reader_take(&rr, res);
	proto_result_reader_free(&rr);
	return 1;
}

/* Hello; returns 0, 1 if refused (printed), -1 on error. */
static int
hello(struct conn *c)
{
	struct proto_buf b;
	struct proto_frame f;
	struct proto_result res;
	size_t		 used = 0;
	uint32_t	 v;
	unsigned	 keeps = 0;
	char		 err[256];
	int		 rc;

	proto_buf_init(&b);
	if (proto_hello_encode(&b, PROTO_VERSION) == -1 ||
	    send_all(c, b.data, b.len) == -1) {
		proto_buf_free(&b);
		fprintf(stderr, "srvprobe: sending the hello failed\n");
		return -1;
	}
	proto_buf_free(&b);
	if ((rc = read_frame(c, &f, &used)) != 1) {
		if (rc == 0)
			fprintf(stderr, "srvprobe: closed after the hello\n");
		return -1;
	}
	if (proto_hello_decode(&f, &v, err, sizeof(err)) == 0) {
		proto_buf_consume(&c->in, used);
		if (v != PROTO_VERSION) {
			fprintf(stderr, "srvprobe: server chose version %u\n",
			    v);
			return -1;
		}
		return 0;
	}
	/* Not CCPL: must be a refusal of the hello; parse it from here. */
	proto_result_init(&res);
	if (read_answer(c, 0, 0, &res, &keeps) != 1)
		return -1;
	printf("refused %s: %s\n", proto_reason_name(res.reason), res.msg);
	proto_result_free(&res);
	return 1;
}

/*
 * Kerberos after the hello: a token for princ (bound to c's TLS unless
 * nocb; tok, if not empty, is sent instead of a new one, and a new one
 * is kept in it), then the server's answer.  Returns 0 when mutual
 * authentication completed, 1 if refused (printed), -1 on error.
 */
static int
krb_auth(struct conn *c, const char *princ, int nocb, struct proto_buf *tok)
{
	struct gss_channel_bindings_struct cb;
	gss_buffer_desc	 nb, out = GSS_C_EMPTY_BUFFER, in;
	gss_name_t	 target = GSS_C_NO_NAME;
	gss_ctx_id_t	 ctx = GSS_C_NO_CONTEXT;
	OM_uint32	 maj, min, flags;
	struct proto_buf b;
	struct proto_frame f;
	struct proto_result res;
	uint8_t		 bind[KGSS_CB_LEN], app[KGSS_CB_APPLEN];
	size_t		 used = 0;
	unsigned	 keeps = 0;
	char		 err[256];
	int		 rc = -1;

	nb.value = (void *)(uintptr_t)princ;
	nb.length = strlen(princ);
	if (kgss_tls_binding(c->ssl, bind, err, sizeof(err)) == -1)
		goto fail;
	kgss_bindings(&cb, app, bind);
	maj = gss_import_name(&min, &nb, (gss_OID)GSS_KRB5_NT_PRINCIPAL_NAME,
	    &target);
	if (!GSS_ERROR(maj) && tok->len == 0) {
		maj = gss_init_sec_context(&min, GSS_C_NO_CREDENTIAL, &ctx,
		    target, (gss_OID)gss_mech_krb5, GSS_C_MUTUAL_FLAG, 0,
		    nocb ? GSS_C_NO_CHANNEL_BINDINGS : &cb, GSS_C_NO_BUFFER,
		    NULL, &out, &flags, NULL);
		if (maj == GSS_S_CONTINUE_NEEDED)
			(void)proto_buf_append(tok, out.value, out.length);
	}
	if (GSS_ERROR(maj) || tok->len == 0) {
		kgss_status(maj, min, err, sizeof(err));
		goto fail;
	}
	proto_buf_init(&b);
	if (proto_put_payload(&b, "GSS_", tok->data, tok->len) == -1 ||
	    send_all(c, b.data, b.len) == -1) {
		proto_buf_free(&b);
		snprintf(err, sizeof(err), "sending the token failed");
		goto fail;
	}
	proto_buf_free(&b);
	if (read_frame(c, &f, &used) != 1) {
		snprintf(err, sizeof(err), "no answer to the token");
		goto fail;
	}
	if (strcmp(f.tok, "GSS_") != 0) {	/* a refusal */
		proto_result_init(&res);
		if (read_answer(c, 0, 0, &res, &keeps) != 1) {
			snprintf(err, sizeof(err), "a bad refusal");
			goto fail;
		}
		printf("refused %s: %s\n", proto_reason_name(res.reason),
		    res.msg);
		proto_result_free(&res);
		rc = 1;
		goto out;
	}
	in.value = (void *)(uintptr_t)f.data;
	in.length = f.len;
	gss_release_buffer(&min, &out);
	maj = gss_init_sec_context(&min, GSS_C_NO_CREDENTIAL, &ctx, target,
	    (gss_OID)gss_mech_krb5, GSS_C_MUTUAL_FLAG, 0, nocb ?
	    GSS_C_NO_CHANNEL_BINDINGS : &cb, &in, NULL, &out, &flags, NULL);
	proto_buf_consume(&c->in, used);
	if (maj != GSS_S_COMPLETE) {
		snprintf(err, sizeof(err), "mutual authentication failed");
		goto fail;
	}
	rc = 0;
	goto out;
fail:
	fprintf(stderr, "srvprobe: Kerberos: %s\n", err);
out:
	gss_release_buffer(&min, &out);
	gss_release_name(&min, &target);
	gss_delete_sec_context(&min, &ctx, GSS_C_NO_BUFFER);
	return rc;
}

/* Connect, TLS, hello: 0, or 3 refused, 4 failed (main's codes). */
static int
open_conn(struct conn *c, const char *host, const char *port,
    const char *idpath, const char *wantkey, int quiet)
{
	int	 r;

	if ((c->fd = dial(host, port)) == -1 ||
	    tls_open(c, idpath, wantkey, quiet) == -1)
		return 4;
	if ((r = hello(c)) != 0)
		return r == 1 ? 3 : 4;
	return 0;
}

/*
 * --krb-replay: the token accepted on c, sent again on a new
 * connection.  Exit status: 0 if refused there, 1 if accepted.
 */
static int
krb_replay(struct conn *c, const char *host, const char *port,
    const char *princ, struct proto_buf *tok)
{
	struct conn	 c2;
	int		 rc;

	memset(&c2, 0, sizeof(c2));
	c2.fd = -1;
	c2.d = c->d;
	proto_buf_init(&c2.in);
	if ((rc = open_conn(&c2, host, port, NULL, NULL, 1)) == 0) {
		rc = krb_auth(&c2, princ, 0, tok);
		if (rc == 0)
			printf("the replayed token was accepted\n");
		rc = rc == 1 ? 0 : 1;
	}
	proto_buf_free(&c2.in);
	SSL_free(c2.ssl);
	if (c2.fd != -1)
		close(c2.fd);
	return rc;
}

static int
read_file(const char *path, struct proto_buf *b)
{
	uint8_t	 buf[65536];
	ssize_t	 n;
	int	 fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		if (proto_buf_append(b, buf, (size_t)n) == -1) {
			close(fd);
			return -1;
		}
	close(fd);
	return n == 0 ? 0 : -1;
}

static int
write_file(const char *path, const struct proto_buf *b)
{
	FILE	*f;

	if ((f = fopen(path, "wbe")) == NULL)
		return -1;
	if (b->len > 0 && fwrite(b->data, 1, b->len, f) != b->len) {
		fclose(f);
		return -1;
	}
	return fclose(f);
}

static int
lang_of(const char *name, const char *path)
{
	const char	*dot = strrchr(path, '.');
	int		 l;

	if (name != NULL) {
		for (l = 0; l < PROTO_LANG_COUNT; l++)
			if (strcmp(proto_lang_name((enum proto_lang)l), name)
			    == 0)
				return l;
		return -1;
	}
	if (dot != NULL && strcmp(dot, ".ii") == 0)
		return PROTO_LANG_CXX;
	if (dot != NULL && strcmp(dot, ".mi") == 0)
		return PROTO_LANG_OBJC;
	if (dot != NULL && strcmp(dot, ".mii") == 0)
		return PROTO_LANG_OBJCXX;
	return PROTO_LANG_C;
}

static int
cmp_double(const void *a, const void *b)
{
	double	 x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Where the ZDTI frame starts in an encoded job. */
static size_t
zdti_offset(const struct proto_dialect *d, const struct proto_buf *b)
{
	struct proto_frame f;
	char		 err[128];
	size_t		 off = 0;
	ssize_t		 n;

	while (off < b->len &&
	    (n = proto_frame_parse(d, b->data + off, b->len - off, &f, err,
	    sizeof(err))) > 0) {
		if (strcmp(f.tok, "ZDTI") == 0)
			return off;
		off += (size_t)n;
	}
	return b->len / 2;
}

/* Expected refusal reason of a mode, 0 for none. */
/* Send OFFR for job (as id) or, bad, one with a malformed TCID: 0/-1. */
static int
send_offer(struct conn *c, const struct proto_job *job, uint32_t id, int bad)
{
	struct proto_offer o;
	struct proto_buf b;
	char		 err[256];
	int		 r;

	memset(&o, 0, sizeof(o));
	o.id = id;
	snprintf(o.tcid, sizeof(o.tcid), "%s", job->tcid);
	o.lang = job->lang;
	o.size = (uint32_t)job->src.len;
	proto_buf_init(&b);
	if (bad)
		r = proto_put_value(&b, "OFFR", id) == -1 || proto_put_str(&b,
		    "TCID", "not a toolchain id!") == -1 ? -1 : 0;
	else
		r = proto_offer_encode(&o, &b, err, sizeof(err));
	if (r == 0)
		r = send_all(c, b.data, b.len);
	proto_buf_free(&b);
	if (r == 0 && !bad) {
		printf("offered job %u\n", id);
		fflush(stdout);
	}
	return r;
}

static int
send_drop(struct conn *c, uint32_t id, const char *when)
{
	struct proto_buf b;
	int		 r;

	proto_buf_init(&b);
	r = proto_drop_encode(id, &b) == -1 ? -1 : send_all(c, b.data, b.len);
	proto_buf_free(&b);
	if (r == 0) {
		printf("dropped job %u%s\n", id, when);
		fflush(stdout);
	}
	return r;
}

/*
 * Wait for the PULL of offer id (a PULL of an offer dropped meanwhile is
 * skipped).  1 when pulled (printed), 3 if the offer was refused (*res
 * holds the refusal), -1 on error (printed).
 */
static int
wait_pull(struct conn *c, uint32_t id, struct proto_result *res)
{
	struct proto_frame f;
	struct proto_pull pl;
	size_t		 used = 0;
	unsigned	 keeps = 0;
	char		 err[256];
	int		 st = 0, rc;

	for (;;) {
		if ((rc = read_frame(c, &f, &used)) != 1) {
			if (rc == 0)
				fprintf(stderr, "srvprobe: closed while job "
				    "%u was offered\n", id);
			return -1;
		}
		if (st == 0 && memcmp(f.tok, "RFSE", 4) == 0)	/* reread */
			return read_answer(c, id, 0, res, &keeps) == 1 ? 3 : -1;
		if ((rc = proto_pull_feed(&pl, &st, &f, err, sizeof(err))) ==
		    -1) {
			fprintf(stderr, "srvprobe: offer %u: %s\n", id, err);
			return -1;
		}
		if (rc != PROTO_DONE)
			continue;
		proto_buf_consume(&c->in, used);
		used = 0;
		if (pl.id != id) {
			printf("pull of dropped job %u skipped\n", pl.id);
			continue;
		}
		printf("pulled job %u: free %u waiting %u\n", id,
		    pl.free_slots, pl.waiting);
		fflush(stdout);
		return 1;
	}
}

/*
 * Withdraw offer id (DROP) and wait for its end: the server's refusal
 * (a PULL that crossed the DROP is skipped).  0, or -1 (printed).
 */
static int
drop_offer(struct conn *c, uint32_t id, const char *when,
    struct proto_result *res)
{
	int		 r;

	if (send_drop(c, id, when) == -1)
		return -1;
	while ((r = wait_pull(c, id, res)) == 1)
		;
	if (r != 3)
		return -1;
	printf("offer %u ended: %s: %s\n", id, proto_reason_name(res->reason),
	    res->msg);
	fflush(stdout);
	proto_result_free(res);
	proto_result_init(res);
	return 0;
}

/*
 * Offer job (encoded in enc) as k says, then send it once pulled.
 * 0 when sent (its answer follows), 3 if refused (*res), -1 on error.
 */
static int
offer_flow(struct conn *c, const struct proto_job *job,
    const struct proto_buf *enc, enum offer_kind k, struct proto_result *res)
{
	uint32_t	 other = job->id + DROP_ID;
	int		 r = -1;

	if (k == OF_BAD)
		return send_offer(c, job, job->id, 1);
	if (k == OF_DROP_BEFORE && (send_offer(c, job, other, 0) == -1 ||
	    drop_offer(c, other, "", res) == -1))
		return -1;
	if (k == OF_DROP_AFTER) {
		if (send_offer(c, job, other, 0) == -1 ||
		    (r = wait_pull(c, other, res)) == -1)
			return -1;
		if (r == 3)
			return 3;
		if (drop_offer(c, other, " after its pull", res) == -1)
			return -1;
	}
	if (send_offer(c, job, job->id, 0) == -1 ||
	    (r = wait_pull(c, job->id, res)) != 1)
		return r;
	return send_all(c, enc->data, enc->len);
}

static uint32_t
expected(enum mode m)
{
	switch (m) {
	case M_GARBAGE:
	case M_OFFER_BAD:
		return PROTO_R_PROTO;
	case M_HUGE:
		return PROTO_R_TOOLARGE;
	case M_UNKNOWN_TC:
		return PROTO_R_TOOLCHAIN;
	case M_NOT_COMPILE:
		return PROTO_R_NOTCOMPILE;
	default:
		return 0;
	}
}

int
main(int argc, char *argv[])
{
	static char	*defargs[] = { (char *)"gcc", (char *)"-c", NULL };
	static char	*nocomp[] = { (char *)"gcc", (char *)"-O2", NULL };
	struct conn	 c;
	struct proto_job job;
	struct proto_result res;
	struct proto_buf enc;
	struct tc_info	 ti;
	const char	*host = "127.0.0.1", *port = "3633", *tcid = NULL;
	const char	*langname = NULL, *objpath = NULL, *depspath = NULL;
	const char	*src, *idpath = "", *wantkey = NULL, *krb = NULL;
	struct proto_buf tok;
	char		**cargv = defargs, cwd[PROTO_PATH_MAX], err[256];
	char		 tcbuf[PROTO_TCID_MAX + 1];
	double		*times = NULL, t0;
	enum mode	 mode = M_NORMAL;
	enum offer_kind	 ofk = OF_NONE;
	unsigned	 count = 1, i, keeps = 0;
	int		 a, cargc = 2, lang, quiet = 0, rc = 0, r;
	uint8_t		 junk[64];

	for (a = 1; a < argc && argv[a][0] == '-'; a++) {
		const char *o = argv[a];

		if (strcmp(o, "--garbage") == 0)
			mode = M_GARBAGE;
		else if (strcmp(o, "--truncate") == 0)
			mode = M_TRUNCATE;
		else if (strcmp(o, "--huge-length") == 0)
			mode = M_HUGE;
		else if (strcmp(o, "--unknown-toolchain") == 0)
			mode = M_UNKNOWN_TC;
		else if (strcmp(o, "--not-compile") == 0)
			mode = M_NOT_COMPILE;
		else if (strcmp(o, "--krb-replay") == 0)
			mode = M_KRB_REPLAY;
		else if (strcmp(o, "--krb-no-cb") == 0)
			mode = M_KRB_NOCB;
		else if (strcmp(o, "--offer") == 0)
			ofk = OF_PLAIN;
		else if (strcmp(o, "--offer-drop-before") == 0)
			ofk = OF_DROP_BEFORE;
		else if (strcmp(o, "--offer-drop-after") == 0)
			ofk = OF_DROP_AFTER;
		else if (strcmp(o, "--offer-bad") == 0) {
			mode = M_OFFER_BAD;
			ofk = OF_BAD;
		}
		else if (strcmp(o, "-q") == 0)
			quiet = 1;
		else if (strcmp(o, "--no-cert") == 0)
			idpath = NULL;
		else if (strlen(o) == 2 && strchr("HptlodikK", o[1]) != NULL &&
		    a + 1 < argc) {
			const char *v = argv[++a];

			switch (o[1]) {
			case 'H': host = v; break;
			case 'p': port = v; break;
			case 't': tcid = v; break;
			case 'l': langname = v; break;
			case 'o': objpath = v; break;
			case 'd': depspath = v; break;
			case 'i': idpath = v; break;
			case 'k': wantkey = v; break;
			case 'K': krb = v; break;
			}
		} else if (strcmp(o, "-n") == 0 && a + 1 < argc) {
			count = (unsigned)strtoul(argv[++a], NULL, 10);
			if (count == 0)
				usage();
		} else
			usage();
	}
	if (a >= argc)
		usage();
	src = argv[a++];
	if (a < argc) {
		if (strcmp(argv[a], "--") != 0 || a + 1 >= argc)
			usage();
		cargv = argv + a + 1;
		cargc = argc - a - 1;
	}
	if (mode == M_NOT_COMPILE) {
		cargv = nocomp;
		cargc = 2;
	}
	if ((lang = lang_of(langname, src)) == -1)
		usage();
	if (mode == M_UNKNOWN_TC)
		tcid = "nosuch-1.0-none-000000000000";
	if (tcid == NULL) {
		if (tc_identify(cargv[0], &ti, err, sizeof(err)) == -1) {
			fprintf(stderr, "srvprobe: %s: %s\n", cargv[0], err);
			return 2;
		}
		snprintf(tcbuf, sizeof(tcbuf), "%s", ti.id);
		tcid = tcbuf;
	}
	if (getcwd(cwd, sizeof(cwd)) == NULL)
		snprintf(cwd, sizeof(cwd), "/");

	proto_job_init(&job);
	memset(&c, 0, sizeof(c));
	c.fd = -1;
	proto_buf_init(&c.in);
	proto_buf_init(&enc);
	proto_buf_init(&tok);
	proto_result_init(&res);
	if (read_file(src, &job.src) == -1) {
		fprintf(stderr, "srvprobe: %s: %s\n", src, strerror(errno));
		rc = 2;
		goto out;
	}
	job.tcid = (char *)tcid;
	job.lang = (enum proto_lang)lang;
	job.argc = (uint32_t)cargc;
	job.argv = cargv;
	job.cwd = cwd;
	job.srcname = (char *)src;
	job.want = depspath != NULL ? PROTO_WANT_DEPS : 0;

	rc = 4;
	if ((mode == M_KRB_REPLAY || mode == M_KRB_NOCB) && krb == NULL)
		usage();
	if (proto_dialect_init(&c.d, PROTO_DIALECT_CCPOOL1, NULL, err,
	    sizeof(err)) == -1 || (rc = open_conn(&c, host, port, idpath,
	    wantkey, quiet)) != 0)
		goto out;
	rc = 4;
	if (krb != NULL) {
		r = krb_auth(&c, krb, mode == M_KRB_NOCB, &tok);
		if (mode == M_KRB_NOCB)
			rc = r == 1 ? 0 : 1;
		else if (r != 0)
			rc = r == 1 ? 3 : 4;
		else if (mode == M_KRB_REPLAY)
			rc = krb_replay(&c, host, port, krb, &tok);
		if (r != 0 || mode == M_KRB_NOCB || mode == M_KRB_REPLAY)
			goto out;
	}
	if ((times = calloc(count, sizeof(*times))) == NULL)
		goto out;
	for (i = 0; i < count; i++) {
		job.id = i + 1;
		proto_buf_reset(&enc);
		t0 = now_ms();
		if (proto_job_encode(&job, NULL, PROTO_ZLEVEL, &enc, err,
		    sizeof(err)) == -1) {
			fprintf(stderr, "srvprobe: encode: %s\n", err);
			rc = 4;
			goto out;
		}
		switch (mode) {
		case M_GARBAGE:
			for (r = 0; r < (int)sizeof(junk); r++)
				junk[r] = (uint8_t)(r * 37 + 1);
			r = send_all(&c, junk, sizeof(junk));
			break;
		case M_TRUNCATE:
			r = send_all(&c, enc.data, enc.len / 2);
			if (r == 0)
				r = SSL_shutdown(c.ssl) < 0 ? -1 :
				    shutdown(c.fd, SHUT_WR);
			break;
		case M_HUGE:
			r = send_all(&c, enc.data, zdti_offset(&c.d, &enc));
			if (r == 0)
				r = send_all(&c, "ZDTIffffffff", 12);
			break;
		default:
			proto_result_init(&res);
			r = ofk == OF_NONE ? send_all(&c, enc.data, enc.len) :
			    offer_flow(&c, &job, &enc, ofk, &res);
			break;
		}
		if (r == -1) {
			fprintf(stderr, "srvprobe: send: %s\n",
			    strerror(errno));
			rc = 4;
			goto out;
		}
		if (r == 3)	/* the offer was refused: res has it */
			r = 1;
		else {
			proto_result_free(&res);
			proto_result_init(&res);
			r = read_answer(&c, mode == M_GARBAGE ? 0 : job.id,
			    job.want, &res, &keeps);
		}
		times[i] = now_ms() - t0;
		if (mode == M_TRUNCATE) {
			printf("%s\n", r == 0 ? "closed without an answer, as "
			    "expected" : "unexpected answer");
			rc = r == 0 ? 0 : 1;
			goto out;
		}
		if (r != 1) {
			if (r == 0)
				fprintf(stderr, "srvprobe: connection closed "
				    "without an answer\n");
			rc = mode == M_NORMAL ? 4 : 1;
			goto out;
		}
		if (res.refused) {
			printf("refused %s: %s\n", proto_reason_name(res.reason),
			    res.msg);
			rc = mode == M_NORMAL ? 3 :
			    res.reason == expected(mode) ? 0 : 1;
			goto out;
		}
		if (mode != M_NORMAL) {
			printf("unexpected result, status %#x\n", res.status);
			rc = 1;
			goto out;
		}
		if ((!quiet || i == 0) && res.errout.len > 0)
			fwrite(res.errout.data, 1, res.errout.len, stderr);
		if ((!quiet || i == 0) && res.out.len > 0)
			fwrite(res.out.data, 1, res.out.len, stdout);
		if (!quiet)
			printf("status %#x exit %u object %zu bytes queue %u ms "
			    "compile %u ms total %.1f ms keepalives %u\n",
			    res.status, (res.status >> 8) & 0xff, res.obj.len,
			    res.queue_ms, res.compile_ms, times[i], keeps);
		if (objpath != NULL && res.status == 0 &&
		    write_file(objpath, &res.obj) == -1) {
			fprintf(stderr, "srvprobe: %s: %s\n", objpath,
			    strerror(errno));
			rc = 4;
			goto out;
		}
		if (depspath != NULL && write_file(depspath, &res.deps) ==
		    -1) {
			fprintf(stderr, "srvprobe: %s: %s\n", depspath,
			    strerror(errno));
			rc = 4;
			goto out;
		}
		rc = (res.status & 0x7f) ? 128 + (int)(res.status & 0x7f) :
		    (int)((res.status >> 8) & 0xff);
		proto_result_free(&res);
	}
	if (count > 1) {
		qsort(times, count, sizeof(*times), cmp_double);
		printf("%u jobs: median %.2f ms, min %.2f ms, max %.2f ms\n",
		    count, times[count / 2], times[0], times[count - 1]);
	}
out:
	free(times);
	proto_buf_free(&tok);
	proto_result_free(&res);
	proto_buf_free(&enc);
	proto_buf_free(&job.src);
	proto_buf_free(&c.in);
	SSL_free(c.ssl);
	if (c.fd != -1)
		close(c.fd);
	return rc;
}
