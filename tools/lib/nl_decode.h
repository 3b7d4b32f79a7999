/* SPDX-License-Identifier: GPL-2.0 */
/*
 * virtio-status: decoding the family's messages with the tables
 * tools/ynl/gen_libnl.py writes from the spec (vs_nl_gen.[ch]). A set's
 * table says, for each attribute number, its type and where its value goes
 * in the set's struct; vs_nl_decode() walks a message with it.
 */
#ifndef VS_NL_DECODE_H
#define VS_NL_DECODE_H

#include <stdbool.h>
#include <stddef.h>
#include <netlink/attr.h>

#include "util.h"

struct vs_err;

/* Bytes of a string attribute whose spec gives no max-len */
#define VS_NL_STR_MAX		512
/* Words of a presence mask for attribute numbers 0..max */
#define VS_NL_PRESENT_WORDS(max)	((max) / 64 + 1)

enum vs_nl_type {
	VS_NL_U8 = 1,
	VS_NL_U32,
	VS_NL_U64,
	VS_NL_STRING,
	VS_NL_NEST,
};

struct vs_nl_set;

/**
 * struct vs_nl_attr - one attribute of a set, as its table describes it
 * @name: the attribute's name after the set's prefix ("NUM_VQS")
 * @type: how its payload is read; 0: not an attribute the CLI keeps
 * @nested: a nest's set
 * @offset: where the value goes in the set's struct
 * @size: bytes of the value (of one element, for repeated attributes)
 * @max: repeated attributes: how many the struct holds; 0: not repeated
 * @count_offset: repeated attributes: where the count of sent ones goes
 */
struct vs_nl_attr {
	const char *name;
	enum vs_nl_type type;
	const struct vs_nl_set *nested;
	size_t offset;
	size_t size;
	u32 max;
	size_t count_offset;
};

/**
 * struct vs_nl_set - an attribute set's table
 * @name: the set's name in the spec
 * @prefix: its attributes' uapi prefix after VIRTIO_STATUS_ ("A_DEV_")
 * @max: highest attribute number this CLI knows
 * @attrs: by attribute number, 0..@max
 * @policy: libnl's view of the same, for nla_parse()
 * @have_offset: where the struct's presence mask is
 * @size: the struct's size
 */
struct vs_nl_set {
	const char *name;
	const char *prefix;
	int max;
	const struct vs_nl_attr *attrs;
	const struct nla_policy *policy;
	size_t have_offset;
	size_t size;
};

/**
 * vs_nl_decode() - fill a set's struct from a run of attributes
 * @set: the set the attributes belong to
 * @obj: its struct, cleared first
 * @head: the first attribute
 * @len: bytes of attributes
 * @e: why not, on failure
 *
 * Attributes newer than this CLI are skipped; a known one of the wrong
 * size (a string without its NUL) fails the whole message.
 *
 * Return: 0, or -1 with @e set.
 */
int vs_nl_decode(const struct vs_nl_set *set, void *obj,
		 const struct nlattr *head, int len, struct vs_err *e);

/* Whether @attr was in the message a presence mask was filled from. */
static inline bool vs_nl_has(const u64 *have, int attr)
{
	return attr >= 0 && (have[attr / 64] & BIT_ULL(attr % 64));
}

static inline void vs_nl_set(u64 *have, int attr)
{
	have[attr / 64] |= BIT_ULL(attr % 64);
}

static inline void vs_nl_clear(u64 *have, int attr)
{
	have[attr / 64] &= ~BIT_ULL(attr % 64);
}

/* "VIRTIO_STATUS_" + set prefix + name of @attr in @set, for messages */
const char *vs_nl_attr_name(const struct vs_nl_set *set, int attr);

#endif /* VS_NL_DECODE_H */
