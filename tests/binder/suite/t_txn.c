// SPDX-License-Identifier: GPL-2.0
/*
 * Transactions: synchronous, one-way, nested; what the receiver learns about the sender;
 * priorities; security contexts; TF_CLEAR_BUF; TF_UPDATE_TXN.
 */
#define _GNU_SOURCE
#include "suite.h"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/mount.h>
#include <unistd.h>

static struct bt_chan s_ready, s_go, s_done;

/* ---- sync_transaction ------------------------------------------------------------------------ */

static void sync_server(void *arg)
{
	pid_t client;
	struct bt_parcel r;
	struct bt_txn t;
	struct bt b;

	(void)arg;
	bt_open_default(&b);
	BT_EQ(bt_sm_add(&b, "sync", 0x2000, 0x2001, 0), 0);
	bt_send(&s_ready, 1);
	client = (pid_t)bt_recv(&s_go);

	for (int round = 0; round < 2; round++) {
		bt_log_clear(&b);
		bt_recv_txn(&b, &t);
		BT_LOG_EXPECT(&b, BR_TRANSACTION);
		BT_EQ_BR(t.cmd, BR_TRANSACTION);
		BT_EQ(t.tr.target.ptr, 0x2000);
		BT_EQ(t.tr.cookie, 0x2001);
		BT_EQ(t.tr.code, 0xfffffff0u + round);
		BT_EQ(t.tr.flags, TF_ACCEPT_FDS);
		BT_EQ(t.tr.sender_pid, client);
		BT_EQ(t.tr.sender_euid, 0);
		BT_EQ(t.tr.data_size, 12);
		BT_EQ(t.tr.offsets_size, 0);
		/* Our first buffer: the start of our mapping (the reply of the registration was
		 * there and has been freed), and the offsets after the pointer-aligned data. */
		BT_EQ(t.tr.data.ptr.buffer, UPTR(b.map));
		BT_EQ(t.tr.data.ptr.offsets, UPTR(b.map) + 16);
		BT_CHECK(!memcmp(bt_txn_data(&t), "hello, world", 12), "data differs");

		bt_parcel_init(&r);
		bt_parcel_put(&r, "reply", 5);
		r.len = 5;
		bt_log_clear(&b);
		struct bt_cmds c;
		struct binder_transaction_data tr;
		bt_cmds_init(&c);
		bt_put_free(&c, t.tr.data.ptr.buffer);
		bt_parcel_tr(&r, &tr, 0, 77, TF_STATUS_CODE);
		bt_put_tr(&c, BC_REPLY, &tr);
		bt_write(&b, &c);
		struct bt_br br;
		bt_expect(&b, BR_TRANSACTION_COMPLETE, &br);
		BT_LOG_EXPECT(&b, BR_TRANSACTION_COMPLETE);
	}
	bt_expect_nothing(&b);
	bt_recv(&s_done);
	bt_close(&b);
}

/* A synchronous round trip, exactly: the caller reads BR_TRANSACTION_COMPLETE then BR_REPLY
 * (the completion is held back until the reply), the callee BR_TRANSACTION and, after BC_REPLY,
 * BR_TRANSACTION_COMPLETE. The callee sees the node's ptr and cookie, the code and flags as
 * sent, the caller's pid and euid, the data at the start of its buffer space; the caller sees
 * the reply's code and flags as sent, no target, sender pid 0. Freed buffers are reused. */
