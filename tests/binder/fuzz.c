// SPDX-License-Identifier: GPL-2.0
/*
 * binder_fuzz: seeded random binder traffic from several processes, bounded in time.
 *
 * Workers (one of them the context manager) open the device and, from a per-worker seed, do
 * random operations: transactions (sync and one-way, to handle 0, to handles they learnt, to
 * bogus handles) with random data and random objects (binders, handles, fds, fd arrays,
 * scatter-gather buffers with parents, garbage types) at mostly-valid, sometimes corrupted
 * offsets and sizes; replies; buffer frees (also double and bogus ones); reference commands;
 * death and freeze notifications; malformed command streams; every ioctl with good, bad and
 * random arguments; freezing each other; helper threads that leave with BINDER_THREAD_EXIT;
 * epoll; closing and reopening the device; children that inherit the descriptor. The parent
 * kills a worker with SIGKILL every few seconds and starts a new one in its place.
 *
 * The kernel is judged by the QEMU harness (KASAN, lockdep, UBSAN, kmemleak, WARN, oops).
 * The fuzzer itself checks what user space can: every return stream parses (known BR codes,
 * whole payloads, read_consumed within read_size), ioctls fail only with errnos the driver
 * uses, and no worker dies of anything but our own SIGKILL or hangs past the end.
 *
 * The kernel only ever writes into memory set aside for it (read buffers and scratch), never
 * into the fuzzer's own state, and only descriptors of pipes and /dev/null are sent (a binder
 * descriptor in flight in both directions is a reference cycle no one would break).
 *
 * usage: binder_fuzz [-d DEVICE] [-s SEED] [-t SECONDS] [-p WORKERS]
 */
#define _GNU_SOURCE
#include "bt.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_WORKERS 16
#define MAP_SIZE (256 * 1024)
#define SCRATCH_SIZE 16384
#define RBUF_SIZE 4096
#define DATA_MAX (64 * 1024)

struct shared {
	volatile int stop;
	pid_t pids[MAX_WORKERS];
	uint64_t ops[MAX_WORKERS];
	uint64_t txns_ok, txns_failed;
	uint64_t why_failed[3][160];	/* BR_DEAD/FAILED/FROZEN_REPLY by -errno (extended error) */
	int failed;
	char why[256];
};

static struct shared *sh;
static const char *dev = "/dev/binder";

/* ---- randomness -------------------------------------------------------------------------------- */

struct rng {
	uint64_t s;
};

static uint64_t rnext(struct rng *r)
{
	uint64_t x = r->s;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	r->s = x;
	return x * 0x2545f4914f6cdd1dULL;
}

static uint32_t rnd(struct rng *r, uint32_t n)
{
	return n ? (uint32_t)(rnext(r) % n) : 0;
}

static int chance(struct rng *r, unsigned percent)
{
	return rnd(r, 100) < percent;
}

/* ---- worker state ------------------------------------------------------------------------------ */

struct fz {
	struct rng r;
	int id;
	int fd;
	void *map;
	int is_mgr;
	uint32_t handles[64];
	unsigned nh;
	binder_uintptr_t bufs[64];
	unsigned nb;
	binder_uintptr_t dead[16];
	unsigned ndead;
	binder_uintptr_t frozen_cookies[16];
	unsigned nfrozen;
	pid_t froze[MAX_WORKERS];
	int safe_fds[3];
	/* Memory the kernel may write into (or read garbage from). */
	uint8_t *scratch;
	uint8_t *rbuf;
	uint8_t *data;
	binder_size_t offs[16];
	uint64_t *ops;		/* operation counter (workers only) */
	int helpers;		/* live helper threads of a worker */
	int *owner_helpers;	/* a helper's worker's count */
	int awaiting;		/* a call of this thread waits for its outcome */
};

