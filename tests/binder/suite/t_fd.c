// SPDX-License-Identifier: GPL-2.0
/*
 * File descriptors: BINDER_TYPE_FD objects and BINDER_TYPE_FDA arrays inside scatter-gather
 * buffers, in transactions and replies, and their errors.
 */
#include "suite.h"

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

static struct bt_chan f_ready;

/* The lowest free descriptor number now (what the driver's get_unused_fd_flags gives). */
static int lowest_free_fd(void)
{
	int fd = dup(0);

	BT_CHECK(fd >= 0, "dup: %s", strerror(errno));
	close(fd);
	return fd;
}

/* fd was the lowest free number when it was installed: every number below it is in use. */
static void expect_lowest_at(const char *file, int line, int fd)
{
	for (int k = 0; k < fd; k++)
		if (fcntl(k, F_GETFD) < 0)
			bt_fail_at(file, line, "received fd %d, but %d was free", fd, k);
}
#define expect_lowest(fd) expect_lowest_at(__FILE__, __LINE__, (fd))

static void expect_cloexec_fd(int fd)
{
	int fl = fcntl(fd, F_GETFD);

	BT_CHECK(fl == FD_CLOEXEC, "fd %d: F_GETFD %d (%s), expected FD_CLOEXEC", fd, fl, fl < 0 ? strerror(errno) : "");
}

static void expect_closed_fd(int fd)
{
	BT_CHECK(fcntl(fd, F_GETFD) < 0 && errno == EBADF, "fd %d still open", fd);
}

static void write_all(int fd, const char *s)
{
	BT_EQ(write(fd, s, strlen(s)), (ssize_t)strlen(s));
}

/* Reads exactly strlen(want) bytes (with a timeout) and compares. */
static void read_expect(int fd, const char *want)
{
	char buf[64];
	size_t n = strlen(want), got = 0;

	while (got < n) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		BT_CHECK(poll(&pfd, 1, 10000) == 1, "nothing to read on fd %d", fd);
		ssize_t r = read(fd, buf + got, n - got);
		BT_CHECK(r > 0, "read fd %d: %zd", fd, r);
		got += r;
	}
	BT_CHECK(!memcmp(buf, want, n), "read '%.*s', expected '%s'", (int)n, buf, want);
}

/* ---- the fd server -------------------------------------------------------------------------- */

enum {
	FD_ONE = 1,	/* object 0: FD (a pipe's write end): writes "hi" to it */
	FD_THREE,	/* objects 0-2: FDs: writes "a", "b", "c" */
	FD_REPLY,	/* reply with an FD object: a pipe's read end carrying "xy" */
	FD_ARRAY,	/* object 0 PTR, object 1 FDA of 3 write ends: writes "1" "2" "3" */
	FD_REPLY_ARRAY,	/* reply with PTR + FDA of 2 read ends carrying "p" and "q" */
	FD_QUIT,
};

