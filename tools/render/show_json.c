// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-status show -j: the facts of show as JSON, for scripts. Unlike
 * the table this is a format we keep: members are only added, and a fact
 * the kernel did not give is null (README "show -j").
 */
#include <string.h>

#include <json-c/json.h>

#include "features.h"
#include "json_out.h"
#include "qmp.h"
#include "show.h"

/* A member whose value is null (json-c's NULL object). */
static int vs_sj_null(struct json_object *o, const char *key)
{
	return json_object_object_add(o, key, NULL) ? -1 : 0;
}

/* @v, or null when the reply lacks it. */
static int vs_sj_uint(struct json_object *o, const char *key, bool have, u64 v)
{
	if (!have)
		return vs_sj_null(o, key);
	return vs_qmp_add_uint(o, key, v);
}

/* A status byte's flags by name, in the order a driver sets them. */
static struct json_object *vs_sj_status_flags(u32 status)
{
	struct json_object *a = json_object_new_array();
	char buf[128], *tok, *save = NULL;

	if (!a)
		return NULL;
	vs_status_flags(status, buf, sizeof(buf));
	if (!strcmp(buf, "-"))
		return a;
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
		if (vs_qmp_add_array_str(a, tok) < 0)
			return NULL;
	return a;
}

struct json_object *vs_show_json_row(const struct vs_nl_dev *d)
{
	struct vs_fset neg = vs_dev_negotiated(d);
	struct json_object *o = json_object_new_object(), *names;
	char id[VIRTIO_STATUS_PATH_MAX + 16];
	bool vhost = vs_dev_is_vhost(d);
	int err = 0;

	if (!o)
		return NULL;
	vs_short_id(d, id, sizeof(id));
	err |= vs_qmp_add_str(o, "name", d->name);
	err |= vs_qmp_add_str(o, "id", id);
	err |= vs_qmp_add_str(o, "path", d->header.path);
	err |= vs_qmp_add_str(o, "kind", vhost ? "vhost" : "virtio");
	err |= vs_qmp_add_uint(o, "device-id", d->id);
	if (vs_dev_bound(d))
		err |= vs_qmp_add_str(o, "driver", d->driver);
	else
		err |= vs_sj_null(o, "driver");
	if (vhost) {
		err |= vs_qmp_add_bool(o, "started", vs_dev_started(d));
	} else if (vs_dev_has(d, VIRTIO_STATUS_A_DEV_STATUS)) {
		err |= vs_qmp_add_uint(o, "status", d->status);
		err |= vs_qmp_add(o, "status-flags", vs_sj_status_flags(d->status));
	} else {
		err |= vs_sj_uint(o, "status", false, 0);
		err |= vs_sj_null(o, "status-flags");
	}
	err |= vs_sj_uint(o, "negotiated-count", vs_dev_has_negotiated(d),
			  vs_fset_weight(&neg));
	err |= vs_sj_uint(o, "num-vqs", vs_dev_has_num_vqs(d),
			  vs_dev_has_num_vqs(d) ? vs_dev_num_vqs(d) : 0);
	names = vs_json_names(d);
	err |= vs_qmp_add(o, "names", names);
	if (vs_dev_busy(d))
		err |= vs_qmp_add_str(o, "busy", d->busy);
	if (vs_dev_vhost_error(d))
		err |= vs_qmp_add_str(o, "error", d->vhost.error);
	if (err) {
		json_object_put(o);
		return NULL;
	}
	return o;
}

/* Each set bit of @bits: {"bit", "symbol", "description"} (null: no name). */
static struct json_object *vs_sj_features(const struct vs_fset *bits,
					  const struct vs_nl_dev *d)
{
	struct json_object *a = json_object_new_array(), *f;
	const struct vs_feat *feat;
	unsigned int bit;
	bool transport;
	int err;

	if (!a)
		return NULL;
	for (bit = 0; bit < VS_FEAT_BITS; bit++) {
		if (!vs_fset_test(bits, bit))
			continue;
		feat = vs_feat_find(bit, d->id, vs_dev_feat_as(d), &transport);
		f = json_object_new_object();
		if (!f || json_object_array_add(a, f)) {
			json_object_put(f);
			json_object_put(a);
			return NULL;
		}
		err = vs_qmp_add_uint(f, "bit", bit);
		if (feat) {
			err |= vs_qmp_add_str(f, "symbol", feat->sym);
			err |= vs_qmp_add_str(f, "description", feat->desc);
		} else {
			err |= vs_sj_null(f, "symbol");
			err |= vs_sj_null(f, "description");
		}
		if (err) {
			json_object_put(a);
			return NULL;
		}
	}
	return a;
}

