/*
 * tray_win.c - the monitor window: a header (the label, and why there is
 * no tray icon when there is none), the host table (name, trust, slots
 * used/offered, queue, load), the Gantt strip of the last minute
 * (tray_draw.c) and the buttons.  It keeps a copy of the last snapshot
 * for drawing; tray_main.c hands it a new one each refresh.
 */
#include <string.h>

#include "tray/tray.h"

enum { COL_NAME, COL_TRUST, COL_SLOTS, COL_QUEUE, COL_LOAD, NCOL };

struct tray_win {
	GtkWidget	*win, *head, *view, *gantt, *copy;
	GtkListStore	*store;
	int		 gantt_h;
	struct tray_ui_cb cb;
	char		 note[256];
	struct tray_snap snap;		/* what is drawn */
};

static gboolean
on_delete(GtkWidget *wd, GdkEvent *ev, gpointer arg)
{
	struct tray_win *w = arg;

	(void)ev;
	if (w->note[0] != '\0') {	/* no tray icon: closing quits */
		w->cb.quit(w->cb.arg);
		return TRUE;
	}
	gtk_widget_hide(wd);
	return TRUE;
}

static gboolean
on_draw(GtkWidget *wd, cairo_t *cr, gpointer arg)
{
	struct tray_win *w = arg;

	tray_gantt_draw(cr, &w->snap, gtk_widget_get_allocated_width(wd));
	return TRUE;
}

static void
on_copy(GtkButton *b, gpointer arg)
{
	struct tray_win *w = arg;

	(void)b;
	w->cb.copy_jobs(w->cb.arg);
}

static GtkWidget *
table_new(struct tray_win *w)
{
	static const char *const title[NCOL] = { "Host", "Trust",
	    "Slots used/offered", "Queue", "Load" };
	GtkWidget	*sw;
	int		 i;

	w->store = gtk_list_store_new(NCOL, G_TYPE_STRING, G_TYPE_STRING,
	    G_TYPE_STRING, G_TYPE_STRING, G_TYPE_STRING);
	w->view = gtk_tree_view_new_with_model(GTK_TREE_MODEL(w->store));
	for (i = 0; i < NCOL; i++)
		gtk_tree_view_append_column(GTK_TREE_VIEW(w->view),
		    gtk_tree_view_column_new_with_attributes(title[i],
		    gtk_cell_renderer_text_new(), "text", i, NULL));
	sw = gtk_scrolled_window_new(NULL, NULL);
	gtk_scrolled_window_set_min_content_height(GTK_SCROLLED_WINDOW(sw),
	    110);
	gtk_container_add(GTK_CONTAINER(sw), w->view);
	return sw;
}

static GtkWidget *
buttons_new(struct tray_win *w, struct tray_menu *menu)
{
	GtkWidget	*box = gtk_box_new(GTK_ORIENTATION_HORIZONTAL, 6);
	GtkWidget	*b = gtk_button_new_with_label("Copy -j value");

	w->copy = b;
	g_signal_connect(b, "clicked", G_CALLBACK(on_copy), w);
	gtk_box_pack_start(GTK_BOX(box), b, FALSE, FALSE, 0);
	if (menu != NULL) {
		b = gtk_menu_button_new();
		gtk_button_set_label(GTK_BUTTON(b), "Menu");
		gtk_widget_set_name(b, "menu");
		gtk_menu_button_set_popup(GTK_MENU_BUTTON(b),
		    GTK_WIDGET(tray_menu_widget(menu)));
		gtk_box_pack_end(GTK_BOX(box), b, FALSE, FALSE, 0);
	}
	return box;
}

/* note: why there is no tray icon ("" when there is one). */
struct tray_win *
tray_win_new(const struct tray_ui_cb *cb, struct tray_menu *menu,
    const char *note)
{
	struct tray_win	*w = g_new0(struct tray_win, 1);
	GtkWidget	*box, *sw;
	char		 title[320];

	w->cb = *cb;
	g_strlcpy(w->note, note, sizeof(w->note));
	tray_snap_init(&w->snap);
	w->win = gtk_window_new(GTK_WINDOW_TOPLEVEL);
	g_snprintf(title, sizeof(title), "ccpool monitor%s%s",
	    note[0] ? " \u2014 " : "", note);
	gtk_window_set_title(GTK_WINDOW(w->win), title);
	gtk_window_set_default_size(GTK_WINDOW(w->win), 720, 560);
	g_signal_connect(w->win, "delete-event", G_CALLBACK(on_delete), w);
	box = gtk_box_new(GTK_ORIENTATION_VERTICAL, 6);
	gtk_container_set_border_width(GTK_CONTAINER(box), 8);
	w->head = gtk_label_new("no hosts");
	gtk_label_set_xalign(GTK_LABEL(w->head), 0);
	gtk_box_pack_start(GTK_BOX(box), w->head, FALSE, FALSE, 0);
	gtk_box_pack_start(GTK_BOX(box), table_new(w), FALSE, TRUE, 0);
	w->gantt = gtk_drawing_area_new();
	g_signal_connect(w->gantt, "draw", G_CALLBACK(on_draw), w);
	sw = gtk_scrolled_window_new(NULL, NULL);
	gtk_container_add(GTK_CONTAINER(sw), w->gantt);
	gtk_box_pack_start(GTK_BOX(box), sw, TRUE, TRUE, 0);
	gtk_box_pack_start(GTK_BOX(box), buttons_new(w, menu), FALSE, FALSE,
	    0);
	gtk_container_add(GTK_CONTAINER(w->win), box);
	return w;
}