static int fd_handle(struct bt *b, struct bt_txn *t, void *ctx)
{
	struct bt_parcel r;
	int fds[3];

	(void)ctx;
	bt_parcel_init(&r);
	switch (t->tr.code) {
	case FD_ONE: {
		const struct binder_fd_object *o = bt_txn_obj(t, 0);
		BT_EQ(o->hdr.type, BINDER_TYPE_FD);
		expect_lowest(o->fd);
		BT_EQ(o->pad_flags, 0);
		BT_EQ(o->cookie, 0x77);
		expect_cloexec_fd(o->fd);
		write_all(o->fd, "hi");
		int fd = o->fd;
		bt_reply_free(b, t, NULL);
		/* A plain FD object's descriptor is ours to close: freeing the buffer left it. */
		write_all(fd, "yo");
		close(fd);
		return 0;
	}
	case FD_THREE: {
		for (int i = 0; i < 3; i++) {
			const struct binder_fd_object *o = bt_txn_obj(t, i);
			BT_EQ(o->hdr.type, BINDER_TYPE_FD);
			fds[i] = o->fd;
			expect_cloexec_fd(fds[i]);
			expect_lowest(fds[i]);
		}
		/* Installed in object order, each the lowest free number at the time. */
		BT_CHECK(fds[0] < fds[1] && fds[1] < fds[2], "fds %d %d %d", fds[0], fds[1], fds[2]);
		write_all(fds[0], "a");
		write_all(fds[1], "b");
		write_all(fds[2], "c");
		for (int i = 0; i < 3; i++)
			close(fds[i]);
		if (t->tr.flags & TF_ONE_WAY)
			bt_free(b, t);
		else
			bt_reply_free(b, t, NULL);
		return 0;
	}
	case FD_REPLY: {
		int p[2];
		BT_EQ(pipe(p), 0);
		write_all(p[1], "xy");
		close(p[1]);
		bt_parcel_put_fd(&r, p[0], 0x88);
		uint32_t cmd;
		struct bt_cmds c;
		struct binder_transaction_data tr;
		struct bt_br br;
		bt_cmds_init(&c);
		bt_put_free(&c, t->tr.data.ptr.buffer);
		bt_parcel_tr(&r, &tr, 0, 0, 0);
		bt_put_tr(&c, BC_REPLY, &tr);
		bt_write(b, &c);
		/* Whether the caller accepts descriptors or not, our reply "completes". */
		cmd = bt_wait(b, &br);
		BT_EQ_BR(cmd, BR_TRANSACTION_COMPLETE);
		close(p[0]);
		return 0;
	}
	case FD_ARRAY: {
		const struct binder_buffer_object *po = bt_txn_obj(t, 0);
		const struct binder_fd_array_object *fa = bt_txn_obj(t, 1);
		BT_EQ(po->hdr.type, BINDER_TYPE_PTR);
		BT_EQ(fa->hdr.type, BINDER_TYPE_FDA);
		BT_EQ(fa->num_fds, 3);
		BT_EQ(fa->parent, 0);
		BT_EQ(fa->parent_offset, 4);
		BT_EQ(po->length, 16);
		BT_EQ(po->buffer, t->tr.data.ptr.buffer + ALIGN8(t->tr.data_size) + ALIGN8(t->tr.offsets_size));
		const uint32_t *arr = VPTR(po->buffer);
		BT_EQ(arr[0], 0xabcd);
		for (int i = 0; i < 3; i++) {
			fds[i] = arr[1 + i];
			expect_cloexec_fd(fds[i]);
			expect_lowest(fds[i]);
		}
		BT_CHECK(fds[0] < fds[1] && fds[1] < fds[2], "fds %d %d %d", fds[0], fds[1], fds[2]);
		write_all(fds[0], "1");
		write_all(fds[1], "2");
		write_all(fds[2], "3");
		/* The descriptors of an fd array belong to the buffer: freeing it closes them. */
		bt_reply_free(b, t, NULL);
		for (int i = 0; i < 3; i++)
			expect_closed_fd(fds[i]);
		return 0;
	}
	case FD_REPLY_ARRAY: {
		static struct {
			uint32_t fds[2];
		} arr;
		int p1[2], p2[2];
		BT_EQ(pipe(p1), 0);
		BT_EQ(pipe(p2), 0);
		write_all(p1[1], "p");
		write_all(p2[1], "q");
		close(p1[1]);
		close(p2[1]);
		arr.fds[0] = p1[0];
		arr.fds[1] = p2[0];
		bt_parcel_put_u32(&r, 0);	/* a parent at data offset 0 cannot take fix-ups */
		bt_parcel_put_ptr(&r, &arr, sizeof(arr), -1, 0);
		bt_parcel_put_fda(&r, 2, 0, 0);
		bt_reply_free(b, t, &r);
		close(p1[0]);
		close(p2[0]);
		return 0;
	}
	case FD_QUIT:
		bt_reply_free(b, t, NULL);
		return 1;
	default:
		bt_fail("fd server: code %u", t->tr.code);
	}
}

static void fd_server(void *arg)
{
	struct bt b;

	bt_open_default(&b);
	BT_EQ(bt_sm_add(&b, "fd", 0x81000, 0, arg ? FLAT_BINDER_FLAG_ACCEPTS_FDS : 0), 0);
	bt_send(&f_ready, 1);
	bt_serve(&b, fd_handle, NULL);
	bt_close(&b);
}

static pid_t fd_server_start(int accept_fds)
{
	bt_chan_init(&f_ready);
	pid_t pid = bt_spawn("fd-server", fd_server, accept_fds ? (void *)1 : NULL);
	bt_recv_expect(&f_ready, 1);
	return pid;
}

static void fd_server_quit(struct bt *b, uint32_t h, pid_t pid)
{
	BT_EQ_BR(bt_call(b, h, FD_QUIT, 0, NULL, NULL), BR_REPLY);
	bt_join(pid);
}

/* ---- fd_passing ----------------------------------------------------------------------------- */

/* An FD object reaches a node that accepts descriptors as a new descriptor of the receiving
 * process (close-on-exec, the lowest free number, installed when the receiver reads; the
 * cookie passes unchanged), for the same open file. Freeing the buffer does not close it.
 * Replies may carry descriptors when the call said TF_ACCEPT_FDS. */
