/*
 * err.h - the error buffer of library code.  Library functions never
 * print: they return -1 (or NULL) and say why in a caller-supplied
 * `char *err, size_t errlen`, filled with err_set().
 */
#ifndef CCPOOL_ERR_H
#define CCPOOL_ERR_H

#include <stddef.h>

/* printf into err (errlen bytes, always terminated); err NULL or errlen 0:
 * nothing. */
void	err_set(char *err, size_t errlen, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));

#endif
