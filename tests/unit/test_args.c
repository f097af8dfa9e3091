/*
 * test_args.c - the compiler argv analysis (client/args.c): what is
 * distributable, every local-only reason (table-driven), the cpp and
 * compile argvs for each dependency option combination, -x, joined and
 * separate option forms, output and .d names, and the server-side check.
 *
 * Argvs are written as space-separated strings and split by mk(); cases
 * that need spaces inside an argument build their argv by hand.  No
 * compiler runs here (the byte-identity experiments are in args.h).
 */
#include <stdio.h>

#include <CUnit/CUnit.h>

#include "client/args.c"
#include "common/ccargs.c"

#define MAXA	64

/* Split line on spaces into argv (static storage); returns argc. */
static int
mk(const char *line, char *argv[MAXA], char buf[1024])
{
	char	*p;
	int	 n = 0;

	snprintf(buf, 1024, "%s", line);
	for (p = strtok(buf, " "); p != NULL && n < MAXA - 1;
	    p = strtok(NULL, " "))
		argv[n++] = p;
	argv[n] = NULL;
	return n;
}

/* Parse line; returns 0 and fills *j (caller clears). */
static int
parse(const char *line, struct args_job *j)
{
	char	*argv[MAXA], buf[1024], err[64];
	int	 argc = mk(line, argv, buf);

	return args_parse(argc, argv, j, err, sizeof(err));
}

/* The argv v joined by single spaces (static buffer). */
static const char *
join(char **v)
{
	static char	 out[2048];
	size_t		 off = 0;

	out[0] = '\0';
	for (; v != NULL && *v != NULL; v++)
		off += (size_t)snprintf(out + off, sizeof(out) - off, "%s%s",
		    off ? " " : "", *v);
	return out;
}

static int
has(char **v, const char *s)
{
	for (; v != NULL && *v != NULL; v++)
		if (strcmp(*v, s) == 0)
			return 1;
	return 0;
}

/* Distributable with the expected fields and argvs. */
static void
expect(const char *line, char mode, enum ccargs_lang lang, const char *src,
    const char *out, const char *cpp, const char *cc)
{
	struct args_job j;

	CU_ASSERT_EQUAL_FATAL(parse(line, &j), 0);
	if (!j.distributable)
		fprintf(stderr, "\n%s: local: %s\n", line, j.reason);
	CU_ASSERT_EQUAL_FATAL(j.distributable, 1);
	CU_ASSERT_EQUAL(j.mode, mode);
	CU_ASSERT_EQUAL(j.lang, lang);
	CU_ASSERT_STRING_EQUAL(j.source, src);
	CU_ASSERT_STRING_EQUAL(j.output, out);
	if (cpp != NULL) {
		if (strcmp(join(j.cpp_argv), cpp) != 0)
			fprintf(stderr, "\ncpp: %s\nwant %s\n",
			    join(j.cpp_argv), cpp);
		CU_ASSERT_STRING_EQUAL(join(j.cpp_argv), cpp);
	}
	if (cc != NULL) {
		if (strcmp(join(j.cc_argv), cc) != 0)
			fprintf(stderr, "\ncc: %s\nwant %s\n",
			    join(j.cc_argv), cc);
		CU_ASSERT_STRING_EQUAL(join(j.cc_argv), cc);
	}
	CU_ASSERT_PTR_NULL(j.cpp_argv[j.cpp_argc]);
	CU_ASSERT_PTR_NULL(j.cc_argv[j.cc_argc]);
	args_job_clear(&j);
	CU_ASSERT_PTR_NULL(j.cpp_argv);
}

/* Not distributable, for the expected reason. */
static void
refuse(const char *line, const char *reason)
{
	struct args_job j;

	CU_ASSERT_EQUAL_FATAL(parse(line, &j), 0);
	CU_ASSERT_EQUAL(j.distributable, 0);
	if (strcmp(j.reason, reason) != 0)
		fprintf(stderr, "\n%s: reason \"%s\", want \"%s\"\n", line,
		    j.reason, reason);
	CU_ASSERT_STRING_EQUAL(j.reason, reason);
	CU_ASSERT_PTR_NULL(j.cpp_argv);
	CU_ASSERT_PTR_NULL(j.cc_argv);
	CU_ASSERT_PTR_NULL(j.source);
	args_job_clear(&j);
}

