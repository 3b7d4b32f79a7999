// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-status: whether a kernel reply holds what a QMP shape needs. A
 * reply without an attribute the answer is built from came from an older
 * module (VS_ERR_OLD), or says why the device could not be read.
 */
#include <errno.h>

#include "commands.h"
#include "qmp.h"

/* Every attribute of @attrs of @set present in @have, or @e says which. */
int vs_qmp_require(const struct vs_nl_set *set, const u64 *have,
		   const int *attrs, size_t n, struct vs_err *e)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (!vs_nl_has(have, attrs[i])) {
			vs_err_set(e, VS_ERR_OLD, 0, "its reply lacks %s",
				   vs_nl_attr_name(set, attrs[i]));
			return -1;
		}
	}
	return 0;
}

int vs_qmp_dev_require(const struct vs_nl_dev *d, const int *attrs, size_t n,
		       struct vs_err *e)
{
	return vs_qmp_require(&vs_nl_dev_set, d->have, attrs, n, e);
}

static int vs_check_virtio_status(const struct vs_nl_dev *d, struct vs_err *e)
{
	static const int need[] = {
		VIRTIO_STATUS_A_DEV_NAME,
		VIRTIO_STATUS_A_DEV_ID,
		VIRTIO_STATUS_A_DEV_ENDIAN,
		VIRTIO_STATUS_A_DEV_DRIVER_FEATURES,
		VIRTIO_STATUS_A_DEV_NUM_VQS,
		VIRTIO_STATUS_A_DEV_STATUS,
		VIRTIO_STATUS_A_DEV_BROKEN,
	};

	if (vs_qmp_dev_require(d, need, ARRAY_SIZE(need), e) < 0)
		return -1;
	if (vs_dev_has(d, VIRTIO_STATUS_A_DEV_DEVICE_FEATURES_ERR)) {
		vs_err_set(e, VS_ERR_FEATURES, (int)d->device_features_err,
			   NULL);
		return -1;
	}
	if (!vs_dev_has(d, VIRTIO_STATUS_A_DEV_DEVICE_FEATURES)) {
		vs_err_set(e, VS_ERR_OLD, 0,
			   "its reply lacks %s",
			   vs_nl_attr_name(&vs_nl_dev_set,
					   VIRTIO_STATUS_A_DEV_DEVICE_FEATURES));
		return -1;
	}
	return 0;
}

static int vs_check_vhost_status(const struct vs_nl_dev *d, struct vs_err *e)
{
	static const int need[] = {
		VIRTIO_STATUS_A_DEV_NAME,
		VIRTIO_STATUS_A_DEV_ID,
		VIRTIO_STATUS_A_DEV_DRIVER,
		VIRTIO_STATUS_A_DEV_ENDIAN,
		VIRTIO_STATUS_A_DEV_NUM_VQS,
		VIRTIO_STATUS_A_DEV_STATUS,
		VIRTIO_STATUS_A_DEV_BROKEN,
		VIRTIO_STATUS_A_DEV_VHOST,
	};
	static const int need_vhost[] = {
		VIRTIO_STATUS_A_VHOST_ACKED_FEATURES,
		VIRTIO_STATUS_A_VHOST_BACKEND_FEATURES,
		VIRTIO_STATUS_A_VHOST_MEM_REGIONS,
		VIRTIO_STATUS_A_VHOST_LOG_ENABLED,
		VIRTIO_STATUS_A_VHOST_STARTED,
	};

	if (vs_qmp_dev_require(d, need, ARRAY_SIZE(need), e))
		return -1;
	return vs_qmp_require(&vs_nl_vhost_set, d->vhost.have, need_vhost,
			      ARRAY_SIZE(need_vhost), e);
}

/*
 * A reply that carries BUSY names the device and nothing of its state:
 * @e says which lock kept it from being read.
 */
int vs_qmp_dev_check_busy(const struct vs_nl_dev *d, struct vs_err *e)
{
	if (!vs_dev_busy(d))
		return 0;
	vs_err_set(e, VS_ERR_BUSY, EBUSY, "%s", d->busy);
	return -1;
}