void case_fd_passing(void)
{
	struct bt_parcel p;
	struct bt_txn r;
	struct bt b;
	int p1[2], p3[3][2];

	pid_t sm = bt_sm_start(bt_dev);
	pid_t srv = fd_server_start(1);
	bt_open_default(&b);
	uint32_t h = bt_sm_get(&b, "fd");

	BT_EQ(pipe(p1), 0);
	bt_parcel_init(&p);
	bt_parcel_put_fd(&p, p1[1], 0x77);
	BT_EQ_BR(bt_call(&b, h, FD_ONE, 0, &p, NULL), BR_REPLY);
	close(p1[1]);
	read_expect(p1[0], "hiyo");
	close(p1[0]);

	bt_parcel_init(&p);
	for (int i = 0; i < 3; i++) {
		BT_EQ(pipe(p3[i]), 0);
		bt_parcel_put_fd(&p, p3[i][1], i);
	}
	BT_EQ_BR(bt_oneway(&b, h, FD_THREE, 0, &p), BR_TRANSACTION_COMPLETE);
	for (int i = 0; i < 3; i++) {
		close(p3[i][1]);
		read_expect(p3[i][0], i == 0 ? "a" : i == 1 ? "b" : "c");
		close(p3[i][0]);
	}

	int want = lowest_free_fd();
	BT_EQ_BR(bt_call(&b, h, FD_REPLY, TF_ACCEPT_FDS, NULL, &r), BR_REPLY);
	const struct binder_fd_object *o = bt_txn_obj(&r, 0);
	BT_EQ(o->hdr.type, BINDER_TYPE_FD);
	BT_EQ(o->fd, want);
	BT_EQ(o->cookie, 0x88);
	expect_cloexec_fd(o->fd);
	int fd = o->fd;
	bt_free(&b, &r);
	read_expect(fd, "xy");
	close(fd);

	fd_server_quit(&b, h, srv);
	bt_sm_stop(&b, sm);
	bt_close(&b);
}

/* ---- fd_errors ------------------------------------------------------------------------------ */

/* Descriptors are refused with EPERM by a node without FLAT_BINDER_FLAG_ACCEPTS_FDS and in a
 * reply to a call without TF_ACCEPT_FDS (the replier still completes; the caller gets
 * BR_FAILED_REPLY and the reason); a bad descriptor is EBADF. A transaction that fails after
 * a descriptor was taken lets go of its file again. */
void case_fd_errors(void)
{
	struct bt_parcel p;
	struct bt b;
	int pp[2];

	pid_t sm = bt_sm_start(bt_dev);
	pid_t srv = fd_server_start(0);
	bt_open_default(&b);
	uint32_t h = bt_sm_get(&b, "fd");
	BT_EQ(pipe(pp), 0);
	bt_parcel_init(&p);
	bt_parcel_put_fd(&p, pp[1], 0);
	bt_log_clear(&b);
	BT_EQ_BR(bt_call(&b, h, FD_ONE, 0, &p, NULL), BR_FAILED_REPLY);
	BT_LOG_EXPECT(&b, BR_FAILED_REPLY);
	expect_ext_error(&b, BR_FAILED_REPLY, -EPERM);
	BT_EQ_BR(bt_oneway(&b, h, FD_ONE, 0, &p), BR_FAILED_REPLY);
	expect_ext_error(&b, BR_FAILED_REPLY, -EPERM);
	fd_server_quit(&b, h, srv);

	srv = fd_server_start(1);
	h = bt_sm_get(&b, "fd");
	bt_parcel_init(&p);
	bt_parcel_put_fd(&p, 999, 0);
	bt_log_clear(&b);
	BT_EQ_BR(bt_call(&b, h, FD_ONE, 0, &p, NULL), BR_FAILED_REPLY);
	BT_LOG_EXPECT(&b, BR_FAILED_REPLY);
	expect_ext_error(&b, BR_FAILED_REPLY, -EBADF);

	/* The reply carries a descriptor, the call did not say TF_ACCEPT_FDS. */
	bt_log_clear(&b);
	BT_EQ_BR(bt_call(&b, h, FD_REPLY, 0, NULL, NULL), BR_FAILED_REPLY);
	BT_LOG_EXPECT(&b, BR_TRANSACTION_COMPLETE, BR_FAILED_REPLY);
	expect_ext_error(&b, BR_FAILED_REPLY, -EPERM);

	/* A good descriptor, then a bad object: the driver drops its reference to the pipe, so
	 * closing ours gives the reader end-of-file. (A new pipe: the server, forked since,
	 * holds copies of the first one's descriptors.) */
	close(pp[0]);
	close(pp[1]);
	BT_EQ(pipe(pp), 0);
	struct flat_binder_object bogus = { .hdr.type = BINDER_TYPE_BINDER + 1 };
	bt_parcel_init(&p);
	bt_parcel_put_fd(&p, pp[1], 0);
	bt_parcel_put_obj(&p, &bogus, sizeof(bogus));
	BT_EQ_BR(bt_call(&b, h, FD_ONE, 0, &p, NULL), BR_FAILED_REPLY);
	expect_ext_error(&b, BR_FAILED_REPLY, -EINVAL);
	close(pp[1]);
	char c;
	BT_EQ(read(pp[0], &c, 1), 0);
	close(pp[0]);
	fd_server_quit(&b, h, srv);
	bt_sm_stop(&b, sm);
	bt_close(&b);
}

