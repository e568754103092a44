// SPDX-License-Identifier: GPL-2.0
/*
 * Death: notifications (request, clear, dead binder done) after kill -9, what happens to
 * transactions to and from processes and threads that went away, and what a process leaves
 * behind when it closes the device.
 */
#include "suite.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

static struct bt_chan d_ready, d_go, d_hold, d_held;

static void request_death(struct bt *b, uint32_t handle, binder_uintptr_t cookie)
{
	struct bt_cmds c;

	bt_cmds_init(&c);
	bt_put_handle_cookie(&c, BC_REQUEST_DEATH_NOTIFICATION, handle, cookie);
	bt_write(b, &c);
}

static void clear_death(struct bt *b, uint32_t handle, binder_uintptr_t cookie)
{
	struct bt_cmds c;

	bt_cmds_init(&c);
	bt_put_handle_cookie(&c, BC_CLEAR_DEATH_NOTIFICATION, handle, cookie);
	bt_write(b, &c);
}

static void dead_binder_done(struct bt *b, binder_uintptr_t cookie)
{
	struct bt_cmds c;

	bt_cmds_init(&c);
	bt_put_cookie(&c, BC_DEAD_BINDER_DONE, cookie);
	bt_write(b, &c);
}

static void expect_cookie_at(const char *file, int line, struct bt *b, uint32_t cmd, binder_uintptr_t cookie)
{
	struct bt_br br;

	bt_expect_at(file, line, b, cmd, &br);
	if (br.u.cookie != cookie)
		bt_fail_at(file, line, "%s with cookie %#llx, expected %#llx", bt_br_name(cmd),
			   (unsigned long long)br.u.cookie, (unsigned long long)cookie);
}
#define expect_cookie(b, cmd, cookie) expect_cookie_at(__FILE__, __LINE__, (b), (cmd), (cookie))

/* ---- death_notification ---------------------------------------------------------------------- */

static void second_holder(void *arg)
{
	struct bt b;

	(void)arg;
	bt_open_default(&b);
	uint32_t h = bt_sm_get(&b, "s");
	request_death(&b, h, 0xd3);
	bt_send(&d_ready, 1);
	expect_cookie(&b, BR_DEAD_BINDER, 0xd3);
	dead_binder_done(&b, 0xd3);
	bt_close(&b);
}

/* After kill -9 of a node's owner every process with a death notification on it gets
 * BR_DEAD_BINDER with its cookie (one per read: the driver ends the read after it), and
 * transactions to it fail with BR_DEAD_REPLY. Clearing after BC_DEAD_BINDER_DONE gives
 * BR_CLEAR_DEATH_NOTIFICATION_DONE at once; a request on a dead node is answered at once;
 * clearing before the done is answered after the done. */
