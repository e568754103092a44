// SPDX-License-Identifier: GPL-2.0
/*
 * bt: connection, BC command streams, BR parsing, payloads and transactions. See bt.h.
 */
#include "bt.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#define ALIGN_UP(x, a) (((x) + (a) - 1) & ~((__typeof__(x))(a) - 1))
#define PTR(p) ((binder_uintptr_t)(uintptr_t)(p))

/* ---- names ------------------------------------------------------------------------------------ */

static const struct {
	uint32_t cmd;
	const char *name;
} br_names[] = {
#define N(x) { x, #x }
	N(BR_ERROR), N(BR_OK), N(BR_TRANSACTION_SEC_CTX), N(BR_TRANSACTION), N(BR_REPLY),
	N(BR_ACQUIRE_RESULT), N(BR_DEAD_REPLY), N(BR_TRANSACTION_COMPLETE), N(BR_INCREFS),
	N(BR_ACQUIRE), N(BR_RELEASE), N(BR_DECREFS), N(BR_ATTEMPT_ACQUIRE), N(BR_NOOP),
	N(BR_SPAWN_LOOPER), N(BR_FINISHED), N(BR_DEAD_BINDER), N(BR_CLEAR_DEATH_NOTIFICATION_DONE),
	N(BR_FAILED_REPLY), N(BR_FROZEN_REPLY), N(BR_ONEWAY_SPAM_SUSPECT),
	N(BR_TRANSACTION_PENDING_FROZEN), N(BR_FROZEN_BINDER), N(BR_CLEAR_FREEZE_NOTIFICATION_DONE),
}, bc_names[] = {
	N(BC_TRANSACTION), N(BC_REPLY), N(BC_ACQUIRE_RESULT), N(BC_FREE_BUFFER), N(BC_INCREFS),
	N(BC_ACQUIRE), N(BC_RELEASE), N(BC_DECREFS), N(BC_INCREFS_DONE), N(BC_ACQUIRE_DONE),
	N(BC_ATTEMPT_ACQUIRE), N(BC_REGISTER_LOOPER), N(BC_ENTER_LOOPER), N(BC_EXIT_LOOPER),
	N(BC_REQUEST_DEATH_NOTIFICATION), N(BC_CLEAR_DEATH_NOTIFICATION), N(BC_DEAD_BINDER_DONE),
	N(BC_TRANSACTION_SG), N(BC_REPLY_SG), N(BC_REQUEST_FREEZE_NOTIFICATION),
	N(BC_CLEAR_FREEZE_NOTIFICATION), N(BC_FREEZE_NOTIFICATION_DONE),
#undef N
};

static const char *cmd_name(uint32_t cmd, int br)
{
	static char unknown[4][24];
	static unsigned next;
	size_t n = br ? sizeof(br_names) / sizeof(br_names[0]) : sizeof(bc_names) / sizeof(bc_names[0]);

	for (size_t i = 0; i < n; i++)
		if ((br ? br_names[i].cmd : bc_names[i].cmd) == cmd)
			return br ? br_names[i].name : bc_names[i].name;
	char *s = unknown[next++ % 4];
	snprintf(s, sizeof(unknown[0]), "%s(0x%x)", br ? "BR?" : "BC?", cmd);
	return s;
}

const char *bt_br_name(uint32_t br) { return cmd_name(br, 1); }
const char *bt_bc_name(uint32_t bc) { return cmd_name(bc, 0); }

/* ---- connection ------------------------------------------------------------------------------- */

int bt_ioctl(struct bt *b, unsigned long req, void *arg)
{
	return ioctl(b->fd, req, arg) < 0 ? -errno : 0;
}

static void reset_reader(struct bt *b)
{
	b->rlen = b->rpos = 0;
	b->read_size = sizeof(b->rbuf);
	b->spawn_requests = 0;
	b->nlog = 0;
	b->nnodes = 0;
	b->nested = NULL;
	b->nested_ctx = NULL;
}

