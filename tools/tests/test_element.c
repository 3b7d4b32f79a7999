// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-status unit tests. x-query-virtio-queue-element: its answer, on
 * the command line and over QMP, the flags of its descriptors, bad
 * arguments and the kernel's errors.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "test.h"

static const char * const elem_keys[] = {
	"name", "index", "descs", "avail", "used",
};

static const char * const elem_avail_keys[] = { "flags", "idx", "ring" };
static const char * const elem_used_keys[] = { "flags", "idx" };

TEST(elem_cli_exact_without_index)
{
	struct vs_backend be;
	struct fake *f = fake_new(&be);
	struct json_object *o, *descs;
	char *out, *err;
	size_t i;

	fill_elem(f);
	EXPECT_EQ(0, run_cli(&be, "", &out, &err,
			     ARGV("x-query-virtio-queue-element", "--path",
				  "virtio0", "--queue", "1")));
	EXPECT_TEXT(out, WANT_ELEM "\n");
	EXPECT_STREQ("", err);
	free(out);
	free(err);
	/* one DEV_GET for the name, one ELEMENT_GET, the same selector */
	EXPECT_EQ(1, f->gets);
	EXPECT_EQ(1, f->elem_gets);
	EXPECT_EQ(0, f->queue_gets);
	EXPECT_EQ(VS_TARGET_BUSID, f->last.kind);
	EXPECT_EQ(VS_TARGET_BUSID, f->elem_target.kind);
	EXPECT_STREQ("virtio0", f->elem_target.value);
	EXPECT_EQ(1, f->elem_queue);
	EXPECT_FALSE(f->elem_has_index);

	/* keys in the schema's order, every number an integer */
	o = vs_json_queue_element(&f->dev, &f->elem);
	ASSERT_NE(NULL, o);
	EXPECT_TRUE(keys_in_order(o, elem_keys, ARRAY_SIZE(elem_keys), NULL));
	EXPECT_TRUE(keys_in_order(member(o, "avail"), elem_avail_keys,
				  ARRAY_SIZE(elem_avail_keys), NULL));
	EXPECT_TRUE(keys_in_order(member(o, "used"), elem_used_keys,
				  ARRAY_SIZE(elem_used_keys), NULL));
	EXPECT_TRUE(json_object_is_type(member(o, "index"), json_type_int));
	descs = member(o, "descs");
	ASSERT_EQ(2, json_object_array_length(descs));
	for (i = 0; i < 2; i++) {
		struct json_object *d = json_object_array_get_idx(descs, i);

		EXPECT_TRUE(keys_in_order(d, elem_desc_keys,
					  n_elem_desc_keys, NULL));
		EXPECT_TRUE(json_object_is_type(member(d, "addr"),
						json_type_int));
		EXPECT_TRUE(json_object_is_type(member(d, "flags"),
						json_type_array));
	}
	json_object_put(o);
	fake_free(f);
}

TEST(elem_cli_with_index)
{
	struct vs_backend be;
	struct fake *f = fake_new(&be);
	char *out, *err;

	fill_elem(f);
	EXPECT_EQ(0, run_cli(&be, "", &out, &err,
			     ARGV("x-query-virtio-queue-element", "--index",
				  "1029", "--path", PCI_PATH, "--queue=1")));
	EXPECT_TEXT(out, WANT_ELEM "\n");
	EXPECT_STREQ("", err);
	free(out);
	free(err);
	EXPECT_TRUE(f->elem_has_index);
	EXPECT_EQ(1029, f->elem_index);
	EXPECT_EQ(1, f->elem_queue);
	EXPECT_EQ(VS_TARGET_PATH, f->elem_target.kind);

	EXPECT_EQ(0, run_cli(&be, "", &out, &err,
			     ARGV("x-query-virtio-queue-element", "--path",
				  "virtio0", "--queue", "1", "--index=0")));
	EXPECT_TEXT(out, WANT_ELEM "\n");
	free(out);
	free(err);
	EXPECT_TRUE(f->elem_has_index);
	EXPECT_EQ(0, f->elem_index);
	fake_free(f);
}

TEST(elem_qmp_with_and_without_index)
{
	struct vs_backend be;
	struct fake *f = fake_new(&be);
	char *s;

	fill_elem(f);
	s = qmp(&be,
		"{\"execute\": \"x-query-virtio-queue-element\", \"arguments\": {\"path\": \"virtio0\", \"queue\": 1}, \"id\": 9}");
	EXPECT_TEXT(s, "{\"return\": " WANT_ELEM_RET ", \"id\": 9}");
	free(s);
	EXPECT_FALSE(f->elem_has_index);
	EXPECT_EQ(1, f->elem_queue);

	s = qmp(&be,
		"{\"execute\": \"x-query-virtio-queue-element\", \"arguments\": {\"index\": 65535, \"path\": \"virtio0\", \"queue\": 1}}");
	EXPECT_TEXT(s, WANT_ELEM);
	free(s);
	EXPECT_TRUE(f->elem_has_index);
	EXPECT_EQ(65535, f->elem_index);
	EXPECT_EQ(2, f->elem_gets);
	fake_free(f);
}

