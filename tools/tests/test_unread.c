// SPDX-License-Identifier: GPL-2.0
/*
 * virtio-status unit tests. Devices whose state is not read: the module in
 * list-only mode, a vhost device it could not read, a lock held by another
 * task (busy).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "test.h"

#define UNREAD_EXTACK	"this vhost device could not be read (x-query-virtio-status says why)"
#define Q_UNREAD_STATUS	"{\"execute\": \"x-query-virtio-status\", \"arguments\": {\"path\": \"/proc/1400/fd/5\"}}"
#define Q_UNREAD_RING	"{\"execute\": \"x-query-virtio-vhost-queue-status\", \"arguments\": {\"path\": \"/proc/1400/fd/5\", \"queue\": 0}}"

#define Q_BUSY_STATUS	"{\"execute\": \"x-query-virtio-status\", \"arguments\": {\"path\": \"virtio2\"}}"
#define Q_BUSY_QUEUE	"{\"execute\": \"x-query-virtio-queue-status\", \"arguments\": {\"path\": \"virtio2\", \"queue\": 1}}"
#define Q_BUSY_ELEM	"{\"execute\": \"x-query-virtio-queue-element\", \"arguments\": {\"path\": \"virtio2\", \"queue\": 1}}"
#define Q_BUSY_RING	"{\"execute\": \"x-query-virtio-vhost-queue-status\", \"arguments\": {\"path\": \"/proc/1500/fd/7\", \"queue\": 0}}"
/* EBUSY without an extack */
#define BUSY_NO_WHY	"virtio device virtio2 is busy: a lock its state is read under stayed held by another task; try again"
/* fake_add_busy_mix() as x-query-virtio answers it */
#define WANT_BUSY_LIST \
	"{\"return\": [{\"path\": \"" PCI_PATH "\", \"name\": \"virtio-net\"}, " \
	"{\"path\": \"" BUSY_PATH "\", \"name\": \"virtio-net\"}, " \
	"{\"path\": \"/proc/1234/fd/17\", \"name\": \"vhost-net\"}, " \
	"{\"path\": \"" BUSY_VHOST_PATH "\", \"name\": \"vhost-net\"}]}"

TEST(list_only_cli_and_qmp)
{
	struct vs_backend be;
	struct fake *f = fake_new(&be);
	char *out, *err, *s;

	fake_add(f, PCI_PATH, "virtio-net");
	fake_add(f, MMIO_PATH, "virtio-blk");
	fake_list_only(f, "fingerprint 1234abcd is unknown");

	/* the list still works: path and name */
	EXPECT_EQ(0, run_cli(&be, "", &out, &err, ARGV("x-query-virtio")));
	EXPECT_TEXT(out, WANT_LIST2 "\n");
	free(out);
	free(err);

	/* status: one sentence, on stderr; the same with --decode */
	EXPECT_EQ(1, run_cli(&be, "", &out, &err,
			     ARGV("x-query-virtio-status", "--path", "virtio0")));
	EXPECT_STREQ("", out);
	EXPECT_TEXT(err, WANT_LIST_ONLY "\n");
	free(out);
	free(err);
	EXPECT_EQ(1, run_cli(&be, "", &out, &err,
			     ARGV("x-query-virtio-status", "--path", "virtio0",
				  "--decode")));
	EXPECT_TEXT(err, WANT_LIST_ONLY "\n");
	free(out);
	free(err);
	/* the queue commands too */
	EXPECT_EQ(1, run_cli(&be, "", &out, &err,
			     ARGV("x-query-virtio-queue-status", "--path",
				  "virtio0", "--queue", "0")));
	EXPECT_TEXT(err, WANT_LIST_ONLY "\n");
	EXPECT_EQ(0, f->queue_gets);
	free(out);
	free(err);

	/* --qmp (and serve): a GenericError with that desc */
	s = qmp(&be,
		"{\"execute\": \"x-query-virtio-status\", \"arguments\": {\"path\": \"virtio0\"}}");
	EXPECT_TEXT(s,
		    "{\"error\": {\"class\": \"GenericError\", \"desc\": \"" WANT_LIST_ONLY "\"}}");
	free(s);

	/* no reason given, or no INFO answer: the sentence without one */
	fake_list_only(f, NULL);
	EXPECT_EQ(1, run_cli(&be, "", &out, &err,
			     ARGV("x-query-virtio-status", "--path", "virtio0")));
	EXPECT_TEXT(err,
		    "the virtio_status module runs in list-only mode; it lists devices but reads no state; load it with allow_untested=1 to read state anyway\n");
	free(out);
	free(err);
	f->info_errnum = EOPNOTSUPP;
	s = qmp(&be,
		"{\"execute\": \"x-query-virtio-status\", \"arguments\": {\"path\": \"virtio0\"}}");
	EXPECT_NE(NULL, strstr(s, "list-only mode; it lists devices"));
	free(s);
	fake_free(f);
}