int bt_try_open(struct bt *b, const char *dev, size_t map_size, unsigned flags)
{
	memset(b, 0, sizeof(*b));
	reset_reader(b);
	b->fd = open(dev, O_RDWR | O_CLOEXEC);
	if (b->fd < 0)
		return -errno;
	if (!(flags & BT_NO_MMAP)) {
		b->map = mmap(NULL, map_size, PROT_READ, MAP_PRIVATE, b->fd, 0);
		if (b->map == MAP_FAILED) {
			int e = -errno;
			close(b->fd);
			b->fd = -1;
			b->map = NULL;
			return e;
		}
		b->map_size = map_size;
	}
	if (!(flags & BT_NO_LOOPER))
		bt_thread_enter(b);
	return 0;
}

void bt_open(struct bt *b, const char *dev, size_t map_size, unsigned flags)
{
	int r = bt_try_open(b, dev, map_size, flags);

	if (r)
		bt_fail("cannot open and map %s: %s", dev, bt_errname(r));
}

void bt_open_default(struct bt *b)
{
	bt_open(b, bt_dev, BT_DEFAULT_MAP, 0);
}

void bt_close(struct bt *b)
{
	if (b->map)
		munmap(b->map, b->map_size);
	if (b->fd >= 0)
		close(b->fd);
	b->map = NULL;
	b->fd = -1;
}

void bt_clone(struct bt *dst, const struct bt *src)
{
	memset(dst, 0, sizeof(*dst));
	dst->fd = src->fd;
	dst->map = src->map;
	dst->map_size = src->map_size;
	reset_reader(dst);
}

void bt_thread_enter(struct bt *b)
{
	bt_write_cmd(b, BC_ENTER_LOOPER);
}

/* ---- BC command streams ----------------------------------------------------------------------- */

void bt_cmds_init(struct bt_cmds *c)
{
	c->len = 0;
}

void bt_put_raw(struct bt_cmds *c, const void *p, size_t n)
{
	if (c->len + n > sizeof(c->buf))
		bt_fail("command stream full (%zu + %zu bytes)", c->len, n);
	memcpy(c->buf + c->len, p, n);
	c->len += n;
}

void bt_put_u32(struct bt_cmds *c, uint32_t v) { bt_put_raw(c, &v, sizeof(v)); }
void bt_put_u64(struct bt_cmds *c, uint64_t v) { bt_put_raw(c, &v, sizeof(v)); }
void bt_put_cmd(struct bt_cmds *c, uint32_t bc) { bt_put_u32(c, bc); }

void bt_put_ref(struct bt_cmds *c, uint32_t bc, uint32_t handle)
{
	bt_put_u32(c, bc);
	bt_put_u32(c, handle);
}

void bt_put_ptr_cookie(struct bt_cmds *c, uint32_t bc, binder_uintptr_t ptr, binder_uintptr_t cookie)
{
	struct binder_ptr_cookie pc = { .ptr = ptr, .cookie = cookie };

	bt_put_u32(c, bc);
	bt_put_raw(c, &pc, sizeof(pc));
}

void bt_put_handle_cookie(struct bt_cmds *c, uint32_t bc, uint32_t handle, binder_uintptr_t cookie)
{
	struct binder_handle_cookie hc = { .handle = handle, .cookie = cookie };

	bt_put_u32(c, bc);
	bt_put_raw(c, &hc, sizeof(hc));	/* packed: 12 bytes */
}

void bt_put_cookie(struct bt_cmds *c, uint32_t bc, binder_uintptr_t cookie)
{
	bt_put_u32(c, bc);
	bt_put_raw(c, &cookie, sizeof(cookie));
}

void bt_put_free(struct bt_cmds *c, binder_uintptr_t buffer)
{
	bt_put_cookie(c, BC_FREE_BUFFER, buffer);
}

void bt_put_tr(struct bt_cmds *c, uint32_t bc, const struct binder_transaction_data *tr)
{
	bt_put_u32(c, bc);
	bt_put_raw(c, tr, sizeof(*tr));
}

