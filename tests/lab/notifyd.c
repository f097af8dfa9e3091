/*
 * notifyd.c - a stand-in desktop notification server for the lab
 * (tests/lab/t_tray.sh): owns org.freedesktop.Notifications on the
 * session bus and prints each notification it is sent as one line,
 * "notify SUMMARY | BODY", on stdout.  Nothing is shown.  Exits when it
 * loses the name or on SIGTERM.
 */
#include <stdio.h>

#include <gio/gio.h>

static const char introspection[] =
	"<node><interface name='org.freedesktop.Notifications'>"
	"<method name='GetServerInformation'>"
	"<arg type='s' direction='out'/><arg type='s' direction='out'/>"
	"<arg type='s' direction='out'/><arg type='s' direction='out'/>"
	"</method>"
	"<method name='GetCapabilities'>"
	"<arg type='as' direction='out'/></method>"
	"<method name='Notify'>"
	"<arg type='s' direction='in'/><arg type='u' direction='in'/>"
	"<arg type='s' direction='in'/><arg type='s' direction='in'/>"
	"<arg type='s' direction='in'/><arg type='as' direction='in'/>"
	"<arg type='a{sv}' direction='in'/><arg type='i' direction='in'/>"
	"<arg type='u' direction='out'/></method>"
	"<method name='CloseNotification'>"
	"<arg type='u' direction='in'/></method>"
	"</interface></node>";

static GMainLoop *loop;
static guint	 next_id = 1;

static void
on_call(GDBusConnection *c, const gchar *sender, const gchar *path,
    const gchar *iface, const gchar *method, GVariant *args,
    GDBusMethodInvocation *inv, gpointer arg)
{
	const gchar	*summary, *body;

	(void)c, (void)sender, (void)path, (void)iface, (void)arg;
	if (g_strcmp0(method, "GetServerInformation") == 0)
		g_dbus_method_invocation_return_value(inv,
		    g_variant_new("(ssss)", "notifyd", "ccpool-lab", "0", "1.2"));
	else if (g_strcmp0(method, "GetCapabilities") == 0) {
		const gchar *caps[] = { "body", NULL };

		g_dbus_method_invocation_return_value(inv,
		    g_variant_new("(^as)", caps));
	} else if (g_strcmp0(method, "Notify") == 0) {
		g_variant_get_child(args, 3, "&s", &summary);
		g_variant_get_child(args, 4, "&s", &body);
		printf("notify %s | %s\n", summary, body);
		fflush(stdout);
		g_dbus_method_invocation_return_value(inv,
		    g_variant_new("(u)", next_id++));
	} else
		g_dbus_method_invocation_return_value(inv, NULL);
}

static void
on_bus(GDBusConnection *c, const gchar *name, gpointer arg)
{
	static const GDBusInterfaceVTable vt = { on_call, NULL, NULL, { 0 } };
	GDBusNodeInfo	*ni = arg;

	(void)name;
	g_dbus_connection_register_object(c, "/org/freedesktop/Notifications",
	    ni->interfaces[0], &vt, NULL, NULL, NULL);
}

static void
on_name(GDBusConnection *c, const gchar *name, gpointer arg)
{
	(void)c, (void)arg;
	printf("owner %s\n", name);
	fflush(stdout);
}

static void
on_lost(GDBusConnection *c, const gchar *name, gpointer arg)
{
	(void)c, (void)name, (void)arg;
	g_main_loop_quit(loop);
}

int
main(void)
{
	GDBusNodeInfo	*ni = g_dbus_node_info_new_for_xml(introspection, NULL);

	loop = g_main_loop_new(NULL, FALSE);
	g_bus_own_name(G_BUS_TYPE_SESSION, "org.freedesktop.Notifications",
	    G_BUS_NAME_OWNER_FLAGS_NONE, on_bus, on_name, on_lost, ni, NULL);
	g_main_loop_run(loop);
	return 0;
}
