// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-status unit tests. The feature tables, against the uapi headers
 * of the installed and of the newest kernel (uapi-check.c), ordered and
 * disjoint; status flags; 128-bit feature sets.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test.h"

#include "features.h"
#include "uapi-check.h"

/* Entries no uapi header has, with the values the specification gives. */
static const struct {
	const char *sym;
	unsigned int bit;
} spec_bits[] = {
	{ "VHOST_USER_F_PROTOCOL_FEATURES", 30 },	/* QEMU's vhost-user */
	{ "VIRTIO_BLK_F_LIFETIME", 15 },
	{ "VIRTIO_VSOCK_F_STREAM", 0 },
	{ "VIRTIO_VSOCK_F_NO_IMPLIED_STREAM", 2 },
	{ "VIRTIO_CRYPTO_F_REVISION_1", 0 },
	{ "VIRTIO_CRYPTO_F_CIPHER_STATELESS_MODE", 1 },
	{ "VIRTIO_CRYPTO_F_HASH_STATELESS_MODE", 2 },
	{ "VIRTIO_CRYPTO_F_MAC_STATELESS_MODE", 3 },
	{ "VIRTIO_CRYPTO_F_AEAD_STATELESS_MODE", 4 },
	{ "VIRTIO_FS_F_NOTIFICATION", 0 },
};

/**
 * check_uapi_set() - features-table.h against one set of uapi headers
 * @_metadata: the test's, for its checks
 * @set: the headers, as uapi-check.c saw them
 * @newest: whether they are the newest kernel's
 *
 * A bit mistyped fails here. With @newest, every H and E symbol must be
 * there too (a symbol misspelt fails); an older set may lack newer
 * symbols.
 */
static void check_uapi_set(struct __test_metadata *_metadata,
			   const struct vs_uapi_set *set, bool newest)
{
	unsigned long long v, want;
	size_t i, j, absent = 0;
	char *end;

	ASSERT_LT(50, set->n_entries);
	EXPECT_EQ(vs_n_feats, set->n_entries);
	for (i = 0; i < set->n_entries; i++) {
		const struct vs_uapi_entry *u = &set->entries[i];
		bool defined = strcmp(u->sym, u->expansion);

		ASSERT_LT(i, vs_n_feats);

		switch (u->src) {
		case 'H':
		case 'S':
			if (!defined) {
				/* older headers than the table: only then */
				EXPECT_FALSE(newest)
					TH_LOG("%s is in no uapi header of %s",
					       u->sym, set->dir);
				absent++;
				break;
			}
			errno = 0;
			v = strtoull(u->expansion, &end, 0);
			EXPECT_TRUE(!errno && !*end)
				TH_LOG("%s is \"%s\", not a number", u->sym,
				       u->expansion);
			/* S: the status byte's mask */
			want = u->src == 'H' ? u->bit : 1ULL << u->bit;
			EXPECT_EQ(want, v) TH_LOG("%s", u->sym);
			break;
		case 'E':
			for (j = 0; j < set->n_enums; j++)
				if (!strcmp(set->enums[j].sym, u->sym))
					break;
			ASSERT_LT(j, set->n_enums)
				TH_LOG("%s: add it to uapi-check.c", u->sym);
			if (!set->has_enums) {
				EXPECT_FALSE(newest)
					TH_LOG("%s: the enums of %s are unknown",
					       u->sym, set->dir);
				absent++;
				break;
			}
			EXPECT_EQ(u->bit, set->enums[j].val) TH_LOG("%s", u->sym);
			break;
		case 'N':
			/* not in uapi: a header that gains it must say H */
			EXPECT_FALSE(defined)
				TH_LOG("%s is in uapi now: mark it H", u->sym);
			for (j = 0; j < ARRAY_SIZE(spec_bits); j++)
				if (!strcmp(spec_bits[j].sym, u->sym))
					break;
			ASSERT_LT(j, ARRAY_SIZE(spec_bits)) TH_LOG("%s", u->sym);
			EXPECT_EQ(spec_bits[j].bit, u->bit) TH_LOG("%s", u->sym);
			break;
		default:
			EXPECT_EQ(0, u->src)
				TH_LOG("%s: source %c", u->sym, u->src);
		}
		/* the tool's table is the same list */
		EXPECT_STREQ(u->sym, vs_feats[i].sym);
		EXPECT_EQ(u->bit, vs_feats[i].bit);
		EXPECT_EQ(u->table, vs_feats[i].table);
		EXPECT_STREQ(u->desc, vs_feats[i].desc);
	}
	if (absent)
		TH_LOG("%zu symbols are newer than the uapi headers of %s",
		       absent, set->dir[0] ? set->dir : "the libc");
}