void case_sync_transaction(void)
{
	struct bt_parcel p;
	struct bt_txn r;
	struct bt b;

	bt_chan_init(&s_ready);
	bt_chan_init(&s_go);
	bt_chan_init(&s_done);
	pid_t sm = bt_sm_start(bt_dev);
	pid_t srv = bt_spawn("server", sync_server, NULL);
	bt_recv_expect(&s_ready, 1);
	bt_open_default(&b);
	uint32_t h = bt_sm_get(&b, "sync");
	BT_EQ(h, 1);
	bt_send(&s_go, (uint64_t)getpid());

	for (int round = 0; round < 2; round++) {
		bt_parcel_init(&p);
		bt_parcel_put(&p, "hello, world", 12);
		bt_log_clear(&b);
		BT_EQ_BR(bt_call(&b, h, 0xfffffff0u + round, TF_ACCEPT_FDS, &p, &r), BR_REPLY);
		BT_LOG_EXPECT(&b, BR_TRANSACTION_COMPLETE, BR_REPLY);
		BT_EQ(r.tr.target.ptr, 0);
		BT_EQ(r.tr.cookie, 0);
		BT_EQ(r.tr.code, 77);
		BT_EQ(r.tr.flags, TF_STATUS_CODE);
		BT_EQ(r.tr.sender_pid, 0);
		BT_EQ(r.tr.sender_euid, 0);
		BT_EQ(r.tr.data_size, 5);
		BT_EQ(r.tr.offsets_size, 0);
		BT_EQ(r.tr.data.ptr.buffer, UPTR(b.map));
		BT_EQ(r.tr.data.ptr.offsets, UPTR(b.map) + 8);
		BT_CHECK(!memcmp(bt_txn_data(&r), "reply", 5), "reply data differs");
		bt_free(&b, &r);
		bt_expect_nothing(&b);
	}
	bt_send(&s_done, 1);
	bt_join(srv);
	bt_sm_stop(&b, sm);
	bt_close(&b);
}

/* ---- transaction_data_sizes ------------------------------------------------------------------- */

/* Data of many sizes, from empty to 64 KiB + 3, goes both ways byte for byte. */
void case_transaction_data_sizes(void)
{
	static const size_t sizes[] = { 0, 1, 3, 4, 7, 8, 9, 100, 4095, 4096, 4097, 12345, 65536, 65539 };
	struct echo_opts eo = { .name = "echo" };
	struct bt b;

	pid_t sm = bt_sm_start(bt_dev);
	pid_t echo = echo_start(&eo);
	bt_open_default(&b);
	uint32_t h = bt_sm_get(&b, "echo");
	uint8_t *buf = malloc(65539);
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		size_t n = sizes[i];
		struct bt_parcel p;
		struct bt_txn r;

		for (size_t k = 0; k < n; k++)
			buf[k] = (uint8_t)(k * 7 + n);
		bt_parcel_init_ext(&p, buf, n);
		BT_EQ_BR(bt_call(&b, h, ECHO_ECHO, 0, &p, &r), BR_REPLY);
		BT_EQ(r.tr.data_size, n);
		BT_CHECK(!memcmp(bt_txn_data(&r), buf, n), "echo of %zu bytes differs", n);
		BT_EQ(r.tr.data.ptr.offsets, r.tr.data.ptr.buffer + ALIGN8(n));
		bt_free(&b, &r);
	}
	free(buf);
	echo_quit(&b, h, echo);
	bt_sm_stop(&b, sm);
	bt_close(&b);
}

/* ---- oneway ----------------------------------------------------------------------------------- */

static void oneway_server(void *arg)
{
	struct bt_txn t;
	struct bt b;

	(void)arg;
	bt_open_default(&b);
	BT_EQ(bt_sm_add(&b, "ow", 0x3000, 0x3001, 0), 0);
	bt_send(&s_ready, 1);
	bt_recv(&s_go);	/* the client has sent */
	bt_log_clear(&b);
	bt_recv_txn(&b, &t);
	BT_LOG_EXPECT(&b, BR_TRANSACTION);
	BT_EQ(t.tr.flags, TF_ONE_WAY | TF_ACCEPT_FDS);
	BT_EQ(t.tr.code, 5);
	BT_EQ(t.tr.target.ptr, 0x3000);
	BT_EQ(t.tr.cookie, 0x3001);
	/* One-way: no sending thread to name, so sender_pid is 0; the euid is there. */
	BT_EQ(t.tr.sender_pid, 0);
	BT_EQ(t.tr.sender_euid, 1234);
	BT_EQ(t.tr.data_size, 4);
	BT_EQ(*(const uint32_t *)bt_txn_data(&t), 0xfeedf00d);
	bt_free(&b, &t);
	bt_expect_nothing(&b);
	bt_send(&s_done, 1);
	bt_close(&b);
}

/* One-way transactions complete at once (BR_TRANSACTION_COMPLETE before the receiver reads)
 * and reach the receiver flagged TF_ONE_WAY with sender_pid 0. */