void case_death_notification(void)
{
	struct echo_opts eo = { .name = "s" };
	struct bt_parcel p;
	struct bt_br br;
	struct bt b;

	bt_chan_init(&d_ready);
	pid_t sm = bt_sm_start(bt_dev);
	pid_t srv = echo_start(&eo);
	bt_open_default(&b);
	uint32_t h = bt_sm_get(&b, "s");
	/* A second node of the same process. */
	bt_parcel_init(&p);
	bt_parcel_put_str(&p, "s2");
	bt_parcel_put_u64(&p, 0x20000);
	bt_parcel_put_u64(&p, 0);
	bt_parcel_put_u32(&p, 0);
	BT_EQ_BR(bt_call(&b, h, ECHO_REGISTER, 0, &p, NULL), BR_REPLY);
	uint32_t h2 = bt_sm_get(&b, "s2");
	pid_t holder = bt_spawn("holder", second_holder, NULL);
	bt_recv_expect(&d_ready, 1);

	request_death(&b, h, 0xd1);
	request_death(&b, h2, 0xd2);
	bt_expect_nothing(&b);
	bt_kill9(srv);
	/* One BR_DEAD_BINDER per read, each read exactly BR_NOOP + BR_DEAD_BINDER + cookie. */
	for (int i = 0; i < 2; i++) {
		bt_expect(&b, BR_DEAD_BINDER, &br);
		BT_EQ(br.u.cookie, i == 0 ? 0xd1 : 0xd2);
		BT_EQ(b.rlen, 4 + 4 + sizeof(binder_uintptr_t));
		BT_EQ(b.rpos, b.rlen);
	}
	bt_expect_nothing(&b);
	bt_join(holder);

	bt_log_clear(&b);
	BT_EQ_BR(bt_call(&b, h, ECHO_WHO, 0, NULL, NULL), BR_DEAD_REPLY);
	BT_LOG_EXPECT(&b, BR_DEAD_REPLY);
	expect_ext_error(&b, BR_DEAD_REPLY, -EINVAL);
	bt_log_clear(&b);
	BT_EQ_BR(bt_oneway(&b, h, 1, 0, NULL), BR_DEAD_REPLY);
	BT_LOG_EXPECT(&b, BR_DEAD_REPLY);

	dead_binder_done(&b, 0xd1);
	clear_death(&b, h, 0xd1);
	expect_cookie(&b, BR_CLEAR_DEATH_NOTIFICATION_DONE, 0xd1);
	bt_expect_nothing(&b);

	/* Requested on a dead node: delivered at once. Cleared before the done: the clear is
	 * confirmed after the done. */
	request_death(&b, h, 0xd4);
	expect_cookie(&b, BR_DEAD_BINDER, 0xd4);
	clear_death(&b, h, 0xd4);
	bt_expect_nothing(&b);
	dead_binder_done(&b, 0xd4);
	expect_cookie(&b, BR_CLEAR_DEATH_NOTIFICATION_DONE, 0xd4);
	bt_expect_nothing(&b);

	/* The second node's notification, never cleared, goes with the reference. */
	dead_binder_done(&b, 0xd2);
	bt_write_ref(&b, BC_RELEASE, h2);
	bt_write_ref(&b, BC_RELEASE, h);
	bt_expect_nothing(&b);
	bt_sm_stop(&b, sm);
	bt_close(&b);
}

/* ---- death_clear_alive ------------------------------------------------------------------------ */

static struct bt death_conn;
static uint32_t death_handle;

static void *nonlooper_thread(void *arg)
{
	struct bt b;

	(void)arg;
	bt_clone(&b, &death_conn);
	/* Not a looper: the clear's confirmation is process work, not this thread's. */
	request_death(&b, death_handle, 0xe1);
	clear_death(&b, death_handle, 0xe1);
	return NULL;
}

/* Clearing a notification of a live node confirms at once (to the clearing thread if it is a
 * looper, else as process work for any looper). A second request on the same reference and a
 * clear with the wrong cookie are ignored: the first request stays, and is what fires. */
void case_death_clear_alive(void)
{
	struct echo_opts eo = { .name = "s" };
	struct bt_thread th;
	struct bt *b = &death_conn;

	pid_t sm = bt_sm_start(bt_dev);
	pid_t srv = echo_start(&eo);
	bt_open_default(b);
	uint32_t h = death_handle = bt_sm_get(b, "s");

	request_death(b, h, 0xc1);
	bt_expect_nothing(b);
	clear_death(b, h, 0xc1);
	expect_cookie(b, BR_CLEAR_DEATH_NOTIFICATION_DONE, 0xc1);
	bt_expect_nothing(b);

	/* From a thread that is not a looper: we (a looper) get the confirmation. */
	bt_thread_start(&th, nonlooper_thread, NULL);
	bt_thread_join(&th);
	expect_cookie(b, BR_CLEAR_DEATH_NOTIFICATION_DONE, 0xe1);

	request_death(b, h, 0xc2);
	request_death(b, h, 0xc3);	/* already set: ignored */
	clear_death(b, h, 0xc4);	/* wrong cookie: ignored */
	bt_expect_nothing(b);
	bt_kill9(srv);
	expect_cookie(b, BR_DEAD_BINDER, 0xc2);
	bt_expect_nothing(b);
	dead_binder_done(b, 0xc2);
	clear_death(b, h, 0xc2);
	expect_cookie(b, BR_CLEAR_DEATH_NOTIFICATION_DONE, 0xc2);
	bt_expect_nothing(b);
	bt_sm_stop(b, sm);
	bt_close(b);
}

/* ---- death_errors ----------------------------------------------------------------------------- */

/* Death commands with bad arguments are user errors the driver only logs: the write succeeds
 * and consumes them, nothing is queued. A weak reference may carry a notification. */
