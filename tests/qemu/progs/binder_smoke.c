// SPDX-License-Identifier: GPL-2.0
// binder_smoke: a quick end-to-end check of a binder device, used while bringing up
// kcpp_binder and run against the C driver too (tests/qemu/binder_smoke.sh). Two processes:
// a context manager that echoes, and a client that calls it, passes it a node, registers a
// death notification and sees it fire when the manager exits, then gets dead and failed
// replies with their extended errors. The full differential suite is tests/binder.
//
// usage: binder_smoke /dev/DEVICE
#include <errno.h>
#include <fcntl.h>
#include <linux/android/binder.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAP_SIZE (128 * 1024)

static const char *dev;
static const char *who = "main";

static void die(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fprintf(stderr, "binder_smoke[%s]: FAIL: ", who);
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, " (errno %d)\n", errno);
	va_end(ap);
	exit(1);
}

struct bnd {
	int fd;
	void *map;
};

static void bopen(struct bnd *b)
{
	struct binder_version v;
	b->fd = open(dev, O_RDWR | O_CLOEXEC);
	if (b->fd < 0)
		die("open %s", dev);
	if (ioctl(b->fd, BINDER_VERSION, &v) < 0 || v.protocol_version != BINDER_CURRENT_PROTOCOL_VERSION)
		die("BINDER_VERSION");
	b->map = mmap(NULL, MAP_SIZE, PROT_READ, MAP_PRIVATE, b->fd, 0);
	if (b->map == MAP_FAILED)
		die("mmap");
}

struct out {
	uint8_t buf[256];
	size_t len;
};
static void put32(struct out *o, uint32_t v)
{
	memcpy(o->buf + o->len, &v, 4);
	o->len += 4;
}
static void putp(struct out *o, const void *p, size_t n)
{
	memcpy(o->buf + o->len, p, n);
	o->len += n;
}

// One BINDER_WRITE_READ; returns the read size.
static size_t bwr(struct bnd *b, struct out *w, void *rbuf, size_t rsize)
{
	struct binder_write_read x = {0};
	if (w) {
		x.write_buffer = (uintptr_t)w->buf;
		x.write_size = w->len;
	}
	x.read_buffer = (uintptr_t)rbuf;
	x.read_size = rsize;
	if (ioctl(b->fd, BINDER_WRITE_READ, &x) < 0)
		die("BINDER_WRITE_READ");
	if (w && x.write_consumed != w->len)
		die("write_consumed %llu of %zu", (unsigned long long)x.write_consumed, w->len);
	return x.read_consumed;
}

// Reads returns until one of `want` arrives; acknowledges increfs/acquire; copies the
// transaction data of BR_TRANSACTION/BR_REPLY into *td. Returns the command.
static uint32_t wait_for(struct bnd *b, const uint32_t *want, int nwant, struct binder_transaction_data *td,
			 uint64_t *cookie, int *saw_increfs, int *saw_acquire)
{
	static uint8_t rbuf[1024];
	static size_t have, pos;
	for (;;) {
		if (pos >= have) {
			have = bwr(b, NULL, rbuf, sizeof(rbuf));
			pos = 0;
		}
		uint32_t cmd;
		memcpy(&cmd, rbuf + pos, 4);
		pos += 4;
		if (getenv("BINDER_SMOKE_VERBOSE"))
			fprintf(stderr, "[%s] return %#x\n", who, cmd);
		switch (cmd) {
		case BR_NOOP:
		case BR_SPAWN_LOOPER:
			break;
		case BR_TRANSACTION:
		case BR_REPLY:
			memcpy(td, rbuf + pos, sizeof(*td));
			pos += sizeof(*td);
			break;
		case BR_INCREFS:
		case BR_ACQUIRE: {
			struct binder_ptr_cookie pc;
			memcpy(&pc, rbuf + pos, sizeof(pc));
			pos += sizeof(pc);
			struct out o = {.len = 0};
			put32(&o, cmd == BR_INCREFS ? BC_INCREFS_DONE : BC_ACQUIRE_DONE);
			putp(&o, &pc, sizeof(pc));
			bwr(b, &o, NULL, 0);
			if (cmd == BR_INCREFS && saw_increfs)
				(*saw_increfs)++;
			if (cmd == BR_ACQUIRE && saw_acquire)
				(*saw_acquire)++;
			break;
		}
		case BR_RELEASE:
		case BR_DECREFS:
			pos += sizeof(struct binder_ptr_cookie);
			break;
		case BR_DEAD_BINDER:
		case BR_CLEAR_DEATH_NOTIFICATION_DONE:
			memcpy(cookie, rbuf + pos, 8);
			pos += 8;
			break;
		case BR_TRANSACTION_COMPLETE:
		case BR_DEAD_REPLY:
		case BR_FAILED_REPLY:
			break;
		case BR_ERROR:
			pos += 4;
			break;
		default:
			die("unexpected return %#x", cmd);
		}
		for (int i = 0; i < nwant; ++i)
			if (cmd == want[i])
				return cmd;
	}
}

