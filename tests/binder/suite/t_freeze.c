// SPDX-License-Identifier: GPL-2.0
/*
 * Freezing: BINDER_FREEZE (with and without a timeout), BINDER_GET_FROZEN_INFO, what frozen
 * receivers do to transactions (BR_FROZEN_REPLY, BR_TRANSACTION_PENDING_FROZEN), and freeze
 * notifications (BC_REQUEST/CLEAR_FREEZE_NOTIFICATION, BC_FREEZE_NOTIFICATION_DONE,
 * BR_FROZEN_BINDER, BR_CLEAR_FREEZE_NOTIFICATION_DONE).
 */
#include "suite.h"

#include <unistd.h>

static struct bt_chan z_ready, z_cmd, z_done, z_sleep;

/* ---- a server that reads only when told --------------------------------------------------------- */

enum { Z_DRAIN_ONE = 1, Z_SERVE_ONE, Z_HOLD, Z_REPLY_HELD, Z_REPLY_HELD_LATER, Z_QUIT };

static void zserver_main(void *arg)
{
	struct bt_txn t, held = { 0 };
	struct bt b;

	(void)arg;
	bt_open_default(&b);
	BT_EQ(bt_sm_add(&b, "fz", 0xb1000, 0xb1001, 0), 0);
	BT_EQ(bt_sm_add(&b, "fz2", 0xb2000, 0xb2001, 0), 0);
	bt_send(&z_ready, 1);
	for (;;) {
		uint64_t cmd = bt_recv(&z_cmd);
		switch (cmd) {
		case Z_DRAIN_ONE:	/* one one-way transaction */
			bt_recv_txn(&b, &t);
			BT_EQ(t.tr.flags & TF_ONE_WAY, TF_ONE_WAY);
			bt_free(&b, &t);
			break;
		case Z_SERVE_ONE:
			bt_recv_txn(&b, &t);
			bt_reply_free(&b, &t, NULL);
			break;
		case Z_HOLD:	/* take a synchronous transaction and keep it */
			bt_recv_txn(&b, &held);
			break;
		case Z_REPLY_HELD:
			bt_reply_free(&b, &held, NULL);
			break;
		case Z_REPLY_HELD_LATER:	/* acknowledge first, reply 200 ms later */
			bt_send(&z_done, cmd);
			bt_sleep_ms(200);
			bt_reply_free(&b, &held, NULL);
			continue;
		case Z_QUIT:
			bt_expect_nothing(&b);
			bt_close(&b);
			return;
		}
		bt_send(&z_done, cmd);
	}
}

static pid_t zserver_start(void)
{
	bt_chan_init(&z_ready);
	bt_chan_init(&z_cmd);
	bt_chan_init(&z_done);
	pid_t pid = bt_spawn("server", zserver_main, NULL);
	bt_recv_expect(&z_ready, 1);
	return pid;
}

static void zcmd(uint64_t cmd)
{
	bt_send(&z_cmd, cmd);
	bt_recv_expect(&z_done, cmd);
}

static int freeze(struct bt *b, pid_t pid, int enable, uint32_t timeout_ms)
{
	struct binder_freeze_info fi = { .pid = pid, .enable = enable, .timeout_ms = timeout_ms };

	return bt_ioctl(b, BINDER_FREEZE, &fi);
}

static void expect_frozen_info_at(const char *file, int line, struct bt *b, pid_t pid, uint32_t sync_recv,
				  uint32_t async_recv)
{
	struct binder_frozen_status_info fi = { .pid = pid, .sync_recv = 0xff, .async_recv = 0xff };
	int r = bt_ioctl(b, BINDER_GET_FROZEN_INFO, &fi);

	if (r || fi.sync_recv != sync_recv || fi.async_recv != async_recv)
		bt_fail_at(file, line, "frozen info of %d: %s, sync_recv %u async_recv %u; expected sync_recv %u async_recv %u",
			   (int)pid, bt_errname(r), fi.sync_recv, fi.async_recv, sync_recv, async_recv);
}
#define expect_frozen_info(b, pid, s, a) expect_frozen_info_at(__FILE__, __LINE__, (b), (pid), (s), (a))

static void sleeper(void *arg)
{
	(void)arg;
	bt_recv(&z_sleep);
}

/* ---- freeze ----------------------------------------------------------------------------------- */

