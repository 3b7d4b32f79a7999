// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-status: one walker for every message of the family, driven by the
 * tables generated from the spec (vs_nl_gen.c).
 */
#include <stdio.h>
#include <string.h>

#include "dev.h"
#include "nl_decode.h"

const char *vs_nl_attr_name(const struct vs_nl_set *set, int attr)
{
	static char buf[96];

	if (attr > 0 && attr <= set->max && set->attrs[attr].name)
		snprintf(buf, sizeof(buf), "VIRTIO_STATUS_%s%s", set->prefix,
			 set->attrs[attr].name);
	else
		snprintf(buf, sizeof(buf), "VIRTIO_STATUS_%s%d", set->prefix, attr);
	return buf;
}

/* Whether @a's payload fits what @d says the attribute is. */
static bool vs_nl_size_ok(const struct vs_nl_attr *d, const struct nlattr *a)
{
	int len = nla_len(a);

	switch (d->type) {
	case VS_NL_U8:
		return len >= 1;
	case VS_NL_U32:
		return len >= 4;
	case VS_NL_U64:
		return len >= 8;
	case VS_NL_STRING:
		return len >= 1 && memchr(nla_data(a), '\0', len);
	default:
		return true;
	}
}

/* Store @a's value at @dst, @d->size bytes. */
static int vs_nl_store(const struct vs_nl_attr *d, void *dst, struct nlattr *a,
		       struct vs_err *e)
{
	switch (d->type) {
	case VS_NL_U8:
		*(u8 *)dst = nla_get_u8(a);
		return 0;
	case VS_NL_U32:
		*(u32 *)dst = nla_get_u32(a);
		return 0;
	case VS_NL_U64:
		*(u64 *)dst = nla_get_u64(a);
		return 0;
	case VS_NL_STRING:
		nla_strlcpy(dst, a, d->size);
		return 0;
	case VS_NL_NEST:
		return vs_nl_decode(d->nested, dst, nla_data(a), nla_len(a), e);
	}
	return 0;
}

int vs_nl_decode(const struct vs_nl_set *set, void *obj,
		 const struct nlattr *head, int len, struct vs_err *e)
{
	u64 *have = (u64 *)((char *)obj + set->have_offset);
	const struct vs_nl_attr *d;
	struct nlattr *a;
	u32 *count;
	int rem, type;

	memset(obj, 0, set->size);
	nla_for_each_attr(a, (struct nlattr *)head, len, rem) {
		type = nla_type(a);
		/* newer than this tool, or a pad */
		if (type <= 0 || type > set->max || !set->attrs[type].type)
			continue;
		d = &set->attrs[type];
		if (!vs_nl_size_ok(d, a)) {
			vs_err_set(e, VS_ERR_MSG, 0,
				   "the virtio_status module sent a malformed %s",
				   vs_nl_attr_name(set, type));
			return -1;
		}
		if (d->max) {
			count = (u32 *)((char *)obj + d->count_offset);
			if (*count < d->max &&
			    vs_nl_store(d, (char *)obj + d->offset + *count * d->size,
					a, e) < 0)
				return -1;
			(*count)++;
		} else if (vs_nl_store(d, (char *)obj + d->offset, a, e) < 0) {
			return -1;
		}
		vs_nl_set(have, type);
	}
	/* what is left is too short to be an attribute: a cut message */
	if (rem > 0) {
		vs_err_set(e, VS_ERR_MSG, 0,
			   "the virtio_status module sent a malformed %s message",
			   set->name);
		return -1;
	}
	return 0;
}
