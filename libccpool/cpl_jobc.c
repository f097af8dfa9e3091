/*
 * cpl_jobc.c - the monitor's client of the user's agent: every
 * interval, connect to the agent's socket (found as the wrapper finds
 * it: common/sockdir.c, common/spawn.c, the same environment), send
 * JOBS 1, read the answer (cpl_jobs_parse), close.  Non-blocking, driven
 * by the caller's AvahiPoll: one timer (the next ask, or the answer's
 * deadline) and one watch (the socket while an answer comes).  It never
 * starts the agent and never creates its directory.  Start reading at
 * on_timer().
 */
#include <sys/socket.h>
#include <sys/un.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <avahi-common/timeval.h>

#include "common/mono.h"
#include "common/proto.h"
#include "common/sockdir.h"
#include "common/spawn.h"
#include "libccpool/cpl.h"

struct cpl_jobc {
	const AvahiPoll		*api;
	unsigned		 interval_ms;
	cpl_jobc_cb		 cb;
	void			*arg;
	AvahiTimeout		*timer;
	AvahiWatch		*watch;		/* while an answer comes */
	int			 fd;		/* -1: none in flight */
	struct proto_buf	 in;
	int			 have;		/* jobs holds an answer */
	struct ccpool_jobs	 jobs;
	char			 err[CPL_ERR_MAX];	/* "": none */
};

static void	on_readable(AvahiWatch *w, int fd, AvahiWatchEvent ev,
		    void *arg);

static void
arm(struct cpl_jobc *c, unsigned ms)
{
	struct timeval	 tv;

	c->api->timeout_update(c->timer, avahi_elapse_time(&tv, ms, 0));
}

/* The ask is over: got (an answer, taken) or err; tell, wait. */
static void
finish(struct cpl_jobc *c, struct ccpool_jobs *got, const char *err)
{
	if (c->watch != NULL)
		c->api->watch_free(c->watch);
	c->watch = NULL;
	if (c->fd != -1)
		close(c->fd);
	c->fd = -1;
	proto_buf_free(&c->in);
	cpl_jobs_clear(&c->jobs);
	c->have = got != NULL;
	if (got != NULL) {
		c->jobs = *got;
		c->jobs.when = mono_ms();
		c->err[0] = '\0';
	} else
		snprintf(c->err, sizeof(c->err), "%s", err);
	arm(c, c->interval_ms);
	c->cb(c->have ? &c->jobs : NULL, c->have ? NULL : c->err, c->arg);
}

/*
 * Connect to the agent's socket, if it runs.  Returns the socket, or -1
 * with err set (CPL_JOBS_NOT_RUNNING when nothing is there).
 */
static int
dial(char *err, size_t errlen)
{
	struct sockaddr_un sun;
	struct ucred	 cred;
	socklen_t	 cl = sizeof(cred);
	char		 dir[256], tag[SPAWN_TAG_MAX], why[200];
	int		 s;

	if (sockdir_locate(getenv("XDG_RUNTIME_DIR"), "/tmp", getuid(), dir,
	    sizeof(dir), why, sizeof(why)) == -1) {
		snprintf(err, errlen, "%s", errno == ENOENT ?
		    CPL_JOBS_NOT_RUNNING : why);
		return -1;
	}
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (spawn_tag(tag, why, sizeof(why)) == -1 ||
	    spawn_path(sun.sun_path, sizeof(sun.sun_path), dir, tag,
	    "sock") == -1) {
		snprintf(err, errlen, "the agent's socket: %s", why);
		return -1;
	}
	if ((s = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0)) == -1) {
		snprintf(err, errlen, "socket: %s", strerror(errno));
		return -1;
	}
	if (connect(s, (struct sockaddr *)&sun, sizeof(sun)) == -1) {
		snprintf(err, errlen, "%s", errno == ENOENT ||
		    errno == ECONNREFUSED ? CPL_JOBS_NOT_RUNNING :
		    strerror(errno));
		close(s);
		return -1;
	}
	/* the directory is the user's; the peer must be too */
	if (getsockopt(s, SOL_SOCKET, SO_PEERCRED, &cred, &cl) == -1 ||
	    cred.uid != getuid()) {
		snprintf(err, errlen, "the agent's socket is not the user's");
		close(s);
		return -1;
	}
	return s;
}

