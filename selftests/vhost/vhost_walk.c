// SPDX-License-Identifier: GPL-2.0
/*
 * vhost_walk [NPROC [NFDS [NTHREADS [CMD]]]]
 *
 * A full dump of the virtio_status family on a machine with many fds and
 * many threads, and the vhost devices found among them with the right
 * holders.
 *
 * This process opens two vhost-net devices, A and B, and becomes owner of
 * both. Then NPROC processes (default 10) each hold NFDS descriptors
 * (default 10000; RLIMIT_NOFILE is raised): dups of /dev/null, with a dup
 * of A at every VH_DUP_EVERY-th of them, and of B in the even-numbered
 * processes (the odd ones close B). One more process, holding A (not B),
 * runs NTHREADS threads (default 2000), all idle. So A has NPROC + 2
 * holders, B has NPROC / 2 rounded up + 1, and both are named by this
 * process's fd (the owner's lowest).
 *
 * Once all are in place: a full dump with a 64 KiB buffer, one with a
 * 4096-byte buffer (one call per datagram), and a do by A's path, each
 * timed; every one must succeed, be well formed (vs_devlist_check()), and
 * the dumps say of A and B: listed once, under the owner's path, owner
 * this process, the holder count (VHOST_HOLDERS) and the holder pids
 * exactly as set up; no other vhost reply may name one of these
 * processes. The do, which looks at the named process only, must say: A,
 * owner this process, this process its one holder, no count. Then CMD, if
 * given, is run with sh -c while everything is still in place (e.g. the
 * CLI's x-query-virtio to a file), and timed.
 *
 * One JSON line: processes, fds_per_process, threads, setup_s, dump_ms,
 * small_dump_ms, small_datagrams, do_ms, replies, vhost_replies, path_a,
 * path_b, holders_a, holders_b, cmd_ms, cmd_status, first_error, result.
 * Runs as root. Exit status: 0 if every check held, 1 if one did not, 2
 * for bad usage or setup, 4 (skip) if the family reports vhost as off.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/wait.h>

#include "vs_netlink.h"
#include "vs_vhost.h"

#define VH_DUP_EVERY	1000	/* a dup of A (and B) per this many fds */
#define VH_SPARE_FDS	64
#define VH_STACK	(64 * 1024)
#define VH_SMALL_BUF	4096
#define VH_PROCS_MAX	60	/* every holder pid fits one reply */

struct walk {
	long nproc, nfds, nthreads;
	int a, b;			/* this process's fds */
	pid_t pids[VH_PROCS_MAX + 1];	/* children; the last one threads */
	__u32 want_a[VH_PROCS_MAX + 2];
	__u32 want_b[VH_PROCS_MAX + 2];
	unsigned int n_a, n_b;
	char path_a[64], path_b[64];
	unsigned int holders_a, holders_b;
	char first_error[256];
};

static int hold_fd = -1;	/* read end: end of file lets everyone go */

static void fail(struct walk *w, const char *fmt, ...)
{
	va_list ap;

	if (w->first_error[0])
		return;
	va_start(ap, fmt);
	vsnprintf(w->first_error, sizeof(w->first_error), fmt, ap);
	va_end(ap);
	fprintf(stderr, "vhost_walk: %s\n", w->first_error);
}

static long arg(const char *s, const char *what, long min, long max)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || end == s || v < min || v > max) {
		fprintf(stderr, "vhost_walk: bad %s '%s'\n", what, s);
		exit(2);
	}
	return v;
}

static void wait_hold(void)
{
	char c;

	while (read(hold_fd, &c, 1) < 0 && errno == EINTR)
		;
}

static void report_ready(int ready, char c)
{
	if (write(ready, &c, 1) != 1)
		_exit(1);
	close(ready);
}

/* Child @i: NFDS descriptors, some of them A and B; then idle. */
static void fd_child(const struct walk *w, long i, int ready)
{
	int null, fd;
	long n;

	if (i % 2)
		close(w->b);
	null = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (null < 0) {
		report_ready(ready, 'E');
		_exit(1);
	}
	/* This process already has a few fds open: stop at NFDS in all. */
	for (n = null + 1; n < w->nfds; n++) {
		int src = null;

		if (n % VH_DUP_EVERY == 0)
			src = w->a;
		else if (n % VH_DUP_EVERY == 1 && !(i % 2))
			src = w->b;
		fd = dup(src);
		if (fd < 0) {
			fprintf(stderr, "vhost_walk: child %ld: fd %ld: %s\n",
				i, n, strerror(errno));
			report_ready(ready, 'E');
			_exit(1);
		}
	}
	report_ready(ready, 'R');
	wait_hold();
	_exit(0);
}

