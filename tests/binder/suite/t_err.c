// SPDX-License-Identifier: GPL-2.0
/*
 * Errors: extended errors, malformed command streams, bad transactions (bogus handles,
 * offsets, sizes, object types: the error codes of the C driver), read buffer edge cases, and
 * the separation of two devices (contexts).
 */
#include "suite.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

static struct bt_chan e_ready, e_done;

/* ---- extended_error --------------------------------------------------------------------------- */

static struct bt ee_conn;

static void *ee_thread(void *arg)
{
	struct bt b;

	(void)arg;
	bt_clone(&b, &ee_conn);
	bt_thread_enter(&b);
	BT_EQ_BR(bt_call(&b, 77, 1, 0, NULL, NULL), BR_FAILED_REPLY);
	expect_ext_error(&b, BR_FAILED_REPLY, -EINVAL);
	return NULL;
}

/* BINDER_GET_EXTENDED_ERROR: per thread; {0, BR_OK, 0} at first; each transaction sets it to
 * {its id, BR_OK, 0} when it starts and to {id, error, errno} when it fails; reading resets it.
 * Ids grow. */
void case_extended_error(void)
{
	struct echo_opts eo = { .name = "echo" };
	struct binder_extended_error ee;
	struct bt_thread th;
	struct bt *b = &ee_conn;

	pid_t sm = bt_sm_start(bt_dev);
	pid_t srv = echo_start(&eo);
	bt_open_default(b);
	ee = bt_ext_error(b);
	BT_EQ(ee.id, 0);
	BT_EQ_BR(ee.command, BR_OK);
	BT_EQ(ee.param, 0);
	uint32_t h = bt_sm_get(b, "echo");

	BT_EQ_BR(bt_call(b, h, ECHO_WHO, 0, NULL, NULL), BR_REPLY);
	ee = bt_ext_error(b);
	uint32_t id1 = ee.id;
	BT_CHECK(id1 != 0, "no id");
	BT_EQ_BR(ee.command, BR_OK);
	BT_EQ(ee.param, 0);
	ee = bt_ext_error(b);
	BT_EQ(ee.id, 0);
	BT_EQ_BR(ee.command, BR_OK);

	BT_EQ_BR(bt_call(b, 77, 1, 0, NULL, NULL), BR_FAILED_REPLY);
	ee = bt_ext_error(b);
	BT_CHECK(ee.id > id1, "id %u after %u", ee.id, id1);
	BT_EQ_BR(ee.command, BR_FAILED_REPLY);
	BT_EQ(ee.param, -EINVAL);
	uint32_t id2 = ee.id;

	/* A failure, then a success: the success's id and BR_OK. */
	BT_EQ_BR(bt_oneway(b, 77, 1, 0, NULL), BR_FAILED_REPLY);
	BT_EQ_BR(bt_call(b, h, ECHO_WHO, 0, NULL, NULL), BR_REPLY);
	ee = bt_ext_error(b);
	BT_CHECK(ee.id > id2 + 1, "id %u after %u", ee.id, id2);
	BT_EQ_BR(ee.command, BR_OK);

	/* Another thread's failure is its own. */
	bt_thread_start(&th, ee_thread, NULL);
	bt_thread_join(&th);
	ee = bt_ext_error(b);
	BT_EQ(ee.id, 0);
	BT_EQ_BR(ee.command, BR_OK);
	echo_quit(b, h, srv);
	bt_sm_stop(b, sm);
	bt_close(b);
}

/* ---- bad_commands ----------------------------------------------------------------------------- */

static void expect_write_at(const char *file, int line, struct bt *b, const struct bt_cmds *c, int err,
			    binder_size_t consumed)
{
	binder_size_t got = 12345;
	int r = bt_try_write(b, c->buf, c->len, &got);

	if (r != err || got != consumed)
		bt_fail_at(file, line, "write of %zu bytes: %s, consumed %llu; expected %s, consumed %llu", c->len,
			   bt_errname(r), (unsigned long long)got, bt_errname(err), (unsigned long long)consumed);
}
#define expect_write(b, c, err, consumed) expect_write_at(__FILE__, __LINE__, (b), (c), (err), (consumed))