TEST(vhost_unread_status_sentence)
{
	struct vs_backend be;
	struct fake *f = fake_new(&be);
	char *out, *err, *s;

	fill_vhost_unread(&f->dev);
	f->features = vs_fset_of(7, 0);
	EXPECT_EQ(1, run_cli(&be, "", &out, &err,
			     ARGV("x-query-virtio-status", "--path", UNREAD_PATH)));
	EXPECT_STREQ("", out);
	EXPECT_TEXT(err, UNREAD_SENTENCE "\n");
	free(out);
	free(err);
	EXPECT_EQ(1, run_cli(&be, "", &out, &err,
			     ARGV("x-query-virtio-status", "--path", UNREAD_PATH,
				  "--raw-and-decoded")));
	EXPECT_STREQ("", out);
	EXPECT_TEXT(err, UNREAD_SENTENCE "\n");
	free(out);
	free(err);
	/* nothing negotiated to show next to an offer: the driver is not asked */
	EXPECT_EQ(0, f->probes);

	/* named through another holder: the sentence names what was asked */
	EXPECT_EQ(1, run_cli(&be, "", &out, &err,
			     ARGV("x-query-virtio-status", "--path",
				  "/proc/1401/fd/3")));
	EXPECT_TEXT(err, "vhost device /proc/1401/fd/3 could not be read: " UNREAD_WHY "\n");
	free(out);
	free(err);

	/* --qmp and serve: a GenericError with that desc */
	s = qmp(&be, Q_UNREAD_STATUS);
	EXPECT_TEXT(s, QMP_ERR(UNREAD_SENTENCE));
	free(s);
	EXPECT_EQ(0, run_cli(&be, Q_UNREAD_STATUS "\n", &out, &err,
			     ARGV("--qmp")));
	EXPECT_TEXT(out, QMP_ERR(UNREAD_SENTENCE) "\n");
	EXPECT_STREQ("", err);
	free(out);
	free(err);
	EXPECT_SERVE(&be, true, Q_UNREAD_STATUS "\n",
		     QERR("GenericError", UNREAD_SENTENCE));
	EXPECT_EQ(0, f->probes);
	fake_free(f);
}

TEST(vhost_unread_queue_commands)
{
	struct vs_backend be;
	struct fake *f = fake_new(&be);
	char *out, *err, *s;

	fill_vhost_unread(&f->dev);
	/* the kernel refuses to read its queues, and says so */
	vs_err_sys(&f->queue_err, EBADE, UNREAD_EXTACK);
	vs_err_sys(&f->elem_err, EBADE, UNREAD_EXTACK);
	EXPECT_EQ(1, run_cli(&be, "", &out, &err,
			     ARGV("x-query-virtio-vhost-queue-status", "--path",
				  UNREAD_PATH, "--queue", "0")));
	EXPECT_STREQ("", out);
	EXPECT_TEXT(err, UNREAD_EXTACK "\n");
	free(out);
	free(err);
	EXPECT_EQ(1, run_cli(&be, "", &out, &err,
			     ARGV("x-query-virtio-queue-status", "--path",
				  UNREAD_PATH, "--queue", "1")));
	EXPECT_TEXT(err, UNREAD_EXTACK "\n");
	free(out);
	free(err);
	EXPECT_EQ(1, run_cli(&be, "", &out, &err,
			     ARGV("x-query-virtio-queue-element", "--path",
				  UNREAD_PATH, "--queue", "0")));
	EXPECT_TEXT(err, UNREAD_EXTACK "\n");
	free(out);
	free(err);
	/* the kernel was asked each time, the queue asked for */
	EXPECT_EQ(2, f->queue_gets);
	EXPECT_EQ(1, f->queue_index);
	EXPECT_EQ(1, f->elem_gets);
	s = qmp(&be, Q_UNREAD_RING);
	EXPECT_TEXT(s, QMP_ERR(UNREAD_EXTACK));
	free(s);
	EXPECT_SERVE(&be, true, Q_UNREAD_RING "\n",
		     QERR("GenericError", UNREAD_EXTACK));

	/* a kernel error without a sentence: the reason DEV_GET gave */
	vs_err_sys(&f->queue_err, EBADE, NULL);
	EXPECT_EQ(1, run_cli(&be, "", &out, &err,
			     ARGV("x-query-virtio-vhost-queue-status", "--path",
				  UNREAD_PATH, "--queue", "0")));
	EXPECT_TEXT(err, UNREAD_SENTENCE "\n");
	free(out);
	free(err);
	/* a queue answered all the same: no acked features to decode it by */
	vs_err_clear(&f->queue_err);
	fill_vhost_queue(&f->queue);
	s = qmp(&be, Q_UNREAD_RING);
	EXPECT_TEXT(s, QMP_ERR(UNREAD_SENTENCE));
	free(s);
	/* the element's own errors keep their sentences */
	vs_err_sys(&f->elem_err, EOPNOTSUPP,
		   "queue elements of vhost devices are not supported");
	EXPECT_EQ(1, run_cli(&be, "", &out, &err,
			     ARGV("x-query-virtio-queue-element", "--path",
				  UNREAD_PATH, "--queue", "0")));
	EXPECT_TEXT(err, "queue elements of vhost devices are not supported\n");
	free(out);
	free(err);
	fake_free(f);
}