void case_oneway(void)
{
	struct bt_parcel p;
	struct bt b;

	bt_chan_init(&s_ready);
	bt_chan_init(&s_go);
	bt_chan_init(&s_done);
	pid_t sm = bt_sm_start(bt_dev);
	pid_t srv = bt_spawn("server", oneway_server, NULL);
	bt_recv_expect(&s_ready, 1);
	bt_open_default(&b);
	uint32_t h = bt_sm_get(&b, "ow");
	BT_EQ(seteuid(1234), 0);
	bt_parcel_init(&p);
	bt_parcel_put_u32(&p, 0xfeedf00d);
	bt_log_clear(&b);
	BT_EQ_BR(bt_oneway(&b, h, 5, TF_ACCEPT_FDS, &p), BR_TRANSACTION_COMPLETE);
	BT_LOG_EXPECT(&b, BR_TRANSACTION_COMPLETE);
	bt_expect_nothing(&b);
	BT_EQ(seteuid(0), 0);
	bt_send(&s_go, 1);
	bt_recv_expect(&s_done, 1);
	bt_join(srv);
	bt_sm_stop(&b, sm);
	bt_close(&b);
}

/* ---- oneway_queue ----------------------------------------------------------------------------- */

static void expect_txn(struct bt *b, struct bt_txn *t, binder_uintptr_t ptr, uint32_t code)
{
	bt_recv_txn(b, t);
	if (t->tr.target.ptr != ptr || t->tr.code != code)
		bt_fail("got transaction %#llx:%u, expected %#llx:%u", (unsigned long long)t->tr.target.ptr,
			t->tr.code, (unsigned long long)ptr, code);
}

static void queue_server(void *arg)
{
	struct bt_txn a1, b10, a2, a3, s;
	struct bt b;

	(void)arg;
	bt_open_default(&b);
	BT_EQ(bt_sm_add(&b, "a", 0x3000, 0, 0), 0);
	BT_EQ(bt_sm_add(&b, "b", 0x4000, 0, 0), 0);
	bt_send(&s_ready, 1);
	bt_recv(&s_go);
	/* a:1 and b:10 are process work; a:2 and a:3 wait in node a's async queue. */
	expect_txn(&b, &a1, 0x3000, 1);
	expect_txn(&b, &b10, 0x4000, 10);
	bt_expect_nothing(&b);
	/* Freeing a:1's buffer releases the next of a's queue. */
	bt_free(&b, &a1);
	expect_txn(&b, &a2, 0x3000, 2);
	bt_expect_nothing(&b);
	bt_free(&b, &b10);
	bt_expect_nothing(&b);
	bt_send(&s_done, 1);
	/* A synchronous transaction to a is not queued behind a's one-way work. */
	expect_txn(&b, &s, 0x3000, 20);
	bt_reply_free(&b, &s, NULL);
	bt_free(&b, &a2);
	expect_txn(&b, &a3, 0x3000, 3);
	bt_free(&b, &a3);
	bt_expect_nothing(&b);
	bt_send(&s_done, 2);
	bt_close(&b);
}

/* One-way transactions to one node are delivered one at a time, in order: the next waits in
 * the node's async queue until the buffer of the previous one is freed. Other nodes and
 * synchronous transactions are not held up by it. */
void case_oneway_queue(void)
{
	struct bt b;

	bt_chan_init(&s_ready);
	bt_chan_init(&s_go);
	bt_chan_init(&s_done);
	pid_t sm = bt_sm_start(bt_dev);
	pid_t srv = bt_spawn("server", queue_server, NULL);
	bt_recv_expect(&s_ready, 1);
	bt_open_default(&b);
	uint32_t ha = bt_sm_get(&b, "a"), hb = bt_sm_get(&b, "b");
	BT_EQ(ha, 1);
	BT_EQ(hb, 2);
	BT_EQ_BR(bt_oneway(&b, ha, 1, 0, NULL), BR_TRANSACTION_COMPLETE);
	BT_EQ_BR(bt_oneway(&b, ha, 2, 0, NULL), BR_TRANSACTION_COMPLETE);
	BT_EQ_BR(bt_oneway(&b, ha, 3, 0, NULL), BR_TRANSACTION_COMPLETE);
	BT_EQ_BR(bt_oneway(&b, hb, 10, 0, NULL), BR_TRANSACTION_COMPLETE);
	bt_send(&s_go, 1);
	bt_recv_expect(&s_done, 1);
	BT_EQ_BR(bt_call(&b, ha, 20, 0, NULL, NULL), BR_REPLY);
	bt_recv_expect(&s_done, 2);
	bt_join(srv);
	bt_sm_stop(&b, sm);
	bt_close(&b);
}