static void free_buffer(struct bnd *b, binder_uintptr_t p)
{
	struct out o = {.len = 0};
	put32(&o, BC_FREE_BUFFER);
	putp(&o, &p, sizeof(p));
	bwr(b, &o, NULL, 0);
}

static void send_txn(struct bnd *b, uint32_t cmd, uint32_t handle, uint32_t code, uint32_t flags, const void *data,
		     size_t size, const binder_size_t *offs, size_t noffs)
{
	struct binder_transaction_data td = {0};
	td.target.handle = handle;
	td.code = code;
	td.flags = flags;
	td.data_size = size;
	td.offsets_size = noffs * sizeof(binder_size_t);
	td.data.ptr.buffer = (uintptr_t)data;
	td.data.ptr.offsets = (uintptr_t)offs;
	struct out o = {.len = 0};
	put32(&o, cmd);
	putp(&o, &td, sizeof(td));
	bwr(b, &o, NULL, 0);
}

static void server(void)
{
	struct bnd b;
	who = "server";
	bopen(&b);
	if (ioctl(b.fd, BINDER_SET_CONTEXT_MGR, 0) < 0)
		die("BINDER_SET_CONTEXT_MGR");
	struct out o = {.len = 0};
	put32(&o, BC_ENTER_LOOPER);
	bwr(&b, &o, NULL, 0);
	printf("server ready\n");
	fflush(stdout);
	for (;;) {
		struct binder_transaction_data td;
		const uint32_t want[] = {BR_TRANSACTION};
		wait_for(&b, want, 1, &td, NULL, NULL, NULL);
		uint32_t in = 0, reply = 0;
		if (td.data_size >= 4)
			memcpy(&in, (void *)(uintptr_t)td.data.ptr.buffer, 4);
		if (td.code == 2) {
			// A node from the client: report what arrived.
			struct flat_binder_object fbo;
			binder_size_t off;
			if (td.offsets_size != sizeof(off))
				die("offsets_size %llu", (unsigned long long)td.offsets_size);
			memcpy(&off, (void *)(uintptr_t)td.data.ptr.offsets, sizeof(off));
			memcpy(&fbo, (char *)(uintptr_t)td.data.ptr.buffer + off, sizeof(fbo));
			if (fbo.hdr.type != BINDER_TYPE_HANDLE)
				die("expected a handle, got type %#x", fbo.hdr.type);
			reply = fbo.handle;
			// Keep it (as libbinder does) before the buffer that carried it is freed.
			struct out k = {.len = 0};
			put32(&k, BC_INCREFS);
			put32(&k, fbo.handle);
			put32(&k, BC_ACQUIRE);
			put32(&k, fbo.handle);
			bwr(&b, &k, NULL, 0);
		} else {
			reply = in + 1;
		}
		const int oneway = td.flags & TF_ONE_WAY;
		free_buffer(&b, td.data.ptr.buffer);
		if (!oneway)
			send_txn(&b, BC_REPLY, 0, 0, 0, &reply, sizeof(reply), NULL, 0);
		if (td.code == 3)
			exit(0);
	}
}