/* Start an ask: connect, send JOBS 1, watch for the answer. */
static void
ask(struct cpl_jobc *c)
{
	struct proto_buf b;
	char		 err[CPL_ERR_MAX];
	ssize_t		 n;

	if ((c->fd = dial(err, sizeof(err))) == -1) {
		finish(c, NULL, err);
		return;
	}
	proto_buf_init(&b);
	if (proto_put_value(&b, "JOBS", 1) == -1) {
		proto_buf_free(&b);
		finish(c, NULL, "out of memory");
		return;
	}
	/* 12 bytes on a fresh local socket: all go, or it is broken */
	n = send(c->fd, b.data, b.len, MSG_NOSIGNAL);
	proto_buf_free(&b);
	if (n != PROTO_HDRLEN) {
		snprintf(err, sizeof(err), "the agent: %s", n == -1 ?
		    strerror(errno) : "short write");
		finish(c, NULL, err);
		return;
	}
	if ((c->watch = c->api->watch_new(c->api, c->fd, AVAHI_WATCH_IN,
	    on_readable, c)) == NULL) {
		finish(c, NULL, "out of memory");
		return;
	}
	arm(c, CPL_JOBS_TIMEOUT_MS);
}

static void
on_timer(AvahiTimeout *t, void *arg)
{
	struct cpl_jobc	*c = arg;

	c->api->timeout_update(t, NULL);
	if (c->fd == -1)
		ask(c);
	else
		finish(c, NULL, "the agent did not answer in time");
}

/* Read what came; parse once the agent closes or a whole answer is in. */
static void
on_readable(AvahiWatch *w, int fd, AvahiWatchEvent ev, void *arg)
{
	struct cpl_jobc	*c = arg;
	struct ccpool_jobs got;
	char		 err[CPL_ERR_MAX], why[CPL_ERR_MAX - 32];
	ssize_t		 n;
	int		 rc;

	(void)w;
	(void)ev;
	if (proto_buf_reserve(&c->in, 65536) == -1) {
		finish(c, NULL, "out of memory");
		return;
	}
	n = read(fd, c->in.data + c->in.len, 65536);
	if (n == -1 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n == -1) {
		snprintf(err, sizeof(err), "the agent: %s", strerror(errno));
		finish(c, NULL, err);
		return;
	}
	c->in.len += (size_t)n;
	if (c->in.len > CPL_JOBS_MAX_BYTES) {
		finish(c, NULL, "the agent's answer is too long");
		return;
	}
	rc = cpl_jobs_parse(c->in.data, c->in.len, &got, why, sizeof(why));
	if (rc == 1)
		finish(c, &got, NULL);
	else if (rc == -1 || n == 0) {
		snprintf(err, sizeof(err), "the agent's answer: %s", rc == -1 ?
		    why : "cut short (an agent without JOBS?)");
		finish(c, NULL, err);
	}
}

struct cpl_jobc *
cpl_jobc_new(const AvahiPoll *api, unsigned interval_ms, cpl_jobc_cb cb,
    void *arg)
{
	struct cpl_jobc	*c;
	struct timeval	 tv;

	if ((c = calloc(1, sizeof(*c))) == NULL)
		return NULL;
	c->api = api;
	c->interval_ms = interval_ms;
	c->cb = cb;
	c->arg = arg;
	c->fd = -1;
	snprintf(c->err, sizeof(c->err), "not asked yet");
	proto_buf_init(&c->in);
	if ((c->timer = api->timeout_new(api, avahi_elapse_time(&tv, 0, 0),
	    on_timer, c)) == NULL) {
		free(c);
		return NULL;
	}
	return c;
}

void
cpl_jobc_free(struct cpl_jobc *c)
{
	if (c == NULL)
		return;
	if (c->watch != NULL)
		c->api->watch_free(c->watch);
	if (c->fd != -1)
		close(c->fd);
	c->api->timeout_free(c->timer);
	proto_buf_free(&c->in);
	cpl_jobs_clear(&c->jobs);
	free(c);
}

const struct ccpool_jobs *
cpl_jobc_jobs(const struct cpl_jobc *c)
{
	return c != NULL && c->have ? &c->jobs : NULL;
}

const char *
cpl_jobc_error(const struct cpl_jobc *c)
{
	if (c == NULL)
		return "not asked: opts.jobs is 0";
	return c->err[0] != '\0' ? c->err : NULL;
}
