// SPDX-License-Identifier: GPL-2.0
/*
 * vhost_churn SECONDS NPROC
 *
 * Dumps the virtio_status family again and again (4096-byte receive
 * buffer, so a dump spans datagrams) while NPROC worker processes churn
 * vhost devices: each worker, in a loop, forks a pair of short-lived
 * siblings; the first opens 1-4 vhost-net (and vhost-vsock, if it opens)
 * devices, makes itself owner of some, dups some, passes some to the second
 * over a unix socket; each then closes some of what it holds at random and
 * exits after a random few milliseconds. Every dump must be well formed
 * (vs_devlist_check(): each reply by its kind, the path naming the owner
 * or the lowest holder, no path twice, virtio-bus devices first); every
 * holder pid must be plausible (0 < pid <= pid_max). After each dump a do
 * by the path of one of its vhost replies must answer a vhost device or
 * ENODEV (it may be gone by then).
 *
 * Runs as root (vhost devices are reported to CAP_NET_ADMIN only). At the
 * end every worker and child is killed and reaped, and one JSON line is
 * printed: dumps, errors, intr, vhost_min, vhost_max (vhost replies per
 * dump), max_datagrams, gets, gets_enodev, inconsistent, worker_failures,
 * first_error, first_inconsistency, result. Exit status: 0 if some dump
 * listed a vhost device and no dump failed or was inconsistent and no
 * worker failed, 1 otherwise, 2 for bad usage or setup, 4 (skip) if the
 * family reports vhost as off.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include "vs_netlink.h"
#include "vs_vhost.h"

#define BUFSIZE		4096
#define MAX_FDS		4
#define MAX_REPORTS	10
#define MAX_WORKERS	256
#define REAP_GRACE	5.0	/* seconds workers get to finish alone */

struct stats {
	unsigned long dumps;
	unsigned long errors;
	unsigned long intr;
	unsigned long inconsistent;
	unsigned long gets;
	unsigned long gets_enodev;
	unsigned long worker_failures;
	size_t vhost_min;
	size_t vhost_max;
	unsigned int max_datagrams;
	char first_error[256];
	char first_inconsistency[256];
};

/* xorshift32: each process seeds its own. */
static unsigned int rnd(unsigned int *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

static void sleep_us(unsigned int us)
{
	struct timespec ts = { .tv_sec = us / 1000000,
			       .tv_nsec = (us % 1000000) * 1000L };

	nanosleep(&ts, NULL);
}

/* Closes each of @fds[0..n) with probability 1/2, keeps the rest. */
static int close_some(int *fds, int n, unsigned int *seed)
{
	int i, kept = 0;

	for (i = 0; i < n; i++) {
		if (rnd(seed) & 1)
			close(fds[i]);
		else
			fds[kept++] = fds[i];
	}
	return kept;
}

/*
 * The first sibling: opens devices, owns some, dups some, sends some to
 * the second. Returns an exit code: 0, or 1 for an unexpected error.
 */
static int opener(int sock, bool vsock, unsigned int seed)
{
	int fds[2 * MAX_FDS], send[MAX_FDS];
	int i, n = 0, nsend = 0, want;

	want = 1 + rnd(&seed) % MAX_FDS;
	for (i = 0; i < want; i++) {
		bool v = vsock && !(rnd(&seed) % 3);
		int fd = vs_vhost_open(v ? VS_VHOST_VSOCK : VS_VHOST_NET,
				       rnd(&seed) & 1);

		if (fd < 0) {
			fprintf(stderr, "vhost_churn: open %s: %s\n",
				v ? VS_VHOST_VSOCK : VS_VHOST_NET,
				strerror(-fd));
			return 1;
		}
		fds[n++] = fd;
		if (!(rnd(&seed) % 4))
			fds[n++] = dup(fd);	/* two fds, one device */
		if (fds[n - 1] < 0)
			return 1;
		if (rnd(&seed) & 1)
			send[nsend++] = fd;
	}
	if (nsend && vs_send_fds(sock, send, nsend))
		return 1;
	close(sock);		/* the other side sees the end */
	sleep_us(rnd(&seed) % 5000);
	close_some(fds, n, &seed);
	sleep_us(rnd(&seed) % 5000);
	return 0;		/* exit closes the rest */
}

/* The second sibling: holds what it is sent for a while. */
static int receiver(int sock, unsigned int seed)
{
	int fds[4 * MAX_FDS], n = 0, got;

	while (n < 4 * MAX_FDS &&
	       (got = vs_recv_fds(sock, fds + n, 4 * MAX_FDS - n)) > 0)
		n += got;
	if (got < 0) {
		fprintf(stderr, "vhost_churn: receive: %s\n", strerror(-got));
		return 1;
	}
	sleep_us(rnd(&seed) % 8000);
	close_some(fds, n, &seed);
	sleep_us(rnd(&seed) % 4000);
	return 0;
}

static pid_t spawn(int (*fn)(int, bool, unsigned int), int sock, int other,
		   bool vsock, unsigned int seed)
{
	pid_t pid = fork();

	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		close(other);
		_exit(fn(sock, vsock, seed));
	}
	return pid;
}

