// SPDX-License-Identifier: GPL-2.0
/*
 * bench_vhost NDEV NPROC NFDS ITER [NTHREADS]
 *
 * How long a full dump of the virtio_status family takes with vhost
 * devices in it: this process opens NDEV vhost-net devices (owner of each),
 * NPROC idle processes exist (forked first, so they hold none of the vhost
 * devices: they are processes the kernel has to look through), and NFDS
 * extra descriptors unrelated to vhost (dups of /dev/null) are open, spread
 * evenly over the NPROC processes (held by this process if NPROC is 0).
 * With NTHREADS, one more idle process (not counted in NPROC) runs that
 * many threads in all, its main thread included. Then ITER full dumps are
 * timed, every reply decoded, and one JSON line is printed:
 *
 *   {"vhost_devices":NDEV,"processes":NPROC,"fds":NFDS,"threads":NTHREADS,
 *    "iterations":ITER,"replies":R,"vhost_replies":V,"datagrams":D,
 *    "dump_us":T}
 *
 * with R and V the replies of one dump (all, vhost) and T the mean time of
 * one dump in microseconds. Needs root (CAP_NET_ADMIN for vhost replies,
 * and a higher RLIMIT_NOFILE). Exit status: 0, 1 if a dump failed or did
 * not list exactly NDEV vhost devices of this process, 2 for bad usage or
 * setup, 4 if the family reports vhost as off.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/wait.h>

#include "vs_netlink.h"
#include "vs_vhost.h"

#define SPARE_FDS	64
#define THREAD_STACK	(64 * 1024)

static int hold_fd = -1;	/* end of file on it lets every idle one go */

static long arg(const char *s, const char *what)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || end == s || v < 0) {
		fprintf(stderr, "bench_vhost: bad %s '%s'\n", what, s);
		exit(2);
	}
	return v;
}

/* Opens @n dups of /dev/null. 0, or -errno. */
static int open_null_fds(long n)
{
	int null, fd;
	long i;

	null = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (null < 0)
		return -errno;
	for (i = 1; i < n; i++) {
		fd = dup(null);
		if (fd < 0)
			return -errno;
	}
	if (!n)
		close(null);
	return 0;
}

/*
 * An idle process: opens its @nfds, says so on @ready (one byte, or 'E'
 * on failure), then waits for @hold to reach end of file.
 */
static void idle_child(int ready, int hold, long nfds)
{
	char c = 'R';
	int err;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	err = open_null_fds(nfds);
	if (err) {
		fprintf(stderr, "bench_vhost: child: %ld fds: %s\n", nfds,
			strerror(-err));
		c = 'E';
	}
	if (write(ready, &c, 1) != 1)
		_exit(1);
	close(ready);
	while (read(hold, &c, 1) < 0 && errno == EINTR)
		;
	_exit(0);
}

static void *idle_thread(void *arg)
{
	char c;

	(void)arg;
	while (read(hold_fd, &c, 1) < 0 && errno == EINTR)
		;
	return NULL;
}

/*
 * An idle process of @nthreads threads, its own included: says so on
 * @ready (one byte, or 'E' on failure), then waits for @hold.
 */
static void threads_child(int ready, int hold, long nthreads)
{
	pthread_attr_t attr;
	char c = 'R';
	pthread_t t;
	long i;
	int err;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	hold_fd = hold;
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, THREAD_STACK);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	for (i = 1; i < nthreads; i++) {
		err = pthread_create(&t, &attr, idle_thread, NULL);
		if (err) {
			fprintf(stderr, "bench_vhost: thread %ld: %s\n", i,
				strerror(err));
			c = 'E';
			break;
		}
	}
	if (write(ready, &c, 1) != 1)
		_exit(1);
	close(ready);
	idle_thread(NULL);
	_exit(0);
}