static void
test_plain(void)
{
	expect("gcc -c x.c", 'c', CCARGS_LANG_C, "x.c", "x.o",
	    "gcc x.c -E", "gcc -c");
	expect("gcc -S x.c", 'S', CCARGS_LANG_C, "x.c", "x.s",
	    "gcc x.c -E", "gcc -S");
	expect("gcc -c -S x.c", 'S', CCARGS_LANG_C, "x.c", "x.s", NULL,
	    "gcc -S");
	expect("cc -O2 -g -Wall -c src/x.c -o obj/x.o", 'c', CCARGS_LANG_C,
	    "src/x.c", "obj/x.o", "cc -O2 -g -Wall src/x.c -E",
	    "cc -c -O2 -g -Wall");
	expect("gcc -c x.c -oy.o", 'c', CCARGS_LANG_C, "x.c", "y.o",
	    "gcc x.c -E", "gcc -c");
	expect("gcc -o y.o -c x.c", 'c', CCARGS_LANG_C, "x.c", "y.o",
	    "gcc x.c -E", "gcc -c");
	/* derived names: basename, last suffix, cwd */
	expect("gcc -c ../a.b/x.y.c", 'c', CCARGS_LANG_C, "../a.b/x.y.c",
	    "x.y.o", NULL, NULL);
	expect("gcc -c .hid.c", 'c', CCARGS_LANG_C, ".hid.c", ".hid.o", NULL,
	    NULL);
	expect("gcc -x c -c a.b/noext", 'c', CCARGS_LANG_C, "a.b/noext",
	    "noext.o", "gcc -x c a.b/noext -E", "gcc -c");
	/* harmless extras */
	expect("gcc -c x.c -frandom-seed=x -pipe -fPIC -march=x86-64 -std=c11",
	    'c', CCARGS_LANG_C, "x.c", "x.o", NULL,
	    "gcc -c -frandom-seed=x -pipe -fPIC -march=x86-64 -std=c11");
	/* link options: ignored by a compile, but clang's driver says so
	   ("argument unused"): the preprocessing gets them and says it,
	   as a compile here would; never the server's compile */
	expect("gcc -c x.c -lm -L/usr/lib -Wl,-z,now -static", 'c',
	    CCARGS_LANG_C, "x.c", "x.o",
	    "gcc x.c -lm -L/usr/lib -Wl,-z,now -static -E", "gcc -c");
	expect("gcc -c x.c -P -C", 'c', CCARGS_LANG_C, "x.c", "x.o",
	    "gcc x.c -E", "gcc -c");
	expect("gcc -c x.c -Wa,--noexecstack", 'c', CCARGS_LANG_C, "x.c", "x.o",
	    NULL, "gcc -c -Wa,--noexecstack");
	expect("gcc -c x.c -fdebug-prefix-map=/a=/b -ffile-prefix-map=/c=/d "
	    "-fmacro-prefix-map=/e=/f", 'c', CCARGS_LANG_C, "x.c", "x.o",
	    "gcc x.c -fdebug-prefix-map=/a=/b -ffile-prefix-map=/c=/d "
	    "-fmacro-prefix-map=/e=/f -E",
	    "gcc -c -fdebug-prefix-map=/a=/b -ffile-prefix-map=/c=/d "
	    "-fmacro-prefix-map=/e=/f");
	expect("clang -c x.c -target aarch64-linux-gnu --param max-x=1", 'c',
	    CCARGS_LANG_C, "x.c", "x.o", NULL,
	    "clang -c -target aarch64-linux-gnu --param max-x=1");
}

