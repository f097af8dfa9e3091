/*
 * calib.h - the calibration compile's pieces that are plain code: its
 * source, the toolchain it uses, and the arithmetic of its timing.
 *
 * At start the runner (runner.c) compiles one generated C translation
 * unit through the sandbox like any job (job_calib.c), so the server
 * advertises a speed (speed.h) before its first real job, and a new
 * client places well from its first job.  The source is made here, in
 * code, the same bytes on every machine: a figure from one server
 * compares with another's.  Pure library code: no I/O, no logging.
 */
#ifndef CCPOOL_CALIB_H
#define CCPOOL_CALIB_H

#include <stddef.h>
#include <stdint.h>

#include "common/proto.h"
#include "server/job.h"

/*
 * The size of the source: at least CALIB_SRC_BYTES, less than that plus
 * CALIB_STEP_MAX (it ends with the block of declarations, or function,
 * that reaches it).  Mostly declarations, as headers make most of a real
 * translation unit, so its KiB per second are of a real job's order:
 * 0.17 s of CPU for gcc -O2 on a shared 2-CPU EPYC server (median; clang
 * 0.19 s); a desktop CPU of 2020 (not measured) should need less.
 */
#define CALIB_SRC_BYTES	((size_t)320 * 1024)
#define CALIB_STEP_MAX	8192

/* The compile's options, between the compiler and -x (job_start.c). */
#define CALIB_ARGS	{ "-O2", "-c" }

/*
 * Append the calibration source to out.  Returns 0, or -1 if out of
 * memory (out then holds a part of it).
 */
int	calib_source(struct proto_buf *out);

/*
 * The toolchain to calibrate with, of the ntc in tc: the first gcc
 * (named "gcc ...", tc_name()), else the first other gcc family driver
 * that compiles C (g++), else the first toolchain that compiles C; NULL
 * if none does.
 */
const struct rtc *calib_pick(const struct rtc *tc, size_t ntc);

/*
 * KiB per second of wall clock: bytes compiled in ms milliseconds
 * (the log's figure, before contention is taken out).  0 if ms is 0.
 */
unsigned calib_rate(uint64_t bytes, uint64_t ms);

/*
 * The jobs that shared the CPUs with the calibration: the most that ran
 * at its start or at its end, plus the calibration itself.
 */
unsigned calib_running(unsigned at_start, unsigned at_end);

#endif