static void *idle_thread(void *arg)
{
	(void)arg;
	wait_hold();
	return NULL;
}

/* The threads child: holds A, not B; NTHREADS idle threads. */
static void thread_child(const struct walk *w, int ready)
{
	pthread_attr_t attr;
	pthread_t t;
	long i;
	int err;

	close(w->b);
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, VH_STACK);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	for (i = 0; i < w->nthreads; i++) {
		err = pthread_create(&t, &attr, idle_thread, NULL);
		if (err) {
			fprintf(stderr, "vhost_walk: thread %ld: %s\n", i,
				strerror(err));
			report_ready(ready, 'E');
			_exit(1);
		}
	}
	report_ready(ready, 'R');
	wait_hold();
	_exit(0);
}

static bool has_pid(const __u32 *pids, unsigned int n, __u32 pid)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (pids[i] == pid)
			return true;
	return false;
}

/* Is @d held by one of the test's processes? */
static bool held_by_us(const struct walk *w, const struct vs_dev *d)
{
	long i;

	if (vs_dev_has_holder(d, getpid()))
		return true;
	for (i = 0; i <= w->nproc; i++)
		if (vs_dev_has_holder(d, w->pids[i]))
			return true;
	return false;
}

/* One reply for @path must say what was set up: owner, holders. */
static void check_dev(struct walk *w, const char *what, const struct vs_dev *d,
		      const __u32 *want, unsigned int n, unsigned int *holders)
{
	unsigned int i;

	*holders = d->vhost_holders;
	if (strcmp(d->name, "vhost-net"))
		fail(w, "%s: %s is %s, not vhost-net", what, d->path, d->name);
	if (d->vhost_owner_pid != (__u32)getpid())
		fail(w, "%s: %s: owner %u, not %d", what, d->path,
		     d->vhost_owner_pid, getpid());
	if (!VS_HAS_VHOST(d, VIRTIO_STATUS_A_VHOST_HOLDERS) ||
	    d->vhost_holders != n || d->n_holders != n)
		fail(w, "%s: %s: %u holders (%u pids sent), not %u", what,
		     d->path, d->vhost_holders, d->n_holders, n);
	for (i = 0; i < d->n_holders && i < VS_HOLDERS_MAX; i++)
		if (!has_pid(want, n, d->holders[i]))
			fail(w, "%s: %s: holder %u is none of the %u set up",
			     what, d->path, d->holders[i], n);
}

/*
 * A do by A's path looks at that process only (README, "vhost devices"):
 * the owner, as the one holder it knows of, and no holder count.
 */
static void check_do(struct walk *w, const struct vs_dev *d, __u32 me)
{
	if (strcmp(d->name, "vhost-net"))
		fail(w, "do: %s is %s, not vhost-net", d->path, d->name);
	if (d->vhost_owner_pid != me)
		fail(w, "do: %s: owner %u, not %u", d->path, d->vhost_owner_pid, me);
	if (VS_HAS_VHOST(d, VIRTIO_STATUS_A_VHOST_HOLDERS) || d->n_holders != 1 ||
	    d->holders[0] != me)
		fail(w, "do: %s: %u holder pids (count %s), not just %u", d->path,
		     d->n_holders,
		     VS_HAS_VHOST(d, VIRTIO_STATUS_A_VHOST_HOLDERS) ? "sent" : "absent", me);
}