static void
test_languages(void)
{
	static const struct {
		const char	*src;
		enum ccargs_lang	 lang;
	} t[] = {
		{ "x.c", CCARGS_LANG_C }, { "x.i", CCARGS_LANG_C },
		{ "x.cc", CCARGS_LANG_CXX }, { "x.cpp", CCARGS_LANG_CXX },
		{ "x.cxx", CCARGS_LANG_CXX }, { "x.c++", CCARGS_LANG_CXX },
		{ "x.C", CCARGS_LANG_CXX }, { "x.ii", CCARGS_LANG_CXX },
		{ "x.cp", CCARGS_LANG_CXX }, { "x.CPP", CCARGS_LANG_CXX },
		{ "x.m", CCARGS_LANG_OBJC }, { "x.mm", CCARGS_LANG_OBJCXX },
		{ "x.M", CCARGS_LANG_OBJCXX },
	};
	char	 line[64];
	size_t	 i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		snprintf(line, sizeof(line), "g++ -c %s", t[i].src);
		expect(line, 'c', t[i].lang, t[i].src, "x.o", NULL, "g++ -c");
	}
	/* -x applies to the inputs after it, until -x none */
	expect("gcc -x c++ -c x.c", 'c', CCARGS_LANG_CXX, "x.c", "x.o",
	    "gcc -x c++ x.c -E", "gcc -c");
	expect("gcc -xobjective-c -c x.c", 'c', CCARGS_LANG_OBJC, "x.c", "x.o",
	    "gcc -xobjective-c x.c -E", "gcc -c");
	expect("gcc -x objective-c++ -c x.c", 'c', CCARGS_LANG_OBJCXX, "x.c",
	    "x.o", NULL, NULL);
	expect("gcc -x c++ -x none -c x.c", 'c', CCARGS_LANG_C, "x.c", "x.o",
	    NULL, NULL);
	expect("gcc -c x.c -x c++", 'c', CCARGS_LANG_C, "x.c", "x.o", NULL,
	    NULL);
	/* a header compiled as a source is no precompiled header */
	expect("gcc -x c -c x.h", 'c', CCARGS_LANG_C, "x.h", "x.o", NULL,
	    NULL);
	expect("gcc -x cpp-output -c x.q", 'c', CCARGS_LANG_C, "x.q", "x.o",
	    NULL, NULL);
	expect("gcc -x c -c x.o -o y.o", 'c', CCARGS_LANG_C, "x.o", "y.o", NULL,
	    NULL);

	CU_ASSERT_STRING_EQUAL(ccargs_lang_name(CCARGS_LANG_C), "c");
	CU_ASSERT_STRING_EQUAL(ccargs_lang_name(CCARGS_LANG_CXX), "c++");
	CU_ASSERT_STRING_EQUAL(ccargs_lang_name(CCARGS_LANG_OBJC), "objective-c");
	CU_ASSERT_STRING_EQUAL(ccargs_lang_name(CCARGS_LANG_OBJCXX),
	    "objective-c++");
	CU_ASSERT_PTR_NULL(ccargs_lang_name(CCARGS_LANG_COUNT));
	CU_ASSERT_PTR_NULL(ccargs_lang_name((enum ccargs_lang)-1));
	CU_ASSERT_STRING_EQUAL(ccargs_lang_cpp_output(CCARGS_LANG_C),
	    "cpp-output");
	CU_ASSERT_STRING_EQUAL(ccargs_lang_cpp_output(CCARGS_LANG_CXX),
	    "c++-cpp-output");
	CU_ASSERT_STRING_EQUAL(ccargs_lang_cpp_output(CCARGS_LANG_OBJC),
	    "objective-c-cpp-output");
	CU_ASSERT_STRING_EQUAL(ccargs_lang_cpp_output(CCARGS_LANG_OBJCXX),
	    "objective-c++-cpp-output");
	CU_ASSERT_PTR_NULL(ccargs_lang_cpp_output(CCARGS_LANG_COUNT));
	CU_ASSERT_EQUAL(ccargs_lang_from_name("c"), CCARGS_LANG_C);
	CU_ASSERT_EQUAL(ccargs_lang_from_name("c++"), CCARGS_LANG_CXX);
	CU_ASSERT_EQUAL(ccargs_lang_from_name("objective-c"), CCARGS_LANG_OBJC);
	CU_ASSERT_EQUAL(ccargs_lang_from_name("objective-c++"),
	    CCARGS_LANG_OBJCXX);
	CU_ASSERT_EQUAL(ccargs_lang_from_name("C"), -1);
	CU_ASSERT_EQUAL(ccargs_lang_from_name(""), -1);
	CU_ASSERT_EQUAL(ccargs_lang_from_name(NULL), -1);
}

