// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-status: asking the vhost drivers which features they offer, and
 * the caller's capabilities.
 */
#include <assert.h>
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

/*
 * VHOST_GET_FEATURES_ARRAY: <linux/vhost.h> has it from 6.17. Its argument
 * is struct vhost_features_array, a count of u64 words followed by that
 * many words of features; the request number holds the size of the count
 * alone.
 */
#ifndef VHOST_GET_FEATURES_ARRAY
struct vs_vhost_features_array {
	__u64 count;
	__u64 features[];
};

#define VHOST_GET_FEATURES_ARRAY \
	_IOR(VHOST_VIRTIO, 0x83, struct vs_vhost_features_array)
#endif

static_assert(_IOC_SIZE(VHOST_GET_FEATURES_ARRAY) == sizeof(__u64),
	      "VHOST_GET_FEATURES_ARRAY carries one u64 count");

/*
 * Whether a failed VHOST_GET_FEATURES_ARRAY means the driver does not know
 * the request. A driver without it hands it to vhost's common code, which
 * answers ENOTTY in the end, but first refuses whoever is not the device's
 * owner (EPERM: every fresh open) and reads the argument as a virtqueue
 * index (our count, 2: ENOBUFS on a device with two queues).
 */
static bool vs_vhost_array_unknown(int err)
{
	switch (err) {
	case ENOTTY:
	case EINVAL:
	case EPERM:
	case ENOBUFS:
	case EOPNOTSUPP:
		return true;
	default:
		return false;
	}
}

int vs_vhost_get_features(int fd,
			  int (*ioc)(int fd, unsigned long req, void *arg),
			  struct vs_fset *features)
{
	__u64 arr[1 + VS_FEAT_WORDS] = { VS_FEAT_WORDS };
	__u64 f;
	int i;

	if (ioc(fd, VHOST_GET_FEATURES_ARRAY, arr) == 0) {
		for (i = 0; i < VS_FEAT_WORDS; i++)
			features->w[i] = arr[1 + i];
		return 0;
	}
	if (!vs_vhost_array_unknown(errno))
		return errno;
	if (ioc(fd, VHOST_GET_FEATURES, &f) < 0)
		return errno;
	*features = vs_fset_of(f, 0);
	return 0;
}

static int vs_vhost_ioctl(int fd, unsigned long req, void *arg)
{
	return ioctl(fd, req, arg);
}

int vs_vhost_probe_features(const char *node, struct vs_fset *features)
{
	int fd, err;

	/* creates a vhost device, see vhost.h */
	fd = open(node, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return errno;
	err = vs_vhost_get_features(fd, vs_vhost_ioctl, features);
	/* and this destroys it */
	close(fd);
	return err;
}

int vs_vhost_features_cached(struct vs_vhost_probes *c, const char *node,
			     struct vs_fset *features)
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
	p->features = vs_fset_of(0, 0);
	p->err = vs_vhost_probe_features(node, &p->features);
	if (!p->err)
		*features = p->features;
	return p->err;
}

bool vs_vhost_net_admin(void)
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