static int receiver_fn(int sock, bool vsock, unsigned int seed)
{
	(void)vsock;
	return receiver(sock, seed);
}

/* One worker: pairs of siblings until @deadline. Returns an exit code. */
static int worker(double deadline, bool vsock, unsigned int seed)
{
	unsigned long pairs = 0, failed = 0;
	int status;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	while (vs_now() < deadline) {
		int sv[2];
		pid_t a, b;

		if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv))
			return 1;
		a = spawn(opener, sv[0], sv[1], vsock, rnd(&seed));
		b = spawn(receiver_fn, sv[1], sv[0], vsock, rnd(&seed));
		close(sv[0]);
		close(sv[1]);
		if (a < 0 || b < 0) {
			failed++;
			break;
		}
		if (waitpid(a, &status, 0) != a || status)
			failed++;
		if (waitpid(b, &status, 0) != b || status)
			failed++;
		pairs++;
	}
	return failed || !pairs;
}

static void note(char *first, size_t len, unsigned long count,
		 const char *what, const char *why)
{
	if (count == 1)
		snprintf(first, len, "%s", why);
	if (count <= MAX_REPORTS)
		fprintf(stderr, "vhost_churn: %s: %s\n", what, why);
}

static unsigned long read_pid_max(void)
{
	unsigned long max = 4194304;	/* PID_MAX_LIMIT on 64-bit */
	FILE *f = fopen("/proc/sys/kernel/pid_max", "re");

	if (f) {
		if (fscanf(f, "%lu", &max) != 1)
			max = 4194304;
		fclose(f);
	}
	return max;
}

/* Checks one dump beyond vs_devlist_check(). 0 if fine, else -1 + @why. */
static int check_vhost_dump(const struct vs_devlist *l,
			    unsigned long pid_max, char *why, size_t len)
{
	unsigned int j;
	size_t i;

	if (vs_devlist_check(l, why, len))
		return -1;
	for (i = 0; i < l->n; i++) {
		const struct vs_dev *d = &l->dev[i];

		if (!VS_IS_VHOST(d))
			continue;
		for (j = 0; j < d->n_holders && j < VS_HOLDERS_MAX; j++) {
			if (!d->holders[j] || d->holders[j] > pid_max) {
				snprintf(why, len, "%.100s: holder pid %u",
					 d->path, d->holders[j]);
				return -1;
			}
		}
		if (VS_HAS_VHOST(d, VIRTIO_STATUS_A_VHOST_OWNER_PID) &&
		    d->vhost_owner_pid > pid_max) {
			snprintf(why, len, "%.100s: owner pid %u", d->path,
				 d->vhost_owner_pid);
			return -1;
		}
	}
	return 0;
}