/* ---- nested_transaction ----------------------------------------------------------------------- */

#define A_NODE ((binder_uintptr_t)0x6000)

struct nest_ctx {
	pid_t peer;
	pid_t tid;	/* the thread that must receive nested calls */
	uint32_t peer_handle;	/* B's handle to A's node, or A's to B's */
	int depth;
};

static void b_nested(struct bt *b, struct bt_txn *t, void *arg)
{
	struct nest_ctx *nc = arg;

	/* A's call at depth 3, routed to this thread (waiting for A's reply to depth 2). */
	BT_EQ(bt_gettid(), nc->tid);
	BT_EQ(t->tr.code, 3);
	BT_EQ(t->tr.sender_pid, nc->peer);
	bt_reply_free(b, t, NULL);
}

static void nest_b(void *arg)
{
	struct nest_ctx nc = { .tid = bt_gettid() };
	struct bt_txn t, r;
	struct bt b;

	(void)arg;
	bt_open_default(&b);
	BT_EQ(bt_sm_add(&b, "b", 0x7000, 0, 0), 0);
	bt_send(&s_ready, 1);
	nc.peer = (pid_t)bt_recv(&s_go);
	bt_recv_txn(&b, &t);
	BT_EQ(t.tr.code, 1);
	const struct flat_binder_object *o = bt_txn_fbo(&t, 0);
	BT_EQ(o->hdr.type, BINDER_TYPE_HANDLE);
	uint32_t ha = o->handle;

	/* Call A back while A waits for our reply: it arrives at A's waiting thread. */
	b.nested = b_nested;
	b.nested_ctx = &nc;
	bt_log_clear(&b);
	BT_EQ_BR(bt_call(&b, ha, 2, 0, NULL, &r), BR_REPLY);
	BT_LOG_EXPECT(&b, BR_TRANSACTION_COMPLETE, BR_TRANSACTION, BR_TRANSACTION_COMPLETE, BR_REPLY);
	bt_free(&b, &r);
	/* Process work for A while its calling thread is busy: its other looper takes it. */
	BT_EQ_BR(bt_oneway(&b, ha, 99, 0, NULL), BR_TRANSACTION_COMPLETE);
	bt_reply_free(&b, &t, NULL);
	bt_recv(&s_done);
	bt_close(&b);
}

static void a_nested(struct bt *b, struct bt_txn *t, void *arg)
{
	struct nest_ctx *nc = arg;
	struct bt_txn r;

	BT_EQ(bt_gettid(), nc->tid);
	BT_EQ(t->tr.code, 2);
	BT_EQ(t->tr.target.ptr, A_NODE);
	BT_EQ(t->tr.sender_pid, nc->peer);
	/* Depth 3: back to B, to its thread that is waiting for this reply. */
	BT_EQ_BR(bt_call(b, nc->peer_handle, 3, 0, NULL, &r), BR_REPLY);
	bt_free(b, &r);
	bt_reply_free(b, t, NULL);
}

static struct bt a_main_conn;

static void *a_other_looper(void *arg)
{
	struct bt b;
	struct bt_txn t;

	(void)arg;
	bt_clone(&b, &a_main_conn);
	bt_thread_enter(&b);
	bt_send(&s_done, 100);
	/* The only transaction this thread may get is the one-way stop message. */
	bt_recv_txn(&b, &t);
	BT_EQ(t.tr.code, 99);
	BT_EQ(t.tr.flags, TF_ONE_WAY);
	bt_free(&b, &t);
	return NULL;
}

/* Nested transactions go to the thread that waits in the transaction stack: A calls B, B calls
 * A (delivered to A's calling thread, not to A's idle looper), A calls B again (to B's waiting
 * thread), and the replies unwind in order. One-way work meanwhile goes to the idle looper. */
