// SPDX-License-Identifier: GPL-2.0
/*
 * Scatter-gather: BINDER_TYPE_PTR buffers copied after the offsets (BC_TRANSACTION_SG /
 * BC_REPLY_SG), pointer fix-ups in parents, and the rules that refuse bad ones.
 */
#include "suite.h"

#include <sys/mman.h>

static struct bt_chan g_ready;

/* A tree of buffers: A has pointers to B (at 8) and E (at 16), B one to D (at 16). */
struct node_a {
	uint64_t x;
	binder_uintptr_t pb;
	binder_uintptr_t pe;
	uint64_t y;
};
struct node_b {
	uint64_t tag;
	uint64_t pad;
	binder_uintptr_t pd;
	uint64_t more[2];
};

enum { SG_CHECK = 1, SG_REPLY, SG_QUIT };

static void check_tree(const struct bt_txn *t)
{
	const struct binder_buffer_object *o[5];
	binder_uintptr_t base = t->tr.data.ptr.buffer + ALIGN8(t->tr.data_size) + ALIGN8(t->tr.offsets_size);

	BT_EQ(bt_txn_nobj(t), 5);
	for (int i = 0; i < 5; i++) {
		o[i] = bt_txn_obj(t, i);
		BT_EQ(o[i]->hdr.type, BINDER_TYPE_PTR);
	}
	/* Copied one after the other, each at an 8-byte aligned offset, in object order. */
	BT_EQ(o[0]->buffer, base);
	BT_EQ(o[1]->buffer, base + 32);
	BT_EQ(o[2]->buffer, base + 32 + 40);
	BT_EQ(o[3]->buffer, base + 32 + 40 + 8);
	BT_EQ(o[4]->buffer, base + 32 + 40 + 8 + 8);
	/* The other fields as sent. */
	BT_EQ(o[1]->flags, BINDER_BUFFER_FLAG_HAS_PARENT);
	BT_EQ(o[1]->parent, 0);
	BT_EQ(o[1]->parent_offset, 8);
	BT_EQ(o[2]->parent, 1);
	BT_EQ(o[2]->parent_offset, 16);
	BT_EQ(o[3]->parent, 0);
	BT_EQ(o[3]->parent_offset, 16);
	BT_EQ(o[4]->flags, 0);
	BT_EQ(o[4]->length, 13);
	/* The copies, with their pointers fixed up to the copies. */
	const struct node_a *a = VPTR(o[0]->buffer);
	const struct node_b *bb = VPTR(o[1]->buffer);
	BT_EQ(a->x, 0x1111);
	BT_EQ(a->y, 0x2222);
	BT_EQ(a->pb, o[1]->buffer);
	BT_EQ(a->pe, o[3]->buffer);
	BT_EQ(bb->tag, 0xbbbb);
	BT_EQ(bb->pd, o[2]->buffer);
	BT_EQ(bb->more[1], 0xb2);
	BT_EQ(*(const uint64_t *)VPTR(o[2]->buffer), 0xdddd);
	BT_EQ(*(const uint64_t *)VPTR(o[3]->buffer), 0xeeee);
	BT_CHECK(!memcmp(VPTR(o[4]->buffer), "thirteen byte", 13), "unparented buffer differs");
}

static struct node_a ta;
static struct node_b tb;
static uint64_t td = 0xdddd, te = 0xeeee;

static void build_tree(struct bt_parcel *p)
{
	ta = (struct node_a){ .x = 0x1111, .pb = 0xbad1, .pe = 0xbad2, .y = 0x2222 };
	tb = (struct node_b){ .tag = 0xbbbb, .pd = 0xbad3, .more = { 0xb1, 0xb2 } };
	bt_parcel_init(p);
	bt_parcel_put_u32(p, 0x7a6);	/* a parent at data offset 0 cannot take fix-ups */
	bt_parcel_put_ptr(p, &ta, sizeof(ta), -1, 0);
	bt_parcel_put_ptr(p, &tb, sizeof(tb), 0, 8);
	bt_parcel_put_ptr(p, &td, sizeof(td), 1, 16);
	bt_parcel_put_ptr(p, &te, sizeof(te), 0, 16);
	bt_parcel_put_ptr(p, "thirteen byte", 13, -1, 0);
}

