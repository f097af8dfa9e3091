/*
 * tray_icon.c - the tray icon: a StatusNotifierItem through
 * libayatana-appindicator3, whose icon says the state (no host, idle,
 * working, warning) and whose label the free slots.  Only made when a
 * StatusNotifierWatcher owns its name on the session bus
 * (tray_icon_watcher_present); otherwise tray_main.c opens the window.
 */
#include <libayatana-appindicator/app-indicator.h>

#include "tray/tray.h"

#define WATCHER	"org.kde.StatusNotifierWatcher"

struct tray_icon {
	AppIndicator	*ind;
	enum tray_state	 state;
	char		 label[256];
};

/*
 * 1 when the session bus has a StatusNotifierWatcher, 0 with why set
 * when there is none or no session bus.  One short call on the local
 * bus, at start only.
 */
int
tray_icon_watcher_present(char *why, size_t len)
{
	GDBusConnection	*bus;
	GVariant	*r;
	GError		*e = NULL;
	gboolean	 has = FALSE;

	if ((bus = g_bus_get_sync(G_BUS_TYPE_SESSION, NULL, &e)) == NULL) {
		g_snprintf(why, len, "no session bus (%s)", e->message);
		g_error_free(e);
		return 0;
	}
	r = g_dbus_connection_call_sync(bus, "org.freedesktop.DBus",
	    "/org/freedesktop/DBus", "org.freedesktop.DBus", "NameHasOwner",
	    g_variant_new("(s)", WATCHER), G_VARIANT_TYPE("(b)"),
	    G_DBUS_CALL_FLAGS_NONE, 2000, NULL, &e);
	if (r == NULL) {
		g_snprintf(why, len, "cannot ask the session bus (%s)",
		    e->message);
		g_error_free(e);
	} else {
		g_variant_get(r, "(b)", &has);
		g_variant_unref(r);
		if (!has)
			g_snprintf(why, len, "no StatusNotifier host (%s is "
			    "not on the session bus)", WATCHER);
	}
	g_object_unref(bus);
	return has ? 1 : 0;
}

struct tray_icon *
tray_icon_new(struct tray_menu *menu)
{
	struct tray_icon *ic = g_new0(struct tray_icon, 1);

	ic->ind = app_indicator_new("ccpool-tray",
	    tray_state_icon(TRAY_NONE), APP_INDICATOR_CATEGORY_SYSTEM_SERVICES);
	app_indicator_set_title(ic->ind, "ccpool");
	app_indicator_set_menu(ic->ind, tray_menu_widget(menu));
	app_indicator_set_status(ic->ind, APP_INDICATOR_STATUS_ACTIVE);
	ic->state = TRAY_NONE;
	return ic;
}

/* Tells the host only what changed: each call is a D-Bus signal. */
void
tray_icon_update(struct tray_icon *ic, const struct tray_snap *s)
{
	enum tray_state	 st = tray_state(s);
	char		 label[256];

	if (st != ic->state) {
		app_indicator_set_icon_full(ic->ind, tray_state_icon(st),
		    tray_state_name(st));
		ic->state = st;
	}
	tray_label(s, label, sizeof(label));
	if (strcmp(label, ic->label) != 0) {
		app_indicator_set_label(ic->ind, label, "99 hosts \u00b7 "
		    "999/999 slots free");
		g_strlcpy(ic->label, label, sizeof(ic->label));
	}
}

void
tray_icon_free(struct tray_icon *ic)
{
	if (ic == NULL)
		return;
	g_object_unref(ic->ind);
	g_free(ic);
}