void bt_put_tr_sg(struct bt_cmds *c, uint32_t bc, const struct binder_transaction_data *tr,
		  binder_size_t buffers_size)
{
	struct binder_transaction_data_sg sg = { .transaction_data = *tr, .buffers_size = buffers_size };

	bt_put_u32(c, bc);
	bt_put_raw(c, &sg, sizeof(sg));
}

int bt_try_write(struct bt *b, const void *buf, size_t len, binder_size_t *consumed)
{
	struct binder_write_read bwr = {
		.write_size = len,
		.write_buffer = PTR(buf),
	};
	int r = bt_ioctl(b, BINDER_WRITE_READ, &bwr);

	if (consumed)
		*consumed = bwr.write_consumed;
	return r;
}

void bt_write(struct bt *b, const struct bt_cmds *c)
{
	binder_size_t consumed = 0;
	int r = bt_try_write(b, c->buf, c->len, &consumed);

	if (r)
		bt_fail("BINDER_WRITE_READ writing %s...: %s", bt_bc_name(*(const uint32_t *)c->buf),
			bt_errname(r));
	if (consumed != c->len)
		bt_fail("BINDER_WRITE_READ consumed %llu of %zu bytes", (unsigned long long)consumed, c->len);
}

void bt_write_cmd(struct bt *b, uint32_t bc)
{
	struct bt_cmds c;

	bt_cmds_init(&c);
	bt_put_cmd(&c, bc);
	bt_write(b, &c);
}

void bt_write_ref(struct bt *b, uint32_t bc, uint32_t handle)
{
	struct bt_cmds c;

	bt_cmds_init(&c);
	bt_put_ref(&c, bc, handle);
	bt_write(b, &c);
}

/* ---- reading ---------------------------------------------------------------------------------- */

/* Payload size of a return the driver may send, or -1. */
static long br_payload(uint32_t cmd)
{
	switch (cmd) {
	case BR_ERROR: case BR_OK: case BR_TRANSACTION_SEC_CTX: case BR_TRANSACTION: case BR_REPLY:
	case BR_DEAD_REPLY: case BR_TRANSACTION_COMPLETE: case BR_INCREFS: case BR_ACQUIRE:
	case BR_RELEASE: case BR_DECREFS: case BR_NOOP: case BR_SPAWN_LOOPER: case BR_DEAD_BINDER:
	case BR_CLEAR_DEATH_NOTIFICATION_DONE: case BR_FAILED_REPLY: case BR_FROZEN_REPLY:
	case BR_ONEWAY_SPAM_SUSPECT: case BR_TRANSACTION_PENDING_FROZEN: case BR_FROZEN_BINDER:
	case BR_CLEAR_FREEZE_NOTIFICATION_DONE:
		return _IOC_SIZE(cmd);
	default:
		return -1;
	}
}

/* One BINDER_WRITE_READ read. */
static int read_once(struct bt *b, int timeout_ms)
{
	struct binder_write_read bwr = {
		.read_size = b->read_size,
		.read_buffer = PTR(b->rbuf),
	};
	int flags = 0, r;

	if (b->read_size > sizeof(b->rbuf))
		bt_fail("read_size %zu larger than the read buffer", b->read_size);
	if (timeout_ms > 0) {
		struct pollfd pfd = { .fd = b->fd, .events = POLLIN };

		r = poll(&pfd, 1, timeout_ms);
		if (r < 0)
			return -errno;
		if (r == 0)
			return -ETIMEDOUT;
	}
	if (timeout_ms == 0) {
		flags = fcntl(b->fd, F_GETFL);
		fcntl(b->fd, F_SETFL, flags | O_NONBLOCK);
	}
	r = bt_ioctl(b, BINDER_WRITE_READ, &bwr);
	if (timeout_ms == 0)
		fcntl(b->fd, F_SETFL, flags);
	if (r)
		return r;
	if (bwr.read_consumed > b->read_size)
		bt_fail("read_consumed %llu > read_size %zu", (unsigned long long)bwr.read_consumed,
			b->read_size);
	b->rlen = bwr.read_consumed;
	b->rpos = 0;
	return 0;
}

