// SPDX-License-Identifier: GPL-2.0
/*
 * The receiver's buffer space: where buffers go (best fit, coalescing of freed neighbours),
 * running out of it (ENOSPC), the half of it one-way transactions may use, and oneway spam
 * detection.
 */
#include "suite.h"

#include <stdlib.h>

static struct bt_chan a_ready, a_cmd, a_done;

/* ---- buffer_layout ---------------------------------------------------------------------------- */

enum { L_ALLOC = 1, L_FREE, L_PROBE, L_QUIT };

static void layout_server(void *arg)
{
	struct bt_txn t;
	struct bt b;

	(void)arg;
	bt_open_default(&b);
	BT_EQ(bt_sm_add(&b, "layout", 0xa1000, 0, 0), 0);
	bt_send(&a_ready, 1);
	for (;;) {
		struct bt_parcel r;
		struct bt_cmds c;

		bt_recv_txn(&b, &t);
		bt_parcel_init(&r);
		switch (t.tr.code) {
		case L_ALLOC:
			/* Keep the buffer; tell where it is. */
			bt_parcel_put_u64(&r, t.tr.data.ptr.buffer - UPTR(b.map));
			BT_EQ_BR(bt_reply(&b, &r, 0), BR_TRANSACTION_COMPLETE);
			break;
		case L_FREE:
			bt_cmds_init(&c);
			bt_put_free(&c, UPTR(b.map) + bt_txn_u64(&t));
			bt_put_free(&c, t.tr.data.ptr.buffer);
			bt_write(&b, &c);
			BT_EQ_BR(bt_reply(&b, NULL, 0), BR_TRANSACTION_COMPLETE);
			break;
		case L_PROBE:
			/* Where it went, then freed. */
			bt_parcel_put_u64(&r, t.tr.data.ptr.buffer - UPTR(b.map));
			bt_reply_free(&b, &t, &r);
			break;
		case L_QUIT:
			bt_reply_free(&b, &t, NULL);
			bt_close(&b);
			return;
		}
	}
}

/* Sends size bytes to keep (L_ALLOC) or not (L_PROBE); returns their offset in the server's
 * space. */
static uint64_t layout_send(struct bt *b, uint32_t h, uint32_t code, size_t size)
{
	static uint8_t data[BT_DEFAULT_MAP];
	struct bt_parcel p;
	struct bt_txn r;

	bt_parcel_init_ext(&p, data, size);
	BT_EQ_BR(bt_call(b, h, code, 0, &p, &r), BR_REPLY);
	uint64_t off = bt_txn_u64(&r);
	bt_free(b, &r);
	return off;
}

static uint64_t layout_alloc(struct bt *b, uint32_t h, size_t size)
{
	return layout_send(b, h, L_ALLOC, size);
}

static void layout_free(struct bt *b, uint32_t h, uint64_t off)
{
	struct bt_parcel p;

	bt_parcel_init(&p);
	bt_parcel_put_u64(&p, off);
	BT_EQ_BR(bt_call(b, h, L_FREE, 0, &p, NULL), BR_REPLY);
}

/* Buffers are carved from the receiver's space best-fit (the smallest free block that fits,
 * split, the rest staying free), sizes rounded up to 8 bytes (an empty transaction takes 8),
 * and a freed buffer merges with free neighbours; when all are freed, one transaction can use
 * the whole space again. */
void case_buffer_layout(void)
{
	struct bt b;

	bt_chan_init(&a_ready);
	pid_t sm = bt_sm_start(bt_dev);
	pid_t srv = bt_spawn("layout", layout_server, NULL);
	bt_recv_expect(&a_ready, 1);
	bt_open_default(&b);
	uint32_t h = bt_sm_get(&b, "layout");

	BT_EQ(layout_alloc(&b, h, 100), 0);	/* 104 bytes */
	BT_EQ(layout_alloc(&b, h, 8), 104);
	BT_EQ(layout_alloc(&b, h, 200), 112);
	layout_free(&b, h, 104);		/* an 8-byte hole */
	BT_EQ(layout_alloc(&b, h, 5), 104);	/* fits it exactly, not the big rest */
	layout_free(&b, h, 0);			/* a 104-byte hole */
	BT_EQ(layout_alloc(&b, h, 50), 0);	/* 56 of it, 48 left at 56 */
	BT_EQ(layout_alloc(&b, h, 48), 56);
	layout_free(&b, h, 104);
	layout_free(&b, h, 56);			/* merges with the hole at 104: 56 bytes */
	BT_EQ(layout_alloc(&b, h, 56), 56);
	BT_EQ(layout_alloc(&b, h, 0), 312);	/* empty: 8 bytes */
	BT_EQ(layout_alloc(&b, h, 1), 320);
	layout_free(&b, h, 0);
	layout_free(&b, h, 56);
	layout_free(&b, h, 112);
	layout_free(&b, h, 312);
	layout_free(&b, h, 320);
	/* All merged: the whole space in one piece. */
	BT_EQ(layout_send(&b, h, L_PROBE, BT_DEFAULT_MAP), 0);
	BT_EQ_BR(bt_call(&b, h, L_QUIT, 0, NULL, NULL), BR_REPLY);
	bt_join(srv);
	bt_sm_stop(&b, sm);
	bt_close(&b);
}