/* A do by the path of a random vhost reply: the device, or ENODEV. */
static void check_get(struct vs_nl *nl, const struct vs_devlist *l,
		      struct vs_dev *d, unsigned int *seed, struct stats *st)
{
	size_t nv = vs_devlist_count(l, VIRTIO_STATUS_KIND_VHOST);
	const char *path;
	char why[256];
	int err;

	if (!nv)
		return;
	/* vhost replies come last */
	path = l->dev[l->n - nv + rnd(seed) % nv].path;
	err = vs_get(nl, VIRTIO_STATUS_A_HEADER_PATH, path, d);
	st->gets++;
	if (err == -ENODEV) {
		st->gets_enodev++;
		return;
	}
	if (!err && VS_IS_VHOST(d) && !vs_dev_check(d, why, sizeof(why)))
		return;
	if (!err && !VS_IS_VHOST(d))
		snprintf(why, sizeof(why), "do %.100s: KIND %u", path,
			 d->kind);
	else if (err)
		snprintf(why, sizeof(why), "do %.60s: %.40s (%.120s)", path,
			 strerror(-err), nl->extack);
	st->inconsistent++;
	note(st->first_inconsistency, sizeof(st->first_inconsistency),
	     st->inconsistent, "inconsistent", why);
}

static void one_dump(struct vs_nl *nl, struct vs_devlist *l, struct vs_dev *d,
		     unsigned long pid_max, unsigned int *seed,
		     struct stats *st)
{
	char why[256];
	size_t nv;
	int err;

	err = vs_dump(nl, l);
	st->dumps++;
	if (nl->datagrams > st->max_datagrams)
		st->max_datagrams = nl->datagrams;
	if (err) {
		snprintf(why, sizeof(why), "dump %lu: %.40s (%.150s)",
			 st->dumps,
			 strerror(-err), nl->extack);
		st->errors++;
		note(st->first_error, sizeof(st->first_error), st->errors,
		     "error", why);
		return;
	}
	/* Only a virtio-bus change flags a dump; nothing plugs here. */
	if (l->intr)
		st->intr++;
	if (check_vhost_dump(l, pid_max, why, sizeof(why))) {
		st->inconsistent++;
		note(st->first_inconsistency, sizeof(st->first_inconsistency),
		     st->inconsistent, "inconsistent", why);
		return;
	}
	nv = vs_devlist_count(l, VIRTIO_STATUS_KIND_VHOST);
	if (st->dumps == 1 || nv < st->vhost_min)
		st->vhost_min = nv;
	if (nv > st->vhost_max)
		st->vhost_max = nv;
	check_get(nl, l, d, seed, st);
}

/* Ends the workers (politely first), then reaps every descendant. */
static void reap_all(pid_t *workers, int n, struct stats *st)
{
	double until = vs_now() + REAP_GRACE;
	int i, status, left = n;
	pid_t pid;

	while (left && vs_now() < until) {
		pid = waitpid(-1, &status, WNOHANG);
		if (pid > 0) {
			for (i = 0; i < n; i++) {
				if (workers[i] != pid)
					continue;
				workers[i] = 0;
				left--;
				if (!WIFEXITED(status) || WEXITSTATUS(status))
					st->worker_failures++;
			}
		} else {
			sleep_us(10000);
		}
	}
	for (i = 0; i < n; i++) {
		if (!workers[i])
			continue;
		kill(-workers[i], SIGKILL);	/* its process group */
		st->worker_failures++;
	}
	/* We are the subreaper: orphans come to us. */
	while ((pid = wait(&status)) > 0 || errno == EINTR)
		;
}

