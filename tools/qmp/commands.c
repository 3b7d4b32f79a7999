// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-status: the commands of both the command line and QMP (--qmp,
 * serve): their table and the handlers of the device commands. The queue
 * commands are in commands_queue.c.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "commands.h"
#include "json_out.h"
#include "qmp.h"

/*
 * The kernel's vhost drivers by module name (VIRTIO_STATUS_A_DEV_DRIVER),
 * and the node to ask for the features each offers. vhost-vdpa has one
 * node per device, opened exclusively by its owner: it cannot be asked.
 */
static const struct {
	const char *driver;
	const char *node;	/* NULL: cannot be probed */
} vs_vhost_drivers[] = {
	{ "vhost_net", "/dev/vhost-net" },
	{ "vhost_vsock", "/dev/vhost-vsock" },
	{ "vhost_scsi", "/dev/vhost-scsi" },
	{ "vhost_vdpa", NULL },
};

/* --names: "names" at the end of device @d's object @o. 0, or -1 (ENOMEM). */
static int vs_add_names(struct json_object *o, const struct vs_nl_dev *d,
			const struct vs_call *c)
{
	if (!c->names)
		return 0;
	return vs_qmp_add(o, "names", vs_json_names(d));
}

static struct json_object *vs_run_query_virtio(const struct vs_backend *be,
					       const struct vs_call *c,
					       struct vs_err *e)
{
	struct vs_dev_list l = { 0 };
	struct json_object *ret = NULL;
	size_t i;

	if (be->ops->dev_dump(be->ctx, &l, e) < 0)
		return NULL;
	for (i = 0; i < l.n; i++)
		if (vs_dev_check_info(&l.devs[i], e) < 0)
			goto free_list;
	ret = vs_json_list(&l);
	for (i = 0; ret && i < l.n; i++) {
		if (vs_add_names(json_object_array_get_idx(ret, i), &l.devs[i],
				 c) < 0) {
			json_object_put(ret);
			ret = NULL;
		}
	}
	if (!ret)
		vs_err_sys(e, ENOMEM, NULL);
free_list:
	vs_dev_list_free(&l);
	return ret;
}

void vs_err_list_only(const struct vs_backend *be, struct vs_err *e)
{
	struct vs_nl_info *info = malloc(sizeof(*info));
	struct vs_err ie;

	vs_err_clear(&ie);
	if (info && be->ops->info(be->ctx, info, &ie) == 0 &&
	    vs_info_has(info, VIRTIO_STATUS_A_INFO_MODE_REASON))
		vs_err_set(e, VS_ERR_LIST_ONLY, 0, "%s", info->mode_reason);
	else
		vs_err_set(e, VS_ERR_LIST_ONLY, 0, NULL);
	free(info);
}

int vs_vhost_offered(const struct vs_backend *be, const struct vs_nl_dev *d,
		     struct vs_fset *features, struct vs_err *e)
{
	size_t i;
	int err;

	for (i = 0; i < ARRAY_SIZE(vs_vhost_drivers); i++)
		if (!strcmp(vs_vhost_drivers[i].driver, d->driver))
			break;
	if (i == ARRAY_SIZE(vs_vhost_drivers)) {
		vs_err_set(e, VS_ERR_MSG, 0,
			   "cannot read the features the vhost driver '%s' offers: this virtio-status does not know its device node",
			   d->driver);
		return -1;
	}
	if (!vs_vhost_drivers[i].node) {
		vs_err_set(e, VS_ERR_MSG, EBUSY,
			   "cannot read the features the %s driver offers: its device node /dev/vhost-vdpa-N is opened exclusively by its owner and cannot be probed (%s)",
			   d->driver, strerror(EBUSY));
		return -1;
	}
	err = be->ops->vhost_features(be->ctx, vs_vhost_drivers[i].node,
				      features);
	if (err) {
		vs_err_set(e, VS_ERR_MSG, err,
			   "cannot read the features the %s driver offers from %s: %s",
			   d->driver, vs_vhost_drivers[i].node, strerror(err));
		return -1;
	}
	return 0;
}