/* virtio-net, a vhost-net device read as usual, and one not read */
static void fake_add_unread_pair(struct fake *f)
{
	struct vs_nl_dev *d;

	fake_add(f, PCI_PATH, "virtio-net");
	d = vs_dev_list_add(&f->list);
	if (d)
		fill_vhost(d);
	d = vs_dev_list_add(&f->list);
	if (d)
		fill_vhost_unread(d);
}

TEST(vhost_unread_and_good_in_one_dump)
{
	struct vs_backend be;
	struct fake *f = fake_new(&be);
	char *out, *err;

	fake_add_unread_pair(f);
	ASSERT_EQ(3, f->list.n);
	EXPECT_EQ(0, run_cli(&be, "", &out, &err, ARGV("x-query-virtio")));
	EXPECT_TEXT(out,
		    "{\"return\": [{\"path\": \"/sys/devices/pci0000:00/0000:00:03.0/virtio0\", \"name\": \"virtio-net\"}, {\"path\": \"/proc/1234/fd/17\", \"name\": \"vhost-net\"}, {\"path\": \"/proc/1400/fd/5\", \"name\": \"vhost-net\"}]}\n");
	EXPECT_STREQ("", err);
	free(out);
	free(err);

	/* the table: "-" for what was not read, the reason under its row */
	EXPECT_EQ(0, run_cli(&be, "", &out, &err, ARGV("show")));
	EXPECT_TEXT(out,
		    "NAME        ID       DRIVER     STATUS           FEATURES  VQS  PATH\n"
		    "virtio-net  virtio0  -          ACK,DRV,FEAT,OK  4         3    " PCI_PATH "\n"
		    "vhost-net   1234/17  vhost_net  started          2         2    /proc/1234/fd/17\n"
		    "vhost-net   1400/5   vhost_net  -                -         -    /proc/1400/fd/5\n"
		    "  error: " UNREAD_WHY "\n");
	EXPECT_STREQ("", err);
	free(out);
	free(err);

	/* the good one is still read in full */
	f->features = vs_fset_of(7, 0);
	fill_vhost(&f->dev);
	EXPECT_EQ(0, run_cli(&be, "", &out, &err,
			     ARGV("x-query-virtio-status", "--path", VHOST_PATH)));
	EXPECT_TEXT(out, WANT_VHOST_STATUS "\n");
	free(out);
	free(err);
	fake_free(f);
}

