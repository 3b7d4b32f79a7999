// SPDX-License-Identifier: GPL-2.0
/*
 * genl_probe SECONDS [FAMILY]
 *
 * Times generic netlink round trips for SECONDS (a decimal), from two
 * threads at once, each on a socket of its own, each with a pause of
 * PAUSE_MS between its requests: one asks CTRL_CMD_GETFAMILY for
 * "nlctrl" (the lookup every client starts with) again and again, the
 * other sends do requests to FAMILY (default "vs_lockhold", from
 * selftests/lockhold/vs_lockhold.ko: its ECHO, whose reply must carry the
 * value sent). The locks test (vm_locks.py) runs it while a lock is held,
 * to see whether generic netlink as a whole kept answering. Then prints
 * one JSON line:
 *
 *   result		"pass" if both kinds of request were answered at
 *			least once and none failed, else "fail"
 *   seconds		how long it ran
 *   nlctrl, other	for each kind: count (round trips finished), errors
 *			(of those, failed ones), worst_ms (the longest round
 *			trip), mean_ms, worst_end_ms (when the longest ended,
 *			CLOCK_MONOTONIC in ms); other also names its family
 *   first_error	what went wrong first, if anything did
 *
 * A round trip started before the time is up is always waited for, so
 * one stuck request makes the program run long: its worst_ms says so.
 * Exit status: 0 for "pass", 1 for "fail", 2 for bad usage or setup.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "vs_netlink.h"
#include "../lockhold/vs_lockhold.h"

#define PAUSE_MS	20

/* One thread's requests, over its own socket. */
struct prober {
	const char *what;	/* for first_error */
	const char *family;	/* NULL: nlctrl lookups */
	struct vs_nl nl;
	double limit;		/* seconds */
	double start;
	unsigned long count;
	unsigned long errors;
	double worst;		/* seconds */
	double worst_end;	/* vs_now() when the worst one ended */
	double total;
	char first_error[256];
	double first_error_at;
};

static void prober_add(struct prober *p, double start, double end, int err)
{
	double took = end - start;

	p->count++;
	p->total += took;
	if (took > p->worst) {
		p->worst = took;
		p->worst_end = end;
	}
	if (!err)
		return;
	p->errors++;
	if (!p->first_error[0]) {
		snprintf(p->first_error, sizeof(p->first_error), "%s: %s",
			 p->what, strerror(-err));
		p->first_error_at = end;
	}
}

static void prober_print(const char *key, const struct prober *p)
{
	printf(",\"%s\":{\"count\":%lu,\"errors\":%lu", key, p->count,
	       p->errors);
	printf(",\"worst_ms\":%.1f,\"mean_ms\":%.1f,\"worst_end_ms\":%.0f",
	       p->worst * 1e3, p->count ? p->total * 1e3 / p->count : 0.0,
	       p->worst_end * 1e3);
}

/* The echo's reply: VALUE must be the one sent (@arg). */
static int echo_cb(const struct nlmsghdr *nlh, void *arg)
{
	const struct nlattr *tb[VS_LOCKHOLD_A_MAX + 1];
	__u32 got;

	if (nlh->nlmsg_len < NLMSG_LENGTH(GENL_HDRLEN) ||
	    vs_attr_parse(tb, VS_LOCKHOLD_A_MAX,
			  (const char *)NLMSG_DATA(nlh) + GENL_HDRLEN,
			  nlh->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN)))
		return -EPROTO;
	if (!tb[VS_LOCKHOLD_A_VALUE] ||
	    tb[VS_LOCKHOLD_A_VALUE]->nla_len != NLA_HDRLEN + sizeof(got))
		return -EPROTO;
	memcpy(&got, (const char *)tb[VS_LOCKHOLD_A_VALUE] + NLA_HDRLEN,
	       sizeof(got));
	return got == *(__u32 *)arg ? 0 : -EPROTO;
}

static int echo(struct vs_nl *nl, __u32 value)
{
	struct vs_msg *m = malloc(sizeof(*m));
	int err;

	if (!m)
		return -ENOMEM;
	vs_msg_init(m, nl->family, NLM_F_REQUEST | NLM_F_ACK,
		    VS_LOCKHOLD_CMD_ECHO, VS_LOCKHOLD_FAMILY_VERSION);
	err = vs_msg_put(m, VS_LOCKHOLD_A_VALUE, &value, sizeof(value));
	if (!err)
		err = vs_nl_request(nl, m, echo_cb, &value);
	free(m);
	if (!err && nl->messages != 1)
		err = -EPROTO;
	return err;
}

static void *prober_run(void *arg)
{
	const struct timespec pause = { .tv_nsec = PAUSE_MS * 1000000L };
	struct prober *p = arg;
	__u32 value = 0;
	double t;
	int err;

	while (vs_now() - p->start < p->limit) {
		t = vs_now();
		if (p->family)
			err = echo(&p->nl, ++value);
		else
			err = vs_nl_resolve(&p->nl, "nlctrl");
		prober_add(p, t, vs_now(), err);
		nanosleep(&pause, NULL);
	}
	return NULL;
}

int main(int argc, char **argv)
{
	const char *family = argc > 2 ? argv[2] : VS_LOCKHOLD_FAMILY_NAME;
	struct prober ctrl = { .what = "nlctrl lookup" };
	struct prober other = { .what = family, .family = family };
	const struct prober *first;
	pthread_t thread;
	int err, ret = 2;
	double limit;
	bool pass;
	char *end;

	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: %s SECONDS [FAMILY]\n", argv[0]);
		return 2;
	}
	limit = strtod(argv[1], &end);
	if (*end || limit <= 0) {
		fprintf(stderr, "genl_probe: bad SECONDS '%s'\n", argv[1]);
		return 2;
	}
	err = vs_nl_open(&ctrl.nl, VS_BUF_DEFAULT);
	if (!err) {
		err = vs_nl_open(&other.nl, VS_BUF_DEFAULT);
		if (err)
			vs_nl_close(&ctrl.nl);
	}
	if (err) {
		fprintf(stderr, "genl_probe: netlink socket: %s\n",
			strerror(-err));
		return 2;
	}
	err = vs_nl_resolve(&other.nl, family);
	if (err) {
		fprintf(stderr, "genl_probe: family %s: %s\n", family,
			strerror(-err));
		goto out;
	}

	ctrl.limit = limit;
	other.limit = limit;
	ctrl.start = vs_now();
	other.start = ctrl.start;
	err = pthread_create(&thread, NULL, prober_run, &other);
	if (err) {
		fprintf(stderr, "genl_probe: thread: %s\n", strerror(err));
		goto out;
	}
	prober_run(&ctrl);
	pthread_join(thread, NULL);

	pass = ctrl.count && other.count && !ctrl.errors && !other.errors;
	printf("{\"result\":\"%s\",\"seconds\":%.2f", pass ? "pass" : "fail",
	       vs_now() - ctrl.start);
	prober_print("nlctrl", &ctrl);
	printf("}");
	prober_print("other", &other);
	vs_json_put_str("family", family);
	printf("}");
	first = ctrl.first_error[0] ? &ctrl : &other;
	if (other.first_error[0] && ctrl.first_error[0] &&
	    other.first_error_at < ctrl.first_error_at)
		first = &other;
	if (first->first_error[0])
		vs_json_put_str("first_error", first->first_error);
	printf("}\n");
	ret = pass ? 0 : 1;
out:
	vs_nl_close(&ctrl.nl);
	vs_nl_close(&other.nl);
	return ret;
}