static struct json_object *vs_run_query_status(const struct vs_backend *be,
					       const struct vs_call *c,
					       struct vs_err *e)
{
	struct json_object *ret = NULL;
	struct vs_fset offered;
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
	if (be->ops->dev_get(be->ctx, t, d, e) < 0)
		goto free;
	if (vs_dev_list_only(d)) {
		vs_err_list_only(be, e);
		goto free;
	}
	if (vs_dev_check_status(d, e) < 0)
		goto free;
	if (vs_dev_is_vhost(d)) {
		if (vs_vhost_offered(be, d, &offered, e) < 0)
			goto free;
		ret = vs_json_vhost_status_mode(d, &offered, c->mode);
	} else {
		ret = vs_json_status_mode(d, c->mode);
	}
	if (ret && vs_add_names(ret, d, c) < 0) {
		json_object_put(ret);
		ret = NULL;
	}
	if (!ret)
		vs_err_sys(e, ENOMEM, NULL);
free:
	free(d);
	free(t);
	return ret;
}

static struct json_object *vs_run_info(const struct vs_backend *be,
				       const struct vs_call *c, struct vs_err *e)
{
	struct vs_nl_info info;

	(void)c;
	if (be->ops->info(be->ctx, &info, e) < 0) {
		if (e->kind == VS_ERR_SYS && e->errnum == EOPNOTSUPP)
			vs_err_set(e, VS_ERR_OLD, EOPNOTSUPP,
				   "it does not answer VIRTIO_STATUS_CMD_INFO");
		return NULL;
	}
	return vs_json_info(&info, e);
}

/* Spoken by QMP clients first; there is nothing to negotiate. */
static struct json_object *vs_run_capabilities(const struct vs_backend *be,
					       const struct vs_call *c,
					       struct vs_err *e)
{
	struct json_object *ret = json_object_new_object();

	(void)be;
	(void)c;
	if (!ret)
		vs_err_sys(e, ENOMEM, NULL);
	return ret;
}

static const struct vs_qmp_cmd vs_cmds[] = {
	{ .name = "qmp_capabilities", .qmp_only = true,
	  .run = vs_run_capabilities },
	{ .name = "x-query-virtio", .warn_vhost_off = true,
	  .run = vs_run_query_virtio },
	{ .name = "x-query-virtio-status", .takes_path = true,
	  .takes_decode = true, .warn_vhost_off = true,
	  .run = vs_run_query_status },
	{ .name = "x-query-virtio-queue-status", .takes_path = true,
	  .takes_queue = true, .run = vs_qmp_run_queue_status },
	{ .name = "x-query-virtio-vhost-queue-status", .takes_path = true,
	  .takes_queue = true, .run = vs_qmp_run_vhost_queue_status },
	{ .name = "x-query-virtio-queue-element", .takes_path = true,
	  .takes_queue = true, .takes_index = true,
	  .run = vs_qmp_run_queue_element },
	{ .name = "info", .cli_only = true, .run = vs_run_info },
	{ .name = "x-virtio-status-info", .qmp_only = true,
	  .run = vs_run_info },
};

const struct vs_qmp_cmd *vs_qmp_cmd_at(size_t i, bool qmp)
{
	size_t n;

	for (n = 0; n < ARRAY_SIZE(vs_cmds); n++) {
		if ((qmp ? vs_cmds[n].cli_only : vs_cmds[n].qmp_only))
			continue;
		if (!i--)
			return &vs_cmds[n];
	}
	return NULL;
}

const struct vs_qmp_cmd *vs_qmp_cmd_find(const char *name, bool qmp)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(vs_cmds); i++) {
		if (strcmp(vs_cmds[i].name, name))
			continue;
		if ((vs_cmds[i].qmp_only && !qmp) ||
		    (vs_cmds[i].cli_only && qmp))
			return NULL;
		return &vs_cmds[i];
	}
	return NULL;
}

struct json_object *vs_qmp_cmd_answer(const struct vs_qmp_cmd *cmd,
				      const struct vs_backend *be,
				      const struct vs_call *c)
{
	char desc[2 * VS_MSG_MAX];
	struct json_object *ret;
	struct vs_err e;

	vs_err_clear(&e);
	ret = cmd->run(be, c, &e);
	if (ret)
		return vs_qmp_return(ret);
	vs_err_sentence(&e, c->path, desc, sizeof(desc));
	return vs_qmp_error("GenericError", desc);
}