TEST(busy_errno_sentences)
{
	char sentence[2 * VS_MSG_MAX];
	struct vs_err e;

	/* a do request's EBUSY: the extack names the lock */
	vs_err_sys(&e, EBUSY, BUSY_WHY);
	vs_err_sentence(&e, "virtio2", sentence, sizeof(sentence));
	EXPECT_STREQ(BUSY_SENTENCE, sentence);
	vs_err_sentence(&e, "/sys/bus/virtio/devices/virtio2", sentence,
			sizeof(sentence));
	EXPECT_TEXT(sentence, "virtio device /sys/bus/virtio/devices/virtio2 is busy: "
		    BUSY_WHY "; try again");
	vs_err_sys(&e, EBUSY, BUSY_VHOST_WHY);
	vs_err_sentence(&e, BUSY_VHOST_PATH, sentence, sizeof(sentence));
	EXPECT_STREQ(BUSY_VHOST_SENTENCE, sentence);
	/* without the kernel's words, still one sentence saying busy */
	vs_err_sys(&e, EBUSY, NULL);
	vs_err_sentence(&e, "virtio2", sentence, sizeof(sentence));
	EXPECT_STREQ(BUSY_NO_WHY, sentence);
	vs_err_set(&e, VS_ERR_BUSY, EBUSY, NULL);
	vs_err_sentence(&e, "virtio2", sentence, sizeof(sentence));
	EXPECT_STREQ(BUSY_NO_WHY, sentence);
	/* other errnos keep their sentences */
	vs_err_sys(&e, ENODEV, NULL);
	vs_err_sentence(&e, "virtio2", sentence, sizeof(sentence));
	EXPECT_STREQ("no virtio device at virtio2", sentence);
}

/* The kernel answers each request about the device with EBUSY. */
TEST(busy_do_requests_cli_qmp_serve)
{
	struct vs_backend be;
	struct fake *f = fake_new(&be);
	char *out, *err, *s;

	vs_err_sys(&f->get_err, EBUSY, BUSY_WHY);
	EXPECT_EQ(1, run_cli(&be, "", &out, &err,
			     ARGV("x-query-virtio-status", "--path", "virtio2")));
	EXPECT_STREQ("", out);
	EXPECT_TEXT(err, BUSY_SENTENCE "\n");
	free(out);
	free(err);
	EXPECT_EQ(1, run_cli(&be, "", &out, &err,
			     ARGV("x-query-virtio-status", "--path", "virtio2",
				  "--decode")));
	EXPECT_TEXT(err, BUSY_SENTENCE "\n");
	free(out);
	free(err);
	EXPECT_EQ(1, run_cli(&be, "", &out, &err,
			     ARGV("x-query-virtio-queue-status", "--path",
				  "virtio2", "--queue", "1")));
	EXPECT_STREQ("", out);
	EXPECT_TEXT(err, BUSY_SENTENCE "\n");
	free(out);
	free(err);
	EXPECT_EQ(1, run_cli(&be, "", &out, &err,
			     ARGV("x-query-virtio-queue-element", "--path",
				  "virtio2", "--queue", "1")));
	EXPECT_TEXT(err, BUSY_SENTENCE "\n");
	free(out);
	free(err);
	EXPECT_EQ(1, run_cli(&be, "", &out, &err, ARGV("show", "virtio2")));
	EXPECT_STREQ("", out);
	EXPECT_TEXT(err, BUSY_SENTENCE "\n");
	free(out);
	free(err);
	EXPECT_EQ(0, f->queue_gets);
	EXPECT_EQ(0, f->elem_gets);

	/* --qmp and serve: a GenericError with that desc, and on it goes */
	s = qmp(&be, Q_BUSY_STATUS);
	EXPECT_TEXT(s, QMP_ERR(BUSY_SENTENCE));
	free(s);
	EXPECT_EQ(0, run_cli(&be, Q_BUSY_STATUS "\n" Q_BUSY_QUEUE "\n" Q_BUSY_ELEM "\n",
			     &out, &err, ARGV("--qmp")));
	EXPECT_TEXT(out, QMP_ERR(BUSY_SENTENCE) "\n" QMP_ERR(BUSY_SENTENCE) "\n"
		    QMP_ERR(BUSY_SENTENCE) "\n");
	EXPECT_STREQ("", err);
	free(out);
	free(err);
	EXPECT_SERVE(&be, true, Q_BUSY_STATUS "\n" Q_BUSY_QUEUE "\n",
		     QERR("GenericError", BUSY_SENTENCE)
		     QERR("GenericError", BUSY_SENTENCE));

	/* a vhost device, named by a holder's fd */
	vs_err_sys(&f->get_err, EBUSY, BUSY_VHOST_WHY);
	EXPECT_EQ(1, run_cli(&be, "", &out, &err,
			     ARGV("x-query-virtio-vhost-queue-status", "--path",
				  BUSY_VHOST_PATH, "--queue", "0")));
	EXPECT_STREQ("", out);
	EXPECT_TEXT(err, BUSY_VHOST_SENTENCE "\n");
	free(out);
	free(err);
	EXPECT_EQ(1, run_cli(&be, "", &out, &err,
			     ARGV("x-query-virtio-status", "--path",
				  BUSY_VHOST_PATH)));
	EXPECT_TEXT(err, BUSY_VHOST_SENTENCE "\n");
	free(out);
	free(err);
	s = qmp(&be, Q_BUSY_RING);
	EXPECT_TEXT(s, QMP_ERR(BUSY_VHOST_SENTENCE));
	free(s);
	EXPECT_SERVE(&be, true, Q_BUSY_RING "\n",
		     QERR("GenericError", BUSY_VHOST_SENTENCE));
	EXPECT_EQ(0, f->probes);

	/* the device was read, then its queue's lock stayed held */
	vs_err_clear(&f->get_err);
	fill_dev(&f->dev);
	fill_elem(f);
	vs_err_sys(&f->queue_err, EBUSY, BUSY_WHY);
	vs_err_sys(&f->elem_err, EBUSY, BUSY_WHY);
	EXPECT_EQ(1, run_cli(&be, "", &out, &err,
			     ARGV("x-query-virtio-queue-status", "--path",
				  "virtio2", "--queue", "1")));
	EXPECT_TEXT(err, BUSY_SENTENCE "\n");
	free(out);
	free(err);
	EXPECT_EQ(1, run_cli(&be, "", &out, &err,
			     ARGV("x-query-virtio-queue-element", "--path",
				  "virtio2", "--queue", "1")));
	EXPECT_TEXT(err, BUSY_SENTENCE "\n");
	free(out);
	free(err);
	s = qmp(&be, Q_BUSY_ELEM);
	EXPECT_TEXT(s, QMP_ERR(BUSY_SENTENCE));
	free(s);

	/* even for a vhost device the module could not read, busy says busy */
	fill_vhost_unread(&f->dev);
	vs_err_sys(&f->queue_err, EBUSY, BUSY_VHOST_WHY);
	EXPECT_EQ(1, run_cli(&be, "", &out, &err,
			     ARGV("x-query-virtio-vhost-queue-status", "--path",
				  UNREAD_PATH, "--queue", "0")));
	EXPECT_TEXT(err, "vhost device " UNREAD_PATH " is busy: " BUSY_VHOST_WHY "; try again\n");
	free(out);
	free(err);
	fake_free(f);
}

