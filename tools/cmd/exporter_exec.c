// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-status exporter: the exporter is a program of its own,
 * virtio-status-exporter, so that virtio-status never loads libmicrohttpd
 * and its TLS libraries (README "Startup"). This runs it with the same
 * arguments: from the directory virtio-status itself was run from, else
 * from PATH.
 */
#include <errno.h>
#include <limits.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

#define VS_EXPORTER_PROG	"virtio-status-exporter"

int (*vs_cmd_exporter_here)(int argc, char **argv, const struct vs_backend *be,
			    FILE *out, FILE *err);

int vs_cmd_exporter_exec(int argc, char **argv, const struct vs_backend *be,
			 FILE *out, FILE *err)
{
	char self[PATH_MAX], path[PATH_MAX + sizeof(VS_EXPORTER_PROG)];
	ssize_t n;
	char *slash;
	int errnum;

	if (vs_cmd_exporter_here)
		return vs_cmd_exporter_here(argc, argv, be, out, err);
	fflush(out);
	fflush(err);
	/* argv[0] stays "exporter": its sentences say "virtio-status exporter" */
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n > 0) {
		self[n] = '\0';
		slash = strrchr(self, '/');
		if (slash) {
			*slash = '\0';
			snprintf(path, sizeof(path), "%s/%s", self,
				 VS_EXPORTER_PROG);
			execv(path, argv);
		}
	}
	execvp(VS_EXPORTER_PROG, argv);
	errnum = errno;
	fprintf(err, "virtio-status: cannot run %s, the exporter's own program: %s\n",
		VS_EXPORTER_PROG, strerror(errnum));
	return VS_EXIT_ERROR;
}