static void log_br(struct bt *b, uint32_t cmd)
{
	if (b->nlog < BT_LOG_MAX)
		b->log[b->nlog++] = cmd;
}

int bt_try_next(struct bt *b, struct bt_br *br, int timeout_ms)
{
	uint64_t deadline = timeout_ms > 0 ? bt_now_ms() + timeout_ms : 0;

	for (;;) {
		while (b->rpos < b->rlen) {
			uint32_t cmd;
			long size;

			if (b->rlen - b->rpos < sizeof(cmd))
				bt_fail("read ends inside a return code (%zu bytes left)", b->rlen - b->rpos);
			memcpy(&cmd, b->rbuf + b->rpos, sizeof(cmd));
			size = br_payload(cmd);
			if (size < 0)
				bt_fail("unknown return 0x%x at offset %zu of a %zu-byte read", cmd, b->rpos, b->rlen);
			if ((size_t)size > sizeof(br->u) || b->rlen - b->rpos - sizeof(cmd) < (size_t)size)
				bt_fail("%s truncated (%ld bytes, %zu left)", bt_br_name(cmd), size,
					b->rlen - b->rpos - sizeof(cmd));
			memset(br, 0, sizeof(*br));
			br->cmd = cmd;
			memcpy(&br->u, b->rbuf + b->rpos + sizeof(cmd), size);
			b->rpos += sizeof(cmd) + size;
			if (cmd == BR_NOOP)
				continue;
			if (cmd == BR_SPAWN_LOOPER) {
				b->spawn_requests++;
				continue;
			}
			log_br(b, cmd);
			return 0;
		}
		int wait = timeout_ms;
		if (timeout_ms > 0) {
			uint64_t now = bt_now_ms();
			if (now >= deadline)
				return -ETIMEDOUT;
			wait = (int)(deadline - now);
		}
		int r = read_once(b, wait);
		if (r)
			return r;
	}
}

void bt_next(struct bt *b, struct bt_br *br)
{
	int r = bt_try_next(b, br, -1);

	if (r)
		bt_fail("reading returns: %s", bt_errname(r));
}

void bt_expect_at(const char *file, int line, struct bt *b, uint32_t cmd, struct bt_br *out)
{
	struct bt_br br;
	int r = bt_try_next(b, &br, -1);

	if (r)
		bt_fail_at(file, line, "waiting for %s: read failed: %s", bt_br_name(cmd), bt_errname(r));
	if (br.cmd != cmd)
		bt_fail_at(file, line, "got %s, expected %s (log: %s)", bt_br_name(br.cmd),
			   bt_br_name(cmd), bt_log_str(b));
	if (out)
		*out = br;
}

void bt_expect_nothing_at(const char *file, int line, struct bt *b)
{
	struct bt_br br;
	int r = bt_try_next(b, &br, 0);

	if (r == 0)
		bt_fail_at(file, line, "got %s, expected nothing pending", bt_br_name(br.cmd));
	if (r != -EAGAIN)
		bt_fail_at(file, line, "non-blocking read: %s, expected EAGAIN", bt_errname(r));
}

void bt_log_clear(struct bt *b)
{
	b->nlog = 0;
}

const char *bt_log_str(const struct bt *b)
{
	static char s[2048];
	size_t n = 0;

	s[0] = 0;
	for (unsigned i = 0; i < b->nlog && n < sizeof(s) - 40; i++)
		n += snprintf(s + n, sizeof(s) - n, "%s%s", i ? " " : "", bt_br_name(b->log[i]));
	if (!b->nlog)
		snprintf(s, sizeof(s), "(nothing)");
	return s;
}

