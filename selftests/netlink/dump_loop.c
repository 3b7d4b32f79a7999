// SPDX-License-Identifier: GPL-2.0
/*
 * dump_loop SECONDS [BUFSIZE]
 *
 * Dumps the virtio_status family again and again for SECONDS while someone
 * else hot-plugs devices, then prints one JSON line:
 *
 *   dumps		dumps done
 *   errors		dumps that failed with an errno (first_error says why)
 *   intr		dumps flagged NLM_F_DUMP_INTR (expected under hot-plug)
 *   complete		dumps not flagged
 *   changed		complete dumps whose set of paths differs from the
 *			previous complete dump
 *   min_devs, max_devs	device counts seen in complete dumps (vhost
 *			devices included)
 *   max_datagrams	most datagrams one dump arrived in
 *   feat_err_enodev,	replies whose DEVICE_FEATURES_ERR was ENODEV / EINTR
 *   feat_err_eintr	(allowed: the device was going away)
 *   busy		replies of a busy device (DEV_BUSY: a lock held
 *			elsewhere kept its state out) in consistent dumps;
 *			busy_seen lists each distinct "path: DEV_BUSY"
 *			("; " between them, as many as fit in 511 bytes)
 *   inconsistent	complete dumps that were wrong: an unparsable reply,
 *			a reply failing vs_dev_check() (by its kind), a
 *			virtio-bus device after a vhost one, a repeated bus
 *			id or path, or virtio-bus replies from different bus
 *			generations
 *			(first_inconsistency says what)
 *
 * BUFSIZE (default 4096) is the receive buffer; a small one makes the kernel
 * split a dump over several datagrams, which is where races show.
 * Exit status: 0 if at least one dump completed and none failed or was
 * inconsistent, 1 otherwise, 2 for bad usage or setup.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "vs_netlink.h"

#define MAX_REPORTS	10

struct stats {
	unsigned long dumps;
	unsigned long errors;
	unsigned long intr;
	unsigned long complete;
	unsigned long changed;
	unsigned long inconsistent;
	unsigned long feat_enodev;
	unsigned long feat_eintr;
	unsigned long busy;
	size_t min_devs;
	size_t max_devs;
	unsigned int max_datagrams;
	char first_error[256];
	char first_inconsistency[256];
	char busy_seen[512];
};

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char * const *)a, *(char * const *)b);
}

/* Sorted pointers to each device's bus id (or path, if @path). */
static char **sorted_names(const struct vs_devlist *l, bool path)
{
	char **v = calloc(l->n ? l->n : 1, sizeof(*v));
	size_t i;

	if (!v)
		return NULL;
	for (i = 0; i < l->n; i++)
		v[i] = path ? l->dev[i].path : l->dev[i].busid;
	qsort(v, l->n, sizeof(*v), cmp_str);
	return v;
}

/*
 * Checks a dump not flagged INTR: vs_devlist_check() (each reply by its
 * kind, virtio-bus devices first, no bus id or path twice), and one bus
 * generation for all virtio-bus devices. 0 if consistent, else -1 with @why.
 */
static int check_dump(const struct vs_devlist *l, char *why, size_t len)
{
	const struct vs_dev *first = NULL;
	size_t i;

	if (vs_devlist_check(l, why, len))
		return -1;
	for (i = 0; i < l->n; i++) {
		if (VS_IS_VHOST(&l->dev[i]))
			continue;
		if (!first)
			first = &l->dev[i];
		if (l->dev[i].generation != first->generation) {
			snprintf(why, len,
				 "%s has generation %u, %s has %u, dump not flagged",
				 first->busid, first->generation,
				 l->dev[i].busid, l->dev[i].generation);
			return -1;
		}
	}
	return 0;
}

/* Do two consistent dumps list the same set of paths? */
static bool same_set(const struct vs_devlist *a, const struct vs_devlist *b)
{
	char **x, **y;
	bool same = a->n == b->n;
	size_t i;

	if (!same)
		return false;
	x = sorted_names(a, true);
	y = sorted_names(b, true);
	for (i = 0; x && y && i < a->n && same; i++)
		same = !strcmp(x[i], y[i]);
	same = same && x && y;
	free(x);
	free(y);
	return same;
}

static void print_summary(const struct stats *st, double secs, size_t buf,
			  bool ok)
{
	printf("{\"seconds\":%.1f,\"bufsize\":%zu", secs, buf);
	printf(",\"dumps\":%lu,\"errors\":%lu,\"intr\":%lu,\"complete\":%lu",
	       st->dumps, st->errors, st->intr, st->complete);
	printf(",\"changed\":%lu,\"min_devs\":%zu,\"max_devs\":%zu",
	       st->changed, st->complete ? st->min_devs : 0, st->max_devs);
	printf(",\"max_datagrams\":%u", st->max_datagrams);
	printf(",\"feat_err_enodev\":%lu,\"feat_err_eintr\":%lu",
	       st->feat_enodev, st->feat_eintr);
	printf(",\"inconsistent\":%lu,\"busy\":%lu", st->inconsistent, st->busy);
	vs_json_put_str("first_error", st->first_error);
	vs_json_put_str("busy_seen", st->busy_seen);
	vs_json_put_str("first_inconsistency", st->first_inconsistency);
	vs_json_put_str("result", ok ? "pass" : "fail");
	printf("}\n");
	fflush(stdout);
}