/* Command streams: an unknown command, BC_ATTEMPT_ACQUIRE and BC_ACQUIRE_RESULT fail the write
 * with EINVAL, write_consumed telling how far it got; unreadable commands are EFAULT. A command's
 * arguments are read even past write_size (write_consumed then exceeds it), and write_consumed
 * on entry is where the driver starts. Reference and buffer commands with bogus arguments are
 * only logged. A failed transaction stops the write, and later writes consume nothing until
 * its error has been read. */
void case_bad_commands(void)
{
	struct binder_transaction_data tr;
	struct bt_cmds c;
	struct bt b;

	bt_open_default(&b);
	bt_cmds_init(&c);
	bt_put_cmd(&c, BC_ENTER_LOOPER);
	bt_put_cmd(&c, _IO('c', 99));
	bt_put_cmd(&c, BC_ENTER_LOOPER);
	expect_write(&b, &c, -EINVAL, 4);
	bt_cmds_init(&c);
	bt_put_cmd(&c, BC_ENTER_LOOPER);
	bt_put_u32(&c, BC_ATTEMPT_ACQUIRE);
	bt_put_u32(&c, 0);
	bt_put_u32(&c, 0);
	expect_write(&b, &c, -EINVAL, 4);
	bt_cmds_init(&c);
	bt_put_u32(&c, BC_ACQUIRE_RESULT);
	bt_put_u32(&c, 0);
	expect_write(&b, &c, -EINVAL, 0);
	bt_cmds_init(&c);
	bt_put_u32(&c, 0);
	expect_write(&b, &c, -EINVAL, 0);

	binder_size_t consumed = 7;
	BT_EQ_ERR(bt_try_write(&b, NULL, 8, &consumed), -EFAULT);
	BT_EQ(consumed, 0);

	/* BC_INCREFS at the end of write_size: its handle is read from beyond. */
	bt_cmds_init(&c);
	bt_put_ref(&c, BC_INCREFS, 42);
	c.len = 4;
	expect_write(&b, &c, 0, 8);
	/* ...unless it is not there. */
	uint8_t *pg = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	BT_CHECK(pg != MAP_FAILED, "mmap");
	BT_EQ(mprotect(pg + 4096, 4096, PROT_NONE), 0);
	uint32_t incref = BC_INCREFS;
	memcpy(pg + 4092, &incref, 4);
	consumed = 0;
	BT_EQ_ERR(bt_try_write(&b, pg + 4092, 4, &consumed), -EFAULT);
	BT_EQ(consumed, 0);
	munmap(pg, 8192);

	/* write_consumed on entry: the driver starts there. */
	uint32_t two[2] = { 0xdeadbeef, BC_ENTER_LOOPER };
	struct binder_write_read bwr = {
		.write_size = 8, .write_consumed = 4, .write_buffer = UPTR(two),
	};
	BT_EQ_ERR(bt_ioctl(&b, BINDER_WRITE_READ, &bwr), 0);
	BT_EQ(bwr.write_consumed, 8);

	/* Bogus reference and buffer commands: logged, consumed, nothing else. */
	bt_cmds_init(&c);
	bt_put_ref(&c, BC_INCREFS, 42);
	bt_put_ref(&c, BC_ACQUIRE, 42);
	bt_put_ref(&c, BC_RELEASE, 42);
	bt_put_ref(&c, BC_DECREFS, 42);
	bt_put_ptr_cookie(&c, BC_INCREFS_DONE, 0x1000, 0);
	bt_put_ptr_cookie(&c, BC_ACQUIRE_DONE, 0x1000, 0);
	bt_put_free(&c, 0x1234);
	bt_put_free(&c, UPTR(b.map));
	bt_put_cmd(&c, BC_REGISTER_LOOPER);	/* never asked for */
	bt_put_cmd(&c, BC_EXIT_LOOPER);
	bt_put_cmd(&c, BC_ENTER_LOOPER);
	expect_write(&b, &c, 0, c.len);
	bt_expect_nothing(&b);

	/* A failed transaction ends the write; the next write does nothing until the failure was
	 * read. */
	bt_cmds_init(&c);
	bt_parcel_tr(NULL, &tr, 99, 1, 0);
	bt_put_tr(&c, BC_TRANSACTION, &tr);
	bt_put_cmd(&c, BC_ENTER_LOOPER);
	expect_write(&b, &c, 0, 4 + sizeof(tr));
	bt_cmds_init(&c);
	bt_put_cmd(&c, BC_ENTER_LOOPER);
	expect_write(&b, &c, 0, 0);
	struct bt_br br;
	bt_expect(&b, BR_FAILED_REPLY, &br);
	expect_write(&b, &c, 0, 4);
	bt_expect_nothing(&b);

	/* An empty BINDER_WRITE_READ. */
	memset(&bwr, 0, sizeof(bwr));
	BT_EQ_ERR(bt_ioctl(&b, BINDER_WRITE_READ, &bwr), 0);
	BT_EQ(bwr.write_consumed, 0);
	BT_EQ(bwr.read_consumed, 0);
	bt_close(&b);
}

