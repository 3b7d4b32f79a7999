/* SPDX-License-Identifier: GPL-2.0 */
/*
 * virtio-status: the generic netlink side. One socket, the family looked up
 * once, one request helper serving both DO and DUMP.
 */
#ifndef VS_NL_H
#define VS_NL_H

#include <stdbool.h>

#include "dev.h"
#include "vhost.h"

struct nl_sock;
struct nl_msg;
struct nlmsghdr;

/* Times a dump flagged NLM_F_DUMP_INTR is started over before giving up. */
#define VS_DUMP_TRIES	10

struct vs_nl {
	struct nl_sock *sk;
	int family;		/* generic netlink family id */
	unsigned int version;	/* CTRL_ATTR_VERSION of the family */
};

/* The request socket only: connected to the kernel, options set. */
int vs_nl_socket(struct vs_nl *nl, struct vs_err *e);
/* Open the socket and resolve the family. 0, or -1 with @e set. */
int vs_nl_open(struct vs_nl *nl, struct vs_err *e);
void vs_nl_close(struct vs_nl *nl);

int vs_nl_dev_get(struct vs_nl *nl, const struct vs_target *t,
		  struct vs_nl_dev *dev, struct vs_err *e);
int vs_nl_dev_dump(struct vs_nl *nl, struct vs_dev_list *list,
		   struct vs_err *e);
/*
 * VIRTIO_STATUS_CMD_QUEUE_GET of queue @index of the device @t names (the
 * selector as for DEV_GET). An index past the device's queues is ERANGE.
 */
int vs_nl_queue_get(struct vs_nl *nl, const struct vs_target *t, u32 index,
		    struct vs_nl_queue *q, struct vs_err *e);
/*
 * VIRTIO_STATUS_CMD_ELEMENT_GET of queue @queue of the device @t names,
 * with VIRTIO_STATUS_A_ELEMENT_INDEX @index when @has_index.
 */
int vs_nl_elem_get(struct vs_nl *nl, const struct vs_target *t, u32 queue,
		   bool has_index, u32 index, struct vs_nl_element *el,
		   struct vs_err *e);
/* VIRTIO_STATUS_CMD_INFO; an old module fails it with EOPNOTSUPP. */
int vs_nl_info(struct vs_nl *nl, struct vs_nl_info *info, struct vs_err *e);

/*
 * Decode one VIRTIO_STATUS_CMD_DEV_GET reply into @dev (every repeated
 * VHOST_HOLDER_PID counted, the first VS_HOLDERS_MAX kept), with the
 * tables generated from the spec (vs_nl_gen.c). Returns 0, or
 * -1 with @e set when the message is malformed. Whether the attributes a
 * command needs are there is for the caller to check.
 */
int vs_dev_from_msg(struct nl_msg *msg, struct vs_nl_dev *dev,
		    struct vs_err *e);
/* The same for one VIRTIO_STATUS_CMD_INFO reply. */
int vs_info_from_msg(struct nl_msg *msg, struct vs_nl_info *info,
		     struct vs_err *e);

/* The same for one VIRTIO_STATUS_CMD_QUEUE_GET reply. */
int vs_queue_from_msg(struct nl_msg *msg, struct vs_nl_queue *q,
		      struct vs_err *e);

/*
 * The same for one VIRTIO_STATUS_CMD_ELEMENT_GET reply, its repeated
 * VIRTIO_STATUS_A_ELEMENT_DESC nests included (each must carry DESC_ADDR,
 * DESC_LEN and DESC_FLAGS; DESC_ADDR only when the reply has no
 * VIRTIO_STATUS_A_ELEMENT_ADDR_HIDDEN); the first VIRTIO_STATUS_DESCS_MAX
 * are kept, n_desc counts all.
 */
int vs_elem_from_msg(struct nl_msg *msg, struct vs_nl_element *el,
		     struct vs_err *e);

/*
 * Copy NLMSGERR_ATTR_MSG of an error or DONE message @nlh into @buf; its
 * TLVs start @off bytes into the payload. Returns 0, or -1 with @buf ""
 * when there is no message.
 */
int vs_nl_extack(const struct nlmsghdr *nlh, size_t off, char *buf,
		 size_t len);

/*
 * A backend over a vs_nl that opens it on first use, so a run that fails
 * before talking to the kernel (usage errors, --qmp with bad input) never
 * needs the module. Its vhost_features and privileged ops are vhost.c's.
 */
struct vs_nl_lazy {
	struct vs_nl nl;
	bool opened;
	struct vs_vhost_probes probes;	/* vhost_features answers so far */
};

extern const struct vs_backend_ops vs_nl_backend_ops;

/*
 * Forget @be's kernel connection, if it is a vs_nl_lazy backend: the next
 * request opens a new socket and looks the family up again (its id
 * changes when the module is reloaded). Other backends are left alone.
 */
void vs_nl_backend_reset(const struct vs_backend *be);

#endif /* VS_NL_H */