/* Adds "path: DEV_BUSY" of @d to @st->busy_seen unless it is there or full. */
static void note_busy(struct stats *st, const struct vs_dev *d)
{
	size_t used = strlen(st->busy_seen);
	char one[256];
	int n;

	snprintf(one, sizeof(one), "%.120s: %.120s", d->path, d->busy);
	if (strstr(st->busy_seen, one))
		return;
	n = snprintf(st->busy_seen + used, sizeof(st->busy_seen) - used, "%s%s",
		     used ? "; " : "", one);
	if (n < 0 || (size_t)n >= sizeof(st->busy_seen) - used)
		st->busy_seen[used] = '\0';	/* did not fit: leave it out */
}

/* One dump, counted in @st. True if it was complete and consistent. */
static bool one_dump(struct vs_nl *nl, struct vs_devlist *cur,
		     struct vs_devlist *prev, bool *have_prev,
		     struct stats *st)
{
	char why[256];
	size_t i;
	int err;

	err = vs_dump(nl, cur);
	st->dumps++;
	if (nl->datagrams > st->max_datagrams)
		st->max_datagrams = nl->datagrams;
	if (err) {
		if (!st->errors++)
			snprintf(st->first_error, sizeof(st->first_error),
				 "%s: %.200s", strerror(-err),
				 nl->extack);
		if (st->errors <= MAX_REPORTS)
			fprintf(stderr, "dump_loop: dump %lu: %s (%s)\n",
				st->dumps, strerror(-err), nl->extack);
		return false;
	}
	for (i = 0; i < cur->n; i++) {
		if (!VS_HAS(&cur->dev[i],
			    VIRTIO_STATUS_A_DEV_DEVICE_FEATURES_ERR))
			continue;
		if (cur->dev[i].device_features_err == ENODEV)
			st->feat_enodev++;
		else if (cur->dev[i].device_features_err == EINTR)
			st->feat_eintr++;
	}
	if (cur->intr) {
		st->intr++;
		return false;
	}

	st->complete++;
	if (check_dump(cur, why, sizeof(why))) {
		if (!st->inconsistent++)
			snprintf(st->first_inconsistency,
				 sizeof(st->first_inconsistency), "%s", why);
		if (st->inconsistent <= MAX_REPORTS)
			fprintf(stderr, "dump_loop: dump %lu inconsistent: %s\n",
				st->dumps, why);
		return false;
	}
	for (i = 0; i < cur->n; i++) {
		if (VS_HAS(&cur->dev[i], VIRTIO_STATUS_A_DEV_BUSY)) {
			st->busy++;
			note_busy(st, &cur->dev[i]);
		}
	}
	if (st->complete == 1 || cur->n < st->min_devs)
		st->min_devs = cur->n;
	if (cur->n > st->max_devs)
		st->max_devs = cur->n;
	if (*have_prev && !same_set(prev, cur))
		st->changed++;
	*have_prev = true;
	return true;
}

int main(int argc, char **argv)
{
	struct vs_devlist a = {}, b = {}, *cur = &a, *prev = &b, *tmp;
	struct stats st = {};
	sigset_t stop_sigs, pending;
	bool have_prev = false, ok;
	double start, limit;
	size_t bufsize = 4096;
	struct vs_nl nl;
	char *end;
	int err;

	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: %s SECONDS [BUFSIZE]\n", argv[0]);
		return 2;
	}
	limit = strtod(argv[1], &end);
	if (*end || limit <= 0) {
		fprintf(stderr, "dump_loop: bad SECONDS '%s'\n", argv[1]);
		return 2;
	}
	if (argc == 3) {
		bufsize = strtoul(argv[2], &end, 0);
		if (*end || bufsize < 1024) {
			fprintf(stderr, "dump_loop: bad BUFSIZE '%s'\n",
				argv[2]);
			return 2;
		}
	}

	/* SIGINT/SIGTERM end the loop early; the summary is still printed. */
	sigemptyset(&stop_sigs);
	sigaddset(&stop_sigs, SIGINT);
	sigaddset(&stop_sigs, SIGTERM);
	sigprocmask(SIG_BLOCK, &stop_sigs, NULL);

	err = vs_nl_open(&nl, bufsize);
	if (err) {
		fprintf(stderr, "dump_loop: netlink socket: %s\n",
			strerror(-err));
		return 2;
	}
	/*
	 * The lookup reply must fit in BUFSIZE too: a larger read here
	 * would make the kernel use larger dump skbs on this socket.
	 */
	err = vs_nl_resolve(&nl, VIRTIO_STATUS_FAMILY_NAME);
	if (err) {
		fprintf(stderr, "dump_loop: family %s: %s\n",
			VIRTIO_STATUS_FAMILY_NAME, strerror(-err));
		vs_nl_close(&nl);
		return 2;
	}

	start = vs_now();
	while (vs_now() - start < limit) {
		sigpending(&pending);
		if (sigismember(&pending, SIGINT) ||
		    sigismember(&pending, SIGTERM))
			break;
		/* Keep the last good dump to compare the next one to. */
		if (one_dump(&nl, cur, prev, &have_prev, &st)) {
			tmp = prev;
			prev = cur;
			cur = tmp;
		}
	}

	/* Some dump must have completed, or nothing was checked at all. */
	ok = st.complete && !st.errors && !st.inconsistent;
	print_summary(&st, vs_now() - start, bufsize, ok);
	vs_devlist_free(&a);
	vs_devlist_free(&b);
	vs_nl_close(&nl);
	return ok ? 0 : 1;
}
