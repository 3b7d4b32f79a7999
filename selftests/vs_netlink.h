/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A tiny raw generic netlink client for the virtio_status selftests.
 *
 * No libnl: the tests need to choose the receive buffer size, the message
 * flags and even malformed attributes, so every byte is built here.
 */
#ifndef VS_NETLINK_H
#define VS_NETLINK_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>
#include <linux/netlink.h>
#include <linux/genetlink.h>
#include <linux/virtio_status.h>

/* Large enough for any reply, an error echo included (kernel caps at 32k). */
#define VS_BUF_DEFAULT		65536
/* Room for a request with two maximal strings and some junk. */
#define VS_MSG_MAX		(2 * VIRTIO_STATUS_PATH_MAX + 1024)
#define VS_EXTACK_MAX		256
#define VS_NAME_MAX		64

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(arr)		(sizeof(arr) / sizeof((arr)[0]))
#endif

struct vs_nl {
	int fd;
	__u32 portid;
	__u32 seq;
	__u16 family;		/* from CTRL_CMD_GETFAMILY */
	__u32 version;		/* CTRL_ATTR_VERSION */
	__u32 get_flags;	/* GENL_CMD_CAP_* of VIRTIO_STATUS_CMD_DEV_GET */
	size_t bufsize;		/* every recvmsg() uses exactly this much */
	char *buf;

	/* Results of the last vs_nl_request() */
	char extack[VS_EXTACK_MAX];	/* NLMSGERR_ATTR_MSG, "" if none */
	__u32 extack_offs;		/* NLMSGERR_ATTR_OFFS, 0 if none */
	__u32 extack_miss;		/* NLMSGERR_ATTR_MISS_TYPE, 0 if none */
	unsigned int datagrams;		/* recvmsg() calls that returned data */
	unsigned int data_datagrams;	/* of those, ones with a reply message */
	unsigned int messages;		/* reply messages (not ERROR/DONE) */
	size_t bytes;			/* their total aligned length */
	bool dump_intr;			/* some message had NLM_F_DUMP_INTR */
};

/* A request being built: nlmsghdr + genlmsghdr + attributes. */
struct vs_msg {
	size_t len;
	union {
		struct nlmsghdr nlh;	/* for alignment */
		char buf[VS_MSG_MAX];
	};
};

/* Called for every reply message; a negative return is kept and returned. */
typedef int (*vs_msg_cb)(const struct nlmsghdr *nlh, void *arg);

int vs_nl_open(struct vs_nl *nl, size_t bufsize);
void vs_nl_close(struct vs_nl *nl);
int vs_nl_resolve(struct vs_nl *nl, const char *name);

void vs_msg_init(struct vs_msg *m, __u16 type, __u16 flags, __u8 cmd,
		 __u8 version);
int vs_msg_put(struct vs_msg *m, __u16 type, const void *data, size_t len);
int vs_msg_put_str(struct vs_msg *m, __u16 type, const char *s);
int vs_nl_request(struct vs_nl *nl, struct vs_msg *m, vs_msg_cb cb,
		  void *arg);

int vs_attr_parse(const struct nlattr **tb, int maxtype, const void *data,
		  size_t len);

/* One VIRTIO_STATUS_CMD_DEV_GET reply, decoded. */
struct vs_dev {
	__u64 present;		/* bit n set: attribute type n was seen */
	__u16 nlmsg_flags;
	char path[VIRTIO_STATUS_PATH_MAX];
	char busid[VIRTIO_STATUS_BUSID_MAX];
	char name[VS_NAME_MAX];
	char transport[VS_NAME_MAX];
	char driver[VS_NAME_MAX];
	__u32 index;
	__u32 id;
	__u32 vendor;
	__u32 status;
	__u64 driver_features;
	__u64 device_features;
	__u32 device_features_err;
	__u32 num_vqs;
	__u8 broken;
	__u8 failed;
	__u32 endian;
	__u32 generation;
};

#define VS_HAS(d, type)		(!!((d)->present & (1ULL << (type))))

/* Attributes every reply must carry; DRIVER and the features pair aside. */
#define VS_MANDATORY	((1ULL << VIRTIO_STATUS_A_DEV_PATH) |		\
			 (1ULL << VIRTIO_STATUS_A_DEV_BUSID) |		\
			 (1ULL << VIRTIO_STATUS_A_DEV_NAME) |		\
			 (1ULL << VIRTIO_STATUS_A_DEV_INDEX) |		\
			 (1ULL << VIRTIO_STATUS_A_DEV_ID) |		\
			 (1ULL << VIRTIO_STATUS_A_DEV_VENDOR) |		\
			 (1ULL << VIRTIO_STATUS_A_DEV_TRANSPORT) |	\
			 (1ULL << VIRTIO_STATUS_A_DEV_STATUS) |		\
			 (1ULL << VIRTIO_STATUS_A_DEV_DRIVER_FEATURES) |	\
			 (1ULL << VIRTIO_STATUS_A_DEV_NUM_VQS) |	\
			 (1ULL << VIRTIO_STATUS_A_DEV_BROKEN) |		\
			 (1ULL << VIRTIO_STATUS_A_DEV_FAILED) |		\
			 (1ULL << VIRTIO_STATUS_A_DEV_ENDIAN) |		\
			 (1ULL << VIRTIO_STATUS_A_DEV_GENERATION))

const char *vs_attr_name(unsigned int type);
int vs_dev_parse(const struct nlmsghdr *nlh, struct vs_dev *d, char *why,
		 size_t whylen);
int vs_dev_check(const struct vs_dev *d, char *why, size_t whylen);

/* The result of one dump. */
struct vs_devlist {
	struct vs_dev *dev;
	size_t n;
	size_t cap;
	bool intr;			/* the dump carried NLM_F_DUMP_INTR */
	unsigned int bad;		/* replies vs_dev_parse() rejected */
	char bad_why[128];		/* reason for the first one */
};

int vs_dump(struct vs_nl *nl, struct vs_devlist *l);
void vs_devlist_free(struct vs_devlist *l);
int vs_get(struct vs_nl *nl, __u16 type, const char *value, struct vs_dev *d);

#endif /* VS_NETLINK_H */
