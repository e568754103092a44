// SPDX-License-Identifier: GPL-2.0
/*
 * binder_bench — the guest side of `./kcpp bench binder` (bench/binder.py): round-trip binder
 * transactions between client and server processes, each run bracketed by two icount markers
 * (bench/icount/icount.c) so that the plugin counts the guest instructions of exactly the
 * transactions of that run.
 *
 * usage: binder_bench [-w WARMUP] PLAN ROLE=DEVICE...
 *   PLAN     lines "ID ROLE PAIRS SIZE N": run ID makes each of the first PAIRS clients on
 *            ROLE's device do N round trips with a SIZE-byte request; markers 2*ID and 2*ID+1
 *   ROLE=DEVICE   e.g. C=/dev/binderc K=/dev/binderk C2=/dev/binderc2
 *   -w       round trips every client does once at setup (default 200)
 *
 * Per device, set up before any run and kept for all of them (so that the measured runs see
 * a steady state and no process start or exit, whose binder release runs later from a work
 * queue): the bt library's service manager as context manager, and as many server/client
 * pairs as the plan uses on that device. Server i registers its node as "bench.i" with the
 * service manager; client i looks it up. All binder traffic uses tests/binder/lib (bt).
 *
 * One round trip, as Android's libbinder (IPCThreadState) does it:
 *   client  BINDER_WRITE_READ { BC_FREE_BUFFER (the previous reply), BC_TRANSACTION } + read
 *             -> BR_TRANSACTION_COMPLETE; a blocking read -> BR_REPLY
 *   server  BINDER_WRITE_READ { BC_FREE_BUFFER (the previous request) } + blocking read
 *             -> BR_TRANSACTION; BINDER_WRITE_READ { BC_REPLY } + read -> BR_TRANSACTION_COMPLETE
 * The request carries SIZE bytes of data (transaction code = SIZE, no objects, TF_ACCEPT_FDS)
 * and the reply none, as in Android's binderThroughputTest. The server checks every request's
 * size and a sample of its bytes, the client every reply.
 *
 * The controller (this process) runs the plan: per run it reads CLOCK_MONOTONIC, executes
 * marker 2*ID, tells the clients to start, waits until each has done its N round trips,
 * executes marker 2*ID+1 and reads the clock again. After the last run it prints
 *   KCPP-BENCH-RUN ID ROLE PAIRS SIZE TRANSACTIONS
 *   KCPP-BENCH-TIME MARKER NANOSECONDS
 * and stops every process. Any failure ends it with a message and exit status 1.
 */
#define _GNU_SOURCE
#include "bt.h"

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_ROLES 4
#define MAX_PAIRS 8
#define MAX_SIZE (64 * 1024)
#define MAX_RUNS 32768		/* marker ids are 16 bits */
#define CODE_STOP 0x53544f50u	/* 'STOP'; any other code is the request's size */
/* What libbinder maps (BINDER_VM_SIZE): 1 MiB less two pages. */
#define MAP_SIZE (1024 * 1024 - 2 * 4096)

struct run {
	unsigned id, role, pairs, size, n;
};

struct pair {
	pid_t server, client;
	int cmd_w;	/* controller -> client: struct order */
	int done_r;	/* client -> controller: round trips done */
};

struct role {
	char name[16];
	const char *dev;
	unsigned pairs;	/* the most any run uses */
	pid_t sm;
	struct pair p[MAX_PAIRS];
};

struct order {
	uint32_t size, n;	/* n == 0: stop */
};

static struct role roles[MAX_ROLES];
static unsigned nroles;
static struct run *runs;
static unsigned nruns;
static uint8_t payload[MAX_SIZE];
static unsigned warmup = 200;