/* What show DEVICE says of a vhost device beyond its row. */
static int vs_sj_vhost(struct json_object *o, const struct vs_nl_dev *d)
{
	struct json_object *pids = json_object_new_array();
	int err = 0;
	u32 i;

	for (i = 0; pids && i < vs_dev_holders_kept(d); i++)
		if (json_object_array_add(pids,
					  json_object_new_int64(d->vhost.holder_pid[i])))
			err = -1;
	err |= vs_qmp_add(o, "holder-pids", pids);
	err |= vs_qmp_add_uint(o, "holders", vs_dev_holders(d));
	err |= vs_sj_uint(o, "owner-pid",
			  vs_dev_vhost_has(d, VIRTIO_STATUS_A_VHOST_OWNER_PID),
			  d->vhost.owner_pid);
	err |= vs_sj_uint(o, "memory-regions",
			  vs_dev_vhost_has(d, VIRTIO_STATUS_A_VHOST_MEM_REGIONS),
			  d->vhost.mem_regions);
	if (vs_dev_vhost_has(d, VIRTIO_STATUS_A_VHOST_LOG_ENABLED))
		err |= vs_qmp_add_bool(o, "dirty-log", d->vhost.log_enabled);
	else
		err |= vs_sj_null(o, "dirty-log");
	err |= vs_sj_uint(o, "backend-features",
			  vs_dev_vhost_has(d, VIRTIO_STATUS_A_VHOST_BACKEND_FEATURES),
			  d->vhost.backend_features);
	return err;
}

/* What show DEVICE says of a virtio device beyond its row. */
static int vs_sj_virtio(struct json_object *o, const struct vs_nl_dev *d)
{
	int err = 0;

	if (vs_dev_has(d, VIRTIO_STATUS_A_DEV_TRANSPORT))
		err |= vs_qmp_add_str(o, "transport", d->transport);
	if (vs_dev_has(d, VIRTIO_STATUS_A_DEV_TRANSPORT_DEV))
		err |= vs_qmp_add_str(o, "transport-device", d->transport_dev);
	err |= vs_sj_uint(o, "vendor-id", vs_dev_has(d, VIRTIO_STATUS_A_DEV_VENDOR),
			  d->vendor);
	err |= vs_sj_uint(o, "driver-num-vqs", vs_dev_has(d, VIRTIO_STATUS_A_DEV_NUM_VQS),
			  d->num_vqs);
	if (vs_dev_has(d, VIRTIO_STATUS_A_DEV_BROKEN))
		err |= vs_qmp_add_bool(o, "broken", d->broken);
	else
		err |= vs_sj_null(o, "broken");
	err |= vs_qmp_add_bool(o, "list-only", vs_dev_list_only(d));
	return err;
}

struct json_object *vs_show_json_dev(const struct vs_backend *be,
				     const struct vs_nl_dev *d)
{
	struct json_object *o = vs_show_json_row(d);
	struct vs_fset neg = vs_dev_negotiated(d), offered, rest;
	char why[2 * VS_MSG_MAX];
	const char *type;
	int err = 0;

	if (!o)
		return NULL;
	type = vs_feat_type_name(d->id);
	if (type)
		err |= vs_qmp_add_str(o, "type", type);
	else
		err |= vs_sj_null(o, "type");
	err |= vs_dev_is_vhost(d) ? vs_sj_vhost(o, d) : vs_sj_virtio(o, d);
	if (vs_dev_has_negotiated(d))
		err |= vs_qmp_add(o, "negotiated", vs_sj_features(&neg, d));
	else
		err |= vs_sj_null(o, "negotiated");
	if (!vs_show_offered(be, d, &offered, why, sizeof(why))) {
		rest = vs_fset_andnot(&offered, &neg);
		err |= vs_qmp_add(o, "offered-not-negotiated",
				  vs_sj_features(&rest, d));
	} else {
		err |= vs_sj_null(o, "offered-not-negotiated");
		if (why[0])
			err |= vs_qmp_add_str(o, "offered-error", why);
	}
	if (err) {
		json_object_put(o);
		return NULL;
	}
	return o;
}
