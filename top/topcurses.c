/*
 * topcurses.c - ccpool-top's screen: the frame of topmodel.c drawn with
 * ncurses, sized to the terminal, keys read without blocking.  The event
 * loop (top.c) calls top_curses_draw() once a second, top_curses_key()
 * when stdin is readable, top_curses_resize() on SIGWINCH.
 */
#include <sys/ioctl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <curses.h>

#include "top/top.h"
#include "top/topcurses.h"

static int	 top_curses_on;

int
top_curses_start(void)
{
	if (initscr() == NULL)
		return -1;
	top_curses_on = 1;
	cbreak();
	noecho();
	nodelay(stdscr, TRUE);
	keypad(stdscr, TRUE);
	curs_set(0);
	return 0;
}

void
top_curses_end(void)
{
	if (!top_curses_on)
		return;
	endwin();
	top_curses_on = 0;
}

/* The terminal's new size (the loop caught SIGWINCH, not ncurses). */
void
top_curses_resize(void)
{
	struct winsize	 ws;

	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 &&
	    ws.ws_col > 0)
		resizeterm(ws.ws_row, ws.ws_col);
}

static int
line_attr(enum top_line_kind kind)
{
	switch (kind) {
	case TOP_L_TITLE:
	case TOP_L_HEAD:
		return A_BOLD;
	case TOP_L_FOOTER:
		return A_REVERSE;
	case TOP_L_NOTE:
		return A_DIM;
	default:
		return A_NORMAL;
	}
}

/* The keys' help at the title's right, where it fits. */
static void
draw_keys(const struct top_line *title, int cols)
{
	static const char keys[] = "q quit  s sort";
	int		 len = (int)sizeof(keys) - 1;

	if (title->kind == TOP_L_TITLE &&
	    (int)strlen(title->text) + 2 + len <= cols)
		mvaddstr(0, cols - len, keys);
}

int
top_curses_draw(const struct top_snap *s, enum top_sort by)
{
	struct top_line	*l;
	int		 rows, cols, i, n;

	getmaxyx(stdscr, rows, cols);
	if (rows < 1 || cols < 1)
		return 0;
	if ((l = calloc((size_t)rows, sizeof(*l))) == NULL)
		return -1;
	n = (int)top_render(s, l, (size_t)rows, (size_t)cols, (size_t)rows,
	    by);
	erase();
	for (i = 0; i < n; i++) {
		/* the footer on the screen's last line, a bar across */
		int	 y = l[i].kind == TOP_L_FOOTER ? rows - 1 : i;

		attrset(line_attr(l[i].kind));
		mvaddnstr(y, 0, l[i].text, cols);
		if (l[i].kind == TOP_L_FOOTER)
			for (int c = (int)strlen(l[i].text); c < cols; c++)
				mvaddch(y, c, ' ');
	}
	attrset(A_NORMAL);
	if (n > 0)
		draw_keys(&l[0], cols);
	refresh();
	free(l);
	return 0;
}

enum top_key
top_curses_key(void)
{
	int		 c;
	enum top_key	 k = TOP_KEY_NONE;

	while ((c = getch()) != ERR) {
		switch (c) {
		case 'q':
		case 'Q':
			return TOP_KEY_QUIT;
		case 's':
		case 'S':
			k = TOP_KEY_SORT;
			break;
		case KEY_RESIZE:
		case 12:	/* ^L */
			if (k == TOP_KEY_NONE)
				k = TOP_KEY_REDRAW;
			break;
		default:
			break;
		}
	}
	return k;
}
