/* SPDX-License-Identifier: GPL-2.0 */
/*
 * virtio-status: what the command handlers of the QMP layer share: the
 * checks of a kernel reply (reply.c) and the queue commands
 * (commands_queue.c), which the table in commands.c names.
 */
#ifndef VS_QMP_COMMANDS_H
#define VS_QMP_COMMANDS_H

#include "qmp.h"

/*
 * Every attribute of @attrs (@n of them) of @set present in @have; else
 * -1 with @e set to VS_ERR_OLD naming the first missing one.
 */
int vs_qmp_require(const struct vs_nl_set *set, const u64 *have,
		   const int *attrs, size_t n, struct vs_err *e);
/* vs_qmp_require() on the device attributes of @d. */
int vs_qmp_dev_require(const struct vs_nl_dev *d, const int *attrs, size_t n,
		       struct vs_err *e);
/*
 * -1 with @e set to VS_ERR_BUSY when the reply about @d says another task
 * held a lock its state is read under; else 0.
 */
int vs_qmp_dev_check_busy(const struct vs_nl_dev *d, struct vs_err *e);
/* What a queue reply @q about @d must hold, by @d's kind. 0, or -1 with @e. */
int vs_qmp_queue_check(const struct vs_nl_dev *d, const struct vs_nl_queue *q,
		       struct vs_err *e);
/* What an element reply must hold. 0, or -1 with @e. */
int vs_qmp_elem_check(const struct vs_nl_element *el, struct vs_err *e);

/* The queue commands: their "return" value, or NULL with @e set. */
struct json_object *vs_qmp_run_queue_status(const struct vs_backend *be,
					    const struct vs_call *c,
					    struct vs_err *e);
struct json_object *vs_qmp_run_vhost_queue_status(const struct vs_backend *be,
						  const struct vs_call *c,
						  struct vs_err *e);
struct json_object *vs_qmp_run_queue_element(const struct vs_backend *be,
					     const struct vs_call *c,
					     struct vs_err *e);

#endif /* VS_QMP_COMMANDS_H */
