// SPDX-License-Identifier: GPL-2.0
// icount.so — a QEMU TCG plugin that counts executed guest instructions for kcpp's
// benchmarks (bench/icount/build.sh builds it; bench/benchlib.py reads its output).
//
// Counting: every translated block gets an inline "add its instruction count" op on a counter:
// one shared counter for user-space blocks, one counter per block start address for kernel
// blocks (x86-64 kernel addresses have the top bit set). A block cut short by an exception is
// counted whole; under -icount, QEMU checks the instruction budget before the block's ops
// run, so budget exits are not counted.
//
// Markers: the guest executes `nopl 0x4b43XXXX(%rax,%rax,1)` (0f 1f 84 00 + disp32; the top
// half of the displacement spells "KC", the low half XXXX is the marker id; see marker.c).
// When one executes, the plugin appends to its output file the instructions executed since the
// previous marker (or since QEMU started):
//   marker ID kernel K user U host_ns T idle I
//                         (T: the host's CLOCK_MONOTONIC, for run times; I: user-space
//                          instructions in the idle=LO-HI range, not part of U)
//   k ADDR COUNT          (kernel instructions per key, nonzero ones, ascending address)
//   end
// where the key is the block start address (gran=tb, default) or its 4 KiB page
// (gran=page). At exit the same is written with the id "exit".
//
// usage: qemu-system-x86_64 ... -plugin PATH/icount.so,outfile=FILE[,gran=tb|page][,idle=LO-HI]
// Single-threaded TCG only (-icount forces it): counters are not atomic.
#include <qemu-plugin.h>

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

QEMU_PLUGIN_EXPORT int qemu_plugin_version = QEMU_PLUGIN_VERSION;

#define MARKER_MAGIC 0x4b43u // "KC", little-endian in the high half of the displacement
#define KERNEL_BIT (1ull << 63)

struct block {
	uint64_t addr;  // block start, guest virtual
	uint64_t count; // instructions executed from blocks starting here (inline op target)
	uint64_t last;  // count at the previous marker
};

static FILE *out;
static int page_gran;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

// Kernel blocks: open-addressing hash (addr -> block *), blocks themselves in chunks that
// never move (inline ops hold pointers into them).
static struct block **table;
static size_t table_size, nblocks;
static struct block **chunks;
static size_t nchunks;
#define CHUNK 4096

static uint64_t user_count, user_last;
// User-space blocks starting in [idle_lo, idle_hi) (the benchmark's spinner, spin.c) count apart.
static uint64_t idle_lo, idle_hi, idle_count, idle_last;

static void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n, size);
	if (!p) {
		fprintf(stderr, "icount: out of memory\n");
		abort();
	}
	return p;
}

static size_t slot_of(uint64_t addr, size_t size)
{
	uint64_t h = addr * 0x9e3779b97f4a7c15ull;
	return (size_t)(h >> 20) & (size - 1);
}

static void table_grow(void)
{
	size_t new_size = table_size ? table_size * 2 : 1 << 16;
	struct block **t = xcalloc(new_size, sizeof(*t));
	for (size_t i = 0; i < table_size; i++) {
		struct block *b = table[i];
		if (!b)
			continue;
		size_t s = slot_of(b->addr, new_size);
		while (t[s])
			s = (s + 1) & (new_size - 1);
		t[s] = b;
	}
	free(table);
	table = t;
	table_size = new_size;
}

static struct block *block_at(uint64_t addr)
{
	if ((nblocks + 1) * 2 > table_size)
		table_grow();
	size_t s = slot_of(addr, table_size);
	while (table[s]) {
		if (table[s]->addr == addr)
			return table[s];
		s = (s + 1) & (table_size - 1);
	}
	if (nblocks % CHUNK == 0) {
		chunks = realloc(chunks, (nchunks + 1) * sizeof(*chunks));
		if (!chunks)
			abort();
		chunks[nchunks++] = xcalloc(CHUNK, sizeof(struct block));
	}
	struct block *b = &chunks[nblocks / CHUNK][nblocks % CHUNK];
	nblocks++;
	b->addr = addr;
	table[s] = b;
	return b;
}

struct delta {
	uint64_t key, n;
};

static int delta_cmp(const void *a, const void *b)
{
	const struct delta *x = a, *y = b;
	return x->key < y->key ? -1 : x->key > y->key;
}