/* ---- bad_transactions -------------------------------------------------------------------------- */

struct bad {
	const char *what;
	uint32_t cmd;		/* expected: BR_FAILED_REPLY unless said */
	int err;
	uint32_t flags;
};

static struct bt *bad_b;
static uint32_t bad_h, bad_weak;

static void expect_bad_at(const char *file, int line, const struct binder_transaction_data *tr, uint32_t bc,
			  binder_size_t buffers_size, uint32_t want, int err, const char *what)
{
	struct bt_cmds c;
	struct bt_br br;
	struct bt *b = bad_b;

	bt_step("%s", what);
	bt_cmds_init(&c);
	if (bc == BC_TRANSACTION_SG || bc == BC_REPLY_SG)
		bt_put_tr_sg(&c, bc, tr, buffers_size);
	else
		bt_put_tr(&c, bc, tr);
	bt_log_clear(b);
	bt_write(b, &c);
	uint32_t cmd = bt_wait(b, &br);
	if (cmd != want)
		bt_fail_at(file, line, "%s: %s, expected %s", what, bt_br_name(cmd), bt_br_name(want));
	if (b->nlog != 1)
		bt_fail_at(file, line, "%s: returns %s, expected only %s", what, bt_log_str(b), bt_br_name(want));
	struct binder_extended_error ee = bt_ext_error(b);
	if (ee.command != want || ee.param != err)
		bt_fail_at(file, line, "%s: extended error %s %s, expected %s %s", what, bt_br_name(ee.command),
			   bt_errname(ee.param), bt_br_name(want), bt_errname(err));
}
#define expect_bad(tr, bc, bs, want, err, what) expect_bad_at(__FILE__, __LINE__, (tr), (bc), (bs), (want), (err), (what))

static void bad_server(void *arg)
{
	struct bt_txn t;
	struct bt b;

	(void)arg;
	bt_open_default(&b);
	BT_EQ(bt_sm_add(&b, "bad", 0xc1000, 0, 0), 0);
	BT_EQ(bt_sm_add(&b, "bad2", 0xc2000, 0, 0), 0);
	bt_send(&e_ready, 1);
	/* Nothing of the bad ones arrives; the good one is the first buffer in our space. */
	bt_recv_txn(&b, &t);
	BT_EQ(t.tr.code, 1000);
	BT_EQ(t.tr.data.ptr.buffer, UPTR(b.map));
	bt_reply_free(&b, &t, NULL);
	bt_recv(&e_done);
	bt_expect_nothing(&b);
	bt_close(&b);
}

