/*
 * test_toolchain.c - toolchain identity (common/toolchain.c): id shape
 * and charset, --version parsing for gcc and clang (strings), which file
 * names are compilers, the SHA-256 of a file, and tc_identify() and
 * tc_detect() on a temporary PATH directory of fake compilers (small
 * shell scripts): symlinks dedupe into aliases, a hanging script is
 * killed at the deadline, garbage and floods are refused.  The driver
 * named in the id, and the names people read (tc_name, tc_name_digits).
 */
#include <stdio.h>

#include <CUnit/CUnit.h>

#include "common/toolchain.c"
#include "common/toolchain_detect.c"

static char	tmpdir[64];

static void
test_id(void)
{
	struct tc_info	 i;
	char		 err[128];

	memset(&i, 0, sizeof(i));
	snprintf(i.family, sizeof(i.family), "gcc");
	snprintf(i.version, sizeof(i.version), "12.2.0");
	snprintf(i.target, sizeof(i.target), "x86_64-linux-gnu");
	snprintf(i.sha256, sizeof(i.sha256), "%s",
	    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
	CU_ASSERT_EQUAL(make_id(&i, err, sizeof(err)), 0);
	CU_ASSERT_STRING_EQUAL(i.id, "gcc-12.2.0-x86_64-linux-gnu-0123456789ab");
	CU_ASSERT(tc_id_valid(i.id));
	CU_ASSERT(strlen(i.id) < TC_ID_MAX);

	/* a target that slipped past the checks still cannot form an id */
	snprintf(i.target, sizeof(i.target), "x86 64");
	CU_ASSERT_EQUAL(make_id(&i, err, sizeof(err)), -1);
	CU_ASSERT_STRING_EQUAL(i.id, "");
	snprintf(i.target, sizeof(i.target), "x86_64-linux-gnu");
	i.sha256[10] = '\0';
	CU_ASSERT_EQUAL(make_id(&i, err, sizeof(err)), -1);

	/* the longest parts still fit */
	memset(i.version, '9', sizeof(i.version) - 1);
	memset(i.target, 'a', sizeof(i.target) - 1);
	i.target[3] = '-';
	snprintf(i.sha256, sizeof(i.sha256), "%s",
	    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
	CU_ASSERT_EQUAL(make_id(&i, err, sizeof(err)), 0);

	/* the driver leads the id when known */
	snprintf(i.driver, sizeof(i.driver), "g++");
	CU_ASSERT_EQUAL(make_id(&i, err, sizeof(err)), 0);
	CU_ASSERT(strncmp(i.id, "g++-9999", 8) == 0);
	CU_ASSERT(tc_id_valid(i.id));

	CU_ASSERT(tc_id_valid("clang-14.0.6-x86_64-pc-linux-gnu-71b0de1b06b1"));
	CU_ASSERT(tc_id_valid("gcc-1-a+b_c.d-0"));
	CU_ASSERT(!tc_id_valid(""));
	CU_ASSERT(!tc_id_valid("gcc"));
	CU_ASSERT(!tc_id_valid("gcc-12-x86 64-abc"));
	CU_ASSERT(!tc_id_valid("gcc-12-x86/64-abc"));
	CU_ASSERT(!tc_id_valid("gcc-12-x86\n64-abc"));
	CU_ASSERT(!tc_id_valid("gcc-12-x86\xc3\xa9-abc"));
	{
		char	 l[TC_ID_MAX + 1];

		memset(l, 'a', sizeof(l) - 1);
		l[sizeof(l) - 1] = '\0';
		l[1] = l[3] = l[5] = '-';
		CU_ASSERT(!tc_id_valid(l));
		l[TC_ID_MAX - 1] = '\0';
		CU_ASSERT(tc_id_valid(l));
	}
}

/* driver_of(): family plus the binary's file name. */
static void
test_driver(void)
{
	static const struct {
		const char	*family, *path, *driver;
	} t[] = {
		{ "gcc", "/usr/bin/x86_64-linux-gnu-gcc-12", "gcc" },
		{ "gcc", "/usr/bin/x86_64-linux-gnu-g++-12", "g++" },
		{ "gcc", "/usr/bin/g++", "g++" },
		{ "gcc", "/opt/x/bin/c++", "g++" },
		{ "gcc", "/usr/bin/aarch64-linux-gnu-g++-12.2", "g++" },
		{ "gcc", "/usr/bin/gcc-4.9", "gcc" },
		{ "gcc", "/usr/bin/cc", "gcc" },
		{ "gcc", "/x/mycc", "gcc" },
		{ "gcc", "/x/12", "gcc" },
		{ "gcc", "g++", "g++" },
		{ "clang", "/usr/lib/llvm-14/bin/clang", "clang" },
		{ "clang", "/usr/bin/clang-14", "clang" },
		{ "clang", "/usr/bin/clang++-17", "clang++" },
		{ "clang", "/opt/cross/bin/aarch64-linux-gnu-clang++", "clang++" },
	};
	struct tc_info	 i;
	size_t		 k;

	for (k = 0; k < sizeof(t) / sizeof(t[0]); k++) {
		memset(&i, 0, sizeof(i));
		snprintf(i.family, sizeof(i.family), "%s", t[k].family);
		snprintf(i.path, sizeof(i.path), "%s", t[k].path);
		driver_of(&i);
		if (strcmp(i.driver, t[k].driver) != 0)
			fprintf(stderr, "\n%s: %s, not %s\n", t[k].path,
			    i.driver, t[k].driver);
		CU_ASSERT_STRING_EQUAL(i.driver, t[k].driver);
	}
}

/* tc_name() and tc_name_digits(): what lsdistcc and the logs show. */
static void
test_name(void)
{
	const char	*gcc = "gcc-12.2.0-x86_64-linux-gnu-75e997ec6229";
	const char	*gxx = "g++-12.2.0-x86_64-linux-gnu-dd91977c184e";
	const char	*gxx2 = "g++-12.2.0-x86_64-linux-gnu-dd91a0000000";
	const char	*clang = "clang-14.0.6-x86_64-pc-linux-gnu-71b0de1b06b1";
	char		 b[TC_NAME_MAX], small[12];

	CU_ASSERT_STRING_EQUAL(tc_name(gcc, 0, b, sizeof(b)),
	    "gcc 12.2.0 x86_64-linux-gnu");
	CU_ASSERT_STRING_EQUAL(tc_name(gxx, 0, b, sizeof(b)),
	    "g++ 12.2.0 x86_64-linux-gnu");
	CU_ASSERT_STRING_EQUAL(tc_name(clang, 0, b, sizeof(b)),
	    "clang 14.0.6 x86_64-pc-linux-gnu");
	CU_ASSERT_STRING_EQUAL(tc_name("gcc-12.2.0-aarch64-linux-gnu-0123ab",
	    0, b, sizeof(b)), "gcc 12.2.0 aarch64-linux-gnu");
	CU_ASSERT_STRING_EQUAL(tc_name(gxx, 4, b, sizeof(b)),
	    "g++ 12.2.0 x86_64-linux-gnu #dd91");
	CU_ASSERT_STRING_EQUAL(tc_name(gxx, 99, b, sizeof(b)),
	    "g++ 12.2.0 x86_64-linux-gnu #dd91977c184e");
	/* older or foreign shapes: as they are, safely */
	CU_ASSERT_STRING_EQUAL(tc_name("gcc-12-x86_64-linux-gnu-abc", 0, b,
	    sizeof(b)), "gcc 12 x86_64-linux-gnu");
	CU_ASSERT_STRING_EQUAL(tc_name("x86_64-linux-gnu-12", 0, b,
	    sizeof(b)), "x86_64-linux-gnu-12");
	CU_ASSERT_STRING_EQUAL(tc_name("gcc-1-a+b_c.d-0", 0, b, sizeof(b)),
	    "gcc 1 a+b_c.d");
	CU_ASSERT_STRING_EQUAL(tc_name("gcc-x-y-zz", 0, b, sizeof(b)),
	    "gcc-x-y-zz");
	CU_ASSERT_STRING_EQUAL(tc_name("a\033[2Jb", 0, b, sizeof(b)),
	    "a??2Jb");
	CU_ASSERT_STRING_EQUAL(tc_name(gxx, 0, small, sizeof(small)),
	    "g++ 12.2.0 ");
	CU_ASSERT_STRING_EQUAL(tc_name("", 0, b, sizeof(b)), "");

	/* digits: only where the names are the same */
	CU_ASSERT_EQUAL(tc_name_digits(gcc, gxx), 0);
	CU_ASSERT_EQUAL(tc_name_digits(gcc, clang), 0);
	CU_ASSERT_EQUAL(tc_name_digits(gxx, gxx), 0);
	CU_ASSERT_EQUAL(tc_name_digits(gxx, gxx2), 5);
	CU_ASSERT_EQUAL(tc_name_digits(gxx2, gxx), 5);
	CU_ASSERT_EQUAL(tc_name_digits(gcc,
	    "gcc-12.2.0-x86_64-linux-gnu-05e997ec6229"), TC_NAME_DIGITS);
	CU_ASSERT_EQUAL(tc_name_digits("gcc-12-x-y-abc", "gcc-12-x-y-abd"),
	    TC_NAME_DIGITS);
	CU_ASSERT_EQUAL(tc_name_digits("gcc-12-x-y-abc", "gcc-12-x-y-abcd"),
	    TC_NAME_DIGITS);
	CU_ASSERT_EQUAL(tc_name_digits("bad", gcc), 0);
}

static void
test_parse_version(void)
{
	char	 fam[8], ver[TC_VERSION_MAX];

	CU_ASSERT_EQUAL(parse_version("gcc (Debian 12.2.0-14) 12.2.0\n"
	    "Copyright (C) 2022 Free Software Foundation, Inc.\n"
	    "This is free software; see the source for copying conditions.\n",
	    fam, sizeof(fam), ver, sizeof(ver)), 0);
	CU_ASSERT_STRING_EQUAL(fam, "gcc");
	CU_ASSERT_STRING_EQUAL(ver, "");
	CU_ASSERT_EQUAL(parse_version("Debian clang version 14.0.6\n"
	    "Target: x86_64-pc-linux-gnu\nThread model: posix\n"
	    "InstalledDir: /usr/bin\n", fam, sizeof(fam), ver, sizeof(ver)),
	    0);
	CU_ASSERT_STRING_EQUAL(fam, "clang");
	CU_ASSERT_STRING_EQUAL(ver, "14.0.6");
	CU_ASSERT_EQUAL(parse_version("Ubuntu clang version "
	    "14.0.0-1ubuntu1.1\nTarget: x86_64-pc-linux-gnu\n", fam,
	    sizeof(fam), ver, sizeof(ver)), 0);
	CU_ASSERT_STRING_EQUAL(ver, "14.0.0");
	CU_ASSERT_EQUAL(parse_version("clang version 18.1.8 "
	    "(https://github.com/llvm/llvm-project 3b5b5c1e)\n", fam,
	    sizeof(fam), ver, sizeof(ver)), 0);
	CU_ASSERT_STRING_EQUAL(ver, "18.1.8");
	/* refusals */
	CU_ASSERT_EQUAL(parse_version("", fam, sizeof(fam), ver,
	    sizeof(ver)), -1);
	CU_ASSERT_EQUAL(parse_version("tcc version 0.9.27\n", fam,
	    sizeof(fam), ver, sizeof(ver)), -1);
	CU_ASSERT_EQUAL(parse_version("clang version \n", fam, sizeof(fam),
	    ver, sizeof(ver)), -1);
	CU_ASSERT_EQUAL(parse_version("clang version .\n", fam, sizeof(fam),
	    ver, sizeof(ver)), -1);
	CU_ASSERT_EQUAL(parse_version("clang version "
	    "1.2.3.4.5.6.7.8.9.10.11.12.13\n", fam, sizeof(fam), ver,
	    sizeof(ver)), -1);

	CU_ASSERT(valid_version("12.2.0", TC_VERSION_MAX));
	CU_ASSERT(valid_version("12", TC_VERSION_MAX));
	CU_ASSERT(!valid_version("", TC_VERSION_MAX));
	CU_ASSERT(!valid_version("12.", TC_VERSION_MAX));
	CU_ASSERT(!valid_version(".12", TC_VERSION_MAX));
	CU_ASSERT(!valid_version("12.2.0-1", TC_VERSION_MAX));
	CU_ASSERT(valid_target("x86_64-linux-gnu", TC_TARGET_MAX));
	CU_ASSERT(valid_target("arm-none-eabi", TC_TARGET_MAX));
	CU_ASSERT(!valid_target("x86_64", TC_TARGET_MAX));
	CU_ASSERT(!valid_target("-linux", TC_TARGET_MAX));
	CU_ASSERT(!valid_target("x86_64-linux gnu", TC_TARGET_MAX));
	CU_ASSERT(!valid_target("../../etc-x", TC_TARGET_MAX));
}

static void
test_candidate(void)
{
	static const char *const yes[] = {
		"gcc", "g++", "cc", "c++", "clang", "clang++", "gcc-12",
		"g++-12", "clang-14", "clang++-14", "gcc-4.9",
		"aarch64-linux-gnu-gcc", "aarch64-linux-gnu-g++",
		"x86_64-linux-gnu-gcc-12", "arm-none-eabi-gcc",
		"riscv64-unknown-linux-gnu-g++-13",
	};
	static const char *const no[] = {
		"", "gc", "gcc-ar", "gcc-ar-12", "x86_64-linux-gnu-gcc-ar-12",
		"c99-gcc", "c89-gcc", "clang-format", "clang-cpp-14",
		"clang-tidy", "c++filt", "cc-12", "gcc-", "gcc-12a", "-gcc",
		"a b-c-gcc", "-x-gcc", "x86_64-linux-gnu-gcc-nm",
	};
	size_t	 i;

	for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		if (!candidate(yes[i]))
			fprintf(stderr, "\nnot a candidate: %s\n", yes[i]);
		CU_ASSERT(candidate(yes[i]));
	}
	for (i = 0; i < sizeof(no) / sizeof(no[0]); i++) {
		if (candidate(no[i]))
			fprintf(stderr, "\na candidate: %s\n", no[i]);
		CU_ASSERT(!candidate(no[i]));
	}
}

/* Write an executable script (or a symlink when target is set). */
static void
mkfile(const char *name, const char *body, const char *target)
{
	char	 p[128];
	FILE	*f;

	snprintf(p, sizeof(p), "%s/%s", tmpdir, name);
	if (target != NULL) {
		CU_ASSERT_EQUAL(symlink(target, p), 0);
		return;
	}
	CU_ASSERT_PTR_NOT_NULL_FATAL(f = fopen(p, "w"));
	fputs(body, f);
	fclose(f);
	CU_ASSERT_EQUAL(chmod(p, 0755), 0);
}

static const char fake_gcc[] =
	"#!/bin/sh\n"
	"case \"$1\" in\n"
	"--version) echo 'gcc (Fake) 9.9.1'\n"
	"  echo 'Copyright (C) 2022 Free Software Foundation, Inc.';;\n"
	"-dumpfullversion) echo 9.9.1;;\n"
	"-dumpmachine) echo x86_64-fake-linux-gnu;;\n"
	"-print-prog-name=cc1plus) echo /bin/sh;;\n"
	"-print-prog-name=*) echo \"${1#-print-prog-name=}\";;\n"
	"*) exit 1;;\n"
	"esac\n";

static const char fake_clang[] =
	"#!/bin/sh\n"
	"case \"$1\" in\n"
	"--version) echo 'Fake clang version 17.0.1 (x)'\n"
	"  echo 'Target: aarch64-unknown-linux-gnu';;\n"
	"-dumpmachine) echo aarch64-unknown-linux-gnu;;\n"
	"*) exit 1;;\n"
	"esac\n";

static void
setup_dir(void)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/ccpool-tc-XXXXXX");
	CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(tmpdir));
	mkfile("gcc", fake_gcc, NULL);
	mkfile("cc", NULL, "gcc");
	mkfile("x86_64-linux-gnu-gcc-12", NULL, "gcc");
	mkfile("clang", fake_clang, NULL);
	mkfile("clang++", NULL, "clang");
	/* hangs, with a child that would keep the pipe open */
	mkfile("g++", "#!/bin/sh\nsleep 30\n", NULL);
	/* garbage */
	mkfile("c++", "#!/bin/sh\nprintf 'clang\\001\\377 version x\\n'\n",
	    NULL);
	/* floods its output */
	mkfile("gcc-13", "#!/bin/sh\nwhile :; do echo "
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa; done\n", NULL);
	/* says gcc, but a bad target */
	mkfile("arm-x-gcc", "#!/bin/sh\ncase \"$1\" in\n"
	    "--version) echo 'Free Software Foundation';;\n"
	    "-dumpfullversion) echo 1.0;;\n"
	    "*) echo 'bad target';;\nesac\n", NULL);
	/* not candidates, never run */
	mkfile("clang-format", "#!/bin/sh\nexit 1\n", NULL);
	mkfile("c99-gcc", "#!/bin/sh\nexit 1\n", NULL);
}