// Writes the counts since the previous dump and starts a new interval.
static void dump(const char *id)
{
	pthread_mutex_lock(&lock);
	struct delta *d = xcalloc(nblocks ? nblocks : 1, sizeof(*d));
	size_t nd = 0;
	uint64_t kernel = 0;
	for (size_t i = 0; i < nblocks; i++) {
		struct block *b = &chunks[i / CHUNK][i % CHUNK];
		uint64_t n = b->count - b->last;
		if (!n)
			continue;
		b->last = b->count;
		kernel += n;
		d[nd].key = page_gran ? b->addr & ~0xfffull : b->addr;
		d[nd++].n = n;
	}
	qsort(d, nd, sizeof(*d), delta_cmp);
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	fprintf(out, "marker %s kernel %llu user %llu host_ns %llu idle %llu\n", id, (unsigned long long)kernel,
		(unsigned long long)(user_count - user_last),
		(unsigned long long)now.tv_sec * 1000000000ull + (unsigned long long)now.tv_nsec,
		(unsigned long long)(idle_count - idle_last));
	user_last = user_count;
	idle_last = idle_count;
	for (size_t i = 0; i < nd;) {
		uint64_t key = d[i].key, n = 0;
		for (; i < nd && d[i].key == key; i++)
			n += d[i].n;
		fprintf(out, "k %llx %llu\n", (unsigned long long)key, (unsigned long long)n);
	}
	fputs("end\n", out);
	fflush(out);
	free(d);
	pthread_mutex_unlock(&lock);
}

static void on_marker(unsigned int vcpu, void *udata)
{
	(void)vcpu;
	char id[16];
	snprintf(id, sizeof(id), "%u", (unsigned int)(uintptr_t)udata);
	dump(id);
}

static void on_translate(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
	(void)id;
	size_t n = qemu_plugin_tb_n_insns(tb);
	uint64_t addr = qemu_plugin_tb_vaddr(tb);

	if (addr & KERNEL_BIT) {
		pthread_mutex_lock(&lock);
		struct block *b = block_at(addr);
		pthread_mutex_unlock(&lock);
		qemu_plugin_register_vcpu_tb_exec_inline(tb, QEMU_PLUGIN_INLINE_ADD_U64, &b->count, n);
		return;
	}
	if (addr >= idle_lo && addr < idle_hi) {
		qemu_plugin_register_vcpu_tb_exec_inline(tb, QEMU_PLUGIN_INLINE_ADD_U64, &idle_count, n);
		return;
	}
	qemu_plugin_register_vcpu_tb_exec_inline(tb, QEMU_PLUGIN_INLINE_ADD_U64, &user_count, n);
	for (size_t i = 0; i < n; i++) {
		struct qemu_plugin_insn *insn = qemu_plugin_tb_get_insn(tb, i);
		const uint8_t *p = qemu_plugin_insn_data(insn);
		if (qemu_plugin_insn_size(insn) != 8 || p[0] != 0x0f || p[1] != 0x1f || p[2] != 0x84 || p[3] != 0x00)
			continue;
		uint32_t disp = p[4] | p[5] << 8 | p[6] << 16 | (uint32_t)p[7] << 24;
		if (disp >> 16 != MARKER_MAGIC)
			continue;
		qemu_plugin_register_vcpu_insn_exec_cb(insn, on_marker, QEMU_PLUGIN_CB_NO_REGS,
						       (void *)(uintptr_t)(disp & 0xffff));
	}
}

static void on_qemu_exit(qemu_plugin_id_t id, void *udata)
{
	(void)id;
	(void)udata;
	dump("exit");
	fclose(out);
}

QEMU_PLUGIN_EXPORT int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t *info, int argc, char **argv)
{
	const char *outfile = NULL;

	if (strcmp(info->target_name, "x86_64") != 0) {
		fprintf(stderr, "icount: x86_64 guests only, not %s\n", info->target_name);
		return -1;
	}
	for (int i = 0; i < argc; i++) {
		if (!strncmp(argv[i], "outfile=", 8)) {
			outfile = argv[i] + 8;
		} else if (!strcmp(argv[i], "gran=page")) {
			page_gran = 1;
		} else if (!strcmp(argv[i], "gran=tb")) {
			page_gran = 0;
		} else if (!strncmp(argv[i], "idle=", 5)) {
			char *end;
			idle_lo = strtoull(argv[i] + 5, &end, 16);
			idle_hi = *end == '-' ? strtoull(end + 1, &end, 16) : 0;
			if (*end || idle_hi <= idle_lo) {
				fprintf(stderr, "icount: idle=LO-HI wants two hex addresses, LO < HI\n");
				return -1;
			}
		} else {
			fprintf(stderr, "icount: unknown argument %s (outfile=FILE, gran=tb|page, idle=LO-HI)\n", argv[i]);
			return -1;
		}
	}
	if (!outfile) {
		fprintf(stderr, "icount: outfile=FILE is required\n");
		return -1;
	}
	out = fopen(outfile, "w");
	if (!out) {
		perror(outfile);
		return -1;
	}
	qemu_plugin_register_vcpu_tb_trans_cb(id, on_translate);
	qemu_plugin_register_atexit_cb(id, on_qemu_exit, NULL);
	return 0;
}
