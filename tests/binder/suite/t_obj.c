// SPDX-License-Identifier: GPL-2.0
/*
 * Objects and references: service registration and lookup, binder/handle translation between
 * three processes, strong/weak reference counting as the owner sees it, node debug info,
 * handle numbers, and the undoing of references when a transaction fails half-way.
 */
#include "suite.h"

#include <stdlib.h>
#include <unistd.h>

static struct bt_chan o_ready, o_go;

/* ECHO_REGISTER through an echo server's handle. */
static void echo_register(struct bt *b, uint32_t h, const char *name, binder_uintptr_t ptr,
			  binder_uintptr_t cookie)
{
	struct bt_parcel p;
	struct bt_txn r;

	bt_parcel_init(&p);
	bt_parcel_put_str(&p, name);
	bt_parcel_put_u64(&p, ptr);
	bt_parcel_put_u64(&p, cookie);
	bt_parcel_put_u32(&p, 0);
	BT_EQ_BR(bt_call(b, h, ECHO_REGISTER, 0, &p, &r), BR_REPLY);
	BT_EQ(bt_txn_u32(&r), 0);
	bt_free(b, &r);
}

/* ECHO_FREE_KEPT through h; returns how many buffers the server freed. */
static uint32_t echo_free_kept(struct bt *b, uint32_t h)
{
	struct bt_txn r;

	BT_EQ_BR(bt_call(b, h, ECHO_FREE_KEPT, 0, NULL, &r), BR_REPLY);
	uint32_t n = bt_txn_u32(&r);
	bt_free(b, &r);
	return n;
}

/* The target ptr an echo server sees for a transaction through h. */
static uint64_t target_of(struct bt *b, uint32_t h)
{
	return echo_who(b, h, 0).target_ptr;
}

/* ---- service_lookup --------------------------------------------------------------------------- */

/* The service manager hands out the handles it holds; the driver gives the caller its own
 * handle for the node (one per node: a second lookup of the same node is the same handle),
 * numbered from 1. A handle stays bound to its node when the name is re-registered. */
void case_service_lookup(void)
{
	struct echo_opts eo = { .name = "svc" };
	struct bt b;

	pid_t sm = bt_sm_start(bt_dev);
	pid_t srv = echo_start(&eo);
	bt_open_default(&b);
	BT_EQ(bt_sm_get(&b, "nope"), 0);
	uint32_t h1 = bt_sm_get(&b, "svc");
	BT_EQ(h1, 1);
	BT_EQ(bt_sm_get(&b, "svc"), 1);
	BT_EQ(target_of(&b, h1), ECHO_PTR);

	/* The server registers a second node under the same name. */
	echo_register(&b, h1, "svc", 0x22000, 0x22001);
	uint32_t h2 = bt_sm_get(&b, "svc");
	BT_EQ(h2, 2);
	BT_EQ(target_of(&b, h2), 0x22000);
	BT_EQ(target_of(&b, h1), ECHO_PTR);
	struct echo_who w = echo_who(&b, h2, 0);
	BT_EQ(w.cookie, 0x22001);
	echo_quit(&b, h1, srv);
	bt_sm_stop(&b, sm);
	bt_close(&b);
}

/* ---- three_process_objects -------------------------------------------------------------------- */

#define C_NODE ((binder_uintptr_t)0xc000)
#define C_WEAK ((binder_uintptr_t)0xd000)

static void d_main(void *arg)
{
	struct bt b;
	struct bt_txn r;

	(void)arg;
	bt_open_default(&b);
	uint32_t h = bt_sm_get(&b, "cb");
	/* D's first reference: handle 1, to C's node, which S published. */
	BT_EQ(h, 1);
	BT_EQ_BR(bt_call(&b, h, 77, 0, NULL, &r), BR_REPLY);
	BT_EQ(r.tr.data_size, 4);
	BT_EQ(*(const uint32_t *)bt_txn_data(&r), 0xc0ffee);
	bt_free(&b, &r);
	bt_close(&b);
}

static void c_nested(struct bt *b, struct bt_txn *t, void *arg)
{
	struct bt_parcel p;

	(void)arg;
	/* S calls us back through the handle it got for our node. */
	BT_EQ(t->tr.code, 55);
	BT_EQ(t->tr.target.ptr, C_NODE);
	BT_EQ(t->tr.cookie, 0xc001);
	bt_parcel_init(&p);
	bt_parcel_put_u32(&p, 0xbac);
	bt_reply_free(b, t, &p);
}

