/*
 * tray_main.c - ccpool-tray: the cluster in the desktop's tray.  One GLib
 * main loop drives everything: libccpool's monitor on it through
 * avahi-glib (mDNS, the status pages, the user's agent), GTK, D-Bus.
 * The monitor's events only mark the model stale; once a second (or at
 * once for a join or a departure) refresh() takes a snapshot
 * (traysnap.c), diffs it with the last for notifications (tray_note.c)
 * and hands it to the icon, the menu and the window (tray.h).
 *
 * Without a StatusNotifierWatcher on the session bus the window opens
 * instead of an icon.  --dump prints the model without any display;
 * --screenshot draws the window into a PNG.  See ccpool-tray(1).
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include <avahi-glib/glib-watch.h>

#include "tray/tray.h"
#include "tray/traysnap.h"

#define QUIET_START_MS	3000	/* the hosts found at start: no notes */
#define EV_MAX		64

struct tray {
	struct ccpool_mon *mon;
	struct tray_snap snap, prev;
	int		 stale;
	gint64		 started;
	struct tray_menu *menu;
	struct tray_icon *icon;
	struct tray_win	*win;
	GMainLoop	*loop;
	const char	*shot;		/* --screenshot FILE */
	int		 json, notes;
	int		 rc;
};

static void
refresh(struct tray *t)
{
	struct tray_event ev[EV_MAX];
	struct tray_snap tmp;
	size_t		 n;

	tmp = t->prev;			/* swap: prev gets the last one */
	t->prev = t->snap;
	t->snap = tmp;
	if (tray_snap_take(&t->snap, t->mon, &t->prev) == -1)
		g_printerr("ccpool-tray: out of memory\n");
	n = tray_diff(&t->prev, &t->snap, ev, EV_MAX);
	if (t->notes && n > 0 &&
	    g_get_monotonic_time() - t->started > QUIET_START_MS * 1000)
		tray_note_events(ev, n);
	if (t->menu != NULL)
		tray_menu_update(t->menu, &t->snap);
	if (t->icon != NULL)
		tray_icon_update(t->icon, &t->snap);
	if (t->win != NULL && tray_win_visible(t->win))
		tray_win_update(t->win, &t->snap);
	t->stale = 0;
}

/* Once a second: the window's strip moves with time even when idle. */
static gboolean
on_tick(gpointer arg)
{
	struct tray *t = arg;

	if (t->stale || (t->win != NULL && tray_win_visible(t->win)))
		refresh(t);
	return G_SOURCE_CONTINUE;
}

static gboolean
on_soon(gpointer arg)
{
	refresh(arg);
	return G_SOURCE_REMOVE;
}

static void
on_mon(struct ccpool_mon *m, enum ccpool_event ev,
    const struct ccpool_host *h, void *arg)
{
	struct tray *t = arg;

	(void)m;
	(void)h;
	/* joins and departures are worth a note now, not in a second */
	if (!t->stale && (ev == CCPOOL_HOST_JOINED || ev == CCPOOL_HOST_LEFT))
		g_timeout_add(100, on_soon, t);
	t->stale = 1;
}

static void
on_warn(const char *msg, void *arg)
{
	(void)arg;
	g_printerr("ccpool-tray: %s\n", msg);	/* escaped by the library */
}

static void
ui_open(void *arg)
{
	struct tray *t = arg;

	tray_win_show(t->win);
	tray_win_update(t->win, &t->snap);
}

static void
ui_copy(void *arg)
{
	struct tray	*t = arg;
	char		 buf[32];

	g_snprintf(buf, sizeof(buf), "-j%u", t->snap.cap_jobs);
	gtk_clipboard_set_text(gtk_clipboard_get(GDK_SELECTION_CLIPBOARD),
	    buf, -1);
}

static void
ui_quit(void *arg)
{
	struct tray *t = arg;

	g_main_loop_quit(t->loop);
}

/* --dump: the model after the wait, printed, then the loop ends. */
static gboolean
on_dump(gpointer arg)
{
	struct tray *t = arg;

	refresh(t);
	if (t->json ? tray_dump_json(&t->snap, stdout) == -1 :
	    (tray_dump_text(&t->snap, stdout), 0))
		t->rc = 1;
	fflush(stdout);
	g_main_loop_quit(t->loop);
	return G_SOURCE_REMOVE;
}

/* --screenshot: the window drawn once it has been laid out. */
static gboolean
on_shot_draw(gpointer arg)
{
	struct tray *t = arg;

	if (tray_win_png(t->win, t->shot) == -1) {
		g_printerr("ccpool-tray: cannot write %s\n", t->shot);
		t->rc = 1;
	}
	g_main_loop_quit(t->loop);
	return G_SOURCE_REMOVE;
}

static gboolean
on_shot(gpointer arg)
{
	struct tray *t = arg;

	refresh(t);
	tray_win_show(t->win);
	tray_win_update(t->win, &t->snap);
	g_timeout_add(500, on_shot_draw, t);
	return G_SOURCE_REMOVE;
}