/* A frozen process refuses synchronous transactions (BR_FROZEN_REPLY, extended error
 * BR_FROZEN_REPLY/0) and queues one-way ones (the sender gets BR_TRANSACTION_PENDING_FROZEN).
 * BINDER_GET_FROZEN_INFO: sync_recv bit 0 = a synchronous transaction came while frozen, bit 1 =
 * transactions are pending; async_recv = a one-way one came while frozen; both reset by
 * freezing and unfreezing. Freezing only marks the binder side: a thread already waiting
 * still gets one-way work. Unknown pids: EINVAL. */
void case_freeze(void)
{
	struct bt b;

	pid_t sm = bt_sm_start(bt_dev);
	pid_t s = zserver_start();
	bt_open_default(&b);
	uint32_t h = bt_sm_get(&b, "fz");

	BT_EQ_ERR(freeze(&b, s, 1, 0), 0);
	expect_frozen_info(&b, s, 0, 0);
	bt_log_clear(&b);
	BT_EQ_BR(bt_call(&b, h, 1, 0, NULL, NULL), BR_FROZEN_REPLY);
	BT_LOG_EXPECT(&b, BR_FROZEN_REPLY);
	expect_ext_error(&b, BR_FROZEN_REPLY, 0);
	expect_frozen_info(&b, s, 1, 0);
	bt_log_clear(&b);
	BT_EQ_BR(bt_oneway(&b, h, 2, 0, NULL), BR_TRANSACTION_PENDING_FROZEN);
	BT_LOG_EXPECT(&b, BR_TRANSACTION_PENDING_FROZEN);
	expect_ext_error(&b, BR_OK, 0);
	expect_frozen_info(&b, s, 1 | 2, 1);
	/* Freezing again resets the flags; the one-way work is still pending. */
	BT_EQ_ERR(freeze(&b, s, 1, 0), -EAGAIN);
	expect_frozen_info(&b, s, 2, 0);
	BT_EQ_ERR(freeze(&b, s, 0, 0), 0);
	expect_frozen_info(&b, s, 2, 0);
	zcmd(Z_DRAIN_ONE);
	expect_frozen_info(&b, s, 0, 0);
	BT_EQ_ERR(freeze(&b, s, 0, 0), 0);	/* not frozen: fine */

	/* Thawed: normal service. */
	bt_send(&z_cmd, Z_SERVE_ONE);
	BT_EQ_BR(bt_call(&b, h, 3, 0, NULL, NULL), BR_REPLY);
	bt_recv_expect(&z_done, Z_SERVE_ONE);

	/* Frozen with a thread waiting: the one-way transaction reaches it anyway. */
	BT_EQ_ERR(freeze(&b, s, 1, 0), 0);
	bt_send(&z_cmd, Z_DRAIN_ONE);
	bt_sleep_ms(50);
	BT_EQ_BR(bt_oneway(&b, h, 4, 0, NULL), BR_TRANSACTION_PENDING_FROZEN);
	bt_recv_expect(&z_done, Z_DRAIN_ONE);
	expect_frozen_info(&b, s, 0, 1);
	BT_EQ_ERR(freeze(&b, s, 0, 0), 0);

	/* Pids without a binder process. */
	bt_chan_init(&z_sleep);
	pid_t nb = bt_spawn("no-binder", sleeper, NULL);
	BT_EQ_ERR(freeze(&b, nb, 1, 0), -EINVAL);
	struct binder_frozen_status_info fi = { .pid = nb };
	BT_EQ_ERR(bt_ioctl(&b, BINDER_GET_FROZEN_INFO, &fi), -EINVAL);
	bt_send(&z_sleep, 0);
	bt_join(nb);

	bt_send(&z_cmd, Z_QUIT);
	bt_join(s);
	bt_sm_stop(&b, sm);
	bt_close(&b);
}

/* ---- freeze_pending --------------------------------------------------------------------------- */

static struct bt fp_conn;
static uint32_t fp_handle;

static void *held_call(void *arg)
{
	struct bt b;

	(void)arg;
	bt_clone(&b, &fp_conn);
	bt_thread_enter(&b);
	BT_EQ_BR(bt_call(&b, fp_handle, 1, 0, NULL, NULL), BR_REPLY);
	return NULL;
}