/* ---- buffer_exhaustion ------------------------------------------------------------------------ */

static void expect_enospc(struct bt *b, uint32_t h, size_t size, uint32_t flags)
{
	static uint8_t data[4 * 1024 * 1024 + 64];
	struct bt_parcel p;

	bt_parcel_init_ext(&p, data, size);
	bt_log_clear(b);
	uint32_t cmd = flags & TF_ONE_WAY ? bt_oneway(b, h, ECHO_WHO, 0, &p) : bt_call(b, h, ECHO_WHO, 0, &p, NULL);
	if (cmd != BR_FAILED_REPLY)
		bt_fail("%zu bytes%s: %s, expected BR_FAILED_REPLY", size, flags ? " one-way" : "", bt_br_name(cmd));
	BT_LOG_EXPECT(b, BR_FAILED_REPLY);
	expect_ext_error(b, BR_FAILED_REPLY, -ENOSPC);
}

static void expect_fits(struct bt *b, uint32_t h, size_t size)
{
	static uint8_t data[4 * 1024 * 1024];
	struct bt_parcel p;

	bt_parcel_init_ext(&p, data, size);
	if (bt_call(b, h, ECHO_WHO, 0, &p, NULL) != BR_REPLY)
		bt_fail("%zu bytes did not fit", size);
}

/* A transaction larger than the largest free block fails with BR_FAILED_REPLY (ENOSPC) and is
 * not delivered: exactly the mapped size fits (128 KiB here), 8 more do not; with half of it
 * held by an earlier buffer, exactly the other half fits. The space is at most 4 MiB, however
 * large the mapping. */
void case_buffer_exhaustion(void)
{
	struct echo_opts eo = { .name = "echo" }, big = { .name = "big", .map_size = 8 * 1024 * 1024 };
	static uint8_t half[65536];
	struct bt_parcel p;
	struct bt b;

	pid_t sm = bt_sm_start(bt_dev);
	pid_t srv = echo_start(&eo);
	pid_t bsrv = echo_start(&big);
	bt_open_default(&b);
	uint32_t h = bt_sm_get(&b, "echo");
	expect_fits(&b, h, BT_DEFAULT_MAP);
	expect_enospc(&b, h, BT_DEFAULT_MAP + 1, 0);
	expect_enospc(&b, h, BT_DEFAULT_MAP + 8, 0);
	expect_fits(&b, h, BT_DEFAULT_MAP - 8);

	/* The server keeps 64 KiB. */
	bt_parcel_init_ext(&p, half, sizeof(half));
	BT_EQ_BR(bt_call(&b, h, ECHO_OBJS, 0, &p, NULL), BR_REPLY);
	expect_enospc(&b, h, 65536 + 8, 0);
	expect_fits(&b, h, 65536);
	struct bt_txn r;
	BT_EQ_BR(bt_call(&b, h, ECHO_FREE_KEPT, 0, NULL, &r), BR_REPLY);
	bt_free(&b, &r);
	expect_fits(&b, h, BT_DEFAULT_MAP);

	uint32_t hb = bt_sm_get(&b, "big");
	expect_fits(&b, hb, 4 * 1024 * 1024);
	expect_enospc(&b, hb, 4 * 1024 * 1024 + 8, 0);
	echo_quit(&b, hb, bsrv);
	echo_quit(&b, h, srv);
	bt_sm_stop(&b, sm);
	bt_close(&b);
}

/* ---- the sink: a server that reads only when told ---------------------------------------------- */