void case_nested_transaction(void)
{
	struct nest_ctx nc = { .tid = bt_gettid() };
	struct bt_parcel p;
	struct bt_txn r;
	struct bt_thread th;

	bt_chan_init(&s_ready);
	bt_chan_init(&s_go);
	bt_chan_init(&s_done);
	pid_t sm = bt_sm_start(bt_dev);
	pid_t b_pid = bt_spawn("B", nest_b, NULL);
	bt_recv_expect(&s_ready, 1);
	struct bt *a = &a_main_conn;
	bt_open_default(a);
	nc.peer = b_pid;
	nc.peer_handle = bt_sm_get(a, "b");
	bt_thread_start(&th, a_other_looper, NULL);
	bt_recv_expect(&s_done, 100);
	bt_send(&s_go, (uint64_t)getpid());

	a->nested = a_nested;
	a->nested_ctx = &nc;
	bt_parcel_init(&p);
	bt_parcel_put_binder(&p, A_NODE, 0x6001, 0);
	bt_log_clear(a);
	BT_EQ_BR(bt_call(a, nc.peer_handle, 1, 0, &p, &r), BR_REPLY);
	/* Our node's first references, the call's completion, B's nested call, the completion of
	 * our reply to it (our depth-3 call's own returns are in between), then B's reply. */
	BT_LOG_EXPECT(a, BR_INCREFS, BR_ACQUIRE, BR_TRANSACTION_COMPLETE, BR_TRANSACTION,
		      BR_TRANSACTION_COMPLETE, BR_REPLY, BR_TRANSACTION_COMPLETE, BR_REPLY);
	bt_free(a, &r);
	bt_thread_join(&th);
	bt_send(&s_done, 1);
	bt_join(b_pid);
	bt_sm_stop(a, sm);
	bt_close(a);
}

/* ---- sender_identity -------------------------------------------------------------------------- */

static struct bt sid_conn;
static uint32_t sid_handle;

static void *sid_thread(void *arg)
{
	struct bt b;
	struct echo_who *w = arg;

	bt_clone(&b, &sid_conn);
	bt_thread_enter(&b);
	*w = echo_who(&b, sid_handle, 0);
	return NULL;
}

/* The receiver sees the sending process's pid (its thread group id, also when a secondary
 * thread sends) and the process's euid; the handling thread is the receiver's looper. */
void case_sender_identity(void)
{
	struct echo_opts eo = { .name = "echo" };
	struct echo_who w;
	struct bt_thread th;

	pid_t sm = bt_sm_start(bt_dev);
	pid_t echo = echo_start(&eo);
	bt_open_default(&sid_conn);
	sid_handle = bt_sm_get(&sid_conn, "echo");

	w = echo_who(&sid_conn, sid_handle, 0);
	BT_EQ(w.sender_pid, getpid());
	BT_EQ(w.sender_euid, 0);
	BT_EQ(w.tid, echo);
	BT_EQ(w.target_ptr, ECHO_PTR);
	BT_EQ(w.cookie, ECHO_COOKIE);
	BT_EQ(w.code, ECHO_WHO);

	bt_thread_start(&th, sid_thread, &w);
	bt_thread_join(&th);
	BT_EQ(w.sender_pid, getpid());

	BT_EQ(seteuid(4242), 0);
	w = echo_who(&sid_conn, sid_handle, 0);
	BT_EQ(w.sender_euid, 4242);
	BT_EQ_BR(bt_oneway(&sid_conn, sid_handle, 1, 0, NULL), BR_TRANSACTION_COMPLETE);
	BT_EQ(seteuid(0), 0);
	w = echo_last_oneway(&sid_conn, sid_handle);
	BT_EQ(w.sender_pid, 0);
	BT_EQ(w.sender_euid, 4242);
	BT_EQ(w.flags, TF_ONE_WAY);
	echo_quit(&sid_conn, sid_handle, echo);
	bt_sm_stop(&sid_conn, sm);
	bt_close(&sid_conn);
}

/* ---- priority --------------------------------------------------------------------------------- */

/* Nice values as the 6.12 driver handles them (no real-time inheritance): a synchronous
 * transaction runs at the caller's nice if that is below the node's min_priority (the low
 * byte of its flags), else at min_priority; a one-way one at min_priority if the thread's
 * current nice is above it, else unchanged. Waiting for process work resets a thread to the
 * nice its process had when it opened the device. */
