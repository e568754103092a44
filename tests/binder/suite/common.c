// SPDX-License-Identifier: GPL-2.0
/*
 * Suite helpers: the echo server, nice values, hand-built transactions, extended errors.
 */
#include "suite.h"

#include <stdlib.h>
#include <sys/resource.h>

int get_nice(void)
{
	errno = 0;
	int n = getpriority(PRIO_PROCESS, bt_gettid());
	if (n == -1 && errno)
		bt_fail("getpriority: %s", strerror(errno));
	return n;
}

void set_nice(int nice)
{
	if (setpriority(PRIO_PROCESS, bt_gettid(), nice) < 0)
		bt_fail("setpriority %d: %s", nice, strerror(errno));
}

void write_tr(struct bt *b, uint32_t bc, const struct binder_transaction_data *tr)
{
	struct bt_cmds c;

	bt_cmds_init(&c);
	bt_put_tr(&c, bc, tr);
	bt_write(b, &c);
}

void expect_ext_error_at(const char *file, int line, struct bt *b, uint32_t cmd, int32_t param)
{
	struct binder_extended_error ee = bt_ext_error(b);

	if (ee.id == 0 || ee.command != cmd || ee.param != param)
		bt_fail_at(file, line, "extended error {id %u, %s, %d}, expected {id != 0, %s, %d}", ee.id,
			   bt_br_name(ee.command), ee.param, bt_br_name(cmd), param);
	/* Reading it reset it. */
	ee = bt_ext_error(b);
	if (ee.id != 0 || ee.command != BR_OK || ee.param != 0)
		bt_fail_at(file, line, "extended error after a read: {id %u, %s, %d}, expected {0, BR_OK, 0}",
			   ee.id, bt_br_name(ee.command), ee.param);
}

/* ---- echo server ------------------------------------------------------------------------------ */

struct echo_start_args {
	const struct echo_opts *o;
	struct bt_chan ready;
};

static struct echo_who who_of(const struct bt_txn *t)
{
	return (struct echo_who){
		.sender_pid = t->tr.sender_pid,
		.sender_euid = t->tr.sender_euid,
		.flags = t->tr.flags,
		.code = t->tr.code,
		.target_ptr = t->tr.target.ptr,
		.cookie = t->tr.cookie,
		.nice = get_nice(),
		.tid = bt_gettid(),
		.data = t->tr.data.ptr.buffer,
		.offsets = t->tr.data.ptr.offsets,
		.data_size = t->tr.data_size,
		.offsets_size = t->tr.offsets_size,
	};
}

static struct echo_who last_oneway;
static binder_uintptr_t kept[16];
static size_t nkept;