void
tray_win_show(struct tray_win *w)
{
	gtk_widget_show_all(w->win);
	gtk_window_present(GTK_WINDOW(w->win));
}

int
tray_win_visible(const struct tray_win *w)
{
	return gtk_widget_get_visible(w->win);
}

/* One row's texts, for host h. */
static void
row_text(const struct tray_host *h, char t[NCOL][128])
{
	g_strlcpy(t[COL_NAME], h->name, 128);
	g_strlcpy(t[COL_TRUST], h->trust, 128);
	if (h->has_status) {
		g_snprintf(t[COL_SLOTS], 128, "%u/%u", h->running, h->offered);
		g_snprintf(t[COL_QUEUE], 128, "%u/%u", h->queued,
		    h->queue_max);
	} else {
		g_snprintf(t[COL_SLOTS], 128, "%u/%u", h->slots -
		    (h->free_slots < h->slots ? h->free_slots : h->slots),
		    h->slots);
		g_strlcpy(t[COL_QUEUE], h->distcc ? "-" : "?", 128);
	}
	g_snprintf(t[COL_LOAD], 128, "%u%%", h->load);
}

/* 1 when row it already shows t (a set re-lays the row out: costly). */
static int
row_same(GtkTreeModel *tm, GtkTreeIter *it, char t[NCOL][128])
{
	gchar	*v;
	int	 c, same = 1;

	for (c = 0; c < NCOL && same; c++) {
		gtk_tree_model_get(tm, it, c, &v, -1);
		same = v != NULL && strcmp(v, t[c]) == 0;
		g_free(v);
	}
	return same;
}

/* Rows set in place and only when changed (selection and scroll stay). */
static void
table_update(struct tray_win *w, const struct tray_snap *s)
{
	GtkTreeModel	*tm = GTK_TREE_MODEL(w->store);
	GtkTreeIter	 it;
	gboolean	 have = gtk_tree_model_get_iter_first(tm, &it);
	char		 t[NCOL][128];
	size_t		 i;

	for (i = 0; i < s->nhost; i++) {
		row_text(&s->host[i], t);
		if (!have)
			gtk_list_store_append(w->store, &it);
		if (!have || !row_same(tm, &it, t))
			gtk_list_store_set(w->store, &it, COL_NAME, t[COL_NAME],
			    COL_TRUST, t[COL_TRUST], COL_SLOTS, t[COL_SLOTS],
			    COL_QUEUE, t[COL_QUEUE], COL_LOAD, t[COL_LOAD], -1);
		have = have && gtk_tree_model_iter_next(tm, &it);
	}
	while (have)
		have = gtk_list_store_remove(w->store, &it);
}

/* Copies s (the window draws from its own copy until the next one). */
void
tray_win_update(struct tray_win *w, const struct tray_snap *s)
{
	char	 label[256], head[600], copy[32];
	size_t	 hb = s->nhost * sizeof(s->host[0]);
	size_t	 jb = s->njob * sizeof(s->job[0]);

	tray_snap_clear(&w->snap);
	w->snap = *s;
	w->snap.host = hb ? g_memdup2(s->host, hb) : NULL;
	w->snap.job = jb ? g_memdup2(s->job, jb) : NULL;
	w->snap.hcap = s->nhost;
	w->snap.jcap = s->njob;
	tray_label(s, label, sizeof(label));
	g_snprintf(head, sizeof(head), "%s \u2014 %s%s%s", label,
	    s->jobs_ok ? "agent running" : s->jobs_err,
	    w->note[0] ? "\n" : "", w->note);
	if (strcmp(gtk_label_get_text(GTK_LABEL(w->head)), head) != 0)
		gtk_label_set_text(GTK_LABEL(w->head), head);
	g_snprintf(copy, sizeof(copy), "Copy -j%u", s->cap_jobs);
	if (strcmp(gtk_button_get_label(GTK_BUTTON(w->copy)), copy) != 0)
		gtk_button_set_label(GTK_BUTTON(w->copy), copy);
	table_update(w, s);
	if (w->gantt_h != tray_gantt_height(s)) {
		w->gantt_h = tray_gantt_height(s);
		gtk_widget_set_size_request(w->gantt, -1, w->gantt_h);
	}
	gtk_widget_queue_draw(w->gantt);
}

int
tray_win_png(struct tray_win *w, const char *path)
{
	cairo_surface_t	*sf;
	cairo_t		*cr;
	int		 rc;

	sf = cairo_image_surface_create(CAIRO_FORMAT_ARGB32,
	    gtk_widget_get_allocated_width(w->win),
	    gtk_widget_get_allocated_height(w->win));
	cr = cairo_create(sf);
	gtk_widget_draw(w->win, cr);
	cairo_destroy(cr);
	rc = cairo_surface_write_to_png(sf, path) == CAIRO_STATUS_SUCCESS ?
	    0 : -1;
	cairo_surface_destroy(sf);
	return rc;
}

void
tray_win_free(struct tray_win *w)
{
	if (w == NULL)
		return;
	gtk_widget_destroy(w->win);
	tray_snap_clear(&w->snap);
	g_free(w);
}