/*
 * The installed headers (VS_UAPI_DIR, the newest linux-headers package
 * here, else the libc's): they may be older than the table.
 */
TEST(feature_table_matches_uapi)
{
	ASSERT_NE(NULL, vs_uapi_installed.dir);
	check_uapi_set(_metadata, &vs_uapi_installed, false);
}

/*
 * Symbols of the uapi headers with "_F_" in their name and a plain number
 * for a value that are not feature bits of a device, and why.
 */
static const struct {
	const char *sym;	/* a prefix when it ends in '_' */
	const char *why;
} not_feature_bits[] = {
	{ "VRING_", "ring and descriptor flags" },
	{ "VHOST_VRING_F_", "a flag of VHOST_SET_VRING_ADDR" },
	{ "VIRTIO_NET_HDR_F_", "flags of the virtio-net packet header" },
	{ "VIRTIO_TRANSPORT_F_", "the bounds of the transport range" },
	{ "VIRTIO_ADMIN_CMD_", "flags of an admin command" },
	{ "VIRTIO_DEV_PART_F_", "flags of an admin command" },
	{ "VIRTIO_SND_JACK_F_", "features of a jack, in its config" },
	{ "VIRTIO_SND_PCM_F_", "features of a PCM stream, in its config" },
	{ "VIRTIO_NET_F_GUEST_UDP_TUNNEL_GSO_MAPPED",
	  "a guest offload bit (VIRTIO_NET_CTRL_GUEST_OFFLOADS)" },
	{ "VIRTIO_NET_F_GUEST_UDP_TUNNEL_GSO_CSUM_MAPPED",
	  "a guest offload bit (VIRTIO_NET_CTRL_GUEST_OFFLOADS)" },
	{ "VHOST_NET_F_VIRTIO_NET_HDR",
	  "bit 27 of vhost-net, which the table names VIRTIO_F_ANY_LAYOUT" },
};

static bool is_feature_sym(const char *sym)
{
	size_t i, n;

	if (!strstr(sym, "_F_"))
		return false;
	for (i = 0; i < ARRAY_SIZE(not_feature_bits); i++) {
		n = strlen(not_feature_bits[i].sym);
		if (not_feature_bits[i].sym[n - 1] == '_' ?
		    !strncmp(sym, not_feature_bits[i].sym, n) :
		    !strcmp(sym, not_feature_bits[i].sym))
			return false;
	}
	return true;
}

/**
 * parse_bit_line() - a symbol a header line defines to a plain number
 * @line: the line
 * @sym: set to its name
 * @len: the size of @sym
 * @val: set to its number
 *
 * "#define NAME N" or an enum's "NAME = N," with N a plain number.
 * Anything else (expressions, other symbols) is not read.
 *
 * Return: whether @line is one of those.
 */