/* Objects between three processes. C sends S its node (BINDER), S's own node (HANDLE) and a
 * weak node (WEAK_BINDER): S gets a HANDLE, its own node back as BINDER with its ptr and cookie,
 * and a WEAK_HANDLE; flags pass unchanged. S calls C through its new handle; S publishes it, and
 * a third process D looks it up and calls C, which sees D as the sender. C's node references
 * arrive first (BR_INCREFS/BR_ACQUIRE, BR_INCREFS for the weak one) and the weak node is given
 * up (BR_DECREFS) once S frees the buffer that held its only reference. */
void case_three_process_objects(void)
{
	struct echo_opts eo = { .name = "s" };
	struct bt_parcel p;
	struct bt_txn r, t;
	struct bt b;

	pid_t sm = bt_sm_start(bt_dev);
	pid_t srv = echo_start(&eo);
	bt_open_default(&b);
	uint32_t hs = bt_sm_get(&b, "s");
	BT_EQ(hs, 1);

	bt_parcel_init(&p);
	bt_parcel_put_binder(&p, C_NODE, 0xc001, FLAT_BINDER_FLAG_ACCEPTS_FDS | 3);
	bt_parcel_put_handle(&p, hs);
	bt_parcel_put_weak_binder(&p, C_WEAK, 0xd001, 0);
	bt_log_clear(&b);
	BT_EQ_BR(bt_call(&b, hs, ECHO_OBJS, 0, &p, &r), BR_REPLY);
	BT_LOG_EXPECT(&b, BR_INCREFS, BR_ACQUIRE, BR_INCREFS, BR_TRANSACTION_COMPLETE, BR_REPLY);
	BT_EQ(r.tr.data_size, 3 * sizeof(struct flat_binder_object));
	struct flat_binder_object seen[3];
	memcpy(seen, bt_txn_data(&r), sizeof(seen));
	bt_free(&b, &r);
	BT_EQ(seen[0].hdr.type, BINDER_TYPE_HANDLE);
	BT_EQ(seen[0].handle, 1);
	BT_EQ(seen[0].flags, FLAT_BINDER_FLAG_ACCEPTS_FDS | 3);
	BT_EQ(seen[0].cookie, 0);
	BT_EQ(seen[1].hdr.type, BINDER_TYPE_BINDER);
	BT_EQ(seen[1].binder, ECHO_PTR);
	BT_EQ(seen[1].cookie, ECHO_COOKIE);
	BT_EQ(seen[2].hdr.type, BINDER_TYPE_WEAK_HANDLE);
	BT_EQ(seen[2].handle, 2);
	BT_EQ(seen[2].cookie, 0);
	BT_EQ(bt_node(&b, C_NODE).strong, 1);
	BT_EQ(bt_node(&b, C_WEAK).weak, 1);
	BT_EQ(bt_node(&b, C_WEAK).strong, 0);	/* never acquired */

	/* S calls us back through the handle of C_NODE it gets again now (S still holds the
	 * first buffer: no new first references). */
	b.nested = c_nested;
	bt_parcel_init(&p);
	bt_parcel_put_u32(&p, 55);
	bt_parcel_put_binder(&p, C_NODE, 0xc001, 0);
	bt_log_clear(&b);
	BT_EQ_BR(bt_call(&b, hs, ECHO_CALLBACK, 0, &p, &r), BR_REPLY);
	BT_EQ(*(const uint32_t *)bt_txn_data(&r), 0xbac);
	bt_free(&b, &r);
	BT_LOG_EXPECT(&b, BR_TRANSACTION_COMPLETE, BR_TRANSACTION, BR_TRANSACTION_COMPLETE, BR_REPLY);

	/* S publishes C's node; D calls it. */
	bt_parcel_init(&p);
	bt_parcel_put_str(&p, "cb");
	bt_parcel_put_binder(&p, C_NODE, 0xc001, 0);
	BT_EQ_BR(bt_call(&b, hs, ECHO_PUBLISH, 0, &p, &r), BR_REPLY);
	BT_EQ(bt_txn_u32(&r), 0);
	bt_free(&b, &r);
	pid_t d = bt_spawn("D", d_main, NULL);
	bt_recv_txn(&b, &t);
	BT_EQ(t.tr.code, 77);
	BT_EQ(t.tr.target.ptr, C_NODE);
	BT_EQ(t.tr.sender_pid, d);
	bt_parcel_init(&p);
	bt_parcel_put_u32(&p, 0xc0ffee);
	bt_reply_free(&b, &t, &p);
	bt_join(d);

	/* S lets go of the first buffer: the weak node loses its only reference (BR_DECREFS
	 * only: it was never strong); C_NODE is still held by the service manager's "cb". */
	bt_log_clear(&b);
	BT_EQ(echo_free_kept(&b, hs), 1);
	BT_LOG_EXPECT(&b, BR_TRANSACTION_COMPLETE, BR_REPLY);
	struct bt_br br;
	bt_expect(&b, BR_DECREFS, &br);
	BT_EQ(br.u.pc.ptr, C_WEAK);
	BT_EQ(br.u.pc.cookie, 0xd001);
	bt_expect_nothing(&b);
	BT_EQ(bt_node(&b, C_NODE).strong, 1);
	echo_quit(&b, hs, srv);
	bt_sm_stop(&b, sm);
	bt_close(&b);
}