static void
rm_dir(void)
{
	static const char *const names[] = {
		"gcc", "cc", "x86_64-linux-gnu-gcc-12", "clang", "clang++",
		"g++", "c++", "gcc-13", "arm-x-gcc", "clang-format", "c99-gcc",
		"abc",
	};
	char	 p[128];
	size_t	 i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(p, sizeof(p), "%s/%s", tmpdir, names[i]);
		unlink(p);
	}
	rmdir(tmpdir);
}

static void
test_sha256(void)
{
	char	 p[128], hex[65], err[128];
	FILE	*f;

	snprintf(p, sizeof(p), "%s/abc", tmpdir);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f = fopen(p, "w"));
	fputs("abc", f);
	fclose(f);
	CU_ASSERT_EQUAL(sha256_file(p, hex, err, sizeof(err)), 0);
	CU_ASSERT_STRING_EQUAL(hex, "ba7816bf8f01cfea414140de5dae2223"
	    "b00361a396177a9cb410ff61f20015ad");
	unlink(p);
	CU_ASSERT_EQUAL(sha256_file(p, hex, err, sizeof(err)), -1);
}

static void
test_identify(void)
{
	struct tc_info	 i;
	char		 p[128], err[256], *oldpath = NULL, path[512];
	const char	*op;
	int64_t		 t0;

	tc_timeout_ms = 700;
	snprintf(p, sizeof(p), "%s/cc", tmpdir);
	CU_ASSERT_EQUAL_FATAL(tc_identify(p, &i, err, sizeof(err)), 0);
	CU_ASSERT_STRING_EQUAL(i.family, "gcc");
	CU_ASSERT_STRING_EQUAL(i.version, "9.9.1");
	CU_ASSERT_STRING_EQUAL(i.target, "x86_64-fake-linux-gnu");
	CU_ASSERT_EQUAL(i.langs, TC_LANG_C | TC_LANG_CXX);
	CU_ASSERT_STRING_EQUAL(i.driver, "gcc");
	CU_ASSERT(strncmp(i.id, "gcc-9.9.1-x86_64-fake-linux-gnu-", 32) == 0);
	CU_ASSERT_EQUAL(strlen(i.id), 32 + 12);
	CU_ASSERT(tc_id_valid(i.id));
	snprintf(p, sizeof(p), "%s/gcc", tmpdir);
	CU_ASSERT_STRING_EQUAL(i.path, p);	/* the symlink resolved */

	/* by name, through PATH */
	if ((op = getenv("PATH")) != NULL)
		oldpath = strdup(op);
	snprintf(path, sizeof(path), "%s:%s", tmpdir, op ? op : "/bin");
	setenv("PATH", path, 1);
	CU_ASSERT_EQUAL(tc_identify("clang++", &i, err, sizeof(err)), 0);
	CU_ASSERT_STRING_EQUAL(i.family, "clang");
	CU_ASSERT_STRING_EQUAL(i.driver, "clang");	/* a link to clang */
	CU_ASSERT_STRING_EQUAL(i.version, "17.0.1");
	CU_ASSERT_EQUAL(i.langs, 0xfu);
	CU_ASSERT(strncmp(i.id, "clang-17.0.1-aarch64-unknown-linux-gnu-",
	    39) == 0);
	CU_ASSERT_EQUAL(tc_identify("no-such-compiler-here", &i, err,
	    sizeof(err)), -1);
	CU_ASSERT_STRING_EQUAL(err, "not found in PATH");
	if (oldpath != NULL)
		setenv("PATH", oldpath, 1);
	else
		unsetenv("PATH");
	free(oldpath);

	/* hangs: killed at the deadline, with its child */
	snprintf(p, sizeof(p), "%s/g++", tmpdir);
	t0 = (int64_t)mono_ms();
	CU_ASSERT_EQUAL(tc_identify(p, &i, err, sizeof(err)), -1);
	CU_ASSERT((int64_t)mono_ms() - t0 < 3000);
	CU_ASSERT_STRING_EQUAL(err, "--version: timed out");
	CU_ASSERT_STRING_EQUAL(i.id, "");

	snprintf(p, sizeof(p), "%s/c++", tmpdir);
	CU_ASSERT_EQUAL(tc_identify(p, &i, err, sizeof(err)), -1);
	CU_ASSERT_STRING_EQUAL(err, "not gcc or clang");
	snprintf(p, sizeof(p), "%s/gcc-13", tmpdir);
	CU_ASSERT_EQUAL(tc_identify(p, &i, err, sizeof(err)), -1);
	CU_ASSERT_STRING_EQUAL(err, "--version: too much output");
	snprintf(p, sizeof(p), "%s/arm-x-gcc", tmpdir);
	CU_ASSERT_EQUAL(tc_identify(p, &i, err, sizeof(err)), -1);
	CU_ASSERT_STRING_EQUAL(err, "odd target");
	CU_ASSERT_EQUAL(tc_identify("/nonexistent/gcc", &i, err,
	    sizeof(err)), -1);
	CU_ASSERT_EQUAL(tc_identify("", &i, err, sizeof(err)), -1);
	CU_ASSERT_EQUAL(tc_identify(tmpdir, &i, err, sizeof(err)), -1);
	tc_timeout_ms = TC_TIMEOUT_MS;
}