void bt_log_expect_at(const char *file, int line, struct bt *b, const uint32_t *cmds, size_t n)
{
	int same = b->nlog == n;

	for (size_t i = 0; same && i < n; i++)
		same = b->log[i] == cmds[i];
	if (!same) {
		char want[1024];
		size_t k = 0;

		want[0] = 0;
		for (size_t i = 0; i < n && k < sizeof(want) - 40; i++)
			k += snprintf(want + k, sizeof(want) - k, "%s%s", i ? " " : "", bt_br_name(cmds[i]));
		bt_fail_at(file, line, "returns were: %s; expected: %s", bt_log_str(b), want);
	}
}

static struct bt_node_state *node_slot(struct bt *b, binder_uintptr_t ptr, binder_uintptr_t cookie)
{
	for (unsigned i = 0; i < b->nnodes; i++)
		if (b->nodes[i].ptr == ptr)
			return &b->nodes[i];
	if (b->nnodes == BT_NODES_MAX)
		bt_fail("too many nodes to track");
	b->nodes[b->nnodes] = (struct bt_node_state){ .ptr = ptr, .cookie = cookie, .weak = 0, .strong = 0 };
	return &b->nodes[b->nnodes++];
}

uint32_t bt_wait(struct bt *b, struct bt_br *br)
{
	for (;;) {
		bt_next(b, br);
		struct bt_cmds c;
		struct bt_node_state *n;

		switch (br->cmd) {
		case BR_INCREFS:
		case BR_ACQUIRE:
			n = node_slot(b, br->u.pc.ptr, br->u.pc.cookie);
			if (br->cmd == BR_INCREFS)
				n->weak = 1;
			else
				n->strong = 1;
			bt_cmds_init(&c);
			bt_put_ptr_cookie(&c, br->cmd == BR_INCREFS ? BC_INCREFS_DONE : BC_ACQUIRE_DONE,
					  br->u.pc.ptr, br->u.pc.cookie);
			bt_write(b, &c);
			continue;
		case BR_RELEASE:
			node_slot(b, br->u.pc.ptr, br->u.pc.cookie)->strong = 0;
			continue;
		case BR_DECREFS:
			node_slot(b, br->u.pc.ptr, br->u.pc.cookie)->weak = 0;
			continue;
		default:
			return br->cmd;
		}
	}
}

struct bt_node_state bt_node(const struct bt *b, binder_uintptr_t ptr)
{
	for (unsigned i = 0; i < b->nnodes; i++)
		if (b->nodes[i].ptr == ptr)
			return b->nodes[i];
	return (struct bt_node_state){ .ptr = ptr, .weak = -1, .strong = -1 };
}

/* ---- payloads ----------------------------------------------------------------------------------- */

void bt_parcel_init(struct bt_parcel *p)
{
	memset(p, 0, sizeof(*p));
	p->data = p->inline_data;
	p->cap = sizeof(p->inline_data);
}

void bt_parcel_init_ext(struct bt_parcel *p, void *data, size_t len)
{
	bt_parcel_init(p);
	p->data = data;
	p->len = p->cap = len;
}

static void parcel_align(struct bt_parcel *p, size_t a)
{
	size_t to = ALIGN_UP(p->len, a);

	if (to > p->cap)
		bt_fail("parcel full");
	memset(p->data + p->len, 0, to - p->len);
	p->len = to;
}

void *bt_parcel_put(struct bt_parcel *p, const void *src, size_t n)
{
	parcel_align(p, 4);
	if (p->len + n > p->cap)
		bt_fail("parcel full (%zu + %zu bytes)", p->len, n);
	void *at = p->data + p->len;
	if (src)
		memcpy(at, src, n);
	else
		memset(at, 0, n);
	p->len += n;
	parcel_align(p, 4);
	return at;
}

void bt_parcel_put_u32(struct bt_parcel *p, uint32_t v) { bt_parcel_put(p, &v, sizeof(v)); }
void bt_parcel_put_u64(struct bt_parcel *p, uint64_t v) { bt_parcel_put(p, &v, sizeof(v)); }