void case_death_errors(void)
{
	struct echo_opts eo = { .name = "s" };
	binder_size_t consumed = 0;
	struct bt_cmds c;
	struct bt b;

	pid_t sm = bt_sm_start(bt_dev);
	pid_t srv = echo_start(&eo);
	bt_open_default(&b);
	uint32_t h = bt_sm_get(&b, "s");

	bt_cmds_init(&c);
	bt_put_handle_cookie(&c, BC_REQUEST_DEATH_NOTIFICATION, 99, 1);
	bt_put_handle_cookie(&c, BC_CLEAR_DEATH_NOTIFICATION, 99, 1);
	bt_put_handle_cookie(&c, BC_CLEAR_DEATH_NOTIFICATION, h, 1);	/* none requested */
	bt_put_cookie(&c, BC_DEAD_BINDER_DONE, 0x1234);	/* none delivered */
	BT_EQ_ERR(bt_try_write(&b, c.buf, c.len, &consumed), 0);
	BT_EQ(consumed, c.len);
	bt_expect_nothing(&b);

	/* Weak only now. */
	bt_write_ref(&b, BC_INCREFS, h);
	bt_write_ref(&b, BC_RELEASE, h);
	request_death(&b, h, 0xf1);
	bt_expect_nothing(&b);
	bt_kill9(srv);
	expect_cookie(&b, BR_DEAD_BINDER, 0xf1);
	dead_binder_done(&b, 0xf1);
	dead_binder_done(&b, 0xf1);	/* twice: ignored */
	bt_write_ref(&b, BC_DECREFS, h);	/* the reference and its notification go */
	bt_expect_nothing(&b);
	bt_sm_stop(&b, sm);
	bt_close(&b);
}

/* ---- dead_reply_on_kill ----------------------------------------------------------------------- */

static uint32_t dr_handle;

static void held_caller(void *arg)
{
	struct bt b;

	(void)arg;
	bt_open_default(&b);
	uint32_t h = bt_sm_get(&b, "s");
	bt_log_clear(&b);
	BT_EQ_BR(bt_call(&b, h, ECHO_HOLD, 0, NULL, NULL), BR_DEAD_REPLY);
	BT_LOG_EXPECT(&b, BR_TRANSACTION_COMPLETE, BR_DEAD_REPLY);
	/* The failure was not ours to explain: the extended error still says BR_OK. */
	struct binder_extended_error ee = bt_ext_error(&b);
	BT_CHECK(ee.id != 0, "no transaction id");
	BT_EQ_BR(ee.command, BR_OK);
	BT_EQ(ee.param, 0);
	bt_close(&b);
}

static void queued_caller(void *arg)
{
	struct binder_transaction_data tr;
	struct bt_cmds c;
	struct bt_br br;
	struct bt b;

	(void)arg;
	bt_open_default(&b);
	uint32_t h = dr_handle = bt_sm_get(&b, "s");
	/* A synchronous call and a one-way one behind it in the same write: once both
	 * completions are in, the call is queued at the (busy) server. */
	bt_cmds_init(&c);
	bt_parcel_tr(NULL, &tr, h, ECHO_WHO, 0);
	bt_put_tr(&c, BC_TRANSACTION, &tr);
	bt_parcel_tr(NULL, &tr, h, 1, TF_ONE_WAY);
	bt_put_tr(&c, BC_TRANSACTION, &tr);
	bt_log_clear(&b);
	bt_write(&b, &c);
	BT_EQ_BR(bt_wait(&b, &br), BR_TRANSACTION_COMPLETE);
	BT_EQ_BR(bt_wait(&b, &br), BR_TRANSACTION_COMPLETE);
	bt_send(&d_ready, 2);
	BT_EQ_BR(bt_wait(&b, &br), BR_DEAD_REPLY);
	BT_LOG_EXPECT(&b, BR_TRANSACTION_COMPLETE, BR_TRANSACTION_COMPLETE, BR_DEAD_REPLY);
	bt_expect_nothing(&b);
	bt_close(&b);
}

/* kill -9 of a server: the caller whose transaction it was handling and the caller whose
 * transaction was still queued both get BR_DEAD_REPLY after their BR_TRANSACTION_COMPLETE. */