/* Preprocessor options in both forms reach cpp_argv only. */
static void
test_preprocessor_options(void)
{
	struct args_job j;
	static const char *const pp[] = {
		"-I", "-D", "-U", "-include", "-imacros", "-isystem",
		"-idirafter", "-iquote", "-MF", "-MT", "-MQ",
	};
	size_t	 i, k;

	expect("gcc -Ifoo -I foo -DX=1 -D Y -UZ -include f.h -includeg.h "
	    "-imacros m.h -isystem s -idirafter d -iquote q -nostdinc -c x.c",
	    'c', CCARGS_LANG_C, "x.c", "x.o",
	    "gcc -Ifoo -I foo -DX=1 -D Y -UZ -include f.h -includeg.h "
	    "-imacros m.h -isystem s -idirafter d -iquote q -nostdinc x.c -E",
	    "gcc -c");
	CU_ASSERT_EQUAL_FATAL(parse("gcc -O2 -I inc -Iinc2 -DA -D B=2 -include "
	    "c.h -fno-common -MD -MF x.d -MT t -c x.c -W -Wextra", &j), 0);
	CU_ASSERT_EQUAL_FATAL(j.distributable, 1);
	for (k = 0; j.cc_argv[k] != NULL; k++)
		for (i = 0; i < sizeof(pp) / sizeof(pp[0]); i++)
			CU_ASSERT(strncmp(j.cc_argv[k], pp[i],
			    strlen(pp[i])) != 0);
	CU_ASSERT_STRING_EQUAL(join(j.cc_argv),
	    "gcc -c -O2 -fno-common -W -Wextra");
	/* FALLTHROUGH comments matter to -Wextra: cpp keeps comments */
	CU_ASSERT(has(j.cpp_argv, "-C"));
	CU_ASSERT(!has(j.cc_argv, "inc") && !has(j.cc_argv, "c.h") &&
	    !has(j.cc_argv, "B=2") && !has(j.cc_argv, "x.c"));
	args_job_clear(&j);
	/* ... and to -Wimplicit-fallthrough alone; not to -Wall */
	expect("gcc -c x.c -Wimplicit-fallthrough=3", 'c', CCARGS_LANG_C, "x.c",
	    "x.o", "gcc x.c -Wimplicit-fallthrough=3 -E -C",
	    "gcc -c -Wimplicit-fallthrough=3");
	expect("gcc -c x.c -Wall -Wno-extra", 'c', CCARGS_LANG_C, "x.c", "x.o",
	    "gcc x.c -Wall -Wno-extra -E", "gcc -c -Wall -Wno-extra");
	expect("gcc -c x.c -Wall", 'c', CCARGS_LANG_C, "x.c", "x.o",
	    "gcc x.c -Wall -E", "gcc -c -Wall");
}

/*
 * Dependency options: kept for cpp, and the target and file a compile
 * would use named explicitly (gcc 12 and clang 14 behave alike: file =
 * output with its suffix replaced by .d, target = output quoted as by
 * -MQ; without -o, basename.o and basename.d in the cwd, even for -S).
 */
static void
test_deps(void)
{
	struct args_job j;

	expect("gcc -MD -c x.c", 'c', CCARGS_LANG_C, "x.c", "x.o",
	    "gcc -MD x.c -E -MQx.o -MFx.d", "gcc -c");
	expect("gcc -MMD -c src/x.c -o obj/x.o", 'c', CCARGS_LANG_C, "src/x.c",
	    "obj/x.o", "gcc -MMD src/x.c -E -MQobj/x.o -MFobj/x.d",
	    "gcc -c");
	expect("gcc -MMD -MF x.d -MT foo -c x.c -o out/x.o", 'c', CCARGS_LANG_C,
	    "x.c", "out/x.o", "gcc -MMD -MF x.d -MT foo x.c -E", "gcc -c");
	expect("gcc -MD -MFdeps/x.dep -c x.c -o x.o", 'c', CCARGS_LANG_C, "x.c",
	    "x.o", "gcc -MD -MFdeps/x.dep x.c -E -MQx.o", "gcc -c");
	expect("gcc -MD -MQ t -c x.c -o a.b/c", 'c', CCARGS_LANG_C, "x.c",
	    "a.b/c", "gcc -MD -MQ t x.c -E -MFa.b/c.d", "gcc -c");
	expect("gcc -MD -MP -c x.c -o y.obj", 'c', CCARGS_LANG_C, "x.c",
	    "y.obj", "gcc -MD -MP x.c -E -MQy.obj -MFy.d", "gcc -c");
	expect("gcc -MD -c x.c -o .hid", 'c', CCARGS_LANG_C, "x.c", ".hid",
	    "gcc -MD x.c -E -MQ.hid -MF.d", "gcc -c");
	expect("gcc -MD -S x.c", 'S', CCARGS_LANG_C, "x.c", "x.s",
	    "gcc -MD x.c -E -MQx.o -MFx.d", "gcc -S");
	expect("gcc -MD -S x.c -o y.s", 'S', CCARGS_LANG_C, "x.c", "y.s",
	    "gcc -MD x.c -E -MQy.s -MFy.d", "gcc -S");
	expect("gcc -MMD -MT a -MT b -MP -MG -c x.c", 'c', CCARGS_LANG_C, "x.c",
	    "x.o", "gcc -MMD -MT a -MT b -MP -MG x.c -E -MFx.d", "gcc -c");
	/* -MF/-MT without -MD/-MMD: passed through, nothing added */
	expect("gcc -MF x.d -c x.c", 'c', CCARGS_LANG_C, "x.c", "x.o",
	    "gcc -MF x.d x.c -E", "gcc -c");

	CU_ASSERT_EQUAL_FATAL(parse("gcc -MD -c x.c -o o/y.o", &j), 0);
	CU_ASSERT_STRING_EQUAL(j.depfile, "o/y.d");
	args_job_clear(&j);
	CU_ASSERT_EQUAL_FATAL(parse("gcc -MD -MF z.d -c x.c", &j), 0);
	CU_ASSERT_STRING_EQUAL(j.depfile, "z.d");
	args_job_clear(&j);
	CU_ASSERT_EQUAL_FATAL(parse("gcc -c x.c", &j), 0);
	CU_ASSERT_PTR_NULL(j.depfile);
	args_job_clear(&j);
}