static int sg_handle(struct bt *b, struct bt_txn *t, void *ctx)
{
	struct bt_parcel r;

	(void)ctx;
	switch (t->tr.code) {
	case SG_CHECK:
		check_tree(t);
		bt_reply_free(b, t, NULL);
		return 0;
	case SG_REPLY:
		build_tree(&r);
		bt_reply_free(b, t, &r);
		return 0;
	case SG_QUIT:
		bt_reply_free(b, t, NULL);
		return 1;
	default:
		bt_fail("sg server: code %u", t->tr.code);
	}
}

static void sg_server(void *arg)
{
	struct bt b;

	(void)arg;
	bt_open_default(&b);
	BT_EQ(bt_sm_add(&b, "sg", 0x91000, 0, 0), 0);
	bt_send(&g_ready, 1);
	bt_serve(&b, sg_handle, NULL);
	bt_close(&b);
}

/* Scatter-gather buffers land after the data and offsets, 8-byte aligned, in object order;
 * each child's pointer in its parent is replaced by the child's address in the receiver
 * (two levels here, and two children of one parent at increasing offsets); unparented
 * buffers are copied as they are. Replies too (BC_REPLY_SG). */
void case_scatter_gather(void)
{
	struct bt_parcel p;
	struct bt_txn r;
	struct bt b;

	bt_chan_init(&g_ready);
	pid_t sm = bt_sm_start(bt_dev);
	pid_t srv = bt_spawn("sg-server", sg_server, NULL);
	bt_recv_expect(&g_ready, 1);
	bt_open_default(&b);
	uint32_t h = bt_sm_get(&b, "sg");
	build_tree(&p);
	BT_EQ(p.buffers_size, 32 + 40 + 8 + 8 + 16);
	BT_EQ_BR(bt_call(&b, h, SG_CHECK, 0, &p, NULL), BR_REPLY);
	/* Our own copies are untouched. */
	BT_EQ(ta.pb, 0xbad1);
	BT_EQ(tb.pd, 0xbad3);
	BT_EQ_BR(bt_call(&b, h, SG_REPLY, 0, NULL, &r), BR_REPLY);
	check_tree(&r);
	bt_free(&b, &r);

	/* More buffer space than the objects use is fine. */
	build_tree(&p);
	p.buffers_size += 64;
	BT_EQ_BR(bt_call(&b, h, SG_CHECK, 0, &p, NULL), BR_REPLY);
	BT_EQ_BR(bt_call(&b, h, SG_QUIT, 0, NULL, NULL), BR_REPLY);
	bt_join(srv);
	bt_sm_stop(&b, sm);
	bt_close(&b);
}

/* ---- scatter_gather_errors -------------------------------------------------------------------- */

static void expect_sg_failure(struct bt *b, uint32_t h, struct bt_parcel *p, int err, const char *what)
{
	bt_step("%s", what);
	bt_log_clear(b);
	uint32_t cmd = bt_call(b, h, SG_CHECK, 0, p, NULL);
	if (cmd != BR_FAILED_REPLY)
		bt_fail("%s: %s, expected BR_FAILED_REPLY", what, bt_br_name(cmd));
	BT_LOG_EXPECT(b, BR_FAILED_REPLY);
	struct binder_extended_error ee = bt_ext_error(b);
	if (ee.command != BR_FAILED_REPLY || ee.param != err)
		bt_fail("%s: extended error %s %s, expected BR_FAILED_REPLY %s", what, bt_br_name(ee.command),
			bt_errname(ee.param), bt_errname(err));
}

/* Refused scatter-gather transactions, all with EINVAL: a buffer longer than the space left,
 * a buffers_size that is not a multiple of 8, a parent that is not an earlier object, a parent
 * that is not a PTR object, a pointer that would not fit in its parent, a fix-up below an
 * earlier one in the same parent, a fix-up in a parent other than the last buffer or one of its
 * ancestors, a parent that is the first thing in the data (a C driver quirk), and a buffer the
 * driver cannot read (not EFAULT: the copy failure becomes EINVAL). A zero-length PTR in a plain
 * BC_TRANSACTION is fine. */