enum { SINK_DRAIN = 1, SINK_HOLD_ONE, SINK_SERVE_ONE, SINK_FREE_HELD, SINK_QUIT };

static void sink_main(void *arg)
{
	struct bt_txn held = { 0 }, t;
	struct bt b;
	uint32_t next = 1;

	(void)arg;
	bt_open_default(&b);
	BT_EQ(bt_sm_add(&b, "sink", 0xa2000, 0, 0), 0);
	bt_send(&a_ready, 1);
	for (;;) {
		uint64_t cmd = bt_recv(&a_cmd);
		switch (cmd & 0xff) {
		case SINK_DRAIN:	/* read n one-way transactions, codes next, next + 1, ... */
			for (uint64_t i = 0; i < cmd >> 8; i++) {
				bt_recv_txn(&b, &t);
				BT_EQ(t.tr.flags & TF_ONE_WAY, TF_ONE_WAY);
				BT_EQ(t.tr.code, next);
				next++;
				bt_free(&b, &t);
			}
			bt_expect_nothing(&b);
			next = 1;
			break;
		case SINK_HOLD_ONE:	/* read one transaction, keep its buffer */
			bt_recv_txn(&b, &held);
			break;
		case SINK_SERVE_ONE:	/* read and answer one synchronous transaction */
			bt_recv_txn(&b, &t);
			bt_reply_free(&b, &t, NULL);
			break;
		case SINK_FREE_HELD:
			bt_free(&b, &held);
			break;
		case SINK_QUIT:
			bt_expect_nothing(&b);
			bt_close(&b);
			return;
		}
		bt_send(&a_done, cmd);
	}
}

static void sink(uint64_t cmd)
{
	bt_send(&a_cmd, cmd);
	bt_recv_expect(&a_done, cmd);
}

static pid_t sink_start(void)
{
	bt_chan_init(&a_ready);
	bt_chan_init(&a_cmd);
	bt_chan_init(&a_done);
	pid_t pid = bt_spawn("sink", sink_main, NULL);
	bt_recv_expect(&a_ready, 1);
	return pid;
}

static void sink_quit(pid_t pid)
{
	bt_send(&a_cmd, SINK_QUIT);
	bt_join(pid);
}

static uint32_t oneway_bytes(struct bt *b, uint32_t h, uint32_t code, size_t size)
{
	static uint8_t data[65536];
	struct bt_parcel p;

	bt_parcel_init_ext(&p, data, size);
	return bt_oneway(b, h, code, 0, &p);
}

/* ---- async_space ------------------------------------------------------------------------------ */

static struct bt call_conn;
static uint32_t call_handle;

static void *sync_caller(void *arg)
{
	static uint8_t data[65536];
	struct bt_parcel p;
	struct bt b;

	(void)arg;
	bt_clone(&b, &call_conn);
	bt_thread_enter(&b);
	bt_parcel_init_ext(&p, data, sizeof(data));
	BT_EQ_BR(bt_call(&b, call_handle, 9, 0, &p, NULL), BR_REPLY);
	return NULL;
}

/* One-way transactions may use half of the receiver's space (64 KiB of 128 KiB), counted
 * until their buffers are freed: exactly 64 KiB passes, then even 8 bytes fail with ENOSPC
 * while synchronous transactions still get the other half. */
void case_async_space(void)
{
	struct bt_thread th;
	struct bt *b = &call_conn;

	pid_t sm = bt_sm_start(bt_dev);
	pid_t s = sink_start();
	bt_open_default(b);
	uint32_t h = call_handle = bt_sm_get(b, "sink");
	BT_EQ_BR(oneway_bytes(b, h, 1, 65536), BR_TRANSACTION_COMPLETE);
	expect_enospc(b, h, 8, TF_ONE_WAY);
	sink(SINK_HOLD_ONE);
	/* The synchronous half. */
	bt_thread_start(&th, sync_caller, NULL);
	sink(SINK_SERVE_ONE);
	bt_thread_join(&th);
	expect_enospc(b, h, 8, TF_ONE_WAY);
	sink(SINK_FREE_HELD);
	BT_EQ_BR(oneway_bytes(b, h, 1, 65536), BR_TRANSACTION_COMPLETE);
	sink(SINK_DRAIN | 1 << 8);
	sink_quit(s);
	bt_sm_stop(b, sm);
	bt_close(b);
}

/* ---- oneway_spam ------------------------------------------------------------------------------ */