/* ---- refcounts ---------------------------------------------------------------------------------- */

#define O_NODE ((binder_uintptr_t)0xe000)

static void holder_main(void *arg)
{
	struct bt b;

	(void)arg;
	bt_open_default(&b);
	uint32_t h = bt_sm_get(&b, "n");	/* one strong reference */
	BT_EQ(h, 1);
	bt_send(&o_ready, 1);
	bt_recv_expect(&o_go, 1);
	bt_write_ref(&b, BC_INCREFS, h);	/* strong 1, weak 1 */
	bt_send(&o_ready, 2);
	bt_recv_expect(&o_go, 2);
	bt_write_ref(&b, BC_RELEASE, h);	/* weak 1 */
	/* A weak-only reference cannot be made strong again: BC_ACQUIRE on it is refused (a
	 * user error the driver only logs). */
	bt_write_ref(&b, BC_ACQUIRE, h);
	bt_send(&o_ready, 3);
	bt_recv_expect(&o_go, 3);
	bt_write_ref(&b, BC_DECREFS, h);	/* gone */
	/* Gone handles are ignored. */
	bt_write_ref(&b, BC_ACQUIRE, h);
	bt_write_ref(&b, BC_DECREFS, h);
	bt_send(&o_ready, 4);
	bt_close(&b);
}

static void expect_debug_info(struct bt *b, binder_uintptr_t ptr, binder_uintptr_t cookie, int strong, int weak)
{
	struct binder_node_debug_info di = { .ptr = 0 };

	BT_EQ_ERR(bt_ioctl(b, BINDER_GET_NODE_DEBUG_INFO, &di), 0);
	BT_EQ(di.ptr, ptr);
	BT_EQ(di.cookie, cookie);
	BT_EQ(di.has_strong_ref, strong);
	BT_EQ(di.has_weak_ref, weak);
}

static void expect_info(struct bt *b, const char *name, uint32_t strong, uint32_t weak)
{
	uint32_t s, w;

	BT_EQ_ERR(bt_sm_info(b, name, &s, &w), 0);
	BT_EQ(s, strong);
	BT_EQ(w, weak);
}

/* Strong and weak references as the owner sees them. Registering the node gives the owner
 * BR_INCREFS and BR_ACQUIRE (answered with the _DONEs); the node then counts one strong
 * reference per process that holds it strongly (BINDER_GET_NODE_INFO_FOR_REF), weak ones from
 * other processes do not show there. When the last strong reference goes the owner gets
 * BR_RELEASE (the node stays, weakly held), when the last weak one goes BR_DECREFS, and the node
 * is gone. A weak-only handle cannot be acquired again. */