/* ---- fd_array ------------------------------------------------------------------------------- */

/* A BINDER_TYPE_FDA object translates the descriptors inside its parent PTR buffer in place;
 * the receiver's copy of the parent holds new close-on-exec descriptors, which the driver
 * closes again when the buffer is freed. In a reply too. */
void case_fd_array(void)
{
	struct {
		uint32_t tag;
		uint32_t fds[3];
	} arr = { .tag = 0xabcd };
	struct bt_parcel p;
	struct bt_txn r;
	struct bt b;
	int pp[3][2];

	pid_t sm = bt_sm_start(bt_dev);
	pid_t srv = fd_server_start(1);
	bt_open_default(&b);
	uint32_t h = bt_sm_get(&b, "fd");
	for (int i = 0; i < 3; i++) {
		BT_EQ(pipe(pp[i]), 0);
		arr.fds[i] = pp[i][1];
	}
	bt_parcel_init(&p);
	bt_parcel_put_u32(&p, 0);	/* a parent at data offset 0 cannot take fix-ups */
	bt_parcel_put_ptr(&p, &arr, sizeof(arr), -1, 0);
	bt_parcel_put_fda(&p, 3, 0, 4);
	BT_EQ(p.buffers_size, 16);
	BT_EQ_BR(bt_call(&b, h, FD_ARRAY, 0, &p, NULL), BR_REPLY);
	for (int i = 0; i < 3; i++) {
		close(pp[i][1]);
		read_expect(pp[i][0], i == 0 ? "1" : i == 1 ? "2" : "3");
		close(pp[i][0]);
	}

	int want = lowest_free_fd();
	BT_EQ_BR(bt_call(&b, h, FD_REPLY_ARRAY, TF_ACCEPT_FDS, NULL, &r), BR_REPLY);
	const struct binder_buffer_object *po = bt_txn_obj(&r, 0);
	const uint32_t *got = VPTR(po->buffer);
	BT_EQ(got[0], want);
	expect_cloexec_fd(got[0]);
	expect_cloexec_fd(got[1]);
	read_expect(got[0], "p");
	read_expect(got[1], "q");
	int f0 = got[0], f1 = got[1];
	bt_free(&b, &r);
	expect_closed_fd(f0);
	expect_closed_fd(f1);
	fd_server_quit(&b, h, srv);
	bt_sm_stop(&b, sm);
	bt_close(&b);
}

/* ---- fd_array_errors ------------------------------------------------------------------------ */

static void expect_fda_failure(struct bt *b, uint32_t h, struct bt_parcel *p, int err, const char *what)
{
	bt_step("%s", what);
	bt_log_clear(b);
	uint32_t cmd = bt_call(b, h, FD_ARRAY, 0, p, NULL);
	if (cmd != BR_FAILED_REPLY)
		bt_fail("%s: %s, expected BR_FAILED_REPLY", what, bt_br_name(cmd));
	BT_LOG_EXPECT(b, BR_FAILED_REPLY);
	struct binder_extended_error ee = bt_ext_error(b);
	if (ee.command != BR_FAILED_REPLY || ee.param != err)
		bt_fail("%s: extended error %s %s, expected BR_FAILED_REPLY %s", what, bt_br_name(ee.command),
			bt_errname(ee.param), bt_errname(err));
}

/* Bad fd arrays, each refused before anything is delivered: parent not a PTR object or not an
 * earlier object (EINVAL), more descriptors than fit in the parent after parent_offset
 * (EINVAL), a misaligned array (EINVAL), a bad descriptor in it (EBADF), a node that takes no
 * descriptors (EPERM), a fix-up before an earlier one in the same parent (EINVAL), and (a C
 * driver quirk) a parent that is the first thing in the data (EINVAL). */
