/*
 * calib.c - the calibration compile's source, toolchain and timing
 * arithmetic.  See calib.h; start reading at calib_source().
 *
 * The source is plain C as a preprocessor leaves it (no #include, no
 * macro): a few hundred functions of loops, branches, switches, structs
 * and calls, built from a handful of statement shapes whose constants
 * come from a fixed pseudo-random sequence, so the optimiser has real
 * work (no two functions alike) and the bytes never change.  Every
 * next() is sequenced (never two in one call's arguments: C leaves their
 * order open), so the bytes do not depend on the compiler that built us.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "common/toolchain.h"
#include "server/calib.h"

#define CALIB_SEED	0x9e3779b97f4a7c15ull
#define CALIB_STMTS	5	/* statements per function: 5 .. 5+7 */
#define CALIB_BLOCKS	24	/* blocks of declarations per function */
#define CALIB_LINE_MAX	512	/* the longest piece put() writes */

/* The fixed sequence: xorshift64*, never 0. */
static uint32_t
next(uint64_t *x)
{
	*x ^= *x >> 12;
	*x ^= *x << 25;
	*x ^= *x >> 27;
	return (uint32_t)((*x * 0x2545f4914f6cdd1dull) >> 32);
}

/* printf to the end of out; -1 if out of memory. */
static int
put(struct proto_buf *out, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int
put(struct proto_buf *out, const char *fmt, ...)
{
	char		 buf[CALIB_LINE_MAX];
	va_list		 ap;
	int		 n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(buf))
		return -1;	/* a shape too long for buf: a bug here */
	return proto_buf_append(out, buf, (size_t)n);
}

/* A member or parameter type of block b (pointers to earlier structs). */
static const char *
type(uint64_t *x, unsigned b, char *buf, size_t len)
{
	static const char *const base[] = { "int", "unsigned int", "long",
	    "unsigned long", "const char *", "double", "void *",
	    "unsigned short", "signed char", "float" };
	uint32_t	 r = next(x) % 12;

	if (r < 10 || b == 0)
		return base[r % 10];
	snprintf(buf, len, "struct calib_s%u *", next(x) % b);
	return buf;
}

/* Prototype i of block b, as a libc header writes one. */
static int
prototype(uint64_t *x, unsigned b, unsigned i, struct proto_buf *out)
{
	char		 t0[64], t1[64], t2[64];
	const char	*ret, *p0, *p1;

	/* one call a statement: the order of next() is the source */
	ret = type(x, b, t0, sizeof(t0));
	p0 = type(x, b, t1, sizeof(t1));
	p1 = type(x, b, t2, sizeof(t2));
	return put(out, "extern %s calib_d%u_%u (%s __p0, %s __p1) "
	    "__attribute__ ((__nothrow__ , __leaf__));\n", ret, b, i, p0, p1);
}

/*
 * Block b of declarations, as a header leaves them: a line marker, an
 * enum, a struct and its typedef, prototypes and one inline helper.
 */
static int
block(uint64_t *x, unsigned b, struct proto_buf *out)
{
	char		 tb[64];
	unsigned	 i, n, line, e0;
	int		 rc;

	line = next(x) % 900 + 1;
	e0 = next(x) % 256;
	rc = put(out, "# %u \"/usr/include/calib%u.h\" 3 4\nenum calib_e%u "
	    "{\n\tCALIB_E%u_0 = %u", line, b % 64, b, b, e0);
	for (i = 1, n = 3 + next(x) % 8; rc == 0 && i < n; i++)
		rc = put(out, ",\n\tCALIB_E%u_%u", b, i);
	if (rc == 0)
		rc = put(out, "\n};\nstruct calib_s%u {\n\tunsigned long m0;\n",
		    b);
	for (i = 1, n = 3 + next(x) % 10; rc == 0 && i < n; i++)
		rc = put(out, "\t%s m%u;\n", type(x, b, tb, sizeof(tb)), i);
	if (rc == 0)
		rc = put(out, "};\ntypedef struct calib_s%u calib_t%u;\n", b, b);
	for (i = 0, n = 6 + next(x) % 10; rc == 0 && i < n; i++)
		rc = prototype(x, b, i, out);
	if (rc == 0)
		rc = put(out, "static __inline__ unsigned long\ncalib_i%u (const"
		    " calib_t%u *__s, unsigned long __v)\n{\n\treturn __v * "
		    "%uUL + __s->m0;\n}\n", b, b, next(x) | 1);
	return rc;
}

/*
 * One statement of function fn into buf (len bytes); its shape and
 * constants from x.  A call names an earlier function.
 */