void case_priority(void)
{
	struct echo_opts eo = { .name = "prio", .node_flags = 10, .nice = 12 };
	struct echo_who w;
	struct bt b;

	pid_t sm = bt_sm_start(bt_dev);
	pid_t echo = echo_start(&eo);
	bt_open_default(&b);
	uint32_t h = bt_sm_get(&b, "prio");

	set_nice(15);
	BT_EQ(echo_who(&b, h, 0).nice, 10);
	set_nice(3);
	BT_EQ(echo_who(&b, h, 0).nice, 3);
	set_nice(-5);
	BT_EQ(echo_who(&b, h, 0).nice, -5);
	set_nice(10);
	BT_EQ(echo_who(&b, h, 0).nice, 10);
	/* One-way: the server waited at its default nice 12 > 10, so 10, whatever ours. */
	set_nice(0);
	BT_EQ_BR(bt_oneway(&b, h, 1, 0, NULL), BR_TRANSACTION_COMPLETE);
	w = echo_last_oneway(&b, h);
	BT_EQ(w.nice, 10);
	set_nice(19);
	BT_EQ_BR(bt_oneway(&b, h, 1, 0, NULL), BR_TRANSACTION_COMPLETE);
	w = echo_last_oneway(&b, h);
	BT_EQ(w.nice, 10);
	set_nice(0);
	echo_quit(&b, h, echo);

	/* A server whose default nice is below the node's minimum keeps it for one-way work. */
	struct echo_opts eo2 = { .name = "prio2", .node_flags = 10, .nice = 5 };
	echo = echo_start(&eo2);
	h = bt_sm_get(&b, "prio2");
	set_nice(15);
	BT_EQ_BR(bt_oneway(&b, h, 1, 0, NULL), BR_TRANSACTION_COMPLETE);
	set_nice(0);
	BT_EQ(echo_last_oneway(&b, h).nice, 5);
	echo_quit(&b, h, echo);
	bt_sm_stop(&b, sm);
	bt_close(&b);
}

/* ---- security_context ------------------------------------------------------------------------- */

static void secctx_server(void *arg)
{
	struct bt_txn t;
	struct bt b;
	const char *expect = arg;

	bt_open_default(&b);
	BT_EQ(bt_sm_add(&b, "sec", 0x8000, 0, FLAT_BINDER_FLAG_TXN_SECURITY_CTX), 0);
	bt_send(&s_ready, 1);
	bt_recv_txn(&b, &t);
	BT_EQ_BR(t.cmd, BR_TRANSACTION_SEC_CTX);
	BT_EQ(t.tr.data_size, 4);
	/* The context is a string at the end of the buffer, after data and offsets. */
	BT_EQ(t.secctx, t.tr.data.ptr.buffer + 8);
	const char *ctx = VPTR(t.secctx);
	size_t n = strlen(expect);
	BT_CHECK(!strncmp(ctx, expect, n), "security context '%.*s', expected '%s'", (int)n, ctx, expect);
	bt_reply_free(&b, &t, NULL);
	bt_recv(&s_done);
	bt_close(&b);
}

/* The active LSMs, from securityfs (mounted here if it is not yet); "" if the kernel has no
 * securityfs. */
static void read_lsms(char *buf, size_t size)
{
	int fd = open("/sys/kernel/security/lsm", O_RDONLY);

	if (fd < 0) {
		mount("securityfs", "/sys/kernel/security", "securityfs", 0, NULL);
		fd = open("/sys/kernel/security/lsm", O_RDONLY);
	}
	buf[0] = 0;
	if (fd < 0 && errno == ENOENT)
		return;
	BT_CHECK(fd >= 0, "cannot read /sys/kernel/security/lsm: %s", strerror(errno));
	ssize_t n = read(fd, buf, size - 1);
	close(fd);
	BT_CHECK(n >= 0, "read lsm");
	while (n > 0 && buf[n - 1] == '\n')
		n--;
	buf[n] = 0;
}

static int has_lsm(const char *list, const char *name)
{
	size_t n = strlen(name);

	for (const char *p = list; (p = strstr(p, name)); p += n)
		if ((p == list || p[-1] == ',') && (p[n] == ',' || p[n] == 0 || p[n] == '\n'))
			return 1;
	return 0;
}

/* A node flagged FLAT_BINDER_FLAG_TXN_SECURITY_CTX gets BR_TRANSACTION_SEC_CTX with the
 * sender's LSM context after the data: security_cred_getsecid() of the sender's credentials,
 * then security_secid_to_secctx(). What that gives depends on the LSMs: SELinux and Smack
 * have both hooks (the context is /proc/self/attr/current); AppArmor 6.12 has no
 * cred_getsecid hook, so the secid is 0, which it has no label for (EINVAL); without any of
 * them the hook's default is EOPNOTSUPP. A failure is BR_FAILED_REPLY with that errno. */
