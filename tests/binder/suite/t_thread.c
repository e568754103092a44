// SPDX-License-Identifier: GPL-2.0
/*
 * Threads: the thread pool (BR_SPAWN_LOOPER, BC_REGISTER_LOOPER, max threads), thread exit,
 * epoll, and the wake-up of readers by flush (close of any descriptor of the file).
 */
#include "suite.h"

#include <sys/epoll.h>
#include <unistd.h>

static struct bt_chan t_ready, t_go, t_go2;

/* ---- thread_pool ------------------------------------------------------------------------------ */

static struct bt pool_conn;
static uint32_t pool_handle_for_clients;

static struct bt_chan pool_go[4];

static void pool_client(void *arg)
{
	struct bt b;
	uint32_t code = (uint32_t)(uintptr_t)arg;

	bt_recv_expect(&pool_go[code - 100], 1);
	bt_open_default(&b);
	uint32_t h = bt_sm_get(&b, "tp");
	BT_EQ_BR(bt_call(&b, h, code, 0, NULL, NULL), BR_REPLY);
	bt_close(&b);
}

struct spawned {
	struct bt b;
	struct bt_chan go;
	uint32_t first_word;	/* of the read that brought the transaction */
	unsigned spawn_requests;
	uint32_t code;
	struct bt_txn t;
	int id;
};

/* Receives one transaction on a fresh (spawned) looper. */
static void receive_one(struct spawned *s)
{
	bt_recv_txn(&s->b, &s->t);
	memcpy(&s->first_word, s->b.rbuf, 4);
	s->spawn_requests = s->b.spawn_requests;
	s->code = s->t.tr.code;
}

static void *pool_thread(void *arg)
{
	struct spawned *s = arg;

	bt_clone(&s->b, &pool_conn);
	bt_write_cmd(&s->b, BC_REGISTER_LOOPER);
	receive_one(s);
	bt_send(&t_ready, s->id);
	bt_recv_expect(&s->go, s->id);
	bt_reply_free(&s->b, &s->t, NULL);
	bt_write_cmd(&s->b, BC_EXIT_LOOPER);
	BT_EQ_ERR(bt_ioctl(&s->b, BINDER_THREAD_EXIT, NULL), 0);
	return NULL;
}

/* BR_SPAWN_LOOPER: when a looper leaves a read with work, no other thread waits for process
 * work, none was requested and fewer than max_threads were started, the driver replaces the
 * read's first BR_NOOP with BR_SPAWN_LOOPER. A thread started for it registers with
 * BC_REGISTER_LOOPER. With max_threads 0 (the default) it never asks; with 2 it asks twice. */
void case_thread_pool(void)
{
	static struct spawned t0 = { .id = 0 }, t1 = { .id = 1 }, t2 = { .id = 2 };
	struct bt_thread th1, th2;
	struct bt *b = &pool_conn;
	uint32_t n;

	bt_chan_init(&t_ready);
	bt_chan_init(&t1.go);
	bt_chan_init(&t2.go);
	pid_t sm = bt_sm_start(bt_dev);
	/* The clients are forked before we open the device: a child closing an inherited
	 * descriptor of our binder file (at its exit) flushes it, which wakes our loopers, and a
	 * looper leaving a read may be asked to spawn. */
	pid_t c[4];
	for (int i = 0; i < 4; i++) {
		bt_chan_init(&pool_go[i]);
		c[i] = bt_spawn("client", pool_client, (void *)(uintptr_t)(100 + i));
	}
	bt_open_default(b);
	BT_EQ(bt_sm_add(b, "tp", 0x71000, 0, 0), 0);
	(void)pool_handle_for_clients;

	/* max_threads 0: no request. */
	bt_send(&pool_go[0], 1);
	t0.b = *b;
	bt_log_clear(&t0.b);
	receive_one(&t0);
	BT_EQ(t0.code, 100);
	BT_EQ_BR(t0.first_word, BR_NOOP);
	BT_EQ(t0.spawn_requests, 0);
	bt_reply_free(&t0.b, &t0.t, NULL);
	bt_join(c[0]);

	n = 2;
	BT_EQ_ERR(bt_ioctl(b, BINDER_SET_MAX_THREADS, &n), 0);
	bt_send(&pool_go[1], 1);
	t0.b.spawn_requests = 0;
	receive_one(&t0);
	BT_EQ(t0.code, 101);
	BT_EQ_BR(t0.first_word, BR_SPAWN_LOOPER);
	BT_EQ(t0.spawn_requests, 1);

	bt_thread_start(&th1, pool_thread, &t1);
	bt_send(&pool_go[2], 1);
	bt_recv_expect(&t_ready, 1);
	BT_EQ(t1.code, 102);
	BT_EQ_BR(t1.first_word, BR_SPAWN_LOOPER);
	BT_EQ(t1.spawn_requests, 1);

	bt_thread_start(&th2, pool_thread, &t2);
	bt_send(&pool_go[3], 1);
	bt_recv_expect(&t_ready, 2);
	BT_EQ(t2.code, 103);
	/* Two started: no more requests. */
	BT_EQ_BR(t2.first_word, BR_NOOP);
	BT_EQ(t2.spawn_requests, 0);

	bt_send(&t2.go, 2);
	bt_thread_join(&th2);
	bt_send(&t1.go, 1);
	bt_thread_join(&th1);
	bt_reply_free(&t0.b, &t0.t, NULL);
	BT_EQ(t0.b.spawn_requests, 1);
	for (int i = 1; i < 4; i++)
		bt_join(c[i]);
	bt_sm_stop(&t0.b, sm);
	bt_close(b);
}

