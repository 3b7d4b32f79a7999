// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-status: the queue commands: x-query-virtio-queue-status,
 * x-query-virtio-vhost-queue-status and x-query-virtio-queue-element, with
 * the sentences of the errors the kernel gives them.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "qmp.h"

/*
 * A queue or element request about a vhost device the module could not
 * read fails in the kernel, and the kernel's extack says so: that is the
 * sentence. Without one, the reason its DEV_GET reply gave.
 */
static void vs_err_vhost_unread_queue(const struct vs_nl_dev *d,
				      struct vs_err *e)
{
	char extack[sizeof(e->extack)];
	int errnum = e->errnum;

	/* busy is its own sentence, whatever the device */
	if (!vs_dev_vhost_error(d) || e->kind != VS_ERR_SYS ||
	    errnum == EBUSY)
		return;
	/* vs_err_set() clears @e: keep the kernel's words */
	memcpy(extack, e->extack, sizeof(extack));
	if (extack[0])
		vs_err_set(e, VS_ERR_MSG, errnum, "%s", extack);
	else
		vs_err_set(e, VS_ERR_VHOST_UNREAD, errnum, "%s",
			   d->vhost.error);
}

/*
 * The device @c names (DEV_GET: its name, kind and acked features) and
 * its queue @c->queue (QUEUE_GET of the same selector). With @vhost_only,
 * a virtio device is refused. 0, or -1 with @e set.
 */
static int vs_queue_fetch(const struct vs_backend *be,
			  const struct vs_call *c, bool vhost_only,
			  struct vs_nl_dev *d, struct vs_nl_queue *q,
			  struct vs_err *e)
{
	static const int need_dev[] = {
		VIRTIO_STATUS_A_DEV_NAME,
	};
	static const int need_vhost[] = {
		VIRTIO_STATUS_A_VHOST_ACKED_FEATURES,
	};
	char extack[sizeof(e->extack)];
	struct vs_target *t;
	u32 kind;
	int ret = -1;

	t = malloc(sizeof(*t));
	if (!t) {
		vs_err_sys(e, ENOMEM, NULL);
		return -1;
	}
	if (vs_target_parse(c->path, t, e) < 0)
		goto free;
	if (be->ops->dev_get(be->ctx, t, d, e) < 0)
		goto free;
	if (vs_dev_list_only(d)) {
		vs_err_list_only(be, e);
		goto free;
	}
	if (vs_qmp_dev_check_busy(d, e) < 0)
		goto free;
	if (vs_qmp_dev_require(d, need_dev, ARRAY_SIZE(need_dev), e) < 0)
		goto free;
	kind = vs_dev_kind(d);
	if (kind != VIRTIO_STATUS_KIND_VIRTIO &&
	    kind != VIRTIO_STATUS_KIND_VHOST) {
		vs_err_set(e, VS_ERR_MSG, 0,
			   "the virtio_status module describes a kind of device (%u) this virtio-status does not know",
			   kind);
		goto free;
	}
	if (vhost_only && kind != VIRTIO_STATUS_KIND_VHOST) {
		vs_err_set(e, VS_ERR_MSG, 0, "%s is not a vhost device",
			   c->path);
		goto free;
	}
	/* an unread device has no acked features: the kernel says why */
	if (vhost_only && !vs_dev_vhost_error(d) &&
	    vs_qmp_require(&vs_nl_vhost_set, d->vhost.have, need_vhost,
			   ARRAY_SIZE(need_vhost), e) < 0)
		goto free;
	if (be->ops->queue_get(be->ctx, t, c->queue, q, e) < 0) {
		if (e->kind == VS_ERR_SYS && e->errnum == ERANGE) {
			/* vs_err_set() clears @e: keep the kernel's words */
			memcpy(extack, e->extack, sizeof(extack));
			if (extack[0])
				vs_err_set(e, VS_ERR_MSG, ERANGE,
					   "queue %u is out of range for %s (kernel: %s)",
					   c->queue, c->path, extack);
			else
				vs_err_set(e, VS_ERR_MSG, ERANGE,
					   "queue %u is out of range for %s",
					   c->queue, c->path);
		}
		vs_err_vhost_unread_queue(d, e);
		goto free;
	}
	/* answered after all, but the device's own part is missing */
	if (vhost_only && vs_dev_vhost_error(d)) {
		vs_err_set(e, VS_ERR_VHOST_UNREAD, 0, "%s", d->vhost.error);
		goto free;
	}
	if (vs_qmp_queue_check(d, q, e) < 0)
		goto free;
	/* a reply without its index answers the index asked */
	if (!vs_queue_has(q, VIRTIO_STATUS_A_QUEUE_INDEX))
		q->index = c->queue;
	ret = 0;
free:
	free(t);
	return ret;
}

/*
 * @e for an answer over QMP whose @what came without its @kind addresses:
 * QEMU's schema has no way to leave them out. @why is the kernel's reason.
 */
static void vs_err_addr_hidden(struct vs_err *e, const char *what,
			       const char *kind, const char *why)
{
	vs_err_set(e, VS_ERR_MSG, EPERM,
		   "%s without %s addresses: they are shown to CAP_SYS_ADMIN only%s%s%s",
		   what, kind, why[0] ? " (kernel: " : "", why,
		   why[0] ? ")" : "");
}

