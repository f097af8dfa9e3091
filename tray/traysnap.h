/*
 * traysnap.h - the one bridge from libccpool's monitor to the tray's
 * model: a snapshot taken through the public accessors (traysnap.c).
 */
#ifndef CCPOOL_TRAYSNAP_H
#define CCPOOL_TRAYSNAP_H

#include "tray/traymodel.h"

int	 tray_snap_take(struct tray_snap *s, const struct ccpool_mon *m,
	    const struct tray_snap *prev);

#endif
