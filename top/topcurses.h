/*
 * topcurses.h - ccpool-top's ncurses screen (topcurses.c).
 */
#ifndef CCPOOL_TOPCURSES_H
#define CCPOOL_TOPCURSES_H

#include "top/top.h"

enum top_key {
	TOP_KEY_NONE,
	TOP_KEY_QUIT,		/* q */
	TOP_KEY_SORT,		/* s: the next order */
	TOP_KEY_REDRAW		/* ^L, or the terminal's size changed */
};

/* Take the terminal (initscr); -1 when it cannot be. */
int		 top_curses_start(void);
/* Give it back; a no-op when not started. */
void		 top_curses_end(void);
/* After SIGWINCH: the terminal's new size. */
void		 top_curses_resize(void);
/* Draw s's frame for the terminal's size; -1 on out-of-memory. */
int		 top_curses_draw(const struct top_snap *s, enum top_sort by);
/* Every key typed since the last call, as the one thing to do. */
enum top_key	 top_curses_key(void);

#endif