static uint32_t call(struct bnd *b, uint32_t handle, uint32_t code, uint32_t value, uint32_t *result)
{
	send_txn(b, BC_TRANSACTION, handle, code, 0, &value, sizeof(value), NULL, 0);
	struct binder_transaction_data td;
	const uint32_t want[] = {BR_REPLY, BR_DEAD_REPLY, BR_FAILED_REPLY};
	uint32_t cmd = wait_for(b, want, 3, &td, NULL, NULL, NULL);
	if (cmd == BR_REPLY) {
		if (td.data_size != 4)
			die("reply size %llu", (unsigned long long)td.data_size);
		memcpy(result, (void *)(uintptr_t)td.data.ptr.buffer, 4);
		free_buffer(b, td.data.ptr.buffer);
	}
	return cmd;
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: binder_smoke /dev/DEVICE\n");
		return 2;
	}
	dev = argv[1];
	int sync_pipe[2];
	if (pipe(sync_pipe) < 0)
		die("pipe");
	pid_t srv = fork();
	if (srv == 0) {
		dup2(sync_pipe[1], 1);
		server();
	}
	char line[32];
	if (read(sync_pipe[0], line, sizeof(line)) <= 0)
		die("server did not start");

	struct bnd b;
	who = "client";
	bopen(&b);
	uint32_t r = 0;

	// 1. A call and its reply.
	if (call(&b, 0, 1, 41, &r) != BR_REPLY || r != 42)
		die("echo call: reply %u", r);
	printf("ok: call/reply\n");

	// 2. One-way: BR_TRANSACTION_COMPLETE right away, no reply.
	uint32_t v = 7;
	send_txn(&b, BC_TRANSACTION, 0, 1, TF_ONE_WAY, &v, sizeof(v), NULL, 0);
	{
		struct binder_transaction_data td;
		const uint32_t want[] = {BR_TRANSACTION_COMPLETE};
		wait_for(&b, want, 1, &td, NULL, NULL, NULL);
	}
	if (call(&b, 0, 1, 100, &r) != BR_REPLY || r != 101)
		die("call after one-way: %u", r);
	printf("ok: one-way\n");

	// 3. A node passed to the manager becomes its handle 1; once the manager holds it, we get
	// BR_INCREFS and BR_ACQUIRE.
	{
		struct flat_binder_object fbo = {0};
		fbo.hdr.type = BINDER_TYPE_BINDER;
		fbo.binder = 0x1234;
		fbo.cookie = 0x5678;
		binder_size_t off = 0;
		send_txn(&b, BC_TRANSACTION, 0, 2, 0, &fbo, sizeof(fbo), &off, 1);
		struct binder_transaction_data td;
		int inc = 0, acq = 0;
		const uint32_t want[] = {BR_REPLY, BR_FAILED_REPLY, BR_DEAD_REPLY};
		if (wait_for(&b, want, 3, &td, NULL, &inc, &acq) != BR_REPLY)
			die("node transfer failed");
		memcpy(&r, (void *)(uintptr_t)td.data.ptr.buffer, 4);
		free_buffer(&b, td.data.ptr.buffer);
		if (r != 1 || inc != 1 || acq != 1)
			die("node transfer: handle %u, increfs %d, acquire %d", r, inc, acq);
		struct binder_node_debug_info info = {0};
		if (ioctl(b.fd, BINDER_GET_NODE_DEBUG_INFO, &info) < 0 || info.ptr != 0x1234 || info.cookie != 0x5678 ||
		    !info.has_strong_ref || !info.has_weak_ref)
			die("node debug info %llx %llx %u %u", (unsigned long long)info.ptr,
			    (unsigned long long)info.cookie, info.has_strong_ref, info.has_weak_ref);
	}
	printf("ok: node transfer\n");

	// 4. Death notification on the manager, which then exits.
	{
		struct out o = {.len = 0};
		put32(&o, BC_INCREFS);
		put32(&o, 0);
		put32(&o, BC_REQUEST_DEATH_NOTIFICATION);
		struct binder_handle_cookie hc = {.handle = 0, .cookie = 0xdead};
		putp(&o, &hc, sizeof(hc));
		bwr(&b, &o, NULL, 0);
		if (call(&b, 0, 3, 0, &r) != BR_REPLY)
			die("exit call");
		int status;
		if (waitpid(srv, &status, 0) != srv || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
			die("server exit status %d", status);
		struct binder_transaction_data td;
		uint64_t cookie = 0;
		const uint32_t want[] = {BR_DEAD_BINDER};
		wait_for(&b, want, 1, &td, &cookie, NULL, NULL);
		if (cookie != 0xdead)
			die("dead binder cookie %llx", (unsigned long long)cookie);
		struct out d = {.len = 0};
		put32(&d, BC_DEAD_BINDER_DONE);
		putp(&d, &cookie, 8);
		put32(&d, BC_CLEAR_DEATH_NOTIFICATION);
		putp(&d, &hc, sizeof(hc));
		bwr(&b, &d, NULL, 0);
		const uint32_t want2[] = {BR_CLEAR_DEATH_NOTIFICATION_DONE};
		cookie = 0;
		wait_for(&b, want2, 1, &td, &cookie, NULL, NULL);
		if (cookie != 0xdead)
			die("clear death cookie %llx", (unsigned long long)cookie);
	}
	printf("ok: death notification\n");

	// 5. The manager is gone: a dead reply, with its extended error.
	{
		if (call(&b, 0, 1, 1, &r) != BR_DEAD_REPLY)
			die("expected BR_DEAD_REPLY");
		struct binder_extended_error ee;
		if (ioctl(b.fd, BINDER_GET_EXTENDED_ERROR, &ee) < 0 || ee.command != BR_DEAD_REPLY || ee.param != -EINVAL)
			die("extended error %u %d", ee.command, ee.param);
		if (ioctl(b.fd, BINDER_GET_EXTENDED_ERROR, &ee) < 0 || ee.command != BR_OK || ee.id != 0)
			die("extended error not reset");
	}
	// 6. A handle that does not exist: a failed reply.
	{
		if (call(&b, 99, 1, 1, &r) != BR_FAILED_REPLY)
			die("expected BR_FAILED_REPLY");
		struct binder_extended_error ee;
		if (ioctl(b.fd, BINDER_GET_EXTENDED_ERROR, &ee) < 0 || ee.command != BR_FAILED_REPLY || ee.param != -EINVAL)
			die("extended error %u %d", ee.command, ee.param);
	}
	printf("ok: dead and failed replies\n");
	printf("binder_smoke: all ok\n");
	return 0;
}