/* Transactions the driver refuses, each with BR_FAILED_REPLY (or BR_DEAD_REPLY) as the only
 * return, the reason in the extended error, nothing delivered and nothing left allocated in
 * the receiver (its next buffer starts at the beginning of its space): bad targets (EINVAL),
 * misaligned offsets and objects that do not fit (EINVAL), offsets beyond the data or below the
 * previous object's end (EFAULT: the copy of the data before the object fails), unknown object
 * types and handles (EINVAL), unreadable data or offsets (EFAULT), sizes that overflow (EINVAL)
 * or do not fit (ENOSPC), and a reply without a transaction (EPROTO). */
void case_bad_transactions(void)
{
	struct binder_transaction_data tr;
	struct flat_binder_object objs[2];
	binder_size_t offs[2];
	uint8_t data[64];
	struct bt b;

	bt_chan_init(&e_ready);
	bt_chan_init(&e_done);
	pid_t sm = bt_sm_start(bt_dev);
	pid_t srv = bt_spawn("server", bad_server, NULL);
	bt_recv_expect(&e_ready, 1);
	bt_open_default(&b);
	bad_b = &b;
	bad_h = bt_sm_get(&b, "bad");
	bad_weak = bt_sm_get(&b, "bad2");
	bt_write_ref(&b, BC_INCREFS, bad_weak);
	bt_write_ref(&b, BC_RELEASE, bad_weak);

#define TR(hnd, dptr, dsize, optr, osize)                                                  \
	do {                                                                                  \
		memset(&tr, 0, sizeof(tr));                                                   \
		tr.target.handle = (hnd);                                                     \
		tr.code = 1;                                                                  \
		tr.data.ptr.buffer = UPTR(dptr);                                              \
		tr.data_size = (dsize);                                                       \
		tr.data.ptr.offsets = UPTR(optr);                                             \
		tr.offsets_size = (osize);                                                    \
	} while (0)

	memset(data, 0, sizeof(data));
	TR(99, data, 8, NULL, 0);
	expect_bad(&tr, BC_TRANSACTION, 0, BR_FAILED_REPLY, -EINVAL, "no such handle");
	tr.flags = TF_ONE_WAY;
	expect_bad(&tr, BC_TRANSACTION, 0, BR_FAILED_REPLY, -EINVAL, "no such handle, one-way");
	TR(bad_weak, data, 8, NULL, 0);
	expect_bad(&tr, BC_TRANSACTION, 0, BR_FAILED_REPLY, -EINVAL, "weak handle as target");

	memset(objs, 0, sizeof(objs));
	objs[0].hdr.type = BINDER_TYPE_WEAK_BINDER;
	objs[0].binder = 0x5555;
	objs[1] = objs[0];
	offs[0] = 0;
	offs[1] = sizeof(objs[0]);
	TR(bad_h, objs, sizeof(objs), offs, 4);
	expect_bad(&tr, BC_TRANSACTION, 0, BR_FAILED_REPLY, -EINVAL, "offsets_size not a multiple of 8");
	/* The driver copies the data up to each object first: an offset beyond the data, or
	 * below the end of the previous object, fails that copy (EFAULT). */
	offs[0] = 100;
	TR(bad_h, objs, sizeof(objs), offs, 8);
	expect_bad(&tr, BC_TRANSACTION, 0, BR_FAILED_REPLY, -EFAULT, "offset beyond the data");
	memset(data, 0, sizeof(data));
	uint32_t type = BINDER_TYPE_WEAK_BINDER;
	memcpy(data + 40, &type, 4);
	offs[0] = 40;
	TR(bad_h, data, 48, offs, 8);
	expect_bad(&tr, BC_TRANSACTION, 0, BR_FAILED_REPLY, -EINVAL, "object runs past the data");
	memset(data, 0, sizeof(data));
	offs[0] = 2;
	memcpy(data + 2, &objs[0], sizeof(objs[0]));
	TR(bad_h, data, 2 + sizeof(objs[0]), offs, 8);
	expect_bad(&tr, BC_TRANSACTION, 0, BR_FAILED_REPLY, -EINVAL, "misaligned offset");
	offs[0] = 0;
	offs[1] = 8;
	TR(bad_h, objs, sizeof(objs), offs, 16);
	expect_bad(&tr, BC_TRANSACTION, 0, BR_FAILED_REPLY, -EFAULT, "overlapping objects");
	offs[0] = sizeof(objs[0]);
	offs[1] = 0;
	expect_bad(&tr, BC_TRANSACTION, 0, BR_FAILED_REPLY, -EFAULT, "decreasing offsets");
	offs[0] = offs[1] = 0;
	expect_bad(&tr, BC_TRANSACTION, 0, BR_FAILED_REPLY, -EFAULT, "the same offset twice");
	offs[0] = 0;
	objs[0].hdr.type = 0x73622a84;	/* one off BINDER_TYPE_BINDER */
	TR(bad_h, objs, sizeof(objs[0]), offs, 8);
	expect_bad(&tr, BC_TRANSACTION, 0, BR_FAILED_REPLY, -EINVAL, "unknown object type");
	objs[0].hdr.type = BINDER_TYPE_HANDLE;
	objs[0].handle = 1234;
	expect_bad(&tr, BC_TRANSACTION, 0, BR_FAILED_REPLY, -EINVAL, "handle object with no such handle");
	objs[0].hdr.type = BINDER_TYPE_HANDLE;
	objs[0].handle = bad_weak;
	expect_bad(&tr, BC_TRANSACTION, 0, BR_FAILED_REPLY, -EINVAL, "strong handle object for a weak reference");
	TR(bad_h, objs, 7, offs, 8);
	expect_bad(&tr, BC_TRANSACTION, 0, BR_FAILED_REPLY, -EINVAL, "data shorter than the object");

	TR(bad_h, NULL, 16, NULL, 0);
	expect_bad(&tr, BC_TRANSACTION, 0, BR_FAILED_REPLY, -EFAULT, "unreadable data");
	TR(bad_h, data, 16, NULL, 8);
	expect_bad(&tr, BC_TRANSACTION, 0, BR_FAILED_REPLY, -EFAULT, "unreadable offsets");
	TR(bad_h, data, ~(binder_size_t)0, NULL, 0);
	expect_bad(&tr, BC_TRANSACTION, 0, BR_FAILED_REPLY, -EINVAL, "data size overflows");
	TR(bad_h, data, 8, offs, ~(binder_size_t)0 - 7);
	expect_bad(&tr, BC_TRANSACTION, 0, BR_FAILED_REPLY, -EINVAL, "offsets size overflows");
	TR(bad_h, data, 8, NULL, 0);
	expect_bad(&tr, BC_TRANSACTION_SG, ~(binder_size_t)0 - 7, BR_FAILED_REPLY, -EINVAL, "buffers size overflows");
	TR(bad_h, data, (binder_size_t)1 << 40, NULL, 0);
	expect_bad(&tr, BC_TRANSACTION, 0, BR_FAILED_REPLY, -ENOSPC, "a terabyte");
	TR(0, data, 8, NULL, 0);
	expect_bad(&tr, BC_REPLY, 0, BR_FAILED_REPLY, -EPROTO, "reply without a transaction");
	expect_bad(&tr, BC_REPLY_SG, 8, BR_FAILED_REPLY, -EPROTO, "sg reply without a transaction");
	bt_step("good transaction");

	TR(bad_h, data, 8, NULL, 0);
	tr.code = 1000;
	write_tr(&b, BC_TRANSACTION, &tr);
	struct bt_br br;
	BT_EQ_BR(bt_wait(&b, &br), BR_TRANSACTION_COMPLETE);
	BT_EQ_BR(bt_wait(&b, &br), BR_REPLY);
	bt_free(&b, &(struct bt_txn){ .tr = br.u.tr });
	bt_send(&e_done, 1);
	bt_join(srv);
	bt_sm_stop(&b, sm);
	bt_close(&b);
#undef TR
}