void case_security_context(void)
{
	static char attr[256];
	char lsms[256];
	struct bt_parcel p;
	struct bt b;
	int fd = open("/proc/self/attr/current", O_RDONLY);
	ssize_t n = fd >= 0 ? read(fd, attr, sizeof(attr) - 1) : -1;

	if (fd >= 0)
		close(fd);
	while (n > 0 && (attr[n - 1] == '\n' || attr[n - 1] == 0))
		n--;
	attr[n > 0 ? n : 0] = 0;
	read_lsms(lsms, sizeof(lsms));
	/* No securityfs (CONFIG_SECURITYFS off): then no LSM that has process attributes may be
	 * active either, or we would not know what to expect. */
	BT_CHECK(lsms[0] || n < 0, "no LSM list, but /proc/self/attr/current says %s", attr);
	int expect_ctx = has_lsm(lsms, "selinux") || has_lsm(lsms, "smack");
	int expect_err = expect_ctx ? 0 : has_lsm(lsms, "apparmor") ? -EINVAL : -EOPNOTSUPP;
	bt_note("LSMs %s; expected: %s %s", lsms[0] ? lsms : "(no securityfs)", expect_ctx ? "context" : "failure",
		expect_ctx ? attr : bt_errname(expect_err));
	BT_CHECK(!expect_ctx || n > 0, "no /proc/self/attr/current to compare with");

	bt_chan_init(&s_ready);
	bt_chan_init(&s_done);
	pid_t sm = bt_sm_start(bt_dev);
	pid_t srv;
	if (expect_ctx) {
		srv = bt_spawn("server", secctx_server, attr);
		bt_recv_expect(&s_ready, 1);
	} else {
		/* Only its registration: every transaction to the node fails. */
		struct echo_opts eo = { .name = "sec", .node_flags = FLAT_BINDER_FLAG_TXN_SECURITY_CTX };
		srv = echo_start(&eo);
	}
	bt_open_default(&b);
	uint32_t h = bt_sm_get(&b, "sec");
	bt_parcel_init(&p);
	bt_parcel_put_u32(&p, 1);
	if (expect_ctx) {
		BT_EQ_BR(bt_call(&b, h, 1, 0, &p, NULL), BR_REPLY);
		bt_send(&s_done, 1);
		bt_join(srv);
	} else {
		bt_log_clear(&b);
		BT_EQ_BR(bt_call(&b, h, 1, 0, &p, NULL), BR_FAILED_REPLY);
		BT_LOG_EXPECT(&b, BR_FAILED_REPLY);
		expect_ext_error(&b, BR_FAILED_REPLY, expect_err);
		bt_log_clear(&b);
		BT_EQ_BR(bt_oneway(&b, h, 1, 0, &p), BR_FAILED_REPLY);
		BT_LOG_EXPECT(&b, BR_FAILED_REPLY);
		expect_ext_error(&b, BR_FAILED_REPLY, expect_err);
		bt_kill9(srv);
	}
	bt_sm_stop(&b, sm);
	bt_close(&b);
}

/* ---- clear_buf -------------------------------------------------------------------------------- */

static void clearbuf_server(void *arg)
{
	struct bt_txn t;
	struct bt b;

	(void)arg;
	bt_open_default(&b);
	BT_EQ(bt_sm_add(&b, "cb", 0x9000, 0, 0), 0);
	bt_send(&s_ready, 1);
	for (int round = 0; round < 2; round++) {
		uint8_t fill = round == 0 ? 0xaa : 0xbb;

		bt_recv_txn(&b, &t);
		BT_EQ(t.tr.flags, round == 0 ? TF_CLEAR_BUF : 0);
		BT_EQ(t.tr.data.ptr.buffer, UPTR(b.map));
		BT_EQ(t.tr.data_size, 64);
		BT_EQ(bt_txn_data(&t)[63], fill);
		bt_reply_free(&b, &t, NULL);
		/* An 8-byte transaction into the same place: the rest of the old 64 bytes is
		 * zero if the first buffer was cleared when freed, else still the old data. */
		bt_recv_txn(&b, &t);
		BT_EQ(t.tr.data.ptr.buffer, UPTR(b.map));
		BT_EQ(t.tr.data_size, 8);
		const uint8_t *m = b.map;
		for (int i = 8; i < 64; i++)
			if (m[i] != (round == 0 ? 0 : fill))
				bt_fail("byte %d of the freed buffer is 0x%02x (round %d)", i, m[i], round);
		bt_reply_free(&b, &t, NULL);
	}
	bt_recv(&s_done);
	bt_close(&b);
}

