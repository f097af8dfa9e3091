/*
 * tray_note.c - desktop notifications (libnotify) for the events of
 * tray_diff(): a host joined, a host left, a host's key or trust verdict
 * changed.  Without a notification daemon each show fails; that is said
 * once on stderr and the tray goes on.
 */
#include <libnotify/notify.h>

#include "tray/tray.h"

static int	note_ok;
static int	note_warned;

void
tray_note_init(void)
{
	note_ok = notify_init("ccpool-tray");
}

static void
show(const char *summary, const char *body, const char *icon)
{
	NotifyNotification *n;
	GError		*e = NULL;

	if (!note_ok)
		return;
	n = notify_notification_new(summary, body, icon);
	if (!notify_notification_show(n, &e)) {
		if (!note_warned)
			g_printerr("ccpool-tray: notifications: %s\n",
			    e->message);
		note_warned = 1;
		g_error_free(e);
	}
	g_object_unref(n);
}

void
tray_note_events(const struct tray_event *ev, size_t n)
{
	char	 sum[256], *body;
	size_t	 i;

	for (i = 0; i < n; i++) {
		switch (ev[i].kind) {
		case TRAY_EV_JOINED:
			g_snprintf(sum, sizeof(sum), "%s joined", ev[i].name);
			/* bodies may be markup to the server: escaped */
			body = g_markup_printf_escaped("trust: %s", ev[i].now);
			show(sum, body, "network-idle");
			g_free(body);
			break;
		case TRAY_EV_LEFT:
			g_snprintf(sum, sizeof(sum), "%s left", ev[i].name);
			show(sum, "", "network-offline");
			break;
		case TRAY_EV_TRUST:
			g_snprintf(sum, sizeof(sum), "%s: key or trust changed",
			    ev[i].name);
			body = g_markup_printf_escaped("was: %s\nnow: %s",
			    ev[i].was, ev[i].now);
			show(sum, body, "dialog-warning");
			g_free(body);
			break;
		}
	}
}

void
tray_note_done(void)
{
	if (note_ok)
		notify_uninit();
}