/* A DEV_GET reply that carries BUSY is refused before any other request. */
TEST(busy_reply_refuses_state)
{
	struct vs_backend be;
	struct fake *f = fake_new(&be);
	char *out, *err, *s;

	fill_busy(&f->dev);
	fill_guest_queue(&f->queue);
	fill_elem(f);
	EXPECT_EQ(1, run_cli(&be, "", &out, &err,
			     ARGV("x-query-virtio-status", "--path", "virtio2")));
	EXPECT_STREQ("", out);
	EXPECT_TEXT(err, BUSY_SENTENCE "\n");
	free(out);
	free(err);
	EXPECT_EQ(1, run_cli(&be, "", &out, &err,
			     ARGV("x-query-virtio-queue-status", "--path",
				  "virtio2", "--queue", "1")));
	EXPECT_TEXT(err, BUSY_SENTENCE "\n");
	free(out);
	free(err);
	EXPECT_EQ(1, run_cli(&be, "", &out, &err,
			     ARGV("x-query-virtio-queue-element", "--path",
				  "virtio2", "--queue", "1")));
	EXPECT_TEXT(err, BUSY_SENTENCE "\n");
	free(out);
	free(err);
	s = qmp(&be, Q_BUSY_QUEUE);
	EXPECT_TEXT(s, QMP_ERR(BUSY_SENTENCE));
	free(s);
	EXPECT_EQ(0, f->queue_gets);
	EXPECT_EQ(0, f->elem_gets);

	/* a vhost device: its driver is not asked for an offer either */
	fill_vhost_busy(&f->dev);
	fill_vhost_queue(&f->queue);
	EXPECT_EQ(1, run_cli(&be, "", &out, &err,
			     ARGV("x-query-virtio-status", "--path",
				  BUSY_VHOST_PATH)));
	EXPECT_TEXT(err, BUSY_VHOST_SENTENCE "\n");
	free(out);
	free(err);
	s = qmp(&be, Q_BUSY_RING);
	EXPECT_TEXT(s, QMP_ERR(BUSY_VHOST_SENTENCE));
	free(s);
	EXPECT_SERVE(&be, true, Q_BUSY_RING "\n",
		     QERR("GenericError", BUSY_VHOST_SENTENCE));
	EXPECT_EQ(0, f->queue_gets);
	EXPECT_EQ(0, f->probes);
	fake_free(f);
}