/* Freezing fails with EAGAIN (and leaves the process thawed) while it has transactions in
 * progress: one it is handling, one it waits on a reply for, or queued work. With a timeout,
 * the driver first waits up to that long for its outstanding transactions to finish. */
void case_freeze_pending(void)
{
	struct bt_thread th;
	struct bt *b = &fp_conn;

	pid_t sm = bt_sm_start(bt_dev);
	pid_t s = zserver_start();
	bt_open_default(b);
	uint32_t h = fp_handle = bt_sm_get(b, "fz");

	/* The server holds our call. */
	bt_send(&z_cmd, Z_HOLD);
	bt_thread_start(&th, held_call, NULL);
	bt_recv_expect(&z_done, Z_HOLD);
	BT_EQ_ERR(freeze(b, s, 1, 0), -EAGAIN);
	expect_frozen_info(b, s, 2, 0);
	/* Not frozen after that. */
	BT_EQ_BR(bt_oneway(b, h, 2, 0, NULL), BR_TRANSACTION_COMPLETE);
	/* Our calling thread waits for a reply: we cannot be frozen either. */
	BT_EQ_ERR(freeze(b, getpid(), 1, 0), -EAGAIN);
	expect_frozen_info(b, getpid(), 2, 0);
	uint64_t t0 = bt_now_ms();
	BT_EQ_ERR(freeze(b, s, 1, 300), -EAGAIN);
	BT_CHECK(bt_now_ms() - t0 >= 250, "gave up after %llu ms, not 300", (unsigned long long)(bt_now_ms() - t0));
	zcmd(Z_REPLY_HELD);
	bt_thread_join(&th);
	/* Only queued one-way work left: still EAGAIN. */
	BT_EQ_ERR(freeze(b, s, 1, 0), -EAGAIN);
	zcmd(Z_DRAIN_ONE);
	expect_frozen_info(b, s, 0, 0);

	/* It replies 200 ms from now: a 5 s timeout waits for that, then freezes. */
	bt_send(&z_cmd, Z_HOLD);
	bt_thread_start(&th, held_call, NULL);
	bt_recv_expect(&z_done, Z_HOLD);
	t0 = bt_now_ms();
	zcmd(Z_REPLY_HELD_LATER);
	BT_EQ_ERR(freeze(b, s, 1, 5000), 0);
	uint64_t waited = bt_now_ms() - t0;
	BT_CHECK(waited >= 150 && waited < 4000, "freeze returned after %llu ms", (unsigned long long)waited);
	bt_thread_join(&th);
	expect_frozen_info(b, s, 0, 0);
	BT_EQ_BR(bt_call(b, h, 3, 0, NULL, NULL), BR_FROZEN_REPLY);
	BT_EQ_ERR(freeze(b, s, 0, 0), 0);

	bt_send(&z_cmd, Z_QUIT);
	bt_join(s);
	bt_sm_stop(b, sm);
	bt_close(b);
}

/* ---- freeze_notification ---------------------------------------------------------------------- */

static void freeze_cmd(struct bt *b, uint32_t bc, uint32_t handle, binder_uintptr_t cookie)
{
	struct bt_cmds c;

	bt_cmds_init(&c);
	bt_put_handle_cookie(&c, bc, handle, cookie);
	bt_write(b, &c);
}

static void freeze_done(struct bt *b, binder_uintptr_t cookie)
{
	struct bt_cmds c;

	bt_cmds_init(&c);
	bt_put_cookie(&c, BC_FREEZE_NOTIFICATION_DONE, cookie);
	bt_write(b, &c);
}

static void expect_frozen_at(const char *file, int line, struct bt *b, binder_uintptr_t cookie, int frozen)
{
	struct bt_br br;

	bt_expect_at(file, line, b, BR_FROZEN_BINDER, &br);
	if (br.u.frozen.cookie != cookie || br.u.frozen.is_frozen != (uint32_t)frozen || br.u.frozen.reserved)
		bt_fail_at(file, line, "BR_FROZEN_BINDER {cookie %#llx, is_frozen %u, reserved %u}, expected {%#llx, %d, 0}",
			   (unsigned long long)br.u.frozen.cookie, br.u.frozen.is_frozen, br.u.frozen.reserved,
			   (unsigned long long)cookie, frozen);
	/* The driver ends the read after it. */
	if (b->rpos != b->rlen)
		bt_fail_at(file, line, "more returns after BR_FROZEN_BINDER in the same read");
}
#define expect_frozen(b, cookie, frozen) expect_frozen_at(__FILE__, __LINE__, (b), (cookie), (frozen))