int vs_dev_check_status(const struct vs_nl_dev *d, struct vs_err *e)
{
	if (vs_qmp_dev_check_busy(d, e) < 0)
		return -1;
	switch (vs_dev_kind(d)) {
	case VIRTIO_STATUS_KIND_VIRTIO:
		return vs_check_virtio_status(d, e);
	case VIRTIO_STATUS_KIND_VHOST:
		/* listed, but nothing of its state was read */
		if (vs_dev_vhost_error(d)) {
			vs_err_set(e, VS_ERR_VHOST_UNREAD, 0, "%s",
				   d->vhost.error);
			return -1;
		}
		return vs_check_vhost_status(d, e);
	default:
		vs_err_set(e, VS_ERR_MSG, 0,
			   "the virtio_status module describes a kind of device (%u) this virtio-status does not know",
			   d->kind);
		return -1;
	}
}

int vs_dev_check_info(const struct vs_nl_dev *d, struct vs_err *e)
{
	static const int need[] = {
		VIRTIO_STATUS_A_DEV_HEADER,
		VIRTIO_STATUS_A_DEV_NAME,
	};
	static const int need_header[] = {
		VIRTIO_STATUS_A_HEADER_PATH,
	};

	if (vs_qmp_dev_require(d, need, ARRAY_SIZE(need), e) < 0)
		return -1;
	return vs_qmp_require(&vs_nl_header_set, d->header.have, need_header,
			      ARRAY_SIZE(need_header), e);
}

static int vs_queue_require(const struct vs_nl_queue *q, const int *attrs,
			    size_t n, struct vs_err *e)
{
	return vs_qmp_require(&vs_nl_queue_set, q->have, attrs, n, e);
}

/* What a queue reply must hold, by the kind of device it belongs to. */
int vs_qmp_queue_check(const struct vs_nl_dev *d, const struct vs_nl_queue *q,
		       struct vs_err *e)
{
	static const int need[] = {
		VIRTIO_STATUS_A_QUEUE_NUM,
	};
	/* unless the reply says it left them out */
	static const int need_addr[] = {
		VIRTIO_STATUS_A_QUEUE_DESC,
		VIRTIO_STATUS_A_QUEUE_AVAIL,
		VIRTIO_STATUS_A_QUEUE_USED,
	};
	static const int need_guest[] = {
		VIRTIO_STATUS_A_QUEUE_NUM_FREE,
	};
	static const int need_split[] = {
		VIRTIO_STATUS_A_QUEUE_USED_IDX,
	};
	static const int need_vhost[] = {
		VIRTIO_STATUS_A_QUEUE_LAST_AVAIL_IDX,
		VIRTIO_STATUS_A_QUEUE_AVAIL_IDX,
		VIRTIO_STATUS_A_QUEUE_USED_IDX,
	};

	if (vs_queue_require(q, need, ARRAY_SIZE(need), e) < 0)
		return -1;
	if (!vs_queue_addr_hidden(q) &&
	    vs_queue_require(q, need_addr, ARRAY_SIZE(need_addr), e) < 0)
		return -1;
	if (vs_dev_is_vhost(d))
		return vs_queue_require(q, need_vhost, ARRAY_SIZE(need_vhost),
					e);
	if (vs_queue_require(q, need_guest, ARRAY_SIZE(need_guest), e) < 0)
		return -1;
	if (!q->packed &&
	    vs_queue_require(q, need_split, ARRAY_SIZE(need_split), e) < 0)
		return -1;
	return 0;
}

/* What an element reply must hold. */
int vs_qmp_elem_check(const struct vs_nl_element *el, struct vs_err *e)
{
	static const int need[] = {
		VIRTIO_STATUS_A_ELEMENT_HEAD,
		VIRTIO_STATUS_A_ELEMENT_AVAIL_IDX,
		VIRTIO_STATUS_A_ELEMENT_AVAIL_FLAGS,
		VIRTIO_STATUS_A_ELEMENT_USED_IDX,
		VIRTIO_STATUS_A_ELEMENT_USED_FLAGS,
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(need); i++) {
		if (!vs_elem_has(el, need[i])) {
			vs_err_set(e, VS_ERR_OLD, 0,
				   "its reply lacks %s",
				   vs_nl_attr_name(&vs_nl_element_set, need[i]));
			return -1;
		}
	}
	/* a chain is at least its head */
	if (!el->n_desc) {
		vs_err_set(e, VS_ERR_OLD, 0,
			   "its reply lacks %s",
			   vs_nl_attr_name(&vs_nl_element_set,
					   VIRTIO_STATUS_A_ELEMENT_DESC));
		return -1;
	}
	return 0;
}