/* An output with a space and a dollar, which need -MQ quoting. */
static void
test_deps_quoting(void)
{
	char		*argv[] = { "gcc", "-MD", "-c", "x.c", "-o", "a$b c.o",
	    NULL };
	struct args_job	 j;
	char		 err[64];

	CU_ASSERT_EQUAL_FATAL(args_parse(6, argv, &j, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL_FATAL(j.distributable, 1);
	CU_ASSERT_EQUAL_FATAL(j.cpp_argc, 6);
	CU_ASSERT_STRING_EQUAL(j.cpp_argv[3], "-E");
	CU_ASSERT_STRING_EQUAL(j.cpp_argv[4], "-MQa$b c.o");
	CU_ASSERT_STRING_EQUAL(j.cpp_argv[5], "-MFa$b c.d");
	args_job_clear(&j);
}

static void
test_debug(void)
{
	struct args_job j;

	CU_ASSERT_EQUAL_FATAL(parse("gcc -g -c x.c", &j), 0);
	CU_ASSERT_EQUAL(j.debug, 1);
	/* cpp needs -g too: gcc writes the cwd into the .i then */
	CU_ASSERT(has(j.cpp_argv, "-g") && has(j.cc_argv, "-g"));
	args_job_clear(&j);
	CU_ASSERT_EQUAL_FATAL(parse("gcc -g -g0 -c x.c", &j), 0);
	CU_ASSERT_EQUAL(j.debug, 0);
	args_job_clear(&j);
	CU_ASSERT_EQUAL_FATAL(parse("gcc -gdwarf-4 -gz -c x.c", &j), 0);
	CU_ASSERT_EQUAL(j.debug, 1);
	args_job_clear(&j);
	CU_ASSERT_EQUAL_FATAL(parse("gcc -O2 -c x.c", &j), 0);
	CU_ASSERT_EQUAL(j.debug, 0);
	args_job_clear(&j);
}

static void
test_local(void)
{
	static const struct {
		const char	*line, *reason;
	} t[] = {
		{ "gcc x.c", "linking" },
		{ "gcc x.c -o prog", "linking" },
		{ "gcc a.o b.o -o prog -lm", "linking" },
		{ "gcc --version", "no -c or -S" },
		{ "gcc", "no -c or -S" },
		{ "gcc -c", "no input file" },
		{ "gcc -E x.c", "-E" },
		{ "gcc -E -c x.c", "-E" },
		{ "gcc -M -c x.c", "-M without compile" },
		{ "gcc -MM x.c", "-M without compile" },
		{ "gcc -c x.c y.c", "several sources" },
		{ "gcc -c x.c y.o", "several sources" },
		{ "gcc -c -", "stdin input" },
		{ "gcc -x c -c -", "stdin input" },
		{ "gcc -c x.s", "not a C/C++ source" },
		{ "gcc -c x.S", "not a C/C++ source" },
		{ "gcc -c x.h", "precompiled header" },
		{ "gcc x.h", "precompiled header" },
		{ "g++ -o x.hpp.gch x.hpp", "precompiled header" },
		{ "g++ -c include/x.hh -o x.hh.gch", "precompiled header" },
		{ "g++ -x c++-header -c pch.hxx.cxx -o pch.hxx.gch",
		    "precompiled header" },
		{ "gcc -x c-header x.h", "precompiled header" },
		{ "gcc -E x.h", "-E" },
		{ "gcc -c .h", "not a C/C++ source" },
		{ "gcc -c .c", "not a C/C++ source" },
		{ "gcc -c noext", "not a C/C++ source" },
		{ "gcc -x assembler -c x.c", "unsupported -x assembler" },
		{ "gcc -xc-header -c x.h", "precompiled header" },
		{ "gcc -c x.c -o -", "output to stdout" },
		{ "gcc -c x.c -o", "missing argument" },
		{ "gcc -c x.c -o a.o -o b.o", "several -o" },
		{ "gcc -c x.c -o dir/", "bad output name" },
		{ "gcc -c x.c @opts", "@file response file" },
		{ "gcc -c x.c -target @t", "@file response file" },
		{ "gcc -c x.c -I @inc", "@file response file" },
		{ "gcc -c x.c -fplugin=./p.so", "-fplugin" },
		{ "gcc -c x.c -fplugin-arg-p-x=1", "-fplugin" },
		{ "clang -c x.c -fpass-plugin=p.so", "-fplugin" },
		{ "gcc -c x.c -specs=my.specs", "-specs=" },
		{ "gcc -c x.c --specs=my.specs", "-specs=" },
		{ "gcc -c x.c -B/tmp/evil", "-B" },
		{ "gcc -c x.c -B /tmp/evil", "-B" },
		{ "gcc -c x.c -wrapper gdb", "-wrapper" },
		{ "gcc -c x.c -iplugindir=/x", "-iplugindir" },
		{ "gcc -c x.c --sysroot=/sr", "--sysroot" },
		{ "gcc -c x.c --sysroot /sr", "--sysroot" },
		{ "clang -c x.c -Xclang -load", "-Xclang" },
		{ "clang -c x.c -mllvm -stats", "-mllvm" },
		{ "gcc -c x.c -Wp,-MD,x.d", "-Wp, preprocessor options" },
		{ "gcc -c x.c -Xpreprocessor -MD", "-Xpreprocessor" },
		{ "gcc -c x.c -Xassembler -a", "-Xassembler" },
		{ "gcc -c x.c -Wa,-adhln=x.lst", "-Wa, assembler option" },
		{ "gcc -c x.c -Wa,--noexecstack,-a", "-Wa, assembler option" },
		{ "gcc -c x.c -fprofile-use", "profile feedback" },
		{ "gcc -c x.c -fprofile-generate", "profile feedback" },
		{ "gcc -c x.c -fprofile-arcs", "profile feedback" },
		{ "gcc -c x.c -fauto-profile=x.afdo", "profile feedback" },
		{ "gcc -c x.c --coverage", "coverage" },
		{ "gcc -c x.c -ftest-coverage", "coverage" },
		{ "clang -c x.c -fcoverage-mapping", "coverage" },
		{ "gcc -c x.c -save-temps", "-save-temps" },
		{ "gcc -c x.c -save-temps=obj", "-save-temps" },
		{ "gcc -c x.c -fdump-tree-all", "-fdump-*" },
		{ "gcc -c x.c -fstack-usage", "-fstack-usage" },
		{ "gcc -c x.c -fcallgraph-info", "-fcallgraph-info" },
		{ "gcc -c x.c -frecord-gcc-switches", "-frecord-gcc-switches" },
		{ "gcc -c x.c -march=native", "-march=native" },
		{ "gcc -c x.c -mtune=native", "-march=native" },
		{ "gcc -c x.c -g3", "-g3 macro debug info" },
		{ "gcc -c x.c -ggdb3", "-g3 macro debug info" },
		{ "gcc -c x.c -gsplit-dwarf", "-gsplit-dwarf" },
		{ "clang -c x.c -grecord-command-line", "-grecord-command-line" },
		{ "clang -c x.c -fdebug-compilation-dir=.",
		    "-fdebug-compilation-dir" },
		{ "gcc -c x.c -fno-working-directory", "-fno-working-directory" },
		{ "gcc -c x.c -fdirectives-only", "-fdirectives-only" },
		{ "gcc -c x.c -fsyntax-only", "-fsyntax-only" },
		{ "gcc -c x.c -fsanitize-ignorelist=l.txt", "sanitizer list file" },
		{ "clang -c x.c -fmodules", "modules" },
		{ "gcc -c x.c -include-pch x.pch", "precompiled header" },
		{ "gcc -c x.c -v", "-v" },
		{ "gcc -c x.c -###", "-v" },
		{ "gcc -c x.c -dM", "-d option" },
		{ "gcc -c x.c -MJ x.json", "-MJ" },
		{ "gcc -c x.c -MF -", "odd option value" },
		{ "gcc -c x.c -MF-", "dependencies to stdout" },
		{ "gcc -c x.c -I -", "odd option value" },
		{ "gcc -c x.c -I", "missing argument" },
		{ "gcc -c x.c -frobnicate-the-thing-for-sure-with-a-very-long-name",
		    NULL },	/* -f* is passed on: not refused */
		{ "gcc -c x.c -Zfoo", "unsupported option -Zfoo" },
		{ "gcc -c x.c --frob", "unsupported option --frob" },
		{ "gcc -c x.c -foffload=nvptx-none", "-foffload" },
		{ "gcc -c x.c -traditional", "-traditional" },
		/* the first reason wins; "linking" beats option reasons */
		{ "gcc -c x.c -save-temps -fplugin=x", "-save-temps" },
		{ "gcc x.c -fplugin=x -o prog", "linking" },
		/* an option value that names the source */
		{ "clang -c x.c --param x.c", "option value names the source" },
	};
	size_t	 i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		if (t[i].reason == NULL) {
			struct args_job j;

			CU_ASSERT_EQUAL(parse(t[i].line, &j), 0);
			CU_ASSERT_EQUAL(j.distributable, 1);
			args_job_clear(&j);
			continue;
		}
		refuse(t[i].line, t[i].reason);
	}
}

/* Hostile shapes: long, many, unprintable; never a crash. */
static void
test_hostile(void)
{
	static char	*argv[CCARGS_ARGC_MAX + 2];
	static char	 big[CCARGS_ARG_MAX + 2];
	struct args_job	 j;
	char		 err[64], weird[] = "-\x01\xff\x7f";
	int		 i;

	for (i = 0; i < CCARGS_ARGC_MAX + 1; i++)
		argv[i] = "-O2";
	argv[0] = "gcc";
	argv[1] = "-c";
	argv[2] = "x.c";
	CU_ASSERT_EQUAL(args_parse(CCARGS_ARGC_MAX + 1, argv, &j, err,
	    sizeof(err)), 0);
	CU_ASSERT_EQUAL(j.distributable, 0);
	CU_ASSERT_STRING_EQUAL(j.reason, "too many arguments");
	args_job_clear(&j);
	CU_ASSERT_EQUAL(args_parse(CCARGS_ARGC_MAX, argv, &j, err,
	    sizeof(err)), 0);
	CU_ASSERT_EQUAL(j.distributable, 1);
	CU_ASSERT_EQUAL(j.cc_argc, CCARGS_ARGC_MAX - 1);
	args_job_clear(&j);

	memset(big, 'D', sizeof(big) - 1);
	big[0] = '-';
	argv[3] = big;
	argv[4] = NULL;
	CU_ASSERT_EQUAL(args_parse(4, argv, &j, err, sizeof(err)), 0);
	CU_ASSERT_STRING_EQUAL(j.reason, "arguments too long");
	args_job_clear(&j);

	argv[3] = weird;
	CU_ASSERT_EQUAL(args_parse(4, argv, &j, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(j.distributable, 0);
	CU_ASSERT_STRING_EQUAL(j.reason, "unsupported option -???");
	args_job_clear(&j);

	/* argc larger than the argv: stops at the NULL */
	argv[3] = NULL;
	CU_ASSERT_EQUAL(args_parse(5, argv, &j, err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(j.distributable, 0);
	args_job_clear(&j);

	CU_ASSERT_EQUAL(args_parse(0, argv, &j, err, sizeof(err)), -1);
	CU_ASSERT_STRING_EQUAL(err, "empty argv");
	args_job_clear(NULL);
}

static void
test_append(void)
{
	struct args_job j;
	char		 err[64];
	int		 i;

	CU_ASSERT_EQUAL_FATAL(parse("clang -g -c x.c", &j), 0);
	for (i = 0; i < 40; i++)
		CU_ASSERT_EQUAL(args_cc_append(&j, "-fdebug-compilation-dir=/w",
		    err, sizeof(err)), 0);
	CU_ASSERT_EQUAL(j.cc_argc, 43);
	CU_ASSERT_STRING_EQUAL(j.cc_argv[42], "-fdebug-compilation-dir=/w");
	CU_ASSERT_PTR_NULL(j.cc_argv[43]);
	args_job_clear(&j);
	CU_ASSERT_EQUAL_FATAL(parse("gcc x.c", &j), 0);
	CU_ASSERT_EQUAL(args_cc_append(&j, "-g", err, sizeof(err)), -1);
	args_job_clear(&j);
}

/* The server's check accepts what args_parse() produces, nothing else. */
static void
test_cc_check(void)
{
	static const char *const ok[] = {
		"gcc -c",
		"gcc -S -O2 -g -Wall -fPIC -std=c11 -pedantic",
		"clang -c -g -fdebug-compilation-dir=/home/u/p",
		"gcc -c -fdebug-prefix-map=/a=/b --param max-x=1",
		"clang -c -target x86_64-linux-gnu -Wa,--noexecstack",
		/* the joined macros of args_rewrite_includes() */
		"clang -c -DX -DY=1 -UZ",
	};
	static const char *const bad[] = {
		"gcc", "gcc -O2", "gcc -c x.c", "gcc -c -o x.o", "gcc -c -x c",
		"gcc -c -Iinc", "gcc -c -D X", "gcc -c -D", "gcc -c -U",
		"gcc -c -include f.h",
		"gcc -c -MD", "gcc -c -fplugin=p.so", "gcc -c -B/x",
		"gcc -c -specs=s", "gcc -c -wrapper", "gcc -c -E",
		"gcc -c -save-temps", "gcc -c -Wa,-adhln=l", "gcc -c -g3",
		"gcc -c -Xclang", "gcc -c --param", "gcc -c -lm",
		"gcc -c -Zweird", "gcc -c @file", "gcc -c -",
		"gcc -c -target @file", "gcc -c --param @file",
	};
	char	*argv[MAXA], buf[1024], why[64];
	size_t	 i;
	int	 argc;

	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		argc = mk(ok[i], argv, buf);
		CU_ASSERT_EQUAL(ccargs_check(argc, argv, why, sizeof(why)), 0);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		argc = mk(bad[i], argv, buf);
		if (ccargs_check(argc, argv, why, sizeof(why)) != -1)
			fprintf(stderr, "\naccepted: %s\n", bad[i]);
		CU_ASSERT_EQUAL(ccargs_check(argc, argv, why, sizeof(why)),
		    -1);
	}
}

/* Whatever args_parse() puts into cc_argv passes the server's check. */
static void
test_cc_roundtrip(void)
{
	static const char *const lines[] = {
		"gcc -O2 -g -Wall -Werror -fPIC -march=x86-64 -Iinc -DX=1 -c x.c",
		"g++ -std=c++17 -pthread -MD -MP -S x.cc -o x.s -fno-rtti",
		"clang -target aarch64-linux-gnu --param a=1 -c x.c -w -p",
	};
	struct args_job	 j;
	char		 why[64];
	size_t		 i;

	for (i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		CU_ASSERT_EQUAL_FATAL(parse(lines[i], &j), 0);
		CU_ASSERT_EQUAL_FATAL(j.distributable, 1);
		CU_ASSERT_EQUAL(ccargs_check(j.cc_argc, j.cc_argv, why,
		    sizeof(why)), 0);
		args_job_clear(&j);
	}
}

int
init_args_tests(void)
{
	CU_pSuite s = CU_add_suite("args", NULL, NULL);

	if (s == NULL ||
	    CU_add_test(s, "plain compiles", test_plain) == NULL ||
	    CU_add_test(s, "languages and -x", test_languages) == NULL ||
	    CU_add_test(s, "preprocessor options",
	    test_preprocessor_options) == NULL ||
	    CU_add_test(s, "dependency options", test_deps) == NULL ||
	    CU_add_test(s, "dependency target quoting",
	    test_deps_quoting) == NULL ||
	    CU_add_test(s, "debug info", test_debug) == NULL ||
	    CU_add_test(s, "local-only reasons", test_local) == NULL ||
	    CU_add_test(s, "hostile argv", test_hostile) == NULL ||
	    CU_add_test(s, "cc append", test_append) == NULL ||
	    CU_add_test(s, "server check", test_cc_check) == NULL ||
	    CU_add_test(s, "server check accepts ours",
	    test_cc_roundtrip) == NULL)
		return -1;
	return 0;
}