/* ---- thread_exit ------------------------------------------------------------------------------ */

static void exit_client(void *arg)
{
	struct bt b;

	(void)arg;
	bt_open_default(&b);
	uint32_t h = bt_sm_get(&b, "te");
	bt_log_clear(&b);
	BT_EQ_BR(bt_call(&b, h, 1, 0, NULL, NULL), BR_DEAD_REPLY);
	BT_LOG_EXPECT(&b, BR_TRANSACTION_COMPLETE, BR_DEAD_REPLY);
	bt_recv_expect(&t_go, 1);	/* the server freed the first buffer */
	bt_log_clear(&b);
	BT_EQ_BR(bt_call(&b, h, 2, 0, NULL, NULL), BR_REPLY);
	BT_LOG_EXPECT(&b, BR_TRANSACTION_COMPLETE, BR_REPLY);
	bt_close(&b);
}

/* BINDER_THREAD_EXIT while a thread holds a synchronous transaction: its caller gets
 * BR_DEAD_REPLY; the buffer stays the receiver's to free; the same OS thread is a new binder
 * thread at its next ioctl and works normally. */
void case_thread_exit(void)
{
	struct bt_txn t;
	struct bt b;

	bt_chan_init(&t_go);
	pid_t sm = bt_sm_start(bt_dev);
	bt_open_default(&b);
	BT_EQ(bt_sm_add(&b, "te", 0x72000, 0, 0), 0);
	pid_t c = bt_spawn("client", exit_client, NULL);
	bt_recv_txn(&b, &t);
	BT_EQ(t.tr.code, 1);
	BT_EQ(t.tr.data.ptr.buffer, UPTR(b.map));
	BT_EQ_ERR(bt_ioctl(&b, BINDER_THREAD_EXIT, NULL), 0);
	bt_thread_enter(&b);
	/* Replying now: no transaction on this (new) thread's stack. */
	bt_log_clear(&b);
	BT_EQ_BR(bt_reply(&b, NULL, 0), BR_FAILED_REPLY);
	BT_LOG_EXPECT(&b, BR_FAILED_REPLY);
	expect_ext_error(&b, BR_FAILED_REPLY, -EPROTO);
	bt_free(&b, &t);
	bt_send(&t_go, 1);
	bt_recv_txn(&b, &t);
	BT_EQ(t.tr.code, 2);
	BT_EQ(t.tr.data.ptr.buffer, UPTR(b.map));
	bt_reply_free(&b, &t, NULL);
	bt_join(c);
	bt_sm_stop(&b, sm);
	bt_close(&b);
}

/* ---- epoll ------------------------------------------------------------------------------------ */

static void epoll_client(void *arg)
{
	struct bt b;

	(void)arg;
	bt_recv_expect(&t_go, 1);
	bt_open_default(&b);
	uint32_t h = bt_sm_get(&b, "ep");
	BT_EQ_BR(bt_oneway(&b, h, 1, 0, NULL), BR_TRANSACTION_COMPLETE);
	bt_recv_expect(&t_go, 2);
	bt_send(&t_ready, 1);	/* before blocking in the call */
	BT_EQ_BR(bt_call(&b, h, 2, 0, NULL, NULL), BR_REPLY);
	bt_close(&b);
}

static void epoll_client2(void *arg)
{
	struct bt b;

	(void)arg;
	bt_recv_expect(&t_go2, 1);
	bt_open_default(&b);
	uint32_t h = bt_sm_get(&b, "ep");
	BT_EQ_BR(bt_oneway(&b, h, 3, 0, NULL), BR_TRANSACTION_COMPLETE);
	bt_close(&b);
}

static int wait_events(int ep, int ms)
{
	struct epoll_event ev[4];
	int n = epoll_wait(ep, ev, 4, ms);

	BT_CHECK(n >= 0, "epoll_wait: %s", strerror(errno));
	for (int i = 0; i < n; i++)
		BT_EQ(ev[i].events, EPOLLIN);
	return n;
}

static struct bt ep_conn;