void case_fd_array_errors(void)
{
	struct {
		uint32_t tag;
		uint32_t fds[3];
	} arr;
	struct bt_parcel p;
	struct bt b;
	int pp[2];

	pid_t sm = bt_sm_start(bt_dev);
	pid_t srv = fd_server_start(1);
	bt_open_default(&b);
	uint32_t h = bt_sm_get(&b, "fd");
	BT_EQ(pipe(pp), 0);
	arr.tag = 0;
	for (int i = 0; i < 3; i++)
		arr.fds[i] = pp[1];

	bt_parcel_init(&p);
	bt_parcel_put_fd(&p, pp[1], 0);
	bt_parcel_put_fda(&p, 1, 0, 0);
	p.buffers_size = 8;
	expect_fda_failure(&b, h, &p, -EINVAL, "parent is an FD object");

	bt_parcel_init(&p);
	bt_parcel_put_u32(&p, 0);
	bt_parcel_put_fda(&p, 1, 1, 0);
	bt_parcel_put_ptr(&p, &arr, sizeof(arr), -1, 0);
	expect_fda_failure(&b, h, &p, -EINVAL, "parent after the array");

	bt_parcel_init(&p);
	bt_parcel_put_u32(&p, 0);
	bt_parcel_put_ptr(&p, &arr, sizeof(arr), -1, 0);
	bt_parcel_put_fda(&p, 4, 0, 4);
	expect_fda_failure(&b, h, &p, -EINVAL, "four descriptors in 12 bytes");

	bt_parcel_init(&p);
	bt_parcel_put_u32(&p, 0);
	bt_parcel_put_ptr(&p, &arr, sizeof(arr), -1, 0);
	bt_parcel_put_fda(&p, 1, 0, 2);
	expect_fda_failure(&b, h, &p, -EINVAL, "misaligned array");

	arr.fds[1] = 999;
	bt_parcel_init(&p);
	bt_parcel_put_u32(&p, 0);
	bt_parcel_put_ptr(&p, &arr, sizeof(arr), -1, 0);
	bt_parcel_put_fda(&p, 3, 0, 4);
	expect_fda_failure(&b, h, &p, -EBADF, "bad descriptor in the array");
	arr.fds[1] = pp[1];

	bt_parcel_init(&p);
	bt_parcel_put_u32(&p, 0);
	bt_parcel_put_ptr(&p, &arr, sizeof(arr), -1, 0);
	bt_parcel_put_fda(&p, 1, 0, 8);
	bt_parcel_put_fda(&p, 1, 0, 4);
	expect_fda_failure(&b, h, &p, -EINVAL, "fix-ups out of order");

	/* The parent at data offset 0: the driver takes offset 0 for "no buffer to fix up in"
	 * (binder_validate_fixup), so the array is refused. */
	bt_parcel_init(&p);
	bt_parcel_put_ptr(&p, &arr, sizeof(arr), -1, 0);
	bt_parcel_put_fda(&p, 1, 0, 4);
	BT_EQ(p.offs[0], 0);
	expect_fda_failure(&b, h, &p, -EINVAL, "parent at data offset 0");

	/* None of it leaked a reference to the pipe. */
	close(pp[1]);
	char c;
	BT_EQ(read(pp[0], &c, 1), 0);
	close(pp[0]);
	fd_server_quit(&b, h, srv);

	srv = fd_server_start(0);
	h = bt_sm_get(&b, "fd");
	BT_EQ(pipe(pp), 0);
	for (int i = 0; i < 3; i++)
		arr.fds[i] = pp[1];
	bt_parcel_init(&p);
	bt_parcel_put_u32(&p, 0);
	bt_parcel_put_ptr(&p, &arr, sizeof(arr), -1, 0);
	bt_parcel_put_fda(&p, 3, 0, 4);
	expect_fda_failure(&b, h, &p, -EPERM, "node takes no descriptors");
	/* An empty array needs no permission. */
	bt_parcel_init(&p);
	bt_parcel_put_u32(&p, 0);
	bt_parcel_put_ptr(&p, &arr, sizeof(arr), -1, 0);
	bt_parcel_put_fda(&p, 0, 0, 4);
	BT_EQ_BR(bt_call(&b, h, FD_QUIT, 0, &p, NULL), BR_REPLY);
	bt_join(srv);
	close(pp[0]);
	close(pp[1]);
	bt_sm_stop(&b, sm);
	bt_close(&b);
}
