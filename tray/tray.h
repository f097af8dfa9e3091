/*
 * tray.h - ccpool-tray's GTK side: the menu (tray_menu.c), the
 * StatusNotifierItem (tray_icon.c), the monitor window (tray_win.c) and
 * its Gantt strip (tray_draw.c), the notifications (tray_note.c).  Each
 * draws a snapshot of the model (traymodel.h) and talks back to
 * tray_main.c only through struct tray_ui_cb.  Start reading at
 * tray_main.c.
 */
#ifndef CCPOOL_TRAY_H
#define CCPOOL_TRAY_H

#include <gtk/gtk.h>

#include "tray/traymodel.h"

/* What the user can ask of the program, from the menu or the window. */
struct tray_ui_cb {
	void	(*open_monitor)(void *arg);
	void	(*copy_jobs)(void *arg);
	void	(*quit)(void *arg);
	void	*arg;
};

/* tray_menu.c: one GtkMenu, rebuilt when its text changes. */
struct tray_menu;
struct tray_menu *tray_menu_new(const struct tray_ui_cb *cb);
GtkMenu		*tray_menu_widget(struct tray_menu *m);
void		 tray_menu_update(struct tray_menu *m,
		    const struct tray_snap *s);
void		 tray_menu_free(struct tray_menu *m);

/* tray_icon.c: the StatusNotifierItem, when a watcher runs. */
int		 tray_icon_watcher_present(char *why, size_t len);
struct tray_icon;
struct tray_icon *tray_icon_new(struct tray_menu *menu);
void		 tray_icon_update(struct tray_icon *ic,
		    const struct tray_snap *s);
void		 tray_icon_free(struct tray_icon *ic);

/* tray_win.c: the monitor window. */
struct tray_win;
/* menu: shown behind a button of the window (no tray), or NULL. */
struct tray_win	*tray_win_new(const struct tray_ui_cb *cb,
		    struct tray_menu *menu, const char *note);
void		 tray_win_show(struct tray_win *w);
int		 tray_win_visible(const struct tray_win *w);
void		 tray_win_update(struct tray_win *w, const struct tray_snap *s);
/* The window drawn into a PNG (gtk_widget_draw); 0 or -1. */
int		 tray_win_png(struct tray_win *w, const char *path);
void		 tray_win_free(struct tray_win *w);

/* tray_draw.c: the Gantt strip of s, width px wide. */
int		 tray_gantt_height(const struct tray_snap *s);
void		 tray_gantt_draw(cairo_t *cr, const struct tray_snap *s,
		    int width);

/* tray_note.c: libnotify. */
void		 tray_note_init(void);
void		 tray_note_events(const struct tray_event *ev, size_t n);
void		 tray_note_done(void);

#endif