/* TF_CLEAR_BUF: the driver zeroes the buffer when it is freed (and passes the flag on). */
void case_clear_buf(void)
{
	uint8_t data[64];
	struct bt_parcel p;
	struct bt b;

	bt_chan_init(&s_ready);
	bt_chan_init(&s_done);
	pid_t sm = bt_sm_start(bt_dev);
	pid_t srv = bt_spawn("server", clearbuf_server, NULL);
	bt_recv_expect(&s_ready, 1);
	bt_open_default(&b);
	uint32_t h = bt_sm_get(&b, "cb");
	for (int round = 0; round < 2; round++) {
		memset(data, round == 0 ? 0xaa : 0xbb, sizeof(data));
		bt_parcel_init_ext(&p, data, 64);
		BT_EQ_BR(bt_call(&b, h, 1, round == 0 ? TF_CLEAR_BUF : 0, &p, NULL), BR_REPLY);
		memset(data, 0x11, 8);
		bt_parcel_init_ext(&p, data, 8);
		BT_EQ_BR(bt_call(&b, h, 2, 0, &p, NULL), BR_REPLY);
	}
	bt_send(&s_done, 1);
	bt_join(srv);
	bt_sm_stop(&b, sm);
	bt_close(&b);
}

/* ---- update_txn ------------------------------------------------------------------------------- */

static void update_server(void *arg)
{
	static const char expect[] = { '1', '3', '4', '5' };
	struct bt_txn t;
	struct bt b;

	(void)arg;
	bt_open_default(&b);
	BT_EQ(bt_sm_add(&b, "upd", 0xa000, 0, 0), 0);
	bt_send(&s_ready, 1);
	bt_recv(&s_go);	/* unfrozen now */
	for (size_t i = 0; i < sizeof(expect); i++) {
		bt_recv_txn(&b, &t);
		BT_EQ(t.tr.data_size, 1);
		if (bt_txn_data(&t)[0] != expect[i])
			bt_fail("one-way #%zu carries '%c', expected '%c'", i, bt_txn_data(&t)[0], expect[i]);
		bt_free(&b, &t);
	}
	bt_expect_nothing(&b);
	bt_send(&s_done, 1);
	bt_close(&b);
}

/* TF_UPDATE_TXN: a one-way transaction to a frozen process replaces a still queued one of the
 * same sender, node, code and flags in the node's async queue (the first one, already
 * process work, stays). Different code or flags: both are delivered. */
void case_update_txn(void)
{
	struct bt_parcel p;
	struct bt b;

	bt_chan_init(&s_ready);
	bt_chan_init(&s_go);
	bt_chan_init(&s_done);
	pid_t sm = bt_sm_start(bt_dev);
	pid_t srv = bt_spawn("server", update_server, NULL);
	bt_recv_expect(&s_ready, 1);
	bt_open_default(&b);
	uint32_t h = bt_sm_get(&b, "upd");

	struct binder_freeze_info fi = { .pid = srv, .enable = 1, .timeout_ms = 0 };
	BT_EQ_ERR(bt_ioctl(&b, BINDER_FREEZE, &fi), 0);
	static const struct {
		char data;
		uint32_t code, flags;
	} sends[] = {
		{ '1', 5, TF_UPDATE_TXN }, { '2', 5, TF_UPDATE_TXN }, { '3', 5, TF_UPDATE_TXN },
		{ '4', 6, TF_UPDATE_TXN }, { '5', 5, 0 },
	};
	for (size_t i = 0; i < sizeof(sends) / sizeof(sends[0]); i++) {
		bt_parcel_init(&p);
		bt_parcel_put(&p, &sends[i].data, 1);
		p.len = 1;
		bt_log_clear(&b);
		BT_EQ_BR(bt_oneway(&b, h, sends[i].code, sends[i].flags, &p), BR_TRANSACTION_PENDING_FROZEN);
		BT_LOG_EXPECT(&b, BR_TRANSACTION_PENDING_FROZEN);
	}
	fi.enable = 0;
	BT_EQ_ERR(bt_ioctl(&b, BINDER_FREEZE, &fi), 0);
	bt_send(&s_go, 1);
	bt_recv_expect(&s_done, 1);
	bt_join(srv);
	bt_sm_stop(&b, sm);
	bt_close(&b);
}
