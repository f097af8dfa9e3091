/*
 * top.c - ccpool-top (`ccpool top`): the cluster in a terminal.  One
 * libevent loop drives libccpool (through ccpool_evpoll), a timer that
 * redraws once per delay, stdin for keys and SIGWINCH for the size; it
 * never blocks.  Each frame copies the monitor into a snapshot
 * (topsnap.c) and draws it (topcurses.c), or prints it as text or JSON
 * (--once, --json: topmodel.c, topjson.c) after a settle time for
 * discovery.  Links libccpool.so through its public header only.
 * Start reading at main(), then on_tick().
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>
#include <ccpool.h>

#include "top/top.h"
#include "top/topcurses.h"
#include "top/topsnap.h"

enum top_mode { MODE_SCREEN, MODE_TEXT, MODE_JSON };

struct top {
	enum top_mode	 mode;
	enum top_sort	 sort;
	double		 settle, delay;	/* seconds */
	long		 count;		/* frames left (text, json); 0: no end */
	const char	*cluster;
	struct event_base *base;
	const AvahiPoll	*api;
	struct ccpool_mon *mon;		/* NULL until avahi-daemon is reached */
	struct top_snap	*snap;
	struct event	*tick;
	int		 rc;
};

static void
usage(void)
{
	printf(
"usage: ccpool-top [--once | --json] [-c cluster] [-d delay] [-n count]\n"
"                  [-s name|busy|free] [-w settle]\n"
"       ccpool-top --help | --version    (also: ccpool top ...)\n"
"  --once        print one frame as text (no curses) and exit\n"
"  --json        print one frame as JSON and exit\n"
"  -c cluster    ccpool hosts of this cluster only\n"
"  -d seconds    between two frames (default 1)\n"
"  -n count      with --once or --json: frames to print (0: no end)\n"
"  -s order      hosts by name, busy (slots in use) or free slots\n"
"  -w seconds    with --once or --json: discovery time before the first\n"
"                frame (default 2)\n"
"  --help, -h    this text\n"
"  --version     ccpool-top's version\n"
"Keys: q quits, s changes the order.  See ccpool-top(1).\n");
}

/* A usage error: why, then where to read more; the caller exits 2. */
static int
usage_err(const char *why, const char *arg)
{
	if (why != NULL)
		fprintf(stderr, "ccpool-top: %s%s%s\n", why, arg ? ": " : "",
		    arg ? arg : "");
	fprintf(stderr, "Try 'ccpool-top --help' for more information.\n");
	return 2;
}

static struct timeval
tv_of(double s)
{
	struct timeval	 tv;

	tv.tv_sec = (time_t)s;
	tv.tv_usec = (suseconds_t)((s - floor(s)) * 1e6);
	return tv;
}

/* One frame to stdout; 0, or -1 when stdout is gone. */
static int
print_frame(struct top *t)
{
	struct top_line	*l;
	size_t		 i, n, max;
	char		*js;

	if (t->mode == MODE_JSON) {
		if ((js = top_json(t->snap)) == NULL)
			return -1;
		printf("%s\n", js);
		free(js);
	} else {
		max = 16 + TOP_JOB_MAX;
		for (i = 0; i < t->snap->nhost; i++)
			max += 2 + t->snap->host[i].nslot;
		if ((l = calloc(max, sizeof(*l))) == NULL)
			return -1;
		n = top_render(t->snap, l, max, 0, 0, t->sort);
		for (i = 0; i < n; i++)
			printf("%s\n", l[i].text);
		free(l);
		if (t->count != 1)
			printf("\n");
	}
	return fflush(stdout) == EOF ? -1 : 0;
}

/*
 * The monitor: jobs and status pages on, surviving avahi-daemon's
 * restarts.  Without even the D-Bus system bus it cannot start: the
 * reason goes to the snapshot, and each frame tries again.
 */
static void
top_mon(struct top *t)
{
	struct ccpool_mon_opts o;

	ccpool_mon_opts_init(&o);
	o.cluster = t->cluster;
	o.no_fail = 1;
	t->mon = ccpool_mon_new(t->api, &o, NULL, NULL, t->snap->avahi_error,
	    sizeof(t->snap->avahi_error));
}

static void
on_tick(evutil_socket_t fd, short what, void *arg)
{
	struct top	*t = arg;
	struct timeval	 tv = tv_of(t->delay);
	int		 r;

	(void)fd;
	(void)what;
	if (t->mon == NULL)
		top_mon(t);
	if (top_snap_fill(t->snap, t->mon) == -1) {
		t->rc = 1;
		event_base_loopbreak(t->base);
		return;
	}
	top_snap_sort(t->snap, t->sort);
	if (t->mode == MODE_SCREEN)
		r = top_curses_draw(t->snap, t->sort);
	else
		r = print_frame(t);
	if (r == -1 || (t->mode != MODE_SCREEN && t->count == 1)) {
		/* the exit status of a script's one frame: avahi reached */
		t->rc = r == -1 || !t->snap->running;
		event_base_loopbreak(t->base);
		return;
	}
	if (t->count > 1)
		t->count--;
	evtimer_add(t->tick, &tv);
}