/* Checks one dump's list as a whole, and A and B in it. */
static void check_list(struct walk *w, const char *what,
		       const struct vs_devlist *l)
{
	unsigned int found_a = 0, found_b = 0;
	char why[256];
	size_t i;

	if (vs_devlist_check(l, why, sizeof(why))) {
		fail(w, "%s: %s", what, why);
		return;
	}
	if (l->intr)
		fail(w, "%s: flagged NLM_F_DUMP_INTR", what);
	for (i = 0; i < l->n; i++) {
		const struct vs_dev *d = &l->dev[i];

		if (!VS_IS_VHOST(d))
			continue;
		if (!strcmp(d->path, w->path_a)) {
			found_a++;
			check_dev(w, what, d, w->want_a, w->n_a, &w->holders_a);
		} else if (!strcmp(d->path, w->path_b)) {
			found_b++;
			check_dev(w, what, d, w->want_b, w->n_b, &w->holders_b);
		} else if (held_by_us(w, d)) {
			fail(w, "%s: %s is held by the test's processes", what,
			     d->path);
		}
	}
	if (found_a != 1 || found_b != 1)
		fail(w, "%s: %s listed %u times, %s %u times", what, w->path_a,
		     found_a, w->path_b, found_b);
}

/* Everyone in place; false (with w->first_error) if not. */
static bool setup(struct walk *w, int *hold_w)
{
	int ready[2], hold[2];
	long i, n = 0;
	char c;

	if (pipe2(ready, O_CLOEXEC) || pipe2(hold, O_CLOEXEC)) {
		fail(w, "pipe: %s", strerror(errno));
		return false;
	}
	hold_fd = hold[0];
	w->want_a[w->n_a++] = getpid();
	w->want_b[w->n_b++] = getpid();
	for (i = 0; i <= w->nproc; i++) {
		w->pids[i] = fork();
		if (w->pids[i] < 0) {
			fail(w, "fork: %s", strerror(errno));
			break;
		}
		if (w->pids[i] == 0) {
			prctl(PR_SET_PDEATHSIG, SIGKILL);
			close(hold[1]);
			close(ready[0]);
			if (i < w->nproc)
				fd_child(w, i, ready[1]);
			thread_child(w, ready[1]);
		}
		n++;
		w->want_a[w->n_a++] = w->pids[i];
		if (i < w->nproc && !(i % 2))
			w->want_b[w->n_b++] = w->pids[i];
	}
	close(ready[1]);
	close(hold[0]);
	*hold_w = hold[1];
	for (i = 0; i < n; i++) {
		if (read(ready[0], &c, 1) != 1 || c != 'R') {
			fail(w, "a child could not set up (see above)");
			break;
		}
	}
	close(ready[0]);
	return !w->first_error[0];
}

/* A full dump with a @bufsize buffer, checked; its time in ms, or -1. */
static double timed_dump(struct walk *w, struct vs_nl *nl, size_t bufsize,
			 const char *what, struct vs_devlist *l,
			 unsigned int *datagrams)
{
	struct vs_nl small;
	double t;
	int err;

	if (bufsize != VS_BUF_DEFAULT) {
		err = vs_nl_open(&small, bufsize);
		if (err) {
			fail(w, "%s: socket: %s", what, strerror(-err));
			return -1;
		}
		small.family = nl->family;
		nl = &small;
	}
	t = vs_now();
	err = vs_dump(nl, l);
	t = (vs_now() - t) * 1e3;
	*datagrams = nl->datagrams;
	if (err)
		fail(w, "%s: %s (%s)", what, strerror(-err), nl->extack);
	else
		check_list(w, what, l);
	if (bufsize != VS_BUF_DEFAULT)
		vs_nl_close(&small);
	return t;
}

