/*
 * test_disc_poll.c - the AvahiPoll adapter against the contract of
 * avahi-common/watch.h: events reported through watch_get_events() during
 * the callback, NULL timeout = disabled, past timeout = now, update and
 * free from inside callbacks.
 */
#include <unistd.h>

#include <CUnit/CUnit.h>
#include <event2/event.h>

#include "discovery/disc_poll.c"

static struct event_base *tb;
static struct disc_poll *tp;
static const AvahiPoll *api;
static int	 calls;
static AvahiWatchEvent seen;

static int
setup(void)
{
	tb = event_base_new();
	tp = disc_poll_new(tb);
	api = disc_poll_get(tp);
	calls = 0;
	seen = 0;
	return tb == NULL || tp == NULL;
}

static int
teardown(void)
{
	disc_poll_free(tp);
	event_base_free(tb);
	return 0;
}

/* Run the loop for at most ms milliseconds. */
static void
run_for(int ms)
{
	struct timeval	 tv = { ms / 1000, (ms % 1000) * 1000 };

	event_base_loopexit(tb, &tv);
	event_base_dispatch(tb);
}

/*
 * Run the loop until calls reaches want, for at most 10 s: a busy
 * machine may not run us for a while, so a positive wait is on the
 * event, never on a fixed time.
 */
static void
run_until(int want)
{
	int	 i;

	for (i = 0; i < 1000 && calls < want; i++)
		run_for(10);
}

static void
on_watch(AvahiWatch *w, int fd, AvahiWatchEvent ev, void *arg)
{
	char	 c;

	(void)arg;
	calls++;
	seen = api->watch_get_events(w);
	CU_ASSERT_EQUAL(seen, ev);
	if (ev & AVAHI_WATCH_IN)
		CU_ASSERT_EQUAL(read(fd, &c, 1), 1);
}

static void
test_watch_in(void)
{
	int	 fds[2];
	AvahiWatch *w;

	setup();
	CU_ASSERT_FATAL(pipe(fds) == 0);
	w = api->watch_new(api, fds[0], AVAHI_WATCH_IN, on_watch, NULL);
	CU_ASSERT_FATAL(w != NULL);
	run_for(20);
	CU_ASSERT_EQUAL(calls, 0);	/* nothing to read yet */
	CU_ASSERT_EQUAL(write(fds[1], "x", 1), 1);
	run_until(1);
	CU_ASSERT_EQUAL(calls, 1);
	CU_ASSERT_EQUAL(seen, AVAHI_WATCH_IN);
	api->watch_free(w);
	close(fds[0]);
	close(fds[1]);
	teardown();
}

static void
test_watch_update(void)
{
	int	 fds[2];
	AvahiWatch *w;

	setup();
	CU_ASSERT_FATAL(pipe(fds) == 0);
	CU_ASSERT_EQUAL(write(fds[1], "xy", 2), 2);
	w = api->watch_new(api, fds[0], 0, on_watch, NULL);
	CU_ASSERT_FATAL(w != NULL);
	run_for(20);
	CU_ASSERT_EQUAL(calls, 0);	/* no events wanted */
	api->watch_update(w, AVAHI_WATCH_IN);
	run_until(2);
	CU_ASSERT_EQUAL(calls, 2);	/* persistent: both bytes */
	api->watch_update(w, AVAHI_WATCH_OUT);	/* a pipe's read end */
	CU_ASSERT_EQUAL(write(fds[1], "z", 1), 1);
	calls = 0;
	run_for(20);
	CU_ASSERT_EQUAL(calls, 0);
	api->watch_free(w);
	close(fds[0]);
	close(fds[1]);
	teardown();
}

static void
on_watch_free_self(AvahiWatch *w, int fd, AvahiWatchEvent ev, void *arg)
{
	(void)fd;
	(void)ev;
	(void)arg;
	calls++;
	api->watch_free(w);
}

static void
test_watch_free_in_callback(void)
{
	int	 fds[2];

	setup();
	CU_ASSERT_FATAL(pipe(fds) == 0);
	CU_ASSERT_EQUAL(write(fds[1], "x", 1), 1);
	CU_ASSERT_FATAL(api->watch_new(api, fds[1], AVAHI_WATCH_OUT,
	    on_watch_free_self, NULL) != NULL);
	run_until(1);
	run_for(20);
	CU_ASSERT_EQUAL(calls, 1);	/* freed: never again */
	close(fds[0]);
	close(fds[1]);
	teardown();
}