void bt_parcel_put_str(struct bt_parcel *p, const char *s)
{
	uint32_t n = strlen(s);

	bt_parcel_put_u32(p, n);
	bt_parcel_put(p, s, n);
}

size_t bt_parcel_put_obj(struct bt_parcel *p, const void *obj, size_t size)
{
	if (p->nobj == BT_PARCEL_OBJS)
		bt_fail("too many objects in a parcel");
	parcel_align(p, 8);
	p->offs[p->nobj] = p->len;
	bt_parcel_put(p, obj, size);
	return p->nobj++;
}

static size_t put_fbo(struct bt_parcel *p, uint32_t type, uint32_t flags, binder_uintptr_t binder,
		      uint32_t handle, binder_uintptr_t cookie)
{
	struct flat_binder_object o;

	memset(&o, 0, sizeof(o));
	o.hdr.type = type;
	o.flags = flags;
	if (type == BINDER_TYPE_BINDER || type == BINDER_TYPE_WEAK_BINDER)
		o.binder = binder;
	else
		o.handle = handle;
	o.cookie = cookie;
	return bt_parcel_put_obj(p, &o, sizeof(o));
}

size_t bt_parcel_put_binder(struct bt_parcel *p, binder_uintptr_t ptr, binder_uintptr_t cookie, uint32_t flags)
{
	return put_fbo(p, BINDER_TYPE_BINDER, flags, ptr, 0, cookie);
}

size_t bt_parcel_put_weak_binder(struct bt_parcel *p, binder_uintptr_t ptr, binder_uintptr_t cookie, uint32_t flags)
{
	return put_fbo(p, BINDER_TYPE_WEAK_BINDER, flags, ptr, 0, cookie);
}

size_t bt_parcel_put_handle(struct bt_parcel *p, uint32_t handle)
{
	return put_fbo(p, BINDER_TYPE_HANDLE, 0, 0, handle, 0);
}

size_t bt_parcel_put_weak_handle(struct bt_parcel *p, uint32_t handle)
{
	return put_fbo(p, BINDER_TYPE_WEAK_HANDLE, 0, 0, handle, 0);
}

size_t bt_parcel_put_fd(struct bt_parcel *p, int fd, binder_uintptr_t cookie)
{
	struct binder_fd_object o;

	memset(&o, 0, sizeof(o));
	o.hdr.type = BINDER_TYPE_FD;
	o.fd = fd;
	o.cookie = cookie;
	return bt_parcel_put_obj(p, &o, sizeof(o));
}

size_t bt_parcel_put_ptr(struct bt_parcel *p, const void *buf, size_t len, long parent, size_t parent_offset)
{
	struct binder_buffer_object o;

	memset(&o, 0, sizeof(o));
	o.hdr.type = BINDER_TYPE_PTR;
	o.flags = parent >= 0 ? BINDER_BUFFER_FLAG_HAS_PARENT : 0;
	o.buffer = PTR(buf);
	o.length = len;
	o.parent = parent >= 0 ? (binder_size_t)parent : 0;
	o.parent_offset = parent >= 0 ? parent_offset : 0;
	p->buffers_size += ALIGN_UP((binder_size_t)len, 8);
	return bt_parcel_put_obj(p, &o, sizeof(o));
}

size_t bt_parcel_put_fda(struct bt_parcel *p, size_t num_fds, size_t parent, size_t parent_offset)
{
	struct binder_fd_array_object o;

	memset(&o, 0, sizeof(o));
	o.hdr.type = BINDER_TYPE_FDA;
	o.num_fds = num_fds;
	o.parent = parent;
	o.parent_offset = parent_offset;
	return bt_parcel_put_obj(p, &o, sizeof(o));
}