static void
on_key(evutil_socket_t fd, short what, void *arg)
{
	struct top	*t = arg;
	struct timeval	 now = { 0, 0 };

	(void)fd;
	(void)what;
	switch (top_curses_key()) {
	case TOP_KEY_QUIT:
		event_base_loopbreak(t->base);
		return;
	case TOP_KEY_SORT:
		t->sort = (t->sort + 1) % TOP_SORT_N;
		break;
	case TOP_KEY_REDRAW:
		break;
	default:
		return;
	}
	evtimer_add(t->tick, &now);	/* at once, then every delay again */
}

static void
on_signal(evutil_socket_t sig, short what, void *arg)
{
	struct top	*t = arg;
	struct timeval	 now = { 0, 0 };

	(void)what;
	if (sig == SIGWINCH) {
		top_curses_resize();
		evtimer_add(t->tick, &now);
		return;
	}
	event_base_loopbreak(t->base);
}

static int
parse_seconds(const char *s, double *v)
{
	char		*end;

	errno = 0;
	*v = strtod(s, &end);
	return errno == 0 && end != s && *end == '\0' && *v >= 0 &&
	    *v <= 3600 ? 0 : -1;
}

/* Options into t; an exit status, or -1 to run. */
static int
top_args(struct top *t, int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "json", no_argument, NULL, 'J' },
		{ "once", no_argument, NULL, 'O' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	char		*end;
	int		 ch;

	while ((ch = getopt_long(argc, argv, "c:d:hn:s:w:", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'c':
			t->cluster = optarg;
			break;
		case 'd':
			if (parse_seconds(optarg, &t->delay) == -1 ||
			    t->delay < 0.1)
				goto bad;
			break;
		case 'h':
			usage();
			return 0;
		case 'J':
		case 'O':
			t->mode = ch == 'J' ? MODE_JSON : MODE_TEXT;
			break;
		case 'n':
			errno = 0;
			t->count = strtol(optarg, &end, 10);
			if (errno != 0 || *end != '\0' || t->count < 0)
				goto bad;
			break;
		case 's':
			for (t->sort = 0; t->sort < TOP_SORT_N; t->sort++)
				if (strcmp(optarg, top_sort_name(t->sort)) == 0)
					break;
			if (t->sort == TOP_SORT_N)
				goto bad;
			break;
		case 'V':
			printf("ccpool-top %s\n", VERSION);
			return 0;
		case 'w':
			if (parse_seconds(optarg, &t->settle) == -1)
				goto bad;
			break;
		default:
			return usage_err(NULL, NULL);	/* getopt said why */
		}
	}
	if (optind == argc)
		return -1;
	return usage_err("no operands", argv[optind]);
bad: {
	char	 why[32];

	snprintf(why, sizeof(why), "-%c: bad value", ch);
	return usage_err(why, optarg);
}
}

/* The loop's events; the first frame after first seconds. */
static int
top_events(struct top *t, struct event **ev, double first)
{
	struct timeval	 tv = tv_of(first);
	int		 sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGWINCH }, i;

	if ((t->tick = evtimer_new(t->base, on_tick, t)) == NULL)
		return -1;
	for (i = 0; i < 4; i++)
		if ((ev[i] = evsignal_new(t->base, sigs[i], on_signal,
		    t)) == NULL || evsignal_add(ev[i], NULL) == -1)
			return -1;
	if (t->mode == MODE_SCREEN && ((ev[4] = event_new(t->base,
	    STDIN_FILENO, EV_READ | EV_PERSIST, on_key, t)) == NULL ||
	    event_add(ev[4], NULL) == -1))
		return -1;
	return evtimer_add(t->tick, &tv);
}

int
main(int argc, char *argv[])
{
	struct top	 t;
	struct ccpool_evpoll *ep = NULL;
	struct event	*ev[5] = { NULL };
	int		 rc, i;

	memset(&t, 0, sizeof(t));
	t.settle = 2;
	t.delay = 1;
	t.count = 1;
	t.rc = 1;
	if ((rc = top_args(&t, argc, argv)) != -1)
		return rc;
	signal(SIGPIPE, SIG_IGN);
	if (t.mode == MODE_SCREEN && !isatty(STDOUT_FILENO)) {
		fprintf(stderr, "ccpool-top: not a terminal (--once or "
		    "--json print a frame)\n");
		return 1;
	}
	if ((t.base = event_base_new()) == NULL ||
	    (ep = ccpool_evpoll_new(t.base)) == NULL ||
	    (t.snap = top_snap_new()) == NULL) {
		fprintf(stderr, "ccpool-top: out of memory\n");
		return 1;
	}
	t.api = ccpool_evpoll_get(ep);
	top_mon(&t);
	if (t.mode == MODE_SCREEN && top_curses_start() == -1) {
		fprintf(stderr, "ccpool-top: cannot use the terminal\n");
		goto done;
	}
	if (top_events(&t, ev, t.mode == MODE_SCREEN ? 0 : t.settle) == -1) {
		top_curses_end();
		fprintf(stderr, "ccpool-top: cannot set up the event loop\n");
		goto done;
	}
	t.rc = 0;
	event_base_dispatch(t.base);
	top_curses_end();
done:
	for (i = 0; i < 5; i++)
		if (ev[i] != NULL)
			event_free(ev[i]);
	if (t.tick != NULL)
		event_free(t.tick);
	ccpool_mon_free(t.mon);
	top_snap_free(t.snap);
	ccpool_evpoll_free(ep);
	event_base_free(t.base);
	return t.rc;
}