__attribute__((noreturn, format(printf, 2, 3))) static void die(struct fz *f, const char *fmt, ...)
{
	char msg[200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fprintf(stderr, "binder_fuzz: worker %d (pid %d): %s\n", f ? f->id : -1, getpid(), msg);
	if (sh && !__atomic_exchange_n(&sh->failed, 1, __ATOMIC_SEQ_CST))
		snprintf(sh->why, sizeof(sh->why), "worker %d: %s", f ? f->id : -1, msg);
	_exit(1);
}

/* ioctl, checking that a failure is one the driver may give. */
static int fz_ioctl(struct fz *f, unsigned long req, void *arg)
{
	if (ioctl(f->fd, req, arg) == 0)
		return 0;
	int e = errno;
	switch (e) {
	case EINVAL: case EFAULT: case EAGAIN: case EBUSY: case EPERM: case EINTR: case ENOMEM:
	case EBADF:	/* our own descriptor games */
		return -e;
	default:
		die(f, "ioctl 0x%lx failed with errno %d (%s)", req, e, strerror(e));
	}
}

static void add_handle(struct fz *f, uint32_t h)
{
	for (unsigned i = 0; i < f->nh; i++)
		if (f->handles[i] == h)
			return;
	if (f->nh < 64)
		f->handles[f->nh++] = h;
	else
		f->handles[rnd(&f->r, 64)] = h;
}

static uint32_t pick_handle(struct fz *f)
{
	uint32_t k = rnd(&f->r, 100);

	if (k < 25 || !f->nh)
		return k < 90 ? 0 : rnd(&f->r, 40);
	if (k < 90)
		return f->handles[rnd(&f->r, f->nh)];
	return k < 95 ? rnd(&f->r, 200) : 0xffffffffu - rnd(&f->r, 3);
}

/* A pointer for the kernel to read: good data, or not. */
static binder_uintptr_t pick_src(struct fz *f, const void *good)
{
	switch (rnd(&f->r, 40)) {
	case 0: return 0;
	case 1: return 1;
	case 2: return 0xdead0000;
	case 3: return (binder_uintptr_t)-4096;
	case 4: return (binder_uintptr_t)(uintptr_t)f->scratch + rnd(&f->r, SCRATCH_SIZE);
	default: return (binder_uintptr_t)(uintptr_t)good;
	}
}

static int pick_fd(struct fz *f)
{
	switch (rnd(&f->r, 10)) {
	case 0: return -1;
	case 1: return 9999;
	default: return f->safe_fds[rnd(&f->r, 3)];
	}
}

/* ---- writing ----------------------------------------------------------------------------------- */

static void fz_write(struct fz *f, const void *buf, size_t len)
{
	struct binder_write_read bwr = { .write_size = len, .write_buffer = (binder_uintptr_t)(uintptr_t)buf };

	fz_ioctl(f, BINDER_WRITE_READ, &bwr);
	if (len && bwr.write_consumed > len + 64)
		die(f, "write_consumed %llu for %zu bytes", (unsigned long long)bwr.write_consumed, len);
}

/* Command buffers are CMDS_MAX bytes; commands that would not fit are dropped. */
#define CMDS_MAX 2048

static void put(uint8_t *buf, size_t *len, const void *p, size_t n)
{
	if (*len + n <= CMDS_MAX) {
		memcpy(buf + *len, p, n);
		*len += n;
	}
}

static void put32(uint8_t *buf, size_t *len, uint32_t v) { put(buf, len, &v, 4); }
static void put64(uint8_t *buf, size_t *len, uint64_t v) { put(buf, len, &v, 8); }

/* Builds a random payload into f->data / f->offs; returns the transaction and buffers_size.
 * Mostly a well-formed one (objects the driver will translate: known handles, our nodes with
 * their cookies, our pipe descriptors, scatter-gather trees that follow the fix-up rules) so
 * that transactions get delivered; otherwise anything goes (bogus handles, types, parents,
 * sizes, offsets, pointers). */
static binder_size_t build_payload(struct fz *f, struct binder_transaction_data *tr)
{
	size_t len, nobj = 0;
	binder_size_t sg = 0;
	int valid = chance(&f->r, 70);
	uint32_t k = rnd(&f->r, 100);
	size_t size = k < 40 ? rnd(&f->r, 64) : k < 80 ? rnd(&f->r, 1024) : k < 97 ? rnd(&f->r, 8192) : rnd(&f->r, DATA_MAX);
	/* Scatter-gather bookkeeping for well-formed trees: the last buffer and the lowest
	 * offset a new fix-up in it may use. */
	long last_ptr = -1;
	size_t last_len = 0, last_min = 0;

	/* Plain bytes first: at least 8, so that no buffer object sits at data offset 0 (the
	 * driver would refuse every fix-up into it). */
	len = 8 + rnd(&f->r, 4) * 4;
	for (size_t i = 0; i < len; i++)
		f->data[i] = (uint8_t)rnext(&f->r);
	unsigned n = chance(&f->r, 60) ? rnd(&f->r, 6) : 0;
	for (unsigned i = 0; i < n && len + 48 < DATA_MAX; i++) {
		len = (len + 7) & ~(size_t)7;
		if (!valid && chance(&f->r, 5))
			len += 4;	/* misaligned on purpose */
		uint8_t *o = f->data + len;
		size_t osz = 24;
		memset(o, 0, 40);
		uint32_t type;
		switch (rnd(&f->r, valid ? 8 : 9)) {
		case 0: case 1: {	/* binder or weak binder */
			struct flat_binder_object fb = { .hdr.type = chance(&f->r, 70) ? BINDER_TYPE_BINDER : BINDER_TYPE_WEAK_BINDER };
			fb.binder = 0x1000 * (1 + rnd(&f->r, 8));
			fb.cookie = valid || chance(&f->r, 90) ? fb.binder + 1 : rnext(&f->r);
			fb.flags = valid ? FLAT_BINDER_FLAG_ACCEPTS_FDS | rnd(&f->r, 20)
				 : chance(&f->r, 50) ? FLAT_BINDER_FLAG_ACCEPTS_FDS : (uint32_t)rnext(&f->r);
			memcpy(o, &fb, sizeof(fb));
			break;
		}
		case 2: case 3: {	/* handle or weak handle */
			struct flat_binder_object fb = { .hdr.type = chance(&f->r, 70) ? BINDER_TYPE_HANDLE : BINDER_TYPE_WEAK_HANDLE };
			if (valid && !f->nh)
				continue;
			fb.handle = valid ? f->handles[rnd(&f->r, f->nh)] : pick_handle(f);
			memcpy(o, &fb, sizeof(fb));
			break;
		}
		case 4: {
			struct binder_fd_object fo = { .hdr.type = BINDER_TYPE_FD, .cookie = rnext(&f->r) };
			fo.fd = valid ? f->safe_fds[rnd(&f->r, 3)] : pick_fd(f);
			memcpy(o, &fo, sizeof(fo));
			break;
		}
		case 5: case 6: {	/* a scatter-gather buffer in scratch (holding fds too) */
			struct binder_buffer_object bo = { .hdr.type = BINDER_TYPE_PTR };
			size_t blen = (valid ? 8 : 0) + rnd(&f->r, 128);
			size_t at = rnd(&f->r, SCRATCH_SIZE - 256) & ~(size_t)7;
			for (size_t q = 0; q + 4 <= blen; q += 4) {
				uint32_t v = chance(&f->r, 50) ? (uint32_t)f->safe_fds[rnd(&f->r, 3)] : (uint32_t)rnext(&f->r);
				memcpy(f->scratch + at + q, &v, 4);
			}
			bo.buffer = valid ? (binder_uintptr_t)(uintptr_t)(f->scratch + at) : pick_src(f, f->scratch + at);
			bo.length = valid || chance(&f->r, 95) ? blen : rnext(&f->r);
			if (valid && last_ptr >= 0 && last_min + 8 <= last_len && chance(&f->r, 50)) {
				/* A child of the last buffer, at an increasing offset. */
				bo.flags = BINDER_BUFFER_FLAG_HAS_PARENT;
				bo.parent = last_ptr;
				bo.parent_offset = last_min + 8 * rnd(&f->r, (last_len - last_min) / 8);
				if (bo.parent_offset + 8 > last_len)
					bo.parent_offset = last_min;
			} else if (!valid && nobj && chance(&f->r, 60)) {
				bo.flags = BINDER_BUFFER_FLAG_HAS_PARENT;
				bo.parent = chance(&f->r, 90) ? rnd(&f->r, nobj) : rnext(&f->r);
				bo.parent_offset = rnd(&f->r, 128);
			}
			last_ptr = nobj;
			last_len = bo.length;
			last_min = 0;
			sg += (bo.length + 7) & ~(binder_size_t)7;
			memcpy(o, &bo, sizeof(bo));
			osz = sizeof(bo);
			break;
		}
		case 7: {
			struct binder_fd_array_object fa = { .hdr.type = BINDER_TYPE_FDA };
			if (valid) {
				if (last_ptr < 0 || last_min + 4 > last_len)
					continue;
				fa.num_fds = rnd(&f->r, (last_len - last_min) / 4 + 1);
				fa.parent = last_ptr;
				fa.parent_offset = last_min;
				/* The descriptors there must be ours to send. */
				const struct binder_buffer_object *po = (const void *)(f->data + f->offs[last_ptr]);
				for (size_t q = 0; q < fa.num_fds; q++) {
					uint32_t v = f->safe_fds[rnd(&f->r, 3)];
					memcpy((uint8_t *)(uintptr_t)po->buffer + last_min + 4 * q, &v, 4);
				}
				last_min += 4 * fa.num_fds;
			} else {
				fa.num_fds = chance(&f->r, 90) ? rnd(&f->r, 5) : rnext(&f->r);
				fa.parent = nobj ? rnd(&f->r, nobj + 1) : 0;
				fa.parent_offset = rnd(&f->r, 64) & ~(binder_size_t)(chance(&f->r, 90) ? 3 : 0);
			}
			memcpy(o, &fa, sizeof(fa));
			osz = sizeof(fa);
			break;
		}
		default:	/* garbage */
			type = (uint32_t)rnext(&f->r);
			memcpy(o, &type, 4);
			break;
		}
		f->offs[nobj++] = len;
		len += osz;
	}
	if (len < size && size <= DATA_MAX) {
		for (size_t i = len; i < size; i += 64)
			f->data[i] = (uint8_t)i;
		len = size;
	}
	memset(tr, 0, sizeof(*tr));
	tr->data_size = len;
	tr->offsets_size = nobj * sizeof(binder_size_t);
	tr->data.ptr.buffer = (binder_uintptr_t)(uintptr_t)f->data;
	tr->data.ptr.offsets = (binder_uintptr_t)(uintptr_t)f->offs;
	if (valid)
		return sg;
	/* Corrupt something now and then. */
	if (nobj && chance(&f->r, 20)) {
		size_t i = rnd(&f->r, nobj);
		switch (rnd(&f->r, 4)) {
		case 0: f->offs[i] += 1 + rnd(&f->r, 3); break;
		case 1: f->offs[i] = rnext(&f->r); break;
		case 2: f->offs[i] = f->offs[rnd(&f->r, nobj)]; break;
		default: f->offs[i] = len - rnd(&f->r, 24); break;
		}
	}
	if (chance(&f->r, 10))
		tr->data_size = rnext(&f->r) >> rnd(&f->r, 64);
	if (chance(&f->r, 10))
		tr->offsets_size = rnd(&f->r, 200);
	tr->data.ptr.buffer = pick_src(f, f->data);
	tr->data.ptr.offsets = pick_src(f, f->offs);
	if (chance(&f->r, 10))
		sg = rnext(&f->r) >> rnd(&f->r, 64);
	else if (chance(&f->r, 20))
		sg += 8 * rnd(&f->r, 8);
	return sg;
}

static void send_txn(struct fz *f, int reply, int oneway)
{
	struct binder_transaction_data tr;
	binder_size_t sg = build_payload(f, &tr);
	uint8_t cmds[CMDS_MAX];
	size_t len = 0;

	tr.target.handle = reply ? 0 : pick_handle(f);
	tr.code = rnd(&f->r, 10) ? rnd(&f->r, 16) : (uint32_t)rnext(&f->r);
	tr.flags = oneway ? TF_ONE_WAY : 0;
	if (chance(&f->r, 30))
		tr.flags |= TF_ACCEPT_FDS;
	if (chance(&f->r, 10))
		tr.flags |= TF_CLEAR_BUF;
	if (chance(&f->r, 10))
		tr.flags |= TF_UPDATE_TXN;
	if (chance(&f->r, 3))
		tr.flags |= (uint32_t)rnext(&f->r);
	if (sg || chance(&f->r, 5)) {
		struct binder_transaction_data_sg s = { .transaction_data = tr, .buffers_size = sg };
		put32(cmds, &len, reply ? BC_REPLY_SG : BC_TRANSACTION_SG);
		put(cmds, &len, &s, sizeof(s));
	} else {
		put32(cmds, &len, reply ? BC_REPLY : BC_TRANSACTION);
		put(cmds, &len, &tr, sizeof(tr));
	}
	fz_write(f, cmds, len);
}

/* ---- reading ----------------------------------------------------------------------------------- */

/* Closes the descriptors we received, learns the handles (and mostly keeps a reference to
 * them beyond the buffer: BC_ACQUIRE / BC_INCREFS into cmds, before the buffer's free). */
static void scan_objects(struct fz *f, const struct binder_transaction_data *tr, uint8_t *cmds, size_t *len)
{
	const uint8_t *data = (const uint8_t *)(uintptr_t)tr->data.ptr.buffer;
	const uint8_t *offs = (const uint8_t *)(uintptr_t)tr->data.ptr.offsets;

	for (size_t i = 0; i < tr->offsets_size / sizeof(binder_size_t); i++) {
		binder_size_t off;
		uint32_t type;

		memcpy(&off, offs + i * sizeof(off), sizeof(off));
		if (off + sizeof(struct binder_fd_object) > tr->data_size)
			die(f, "received object %zu at %llu beyond %llu bytes", i, (unsigned long long)off,
			    (unsigned long long)tr->data_size);
		memcpy(&type, data + off, 4);
		if (type == BINDER_TYPE_FD) {
			struct binder_fd_object fo;
			memcpy(&fo, data + off, sizeof(fo));
			close((int)fo.fd);
		} else if (type == BINDER_TYPE_HANDLE || type == BINDER_TYPE_WEAK_HANDLE) {
			struct flat_binder_object fb;
			memcpy(&fb, data + off, sizeof(fb));
			add_handle(f, fb.handle);
			if (chance(&f->r, 80)) {
				put32(cmds, len, type == BINDER_TYPE_HANDLE ? BC_ACQUIRE : BC_INCREFS);
				put32(cmds, len, fb.handle);
			}
		}
		/* Fd array descriptors are closed by the driver when the buffer is freed. */
	}
}

static void keep_buffer(struct fz *f, binder_uintptr_t p)
{
	uint8_t cmds[CMDS_MAX];
	size_t len = 0;

	if (f->nb == 64) {	/* free the oldest */
		put32(cmds, &len, BC_FREE_BUFFER);
		put64(cmds, &len, f->bufs[0]);
		fz_write(f, cmds, len);
		memmove(f->bufs, f->bufs + 1, 63 * sizeof(f->bufs[0]));
		f->nb--;
	}
	f->bufs[f->nb++] = p;
}

/* One non-blocking read; handles what came. Returns how many returns. */
static int do_read(struct fz *f)
{
	struct binder_write_read bwr = { .read_buffer = (binder_uintptr_t)(uintptr_t)f->rbuf };
	uint8_t cmds[CMDS_MAX];
	size_t len = 0;
	int n = 0;

	bwr.read_size = chance(&f->r, 95) ? RBUF_SIZE : rnd(&f->r, 200);
	if (bwr.read_size == RBUF_SIZE && chance(&f->r, 2)) {
		bwr.read_consumed = rnd(&f->r, 16);
		/* Both drivers write a BR_SPAWN_LOOPER over bytes 0-3 of the read buffer, not at
		 * read_consumed (binder_thread_read's `done:`), so a start of 1-3 would see its first
		 * return clobbered; 5-7 keep the unaligned case without the overlap. */
		if (bwr.read_consumed >= 1 && bwr.read_consumed <= 3)
			bwr.read_consumed += 4;
	}
	binder_size_t start = bwr.read_consumed;
	if (fz_ioctl(f, BINDER_WRITE_READ, &bwr))
		return 0;
	/* With fewer than 4 bytes of room the C driver writes its BR_NOOP and then keeps going
	 * past read_size (its room check compares a negative difference as unsigned); only
	 * user memory, ours (the data area follows the read buffer), so allowed here. */
	if (bwr.read_consumed > bwr.read_size && bwr.read_size >= start + 4)
		die(f, "read_consumed %llu > read_size %llu", (unsigned long long)bwr.read_consumed,
		    (unsigned long long)bwr.read_size);
	if (bwr.read_consumed > RBUF_SIZE + DATA_MAX)
		die(f, "read_consumed %llu", (unsigned long long)bwr.read_consumed);
	for (size_t p = start; p < bwr.read_consumed;) {
		uint32_t cmd;

		if (bwr.read_consumed - p < 4)
			die(f, "return stream ends inside a code");
		memcpy(&cmd, f->rbuf + p, 4);
		p += 4;
		size_t sz = _IOC_SIZE(cmd);
		switch (cmd) {
		case BR_NOOP: case BR_SPAWN_LOOPER: case BR_TRANSACTION_COMPLETE: case BR_DEAD_REPLY:
		case BR_FAILED_REPLY: case BR_FROZEN_REPLY: case BR_ONEWAY_SPAM_SUSPECT:
		case BR_TRANSACTION_PENDING_FROZEN: case BR_ERROR: case BR_OK:
		case BR_CLEAR_DEATH_NOTIFICATION_DONE: case BR_CLEAR_FREEZE_NOTIFICATION_DONE:
		case BR_RELEASE: case BR_DECREFS:
			break;
		case BR_INCREFS: case BR_ACQUIRE: case BR_DEAD_BINDER: case BR_FROZEN_BINDER:
		case BR_TRANSACTION: case BR_TRANSACTION_SEC_CTX: case BR_REPLY:
			break;
		default:
			die(f, "unknown return 0x%x at %zu of %llu", cmd, p - 4, (unsigned long long)bwr.read_consumed);
		}
		if (bwr.read_consumed - p < sz)
			die(f, "%s truncated", bt_br_name(cmd));
		const uint8_t *pl = f->rbuf + p;
		p += sz;
		n++;
		if (cmd == BR_FAILED_REPLY || cmd == BR_DEAD_REPLY || cmd == BR_FROZEN_REPLY) {
			struct binder_extended_error ee = { 0 };
			f->awaiting = 0;
			int which = cmd == BR_DEAD_REPLY ? 0 : cmd == BR_FAILED_REPLY ? 1 : 2;
			__atomic_add_fetch(&sh->txns_failed, 1, __ATOMIC_RELAXED);
			if (ioctl(f->fd, BINDER_GET_EXTENDED_ERROR, &ee) == 0 && ee.param <= 0 && ee.param > -160)
				__atomic_add_fetch(&sh->why_failed[which][-ee.param], 1, __ATOMIC_RELAXED);
		}
		switch (cmd) {
		case BR_INCREFS: case BR_ACQUIRE: {
			struct binder_ptr_cookie pc;
			memcpy(&pc, pl, sizeof(pc));
			if (chance(&f->r, 95)) {
				put32(cmds, &len, cmd == BR_INCREFS ? BC_INCREFS_DONE : BC_ACQUIRE_DONE);
				put64(cmds, &len, pc.ptr);
				put64(cmds, &len, chance(&f->r, 97) ? pc.cookie : rnext(&f->r));
			}
			break;
		}
		case BR_DEAD_BINDER: {
			binder_uintptr_t c;
			memcpy(&c, pl, sizeof(c));
			if (chance(&f->r, 90)) {
				put32(cmds, &len, BC_DEAD_BINDER_DONE);
				put64(cmds, &len, c);
			} else if (f->ndead < 16) {
				f->dead[f->ndead++] = c;
			}
			break;
		}
		case BR_FROZEN_BINDER: {
			struct binder_frozen_state_info fi;
			memcpy(&fi, pl, sizeof(fi));
			if (chance(&f->r, 90)) {
				put32(cmds, &len, BC_FREEZE_NOTIFICATION_DONE);
				put64(cmds, &len, fi.cookie);
			} else if (f->nfrozen < 16) {
				f->frozen_cookies[f->nfrozen++] = fi.cookie;
			}
			break;
		}
		case BR_TRANSACTION: case BR_TRANSACTION_SEC_CTX: case BR_REPLY: {
			struct binder_transaction_data tr;
			memcpy(&tr, pl, sizeof(tr));
			if (cmd == BR_REPLY) {
				__atomic_add_fetch(&sh->txns_ok, 1, __ATOMIC_RELAXED);
				f->awaiting = 0;
			}
			/* After op_reopen's munmap, buffers allocated before it still arrive, pointing
			 * into what is no longer mapped: hands off. */
			if (f->map)
				scan_objects(f, &tr, cmds, &len);
			if (chance(&f->r, 70)) {
				put32(cmds, &len, BC_FREE_BUFFER);
				put64(cmds, &len, tr.data.ptr.buffer);
			} else {
				keep_buffer(f, tr.data.ptr.buffer);
			}
			if (cmd != BR_REPLY && !(tr.flags & TF_ONE_WAY) && (f->is_mgr || chance(&f->r, 90))) {
				if (len)
					fz_write(f, cmds, len);
				len = 0;
				send_txn(f, 1, 0);
			}
			break;
		}
		}
	}
	if (len)
		fz_write(f, cmds, len);
	return n;
}

/* ---- operations -------------------------------------------------------------------------------- */

static void op_refs(struct fz *f)
{
	static const uint32_t cmd[] = { BC_INCREFS, BC_ACQUIRE, BC_RELEASE, BC_DECREFS };
	uint8_t cmds[CMDS_MAX];
	size_t len = 0;

	for (unsigned i = 1 + rnd(&f->r, 6); i; i--) {
		put32(cmds, &len, cmd[rnd(&f->r, 4)]);
		put32(cmds, &len, pick_handle(f));
	}
	fz_write(f, cmds, len);
}

static void op_notify(struct fz *f)
{
	uint8_t cmds[CMDS_MAX];
	size_t len = 0;
	binder_uintptr_t cookie = 0xc0 + rnd(&f->r, 8);

	switch (rnd(&f->r, 8)) {
	case 0: case 1: case 2: case 3: {
		static const uint32_t c[] = { BC_REQUEST_DEATH_NOTIFICATION, BC_CLEAR_DEATH_NOTIFICATION,
					      BC_REQUEST_FREEZE_NOTIFICATION, BC_CLEAR_FREEZE_NOTIFICATION };
		struct binder_handle_cookie hc = { .handle = pick_handle(f), .cookie = cookie };
		put32(cmds, &len, c[rnd(&f->r, 4)]);
		put(cmds, &len, &hc, sizeof(hc));
		break;
	}
	case 4:
		put32(cmds, &len, BC_DEAD_BINDER_DONE);
		put64(cmds, &len, f->ndead && chance(&f->r, 70) ? f->dead[--f->ndead] : cookie);
		break;
	case 5:
		put32(cmds, &len, BC_FREEZE_NOTIFICATION_DONE);
		put64(cmds, &len, f->nfrozen && chance(&f->r, 70) ? f->frozen_cookies[--f->nfrozen] : cookie);
		break;
	default: {
		static const uint32_t c[] = { BC_ENTER_LOOPER, BC_REGISTER_LOOPER, BC_EXIT_LOOPER };
		put32(cmds, &len, c[rnd(&f->r, 3)]);
		break;
	}
	}
	fz_write(f, cmds, len);
}

static void op_free(struct fz *f)
{
	uint8_t cmds[CMDS_MAX];
	size_t len = 0;

	put32(cmds, &len, BC_FREE_BUFFER);
	if (f->nb && chance(&f->r, 85)) {
		unsigned i = rnd(&f->r, f->nb);
		put64(cmds, &len, f->bufs[i]);
		if (chance(&f->r, 90))
			f->bufs[i] = f->bufs[--f->nb];	/* else: freed again later */
	} else {
		put64(cmds, &len, (binder_uintptr_t)(uintptr_t)f->map + rnd(&f->r, MAP_SIZE));
	}
	fz_write(f, cmds, len);
}

static void op_garbage(struct fz *f)
{
	uint32_t *w = (uint32_t *)f->scratch;
	unsigned n = 1 + rnd(&f->r, 32);

	for (unsigned i = 0; i < n; i++) {
		switch (rnd(&f->r, 4)) {
		case 0: w[i] = _IOC(_IOC_WRITE, 'c', rnd(&f->r, 24), rnd(&f->r, 80)); break;
		case 1: w[i] = (uint32_t)rnext(&f->r); break;
		case 2: w[i] = rnd(&f->r, 300); break;
		default: w[i] = pick_handle(f); break;
		}
	}
	struct binder_write_read bwr = {
		.write_size = rnd(&f->r, n * 4 + 1),
		.write_consumed = chance(&f->r, 10) ? rnd(&f->r, 8) : 0,
		.write_buffer = chance(&f->r, 95) ? (binder_uintptr_t)(uintptr_t)w : pick_src(f, w),
	};
	fz_ioctl(f, BINDER_WRITE_READ, &bwr);
}

static void op_ioctl(struct fz *f)
{
	static const unsigned long reqs[] = {
		BINDER_SET_MAX_THREADS, BINDER_VERSION, BINDER_GET_NODE_DEBUG_INFO, BINDER_GET_NODE_INFO_FOR_REF,
		BINDER_GET_FROZEN_INFO, BINDER_ENABLE_ONEWAY_SPAM_DETECTION, BINDER_GET_EXTENDED_ERROR,
		BINDER_SET_CONTEXT_MGR, BINDER_SET_CONTEXT_MGR_EXT, BINDER_SET_IDLE_TIMEOUT,
		BINDER_SET_IDLE_PRIORITY, BINDER_THREAD_EXIT,
	};
	unsigned long req = chance(&f->r, 90) ? reqs[rnd(&f->r, sizeof(reqs) / sizeof(reqs[0]))]
					      : (unsigned long)_IOC(rnd(&f->r, 4), 'b', rnd(&f->r, 32), rnd(&f->r, 64));
	uint8_t *arg = f->scratch + SCRATCH_SIZE - 256;

	for (int i = 0; i < 64; i++)
		arg[i] = chance(&f->r, 70) ? 0 : (uint8_t)rnext(&f->r);
	if (req == BINDER_SET_MAX_THREADS)
		*(uint32_t *)arg = rnd(&f->r, 5);
	if (req == BINDER_GET_NODE_INFO_FOR_REF && chance(&f->r, 70)) {
		memset(arg, 0, 24);
		*(uint32_t *)arg = pick_handle(f);
	}
	if (req == BINDER_GET_FROZEN_INFO)
		*(uint32_t *)arg = sh->pids[rnd(&f->r, MAX_WORKERS)];
	if (req == BINDER_WRITE_READ)	/* only through the paths that control the pointers */
		return;
	void *p = chance(&f->r, 90) ? (void *)arg : (void *)(uintptr_t)pick_src(f, arg);
	if (req == BINDER_SET_CONTEXT_MGR_EXT || req == BINDER_SET_CONTEXT_MGR) {
		/* Only the manager's slot competes for it, also after being restarted. */
		if (!f->is_mgr && chance(&f->r, 80))
			return;
	}
	fz_ioctl(f, req, p);
}

static void op_freeze(struct fz *f)
{
	struct binder_freeze_info fi;
	int w = rnd(&f->r, MAX_WORKERS);
	pid_t pid = sh->pids[w];

	if (!pid)
		return;
	fi.pid = pid;
	fi.enable = chance(&f->r, 40);
	fi.timeout_ms = chance(&f->r, 70) ? 0 : rnd(&f->r, 20);
	int r = fz_ioctl(f, BINDER_FREEZE, &fi);
	if (fi.enable && r == 0)
		f->froze[w] = pid;
	else if (!fi.enable)
		f->froze[w] = 0;
}

static void thaw_all(struct fz *f)
{
	for (int w = 0; w < MAX_WORKERS; w++)
		if (f->froze[w]) {
			struct binder_freeze_info fi = { .pid = f->froze[w], .enable = 0 };
			ioctl(f->fd, BINDER_FREEZE, &fi);
			f->froze[w] = 0;
		}
}

static void op_epoll(struct fz *f)
{
	struct epoll_event ev = { .events = EPOLLIN };
	int ep = epoll_create1(EPOLL_CLOEXEC);

	if (ep < 0)
		return;
	if (epoll_ctl(ep, EPOLL_CTL_ADD, f->fd, &ev) == 0) {
		epoll_wait(ep, &ev, 1, rnd(&f->r, 3));
		if (chance(&f->r, 30))
			fz_ioctl(f, BINDER_THREAD_EXIT, NULL);
		if (chance(&f->r, 50))
			epoll_wait(ep, &ev, 1, 0);
	}
	close(ep);
}

static void op_poll(struct fz *f)
{
	struct pollfd pfd = { .fd = f->fd, .events = POLLIN };

	if (poll(&pfd, 1, rnd(&f->r, 4)) > 0)
		do_read(f);
}

static void *helper(void *arg);

static void op_thread(struct fz *f)
{
	struct fz *h;
	pthread_t th;

	if (f->helpers >= 3)
		return;
	h = malloc(sizeof(*h));
	*h = *f;
	h->r.s = rnext(&f->r) | 1;
	h->scratch = mmap(NULL, SCRATCH_SIZE + RBUF_SIZE + DATA_MAX, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (h->scratch == MAP_FAILED) {
		free(h);
		return;
	}
	h->rbuf = h->scratch + SCRATCH_SIZE;
	h->data = h->rbuf + RBUF_SIZE;
	h->nb = 0;
	h->helpers = 0;
	h->ops = NULL;
	h->owner_helpers = &f->helpers;
	__atomic_add_fetch(&f->helpers, 1, __ATOMIC_SEQ_CST);
	if (pthread_create(&th, NULL, helper, h)) {
		__atomic_sub_fetch(&f->helpers, 1, __ATOMIC_SEQ_CST);
		munmap(h->scratch, SCRATCH_SIZE + RBUF_SIZE + DATA_MAX);
		free(h);
		return;
	}
	pthread_detach(th);
}

static void op_fork(struct fz *f)
{
	fflush(NULL);
	pid_t pid = fork();
	if (pid == 0) {
		/* A child with the worker's descriptor: its ioctls make threads in the worker's
		 * binder process; its exit flushes the file. */
		struct binder_version v;
		ioctl(f->fd, BINDER_VERSION, &v);
		uint32_t enter = BC_ENTER_LOOPER;
		struct binder_write_read bwr = { .write_size = 4, .write_buffer = (binder_uintptr_t)(uintptr_t)&enter };
		ioctl(f->fd, BINDER_WRITE_READ, &bwr);
		void *m = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, f->fd, 0);	/* not the opener: EINVAL */
		if (m != MAP_FAILED)
			_exit(3);
		_exit(0);
	}
	if (pid > 0) {
		int st;
		waitpid(pid, &st, 0);
		if (!WIFEXITED(st) || WEXITSTATUS(st))
			die(f, "forked child ended with status 0x%x", st);
	}
}

static int open_dev(struct fz *f)
{
	f->fd = open(dev, O_RDWR | O_CLOEXEC | O_NONBLOCK);
	if (f->fd < 0)
		die(f, "open %s: %s", dev, strerror(errno));
	f->map = mmap(NULL, MAP_SIZE, PROT_READ, MAP_PRIVATE, f->fd, 0);
	if (f->map == MAP_FAILED)
		die(f, "mmap: %s", strerror(errno));
	f->nh = f->nb = f->ndead = f->nfrozen = 0;
	uint32_t enter = BC_ENTER_LOOPER;
	fz_write(f, &enter, 4);
	return 0;
}

static void op_reopen(struct fz *f)
{
	if (f->helpers)
		return;
	thaw_all(f);
	if (chance(&f->r, 30)) {
		/* No buffer space any more: everything sent to us fails with ESRCH now. */
		munmap(f->map, MAP_SIZE);
		f->map = NULL;
		f->nb = 0;
		for (int i = 0; i < 20 && !sh->stop; i++)
			do_read(f);
	}
	if (f->map)
		munmap(f->map, MAP_SIZE);
	close(f->fd);
	open_dev(f);
	if (f->is_mgr)
		fz_ioctl(f, BINDER_SET_CONTEXT_MGR, NULL);
}

static void one_op(struct fz *f, int helper)
{
	uint32_t k = rnd(&f->r, 1000);

	if (k < 250) {
		int oneway = chance(&f->r, 40);
		f->awaiting = !oneway;
		send_txn(f, 0, oneway);
		/* Give a call a moment to be answered (and answer what comes meanwhile), or the
		 * thread's next calls fail on its transaction stack. */
		for (unsigned i = 0; f->awaiting && i < 20 && !sh->stop; i++) {
			struct pollfd pfd = { .fd = f->fd, .events = POLLIN };
			if (poll(&pfd, 1, 2) > 0)
				do_read(f);
		}
	}
	else if (k < 550) do_read(f);
	else if (k < 620) op_refs(f);
	else if (k < 690) op_notify(f);
	else if (k < 750) op_free(f);
	else if (k < 800) op_garbage(f);
	else if (k < 860) op_ioctl(f);
	else if (k < 900) op_freeze(f);
	else if (k < 930) op_poll(f);
	else if (k < 950) op_epoll(f);
	else if (k < 965) send_txn(f, 1, 0);	/* a reply, maybe without a transaction */
	else if (k < 975 && !helper) op_thread(f);
	else if (k < 978 && !helper) op_reopen(f);
	else if (k < 980 && !helper) op_fork(f);
	else if (k < 985) fz_ioctl(f, BINDER_THREAD_EXIT, NULL);
	else {
		struct pollfd pfd = { .fd = -1 };
		poll(&pfd, 0, rnd(&f->r, 3));
	}
}

static void *helper(void *arg)
{
	struct fz *h = arg;
	int *owner_helpers = h->owner_helpers;
	uint32_t enter = BC_ENTER_LOOPER;

	fz_write(h, &enter, 4);
	for (unsigned i = 20 + rnd(&h->r, 200); i && !sh->stop; i--)
		one_op(h, 1);
	/* Leave with the references of this thread's buffers freed or not, as it happens. */
	if (chance(&h->r, 70))
		fz_ioctl(h, BINDER_THREAD_EXIT, NULL);
	munmap(h->scratch, SCRATCH_SIZE + RBUF_SIZE + DATA_MAX);
	free(h);
	__atomic_sub_fetch(owner_helpers, 1, __ATOMIC_SEQ_CST);
	return NULL;
}

static void worker(int id, uint64_t seed)
{
	struct fz f;
	int p[2];

	memset(&f, 0, sizeof(f));
	f.id = id;
	f.r.s = seed * 0x9e3779b97f4a7c15ULL + 1;
	f.is_mgr = id == 0;
	f.ops = &sh->ops[id];
	f.scratch = mmap(NULL, SCRATCH_SIZE + RBUF_SIZE + DATA_MAX, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (f.scratch == MAP_FAILED)
		die(&f, "mmap scratch");
	f.rbuf = f.scratch + SCRATCH_SIZE;
	f.data = f.rbuf + RBUF_SIZE;
	if (pipe(p) < 0)
		die(&f, "pipe");
	fcntl(p[0], F_SETFL, O_NONBLOCK);
	fcntl(p[1], F_SETFL, O_NONBLOCK);
	f.safe_fds[0] = p[0];
	f.safe_fds[1] = p[1];
	f.safe_fds[2] = open("/dev/null", O_RDWR);
	open_dev(&f);
	if (f.is_mgr) {
		struct flat_binder_object fb = { .flags = FLAT_BINDER_FLAG_ACCEPTS_FDS, .binder = 0x100, .cookie = 0x101 };
		uint64_t t0 = bt_now_ms();
		while (fz_ioctl(&f, BINDER_SET_CONTEXT_MGR_EXT, &fb) == -EBUSY && bt_now_ms() - t0 < 3000)
			bt_sleep_ms(10);
	}
	while (!sh->stop) {
		one_op(&f, 0);
		(*f.ops)++;
	}
	while (__atomic_load_n(&f.helpers, __ATOMIC_SEQ_CST) > 0)
		bt_sleep_ms(5);
	thaw_all(&f);
	_exit(0);
}

static pid_t start_worker(int id, uint64_t seed)
{
	fflush(NULL);
	pid_t pid = fork();

	if (pid < 0) {
		perror("fork");
		exit(2);
	}
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		worker(id, seed);
	}
	sh->pids[id] = pid;
	return pid;
}

int main(int argc, char **argv)
{
	uint64_t seed = 0;
	int seconds = 60, workers = 4, opt;
	const char *env = getenv("BINDER_DEV");

	if (env && *env)
		dev = env;
	while ((opt = getopt(argc, argv, "d:s:t:p:")) != -1) {
		switch (opt) {
		case 'd': dev = optarg; break;
		case 's': seed = strtoull(optarg, NULL, 0); break;
		case 't': seconds = atoi(optarg); break;
		case 'p': workers = atoi(optarg); break;
		default:
			fprintf(stderr, "usage: %s [-d DEVICE] [-s SEED] [-t SECONDS] [-p WORKERS]\n", argv[0]);
			return 2;
		}
	}
	if (workers < 2 || workers > MAX_WORKERS) {
		fprintf(stderr, "between 2 and %d workers\n", MAX_WORKERS);
		return 2;
	}
	if (!seed && getrandom(&seed, sizeof(seed), 0) != sizeof(seed))
		seed = bt_now_ms() ^ ((uint64_t)getpid() << 32);
	seed &= (1ULL << 53) - 1;	/* printable, and exact in any tool's double */
	if (!seed)
		seed = 1;
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("binder_fuzz: device %s, seed %llu, %d workers, %d s (%zu-bit)\n", dev, (unsigned long long)seed,
	       workers, seconds, sizeof(void *) * 8);
	signal(SIGPIPE, SIG_IGN);
	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED) {
		perror("mmap");
		return 2;
	}

	struct rng r = { .s = seed | 1 };
	uint64_t gen = 0;
	for (int i = 0; i < workers; i++)
		start_worker(i, seed + 1000 * ++gen);
	uint64_t end = bt_now_ms() + (uint64_t)seconds * 1000, next_kill = bt_now_ms() + 3000 + rnd(&r, 5000);
	int kills = 0, status = 0;
	while (bt_now_ms() < end && !sh->failed) {
		for (int i = 0; i < workers; i++) {
			int st;
			if (waitpid(sh->pids[i], &st, WNOHANG) == sh->pids[i]) {
				fprintf(stderr, "binder_fuzz: worker %d (pid %d) ended early, status 0x%x\n", i,
					sh->pids[i], st);
				status = 1;
				sh->stop = 1;
			}
		}
		if (status)
			break;
		if (bt_now_ms() >= next_kill) {
			/* kill -9 a worker mid-flight (the manager too, now and then) and restart it. */
			int i = chance(&r, 20) ? 0 : 1 + rnd(&r, workers - 1);
			uint64_t s = seed + 1000 * ++gen;
			kill(sh->pids[i], SIGKILL);
			int st;
			waitpid(sh->pids[i], &st, 0);
			if (!WIFSIGNALED(st) || WTERMSIG(st) != SIGKILL) {
				fprintf(stderr, "binder_fuzz: worker %d ended with status 0x%x before SIGKILL\n", i, st);
				status = 1;
				break;
			}
			printf("binder_fuzz: killed worker %d, restarting it with seed %llu\n", i, (unsigned long long)s);
			start_worker(i, s);
			kills++;
			next_kill = bt_now_ms() + 3000 + rnd(&r, 5000);
		}
		bt_sleep_ms(20);
	}
	sh->stop = 1;
	/* Every worker must notice and leave within 20 s: a worker stuck in the driver is a hang. */
	uint64_t deadline = bt_now_ms() + 20000;
	for (int i = 0; i < workers; i++) {
		int st;
		pid_t w;
		while ((w = waitpid(sh->pids[i], &st, WNOHANG)) == 0 && bt_now_ms() < deadline)
			bt_sleep_ms(10);
		if (w == 0) {
			fprintf(stderr, "binder_fuzz: worker %d (pid %d) did not finish: stuck\n", i, sh->pids[i]);
			kill(sh->pids[i], SIGKILL);
			waitpid(sh->pids[i], &st, 0);
			status = 1;
		} else if (w == sh->pids[i] && (!WIFEXITED(st) || WEXITSTATUS(st))) {
			fprintf(stderr, "binder_fuzz: worker %d (pid %d) ended with status 0x%x\n", i, sh->pids[i], st);
			status = 1;
		}
	}
	uint64_t ops = 0;
	for (int i = 0; i < workers; i++)
		ops += sh->ops[i];
	if (sh->failed)
		status = 1;
	for (int w = 0; w < 3; w++)
		for (int e = 0; e < 160; e++)
			if (sh->why_failed[w][e])
				printf("binder_fuzz:   %s %s: %llu\n", w == 0 ? "BR_DEAD_REPLY" : w == 1 ? "BR_FAILED_REPLY" : "BR_FROZEN_REPLY",
				       e ? strerrorname_np(e) : "0", (unsigned long long)sh->why_failed[w][e]);
	printf("binder_fuzz: seed %llu: %llu operations, %llu replies, %llu failed transactions, %d kills: %s%s\n",
	       (unsigned long long)seed, (unsigned long long)ops, (unsigned long long)sh->txns_ok,
	       (unsigned long long)sh->txns_failed, kills, status ? "FAILED: " : "ok", status ? sh->why : "");
	return status;
}