void bt_parcel_tr(const struct bt_parcel *p, struct binder_transaction_data *tr, uint32_t handle,
		  uint32_t code, uint32_t flags)
{
	memset(tr, 0, sizeof(*tr));
	tr->target.handle = handle;
	tr->code = code;
	tr->flags = flags;
	if (p) {
		tr->data_size = p->len;
		tr->offsets_size = p->nobj * sizeof(binder_size_t);
		tr->data.ptr.buffer = PTR(p->data);
		tr->data.ptr.offsets = PTR(p->offs);
	}
}

/* ---- received transactions ---------------------------------------------------------------------- */

void bt_txn_from_br(struct bt_txn *t, const struct bt_br *br)
{
	memset(t, 0, sizeof(*t));
	t->cmd = br->cmd;
	t->tr = br->u.tr;
	if (br->cmd == BR_TRANSACTION_SEC_CTX)
		t->secctx = br->u.trs.secctx;
}

const uint8_t *bt_txn_data(const struct bt_txn *t)
{
	return (const uint8_t *)(uintptr_t)t->tr.data.ptr.buffer;
}

size_t bt_txn_nobj(const struct bt_txn *t)
{
	return t->tr.offsets_size / sizeof(binder_size_t);
}

binder_size_t bt_txn_off(const struct bt_txn *t, size_t i)
{
	binder_size_t off;

	if (i >= bt_txn_nobj(t))
		bt_fail("object %zu of %zu", i, bt_txn_nobj(t));
	memcpy(&off, (const uint8_t *)(uintptr_t)t->tr.data.ptr.offsets + i * sizeof(off), sizeof(off));
	return off;
}

const void *bt_txn_obj(const struct bt_txn *t, size_t i)
{
	binder_size_t off = bt_txn_off(t, i);

	if (off + sizeof(struct binder_object_header) > t->tr.data_size)
		bt_fail("object %zu at offset %llu outside %llu bytes of data", i,
			(unsigned long long)off, (unsigned long long)t->tr.data_size);
	return bt_txn_data(t) + off;
}

const struct flat_binder_object *bt_txn_fbo(const struct bt_txn *t, size_t i)
{
	const struct flat_binder_object *o = bt_txn_obj(t, i);

	if (bt_txn_off(t, i) + sizeof(*o) > t->tr.data_size)
		bt_fail("object %zu truncated", i);
	return o;
}

static const void *txn_take(struct bt_txn *t, size_t n)
{
	size_t at = ALIGN_UP(t->rpos, 4);

	if (at + n > t->tr.data_size)
		bt_fail("reading %zu bytes at %zu of a %llu-byte transaction", n, at,
			(unsigned long long)t->tr.data_size);
	t->rpos = ALIGN_UP(at + n, 4);
	return bt_txn_data(t) + at;
}

uint32_t bt_txn_u32(struct bt_txn *t)
{
	uint32_t v;

	memcpy(&v, txn_take(t, sizeof(v)), sizeof(v));
	return v;
}

uint64_t bt_txn_u64(struct bt_txn *t)
{
	uint64_t v;

	memcpy(&v, txn_take(t, sizeof(v)), sizeof(v));
	return v;
}

void bt_txn_str(struct bt_txn *t, char *buf, size_t size)
{
	uint32_t n = bt_txn_u32(t);

	if (n >= size)
		bt_fail("string of %u bytes", n);
	memcpy(buf, txn_take(t, n), n);
	buf[n] = 0;
}

/* ---- transactions ------------------------------------------------------------------------------- */

static void write_txn(struct bt *b, uint32_t bc, uint32_t handle, uint32_t code, uint32_t flags,
		      const struct bt_parcel *p, binder_uintptr_t free_first)
{
	struct binder_transaction_data tr;
	struct bt_cmds c;

	bt_parcel_tr(p, &tr, handle, code, flags);
	bt_cmds_init(&c);
	if (free_first)
		bt_put_free(&c, free_first);
	if (p && p->buffers_size)
		bt_put_tr_sg(&c, bc == BC_REPLY ? BC_REPLY_SG : BC_TRANSACTION_SG, &tr, p->buffers_size);
	else
		bt_put_tr(&c, bc, &tr);
	bt_write(b, &c);
}

