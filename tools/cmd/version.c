// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-status --version: three lines, for a person and for a bug
 * report: the CLI's version, the module's with the family version it
 * speaks, and the vhost layout it was built for.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"

/* The loaded module's version from sysfs, without loading it. */
static bool vs_cmd_module_version(const char *sysfs, char *buf, size_t len)
{
	char path[256];
	FILE *f;
	bool ok;

	snprintf(path, sizeof(path), "%s/module/virtio_status/version", sysfs);
	f = fopen(path, "re");
	if (!f)
		return false;
	ok = fgets(buf, (int)len, f);
	fclose(f);
	if (ok)
		buf[strcspn(buf, "\n")] = '\0';
	return ok && buf[0];
}

int vs_cmd_version(const struct vs_backend *be, const char *sysfs, FILE *out)
{
	char version[64], sentence[2 * VS_MSG_MAX];
	struct vs_nl_info info;
	unsigned int family;
	struct vs_err e;

	fprintf(out, "virtio-status %s\n", VS_VERSION);
	if (!vs_cmd_module_version(sysfs, version, sizeof(version))) {
		fputs("module: not loaded\nvhost layout: unknown\n", out);
		return fflush(out) ? VS_EXIT_ERROR : VS_EXIT_OK;
	}
	vs_err_clear(&e);
	if (be->ops->info(be->ctx, &info, &e) < 0) {
		vs_err_sentence(&e, NULL, sentence, sizeof(sentence));
		fprintf(out, "module: %s\nvhost layout: unknown (%s)\n", version,
			sentence);
		return fflush(out) ? VS_EXIT_ERROR : VS_EXIT_OK;
	}
	family = be->ops->family_version ? be->ops->family_version(be->ctx) : 0;
	if (family)
		fprintf(out, "module: %s (family virtio_status version %u)\n",
			version, family);
	else
		fprintf(out, "module: %s\n", version);
	fprintf(out, "vhost layout: %s\n",
		vs_info_has(&info, VIRTIO_STATUS_A_INFO_VHOST_LAYOUT) &&
		info.vhost_layout[0] ? info.vhost_layout : "none");
	return fflush(out) ? VS_EXIT_ERROR : VS_EXIT_OK;
}