void case_refcounts(void)
{
	struct bt b;
	struct bt_br br;

	bt_chan_init(&o_ready);
	bt_chan_init(&o_go);
	pid_t sm = bt_sm_start(bt_dev);
	bt_open_default(&b);
	bt_log_clear(&b);
	BT_EQ(bt_sm_add(&b, "n", O_NODE, 0xe001, 0), 0);
	BT_LOG_EXPECT(&b, BR_INCREFS, BR_ACQUIRE, BR_TRANSACTION_COMPLETE, BR_REPLY);
	BT_EQ(bt_node(&b, O_NODE).strong, 1);
	BT_EQ(bt_node(&b, O_NODE).weak, 1);
	expect_debug_info(&b, O_NODE, 0xe001, 1, 1);
	expect_info(&b, "n", 1, 0);

	pid_t holder = bt_spawn("holder", holder_main, NULL);
	bt_recv_expect(&o_ready, 1);
	expect_info(&b, "n", 2, 0);
	bt_send(&o_go, 1);
	bt_recv_expect(&o_ready, 2);
	expect_info(&b, "n", 2, 0);
	bt_send(&o_go, 2);
	bt_recv_expect(&o_ready, 3);
	expect_info(&b, "n", 1, 0);
	bt_expect_nothing(&b);

	/* The service manager lets go: no strong reference left. */
	bt_log_clear(&b);
	bt_sm_drop(&b, "n");
	BT_LOG_EXPECT(&b, BR_TRANSACTION_COMPLETE, BR_REPLY);
	bt_expect(&b, BR_RELEASE, &br);
	BT_EQ(br.u.pc.ptr, O_NODE);
	BT_EQ(br.u.pc.cookie, 0xe001);
	bt_expect_nothing(&b);
	expect_debug_info(&b, O_NODE, 0xe001, 0, 1);

	/* The holder lets go of its weak reference: nothing left. */
	bt_send(&o_go, 3);
	bt_recv_expect(&o_ready, 4);
	bt_expect(&b, BR_DECREFS, &br);
	BT_EQ(br.u.pc.ptr, O_NODE);
	BT_EQ(br.u.pc.cookie, 0xe001);
	bt_expect_nothing(&b);
	expect_debug_info(&b, 0, 0, 0, 0);
	bt_join(holder);

	/* The same ptr again is a new node: new first references. */
	bt_log_clear(&b);
	BT_EQ(bt_sm_add(&b, "n", O_NODE, 0xe002, 0), 0);
	BT_LOG_EXPECT(&b, BR_INCREFS, BR_ACQUIRE, BR_TRANSACTION_COMPLETE, BR_REPLY);
	expect_debug_info(&b, O_NODE, 0xe002, 1, 1);
	bt_sm_stop(&b, sm);
	/* The manager is gone, and with it the last reference. */
	bt_expect(&b, BR_RELEASE, &br);
	bt_expect(&b, BR_DECREFS, &br);
	BT_EQ(br.u.pc.cookie, 0xe002);
	bt_close(&b);
}

/* ---- node_debug_info ---------------------------------------------------------------------------- */

/* BINDER_GET_NODE_DEBUG_INFO walks the caller's nodes in ptr order, each call returning the
 * first node above the ptr given. Nodes whose references went away are released in the order
 * the references went (the buffer's objects, in offset order), each with BR_RELEASE then
 * BR_DECREFS, after which they are gone. A node whose references go before its owner has read
 * its first BR_INCREFS/BR_ACQUIRE is deleted silently (the echo server frees a request before
 * replying, and the sender is blocked until the reply). */