static void expect_cleared_at(const char *file, int line, struct bt *b, binder_uintptr_t cookie)
{
	struct bt_br br;

	bt_expect_at(file, line, b, BR_CLEAR_FREEZE_NOTIFICATION_DONE, &br);
	if (br.u.cookie != cookie)
		bt_fail_at(file, line, "BR_CLEAR_FREEZE_NOTIFICATION_DONE %#llx, expected %#llx",
			   (unsigned long long)br.u.cookie, (unsigned long long)cookie);
}
#define expect_cleared(b, cookie) expect_cleared_at(__FILE__, __LINE__, (b), (cookie))

/* A freeze notification reports the node's process state at once (BR_FROZEN_BINDER with
 * is_frozen 0), then each change, one at a time: until BC_FREEZE_NOTIFICATION_DONE the driver
 * only remembers that the state changed and sends the current state after the done. Clearing
 * confirms with BR_CLEAR_FREEZE_NOTIFICATION_DONE, after the done if one is outstanding. */
void case_freeze_notification(void)
{
	struct bt b;

	pid_t sm = bt_sm_start(bt_dev);
	pid_t s = zserver_start();
	bt_open_default(&b);
	uint32_t h = bt_sm_get(&b, "fz"), h2 = bt_sm_get(&b, "fz2");

	freeze_cmd(&b, BC_REQUEST_FREEZE_NOTIFICATION, h, 0xf1);
	expect_frozen(&b, 0xf1, 0);
	bt_expect_nothing(&b);
	freeze_done(&b, 0xf1);
	BT_EQ_ERR(freeze(&b, s, 1, 0), 0);
	expect_frozen(&b, 0xf1, 1);
	freeze_done(&b, 0xf1);
	BT_EQ_ERR(freeze(&b, s, 0, 0), 0);
	expect_frozen(&b, 0xf1, 0);
	freeze_done(&b, 0xf1);
	bt_expect_nothing(&b);

	/* Changes while one is unacknowledged: only the state at the done is sent. */
	BT_EQ_ERR(freeze(&b, s, 1, 0), 0);
	expect_frozen(&b, 0xf1, 1);
	BT_EQ_ERR(freeze(&b, s, 0, 0), 0);
	BT_EQ_ERR(freeze(&b, s, 1, 0), 0);
	bt_expect_nothing(&b);
	freeze_done(&b, 0xf1);
	expect_frozen(&b, 0xf1, 1);
	BT_EQ_ERR(freeze(&b, s, 0, 0), 0);
	bt_expect_nothing(&b);
	freeze_done(&b, 0xf1);
	expect_frozen(&b, 0xf1, 0);
	freeze_done(&b, 0xf1);

	/* Two nodes of the process, two notifications, one per read. */
	freeze_cmd(&b, BC_REQUEST_FREEZE_NOTIFICATION, h2, 0xf2);
	expect_frozen(&b, 0xf2, 0);
	freeze_done(&b, 0xf2);
	BT_EQ_ERR(freeze(&b, s, 1, 0), 0);
	expect_frozen(&b, 0xf1, 1);
	expect_frozen(&b, 0xf2, 1);
	freeze_done(&b, 0xf1);
	freeze_done(&b, 0xf2);

	/* Clear while a notification is unacknowledged: confirmed after the done. */
	BT_EQ_ERR(freeze(&b, s, 0, 0), 0);
	expect_frozen(&b, 0xf1, 0);
	expect_frozen(&b, 0xf2, 0);
	freeze_cmd(&b, BC_CLEAR_FREEZE_NOTIFICATION, h, 0xf1);
	bt_expect_nothing(&b);
	freeze_done(&b, 0xf1);
	expect_cleared(&b, 0xf1);
	/* Plain clear. */
	freeze_done(&b, 0xf2);
	freeze_cmd(&b, BC_CLEAR_FREEZE_NOTIFICATION, h2, 0xf2);
	expect_cleared(&b, 0xf2);
	BT_EQ_ERR(freeze(&b, s, 1, 0), 0);
	BT_EQ_ERR(freeze(&b, s, 0, 0), 0);
	bt_expect_nothing(&b);

	bt_send(&z_cmd, Z_QUIT);
	bt_join(s);
	bt_sm_stop(&b, sm);
	bt_close(&b);
}