void case_dead_reply_on_kill(void)
{
	struct echo_opts eo = { .name = "s", .hold = &d_hold, .held = &d_held };
	struct bt b;

	bt_chan_init(&d_ready);
	bt_chan_init(&d_hold);
	bt_chan_init(&d_held);
	pid_t sm = bt_sm_start(bt_dev);
	pid_t srv = echo_start(&eo);
	pid_t c1 = bt_spawn("held-caller", held_caller, NULL);
	bt_recv_expect(&d_held, 1);
	pid_t c2 = bt_spawn("queued-caller", queued_caller, NULL);
	bt_recv_expect(&d_ready, 2);
	bt_kill9(srv);
	bt_join(c1);
	bt_join(c2);
	bt_open_default(&b);
	bt_sm_stop(&b, sm);
	bt_close(&b);
}

/* ---- process_exit_cleanup --------------------------------------------------------------------- */

#define M_NODE ((binder_uintptr_t)0x44000)

static void leaver(void *arg)
{
	struct bt_txn t;
	struct bt b;

	(void)arg;
	bt_open_default(&b);
	BT_EQ(bt_sm_add(&b, "p", 0x55000, 0, 0), 0);
	uint32_t hm = bt_sm_get(&b, "m");	/* a strong reference to the main process's node */
	BT_EQ(hm, 1);
	request_death(&b, hm, 0x99);
	bt_send(&d_ready, 1);
	/* A one-way transaction whose buffer we never free. */
	bt_recv_txn(&b, &t);
	BT_EQ(t.tr.code, 5);
	bt_send(&d_ready, 2);
	/* Close the device with all that (and a queued call) still there, then check that a
	 * new open is a fresh start. */
	bt_recv_expect(&d_go, 1);
	bt_close(&b);
	bt_open_default(&b);
	struct binder_node_debug_info di = { .ptr = 0 };
	BT_EQ_ERR(bt_ioctl(&b, BINDER_GET_NODE_DEBUG_INFO, &di), 0);
	BT_EQ(di.ptr, 0);
	bt_expect_nothing(&b);
	bt_close(&b);
	bt_send(&d_ready, 3);
	bt_recv_expect(&d_go, 2);
}

/* Closing the device ends a process's binder life: a call queued to it gets BR_DEAD_REPLY, the
 * holders of its node get BR_DEAD_BINDER, its references to other nodes are dropped (the
 * owner hears BR_RELEASE/BR_DECREFS once the last other holder lets go), and its buffers,
 * notifications and queued work are freed (the scenario checks the driver's object counts). */
void case_process_exit_cleanup(void)
{
	struct binder_transaction_data tr;
	struct bt_cmds c;
	struct bt_br br;
	struct bt b;

	bt_chan_init(&d_ready);
	bt_chan_init(&d_go);
	pid_t sm = bt_sm_start(bt_dev);
	bt_open_default(&b);
	BT_EQ(bt_sm_add(&b, "m", M_NODE, 0, 0), 0);
	pid_t p = bt_spawn("leaver", leaver, NULL);
	bt_recv_expect(&d_ready, 1);
	uint32_t hp = bt_sm_get(&b, "p");
	request_death(&b, hp, 0x77);
	BT_EQ_BR(bt_oneway(&b, hp, 5, 0, NULL), BR_TRANSACTION_COMPLETE);
	bt_recv_expect(&d_ready, 2);

	/* A call the leaver will not read, and a one-way one behind it. */
	bt_cmds_init(&c);
	bt_parcel_tr(NULL, &tr, hp, 6, 0);
	bt_put_tr(&c, BC_TRANSACTION, &tr);
	bt_parcel_tr(NULL, &tr, hp, 7, TF_ONE_WAY);
	bt_put_tr(&c, BC_TRANSACTION, &tr);
	bt_log_clear(&b);
	bt_write(&b, &c);
	BT_EQ_BR(bt_wait(&b, &br), BR_TRANSACTION_COMPLETE);
	BT_EQ_BR(bt_wait(&b, &br), BR_TRANSACTION_COMPLETE);
	bt_send(&d_go, 1);
	BT_EQ_BR(bt_wait(&b, &br), BR_DEAD_REPLY);
	expect_cookie(&b, BR_DEAD_BINDER, 0x77);
	BT_LOG_EXPECT(&b, BR_TRANSACTION_COMPLETE, BR_TRANSACTION_COMPLETE, BR_DEAD_REPLY, BR_DEAD_BINDER);
	dead_binder_done(&b, 0x77);
	bt_recv_expect(&d_ready, 3);
	bt_send(&d_go, 2);
	bt_join(p);

	/* Our node: only the service manager holds it now. */
	bt_expect_nothing(&b);
	bt_sm_drop(&b, "m");
	bt_expect(&b, BR_RELEASE, &br);
	BT_EQ(br.u.pc.ptr, M_NODE);
	bt_expect(&b, BR_DECREFS, &br);
	BT_EQ(br.u.pc.ptr, M_NODE);
	bt_expect_nothing(&b);
	bt_write_ref(&b, BC_RELEASE, hp);
	bt_sm_stop(&b, sm);
	bt_close(&b);
}