static void
on_timeout(AvahiTimeout *t, void *arg)
{
	(void)t;
	(void)arg;
	calls++;
}

static void
abs_in(struct timeval *tv, int ms)
{
	struct timeval	 d = { ms / 1000, (ms % 1000) * 1000 };

	gettimeofday(tv, NULL);
	timeradd(tv, &d, tv);
}

static void
test_timeout_null_disabled(void)
{
	AvahiTimeout *t;
	struct timeval tv;

	setup();
	t = api->timeout_new(api, NULL, on_timeout, NULL);
	CU_ASSERT_FATAL(t != NULL);
	run_for(30);
	CU_ASSERT_EQUAL(calls, 0);
	/* arming then disabling again cancels it */
	abs_in(&tv, 10);
	api->timeout_update(t, &tv);
	api->timeout_update(t, NULL);
	run_for(40);
	CU_ASSERT_EQUAL(calls, 0);
	api->timeout_free(t);
	teardown();
}

static void
test_timeout_zero_and_past(void)
{
	struct timeval	 zero = { 0, 0 }, past;
	AvahiTimeout	*t1, *t2;

	setup();
	gettimeofday(&past, NULL);
	past.tv_sec -= 10;
	t1 = api->timeout_new(api, &zero, on_timeout, NULL);
	t2 = api->timeout_new(api, &past, on_timeout, NULL);
	CU_ASSERT_FATAL(t1 != NULL && t2 != NULL);
	event_base_loop(tb, EVLOOP_ONCE | EVLOOP_NONBLOCK);
	CU_ASSERT_EQUAL(calls, 2);
	run_for(20);
	CU_ASSERT_EQUAL(calls, 2);	/* one-shot */
	api->timeout_free(t1);
	api->timeout_free(t2);
	teardown();
}

static void
test_timeout_absolute(void)
{
	struct timeval	 start, end, tv, d;
	AvahiTimeout	*t;

	setup();
	gettimeofday(&start, NULL);
	abs_in(&tv, 60);
	t = api->timeout_new(api, &tv, on_timeout, NULL);
	CU_ASSERT_FATAL(t != NULL);
	while (calls == 0)
		event_base_loop(tb, EVLOOP_ONCE);
	gettimeofday(&end, NULL);
	timersub(&end, &start, &d);
	/* fired, and not before its absolute time (1 ms of clock slack) */
	CU_ASSERT(d.tv_sec * 1000 + d.tv_usec / 1000 >= 59);
	api->timeout_free(t);
	teardown();
}

static void
on_timeout_rearm(AvahiTimeout *t, void *arg)
{
	struct timeval	 tv;

	(void)arg;
	if (++calls < 3) {
		abs_in(&tv, 1);
		api->timeout_update(t, &tv);
	} else
		api->timeout_free(t);
}

static void
test_timeout_update_and_free_in_callback(void)
{
	struct timeval	 zero = { 0, 0 };

	setup();
	CU_ASSERT_FATAL(api->timeout_new(api, &zero, on_timeout_rearm,
	    NULL) != NULL);
	run_until(3);
	run_for(20);	/* freed at the third: no fourth */
	CU_ASSERT_EQUAL(calls, 3);
	teardown();
}

int
init_disc_poll_tests(void)
{
	CU_pSuite s = CU_add_suite("disc_poll", NULL, NULL);

	if (s == NULL ||
	    !CU_add_test(s, "watch reports IN", test_watch_in) ||
	    !CU_add_test(s, "watch update", test_watch_update) ||
	    !CU_add_test(s, "watch freed in its callback",
	    test_watch_free_in_callback) ||
	    !CU_add_test(s, "NULL timeout is disabled",
	    test_timeout_null_disabled) ||
	    !CU_add_test(s, "zero and past timeouts fire now",
	    test_timeout_zero_and_past) ||
	    !CU_add_test(s, "timeout is absolute", test_timeout_absolute) ||
	    !CU_add_test(s, "timeout update/free in callback",
	    test_timeout_update_and_free_in_callback))
		return -1;
	return 0;
}
