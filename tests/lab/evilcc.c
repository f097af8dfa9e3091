/*
 * evilcc.c - a hostile "compiler" for tests/lab/t_hostile.sh.  Installed
 * under a cross-gcc name (x86_64-evil-linux-gnu-gcc) in a directory on
 * ccpoold's PATH, it answers the questions toolchain detection asks
 * (--version, -dumpfullversion, -dumpmachine, -print-prog-name=) like a
 * gcc would, so the server offers it as a toolchain.  Asked to compile,
 * it reads its input (the last argument) and does the hostile act named
 * on the input's first line:
 *
 *   read PATH...           print what it can read of each file or directory
 *   write PATH...          create each file
 *   connect ADDR PORT      open an AF_INET socket and connect
 *   forkbomb               fork forever, in every child too
 *   alloc                  allocate and touch 100 GiB
 *   loop                   spin forever
 *   pause                  sleep until killed
 *   bigfile                write a 10 GiB file in its directory
 *
 * and reports on stdout what happened; it exits 1 when the act failed.
 * Test code: it never runs outside the lab's sandboxed jobs on purpose.
 */
#include <sys/socket.h>

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define GIB	(1024ull * 1024 * 1024)

static int
act_read(char **w, int n)
{
	char		 buf[4096];
	struct dirent	*de;
	DIR		*d;
	ssize_t		 r;
	int		 i, fd, got = 0;

	for (i = 0; i < n; i++) {
		if ((d = opendir(w[i])) != NULL) {
			printf("list %s:", w[i]);
			while ((de = readdir(d)) != NULL)
				printf(" %s", de->d_name);
			printf("\n");
			closedir(d);
		}
		if ((fd = open(w[i], O_RDONLY)) == -1) {
			printf("read %s: %s\n", w[i], strerror(errno));
			continue;
		}
		if ((r = read(fd, buf, sizeof(buf) - 1)) > 0) {
			buf[r] = '\0';
			printf("read %s: STOLEN %s\n", w[i], buf);
			got = 1;
		} else
			printf("read %s: %s\n", w[i], r == 0 ? "empty" :
			    strerror(errno));
		close(fd);
	}
	return got ? 0 : 1;
}

static int
act_write(char **w, int n)
{
	int	 i, fd, got = 0;

	for (i = 0; i < n; i++) {
		if ((fd = open(w[i], O_WRONLY | O_CREAT | O_TRUNC, 0644)) ==
		    -1 || write(fd, "pwned\n", 6) != 6) {
			printf("write %s: %s\n", w[i], strerror(errno));
			continue;
		}
		close(fd);
		printf("write %s: DONE\n", w[i]);
		got = 1;
	}
	return got ? 0 : 1;
}

static int
act_connect(const char *addr, const char *port)
{
	struct sockaddr_in sin;
	int		 s;

	if ((s = socket(AF_INET, SOCK_STREAM, 0)) == -1) {
		printf("socket: %s\n", strerror(errno));
		return 1;
	}
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((unsigned short)atoi(port));
	if (inet_pton(AF_INET, addr, &sin.sin_addr) != 1) {
		printf("bad address %s\n", addr);
		return 1;
	}
	if (connect(s, (struct sockaddr *)&sin, sizeof(sin)) == -1) {
		printf("connect %s: %s\n", addr, strerror(errno));
		return 1;
	}
	(void)!write(s, "STOLEN\n", 7);
	printf("connect %s: CONNECTED\n", addr);
	return 0;
}

static int
act_alloc(void)
{
	size_t	 size = 100 * GIB, i;
	char	*p;

	if ((p = malloc(size)) == NULL) {
		fprintf(stderr, "evilcc: out of memory allocating %zu bytes\n",
		    size);
		return 1;
	}
	for (i = 0; i < size; i += 4096)
		p[i] = 1;
	printf("alloc: DONE\n");
	return 0;
}

static int
act_bigfile(void)
{
	static char	 buf[1 << 20];
	unsigned long long done = 0;
	ssize_t		 r;
	int		 fd;

	if ((fd = open("big", O_WRONLY | O_CREAT | O_TRUNC, 0644)) == -1) {
		printf("bigfile: %s\n", strerror(errno));
		return 1;
	}
	while (done < 10 * GIB) {
		if ((r = write(fd, buf, sizeof(buf))) <= 0) {
			fprintf(stderr, "evilcc: write after %llu bytes: %s\n",
			    done, r == 0 ? "nothing written" :
			    strerror(errno));
			return 1;
		}
		done += (unsigned long long)r;
	}
	printf("bigfile: DONE\n");
	return 0;
}

int
main(int argc, char *argv[])
{
	char	 text[4096], *w[16], *save = NULL, *t;
	ssize_t	 r;
	int	 fd, n = 0;

	if (argc == 2 && strcmp(argv[1], "--version") == 0) {
		printf("x86_64-evil-linux-gnu-gcc (Evil) 12.2.0\n"
		    "Copyright (C) 2022 Free Software Foundation, Inc.\n");
		return 0;
	}
	if (argc == 2 && strcmp(argv[1], "-dumpfullversion") == 0) {
		printf("12.2.0\n");
		return 0;
	}
	if (argc == 2 && strcmp(argv[1], "-dumpversion") == 0) {
		printf("12\n");
		return 0;
	}
	if (argc == 2 && strcmp(argv[1], "-dumpmachine") == 0) {
		printf("x86_64-evil-linux-gnu\n");
		return 0;
	}
	if (argc == 2 && strncmp(argv[1], "-print-prog-name=", 17) == 0) {
		printf("%s\n", argv[1] + 17);
		return 0;
	}
	if (argc < 2 || (fd = open(argv[argc - 1], O_RDONLY)) == -1) {
		fprintf(stderr, "evilcc: no input\n");
		return 1;
	}
	r = read(fd, text, sizeof(text) - 1);
	close(fd);
	text[r > 0 ? r : 0] = '\0';
	text[strcspn(text, "\n")] = '\0';
	for (t = strtok_r(text, " ", &save); t != NULL && n < 16;
	    t = strtok_r(NULL, " ", &save))
		w[n++] = t;
	if (n == 0)
		return 1;
	setvbuf(stdout, NULL, _IONBF, 0);
	if (strcmp(w[0], "read") == 0)
		return act_read(w + 1, n - 1);
	if (strcmp(w[0], "write") == 0)
		return act_write(w + 1, n - 1);
	if (strcmp(w[0], "connect") == 0 && n == 3)
		return act_connect(w[1], w[2]);
	if (strcmp(w[0], "forkbomb") == 0)
		for (;;)
			(void)fork();
	if (strcmp(w[0], "alloc") == 0)
		return act_alloc();
	if (strcmp(w[0], "loop") == 0)
		for (;;)
			;
	if (strcmp(w[0], "pause") == 0)
		for (;;)
			pause();
	if (strcmp(w[0], "bigfile") == 0)
		return act_bigfile();
	fprintf(stderr, "evilcc: unknown act %s\n", w[0]);
	return 1;
}
