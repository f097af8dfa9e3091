/*
 * tray_menu.c - the tray's menu: a header ("5 hosts · 18/24 slots free"),
 * the hosts with their load, the user's running jobs, "Copy -j N",
 * "Open monitor", "Quit".  Rebuilt only when its text changes, so that
 * an idle cluster costs the StatusNotifier host nothing.
 */
#include <string.h>

#include "tray/tray.h"

#define MENU_HOSTS_MAX	20	/* then "and N more" */
#define MENU_JOBS_MAX	10

struct tray_menu {
	GtkWidget	*menu;
	struct tray_ui_cb cb;
	GString		*text;		/* what the menu shows now */
};

static void
on_open(GtkMenuItem *item, gpointer arg)
{
	struct tray_menu *m = arg;

	(void)item;
	m->cb.open_monitor(m->cb.arg);
}

static void
on_copy(GtkMenuItem *item, gpointer arg)
{
	struct tray_menu *m = arg;

	(void)item;
	m->cb.copy_jobs(m->cb.arg);
}

static void
on_quit(GtkMenuItem *item, gpointer arg)
{
	struct tray_menu *m = arg;

	(void)item;
	m->cb.quit(m->cb.arg);
}

struct tray_menu *
tray_menu_new(const struct tray_ui_cb *cb)
{
	struct tray_menu *m = g_new0(struct tray_menu, 1);

	m->cb = *cb;
	m->menu = gtk_menu_new();
	g_object_ref_sink(m->menu);
	m->text = g_string_new(NULL);
	return m;
}

GtkMenu *
tray_menu_widget(struct tray_menu *m)
{
	return GTK_MENU(m->menu);
}

/* Appends an item; an insensitive one (a line of text) when fn is NULL. */
static void
item(struct tray_menu *m, const char *text, GCallback fn)
{
	GtkWidget	*it;

	if (text == NULL)
		it = gtk_separator_menu_item_new();
	else
		it = gtk_menu_item_new_with_label(text);
	if (fn != NULL)
		g_signal_connect(it, "activate", fn, m);
	else if (text != NULL)
		gtk_widget_set_sensitive(it, FALSE);
	gtk_menu_shell_append(GTK_MENU_SHELL(m->menu), it);
	gtk_widget_show(it);
}

/*
 * The menu's lines, one per item, each marked by its first byte: 't' a
 * line of text, 's' a separator, 'c' the copy action (a host's name
 * never makes an action).
 */
static void
menu_text(const struct tray_snap *s, GString *t)
{
	char	 buf[256];
	size_t	 i, n = 0;

	tray_label(s, buf, sizeof(buf));
	g_string_append_printf(t, "t%s\ns\n", buf);
	for (i = 0; i < s->nhost && i < MENU_HOSTS_MAX; i++) {
		tray_host_line(&s->host[i], buf, sizeof(buf));
		g_string_append_printf(t, "t%s\n", buf);
	}
	if (s->nhost > MENU_HOSTS_MAX)
		g_string_append_printf(t, "tand %zu more\n",
		    s->nhost - MENU_HOSTS_MAX);
	g_string_append(t, "s\n");
	for (i = 0; i < s->njob; i++) {
		if (!tray_job_running(&s->job[i]) || n++ == MENU_JOBS_MAX)
			continue;
		tray_job_line(&s->job[i], buf, sizeof(buf));
		g_string_append_printf(t, "t%s\n", buf);
	}
	if (n == 0)
		g_string_append_printf(t, "t%s\n", s->jobs_ok ?
		    "no jobs of yours running" : s->jobs_err);
	g_string_append_printf(t, "s\ncCopy -j%u\n", s->cap_jobs);
}

void
tray_menu_update(struct tray_menu *m, const struct tray_snap *s)
{
	GString		*t = g_string_new(NULL);
	GList		*kids, *l;
	char		**lines;
	size_t		 i;

	menu_text(s, t);
	if (strcmp(t->str, m->text->str) == 0) {
		g_string_free(t, TRUE);
		return;
	}
	kids = gtk_container_get_children(GTK_CONTAINER(m->menu));
	for (l = kids; l != NULL; l = l->next)
		gtk_widget_destroy(GTK_WIDGET(l->data));
	g_list_free(kids);
	lines = g_strsplit(t->str, "\n", -1);
	for (i = 0; lines[i] != NULL && lines[i][0] != '\0'; i++) {
		if (lines[i][0] == 's')
			item(m, NULL, NULL);
		else if (lines[i][0] == 'c')
			item(m, lines[i] + 1, G_CALLBACK(on_copy));
		else
			item(m, lines[i] + 1, NULL);
	}
	g_strfreev(lines);
	item(m, "Open monitor", G_CALLBACK(on_open));
	item(m, "Quit", G_CALLBACK(on_quit));
	g_string_free(m->text, TRUE);
	m->text = t;
}

void
tray_menu_free(struct tray_menu *m)
{
	if (m == NULL)
		return;
	gtk_widget_destroy(m->menu);
	g_object_unref(m->menu);
	g_string_free(m->text, TRUE);
	g_free(m);
}