static void
usage(int rc)
{
	fprintf(rc ? stderr : stdout, "usage: ccpool-tray [-w] [-c cluster] "
	    "[--no-notify] [--dump [--json] | --screenshot FILE] "
	    "[-t seconds]\n       ccpool-tray -h | --version\n");
	exit(rc);
}

struct args {
	const char	*cluster, *shot;
	int		 dump, json, window, notes;
	unsigned	 wait_s;
};

static void
parse(int argc, char *argv[], struct args *a)
{
	static const struct option lo[] = {
		{ "dump", no_argument, NULL, 'D' },
		{ "json", no_argument, NULL, 'J' },
		{ "screenshot", required_argument, NULL, 'S' },
		{ "no-notify", no_argument, NULL, 'N' },
		{ "window", no_argument, NULL, 'w' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	char	*end;
	long	 v;
	int	 c;

	memset(a, 0, sizeof(*a));
	a->notes = 1;
	a->wait_s = 3;
	while ((c = getopt_long(argc, argv, "c:ht:wV", lo, NULL)) != -1) {
		switch (c) {
		case 'c': a->cluster = optarg; break;
		case 'D': a->dump = 1; break;
		case 'J': a->json = 1; break;
		case 'S': a->shot = optarg; break;
		case 'N': a->notes = 0; break;
		case 'w': a->window = 1; break;
		case 'h': usage(0); break;
		case 'V':
			printf("ccpool-tray %s (libccpool %s)\n", VERSION,
			    ccpool_version());
			exit(0);
		case 't':
			v = strtol(optarg, &end, 10);
			if (*end != '\0' || v < 0 || v > 3600)
				usage(2);
			a->wait_s = (unsigned)v;
			break;
		default:
			usage(2);
		}
	}
	if (optind != argc || (a->dump && a->shot != NULL) ||
	    (a->json && !a->dump))
		usage(2);
}

/* The menu, and the icon or (no watcher, --window) the window. */
static void
ui_start(struct tray *t, const struct args *a)
{
	static struct tray_ui_cb cb = { ui_open, ui_copy, ui_quit, NULL };
	char	 why[256] = "";
	int	 sni;

	cb.arg = t;
	t->menu = tray_menu_new(&cb);
	sni = a->shot == NULL && tray_icon_watcher_present(why, sizeof(why));
	if (!sni && a->shot == NULL)
		g_printerr("ccpool-tray: %s: showing the window instead\n", why);
	t->win = tray_win_new(&cb, sni ? NULL : t->menu, why);
	if (sni)
		t->icon = tray_icon_new(t->menu);
	if (a->shot != NULL)
		g_timeout_add_seconds(a->wait_s, on_shot, t);
	else if (!sni || a->window)
		ui_open(t);
	tray_menu_update(t->menu, &t->snap);
}

int
main(int argc, char *argv[])
{
	struct ccpool_mon_opts o;
	struct tray	 t;
	struct args	 a;
	AvahiGLibPoll	*gp;
	char		 err[256];

	parse(argc, argv, &a);
	memset(&t, 0, sizeof(t));
	tray_snap_init(&t.snap);
	tray_snap_init(&t.prev);
	t.json = a.json;
	t.shot = a.shot;
	t.notes = a.notes && !a.dump && a.shot == NULL;
	t.started = g_get_monotonic_time();
	/* --dump needs no display: no GTK then, only GLib's loop */
	if (!a.dump && !gtk_init_check(&argc, &argv)) {
		g_printerr("ccpool-tray: cannot open the display\n");
		return 1;
	}
	t.loop = g_main_loop_new(NULL, FALSE);
	gp = avahi_glib_poll_new(NULL, G_PRIORITY_DEFAULT);
	ccpool_mon_opts_init(&o);
	o.cluster = a.cluster;
	o.no_fail = 1;			/* a desktop outlives avahi restarts */
	o.warn = on_warn;
	t.mon = ccpool_mon_new(avahi_glib_poll_get(gp), &o, on_mon, &t, err,
	    sizeof(err));
	if (t.mon == NULL) {
		g_printerr("ccpool-tray: %s\n", err);
		return 1;
	}
	if (a.dump)
		g_timeout_add_seconds(a.wait_s, on_dump, &t);
	else {
		ui_start(&t, &a);
		if (t.notes)
			tray_note_init();
		g_timeout_add_seconds(1, on_tick, &t);
	}
	g_main_loop_run(t.loop);
	if (t.notes)
		tray_note_done();
	tray_icon_free(t.icon);
	tray_win_free(t.win);
	tray_menu_free(t.menu);
	ccpool_mon_free(t.mon);
	avahi_glib_poll_free(gp);
	tray_snap_clear(&t.snap);
	tray_snap_clear(&t.prev);
	g_main_loop_unref(t.loop);
	return t.rc;
}