void case_node_debug_info(void)
{
	static const binder_uintptr_t ptrs[] = { 0x3000, 0x1000, 0x2000 };
	struct echo_opts eo = { .name = "echo" };
	struct binder_node_debug_info di;
	struct bt_parcel p;
	struct bt_br br;
	struct bt b;

	pid_t sm = bt_sm_start(bt_dev);
	pid_t srv = echo_start(&eo);
	bt_open_default(&b);
	uint32_t h = bt_sm_get(&b, "echo");
	bt_parcel_init(&p);
	for (int i = 0; i < 3; i++)
		bt_parcel_put_binder(&p, ptrs[i], ptrs[i] + 1, 0);
	bt_log_clear(&b);
	BT_EQ_BR(bt_call(&b, h, ECHO_OBJS, 0, &p, NULL), BR_REPLY);
	BT_LOG_EXPECT(&b, BR_INCREFS, BR_ACQUIRE, BR_INCREFS, BR_ACQUIRE, BR_INCREFS, BR_ACQUIRE,
		      BR_TRANSACTION_COMPLETE, BR_REPLY);

	binder_uintptr_t at = 0;
	for (binder_uintptr_t want = 0x1000; want <= 0x3000; want += 0x1000) {
		memset(&di, 0, sizeof(di));
		di.ptr = at;
		BT_EQ_ERR(bt_ioctl(&b, BINDER_GET_NODE_DEBUG_INFO, &di), 0);
		BT_EQ(di.ptr, want);
		BT_EQ(di.cookie, want + 1);
		BT_EQ(di.has_strong_ref, 1);
		BT_EQ(di.has_weak_ref, 1);
		at = di.ptr;
	}
	di.ptr = 0x3000;
	BT_EQ_ERR(bt_ioctl(&b, BINDER_GET_NODE_DEBUG_INFO, &di), 0);
	BT_EQ(di.ptr, 0);
	di.ptr = 0x1800;
	BT_EQ_ERR(bt_ioctl(&b, BINDER_GET_NODE_DEBUG_INFO, &di), 0);
	BT_EQ(di.ptr, 0x2000);

	/* The echo server frees the buffer (and the references in it). */
	BT_EQ(echo_free_kept(&b, h), 1);
	for (int i = 0; i < 3; i++) {
		bt_expect(&b, BR_RELEASE, &br);
		BT_EQ(br.u.pc.ptr, ptrs[i]);
		bt_expect(&b, BR_DECREFS, &br);
		BT_EQ(br.u.pc.ptr, ptrs[i]);
	}
	bt_expect_nothing(&b);
	di.ptr = 0;
	BT_EQ_ERR(bt_ioctl(&b, BINDER_GET_NODE_DEBUG_INFO, &di), 0);
	BT_EQ(di.ptr, 0);

	bt_log_clear(&b);
	BT_EQ_BR(bt_call(&b, h, ECHO_ECHO, 0, &p, NULL), BR_REPLY);
	BT_LOG_EXPECT(&b, BR_TRANSACTION_COMPLETE, BR_REPLY);
	bt_expect_nothing(&b);
	BT_EQ_ERR(bt_ioctl(&b, BINDER_GET_NODE_DEBUG_INFO, &di), 0);
	BT_EQ(di.ptr, 0);
	echo_quit(&b, h, srv);
	bt_sm_stop(&b, sm);
	bt_close(&b);
}

/* ---- handle_allocation ------------------------------------------------------------------------ */

/* Asks the echo server for n new nodes and keeps a strong reference to each; returns the
 * handles in order. */
static void take_nodes(struct bt *b, uint32_t h, uint32_t n, uint64_t base, uint32_t *out)
{
	struct bt_parcel p;
	struct bt_txn r;
	struct bt_cmds c;

	bt_parcel_init(&p);
	bt_parcel_put_u32(&p, n);
	bt_parcel_put_u64(&p, base);
	BT_EQ_BR(bt_call(b, h, ECHO_GIVE, 0, &p, &r), BR_REPLY);
	BT_EQ(bt_txn_nobj(&r), n);
	bt_cmds_init(&c);
	for (uint32_t i = 0; i < n; i++) {
		const struct flat_binder_object *o = bt_txn_fbo(&r, i);
		BT_EQ(o->hdr.type, BINDER_TYPE_HANDLE);
		out[i] = o->handle;
		bt_put_ref(&c, BC_ACQUIRE, o->handle);
	}
	bt_put_free(&c, r.tr.data.ptr.buffer);
	bt_write(b, &c);
}

/* Handles are the smallest free number from 1 up (0 is reserved for the context manager's
 * node, which gets 0 even when higher numbers are taken), across growth past 64, 128 and 256
 * references and after handles are given back. */
