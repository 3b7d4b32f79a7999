// SPDX-License-Identifier: GPL-2.0
/*
 * vhost_cid_reuse ITER [CID [MAX_INUSE [DUMPERS]]]
 *
 * Whether dumps of the virtio_status family delay the release of a vhost
 * device a process has closed. A VMM that restarts a guest closes its
 * vhost-vsock device and opens a new one with the same guest CID; while
 * anyone still holds a reference to the old file, its CID stays taken and
 * VHOST_VSOCK_SET_GUEST_CID fails with EADDRINUSE.
 *
 * Starts DUMPERS (default 2) processes running `dump_loop 3600` (found on
 * PATH, or $VS_DUMP_LOOP), each dumping the family in a tight loop with a
 * 4096-byte buffer, then ITER times: open /dev/vhost-vsock,
 * VHOST_SET_OWNER, VHOST_VSOCK_SET_GUEST_CID with CID (default 4242, the
 * same every time), close. An iteration whose SET_GUEST_CID fails with
 * EADDRINUSE is counted; the same call is then retried every millisecond
 * until the CID is free, for up to 5 s, to measure how long the closed
 * device kept it. Any other failure, a CID still taken after 5 s, or a
 * dumper that did no dump or whose dumps failed, fails the run. Then the
 * dumpers are stopped and one JSON line is printed:
 *
 *   iterations, cid, eaddrinuse, max_wait_ms (longest retry), seconds,
 *   per_iteration_ms, dumps (all dumpers'), dumper_failures, first_error,
 *   result
 *
 * Runs as root (vhost devices are reported to CAP_NET_ADMIN only).
 * Exit status: 0 if no more than MAX_INUSE (default 1) iterations met
 * EADDRINUSE and nothing else failed, 1 otherwise, 2 for bad usage or
 * setup, 4 (skip) if the family reports vhost as off.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <linux/vhost.h>

#include "vs_netlink.h"
#include "vs_vhost.h"

#define DUMPERS_MAX	8
#define DUMP_SECONDS	"3600"	/* stopped with SIGTERM long before */
#define RETRY_SECONDS	5.0
#define SUMMARY_MAX	2048

struct dumper {
	pid_t pid;
	int out;		/* read end of its stdout */
};

struct result {
	unsigned long iterations;
	unsigned long inuse;
	double max_wait;
	unsigned long dumps;
	unsigned int dumper_failures;
	char first_error[256];
};

static long arg(const char *s, const char *what, long min, long max)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 0);
	if (errno || *end || end == s || v < min || v > max) {
		fprintf(stderr, "vhost_cid_reuse: bad %s '%s'\n", what, s);
		exit(2);
	}
	return v;
}

static void fail(struct result *r, const char *fmt, const char *what, int err)
{
	if (!r->first_error[0])
		snprintf(r->first_error, sizeof(r->first_error), fmt, what,
			 strerror(err));
}

/* dump_loop in a child, its stdout (the summary line) on a pipe. */
static int dumper_start(struct dumper *d, const char *prog)
{
	int p[2];

	if (pipe2(p, O_CLOEXEC))
		return -errno;
	d->pid = fork();
	if (d->pid < 0)
		return -errno;
	if (d->pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (dup2(p[1], STDOUT_FILENO) < 0)
			_exit(2);
		execlp(prog, prog, DUMP_SECONDS, (char *)NULL);
		fprintf(stderr, "vhost_cid_reuse: exec %s: %s\n", prog,
			strerror(errno));
		_exit(2);
	}
	close(p[1]);
	d->out = p[0];
	return 0;
}

