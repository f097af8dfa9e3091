/*
 * ls_trust.c - what this user's agent would make of each listed host,
 * read-only: common/trustview.c's verdict (the agent's own rules), for
 * the TRUST column.
 */
#include <string.h>

#include "common/trustview.h"
#include "lsdistcc/ls.h"

void
ls_trust(struct ls_row *rows, size_t n)
{
	struct tview_user u;
	enum tview_kind	 k;
	size_t		 i;

	tview_user_load(&u);
	for (i = 0; i < n; i++) {
		struct ls_row *r = &rows[i];

		if (strcmp(r->kind, "distcc") == 0)
			k = TVIEW_DISTCC;
		else if (strcmp(r->kind, "ccpool") != 0 || !r->known)
			k = TVIEW_OTHER;
		else
			k = TVIEW_CCPOOL;
		(void)tview_judge(&u, k, r->security, r->name, r->id,
		    r->trust, sizeof(r->trust));
	}
}