void case_handle_allocation(void)
{
	struct echo_opts eo = { .name = "echo" };
	uint32_t hs[300], got[30];
	struct bt b;

	pid_t sm = bt_sm_start(bt_dev);
	pid_t srv = echo_start(&eo);
	bt_open_default(&b);
	uint32_t h = bt_sm_get(&b, "echo");
	BT_EQ(h, 1);
	uint32_t n = 0;
	while (n < 299) {
		uint32_t k = 299 - n < 30 ? 299 - n : 30;
		take_nodes(&b, h, k, 0x100000 + 0x10000 * n, hs + n);
		n += k;
	}
	for (uint32_t i = 0; i < n; i++)
		BT_EQ(hs[i], i + 2);

	/* Give back 5, 70 and 200; the next three new references take them in order. */
	bt_write_ref(&b, BC_RELEASE, 5);
	bt_write_ref(&b, BC_RELEASE, 200);
	bt_write_ref(&b, BC_RELEASE, 70);
	take_nodes(&b, h, 4, 0x900000, got);
	BT_EQ(got[0], 5);
	BT_EQ(got[1], 70);
	BT_EQ(got[2], 200);
	BT_EQ(got[3], 301);

	/* The context manager's node: handle 0. */
	struct bt_txn r;
	BT_EQ_BR(bt_call(&b, h, ECHO_GIVE_MGR, 0, NULL, &r), BR_REPLY);
	BT_EQ(bt_txn_fbo(&r, 0)->hdr.type, BINDER_TYPE_HANDLE);
	BT_EQ(bt_txn_fbo(&r, 0)->handle, 0);
	bt_free(&b, &r);

	/* Give back almost everything (the table shrinks); the smallest free is 2 again. */
	for (uint32_t i = 2; i <= 301; i++)
		bt_write_ref(&b, BC_RELEASE, i);
	take_nodes(&b, h, 2, 0xa00000, got);
	BT_EQ(got[0], 2);
	BT_EQ(got[1], 3);
	echo_quit(&b, h, srv);
	bt_sm_stop(&b, sm);
	bt_close(&b);
}

/* ---- failed_txn_undoes_refs --------------------------------------------------------------------- */

/* A transaction that fails after some objects were translated takes their effects back: a node
 * created for it is gone again without the owner ever hearing of it (no BR_INCREFS), the
 * receiver's new references are dropped (the service manager's count of a third process's node
 * is unchanged), and the receiver gets nothing. A binder object whose cookie differs from the
 * existing node's is refused. */
void case_failed_txn_undoes_refs(void)
{
	struct echo_opts eo = { .name = "echo" }, xo = { .name = "x" };
	struct bt_parcel p;
	struct bt b;
	uint32_t s, w;

	pid_t sm = bt_sm_start(bt_dev);
	pid_t srv = echo_start(&eo);
	pid_t xsrv = echo_start(&xo);
	bt_open_default(&b);
	uint32_t h = bt_sm_get(&b, "echo");
	uint32_t hx = bt_sm_get(&b, "x");
	BT_EQ_ERR(bt_sm_info(&b, "x", &s, &w), 0);
	BT_EQ(s, 2);

	struct flat_binder_object bogus = { .hdr.type = 0x12345678 };
	bt_parcel_init(&p);
	bt_parcel_put_binder(&p, 0xf000, 0xf001, 0);
	bt_parcel_put_handle(&p, hx);
	bt_parcel_put_handle(&p, h);
	bt_parcel_put_obj(&p, &bogus, sizeof(bogus));
	bt_log_clear(&b);
	BT_EQ_BR(bt_call(&b, h, ECHO_ECHO, 0, &p, NULL), BR_FAILED_REPLY);
	BT_LOG_EXPECT(&b, BR_FAILED_REPLY);
	expect_ext_error(&b, BR_FAILED_REPLY, -EINVAL);
	struct binder_node_debug_info di = { .ptr = 0 };
	BT_EQ_ERR(bt_ioctl(&b, BINDER_GET_NODE_DEBUG_INFO, &di), 0);
	BT_EQ(di.ptr, 0);
	BT_EQ_ERR(bt_sm_info(&b, "x", &s, &w), 0);
	BT_EQ(s, 2);
	bt_expect_nothing(&b);

	/* Cookie mismatch: the node exists (sent successfully first, the server keeps it). */
	bt_parcel_init(&p);
	bt_parcel_put_binder(&p, 0xf100, 1, 0);
	BT_EQ_BR(bt_call(&b, h, ECHO_OBJS, 0, &p, NULL), BR_REPLY);
	bt_parcel_init(&p);
	bt_parcel_put_binder(&p, 0xf100, 2, 0);
	bt_log_clear(&b);
	BT_EQ_BR(bt_call(&b, h, ECHO_ECHO, 0, &p, NULL), BR_FAILED_REPLY);
	BT_LOG_EXPECT(&b, BR_FAILED_REPLY);
	expect_ext_error(&b, BR_FAILED_REPLY, -EINVAL);

	/* The server saw only the good transaction. */
	BT_EQ(echo_free_kept(&b, h), 1);
	echo_quit(&b, hx, xsrv);
	echo_quit(&b, h, srv);
	bt_sm_stop(&b, sm);
	bt_close(&b);
}