/* "flags" of the first descriptor of an element */
static struct json_object *desc0_flags(struct json_object *o)
{
	return member(json_object_array_get_idx(member(o, "descs"), 0),
		      "flags");
}

TEST(elem_desc_flags)
{
	struct vs_backend be;
	struct fake *f = fake_new(&be);
	struct json_object *o;
	char *s;

	fill_elem(f);
	f->elem.n_desc = 1;
	/* every named bit, an unknown one among them, one past 16 bits */
	f->elem.desc[0].flags = 0x10000 | 0x8000 | 0x80 | 0x8 | 0x4 | 0x2 |
				0x1;
	o = vs_json_queue_element(&f->dev, &f->elem);
	ASSERT_NE(NULL, o);
	s = text_of(json_object_get(desc0_flags(o)));
	EXPECT_TEXT(s,
		    "[\"unknown-0x10000\", \"used\", \"avail\", \"unknown-0x0008\", \"indirect\", \"write\", \"next\"]");
	free(s);
	json_object_put(o);

	f->elem.desc[0].flags = 0;
	o = vs_json_queue_element(&f->dev, &f->elem);
	ASSERT_NE(NULL, o);
	s = text_of(json_object_get(desc0_flags(o)));
	EXPECT_STREQ("[]", s);
	free(s);
	json_object_put(o);
	fake_free(f);
}

TEST(elem_qmp_bad_arguments)
{
	static const struct {
		const char *args;
		const char *desc;
	} cases[] = {
		{ "{\"path\": \"virtio0\"}", "Parameter 'queue' is missing" },
		{ "{\"queue\": 1, \"index\": 0}", "Parameter 'path' is missing" },
		{ "{\"path\": \"virtio0\", \"queue\": 1, \"index\": \"1\"}",
		  "Parameter 'index' expects uint64" },
		{ "{\"path\": \"virtio0\", \"queue\": 1, \"index\": null}",
		  "Parameter 'index' expects uint64" },
		{ "{\"path\": \"virtio0\", \"queue\": 1, \"index\": -1}",
		  "Parameter 'index' expects uint16_t" },
		{ "{\"path\": \"virtio0\", \"queue\": 1, \"index\": 65536}",
		  "Parameter 'index' expects uint16_t" },
		{ "{\"path\": \"virtio0\", \"queue\": 65536}",
		  "Parameter 'queue' expects uint16_t" },
		{ "{\"path\": \"virtio0\", \"queue\": 1, \"decode\": true}",
		  "Parameter 'decode' is unexpected" },
	};
	struct vs_backend be;
	struct fake *f = fake_new(&be);
	char line[512], want[512];
	size_t i;
	char *s;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		snprintf(line, sizeof(line),
			 "{\"execute\": \"x-query-virtio-queue-element\", \"arguments\": %s}",
			 cases[i].args);
		snprintf(want, sizeof(want),
			 "{\"error\": {\"class\": \"GenericError\", \"desc\": \"%s\"}}",
			 cases[i].desc);
		s = qmp(&be, line);
		EXPECT_TEXT(s, want);
		free(s);
	}
	/* "index" belongs to this command only */
	s = qmp(&be,
		"{\"execute\": \"x-query-virtio-queue-status\", \"arguments\": {\"path\": \"virtio0\", \"queue\": 1, \"index\": 0}}");
	EXPECT_TEXT(s,
		    "{\"error\": {\"class\": \"GenericError\", \"desc\": \"Parameter 'index' is unexpected\"}}");
	free(s);
	EXPECT_EQ(0, f->gets + f->queue_gets + f->elem_gets);
	fake_free(f);
}

/* The answer to one QMP element request on @f, as text. */
static char *elem_qmp(struct vs_backend *be, const char *args)
{
	char line[512];

	snprintf(line, sizeof(line),
		 "{\"execute\": \"x-query-virtio-queue-element\", \"arguments\": %s}",
		 args);
	return qmp(be, line);
}