/* Stops a dumper, adds its dumps to @r; false if it failed. */
static bool dumper_stop(struct dumper *d, struct result *r)
{
	char buf[SUMMARY_MAX], *s;
	unsigned long dumps = 0;
	size_t len = 0;
	ssize_t n;
	int status;

	kill(d->pid, SIGTERM);
	while (len < sizeof(buf) - 1) {
		n = read(d->out, buf + len, sizeof(buf) - 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += n;
	}
	buf[len] = '\0';
	close(d->out);
	waitpid(d->pid, &status, 0);
	s = strstr(buf, "\"dumps\":");
	if (s)
		dumps = strtoul(s + strlen("\"dumps\":"), NULL, 10);
	r->dumps += dumps;
	if (!WIFEXITED(status) || WEXITSTATUS(status) || !dumps ||
	    !strstr(buf, "\"result\":\"pass\"")) {
		fprintf(stderr, "vhost_cid_reuse: dumper %d: status %#x: %s",
			d->pid, status, buf);
		return false;
	}
	return true;
}

/*
 * One open, SET_OWNER, SET_GUEST_CID, close. 0, or -1 after a failure
 * other than EADDRINUSE (counted in @r).
 */
static int iteration(__u64 cid, struct result *r)
{
	double t0, waited;
	int fd, ret = 0;

	fd = open(VS_VHOST_VSOCK, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		fail(r, "open %s: %s", VS_VHOST_VSOCK, errno);
		return -1;
	}
	if (ioctl(fd, VHOST_SET_OWNER)) {
		fail(r, "%s: %s", "VHOST_SET_OWNER", errno);
		close(fd);
		return -1;
	}
	if (!ioctl(fd, VHOST_VSOCK_SET_GUEST_CID, &cid))
		goto out;
	if (errno != EADDRINUSE) {
		fail(r, "%s: %s", "VHOST_VSOCK_SET_GUEST_CID", errno);
		ret = -1;
		goto out;
	}
	r->inuse++;
	t0 = vs_now();
	do {
		usleep(1000);
		waited = vs_now() - t0;
		if (!ioctl(fd, VHOST_VSOCK_SET_GUEST_CID, &cid))
			break;
		if (errno != EADDRINUSE) {
			fail(r, "%s (again): %s", "VHOST_VSOCK_SET_GUEST_CID",
			     errno);
			ret = -1;
			goto out;
		}
	} while (waited < RETRY_SECONDS);
	if (waited > r->max_wait)
		r->max_wait = waited;
	if (waited >= RETRY_SECONDS) {
		fail(r, "%s: the CID stayed taken for 5 s: %s",
		     "VHOST_VSOCK_SET_GUEST_CID", EADDRINUSE);
		ret = -1;
	}
out:
	close(fd);
	return ret;
}

int main(int argc, char **argv)
{
	struct dumper dumpers[DUMPERS_MAX];
	const char *prog = getenv("VS_DUMP_LOOP");
	long iter, max_inuse = 1, ndumpers = 2, i;
	struct result r = {};
	char reason[256];
	struct vs_nl nl;
	__u64 cid = 4242;
	double t;
	bool ok;
	int on, err;

	if (argc < 2 || argc > 5) {
		fprintf(stderr, "usage: %s ITER [CID [MAX_INUSE [DUMPERS]]]\n",
			argv[0]);
		return 2;
	}
	iter = arg(argv[1], "ITER", 1, 10000000);
	if (argc > 2)
		cid = arg(argv[2], "CID", 3, 0x7fffffff);
	if (argc > 3)
		max_inuse = arg(argv[3], "MAX_INUSE", 0, iter);
	if (argc > 4)
		ndumpers = arg(argv[4], "DUMPERS", 0, DUMPERS_MAX);
	if (!prog)
		prog = "dump_loop";

	if (vs_nl_open(&nl, VS_BUF_DEFAULT) ||
	    vs_nl_resolve(&nl, VIRTIO_STATUS_FAMILY_NAME)) {
		fprintf(stderr, "vhost_cid_reuse: the virtio_status family is not there\n");
		return 2;
	}
	on = vs_vhost_state(&nl, reason, sizeof(reason));
	vs_nl_close(&nl);
	if (on <= 0) {
		fprintf(stderr, "vhost_cid_reuse: vhost is off: %s\n", reason);
		return on ? 2 : 4;
	}

	for (i = 0; i < ndumpers; i++) {
		err = dumper_start(&dumpers[i], prog);
		if (err) {
			fprintf(stderr, "vhost_cid_reuse: dumper: %s\n",
				strerror(-err));
			return 2;
		}
	}
	/* Let the dumpers resolve the family and start looping. */
	usleep(300000);

	t = vs_now();
	for (i = 0; i < iter; i++) {
		r.iterations++;
		if (iteration(cid, &r))
			break;
	}
	t = vs_now() - t;

	for (i = 0; i < ndumpers; i++)
		if (!dumper_stop(&dumpers[i], &r))
			r.dumper_failures++;
	if (r.dumper_failures && !r.first_error[0])
		snprintf(r.first_error, sizeof(r.first_error),
			 "%u dumpers failed or did no dump", r.dumper_failures);

	ok = !r.first_error[0] && r.iterations == (unsigned long)iter &&
	     r.inuse <= (unsigned long)max_inuse;
	printf("{\"iterations\":%lu,\"cid\":%llu,\"eaddrinuse\":%lu",
	       r.iterations, (unsigned long long)cid, r.inuse);
	printf(",\"max_inuse\":%ld,\"max_wait_ms\":%.1f,\"seconds\":%.2f",
	       max_inuse, r.max_wait * 1e3, t);
	printf(",\"per_iteration_ms\":%.2f,\"dumpers\":%ld,\"dumps\":%lu",
	       t * 1e3 / r.iterations, ndumpers, r.dumps);
	printf(",\"dumper_failures\":%u", r.dumper_failures);
	vs_json_put_str("first_error", r.first_error);
	vs_json_put_str("result", ok ? "pass" : "fail");
	printf("}\n");
	fflush(stdout);
	return ok ? 0 : 1;
}
