// SPDX-License-Identifier: GPL-2.0
/*
 * bt: a tiny service manager. The context manager of a device keeps a table of names and the
 * handles it was given (one strong reference each, BC_ACQUIRE), and hands them out again
 * (the driver translates its handle into the caller's). See the BT_SM_* codes in bt.h.
 */
#include "bt.h"

#include <errno.h>
#include <string.h>

struct sm_entry {
	char name[64];
	uint32_t handle;
};

struct sm {
	struct sm_entry e[32];
	size_t n;
};

static struct sm_entry *sm_find(struct sm *sm, const char *name)
{
	for (size_t i = 0; i < sm->n; i++)
		if (!strcmp(sm->e[i].name, name))
			return &sm->e[i];
	return NULL;
}

static int sm_handle(struct bt *b, struct bt_txn *t, void *ctx)
{
	struct sm *sm = ctx;
	struct bt_parcel reply;
	char name[64] = "";
	struct sm_entry *e;

	if (t->tr.flags & TF_ONE_WAY)
		bt_fail("service manager: one-way transaction (code %u)", t->tr.code);
	bt_parcel_init(&reply);
	if (t->tr.code != BT_SM_STOP)
		bt_txn_str(t, name, sizeof(name));
	e = sm_find(sm, name);
	switch (t->tr.code) {
	case BT_SM_ADD: {
		const struct flat_binder_object *o = bt_txn_fbo(t, 0);

		if (o->hdr.type != BINDER_TYPE_HANDLE)
			bt_fail("service manager: ADD %s with object type 0x%x", name, o->hdr.type);
		/* Our own strong reference, before the buffer (and its reference) goes. */
		bt_write_ref(b, BC_ACQUIRE, o->handle);
		if (e) {
			bt_write_ref(b, BC_RELEASE, e->handle);
		} else {
			if (sm->n == sizeof(sm->e) / sizeof(sm->e[0]))
				bt_fail("service manager: table full");
			e = &sm->e[sm->n++];
			strcpy(e->name, name);
		}
		e->handle = o->handle;
		bt_parcel_put_u32(&reply, 0);
		break;
	}
	case BT_SM_GET:
		if (e) {
			bt_parcel_put_u32(&reply, 0);
			bt_parcel_put_handle(&reply, e->handle);
		} else {
			bt_parcel_put_u32(&reply, 1);
		}
		break;
	case BT_SM_INFO: {
		struct binder_node_info_for_ref info = { .handle = e ? e->handle : 0xffffffff };
		int r = bt_ioctl(b, BINDER_GET_NODE_INFO_FOR_REF, &info);

		bt_parcel_put_u32(&reply, (uint32_t)-r);
		bt_parcel_put_u32(&reply, info.strong_count);
		bt_parcel_put_u32(&reply, info.weak_count);
		break;
	}
	case BT_SM_DROP:
		if (!e)
			bt_fail("service manager: DROP of unknown %s", name);
		bt_write_ref(b, BC_RELEASE, e->handle);
		*e = sm->e[--sm->n];
		bt_parcel_put_u32(&reply, 0);
		break;
	case BT_SM_STOP:
		bt_parcel_put_u32(&reply, 0);
		bt_reply_free(b, t, &reply);
		return 1;
	default:
		bt_fail("service manager: unknown code %u", t->tr.code);
	}
	bt_reply_free(b, t, &reply);
	return 0;
}

static struct bt_chan sm_ready;

static void sm_main(void *arg)
{
	const char *dev = arg;
	struct sm sm = { .n = 0 };
	struct bt b;
	uint64_t t0 = bt_now_ms();
	int r;

	bt_open(&b, dev, BT_DEFAULT_MAP, 0);
	/* The previous case's manager may still be being released by the driver (its release
	 * runs from a work queue after the process exits): EBUSY until then. */
	while ((r = bt_ioctl(&b, BINDER_SET_CONTEXT_MGR, NULL)) == -EBUSY && bt_now_ms() - t0 < 5000)
		bt_sleep_ms(10);
	if (r)
		bt_fail("BINDER_SET_CONTEXT_MGR: %s", bt_errname(r));
	bt_send(&sm_ready, 1);
	bt_serve(&b, sm_handle, &sm);
	bt_close(&b);
}