static void
statement(uint64_t *x, unsigned fn, char *buf, size_t len)
{
	uint32_t	 c1 = next(x), c2 = next(x) % 29 + 1, c3 = next(x);

	switch (next(x) % (fn > 0 ? 8 : 7)) {
	case 0:
		snprintf(buf, len, "\tfor (i = 0; i < n; i++) {\n\t\ta = a * "
		    "%uUL + p[i];\n\t\tb ^= a >> %u;\n\t}\n", c1 | 1, c2);
		break;
	case 1:
		snprintf(buf, len, "\tif ((a & %uUL) != 0) {\n\t\tb += a << "
		    "%u;\n\t\ta -= b;\n\t} else\n\t\ta += b >> %u;\n", c1, c2,
		    c3 % 31);
		break;
	case 2:
		snprintf(buf, len, "\tswitch ((a ^ b) %% %u) {\n\tcase 0:\n\t\t"
		    "a += %uUL;\n\t\tbreak;\n\tcase 1:\n\t\tb -= %uUL;\n\t\t"
		    "break;\n\tcase 2:\n\t\ta ^= b << %u;\n\t\tbreak;\n\t"
		    "default:\n\t\tb = a * %uUL;\n\t}\n", c2 + 3, c1, c3, c2,
		    c1 ^ c3);
		break;
	case 3:
		snprintf(buf, len, "\twhile (b > %uUL) {\n\t\tb >>= %u;\n\t\t"
		    "a += b & 0x%xUL;\n\t}\n", c1, c2 % 7 + 1, c3 & 0xffff);
		break;
	case 4:
		snprintf(buf, len, "\tr[%u].k += (long)(a %% %uUL) - "
		    "(long)r[%u].v;\n\tr[%u].w = r[%u].w * %u.5 + "
		    "(double)(b & 0xffff);\n", c2 % 4, c1 | 1, c3 % 4, c3 % 4,
		    c2 % 4, c2);
		break;
	case 5:
		snprintf(buf, len, "\tfor (i = 0; i < 16; i++)\n\t\tt[i] = "
		    "(unsigned char)(p[i %% (n + 1)] + %u);\n\ta += t[%u] * "
		    "%uUL;\n", c1 & 0xff, c2 % 16, c3);
		break;
	case 6:
		snprintf(buf, len, "\ta = (a << %u) | (a >> %u);\n\tb += "
		    "(unsigned long)(r[%u].w / %u.25);\n", c2, 32 - c2,
		    c1 % 4, c2);
		break;
	default:	/* only when fn > 0: an earlier function */
		snprintf(buf, len, "\ta += calib_f%u(b ^ %uUL, p, n / 2);\n",
		    c1 % (fn > 0 ? fn : 1), c3);
		break;
	}
}

/* Function fn of the source, appended to out; -1 if out of memory. */
static int
function(uint64_t *x, unsigned fn, struct proto_buf *out)
{
	char		 buf[CALIB_LINE_MAX];
	unsigned	 i, n, a, b, k;
	int		 rc;

	n = CALIB_STMTS + next(x) % 8;
	a = next(x);
	b = next(x);
	k = next(x) % 97;
	rc = put(out, "# %u \"calib.c\"\nunsigned long\ncalib_f%u(unsigned "
	    "long x, const unsigned char *p, unsigned long n)\n{\n\tstruct "
	    "calib_rec r[4];\n\tunsigned char t[16];\n\tunsigned long i, a "
	    "= %uUL, b = x ^ %uUL;\n\n\tfor (i = 0; i < 4; i++) {\n\t\t"
	    "r[i].k = (long)(x * %u + i);\n\t\tr[i].v = a >> i;\n\t\t"
	    "r[i].w = (double)i;\n\t}\n\tfor (i = 0; i < 16; i++)\n\t\t"
	    "t[i] = (unsigned char)(x >> (i & 7));\n", fn * 40 + 7, fn, a, b,
	    k);
	for (i = 0; rc == 0 && i < n; i++) {
		statement(x, fn, buf, sizeof(buf));
		rc = put(out, "%s", buf);
	}
	if (rc == 0)
		rc = put(out, "\treturn a ^ b ^ r[x & 3].v ^ t[%u];\n}\n",
		    next(x) % 16);
	return rc;
}

int
calib_source(struct proto_buf *out)
{
	uint64_t	 x = CALIB_SEED;
	size_t		 start = out->len;
	unsigned	 b, fn = 0;

	if (put(out, "# 1 \"calib.c\"\nstruct calib_rec {\n\tlong k;\n\t"
	    "unsigned long v;\n\tdouble w;\n};\n") == -1)
		return -1;
	for (b = 0; out->len - start < CALIB_SRC_BYTES; b++) {
		if (block(&x, b, out) == -1)
			return -1;
		if (b % CALIB_BLOCKS == CALIB_BLOCKS - 1 &&
		    function(&x, fn++, out) == -1)
			return -1;
	}
	return 0;
}

const struct rtc *
calib_pick(const struct rtc *tc, size_t ntc)
{
	size_t	 i;

	/* gcc's own driver: g++ compiles C too, but is not "gcc" */
	for (i = 0; i < ntc; i++)
		if (!tc[i].clang && (tc[i].langs & TC_LANG_C) &&
		    strncmp(tc[i].name, "gcc ", 4) == 0)
			return &tc[i];
	for (i = 0; i < ntc; i++)
		if (!tc[i].clang && (tc[i].langs & TC_LANG_C))
			return &tc[i];
	for (i = 0; i < ntc; i++)
		if (tc[i].langs & TC_LANG_C)
			return &tc[i];
	return NULL;
}

unsigned
calib_rate(uint64_t bytes, uint64_t ms)
{
	double	 r;

	if (ms == 0)
		return 0;
	r = (double)bytes / 1024.0 / ((double)ms / 1000.0);
	return r >= UINT32_MAX ? UINT32_MAX : (unsigned)(r + 0.5);
}

unsigned
calib_running(unsigned at_start, unsigned at_end)
{
	unsigned	 n = at_start > at_end ? at_start : at_end;

	return n < UINT32_MAX ? n + 1 : n;
}
