// SPDX-License-Identifier: GPL-2.0
/*
 * bench_exec: how long whole commands take, process start included.
 *
 *   bench_exec [-r ROUNDS] [-w WARMUP] SPECFILE
 *
 * SPECFILE has one command a line, words separated by blanks:
 *
 *   NAME STDIN ARG0 [ARG1 ...]
 *
 * STDIN is a file the command reads on standard input (read from its start
 * every run) or "-" for /dev/null; ARG0 is the program's path. Standard
 * output and error go to /dev/null.
 *
 * Each round runs every command once, in the file's order (a b c a b c
 * ...), so noise on the machine hits all of them alike. One run is
 * fork(), execv() and waitpid(), timed with CLOCK_MONOTONIC from before
 * the fork to after the wait. WARMUP rounds are run first and not counted.
 * A command that exits other than 0, or dies, stops everything with exit
 * status 1: a failing command is never timed.
 *
 * Prints one JSON line: per command the median, quartiles, minimum and
 * maximum in microseconds. The ratios between commands are the figures to
 * compare; absolute times under emulation mean little.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_CMDS	32
#define MAX_ARGS	1024

struct cmd {
	char *name;
	char *stdin_path;
	char *argv[MAX_ARGS + 1];
	int in_fd;
	double *us;
};

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

/* Split LINE in place into the words of one command; 0 or -1. */
static int parse_line(char *line, struct cmd *c)
{
	char *save, *w;
	int n = 0;

	c->name = strtok_r(line, " \t\n", &save);
	c->stdin_path = strtok_r(NULL, " \t\n", &save);
	while ((w = strtok_r(NULL, " \t\n", &save))) {
		if (n == MAX_ARGS)
			return -1;
		c->argv[n++] = w;
	}
	c->argv[n] = NULL;
	return c->name && c->stdin_path && n ? 0 : -1;
}

static int read_spec(const char *path, struct cmd *cmds)
{
	size_t cap = 0;
	char *line = NULL;
	int n = 0;
	FILE *f;

	f = fopen(path, "r");
	if (!f) {
		fprintf(stderr, "bench_exec: %s: %s\n", path, strerror(errno));
		return -1;
	}
	while (getline(&line, &cap, f) > 0) {
		if (line[strspn(line, " \t\n")] == '\0')
			continue;
		if (n == MAX_CMDS || parse_line(line, &cmds[n]) < 0) {
			fprintf(stderr, "bench_exec: %s: bad line %d\n", path,
				n + 1);
			return -1;
		}
		line = NULL;	/* the words point into it: keep it */
		cap = 0;
		n++;
	}
	free(line);
	fclose(f);
	return n;
}

/* One run of C; its time in microseconds, or a negative number. */
static double run_once(struct cmd *c, int null_fd)
{
	double t0, t1;
	int status;
	pid_t pid;

	if (lseek(c->in_fd, 0, SEEK_SET) < 0)
		return -1;
	t0 = now_us();
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		if (dup2(c->in_fd, 0) < 0 || dup2(null_fd, 1) < 0 ||
		    dup2(null_fd, 2) < 0)
			_exit(126);
		execv(c->argv[0], c->argv);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) != pid)
		return -1;
	t1 = now_us();
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		fprintf(stderr, "bench_exec: %s (%s) failed: status 0x%x\n",
			c->name, c->argv[0], status);
		return -1;
	}
	return t1 - t0;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* The value at fraction P of the sorted V (linear between neighbours). */
static double quantile(const double *v, int n, double p)
{
	double pos = p * (n - 1);
	int i = (int)pos;

	if (i + 1 >= n)
		return v[n - 1];
	return v[i] + (pos - i) * (v[i + 1] - v[i]);
}

int main(int argc, char **argv)
{
	static struct cmd cmds[MAX_CMDS];
	int rounds = 50, warmup = 2;
	int ncmd, null_fd, opt, r, i;
	double t;

	while ((opt = getopt(argc, argv, "r:w:")) != -1) {
		switch (opt) {
		case 'r':
			rounds = atoi(optarg);
			break;
		case 'w':
			warmup = atoi(optarg);
			break;
		default:
			goto usage;
		}
	}
	if (optind != argc - 1 || rounds < 1 || warmup < 0)
		goto usage;
	ncmd = read_spec(argv[optind], cmds);
	if (ncmd <= 0)
		return 1;

	null_fd = open("/dev/null", O_RDWR);
	if (null_fd < 0)
		return 1;
	for (i = 0; i < ncmd; i++) {
		struct cmd *c = &cmds[i];

		c->in_fd = strcmp(c->stdin_path, "-") ?
			   open(c->stdin_path, O_RDONLY) : null_fd;
		c->us = calloc(rounds, sizeof(*c->us));
		if (c->in_fd < 0 || !c->us) {
			fprintf(stderr, "bench_exec: %s: %s\n", c->stdin_path,
				strerror(errno));
			return 1;
		}
	}

	for (r = -warmup; r < rounds; r++) {
		for (i = 0; i < ncmd; i++) {
			t = run_once(&cmds[i], null_fd);
			if (t < 0)
				return 1;
			if (r >= 0)
				cmds[i].us[r] = t;
		}
	}

	printf("{\"rounds\": %d, \"warmup\": %d, \"commands\": [", rounds,
	       warmup);
	for (i = 0; i < ncmd; i++) {
		double *v = cmds[i].us;

		qsort(v, rounds, sizeof(*v), cmp_double);
		printf("%s{\"name\": \"%s\", ", i ? ", " : "",
		       cmds[i].name);
		printf("\"median_us\": %.1f, ", quantile(v, rounds, 0.5));
		printf("\"q1_us\": %.1f, ", quantile(v, rounds, 0.25));
		printf("\"q3_us\": %.1f, ", quantile(v, rounds, 0.75));
		printf("\"min_us\": %.1f, \"max_us\": %.1f}", v[0],
		       v[rounds - 1]);
	}
	printf("]}\n");
	return 0;

usage:
	fprintf(stderr, "usage: bench_exec [-r ROUNDS] [-w WARMUP] SPECFILE\n");
	return 2;
}