static void
test_detect(void)
{
	struct tc_list	 l;
	char		 err[128], path[256];
	size_t		 i, gcc = 0, clang = 0, k;

	tc_timeout_ms = 700;
	/* empty fields and missing directories are skipped */
	snprintf(path, sizeof(path), "::/nonexistent:%s:", tmpdir);
	CU_ASSERT_EQUAL_FATAL(tc_detect(&l, path, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL_FATAL(l.n, 2);
	for (i = 0; i < l.n; i++) {
		if (strcmp(l.e[i].info.family, "gcc") == 0)
			gcc = i;
		else
			clang = i;
	}
	CU_ASSERT_STRING_EQUAL(l.e[gcc].info.family, "gcc");
	CU_ASSERT_STRING_EQUAL(l.e[clang].info.family, "clang");
	/* symlinks are aliases of one entry, sorted */
	CU_ASSERT_EQUAL_FATAL(l.e[gcc].nalias, 3);
	CU_ASSERT_STRING_EQUAL(l.e[gcc].alias[0], "cc");
	CU_ASSERT_STRING_EQUAL(l.e[gcc].alias[1], "gcc");
	CU_ASSERT_STRING_EQUAL(l.e[gcc].alias[2], "x86_64-linux-gnu-gcc-12");
	CU_ASSERT_EQUAL_FATAL(l.e[clang].nalias, 2);
	CU_ASSERT_STRING_EQUAL(l.e[clang].alias[0], "clang");
	CU_ASSERT_STRING_EQUAL(l.e[clang].alias[1], "clang++");
	/* the hanging, garbage, flooding and bad-target ones are warnings */
	CU_ASSERT_EQUAL(l.nwarn, 4);
	for (k = 0; k < l.nwarn; k++)
		CU_ASSERT(strstr(l.warn[k], tmpdir) != NULL);
	tc_list_free(&l);
	CU_ASSERT_EQUAL(l.n, 0);
	tc_list_free(NULL);

	/* the same directory twice: no duplicate entries or aliases */
	snprintf(path, sizeof(path), "%s:%s", tmpdir, tmpdir);
	CU_ASSERT_EQUAL_FATAL(tc_detect(&l, path, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(l.n, 2);
	CU_ASSERT_EQUAL(l.e[0].nalias + l.e[1].nalias, 5);
	tc_list_free(&l);
	tc_timeout_ms = TC_TIMEOUT_MS;
}

static void
test_all(void)
{
	setup_dir();
	test_sha256();
	test_identify();
	test_detect();
	rm_dir();
}

int
init_toolchain_tests(void)
{
	CU_pSuite s = CU_add_suite("toolchain", NULL, NULL);

	if (s == NULL ||
	    CU_add_test(s, "id format and charset", test_id) == NULL ||
	    CU_add_test(s, "driver name", test_driver) == NULL ||
	    CU_add_test(s, "names people read", test_name) == NULL ||
	    CU_add_test(s, "--version parsing", test_parse_version) == NULL ||
	    CU_add_test(s, "compiler file names", test_candidate) == NULL ||
	    CU_add_test(s, "fake compilers in a PATH", test_all) == NULL)
		return -1;
	return 0;
}