/* Sends codes first..7 (8 KiB each) with detection enabled; none may be suspected. */
static void second_spammer(void *arg)
{
	struct bt b;
	uint32_t on = 1;

	bt_open_default(&b);
	BT_EQ_ERR(bt_ioctl(&b, BINDER_ENABLE_ONEWAY_SPAM_DETECTION, &on), 0);
	uint32_t h = bt_sm_get(&b, "sink");
	for (uint32_t i = (uint32_t)(uintptr_t)arg; i <= 7; i++)
		BT_EQ_BR(oneway_bytes(&b, h, i, 8192), BR_TRANSACTION_COMPLETE);
	bt_close(&b);
}

static void quiet_spammer(void *arg)
{
	struct bt b;

	(void)arg;
	bt_open_default(&b);
	uint32_t h = bt_sm_get(&b, "sink");
	for (uint32_t i = 1; i <= 7; i++)
		BT_EQ_BR(oneway_bytes(&b, h, i, 8192), BR_TRANSACTION_COMPLETE);
	bt_close(&b);
}

/* Oneway spam detection: once less than a tenth of the receiver's space is left for one-way
 * work, a sender holding more than a quarter of the space (or more than 50 buffers) there is
 * suspected, once, until the space recovers: that one-way transaction answers
 * BR_ONEWAY_SPAM_SUSPECT instead of BR_TRANSACTION_COMPLETE, if the sender enabled detection
 * (BINDER_ENABLE_ONEWAY_SPAM_DETECTION). Senders are counted separately, by the buffers they
 * held before the one being allocated. */
void case_oneway_spam(void)
{
	uint32_t on = 1;
	struct bt b;

	pid_t sm = bt_sm_start(bt_dev);
	pid_t s = sink_start();
	bt_open_default(&b);
	BT_EQ_ERR(bt_ioctl(&b, BINDER_ENABLE_ONEWAY_SPAM_DETECTION, &on), 0);
	uint32_t h = bt_sm_get(&b, "sink");
	/* 128 KiB space: 64 KiB for one-way work, suspicion below 13107 bytes left. */
	for (uint32_t i = 1; i <= 6; i++)
		BT_EQ_BR(oneway_bytes(&b, h, i, 8192), BR_TRANSACTION_COMPLETE);
	BT_EQ_BR(oneway_bytes(&b, h, 7, 8192), BR_ONEWAY_SPAM_SUSPECT);
	BT_EQ_BR(oneway_bytes(&b, h, 8, 8192), BR_TRANSACTION_COMPLETE);
	expect_enospc(&b, h, 8192, TF_ONE_WAY);
	sink(SINK_DRAIN | 8 << 8);

	/* Two senders: the second holds too little to be suspected, the first too much. */
	for (uint32_t i = 1; i <= 5; i++)
		BT_EQ_BR(oneway_bytes(&b, h, i, 8192), BR_TRANSACTION_COMPLETE);
	bt_join(bt_spawn("second", second_spammer, (void *)6));
	BT_EQ_BR(oneway_bytes(&b, h, 8, 8192), BR_ONEWAY_SPAM_SUSPECT);
	sink(SINK_DRAIN | 8 << 8);

	/* What counts is what the sender held before: the buffer being allocated is not its own
	 * yet (the driver sets its pid after the check). 4 held = exactly a quarter: not more. */
	for (uint32_t i = 1; i <= 4; i++)
		BT_EQ_BR(oneway_bytes(&b, h, i, 8192), BR_TRANSACTION_COMPLETE);
	bt_join(bt_spawn("second", second_spammer, (void *)5));
	BT_EQ_BR(oneway_bytes(&b, h, 8, 8192), BR_TRANSACTION_COMPLETE);
	sink(SINK_DRAIN | 8 << 8);

	/* Without detection enabled the same answers plain BR_TRANSACTION_COMPLETE. */
	bt_join(bt_spawn("quiet", quiet_spammer, NULL));
	sink(SINK_DRAIN | 7 << 8);

	/* Off again. */
	on = 0;
	BT_EQ_ERR(bt_ioctl(&b, BINDER_ENABLE_ONEWAY_SPAM_DETECTION, &on), 0);
	for (uint32_t i = 1; i <= 8; i++)
		BT_EQ_BR(oneway_bytes(&b, h, i, 8192), BR_TRANSACTION_COMPLETE);
	sink(SINK_DRAIN | 8 << 8);
	sink_quit(s);
	bt_sm_stop(&b, sm);
	bt_close(&b);
}