/* ---- read_buffer_sizes ------------------------------------------------------------------------ */

static int raw_read(struct bt *b, void *buf, binder_size_t size, binder_size_t *consumed)
{
	struct binder_write_read bwr = { .read_size = size, .read_consumed = *consumed, .read_buffer = UPTR(buf) };
	int r = bt_ioctl(b, BINDER_WRITE_READ, &bwr);

	*consumed = bwr.read_consumed;
	return r;
}

/* Queues a BR_CLEAR_DEATH_NOTIFICATION_DONE for this (looper) thread. */
static void queue_one_return(struct bt *b, uint32_t h, binder_uintptr_t cookie)
{
	struct bt_cmds c;

	bt_cmds_init(&c);
	bt_put_handle_cookie(&c, BC_REQUEST_DEATH_NOTIFICATION, h, cookie);
	bt_put_handle_cookie(&c, BC_CLEAR_DEATH_NOTIFICATION, h, cookie);
	bt_write(b, &c);
}

/* Reads: the driver writes BR_NOOP first only if read_consumed is 0 on entry, continues at
 * read_consumed otherwise, and takes work only while a whole transaction return would fit
 * (4 + sizeof(struct binder_transaction_data_secctx) bytes), whatever the work; so a read of 4
 * to 79 bytes returns only BR_NOOP and leaves the work queued. Nothing to read without
 * blocking: EAGAIN, read_consumed unchanged. */