static bool parse_bit_line(const char *line, char *sym, size_t len,
			   unsigned long long *val)
{
	const char *p = line, *name;
	char *end;
	size_t n;

	while (*p == ' ' || *p == '\t')
		p++;
	if (*p == '#') {
		p++;
		while (*p == ' ' || *p == '\t')
			p++;
		if (strncmp(p, "define", 6) || (p[6] != ' ' && p[6] != '\t'))
			return false;
		p += 6;
		while (*p == ' ' || *p == '\t')
			p++;
	}
	name = p;
	while (*p == '_' || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9'))
		p++;
	n = p - name;
	if (!n || n >= len || (*p != ' ' && *p != '\t'))
		return false;
	while (*p == ' ' || *p == '\t')
		p++;
	if (line[strspn(line, " \t")] != '#') {
		if (*p != '=')
			return false;
		p++;
		while (*p == ' ' || *p == '\t')
			p++;
	}
	if (*p < '0' || *p > '9')
		return false;
	errno = 0;
	*val = strtoull(p, &end, 0);
	if (errno)
		return false;
	while (*end == ' ' || *end == '\t' || *end == ',')
		end++;
	if (*end && *end != '\n' && strncmp(end, "/*", 2))
		return false;
	memcpy(sym, name, n);
	sym[n] = '\0';
	return true;
}

/* Every feature bit the headers in @dir/linux define is in the table. */
static void check_uapi_bits_named(struct __test_metadata *_metadata,
				  const char *dir)
{
	char path[4096], line[512], sym[128];
	unsigned long long val;
	size_t i, seen = 0;
	struct dirent *de;
	DIR *dh;
	FILE *f;

	snprintf(path, sizeof(path), "%s/linux", dir);
	dh = opendir(path);
	ASSERT_NE(NULL, dh) TH_LOG("%s: %s", path, strerror(errno));
	while ((de = readdir(dh))) {
		if (strncmp(de->d_name, "virtio_", 7) &&
		    strncmp(de->d_name, "vhost", 5))
			continue;
		if (strcmp(de->d_name + strlen(de->d_name) - 2, ".h"))
			continue;
		snprintf(path, sizeof(path), "%s/linux/%s", dir, de->d_name);
		f = fopen(path, "r");
		ASSERT_NE(NULL, f) TH_LOG("%s: %s", path, strerror(errno));
		while (fgets(line, sizeof(line), f)) {
			if (!parse_bit_line(line, sym, sizeof(sym), &val) ||
			    !is_feature_sym(sym))
				continue;
			seen++;
			for (i = 0; i < vs_n_feats; i++)
				if (!strcmp(vs_feats[i].sym, sym))
					break;
			EXPECT_LT(i, vs_n_feats)
				TH_LOG("%s defines %s %llu: %s", de->d_name,
				       sym, val,
				       "add it to features-table.h (or to not_feature_bits[] if it is no feature bit)");
			if (i < vs_n_feats)
				EXPECT_EQ(val, vs_feats[i].bit) TH_LOG("%s", sym);
		}
		fclose(f);
	}
	closedir(dh);
	/* the scan found the bits it should, so it still works */
	EXPECT_LT(100, seen);
}

TEST(uapi_bit_line_parsing)
{
	unsigned long long v;
	char sym[64];

	ASSERT_TRUE(parse_bit_line("#define VIRTIO_NET_F_MQ\t22\t/* mq */\n",
				   sym, sizeof(sym), &v));
	EXPECT_STREQ("VIRTIO_NET_F_MQ", sym);
	EXPECT_EQ(22, v);
	ASSERT_TRUE(parse_bit_line("#define VHOST_BACKEND_F_IOTLB_BATCH  0x2\n",
				   sym, sizeof(sym), &v));
	EXPECT_EQ(2, v);
	ASSERT_TRUE(parse_bit_line("\tVIRTIO_SND_F_CTLS = 0\n", sym,
				   sizeof(sym), &v));
	EXPECT_STREQ("VIRTIO_SND_F_CTLS", sym);
	EXPECT_FALSE(parse_bit_line("#define VIRTIO_F_IOMMU_PLATFORM VIRTIO_F_ACCESS_PLATFORM\n",
				    sym, sizeof(sym), &v));
	EXPECT_FALSE(parse_bit_line("#define VIRTIO_IOMMU_MAP_F_READ (1 << 0)\n",
				    sym, sizeof(sym), &v));
	EXPECT_FALSE(parse_bit_line("\tVIRTIO_SND_PCM_F_SHMEM_GUEST,\n", sym,
				    sizeof(sym), &v));
	EXPECT_FALSE(is_feature_sym("VRING_DESC_F_NEXT"));
	EXPECT_FALSE(is_feature_sym("VIRTIO_NET_F_GUEST_UDP_TUNNEL_GSO_MAPPED"));
	EXPECT_TRUE(is_feature_sym("VIRTIO_NET_F_GUEST_UDP_TUNNEL_GSO"));
}

/*
 * The newest kernel's headers (VS_UAPI_NEWEST, set by make check): every
 * symbol of the table is there with its bit, and every feature bit they
 * define is in the table. Without them this fails: a table that was never
 * compared with the newest kernel is not known to be right.
 */
TEST(feature_table_matches_newest_uapi)
{
	if (!vs_uapi_newest.dir) {
		TH_LOG("%s",
		       "VS_UAPI_NEWEST is not set: make the tests with VS_UAPI_NEWEST=DIR, DIR the include/uapi directory of the newest kernel's headers (linux-source or linux-headers-*-common of the newest release; make check sets it)");
		ASSERT_NE(NULL, vs_uapi_newest.dir);
	}
	TH_LOG("newest uapi headers: %s", vs_uapi_newest.dir);
	check_uapi_set(_metadata, &vs_uapi_newest, true);
	check_uapi_bits_named(_metadata, vs_uapi_newest.dir);
}

TEST(feature_tables_ordered_and_disjoint)
{
	const struct vs_feat *f, *prev = NULL;
	struct vs_feat_table t;
	bool transport;
	size_t i, n = 0;

	for (i = 0; i < vs_n_feats; i++) {
		f = &vs_feats[i];
		EXPECT_GT(VS_FEAT_BITS, f->bit);
		EXPECT_LT(0, strlen(f->desc));
		/* a table's entries together, in ascending bit order */
		if (prev && prev->table == f->table) {
			EXPECT_LT(prev->bit, f->bit) TH_LOG("%s", f->sym);
		} else {
			ASSERT_TRUE(vs_feat_table(f->table, &t));
			EXPECT_EQ(f, t.feats) TH_LOG("%s", f->sym);
			n += t.n;
		}
		prev = f;
		if (f->table >= VS_TBL_TRANSPORT)
			continue;
		/* device bits never hide transport or shared bits */
		EXPECT_EQ(f, vs_feat_find(f->bit, f->table, VS_AS_VHOST,
					  &transport)) TH_LOG("%s", f->sym);
		EXPECT_NE(NULL, vs_feat_type_name(f->table));
	}
	EXPECT_EQ(vs_n_feats, n);
	/* the transport range is the transport's */
	ASSERT_TRUE(vs_feat_table(VS_TBL_TRANSPORT, &t));
	EXPECT_EQ(24, t.feats[0].bit);
	EXPECT_EQ(41, t.feats[t.n - 1].bit);
	/* device types of the uapi headers with bits have a table */
	EXPECT_TRUE(vs_feat_table(1, &t));	/* net */
	EXPECT_TRUE(vs_feat_table(2, &t));	/* blk */
	EXPECT_TRUE(vs_feat_table(9, &t));	/* 9p */
	EXPECT_TRUE(vs_feat_table(19, &t));	/* vsock */
	EXPECT_TRUE(vs_feat_table(41, &t));	/* gpio */
	EXPECT_FALSE(vs_feat_table(4, &t));	/* rng: no bits */
	EXPECT_FALSE(vs_feat_table(18, &t));	/* input: no bits */
}

TEST(status_flags_short)
{
	char buf[64];

	EXPECT_STREQ("ACK,DRV,FEAT,OK", vs_status_flags(0x0f, buf, sizeof(buf)));
	EXPECT_STREQ("-", vs_status_flags(0, buf, sizeof(buf)));
	EXPECT_STREQ("ACK,DRV,RESET,FAILED,0x30",
		     vs_status_flags(0xf3, buf, sizeof(buf)));
}

TEST(fset_hex_and_helpers)
{
	struct vs_fset a = vs_fset_of(BIT_ULL(63) | 1, BIT_ULL(1));
	struct vs_fset b = vs_fset_of(1, 0);
	struct vs_fset c;
	char buf[VS_FSET_HEX_LEN];

	EXPECT_STREQ("0x00000000000000028000000000000001",
		     vs_fset_hex(&a, buf, sizeof(buf)));
	EXPECT_EQ(34, strlen(buf));
	EXPECT_TRUE(vs_fset_test(&a, 65));
	EXPECT_FALSE(vs_fset_test(&a, 64));
	EXPECT_FALSE(vs_fset_test(&a, 128));
	EXPECT_TRUE(vs_fset_high(&a));
	EXPECT_FALSE(vs_fset_high(&b));
	EXPECT_EQ(3, vs_fset_weight(&a));
	c = vs_fset_andnot(&a, &b);
	EXPECT_EQ(BIT_ULL(63), c.w[0]);
	EXPECT_EQ(BIT_ULL(1), c.w[1]);
}