static void *epoll_exit_thread(void *arg)
{
	struct bt b;
	struct epoll_event ev = { .events = EPOLLIN };

	(void)arg;
	bt_clone(&b, &ep_conn);
	bt_thread_enter(&b);
	int ep = epoll_create1(EPOLL_CLOEXEC);
	BT_CHECK(epoll_ctl(ep, EPOLL_CTL_ADD, b.fd, &ev) == 0, "epoll_ctl: %s", strerror(errno));
	BT_EQ(wait_events(ep, 0), 0);
	/* The binder thread goes while epoll still waits on its queue: the driver detaches it
	 * (POLLFREE); the next epoll_wait polls a new binder thread, which has work to return to
	 * user space first (EPOLLIN). */
	BT_EQ_ERR(bt_ioctl(&b, BINDER_THREAD_EXIT, NULL), 0);
	BT_EQ(wait_events(ep, 0), 1);
	close(ep);
	BT_EQ_ERR(bt_ioctl(&b, BINDER_THREAD_EXIT, NULL), 0);
	return NULL;
}

/* epoll on the device: readable (EPOLLIN) exactly when the polling thread has work it would
 * read (its own, or process work if it has no transaction in progress), level-triggered.
 * Process work does not wake a thread that is busy with a transaction; its reply does. A
 * thread that leaves (BINDER_THREAD_EXIT) with an epoll still on its queue leaves it
 * detached, not dangling. */
void case_epoll(void)
{
	struct epoll_event ev = { .events = EPOLLIN };
	struct bt_thread th;
	struct bt_txn t, t2;
	struct bt *b = &ep_conn;

	bt_chan_init(&t_ready);
	bt_chan_init(&t_go);
	bt_chan_init(&t_go2);
	pid_t sm = bt_sm_start(bt_dev);
	/* Both clients are forked before we open the device: a child closing an inherited
	 * descriptor of our binder file (at its exit) flushes it, which makes all our threads
	 * return to user space, and so readable. */
	pid_t c = bt_spawn("client", epoll_client, NULL);
	pid_t c2 = bt_spawn("client2", epoll_client2, NULL);
	bt_open_default(b);
	BT_EQ(bt_sm_add(b, "ep", 0x73000, 0, 0), 0);
	int ep = epoll_create1(EPOLL_CLOEXEC);
	BT_CHECK(epoll_ctl(ep, EPOLL_CTL_ADD, b->fd, &ev) == 0, "epoll_ctl: %s", strerror(errno));
	BT_EQ(wait_events(ep, 50), 0);

	bt_send(&t_go, 1);
	BT_EQ(wait_events(ep, 10000), 1);
	BT_EQ(wait_events(ep, 0), 1);	/* still there until read */
	bt_recv_txn(b, &t);
	BT_EQ(t.tr.code, 1);
	bt_free(b, &t);
	BT_EQ(wait_events(ep, 50), 0);

	bt_send(&t_go, 2);
	bt_recv_expect(&t_ready, 1);
	BT_EQ(wait_events(ep, 10000), 1);
	bt_recv_txn(b, &t);
	BT_EQ(t.tr.code, 2);
	/* Busy with t: a one-way transaction for the process does not make us readable. */
	bt_send(&t_go2, 1);
	bt_join(c2);
	BT_EQ(wait_events(ep, 100), 0);
	bt_reply_free(b, &t, NULL);
	BT_EQ(wait_events(ep, 10000), 1);
	bt_recv_txn(b, &t2);
	BT_EQ(t2.tr.code, 3);
	bt_free(b, &t2);
	BT_EQ(wait_events(ep, 50), 0);
	bt_join(c);

	bt_thread_start(&th, epoll_exit_thread, NULL);
	bt_thread_join(&th);
	BT_EQ(wait_events(ep, 0), 0);
	close(ep);
	bt_sm_stop(b, sm);
	bt_close(b);
}

/* ---- flush_wakes_reader ----------------------------------------------------------------------- */

static struct bt fl_conn;

static void *blocked_reader(void *arg)
{
	uint32_t buf[32];
	struct binder_write_read bwr = { .read_size = sizeof(buf), .read_buffer = UPTR(buf) };
	struct bt b;

	(void)arg;
	bt_clone(&b, &fl_conn);
	bt_thread_enter(&b);
	bt_send(&t_ready, 1);
	BT_EQ_ERR(bt_ioctl(&b, BINDER_WRITE_READ, &bwr), 0);
	/* Woken with nothing to read: just the BR_NOOP. */
	BT_EQ(bwr.read_consumed, 4);
	BT_EQ_BR(buf[0], BR_NOOP);
	return NULL;
}

/* Closing any descriptor of the open file (flush) makes every thread blocked in a read return
 * to user space with nothing but BR_NOOP. */
void case_flush_wakes_reader(void)
{
	struct bt_thread th;

	bt_chan_init(&t_ready);
	bt_open_default(&fl_conn);
	bt_thread_start(&th, blocked_reader, NULL);
	bt_recv_expect(&t_ready, 1);
	bt_sleep_ms(50);
	close(dup(fl_conn.fd));
	bt_thread_join(&th);
	bt_expect_nothing(&fl_conn);
	bt_close(&fl_conn);
}