TEST(elem_kernel_errors)
{
	struct vs_backend be;
	struct fake *f = fake_new(&be);
	char *out, *err, *s;

	fill_elem(f);
	/* a packed ring, a vhost device: the kernel's sentence */
	vs_err_sys(&f->elem_err, EOPNOTSUPP, "packed rings are not supported");
	s = elem_qmp(&be, "{\"path\": \"virtio0\", \"queue\": 1}");
	EXPECT_TEXT(s, QMP_ERR("packed rings are not supported"));
	free(s);
	EXPECT_EQ(1, run_cli(&be, "", &out, &err,
			     ARGV("x-query-virtio-queue-element", "--path",
				  "virtio0", "--queue", "1")));
	EXPECT_STREQ("", out);
	EXPECT_TEXT(err, "packed rings are not supported\n");
	free(out);
	free(err);
	vs_err_sys(&f->elem_err, EOPNOTSUPP,
		   "vhost devices have no element to show");
	s = elem_qmp(&be, "{\"path\": \"/proc/99/fd/4\", \"queue\": 0}");
	EXPECT_TEXT(s, QMP_ERR("vhost devices have no element to show"));
	free(s);
	/* no extack: an old module answers so too */
	vs_err_sys(&f->elem_err, EOPNOTSUPP, NULL);
	s = elem_qmp(&be, "{\"path\": \"virtio0\", \"queue\": 1}");
	EXPECT_TEXT(s,
		    "{\"error\": {\"class\": \"GenericError\", \"desc\": \"queue 1 of virtio0 has no elements to show: Operation not supported (a packed ring, a vhost device, or a kernel module without VIRTIO_STATUS_CMD_ELEMENT_GET)\"}}");
	free(s);

	/* a queue past the device's */
	vs_err_sys(&f->elem_err, ERANGE, NULL);
	s = elem_qmp(&be, "{\"path\": \"virtio0\", \"queue\": 7}");
	EXPECT_TEXT(s, QMP_ERR("queue 7 is out of range for virtio0"));
	free(s);
	vs_err_sys(&f->elem_err, ERANGE, "the device has 3 queues");
	EXPECT_EQ(1, run_cli(&be, "", &out, &err,
			     ARGV("x-query-virtio-queue-element", "--path",
				  "virtio0", "--queue", "9", "--index", "2")));
	EXPECT_TEXT(err,
		    "queue 9 is out of range for virtio0 (kernel: the device has 3 queues)\n");
	free(out);
	free(err);

	/* an index the kernel refuses */
	vs_err_sys(&f->elem_err, EINVAL,
		   "avail ring index 300 is past the ring of 256 entries");
	s = elem_qmp(&be, "{\"path\": \"virtio0\", \"queue\": 1, \"index\": 300}");
	EXPECT_TEXT(s,
		    QMP_ERR("avail ring index 300 is past the ring of 256 entries"));
	free(s);
	vs_err_sys(&f->elem_err, EINVAL, NULL);
	s = elem_qmp(&be, "{\"path\": \"virtio0\", \"queue\": 1, \"index\": 300}");
	EXPECT_TEXT(s, QMP_ERR("index 300 is not valid for queue 1 of virtio0"));
	free(s);
	s = elem_qmp(&be, "{\"path\": \"virtio0\", \"queue\": 1}");
	EXPECT_TEXT(s, QMP_ERR("Invalid argument"));
	free(s);

	/* the common sentences stand */
	vs_err_sys(&f->elem_err, EPERM, NULL);
	s = elem_qmp(&be, "{\"path\": \"virtio0\", \"queue\": 1}");
	EXPECT_TEXT(s,
		    "{\"error\": {\"class\": \"GenericError\", \"desc\": \"permission denied: this virtio_status request needs CAP_NET_ADMIN; run as root\"}}");
	free(s);
	vs_err_clear(&f->elem_err);
	vs_err_sys(&f->get_err, ENODEV, NULL);
	s = elem_qmp(&be, "{\"path\": \"virtio4\", \"queue\": 1}");
	EXPECT_TEXT(s, QMP_ERR("no virtio device at virtio4"));
	free(s);
	EXPECT_EQ(10, f->elem_gets);	/* not asked without a device */
	vs_err_clear(&f->get_err);

	/* a reply without what the answer needs: module too old */
	vs_elem_clear(&f->elem, VIRTIO_STATUS_A_ELEMENT_USED_FLAGS);
	s = elem_qmp(&be, "{\"path\": \"virtio0\", \"queue\": 1}");
	EXPECT_TEXT(s,
		    "{\"error\": {\"class\": \"GenericError\", \"desc\": \"kernel module too old: its reply lacks VIRTIO_STATUS_A_ELEMENT_USED_FLAGS\"}}");
	free(s);
	fill_elem(f);
	f->elem.n_desc = 0;
	s = elem_qmp(&be, "{\"path\": \"virtio0\", \"queue\": 1}");
	EXPECT_TEXT(s,
		    QMP_ERR("kernel module too old: its reply lacks VIRTIO_STATUS_A_ELEMENT_DESC"));
	free(s);
	fake_free(f);
}