int main(int argc, char **argv)
{
	long ndev, nproc, nfds, iter, nthreads = 0, i, share, mine = 0;
	int ready[2], hold[2], *vfds, err, on, status;
	struct vs_devlist l = {};
	unsigned long datagrams;
	size_t replies, vhost;
	__u32 pid = getpid();
	char reason[256], c;
	struct vs_nl nl;
	double t;

	if (argc != 5 && argc != 6) {
		fprintf(stderr, "usage: %s NDEV NPROC NFDS ITER [NTHREADS]\n",
			argv[0]);
		return 2;
	}
	ndev = arg(argv[1], "NDEV");
	nproc = arg(argv[2], "NPROC");
	nfds = arg(argv[3], "NFDS");
	iter = arg(argv[4], "ITER");
	if (argc == 6)
		nthreads = arg(argv[5], "NTHREADS");
	if (!iter)
		iter = 1;

	if (vs_nl_open(&nl, VS_BUF_DEFAULT) ||
	    vs_nl_resolve(&nl, VIRTIO_STATUS_FAMILY_NAME)) {
		fprintf(stderr, "bench_vhost: the virtio_status family is not there\n");
		return 2;
	}
	on = vs_vhost_state(&nl, reason, sizeof(reason));
	if (on <= 0) {
		fprintf(stderr, "bench_vhost: vhost is off: %s\n", reason);
		return on ? 2 : 4;
	}

	/* Each process's share of NFDS, rounded up; this one holds NDEV. */
	share = nproc ? (nfds + nproc - 1) / nproc : nfds;
	err = vs_raise_nofile((ndev > share ? ndev : share) + SPARE_FDS +
			      (nproc ? 0 : ndev));
	if (err) {
		fprintf(stderr,
			"bench_vhost: RLIMIT_NOFILE: %s (fs.nr_open too low?)\n",
			strerror(-err));
		return 2;
	}

	/* The idle processes first: they must not inherit vhost fds. */
	if (pipe2(ready, O_CLOEXEC) || pipe2(hold, O_CLOEXEC)) {
		perror("bench_vhost: pipe");
		return 2;
	}
	for (i = 0; i < nproc; i++) {
		long n = nfds - i * share;
		pid_t child;

		n = n < 0 ? 0 : n > share ? share : n;
		child = fork();
		if (child < 0) {
			perror("bench_vhost: fork");
			return 2;
		}
		if (child == 0) {
			close(hold[1]);
			close(ready[0]);
			idle_child(ready[1], hold[0], n);
		}
	}
	if (nthreads) {
		pid_t child = fork();

		if (child < 0) {
			perror("bench_vhost: fork");
			return 2;
		}
		if (child == 0) {
			close(hold[1]);
			close(ready[0]);
			threads_child(ready[1], hold[0], nthreads);
		}
	}
	close(ready[1]);
	close(hold[0]);
	for (i = 0; i < nproc + !!nthreads; i++) {
		if (read(ready[0], &c, 1) != 1 || c != 'R') {
			fprintf(stderr, "bench_vhost: an idle process failed\n");
			return 2;
		}
	}
	if (!nproc) {
		err = open_null_fds(nfds);
		if (err) {
			fprintf(stderr, "bench_vhost: %ld fds: %s\n", nfds,
				strerror(-err));
			return 2;
		}
	}

	vfds = calloc(ndev ? ndev : 1, sizeof(*vfds));
	if (!vfds)
		return 2;
	for (i = 0; i < ndev; i++) {
		vfds[i] = vs_vhost_open(VS_VHOST_NET, true);
		if (vfds[i] < 0) {
			fprintf(stderr, "bench_vhost: device %ld: %s\n", i,
				strerror(-vfds[i]));
			return 2;
		}
	}

	/* One dump to check what is timed. */
	err = vs_dump(&nl, &l);
	if (err || l.bad) {
		fprintf(stderr, "bench_vhost: dump: %s %s (%u bad: %s)\n",
			strerror(-err), nl.extack, l.bad, l.bad_why);
		return 1;
	}
	for (i = 0; i < (long)l.n; i++)
		mine += VS_IS_VHOST(&l.dev[i]) &&
			vs_dev_has_holder(&l.dev[i], pid);
	if (mine != ndev) {
		fprintf(stderr, "bench_vhost: %ld vhost devices of this process listed, %ld open\n",
			mine, ndev);
		return 1;
	}
	replies = l.n;
	vhost = vs_devlist_count(&l, VIRTIO_STATUS_KIND_VHOST);
	datagrams = nl.datagrams;

	t = vs_now();
	for (i = 0; i < iter; i++) {
		err = vs_dump(&nl, &l);
		if (err || l.bad || l.n != replies) {
			fprintf(stderr, "bench_vhost: dump %ld: %s, %zu+%u replies, not %zu\n",
				i, strerror(-err), l.n, l.bad, replies);
			return 1;
		}
	}
	t = vs_now() - t;

	printf("{\"vhost_devices\":%ld,\"processes\":%ld,\"fds\":%ld",
	       ndev, nproc, nfds);
	printf(",\"threads\":%ld", nthreads);
	printf(",\"iterations\":%ld,\"replies\":%zu,\"vhost_replies\":%zu",
	       iter, replies, vhost);
	printf(",\"datagrams\":%lu,\"dump_us\":%.1f}\n", datagrams,
	       t * 1e6 / iter);
	fflush(stdout);

	/* End of file on @hold lets the idle processes go. */
	close(hold[1]);
	while (wait(&status) > 0 || errno == EINTR)
		;
	for (i = 0; i < ndev; i++)
		close(vfds[i]);
	free(vfds);
	vs_devlist_free(&l);
	vs_nl_close(&nl);
	return 0;
}
