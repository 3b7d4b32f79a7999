// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-status: asking the vhost drivers which features they offer, and
 * the caller's capabilities.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/capability.h>
#include <linux/vhost.h>

#include "vhost.h"

int vs_vhost_probe_features(const char *node, u64 *features)
{
	__u64 f;
	int fd, err = 0;

	/* creates a vhost device, see vhost.h */
	fd = open(node, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return errno;
	if (ioctl(fd, VHOST_GET_FEATURES, &f) < 0)
		err = errno;
	else
		*features = f;
	/* and this destroys it */
	close(fd);
	return err;
}

int vs_vhost_features_cached(struct vs_vhost_probes *c, const char *node,
			     u64 *features)
{
	struct vs_vhost_probe *p;
	size_t i;

	for (i = 0; i < c->n; i++) {
		p = &c->p[i];
		if (strcmp(p->node, node))
			continue;
		if (!p->err)
			*features = p->features;
		return p->err;
	}
	if (c->n == VS_VHOST_PROBES_MAX || strlen(node) >= sizeof(p->node))
		return vs_vhost_probe_features(node, features);
	p = &c->p[c->n++];
	snprintf(p->node, sizeof(p->node), "%s", node);
	p->features = 0;
	p->err = vs_vhost_probe_features(node, &p->features);
	if (!p->err)
		*features = p->features;
	return p->err;
}

bool vs_has_net_admin(void)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
	};
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3];

	memset(data, 0, sizeof(data));
	if (syscall(SYS_capget, &hdr, data) < 0)
		return geteuid() == 0;
	return data[CAP_TO_INDEX(CAP_NET_ADMIN)].effective &
	       CAP_TO_MASK(CAP_NET_ADMIN);
}