void case_read_buffer_sizes(void)
{
	struct echo_opts eo = { .name = "echo" };
	uint8_t buf[256];
	binder_size_t consumed;
	struct bt b;
	uint32_t w;

	pid_t sm = bt_sm_start(bt_dev);
	pid_t srv = echo_start(&eo);
	bt_open_default(&b);
	uint32_t h = bt_sm_get(&b, "echo");
	const binder_size_t need = 4 + sizeof(struct binder_transaction_data_secctx);
	BT_EQ(need, 76);

	queue_one_return(&b, h, 0x31);
	consumed = 0;
	BT_EQ_ERR(raw_read(&b, buf, 4, &consumed), 0);
	BT_EQ(consumed, 4);
	memcpy(&w, buf, 4);
	BT_EQ_BR(w, BR_NOOP);
	consumed = 0;
	BT_EQ_ERR(raw_read(&b, buf, 4 + need - 1, &consumed), 0);
	BT_EQ(consumed, 4);
	consumed = 0;
	BT_EQ_ERR(raw_read(&b, buf, 4 + need, &consumed), 0);
	BT_EQ(consumed, 4 + 4 + sizeof(binder_uintptr_t));
	memcpy(&w, buf + 4, 4);
	BT_EQ_BR(w, BR_CLEAR_DEATH_NOTIFICATION_DONE);

	/* Starting at read_consumed 8: no BR_NOOP, the return lands at offset 8. */
	queue_one_return(&b, h, 0x32);
	memset(buf, 0xee, sizeof(buf));
	consumed = 8;
	BT_EQ_ERR(raw_read(&b, buf, sizeof(buf), &consumed), 0);
	BT_EQ(consumed, 8 + 4 + sizeof(binder_uintptr_t));
	BT_EQ(buf[0], 0xee);
	BT_EQ(buf[7], 0xee);
	memcpy(&w, buf + 8, 4);
	BT_EQ_BR(w, BR_CLEAR_DEATH_NOTIFICATION_DONE);
	binder_uintptr_t cookie;
	memcpy(&cookie, buf + 12, sizeof(cookie));
	BT_EQ(cookie, 0x32);

	/* Nothing there, without blocking. */
	bt_expect_nothing(&b);
	int fl = fcntl(b.fd, F_GETFL);
	fcntl(b.fd, F_SETFL, fl | O_NONBLOCK);
	consumed = 0;
	BT_EQ_ERR(raw_read(&b, buf, sizeof(buf), &consumed), -EAGAIN);
	BT_EQ(consumed, 0);
	fcntl(b.fd, F_SETFL, fl);
	/* A read that cannot be written: EFAULT. */
	consumed = 0;
	BT_EQ_ERR(raw_read(&b, NULL, sizeof(buf), &consumed), -EFAULT);

	echo_quit(&b, h, srv);
	bt_sm_stop(&b, sm);
	bt_close(&b);
}