/* ---- freeze_notification_errors --------------------------------------------------------------- */

static void expect_write_einval_at(const char *file, int line, struct bt *b, uint32_t bc, uint32_t handle,
				   binder_uintptr_t cookie)
{
	binder_size_t consumed = 99;
	struct bt_cmds c;
	int r;

	bt_cmds_init(&c);
	bt_put_cmd(&c, BC_ENTER_LOOPER);
	if (bc == BC_FREEZE_NOTIFICATION_DONE)
		bt_put_cookie(&c, bc, cookie);
	else
		bt_put_handle_cookie(&c, bc, handle, cookie);
	bt_put_cmd(&c, BC_ENTER_LOOPER);
	r = bt_try_write(b, c.buf, c.len, &consumed);
	/* The write stops at the bad command: the one before it counts as consumed. */
	if (r != -EINVAL || consumed != 4)
		bt_fail_at(file, line, "%s: %s, consumed %llu; expected -EINVAL, consumed 4", bt_bc_name(bc),
			   bt_errname(r), (unsigned long long)consumed);
}
#define expect_write_einval(b, bc, h, c) expect_write_einval_at(__FILE__, __LINE__, (b), (bc), (h), (c))

/* Unlike death notifications, bad freeze notification commands fail the write with EINVAL: an
 * unknown handle, a second request on a reference, a clear without a request or with another
 * cookie, a done for a cookie that was not delivered. Weak references may have one; a dead
 * node's reference gets no first notification. */
void case_freeze_notification_errors(void)
{
	struct bt b;

	pid_t sm = bt_sm_start(bt_dev);
	pid_t s = zserver_start();
	bt_open_default(&b);
	uint32_t h = bt_sm_get(&b, "fz");

	expect_write_einval(&b, BC_REQUEST_FREEZE_NOTIFICATION, 99, 1);
	expect_write_einval(&b, BC_CLEAR_FREEZE_NOTIFICATION, 99, 1);
	expect_write_einval(&b, BC_CLEAR_FREEZE_NOTIFICATION, h, 1);
	expect_write_einval(&b, BC_FREEZE_NOTIFICATION_DONE, 0, 1);
	bt_expect_nothing(&b);

	/* On a weak reference. */
	bt_write_ref(&b, BC_INCREFS, h);
	bt_write_ref(&b, BC_RELEASE, h);
	freeze_cmd(&b, BC_REQUEST_FREEZE_NOTIFICATION, h, 0xa1);
	expect_write_einval(&b, BC_REQUEST_FREEZE_NOTIFICATION, h, 0xa2);
	expect_frozen(&b, 0xa1, 0);
	expect_write_einval(&b, BC_FREEZE_NOTIFICATION_DONE, 0, 0xa2);
	freeze_done(&b, 0xa1);
	expect_write_einval(&b, BC_FREEZE_NOTIFICATION_DONE, 0, 0xa1);	/* twice */
	expect_write_einval(&b, BC_CLEAR_FREEZE_NOTIFICATION, h, 0xa2);
	freeze_cmd(&b, BC_CLEAR_FREEZE_NOTIFICATION, h, 0xa1);
	expect_cleared(&b, 0xa1);
	expect_write_einval(&b, BC_CLEAR_FREEZE_NOTIFICATION, h, 0xa1);

	/* A dead node: the request is taken, no first notification; the clear is confirmed. */
	bt_send(&z_cmd, Z_QUIT);
	bt_join(s);
	bt_write_ref(&b, BC_DECREFS, h);
	h = bt_sm_get(&b, "fz");
	/* Wait until the node is dead: a transaction to it fails so. */
	while (bt_call(&b, h, 1, 0, NULL, NULL) != BR_DEAD_REPLY)
		bt_sleep_ms(10);
	freeze_cmd(&b, BC_REQUEST_FREEZE_NOTIFICATION, h, 0xb1);
	bt_expect_nothing(&b);
	freeze_cmd(&b, BC_CLEAR_FREEZE_NOTIFICATION, h, 0xb1);
	expect_cleared(&b, 0xb1);
	bt_write_ref(&b, BC_RELEASE, h);
	bt_sm_stop(&b, sm);
	bt_close(&b);
}