int main(int argc, char **argv)
{
	struct walk w = { .nproc = 10, .nfds = 10000, .nthreads = 2000 };
	double setup_s, dump_ms, small_ms, do_ms, cmd_ms = 0;
	unsigned int dg, small_dg;
	const char *cmd = NULL;
	struct vs_devlist l = {};
	int hold_w = -1, on, err, cmd_status = 0;
	size_t replies = 0, vhost = 0;
	char reason[256];
	struct vs_dev *d;
	struct vs_nl nl;

	if (argc > 5) {
		fprintf(stderr, "usage: %s [NPROC [NFDS [NTHREADS [CMD]]]]\n",
			argv[0]);
		return 2;
	}
	if (argc > 1)
		w.nproc = arg(argv[1], "NPROC", 0, VH_PROCS_MAX);
	if (argc > 2)
		w.nfds = arg(argv[2], "NFDS", 16, 1 << 20);
	if (argc > 3)
		w.nthreads = arg(argv[3], "NTHREADS", 0, 100000);
	if (argc > 4)
		cmd = argv[4];

	if (vs_nl_open(&nl, VS_BUF_DEFAULT) ||
	    vs_nl_resolve(&nl, VIRTIO_STATUS_FAMILY_NAME)) {
		fprintf(stderr, "vhost_walk: the virtio_status family is not there\n");
		return 2;
	}
	on = vs_vhost_state(&nl, reason, sizeof(reason));
	if (on <= 0) {
		fprintf(stderr, "vhost_walk: vhost is off: %s\n", reason);
		return on ? 2 : 4;
	}
	err = vs_raise_nofile(w.nfds + VH_SPARE_FDS);
	if (err) {
		fprintf(stderr, "vhost_walk: RLIMIT_NOFILE %ld: %s\n",
			w.nfds + VH_SPARE_FDS, strerror(-err));
		return 2;
	}
	w.a = vs_vhost_open(VS_VHOST_NET, true);
	w.b = vs_vhost_open(VS_VHOST_NET, true);
	if (w.a < 0 || w.b < 0) {
		fprintf(stderr, "vhost_walk: %s: %s\n", VS_VHOST_NET,
			strerror(w.a < 0 ? -w.a : -w.b));
		return 2;
	}
	snprintf(w.path_a, sizeof(w.path_a), "/proc/%d/fd/%d", getpid(), w.a);
	snprintf(w.path_b, sizeof(w.path_b), "/proc/%d/fd/%d", getpid(), w.b);

	setup_s = vs_now();
	if (!setup(&w, &hold_w)) {
		if (hold_w >= 0)
			close(hold_w);
		while (wait(NULL) > 0)
			;
		return 2;
	}
	setup_s = vs_now() - setup_s;

	dump_ms = timed_dump(&w, &nl, VS_BUF_DEFAULT, "dump", &l, &dg);
	replies = l.n;
	vhost = vs_devlist_count(&l, VIRTIO_STATUS_KIND_VHOST);
	small_ms = timed_dump(&w, &nl, VH_SMALL_BUF, "dump (4096-byte buffer)",
			      &l, &small_dg);

	d = malloc(sizeof(*d));
	if (!d)
		return 2;
	do_ms = vs_now();
	err = vs_get(&nl, VIRTIO_STATUS_A_HEADER_PATH, w.path_a, d);
	do_ms = (vs_now() - do_ms) * 1e3;
	if (err) {
		fail(&w, "do %s: %s (%s)", w.path_a, strerror(-err), nl.extack);
	} else {
		/* a do looks at the named process only: this one, the owner */
		__u32 me = getpid();

		check_do(&w, d, me);
	}

	if (cmd) {
		fflush(stdout);
		cmd_ms = vs_now();
		cmd_status = system(cmd);
		cmd_ms = (vs_now() - cmd_ms) * 1e3;
		if (cmd_status)
			fail(&w, "'%s': status %#x", cmd, cmd_status);
	}

	printf("{\"processes\":%ld,\"fds_per_process\":%ld,\"threads\":%ld",
	       w.nproc, w.nfds, w.nthreads);
	printf(",\"setup_s\":%.2f,\"dump_ms\":%.1f,\"datagrams\":%u",
	       setup_s, dump_ms, dg);
	printf(",\"small_dump_ms\":%.1f,\"small_datagrams\":%u,\"do_ms\":%.1f",
	       small_ms, small_dg, do_ms);
	printf(",\"replies\":%zu,\"vhost_replies\":%zu", replies, vhost);
	vs_json_put_str("path_a", w.path_a);
	vs_json_put_str("path_b", w.path_b);
	printf(",\"holders_a\":%u,\"want_a\":%u,\"holders_b\":%u,\"want_b\":%u",
	       w.holders_a, w.n_a, w.holders_b, w.n_b);
	printf(",\"cmd_ms\":%.1f,\"cmd_status\":%d", cmd_ms, cmd_status);
	vs_json_put_str("first_error", w.first_error);
	vs_json_put_str("result", w.first_error[0] ? "fail" : "pass");
	printf("}\n");
	fflush(stdout);

	close(hold_w);
	while (wait(NULL) > 0 || errno == EINTR)
		;
	free(d);
	vs_devlist_free(&l);
	vs_nl_close(&nl);
	return w.first_error[0] ? 1 : 0;
}