uint32_t bt_call(struct bt *b, uint32_t handle, uint32_t code, uint32_t flags,
		 const struct bt_parcel *p, struct bt_txn *reply)
{
	struct bt_br br;

	if (flags & TF_ONE_WAY)
		bt_fail("bt_call is for synchronous transactions");
	write_txn(b, BC_TRANSACTION, handle, code, flags, p, 0);
	for (;;) {
		uint32_t cmd = bt_wait(b, &br);
		struct bt_txn t;

		switch (cmd) {
		case BR_TRANSACTION_COMPLETE:
			continue;
		case BR_REPLY:
			if (reply)
				bt_txn_from_br(reply, &br);
			else
				bt_free(b, &(struct bt_txn){ .tr = br.u.tr });
			return cmd;
		case BR_DEAD_REPLY:
		case BR_FAILED_REPLY:
		case BR_FROZEN_REPLY:
			return cmd;
		case BR_TRANSACTION:
		case BR_TRANSACTION_SEC_CTX:
			if (!b->nested)
				bt_fail("%s while waiting for a reply, and no nested handler", bt_br_name(cmd));
			bt_txn_from_br(&t, &br);
			b->nested(b, &t, b->nested_ctx);
			continue;
		default:
			bt_fail("%s while waiting for a reply (log: %s)", bt_br_name(cmd), bt_log_str(b));
		}
	}
}

uint32_t bt_oneway(struct bt *b, uint32_t handle, uint32_t code, uint32_t flags,
		   const struct bt_parcel *p)
{
	struct bt_br br;

	write_txn(b, BC_TRANSACTION, handle, code, flags | TF_ONE_WAY, p, 0);
	return bt_wait(b, &br);
}

uint32_t bt_reply(struct bt *b, const struct bt_parcel *p, uint32_t flags)
{
	struct bt_br br;

	write_txn(b, BC_REPLY, 0, 0, flags, p, 0);
	return bt_wait(b, &br);
}

void bt_free(struct bt *b, const struct bt_txn *t)
{
	struct bt_cmds c;

	bt_cmds_init(&c);
	bt_put_free(&c, t->tr.data.ptr.buffer);
	bt_write(b, &c);
}

void bt_reply_free(struct bt *b, struct bt_txn *t, const struct bt_parcel *p)
{
	struct bt_br br;

	write_txn(b, BC_REPLY, 0, 0, 0, p, t->tr.data.ptr.buffer);
	uint32_t cmd = bt_wait(b, &br);
	if (cmd != BR_TRANSACTION_COMPLETE)
		bt_fail("reply answered with %s, expected BR_TRANSACTION_COMPLETE", bt_br_name(cmd));
}

void bt_recv_txn(struct bt *b, struct bt_txn *t)
{
	struct bt_br br;
	uint32_t cmd = bt_wait(b, &br);

	if (cmd != BR_TRANSACTION && cmd != BR_TRANSACTION_SEC_CTX)
		bt_fail("got %s, expected BR_TRANSACTION (log: %s)", bt_br_name(cmd), bt_log_str(b));
	bt_txn_from_br(t, &br);
}

void bt_serve(struct bt *b, int (*fn)(struct bt *b, struct bt_txn *t, void *ctx), void *ctx)
{
	for (;;) {
		struct bt_txn t;

		bt_recv_txn(b, &t);
		if (fn(b, &t, ctx))
			return;
	}
}

struct binder_extended_error bt_ext_error(struct bt *b)
{
	struct binder_extended_error ee;

	memset(&ee, 0xa5, sizeof(ee));
	int r = bt_ioctl(b, BINDER_GET_EXTENDED_ERROR, &ee);
	if (r)
		bt_fail("BINDER_GET_EXTENDED_ERROR: %s", bt_errname(r));
	return ee;
}
