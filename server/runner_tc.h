/*
 * runner_tc.h - the toolchains the runner (server/runner.c) runs.
 */
#ifndef CCPOOL_RUNNER_TC_H
#define CCPOOL_RUNNER_TC_H

#include <stddef.h>

#include "common/ipc.h"
#include "server/job.h"

/*
 * Detect the toolchains on PATH into tc (at most max), log them and
 * report them on parent (IPC_TC each, then IPC_TC_END); their number.
 * Fatal if detection fails or a message cannot be queued.
 */
size_t	rtc_detect(struct rtc *tc, size_t max, struct ipc_chan *parent);

/* The toolchain id among tc[0..ntc), or NULL. */
const struct rtc *rtc_find(const struct rtc *tc, size_t ntc, const char *id);

/*
 * tc_name() of id, with the hash digits that tell it from the toolchains
 * in tc of the same name; into buf (TC_NAME_MAX bytes).
 */
const char *rtc_shown(const struct rtc *tc, size_t ntc, const char *id,
	    char *buf);

/*
 * May a job (or an offer) of toolchain tcid and language lang run on
 * one of tc[0..ntc)?  0 with *t set, or PROTO_R_TOOLCHAIN with msg (len
 * bytes) set.
 */
uint32_t rtc_admit(const struct rtc *tc, size_t ntc, const char *tcid,
	    enum proto_lang lang, const struct rtc **t, char *msg, size_t len);

#endif