/* ---- two_contexts ----------------------------------------------------------------------------- */

static void dev2_manager(void *arg)
{
	struct bt_txn t;
	struct bt b;
	uint64_t t0 = bt_now_ms();
	int r;

	(void)arg;
	bt_open(&b, bt_dev2, BT_DEFAULT_MAP, 0);
	while ((r = bt_ioctl(&b, BINDER_SET_CONTEXT_MGR, NULL)) == -EBUSY && bt_now_ms() - t0 < 5000)
		bt_sleep_ms(10);
	BT_EQ_ERR(r, 0);
	bt_send(&e_ready, 2);
	bt_recv_txn(&b, &t);
	BT_EQ(t.tr.code, 22);
	bt_reply_free(&b, &t, NULL);
	/* Frozen from the other device's file (the freeze ioctl finds processes by pid, on any
	 * device of the driver): one-way work is pending for us. */
	bt_recv_expect(&e_done, 1);
	bt_recv_txn(&b, &t);
	BT_EQ(t.tr.code, 23);
	bt_free(&b, &t);
	bt_close(&b);
}

/* Each device is its own context with its own context manager: both devices have one at the
 * same time, handle 0 leads to the device's own, and handles of one device mean nothing on the
 * other. BINDER_FREEZE and BINDER_GET_FROZEN_INFO find processes by pid across the devices. */
void case_two_contexts(void)
{
	struct bt b, b2;

	if (!bt_dev2)
		bt_skip("no second device (-D)");
	bt_chan_init(&e_ready);
	bt_chan_init(&e_done);
	pid_t sm = bt_sm_start(bt_dev);
	pid_t m2 = bt_spawn("manager2", dev2_manager, NULL);
	bt_recv_expect(&e_ready, 2);
	bt_open_default(&b);
	bt_open(&b2, bt_dev2, BT_DEFAULT_MAP, 0);
	BT_EQ_ERR(bt_ioctl(&b2, BINDER_SET_CONTEXT_MGR, NULL), -EBUSY);
	BT_EQ_BR(bt_call(&b2, 0, 22, 0, NULL, NULL), BR_REPLY);
	/* Our handle to the first device's manager's "echo"-less table: handle 1 is nothing on
	 * the second device. */
	struct echo_opts eo = { .name = "echo" };
	pid_t srv = echo_start(&eo);
	uint32_t h = bt_sm_get(&b, "echo");
	BT_EQ(h, 1);
	BT_EQ_BR(bt_call(&b2, h, ECHO_WHO, 0, NULL, NULL), BR_FAILED_REPLY);
	expect_ext_error(&b2, BR_FAILED_REPLY, -EINVAL);

	struct binder_freeze_info fi = { .pid = m2, .enable = 1 };
	BT_EQ_ERR(bt_ioctl(&b, BINDER_FREEZE, &fi), 0);
	BT_EQ_BR(bt_oneway(&b2, 0, 23, 0, NULL), BR_TRANSACTION_PENDING_FROZEN);
	struct binder_frozen_status_info st = { .pid = m2 };
	BT_EQ_ERR(bt_ioctl(&b, BINDER_GET_FROZEN_INFO, &st), 0);
	BT_EQ(st.sync_recv, 2);
	BT_EQ(st.async_recv, 1);
	fi.enable = 0;
	BT_EQ_ERR(bt_ioctl(&b, BINDER_FREEZE, &fi), 0);
	bt_send(&e_done, 1);
	bt_join(m2);
	echo_quit(&b, h, srv);
	bt_sm_stop(&b, sm);
	bt_close(&b2);
	bt_close(&b);
}
