// SPDX-License-Identifier: GPL-2.0
/*
 * drop_cap: run a command as root without one capability.
 *
 *   drop_cap CAP_NUMBER COMMAND [ARG...]
 *
 * Takes the capability out of the bounding set, then execs the command:
 * a root process's permitted and effective sets after execve are bounded
 * by it, so the command runs with every other capability of root. The
 * address policy tests use it for a caller that has CAP_NET_ADMIN but not
 * CAP_SYS_ADMIN (drop_cap 21 virtio-status ...).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	char *end;
	long cap;

	if (argc < 3) {
		fprintf(stderr, "usage: drop_cap CAP_NUMBER COMMAND [ARG...]\n");
		return 2;
	}
	cap = strtol(argv[1], &end, 10);
	if (*end || cap < 0) {
		fprintf(stderr, "drop_cap: '%s' is not a capability number\n", argv[1]);
		return 2;
	}
	if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0)) {
		fprintf(stderr, "drop_cap: cannot drop capability %ld: %s\n", cap,
			strerror(errno));
		return 1;
	}
	execvp(argv[2], argv + 2);
	fprintf(stderr, "drop_cap: %s: %s\n", argv[2], strerror(errno));
	return 127;
}
