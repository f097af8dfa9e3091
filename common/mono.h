/*
 * mono.h - the one clock for intervals: milliseconds of CLOCK_MONOTONIC
 * (never jumps with the wall clock; its zero is arbitrary, so only
 * differences mean anything).
 */
#ifndef CCPOOL_MONO_H
#define CCPOOL_MONO_H

#include <stdint.h>

/* Milliseconds since an arbitrary fixed point. */
uint64_t mono_ms(void);

/* Microseconds, the same way (round-trip times). */
uint64_t mono_us(void);

#endif