void case_scatter_gather_errors(void)
{
	static uint64_t buf[8];
	struct bt_parcel p;
	struct bt b;

	bt_chan_init(&g_ready);
	pid_t sm = bt_sm_start(bt_dev);
	pid_t srv = bt_spawn("sg-server", sg_server, NULL);
	bt_recv_expect(&g_ready, 1);
	bt_open_default(&b);
	uint32_t h = bt_sm_get(&b, "sg");

	bt_parcel_init(&p);
	bt_parcel_put_ptr(&p, buf, 32, -1, 0);
	p.buffers_size = 24;
	expect_sg_failure(&b, h, &p, -EINVAL, "buffer longer than buffers_size");

	bt_parcel_init(&p);
	bt_parcel_put_ptr(&p, buf, 12, -1, 0);
	p.buffers_size = 12;
	expect_sg_failure(&b, h, &p, -EINVAL, "buffers_size not a multiple of 8");

	bt_parcel_init(&p);
	bt_parcel_put_u32(&p, 0);
	bt_parcel_put_ptr(&p, buf, 16, 0, 0);
	expect_sg_failure(&b, h, &p, -EINVAL, "own index as parent");

	bt_parcel_init(&p);
	bt_parcel_put_u32(&p, 0);
	bt_parcel_put_ptr(&p, buf, 16, -1, 0);
	bt_parcel_put_ptr(&p, buf + 2, 16, 5, 0);
	expect_sg_failure(&b, h, &p, -EINVAL, "parent beyond the objects");

	bt_parcel_init(&p);
	bt_parcel_put_binder(&p, 0x92000, 0, 0);
	bt_parcel_put_ptr(&p, buf, 16, 0, 0);
	expect_sg_failure(&b, h, &p, -EINVAL, "parent is a binder object");

	bt_parcel_init(&p);
	bt_parcel_put_u32(&p, 0);
	bt_parcel_put_ptr(&p, buf, 16, -1, 0);
	bt_parcel_put_ptr(&p, buf + 2, 8, 0, 12);
	expect_sg_failure(&b, h, &p, -EINVAL, "pointer does not fit in the parent");

	bt_parcel_init(&p);
	bt_parcel_put_u32(&p, 0);
	bt_parcel_put_ptr(&p, buf, 32, -1, 0);
	bt_parcel_put_ptr(&p, buf + 4, 8, 0, 16);
	bt_parcel_put_ptr(&p, buf + 5, 8, 0, 8);
	expect_sg_failure(&b, h, &p, -EINVAL, "fix-ups out of order");

	/* B and C children of A; D child of B after C: B is neither C nor an ancestor of C. */
	bt_parcel_init(&p);
	bt_parcel_put_u32(&p, 0);
	bt_parcel_put_ptr(&p, buf, 32, -1, 0);
	bt_parcel_put_ptr(&p, buf + 4, 16, 0, 0);
	bt_parcel_put_ptr(&p, buf + 6, 8, 0, 8);
	bt_parcel_put_ptr(&p, buf + 7, 8, 1, 0);
	expect_sg_failure(&b, h, &p, -EINVAL, "fix-up in a finished sibling");

	/* The parent at data offset 0 (a C driver quirk: binder_validate_fixup takes a last
	 * fixed-up object at offset 0 for "none"). */
	bt_parcel_init(&p);
	bt_parcel_put_ptr(&p, buf, 16, -1, 0);
	bt_parcel_put_ptr(&p, buf + 2, 8, 0, 0);
	BT_EQ(p.offs[0], 0);
	expect_sg_failure(&b, h, &p, -EINVAL, "parent at data offset 0");

	void *hole = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	BT_CHECK(hole != MAP_FAILED, "mmap");
	bt_parcel_init(&p);
	bt_parcel_put_ptr(&p, hole, 16, -1, 0);
	expect_sg_failure(&b, h, &p, -EINVAL, "unreadable buffer");
	munmap(hole, 4096);

	/* A PTR object without SG space at all: length 0 passes, anything else is too long. */
	bt_parcel_init(&p);
	bt_parcel_put_ptr(&p, buf, 8, -1, 0);
	p.buffers_size = 0;
	expect_sg_failure(&b, h, &p, -EINVAL, "PTR in BC_TRANSACTION");
	bt_parcel_init(&p);
	bt_parcel_put_ptr(&p, buf, 0, -1, 0);
	BT_EQ(p.buffers_size, 0);
	BT_EQ_BR(bt_call(&b, h, SG_QUIT, 0, &p, NULL), BR_REPLY);
	bt_join(srv);
	bt_sm_stop(&b, sm);
	bt_close(&b);
}