/* Either queue status command: a guest queue's, or (@vhost) a vhost one's. */
static struct json_object *vs_queue_status_answer(const struct vs_backend *be,
						  const struct vs_call *c,
						  struct vs_err *e, bool vhost)
{
	struct json_object *ret = NULL;
	struct vs_nl_queue *q;
	struct vs_nl_dev *d;

	d = malloc(sizeof(*d));
	q = malloc(sizeof(*q));
	if (!d || !q) {
		vs_err_sys(e, ENOMEM, NULL);
		goto free;
	}
	if (vs_queue_fetch(be, c, vhost, d, q, e) < 0)
		goto free;
	if (c->qmp && vs_queue_addr_hidden(q)) {
		vs_err_addr_hidden(e, vhost ? "vhost queue status" :
					      "queue status",
				   "ring", q->addr_hidden);
		goto free;
	}
	if (vhost)
		ret = c->qmp ? vs_json_vhost_queue_status_qmp(d, q) :
			       vs_json_vhost_queue_status(d, q);
	else
		ret = c->qmp ? vs_json_queue_status_qmp(d, q) :
			       vs_json_queue_status(d, q);
	if (!ret)
		vs_err_sys(e, ENOMEM, NULL);
free:
	free(q);
	free(d);
	return ret;
}

struct json_object *vs_qmp_run_queue_status(const struct vs_backend *be,
					    const struct vs_call *c,
					    struct vs_err *e)
{
	return vs_queue_status_answer(be, c, e, false);
}

struct json_object *vs_qmp_run_vhost_queue_status(const struct vs_backend *be,
						  const struct vs_call *c,
						  struct vs_err *e)
{
	return vs_queue_status_answer(be, c, e, true);
}

/*
 * The sentences of the errors ELEMENT_GET has of its own. The kernel's
 * extack already says it all for EOPNOTSUPP (a packed ring, a vhost
 * device) and EINVAL (an index it refuses), so it is the sentence.
 */
static void vs_elem_err(const struct vs_call *c, struct vs_err *e)
{
	char extack[sizeof(e->extack)];
	int errnum = e->errnum;

	if (e->kind != VS_ERR_SYS)
		return;
	/* vs_err_set() clears @e: keep the kernel's words */
	memcpy(extack, e->extack, sizeof(extack));
	switch (errnum) {
	case ERANGE:
		if (extack[0])
			vs_err_set(e, VS_ERR_MSG, ERANGE,
				   "queue %u is out of range for %s (kernel: %s)",
				   c->queue, c->path, extack);
		else
			vs_err_set(e, VS_ERR_MSG, ERANGE,
				   "queue %u is out of range for %s",
				   c->queue, c->path);
		break;
	case EOPNOTSUPP:
		if (extack[0])
			vs_err_set(e, VS_ERR_MSG, errnum, "%s", extack);
		else
			/* also what a module without ELEMENT_GET answers */
			vs_err_set(e, VS_ERR_MSG, errnum,
				   "queue %u of %s has no elements to show: %s (a packed ring, a vhost device, or a kernel module without VIRTIO_STATUS_CMD_ELEMENT_GET)",
				   c->queue, c->path, strerror(errnum));
		break;
	case EINVAL:
		if (extack[0])
			vs_err_set(e, VS_ERR_MSG, errnum, "%s", extack);
		else if (c->has_index)
			vs_err_set(e, VS_ERR_MSG, errnum,
				   "index %u is not valid for queue %u of %s",
				   c->index, c->queue, c->path);
		break;
	}
}

struct json_object *vs_qmp_run_queue_element(const struct vs_backend *be,
					     const struct vs_call *c,
					     struct vs_err *e)
{
	static const int need_dev[] = {
		VIRTIO_STATUS_A_DEV_NAME,
	};
	struct json_object *ret = NULL;
	struct vs_nl_element el = { 0 };
	struct vs_target *t;
	struct vs_nl_dev *d;

	t = malloc(sizeof(*t));
	d = malloc(sizeof(*d));
	if (!t || !d) {
		vs_err_sys(e, ENOMEM, NULL);
		goto free;
	}
	if (vs_target_parse(c->path, t, e) < 0)
		goto free;
	/* the device's QEMU name, as the queue commands take it */
	if (be->ops->dev_get(be->ctx, t, d, e) < 0)
		goto free;
	if (vs_dev_list_only(d)) {
		vs_err_list_only(be, e);
		goto free;
	}
	if (vs_qmp_dev_check_busy(d, e) < 0)
		goto free;
	if (vs_qmp_dev_require(d, need_dev, ARRAY_SIZE(need_dev), e) < 0)
		goto free;
	if (be->ops->elem_get(be->ctx, t, c->queue, c->has_index, c->index,
			      &el, e) < 0) {
		vs_elem_err(c, e);
		vs_err_vhost_unread_queue(d, e);
		goto free;
	}
	if (vs_qmp_elem_check(&el, e) < 0)
		goto free;
	if (c->qmp && vs_elem_addr_hidden(&el)) {
		vs_err_addr_hidden(e, "queue element", "descriptor",
				   el.addr_hidden);
		goto free;
	}
	ret = vs_json_queue_element(d, &el);
	if (!ret)
		vs_err_sys(e, ENOMEM, NULL);
free:
	free(d);
	free(t);
	return ret;
}