pid_t bt_sm_start(const char *dev)
{
	bt_chan_init(&sm_ready);
	pid_t pid = bt_spawn("servicemanager", sm_main, (void *)dev);
	bt_recv_expect(&sm_ready, 1);
	return pid;
}

static uint32_t sm_call(struct bt *b, uint32_t code, const char *name, struct bt_parcel *p,
			struct bt_txn *reply)
{
	struct bt_parcel local;

	if (!p) {
		p = &local;
		bt_parcel_init(p);
		bt_parcel_put_str(p, name);
	}
	uint32_t cmd = bt_call(b, 0, code, 0, p, reply);
	if (cmd != BR_REPLY)
		bt_fail("service manager call %u (%s): %s", code, name ? name : "", bt_br_name(cmd));
	return bt_txn_u32(reply);
}

int bt_sm_add(struct bt *b, const char *name, binder_uintptr_t ptr, binder_uintptr_t cookie,
	      uint32_t flags)
{
	struct bt_parcel p;
	struct bt_txn r;

	bt_parcel_init(&p);
	bt_parcel_put_str(&p, name);
	bt_parcel_put_binder(&p, ptr, cookie, flags);
	uint32_t status = sm_call(b, BT_SM_ADD, name, &p, &r);
	bt_free(b, &r);
	return (int)status;
}

int bt_sm_add_handle(struct bt *b, const char *name, uint32_t handle)
{
	struct bt_parcel p;
	struct bt_txn r;

	bt_parcel_init(&p);
	bt_parcel_put_str(&p, name);
	bt_parcel_put_handle(&p, handle);
	uint32_t status = sm_call(b, BT_SM_ADD, name, &p, &r);
	bt_free(b, &r);
	return (int)status;
}

uint32_t bt_sm_get(struct bt *b, const char *name)
{
	struct bt_txn r;
	uint32_t status = sm_call(b, BT_SM_GET, name, NULL, &r);
	uint32_t handle = 0;

	if (status == 0) {
		const struct flat_binder_object *o = bt_txn_fbo(&r, 0);
		struct bt_cmds c;

		if (o->hdr.type != BINDER_TYPE_HANDLE)
			bt_fail("service manager gave object type 0x%x for %s", o->hdr.type, name);
		handle = o->handle;
		/* Keep the reference beyond the reply's buffer. */
		bt_cmds_init(&c);
		bt_put_ref(&c, BC_ACQUIRE, handle);
		bt_put_free(&c, r.tr.data.ptr.buffer);
		bt_write(b, &c);
	} else {
		bt_free(b, &r);
	}
	return handle;
}

int bt_sm_info(struct bt *b, const char *name, uint32_t *strong, uint32_t *weak)
{
	struct bt_txn r;
	uint32_t err = sm_call(b, BT_SM_INFO, name, NULL, &r);

	*strong = bt_txn_u32(&r);
	*weak = bt_txn_u32(&r);
	bt_free(b, &r);
	return -(int)err;
}

void bt_sm_drop(struct bt *b, const char *name)
{
	struct bt_txn r;

	BT_EQ(sm_call(b, BT_SM_DROP, name, NULL, &r), 0);
	bt_free(b, &r);
}

void bt_sm_stop(struct bt *b, pid_t sm)
{
	struct bt_parcel p;
	struct bt_txn r;

	bt_parcel_init(&p);
	BT_EQ(sm_call(b, BT_SM_STOP, NULL, &p, &r), 0);
	bt_free(b, &r);
	bt_join(sm);
}