/* ---- reply_to_dead_thread --------------------------------------------------------------------- */

static struct bt srv_conn;
static uint32_t client_handle;

static void *death_watcher(void *arg)
{
	struct bt b;

	(void)arg;
	bt_clone(&b, &srv_conn);
	bt_thread_enter(&b);
	request_death(&b, client_handle, 0xcc);
	bt_send(&d_ready, 10);
	expect_cookie(&b, BR_DEAD_BINDER, 0xcc);
	dead_binder_done(&b, 0xcc);
	return NULL;
}

static void exiting_caller(void *arg)
{
	struct binder_transaction_data tr;
	struct bt_cmds c;
	struct bt b;

	(void)arg;
	bt_open_default(&b);
	uint32_t h = bt_sm_get(&b, "srv");
	bt_cmds_init(&c);
	bt_parcel_tr(NULL, &tr, h, 1, 0);
	bt_put_tr(&c, BC_TRANSACTION, &tr);
	bt_write(&b, &c);
	/* Leave the binder thread while the call is out. */
	BT_EQ_ERR(bt_ioctl(&b, BINDER_THREAD_EXIT, NULL), 0);
	bt_send(&d_ready, 1);
	bt_recv_expect(&d_go, 1);
	/* The reply went nowhere: this thread (a new binder thread now) has nothing. */
	bt_thread_enter(&b);
	bt_expect_nothing(&b);
	bt_close(&b);
}

static void killed_caller(void *arg)
{
	struct bt b;

	(void)arg;
	bt_open_default(&b);
	BT_EQ(bt_sm_add(&b, "client", 0x66000, 0, 0), 0);
	uint32_t h = bt_sm_get(&b, "srv");
	bt_send(&d_ready, 2);
	bt_call(&b, h, 2, 0, NULL, NULL);
	bt_fail("the call returned");
}

/* A reply to a caller whose thread left (BINDER_THREAD_EXIT) or whose process was killed goes
 * nowhere: the replying thread just gets BR_TRANSACTION_COMPLETE. */
void case_reply_to_dead_thread(void)
{
	struct bt_thread th;
	struct bt_txn t;
	struct bt *b = &srv_conn;

	bt_chan_init(&d_ready);
	bt_chan_init(&d_go);
	pid_t sm = bt_sm_start(bt_dev);
	bt_open_default(b);
	BT_EQ(bt_sm_add(b, "srv", 0x67000, 0, 0), 0);

	pid_t c = bt_spawn("exiting-caller", exiting_caller, NULL);
	bt_recv_expect(&d_ready, 1);
	bt_recv_txn(b, &t);
	BT_EQ(t.tr.code, 1);
	BT_EQ(t.tr.sender_pid, 0);	/* the sending thread is gone */
	bt_log_clear(b);
	bt_reply_free(b, &t, NULL);
	BT_LOG_EXPECT(b, BR_TRANSACTION_COMPLETE);
	bt_expect_nothing(b);
	bt_send(&d_go, 1);
	bt_join(c);

	pid_t k = bt_spawn("killed-caller", killed_caller, NULL);
	bt_recv_expect(&d_ready, 2);
	bt_recv_txn(b, &t);
	BT_EQ(t.tr.code, 2);
	BT_EQ(t.tr.sender_pid, k);
	client_handle = bt_sm_get(b, "client");
	bt_thread_start(&th, death_watcher, NULL);
	bt_recv_expect(&d_ready, 10);
	bt_kill9(k);
	/* The watcher's BR_DEAD_BINDER means the caller's threads were released. */
	bt_thread_join(&th);
	bt_log_clear(b);
	bt_reply_free(b, &t, NULL);
	BT_LOG_EXPECT(b, BR_TRANSACTION_COMPLETE);
	bt_expect_nothing(b);
	bt_write_ref(b, BC_RELEASE, client_handle);
	bt_sm_stop(b, sm);
	bt_close(b);
}