int main(int argc, char **argv)
{
	unsigned int seed = (unsigned int)time(NULL) ^ getpid();
	pid_t workers[MAX_WORKERS];
	struct vs_devlist l = {};
	struct stats st = {};
	unsigned long pid_max;
	double start, limit, deadline;
	char reason[256], *end;
	bool vsock, ok;
	struct vs_dev *d;
	struct vs_nl nl;
	int i, nproc, on, fd;

	if (argc != 3) {
		fprintf(stderr, "usage: %s SECONDS NPROC\n", argv[0]);
		return 2;
	}
	limit = strtod(argv[1], &end);
	if (*end || limit <= 0) {
		fprintf(stderr, "vhost_churn: bad SECONDS '%s'\n", argv[1]);
		return 2;
	}
	nproc = strtol(argv[2], &end, 10);
	if (*end || nproc < 1 || nproc > MAX_WORKERS) {
		fprintf(stderr, "vhost_churn: NPROC must be 1..%d\n",
			MAX_WORKERS);
		return 2;
	}
	d = malloc(sizeof(*d));
	if (!d || vs_nl_open(&nl, BUFSIZE)) {
		fprintf(stderr, "vhost_churn: netlink socket\n");
		return 2;
	}
	if (vs_nl_resolve(&nl, VIRTIO_STATUS_FAMILY_NAME)) {
		fprintf(stderr, "vhost_churn: no family %s\n",
			VIRTIO_STATUS_FAMILY_NAME);
		return 2;
	}
	on = vs_vhost_state(&nl, reason, sizeof(reason));
	if (on <= 0) {
		fprintf(stderr, "vhost_churn: vhost is off: %s\n", reason);
		return on ? 2 : 4;
	}
	fd = vs_vhost_open(VS_VHOST_NET, false);
	if (fd < 0) {
		fprintf(stderr, "vhost_churn: %s: %s\n", VS_VHOST_NET,
			strerror(-fd));
		return 2;
	}
	close(fd);
	fd = vs_vhost_open(VS_VHOST_VSOCK, false);
	vsock = fd >= 0;
	if (vsock)
		close(fd);
	pid_max = read_pid_max();
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	signal(SIGPIPE, SIG_IGN);

	start = vs_now();
	deadline = start + limit;
	for (i = 0; i < nproc; i++) {
		unsigned int ws = rnd(&seed);

		workers[i] = fork();
		if (workers[i] == 0) {
			setpgid(0, 0);
			vs_nl_close(&nl);
			_exit(worker(deadline, vsock, ws));
		}
		if (workers[i] < 0) {
			fprintf(stderr, "vhost_churn: fork: %s\n",
				strerror(errno));
			nproc = i;
			st.worker_failures++;
			break;
		}
		setpgid(workers[i], workers[i]);	/* no race with exec */
	}

	while (vs_now() < deadline)
		one_dump(&nl, &l, d, pid_max, &seed, &st);
	reap_all(workers, nproc, &st);

	ok = st.dumps && !st.errors && !st.inconsistent &&
	     !st.worker_failures && st.vhost_max > 0;
	printf("{\"seconds\":%.1f,\"nproc\":%d,\"vsock\":%s", vs_now() - start,
	       nproc, vsock ? "true" : "false");
	printf(",\"dumps\":%lu,\"errors\":%lu,\"intr\":%lu", st.dumps,
	       st.errors, st.intr);
	printf(",\"vhost_min\":%zu,\"vhost_max\":%zu,\"max_datagrams\":%u",
	       st.vhost_min, st.vhost_max, st.max_datagrams);
	printf(",\"gets\":%lu,\"gets_enodev\":%lu", st.gets, st.gets_enodev);
	printf(",\"inconsistent\":%lu,\"worker_failures\":%lu",
	       st.inconsistent, st.worker_failures);
	vs_json_put_str("first_error", st.first_error);
	vs_json_put_str("first_inconsistency", st.first_inconsistency);
	vs_json_put_str("result", ok ? "pass" : "fail");
	printf("}\n");
	fflush(stdout);
	vs_devlist_free(&l);
	vs_nl_close(&nl);
	free(d);
	return ok ? 0 : 1;
}