/* virtio-net, a busy virtio-net, vhost-net read as usual, a busy vhost-net */
static void fake_add_busy_mix(struct fake *f)
{
	struct vs_nl_dev *d;

	fake_add(f, PCI_PATH, "virtio-net");
	d = vs_dev_list_add(&f->list);
	if (d)
		fill_busy(d);
	d = vs_dev_list_add(&f->list);
	if (d)
		fill_vhost(d);
	d = vs_dev_list_add(&f->list);
	if (d)
		fill_vhost_busy(d);
}

TEST(busy_in_dump_list_and_show)
{
	struct vs_backend be;
	struct fake *f = fake_new(&be);
	char *out, *err, *s;

	fake_add_busy_mix(f);
	ASSERT_EQ(4, f->list.n);
	/* listed as any device: path and name */
	EXPECT_EQ(0, run_cli(&be, "", &out, &err, ARGV("x-query-virtio")));
	EXPECT_TEXT(out, WANT_BUSY_LIST "\n");
	EXPECT_STREQ("", err);
	free(out);
	free(err);
	s = qmp(&be, "{\"execute\": \"x-query-virtio\"}");
	EXPECT_TEXT(s, WANT_BUSY_LIST);
	free(s);

	/* the table: who it is, "busy" for its state, the lock under it */
	EXPECT_EQ(0, run_cli(&be, "", &out, &err, ARGV("show")));
	EXPECT_TEXT(out,
		    "NAME        ID       DRIVER      STATUS           FEATURES  VQS  PATH\n"
		    "virtio-net  virtio0  -           ACK,DRV,FEAT,OK  4         3    /sys/devices/pci0000:00/0000:00:03.0/virtio0\n"
		    "virtio-net  virtio2  virtio_net  busy             -         -    /sys/devices/pci0000:00/0000:00:05.0/virtio2\n"
		    "  busy: " BUSY_WHY "\n"
		    "vhost-net   1234/17  vhost_net   started          2         2    /proc/1234/fd/17\n"
		    "vhost-net   1500/7   vhost_net   busy             -         -    /proc/1500/fd/7\n"
		    "  busy: " BUSY_VHOST_WHY "\n");
	EXPECT_STREQ("", err);
	free(out);
	free(err);

	/* one device, should a reply for one say busy */
	fill_busy(&f->dev);
	EXPECT_EQ(0, run_cli(&be, "", &out, &err, ARGV("show", "virtio2")));
	EXPECT_TEXT(out,
		    "virtio-net virtio2\n"
		    "  path:             " BUSY_PATH "\n"
		    "  device id:        1 (net)\n"
		    "  driver:           virtio_net\n"
		    "  transport:        pci\n"
		    "  vendor id:        0x1af4\n"
		    "  status:           -\n"
		    "  queues:           -\n"
		    "  broken:           -\n"
		    "busy: " BUSY_WHY "\n"
		    "negotiated features: -\n"
		    "offered features: -\n");
	EXPECT_STREQ("", err);
	free(out);
	free(err);
	fill_vhost_busy(&f->dev);
	f->features = vs_fset_of(7, 0);
	EXPECT_EQ(0, run_cli(&be, "", &out, &err, ARGV("show", BUSY_VHOST_PATH)));
	EXPECT_TEXT(out,
		    "vhost-net 1500/7\n"
		    "  path:             " BUSY_VHOST_PATH "\n"
		    "  device id:        1 (net)\n"
		    "  driver:           vhost_net\n"
		    "  owner pid:        1500\n"
		    "  holder pids:      1500\n"
		    "  started:          -\n"
		    "  queues:           -\n"
		    "  memory regions:   -\n"
		    "  dirty log:        -\n"
		    "  backend features: -\n"
		    "busy: " BUSY_VHOST_WHY "\n"
		    "negotiated features: -\n"
		    "offered features: -\n");
	EXPECT_EQ(0, f->probes);
	free(out);
	free(err);
	fake_free(f);
}
