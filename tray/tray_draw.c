/*
 * tray_draw.c - the monitor window's Gantt strip with Cairo: the last
 * minute, now at the right edge; a row per slot of every ccpoold with a
 * status page (busy, closed, finished jobs, failed ones), then a row per
 * job of the user coloured by its phase, then a legend.  The bars come
 * from traybars.c; this file only places them.
 */
#include "tray/tray.h"

#define ROW_H	9	/* a slot or a job */
#define HEAD_H	16	/* a host's name, "my jobs" */
#define LEFT	96	/* the names' column */
#define LEGEND_H 22
#define BARS_MAX 512

struct rgb { double r, g, b; };

static const struct rgb bar_rgb[] = {
	[TRAY_BAR_BUSY] = { 0.20, 0.45, 0.85 },
	[TRAY_BAR_CLOSED] = { 0.70, 0.70, 0.70 },
	[TRAY_BAR_OK] = { 0.30, 0.70, 0.35 },
	[TRAY_BAR_FAILED] = { 0.85, 0.25, 0.20 },
	[TRAY_BAR_PHASE] = { 0, 0, 0 },
};

static const struct rgb phase_rgb[] = {
	[CCPOOL_PHASE_WAIT] = { 0.85, 0.80, 0.35 },
	[CCPOOL_PHASE_CPP] = { 0.55, 0.75, 0.95 },
	[CCPOOL_PHASE_SEND] = { 0.95, 0.60, 0.20 },
	[CCPOOL_PHASE_COMPILE] = { 0.20, 0.45, 0.85 },
	[CCPOOL_PHASE_RECEIVE] = { 0.60, 0.40, 0.80 },
	[CCPOOL_PHASE_LOCAL] = { 0.20, 0.65, 0.65 },
	[CCPOOL_PHASE_DONE] = { 0.30, 0.70, 0.35 },
	[CCPOOL_PHASE_FAILED] = { 0.85, 0.25, 0.20 },
};

static struct rgb
bar_colour(const struct tray_bar *b)
{
	if (b->kind == TRAY_BAR_PHASE &&
	    (size_t)b->phase < G_N_ELEMENTS(phase_rgb))
		return phase_rgb[b->phase];
	return bar_rgb[b->kind];
}

static int
host_drawn(const struct tray_host *h)
{
	return h->has_status && h->nslot > 0;
}

int
tray_gantt_height(const struct tray_snap *s)
{
	struct tray_bar	 b[BARS_MAX];
	size_t		 i, lanes;
	int		 y = HEAD_H;	/* the time axis */

	for (i = 0; i < s->nhost; i++)
		if (host_drawn(&s->host[i]))
			y += HEAD_H + ROW_H * (int)s->host[i].nslot;
	tray_job_bars(s, TRAY_WINDOW_MS, 0, b, BARS_MAX, &lanes);
	return y + HEAD_H + ROW_H * (int)lanes + LEGEND_H;
}

static void
text(cairo_t *cr, double x, double y, const char *s)
{
	cairo_set_source_rgb(cr, 0.15, 0.15, 0.15);
	cairo_move_to(cr, x, y);
	cairo_show_text(cr, s);
}

/* The bars of one block of rows starting at y0; w is the strip's width. */
static void
bars(cairo_t *cr, const struct tray_bar *b, size_t n, int y0, int w)
{
	size_t	 i;

	for (i = 0; i < n; i++) {
		struct rgb c = bar_colour(&b[i]);
		double x0 = LEFT + w * (1.0 - (double)b[i].from_ms /
		    TRAY_WINDOW_MS);
		double x1 = LEFT + w * (1.0 - (double)b[i].to_ms /
		    TRAY_WINDOW_MS);

		cairo_set_source_rgb(cr, c.r, c.g, c.b);
		cairo_rectangle(cr, x0, y0 + ROW_H * (int)b[i].row + 1,
		    x1 - x0 < 1 ? 1 : x1 - x0, ROW_H - 2);
		cairo_fill(cr);
	}
}

static void
axis(cairo_t *cr, int w, int h)
{
	char	 buf[16];
	int	 s;

	cairo_set_line_width(cr, 1);
	for (s = 0; s <= 60; s += 10) {
		double x = LEFT + w * (1.0 - s / 60.0) + 0.5;

		cairo_set_source_rgb(cr, 0.85, 0.85, 0.85);
		cairo_move_to(cr, x, HEAD_H);
		cairo_line_to(cr, x, h - LEGEND_H);
		cairo_stroke(cr);
		g_snprintf(buf, sizeof(buf), s ? "-%ds" : "now", s);
		text(cr, x - (s ? 12 : 24), 11, buf);
	}
}

static void
legend(cairo_t *cr, int y)
{
	static const struct { const char *name; struct rgb c; } l[] = {
		{ "busy", { 0.20, 0.45, 0.85 } },
		{ "done", { 0.30, 0.70, 0.35 } },
		{ "failed", { 0.85, 0.25, 0.20 } },
		{ "closed", { 0.70, 0.70, 0.70 } },
		{ "wait", { 0.85, 0.80, 0.35 } },
		{ "cpp", { 0.55, 0.75, 0.95 } },
		{ "send", { 0.95, 0.60, 0.20 } },
		{ "receive", { 0.60, 0.40, 0.80 } },
		{ "local", { 0.20, 0.65, 0.65 } },
	};
	size_t	 i;
	double	 x = 4;

	for (i = 0; i < G_N_ELEMENTS(l); i++) {
		cairo_set_source_rgb(cr, l[i].c.r, l[i].c.g, l[i].c.b);
		cairo_rectangle(cr, x, y + 6, 10, 10);
		cairo_fill(cr);
		text(cr, x + 13, y + 15, l[i].name);
		x += 22 + 7 * strlen(l[i].name);
	}
}

void
tray_gantt_draw(cairo_t *cr, const struct tray_snap *s, int width)
{
	struct tray_bar	 b[BARS_MAX];
	int		 w = width - LEFT - 8, h = tray_gantt_height(s);
	int		 y = HEAD_H;
	size_t		 i, n, lanes;

	if (w < 60)
		w = 60;
	cairo_set_source_rgb(cr, 1, 1, 1);
	cairo_paint(cr);
	cairo_select_font_face(cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL,
	    CAIRO_FONT_WEIGHT_NORMAL);
	cairo_set_font_size(cr, 10);
	axis(cr, w, h);
	for (i = 0; i < s->nhost; i++) {
		const struct tray_host *hs = &s->host[i];

		if (!host_drawn(hs))
			continue;
		text(cr, 4, y + 12, hs->name);
		y += HEAD_H;
		n = tray_host_bars(hs, TRAY_WINDOW_MS, b, BARS_MAX);
		bars(cr, b, n, y, w);
		y += ROW_H * (int)hs->nslot;
	}
	text(cr, 4, y + 12, s->njob ? "my jobs" : "my jobs: none");
	y += HEAD_H;
	n = tray_job_bars(s, TRAY_WINDOW_MS, 0, b, BARS_MAX, &lanes);
	bars(cr, b, n, y, w);
	legend(cr, h - LEGEND_H);
}