__attribute__((noreturn, format(printf, 1, 2))) static void die(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fprintf(stderr, "binder_bench: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	exit(1);
}

/* ---- markers (bench/icount/marker.c has the encoding) ------------------------------------------ */

/* Every marker is a `nopl 0x4b43XXXX(%rax,%rax,1); ret` of its own, written once at start-up,
 * so nothing is generated or modified while the runs execute. */
static uint8_t *markers;

static void markers_init(void)
{
	markers = mmap(NULL, 2 * MAX_RUNS * 16, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (markers == MAP_FAILED)
		die("mmap: %s", strerror(errno));
	for (unsigned id = 0; id < 2 * MAX_RUNS; id++) {
		const uint8_t code[] = { 0x0f, 0x1f, 0x84, 0x00, id & 0xff, id >> 8, 0x43, 0x4b, 0xc3 };
		memcpy(markers + 16 * id, code, sizeof(code));
	}
	if (mprotect(markers, 2 * MAX_RUNS * 16, PROT_READ | PROT_EXEC))
		die("mprotect: %s", strerror(errno));
}

static void marker(unsigned id)
{
	((void (*)(void))(markers + 16 * id))();
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* ---- binder traffic ---------------------------------------------------------------------------- */

/* One BINDER_WRITE_READ that writes c and reads into b's read buffer (blocking), as libbinder's
 * talkWithDriver does; bt_wait/bt_next then parse what was read, and read on by themselves
 * when they need more. */
static void write_read(struct bt *b, const struct bt_cmds *c)
{
	/* Returns left over from the previous read would be overwritten: only BR_NOOPs may be. */
	while (b->rpos + sizeof(uint32_t) <= b->rlen) {
		uint32_t cmd;

		memcpy(&cmd, b->rbuf + b->rpos, sizeof(cmd));
		if (cmd != BR_NOOP)
			bt_fail("%s left unread before the next write", bt_br_name(cmd));
		b->rpos += sizeof(cmd);
	}
	struct binder_write_read bwr = {
		.write_size = c->len,
		.write_buffer = (uintptr_t)c->buf,
		.read_size = b->read_size,
		.read_buffer = (uintptr_t)b->rbuf,
	};
	int r = bt_ioctl(b, BINDER_WRITE_READ, &bwr);
	if (r)
		bt_fail("BINDER_WRITE_READ: %s", bt_errname(r));
	if (bwr.write_consumed != c->len)
		bt_fail("BINDER_WRITE_READ consumed %llu of %zu bytes", (unsigned long long)bwr.write_consumed, c->len);
	if (bwr.read_consumed > b->read_size)
		bt_fail("read_consumed %llu > read_size %zu", (unsigned long long)bwr.read_consumed, b->read_size);
	b->rlen = bwr.read_consumed;
	b->rpos = 0;
}

static uint8_t pattern(size_t i)
{
	return (uint8_t)(i * 131 + 7);
}

/* The bytes the server checks in each request: every 4 KiB and the last one. */
static void check_payload(const struct binder_transaction_data *tr)
{
	const uint8_t *d = (const uint8_t *)(uintptr_t)tr->data.ptr.buffer;

	for (size_t i = 0; i < tr->data_size; i += 4096)
		if (d[i] != pattern(i))
			bt_fail("request byte %zu is 0x%02x, sent 0x%02x", i, d[i], pattern(i));
	if (tr->data_size && d[tr->data_size - 1] != pattern(tr->data_size - 1))
		bt_fail("last request byte is wrong");
}

static void server_main(void *arg)
{
	const struct role *ro = &roles[(uintptr_t)arg / MAX_PAIRS];
	unsigned i = (uintptr_t)arg % MAX_PAIRS;
	char name[32];
	struct bt b;
	struct bt_br br;
	struct bt_cmds c;
	binder_uintptr_t pending = 0;

	bt_open(&b, ro->dev, MAP_SIZE, 0);
	snprintf(name, sizeof(name), "bench.%u", i);
	if (bt_sm_add(&b, name, 0x1000 + i, 0x2000 + i, 0))
		bt_fail("registering %s failed", name);
	for (;;) {
		/* The previous request's buffer goes back with the read that waits for the next. */
		bt_cmds_init(&c);
		if (pending)
			bt_put_free(&c, pending);
		write_read(&b, &c);
		uint32_t cmd = bt_wait(&b, &br);
		if (cmd != BR_TRANSACTION)
			bt_fail("server %s: %s, expected BR_TRANSACTION", name, bt_br_name(cmd));
		const struct binder_transaction_data *tr = &br.u.tr;
		if (tr->target.ptr != 0x1000 + i || tr->cookie != 0x2000 + i || (tr->flags & TF_ONE_WAY))
			bt_fail("server %s: transaction for node %#llx, flags %#x", name,
				(unsigned long long)tr->target.ptr, tr->flags);
		if (tr->code == CODE_STOP) {
			bt_reply_free(&b, &(struct bt_txn){ .tr = *tr }, NULL);
			bt_close(&b);
			return;
		}
		if (tr->data_size != tr->code || tr->offsets_size)
			bt_fail("server %s: request of %llu bytes, %llu of offsets; the client sent %u bytes", name,
				(unsigned long long)tr->data_size, (unsigned long long)tr->offsets_size, tr->code);
		check_payload(tr);
		pending = tr->data.ptr.buffer;
		struct binder_transaction_data reply;
		bt_parcel_tr(NULL, &reply, 0, 0, 0);
		bt_cmds_init(&c);
		bt_put_tr(&c, BC_REPLY, &reply);
		write_read(&b, &c);
		if ((cmd = bt_wait(&b, &br)) != BR_TRANSACTION_COMPLETE)
			bt_fail("server %s: reply answered with %s", name, bt_br_name(cmd));
	}
}

struct client {
	struct bt b;
	uint32_t handle;
	binder_uintptr_t pending;	/* the last reply's buffer, freed with the next call */
};

static void round_trip(struct client *cl, uint32_t size)
{
	struct binder_transaction_data tr;
	struct bt_cmds c;
	struct bt_br br;

	memset(&tr, 0, sizeof(tr));
	tr.target.handle = cl->handle;
	tr.code = size;
	tr.flags = TF_ACCEPT_FDS;
	tr.data_size = size;
	tr.data.ptr.buffer = (uintptr_t)payload;
	bt_cmds_init(&c);
	if (cl->pending)
		bt_put_free(&c, cl->pending);
	bt_put_tr(&c, BC_TRANSACTION, &tr);
	write_read(&cl->b, &c);
	for (;;) {
		uint32_t cmd = bt_wait(&cl->b, &br);

		if (cmd == BR_TRANSACTION_COMPLETE)
			continue;
		if (cmd != BR_REPLY)
			bt_fail("client: %s, expected BR_REPLY", bt_br_name(cmd));
		if (br.u.tr.data_size || br.u.tr.offsets_size || br.u.tr.flags & TF_STATUS_CODE)
			bt_fail("client: reply of %llu bytes, flags %#x", (unsigned long long)br.u.tr.data_size,
				br.u.tr.flags);
		cl->pending = br.u.tr.data.ptr.buffer;
		return;
	}
}

static int cmd_r, done_w;	/* the client's ends of its pipes */

static void xwrite(int fd, const void *p, size_t n)
{
	if (write(fd, p, n) != (ssize_t)n)
		bt_fail("pipe write: %s", strerror(errno));
}

/* Reads exactly n bytes; 0 at end of file (the other side is gone), else 1. */
static int xread(int fd, void *p, size_t n)
{
	ssize_t r;

	while ((r = read(fd, p, n)) < 0 && errno == EINTR)
		;
	if (r == 0)
		return 0;
	if (r != (ssize_t)n)
		bt_fail("pipe read: %zd of %zu bytes: %s", r, n, r < 0 ? strerror(errno) : "short");
	return 1;
}

static void client_main(void *arg)
{
	const struct role *ro = &roles[(uintptr_t)arg / MAX_PAIRS];
	unsigned i = (uintptr_t)arg % MAX_PAIRS;
	static struct client cl;
	char name[32];
	struct order o;

	bt_open(&cl.b, ro->dev, MAP_SIZE, 0);
	snprintf(name, sizeof(name), "bench.%u", i);
	if (!(cl.handle = bt_sm_get(&cl.b, name)))
		bt_fail("no service %s", name);
	for (unsigned k = 0; k < warmup; k++)
		round_trip(&cl, (uint32_t[]){ 0, 64, 4096, MAX_SIZE }[k % 4]);
	uint32_t ready = 0;
	xwrite(done_w, &ready, sizeof(ready));
	while (xread(cmd_r, &o, sizeof(o)) && o.n) {
		for (uint32_t k = 0; k < o.n; k++)
			round_trip(&cl, o.size);
		xwrite(done_w, &o.n, sizeof(o.n));
	}
	struct bt_parcel p;
	struct bt_txn reply;
	bt_parcel_init(&p);
	if (cl.pending)
		bt_free(&cl.b, &(struct bt_txn){ .tr.data.ptr.buffer = cl.pending });
	uint32_t cmd = bt_call(&cl.b, cl.handle, CODE_STOP, 0, &p, &reply);
	if (cmd != BR_REPLY)
		bt_fail("client %s: stop answered with %s", name, bt_br_name(cmd));
	bt_free(&cl.b, &reply);
	bt_close(&cl.b);
}

/* ---- controller ---------------------------------------------------------------------------------- */

static void setup_role(unsigned r)
{
	struct role *ro = &roles[r];

	ro->sm = bt_sm_start(ro->dev);
	for (unsigned i = 0; i < ro->pairs; i++) {
		struct pair *p = &ro->p[i];
		int cmd[2], done[2];
		char *sname, *cname;

		if (asprintf(&sname, "server.%s.%u", ro->name, i) < 0 || asprintf(&cname, "client.%s.%u", ro->name, i) < 0)
			die("out of memory");
		p->server = bt_spawn(sname, server_main, (void *)(uintptr_t)(r * MAX_PAIRS + i));
		if (pipe(cmd) || pipe(done))
			die("pipe: %s", strerror(errno));
		cmd_r = cmd[0];
		done_w = done[1];
		p->client = bt_spawn(cname, client_main, (void *)(uintptr_t)(r * MAX_PAIRS + i));
		close(cmd[0]);
		close(done[1]);
		p->cmd_w = cmd[1];
		p->done_r = done[0];
		uint32_t ready;
		if (!xread(p->done_r, &ready, sizeof(ready)))
			die("%s on %s: set-up failed (see above)", cname, ro->dev);
	}
}

static void stop_role(struct role *ro)
{
	struct order stop = { 0, 0 };

	for (unsigned i = 0; i < ro->pairs; i++) {
		xwrite(ro->p[i].cmd_w, &stop, sizeof(stop));
		bt_join(ro->p[i].client);
		bt_join(ro->p[i].server);
	}
	struct bt b;
	bt_open(&b, ro->dev, BT_DEFAULT_MAP, 0);
	bt_sm_stop(&b, ro->sm);
	bt_close(&b);
}

static void load_plan(const char *path)
{
	FILE *f = fopen(path, "r");
	char line[256], role[16];
	unsigned cap = 0;

	if (!f)
		die("%s: %s", path, strerror(errno));
	while (fgets(line, sizeof(line), f)) {
		struct run ru;
		unsigned r;

		if (line[0] == '#' || line[0] == '\n')
			continue;
		if (sscanf(line, "%u %15s %u %u %u", &ru.id, role, &ru.pairs, &ru.size, &ru.n) != 5)
			die("%s: bad line: %s", path, line);
		for (r = 0; r < nroles && strcmp(roles[r].name, role); r++)
			;
		if (r == nroles)
			die("%s: run %u on role %s, which has no device (ROLE=DEVICE)", path, ru.id, role);
		if (ru.id >= MAX_RUNS || !ru.pairs || ru.pairs > MAX_PAIRS || ru.size > MAX_SIZE || !ru.n)
			die("%s: run %u: id < %u, pairs 1..%u, size <= %u, n > 0", path, ru.id, MAX_RUNS, MAX_PAIRS,
			    MAX_SIZE);
		ru.role = r;
		if (roles[r].pairs < ru.pairs)
			roles[r].pairs = ru.pairs;
		if (nruns == cap && !(runs = realloc(runs, (cap = cap ? 2 * cap : 256) * sizeof(*runs))))
			die("out of memory");
		runs[nruns++] = ru;
	}
	fclose(f);
}

int main(int argc, char **argv)
{
	int opt;

	while ((opt = getopt(argc, argv, "w:")) != -1) {
		if (opt == 'w')
			warmup = (unsigned)atoi(optarg);
		else
			die("usage: binder_bench [-w WARMUP] PLAN ROLE=DEVICE...");
	}
	if (argc - optind < 2)
		die("usage: binder_bench [-w WARMUP] PLAN ROLE=DEVICE...");
	for (int i = optind + 1; i < argc; i++) {
		char *eq = strchr(argv[i], '=');
		if (!eq || eq == argv[i] || eq - argv[i] >= (long)sizeof(roles[0].name) || nroles == MAX_ROLES)
			die("bad ROLE=DEVICE argument %s", argv[i]);
		memcpy(roles[nroles].name, argv[i], eq - argv[i]);
		roles[nroles++].dev = eq + 1;
	}
	load_plan(argv[optind]);
	setvbuf(stdout, NULL, _IOLBF, 0);
	signal(SIGPIPE, SIG_IGN);
	for (size_t i = 0; i < sizeof(payload); i++)
		payload[i] = pattern(i);
	markers_init();

	for (unsigned r = 0; r < nroles; r++) {
		if (!roles[r].pairs)
			continue;
		if (access(roles[r].dev, R_OK | W_OK))
			die("role %s: %s: %s", roles[r].name, roles[r].dev, strerror(errno));
		setup_role(r);
		printf("binder_bench: role %s on %s: service manager and %u pair(s) ready\n", roles[r].name,
		       roles[r].dev, roles[r].pairs);
	}

	uint64_t *t = calloc(2 * nruns, sizeof(*t));
	uint32_t *done = calloc(nruns, sizeof(*done));
	if (!t || !done)
		die("out of memory");
	for (unsigned k = 0; k < nruns; k++) {
		const struct run *ru = &runs[k];
		struct role *ro = &roles[ru->role];
		struct order o = { ru->size, ru->n };

		t[2 * k] = now_ns();
		marker(2 * ru->id);
		for (unsigned i = 0; i < ru->pairs; i++)
			xwrite(ro->p[i].cmd_w, &o, sizeof(o));
		for (unsigned i = 0; i < ru->pairs; i++) {
			uint32_t n;
			if (!xread(ro->p[i].done_r, &n, sizeof(n)))
				die("run %u: client %u on %s (role %s) died (see above)", ru->id, i, ro->dev, ro->name);
			done[k] += n;
		}
		marker(2 * ru->id + 1);
		t[2 * k + 1] = now_ns();
	}

	for (unsigned k = 0; k < nruns; k++)
		printf("KCPP-BENCH-RUN %u %s %u %u %u\n", runs[k].id, roles[runs[k].role].name, runs[k].pairs,
		       runs[k].size, done[k]);
	for (unsigned k = 0; k < nruns; k++)
		printf("KCPP-BENCH-TIME %u %llu\nKCPP-BENCH-TIME %u %llu\n", 2 * runs[k].id,
		       (unsigned long long)t[2 * k], 2 * runs[k].id + 1, (unsigned long long)t[2 * k + 1]);
	for (unsigned r = 0; r < nroles; r++)
		if (roles[r].pairs)
			stop_role(&roles[r]);
	printf("binder_bench: %u runs done, every process stopped\n", nruns);
	return 0;
}