static int echo_handle(struct bt *b, struct bt_txn *t, void *ctx)
{
	const struct echo_opts *o = ctx;
	struct bt_parcel r;

	if (t->tr.flags & TF_ONE_WAY) {
		last_oneway = who_of(t);
		bt_free(b, t);
		return t->tr.code == ECHO_QUIT;
	}
	bt_parcel_init(&r);
	switch (t->tr.code) {
	case ECHO_ECHO: {
		/* Copy out of the buffer before it is freed (the reply is written after the free). */
		size_t n = t->tr.data_size;
		void *copy = malloc(n ? n : 1);

		memcpy(copy, bt_txn_data(t), n);
		bt_parcel_init_ext(&r, copy, n);
		bt_reply_free(b, t, &r);
		free(copy);
		return 0;
	}
	case ECHO_QUIT:
		bt_parcel_put_u32(&r, 0);
		bt_reply_free(b, t, &r);
		return 1;
	case ECHO_WHO: {
		struct echo_who w = who_of(t);

		bt_parcel_put(&r, &w, sizeof(w));
		bt_reply_free(b, t, &r);
		return 0;
	}
	case ECHO_REGISTER: {
		char name[64];
		bt_txn_str(t, name, sizeof(name));
		uint64_t ptr = bt_txn_u64(t), cookie = bt_txn_u64(t);
		uint32_t flags = bt_txn_u32(t);
		bt_parcel_put_u32(&r, bt_sm_add(b, name, ptr, cookie, flags));
		bt_reply_free(b, t, &r);
		return 0;
	}
	case ECHO_GIVE: {
		uint32_t n = bt_txn_u32(t);
		uint64_t base = bt_txn_u64(t);
		for (uint32_t i = 0; i < n; i++)
			bt_parcel_put_binder(&r, base + 16 * i, i, 0);
		bt_reply_free(b, t, &r);
		return 0;
	}
	case ECHO_OBJS:
		for (size_t i = 0; i < bt_txn_nobj(t); i++)
			bt_parcel_put(&r, bt_txn_fbo(t, i), sizeof(struct flat_binder_object));
		if (nkept == sizeof(kept) / sizeof(kept[0]))
			bt_fail("echo server: too many kept buffers");
		kept[nkept++] = t->tr.data.ptr.buffer;
		BT_EQ_BR(bt_reply(b, &r, 0), BR_TRANSACTION_COMPLETE);
		return 0;
	case ECHO_FREE_KEPT: {
		struct bt_cmds c;

		bt_cmds_init(&c);
		for (size_t i = 0; i < nkept; i++)
			bt_put_free(&c, kept[i]);
		if (nkept)
			bt_write(b, &c);
		bt_parcel_put_u32(&r, nkept);
		nkept = 0;
		bt_reply_free(b, t, &r);
		return 0;
	}
	case ECHO_CALLBACK: {
		uint32_t code = bt_txn_u32(t);
		const struct flat_binder_object *o = bt_txn_fbo(t, 0);
		struct bt_txn cr;
		BT_EQ(o->hdr.type, BINDER_TYPE_HANDLE);
		BT_EQ_BR(bt_call(b, o->handle, code, 0, NULL, &cr), BR_REPLY);
		size_t n = cr.tr.data_size;
		void *copy = malloc(n ? n : 1);
		memcpy(copy, bt_txn_data(&cr), n);
		bt_free(b, &cr);
		bt_parcel_init_ext(&r, copy, n);
		bt_reply_free(b, t, &r);
		free(copy);
		return 0;
	}
	case ECHO_PUBLISH: {
		char name[64];
		bt_txn_str(t, name, sizeof(name));
		const struct flat_binder_object *o = bt_txn_fbo(t, 0);
		BT_EQ(o->hdr.type, BINDER_TYPE_HANDLE);
		bt_parcel_put_u32(&r, bt_sm_add_handle(b, name, o->handle));
		bt_reply_free(b, t, &r);
		return 0;
	}
	case ECHO_GIVE_MGR:
		/* A strong reference to the context manager's node is our handle 0. */
		bt_write_ref(b, BC_ACQUIRE, 0);
		bt_parcel_put_handle(&r, 0);
		bt_reply_free(b, t, &r);
		return 0;
	case ECHO_LAST_ONEWAY:
		bt_parcel_put(&r, &last_oneway, sizeof(last_oneway));
		bt_reply_free(b, t, &r);
		return 0;
	case ECHO_HOLD:
		if (!o->hold || !o->held)
			bt_fail("ECHO_HOLD without channels");
		bt_send(o->held, 1);
		bt_recv(o->hold);
		bt_parcel_put_u32(&r, 0);
		bt_reply_free(b, t, &r);
		return 0;
	default:
		bt_fail("echo server: unknown code %u", t->tr.code);
	}
}

static void echo_main(void *arg)
{
	struct echo_start_args *a = arg;
	const struct echo_opts *o = a->o;
	struct bt b;

	if (o->nice)
		set_nice(o->nice);
	bt_open(&b, bt_dev, o->map_size ? o->map_size : BT_DEFAULT_MAP, 0);
	if (o->max_threads) {
		uint32_t n = o->max_threads;
		BT_EQ_ERR(bt_ioctl(&b, BINDER_SET_MAX_THREADS, &n), 0);
	}
	BT_EQ(bt_sm_add(&b, o->name ? o->name : "echo", ECHO_PTR, ECHO_COOKIE, o->node_flags), 0);
	bt_send(&a->ready, 1);
	bt_serve(&b, echo_handle, (void *)o);
	bt_close(&b);
}

pid_t echo_start(const struct echo_opts *o)
{
	struct echo_start_args a = { .o = o };

	bt_chan_init(&a.ready);
	pid_t pid = bt_spawn(o->name ? o->name : "echo", echo_main, &a);
	bt_recv_expect(&a.ready, 1);
	return pid;
}

void echo_quit(struct bt *b, uint32_t handle, pid_t pid)
{
	struct bt_txn r;

	BT_EQ_BR(bt_call(b, handle, ECHO_QUIT, 0, NULL, &r), BR_REPLY);
	BT_EQ(bt_txn_u32(&r), 0);
	bt_free(b, &r);
	bt_join(pid);
}

static struct echo_who who_call(struct bt *b, uint32_t handle, uint32_t code, uint32_t flags)
{
	struct echo_who w;
	struct bt_txn r;

	BT_EQ_BR(bt_call(b, handle, code, flags, NULL, &r), BR_REPLY);
	BT_EQ(r.tr.data_size, sizeof(w));
	memcpy(&w, bt_txn_data(&r), sizeof(w));
	bt_free(b, &r);
	return w;
}

struct echo_who echo_who(struct bt *b, uint32_t handle, uint32_t flags)
{
	return who_call(b, handle, ECHO_WHO, flags);
}

struct echo_who echo_last_oneway(struct bt *b, uint32_t handle)
{
	return who_call(b, handle, ECHO_LAST_ONEWAY, 0);
}
