/* SPDX-License-Identifier: GPL-2.0 */
/*
 * bt: a small user-space binder library for kcpp's differential binder tests.
 *
 * It speaks the 6.12 binder UAPI (<linux/android/binder.h> from `make headers_install`, see
 * scripts/binder-uapi.sh) directly, without libbinder: open and map a device, build BC command
 * streams, run BINDER_WRITE_READ, parse BR returns one at a time, build and read transaction
 * payloads with objects (binder, handle, fd, fd array, scatter-gather pointers), and a tiny
 * service manager. The same code builds for 64-bit and for 32-bit (compat_ioctl) user space.
 *
 * Conventions:
 * - One `struct bt` per thread: it holds the file descriptor and mapping (shared by every thread
 *   of a process, see bt_clone) and the thread's own read buffer and log of returns.
 * - Functions named bt_try_* return 0 or a negative errno; the others check their result and
 *   end the process through bt_fail() on anything unexpected, with the file and line.
 * - Tests run in forked processes (actors, see bt_spawn); a failing actor exits non-zero and
 *   the case that spawned it fails when it joins it.
 */
#ifndef KCPP_TESTS_BT_H
#define KCPP_TESTS_BT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <linux/android/binder.h>

/* ---- failure reporting (bt_harness.c) ------------------------------------------------------ */

/* Prints "# name[pid] FILE:LINE: message", records the first failure of the case as its reason,
 * and ends the process with status 1. */
__attribute__((noreturn, format(printf, 3, 4)))
void bt_fail_at(const char *file, int line, const char *fmt, ...);
#define bt_fail(...) bt_fail_at(__FILE__, __LINE__, __VA_ARGS__)

#define BT_CHECK(cond, ...)                                                                   \
	do {                                                                                  \
		if (!(cond))                                                                  \
			bt_fail_at(__FILE__, __LINE__, "check failed: " #cond ": " __VA_ARGS__); \
	} while (0)

/* Integer equality with both values in the message. */
#define BT_EQ(actual, expected)                                                               \
	do {                                                                                  \
		long long bt_a_ = (long long)(actual), bt_e_ = (long long)(expected);         \
		if (bt_a_ != bt_e_)                                                           \
			bt_fail_at(__FILE__, __LINE__, "%s = %lld (0x%llx), expected %s = %lld (0x%llx)", \
				   #actual, bt_a_, (unsigned long long)bt_a_, #expected, bt_e_,    \
				   (unsigned long long)bt_e_);                                     \
	} while (0)

/* A return from a BR_ code: compares names, not numbers. */
#define BT_EQ_BR(actual, expected)                                                            \
	do {                                                                                  \
		uint32_t bt_a_ = (actual), bt_e_ = (expected);                                \
		if (bt_a_ != bt_e_)                                                           \
			bt_fail_at(__FILE__, __LINE__, "%s is %s, expected %s", #actual,      \
				   bt_br_name(bt_a_), bt_br_name(bt_e_));                      \
	} while (0)

/* An errno-style result: 0 or -E... */
#define BT_EQ_ERR(actual, expected)                                                           \
	do {                                                                                  \
		int bt_a_ = (actual), bt_e_ = (expected);                                     \
		if (bt_a_ != bt_e_)                                                           \
			bt_fail_at(__FILE__, __LINE__, "%s returned %d (%s), expected %d (%s)", #actual, \
				   bt_a_, bt_errname(bt_a_), bt_e_, bt_errname(bt_e_));         \
	} while (0)

/* What the case is doing now: shown if it times out. */
__attribute__((format(printf, 1, 2))) void bt_step(const char *fmt, ...);
/* Ends the current case as skipped (from the case's main process only). */
__attribute__((noreturn)) void bt_skip(const char *reason);
/* Prints a "# " comment line. */
__attribute__((format(printf, 1, 2))) void bt_note(const char *fmt, ...);

const char *bt_errname(int negative_errno);
const char *bt_br_name(uint32_t br);
const char *bt_bc_name(uint32_t bc);

/* ---- test cases and the runner (bt_harness.c) ---------------------------------------------- */

struct bt_case {
	const char *name;
	void (*fn)(void);
	int timeout_s;	/* 0: the default (30 s) */
};

/* The device under test (-d DEV or $BINDER_DEV) and an optional second device of the same
 * driver (-D DEV or $BINDER_DEV2, NULL if none). */
extern const char *bt_dev;
extern const char *bt_dev2;

/* Runs the cases named on the command line (all if none), one forked process group each,
 * printing TAP lines. Returns the exit status for main(). */
int bt_main(int argc, char **argv, const struct bt_case *cases, size_t ncases);

/* ---- processes and channels (bt_harness.c) --------------------------------------------------- */

/* Forks an actor that runs fn(arg) and exits 0 (or 1 through bt_fail). */
pid_t bt_spawn(const char *name, void (*fn)(void *), void *arg);
/* Waits for an actor; fails unless it exited with status 0. */
void bt_join(pid_t pid);
/* Sends SIGKILL and reaps; fails unless it died of that signal. */
void bt_kill9(pid_t pid);
/* Reaps an actor and returns its raw wait status. */
int bt_wait_status(pid_t pid);

/* A one-way pipe carrying 64-bit values between processes; create it before forking. */
struct bt_chan {
	int fd[2];
};
void bt_chan_init(struct bt_chan *c);
void bt_send(struct bt_chan *c, uint64_t v);
uint64_t bt_recv(struct bt_chan *c);	/* fails after 20 s */
/* Receives and checks the value. */
void bt_recv_expect(struct bt_chan *c, uint64_t v);

/* Threads. bt_thread_join polls a completion flag instead of pthread_join: 32-bit glibc 2.36
 * waits on futexes through the time32 futex syscall, which kernels without
 * CONFIG_COMPAT_32BIT_TIME (our debug kernel) do not have (ENOSYS, then a glibc abort). */
struct bt_thread {
	void *(*fn)(void *);
	void *arg;
	int done;
};
void bt_thread_start(struct bt_thread *t, void *(*fn)(void *), void *arg);
void bt_thread_join(struct bt_thread *t);

/* Sleeps (with poll: no time_t, so also for 32-bit programs on kernels without
 * CONFIG_COMPAT_32BIT_TIME, where 32-bit glibc's nanosleep is ENOSYS). */
void bt_sleep_ms(int ms);
uint64_t bt_now_ms(void);
pid_t bt_gettid(void);

/* ---- connection ---------------------------------------------------------------------------- */

#define BT_RBUF_SIZE 2048
#define BT_LOG_MAX 256
#define BT_NODES_MAX 512
#define BT_DEFAULT_MAP (128 * 1024)

/* One BR return. For BR_TRANSACTION_SEC_CTX, tr is the transaction and secctx its pointer. */
struct bt_br {
	uint32_t cmd;
	union {
		struct binder_transaction_data tr;
		struct binder_transaction_data_secctx trs;
		struct binder_ptr_cookie pc;
		binder_uintptr_t cookie;
		int32_t err;
		struct binder_frozen_state_info frozen;
	} u;
};

/* What bt_wait learnt from BR_INCREFS/ACQUIRE/RELEASE/DECREFS about this process's nodes. */
struct bt_node_state {
	binder_uintptr_t ptr, cookie;
	int weak, strong;
};

struct bt;
struct bt_txn;
/* Handler for a transaction that arrives while bt_call waits for its reply (nested). */
typedef void (*bt_txn_fn)(struct bt *b, struct bt_txn *t, void *ctx);

struct bt {
	int fd;
	void *map;
	size_t map_size;
	/* The last read: raw bytes, how many, where bt_next continues. */
	uint8_t rbuf[BT_RBUF_SIZE];
	size_t rlen, rpos;
	size_t read_size;	/* read_size of the next read (default sizeof rbuf) */
	unsigned spawn_requests;	/* BR_SPAWN_LOOPER seen by bt_next */
	/* Every return bt_next produced (not BR_NOOP/BR_SPAWN_LOOPER), oldest first. */
	uint32_t log[BT_LOG_MAX];
	unsigned nlog;
	struct bt_node_state nodes[BT_NODES_MAX];
	unsigned nnodes;
	bt_txn_fn nested;
	void *nested_ctx;
};

/* Flags of bt_open. */
enum {
	BT_NO_MMAP = 1,		/* open only */
	BT_NO_LOOPER = 2,	/* do not send BC_ENTER_LOOPER */
};

/* Opens dev, maps map_size bytes (PROT_READ, MAP_PRIVATE) and registers the calling thread
 * as a looper (BC_ENTER_LOOPER), unless told otherwise. Returns 0 or -errno. */
int bt_try_open(struct bt *b, const char *dev, size_t map_size, unsigned flags);
void bt_open(struct bt *b, const char *dev, size_t map_size, unsigned flags);
/* bt_open(b, bt_dev, BT_DEFAULT_MAP, 0) */
void bt_open_default(struct bt *b);
void bt_close(struct bt *b);
/* Another thread's view of the same open file: same fd and mapping, empty reader. Call
 * bt_thread_enter in that thread. */
void bt_clone(struct bt *dst, const struct bt *src);
void bt_thread_enter(struct bt *b);	/* BC_ENTER_LOOPER */

/* ioctl(fd, req, arg) as 0 or -errno. */
int bt_ioctl(struct bt *b, unsigned long req, void *arg);

/* ---- BC command streams ---------------------------------------------------------------------- */

#define BT_CMDS_MAX 1024
struct bt_cmds {
	uint8_t buf[BT_CMDS_MAX];
	size_t len;
};
void bt_cmds_init(struct bt_cmds *c);
void bt_put_raw(struct bt_cmds *c, const void *p, size_t n);
void bt_put_u32(struct bt_cmds *c, uint32_t v);
void bt_put_u64(struct bt_cmds *c, uint64_t v);
void bt_put_cmd(struct bt_cmds *c, uint32_t bc);	/* a command without payload */
void bt_put_ref(struct bt_cmds *c, uint32_t bc, uint32_t handle);	/* BC_INCREFS... */
void bt_put_ptr_cookie(struct bt_cmds *c, uint32_t bc, binder_uintptr_t ptr, binder_uintptr_t cookie);
void bt_put_handle_cookie(struct bt_cmds *c, uint32_t bc, uint32_t handle, binder_uintptr_t cookie);
void bt_put_cookie(struct bt_cmds *c, uint32_t bc, binder_uintptr_t cookie);
void bt_put_free(struct bt_cmds *c, binder_uintptr_t buffer);
void bt_put_tr(struct bt_cmds *c, uint32_t bc, const struct binder_transaction_data *tr);
void bt_put_tr_sg(struct bt_cmds *c, uint32_t bc, const struct binder_transaction_data *tr,
		  binder_size_t buffers_size);

/* BINDER_WRITE_READ with only a write part. Returns 0 or -errno; *consumed gets write_consumed. */
int bt_try_write(struct bt *b, const void *buf, size_t len, binder_size_t *consumed);
void bt_write(struct bt *b, const struct bt_cmds *c);	/* all of it must be consumed */
void bt_write_cmd(struct bt *b, uint32_t bc);
void bt_write_ref(struct bt *b, uint32_t bc, uint32_t handle);

/* ---- reading BR returns ---------------------------------------------------------------------- */

/* Next return other than BR_NOOP and BR_SPAWN_LOOPER (counted in spawn_requests), reading
 * when the last read is used up. timeout_ms < 0 blocks in the driver; 0 reads without
 * blocking (O_NONBLOCK for that read); > 0 polls first. Returns 0, -EAGAIN (nothing now),
 * -ETIMEDOUT, or the read's -errno. */
int bt_try_next(struct bt *b, struct bt_br *br, int timeout_ms);
/* Blocking; fails on a read error. */
void bt_next(struct bt *b, struct bt_br *br);
/* The next return must be cmd. */
void bt_expect_at(const char *file, int line, struct bt *b, uint32_t cmd, struct bt_br *out);
#define bt_expect(b, cmd, out) bt_expect_at(__FILE__, __LINE__, (b), (cmd), (out))
/* Nothing may be pending for this thread now (a non-blocking read finds nothing). */
void bt_expect_nothing_at(const char *file, int line, struct bt *b);
#define bt_expect_nothing(b) bt_expect_nothing_at(__FILE__, __LINE__, (b))
/* The returns logged since the last bt_log_clear must be exactly these. */
void bt_log_expect_at(const char *file, int line, struct bt *b, const uint32_t *cmds, size_t n);
#define BT_LOG_EXPECT(b, ...)                                                                 \
	bt_log_expect_at(__FILE__, __LINE__, (b), (const uint32_t[]){ __VA_ARGS__ },          \
			 sizeof((const uint32_t[]){ __VA_ARGS__ }) / sizeof(uint32_t))
void bt_log_clear(struct bt *b);
/* The log as "BR_A BR_B ..." (static buffer). */
const char *bt_log_str(const struct bt *b);

/* Blocking, and handles the node reference returns itself: BR_INCREFS and BR_ACQUIRE are
 * answered with BC_INCREFS_DONE / BC_ACQUIRE_DONE, all four are recorded in b->nodes (and in
 * the log). Returns the next other return. */
uint32_t bt_wait(struct bt *b, struct bt_br *br);
/* The recorded state of our node ptr (weak/strong -1 if never seen). */
struct bt_node_state bt_node(const struct bt *b, binder_uintptr_t ptr);

/* ---- transaction payloads --------------------------------------------------------------------- */

#define BT_PARCEL_DATA 4096
#define BT_PARCEL_OBJS 32

/* Data with objects at recorded offsets. Large opaque payloads can point data elsewhere
 * (bt_parcel_init_ext). */
struct bt_parcel {
	uint8_t inline_data[BT_PARCEL_DATA];
	uint8_t *data;
	size_t len, cap;
	binder_size_t offs[BT_PARCEL_OBJS];
	size_t nobj;
	binder_size_t buffers_size;	/* PTR buffers: sent with BC_TRANSACTION_SG if non-zero */
};
void bt_parcel_init(struct bt_parcel *p);
void bt_parcel_init_ext(struct bt_parcel *p, void *data, size_t len);
/* Appends n bytes (4-byte aligned, zero padded); returns where they went. */
void *bt_parcel_put(struct bt_parcel *p, const void *src, size_t n);
void bt_parcel_put_u32(struct bt_parcel *p, uint32_t v);
void bt_parcel_put_u64(struct bt_parcel *p, uint64_t v);
void bt_parcel_put_str(struct bt_parcel *p, const char *s);	/* u32 length, bytes, padding */
/* Objects; each records its offset. Return the object's index. */
size_t bt_parcel_put_obj(struct bt_parcel *p, const void *obj, size_t size);
size_t bt_parcel_put_binder(struct bt_parcel *p, binder_uintptr_t ptr, binder_uintptr_t cookie, uint32_t flags);
size_t bt_parcel_put_weak_binder(struct bt_parcel *p, binder_uintptr_t ptr, binder_uintptr_t cookie, uint32_t flags);
size_t bt_parcel_put_handle(struct bt_parcel *p, uint32_t handle);
size_t bt_parcel_put_weak_handle(struct bt_parcel *p, uint32_t handle);
size_t bt_parcel_put_fd(struct bt_parcel *p, int fd, binder_uintptr_t cookie);
/* A scatter-gather buffer (adds ALIGN(len, 8) to buffers_size); parent < 0: no parent. */
size_t bt_parcel_put_ptr(struct bt_parcel *p, const void *buf, size_t len, long parent, size_t parent_offset);
size_t bt_parcel_put_fda(struct bt_parcel *p, size_t num_fds, size_t parent, size_t parent_offset);

/* Fills a binder_transaction_data for p (pointers into p). */
void bt_parcel_tr(const struct bt_parcel *p, struct binder_transaction_data *tr, uint32_t handle,
		  uint32_t code, uint32_t flags);

/* A received transaction or reply. */
struct bt_txn {
	uint32_t cmd;	/* BR_TRANSACTION, BR_TRANSACTION_SEC_CTX or BR_REPLY */
	struct binder_transaction_data tr;
	binder_uintptr_t secctx;
	size_t rpos;	/* read position for bt_txn_u32/str */
};
void bt_txn_from_br(struct bt_txn *t, const struct bt_br *br);
const uint8_t *bt_txn_data(const struct bt_txn *t);
size_t bt_txn_nobj(const struct bt_txn *t);
binder_size_t bt_txn_off(const struct bt_txn *t, size_t i);
/* The object at offsets[i] (checks that it lies inside the data). */
const void *bt_txn_obj(const struct bt_txn *t, size_t i);
const struct flat_binder_object *bt_txn_fbo(const struct bt_txn *t, size_t i);
uint32_t bt_txn_u32(struct bt_txn *t);
uint64_t bt_txn_u64(struct bt_txn *t);
/* Copies a string written by bt_parcel_put_str into buf. */
void bt_txn_str(struct bt_txn *t, char *buf, size_t size);

/* ---- transactions ---------------------------------------------------------------------------- */

/* A synchronous transaction: writes BC_TRANSACTION (or _SG) and waits with bt_wait until the
 * outcome, which it returns: BR_REPLY (reply filled in), BR_DEAD_REPLY, BR_FAILED_REPLY or
 * BR_FROZEN_REPLY. A BR_TRANSACTION arriving meanwhile (nested) goes to b->nested. Every
 * return seen is in the log (call bt_log_clear first to check the sequence). */
uint32_t bt_call(struct bt *b, uint32_t handle, uint32_t code, uint32_t flags,
		 const struct bt_parcel *p, struct bt_txn *reply);
/* A one-way transaction: returns the return that answers it (BR_TRANSACTION_COMPLETE,
 * BR_TRANSACTION_PENDING_FROZEN, BR_ONEWAY_SPAM_SUSPECT, BR_FAILED_REPLY, BR_DEAD_REPLY). */
uint32_t bt_oneway(struct bt *b, uint32_t handle, uint32_t code, uint32_t flags,
		   const struct bt_parcel *p);
/* BC_REPLY (or _SG); returns the answer (BR_TRANSACTION_COMPLETE normally). */
uint32_t bt_reply(struct bt *b, const struct bt_parcel *p, uint32_t flags);
/* BC_FREE_BUFFER of a received transaction's buffer. */
void bt_free(struct bt *b, const struct bt_txn *t);
/* Frees t's buffer and replies with p (NULL: empty) in one write; expects
 * BR_TRANSACTION_COMPLETE. */
void bt_reply_free(struct bt *b, struct bt_txn *t, const struct bt_parcel *p);
/* Waits (bt_wait) for a BR_TRANSACTION (or _SEC_CTX) and returns it. */
void bt_recv_txn(struct bt *b, struct bt_txn *t);

/* Handles transactions until fn returns non-zero; fn must reply to synchronous ones. */
void bt_serve(struct bt *b, int (*fn)(struct bt *b, struct bt_txn *t, void *ctx), void *ctx);

/* BINDER_GET_EXTENDED_ERROR */
struct binder_extended_error bt_ext_error(struct bt *b);

/* ---- a tiny service manager (bt_sm.c) ----------------------------------------------------------- */

enum {
	BT_SM_ADD = 1,	/* str name, object -> u32 0 */
	BT_SM_GET,	/* str name -> u32 0, handle object | u32 1 (unknown) */
	BT_SM_INFO,	/* str name -> u32 errno, u32 strong_count, u32 weak_count */
	BT_SM_DROP,	/* str name -> u32 0 (BC_RELEASE of its handle) */
	BT_SM_STOP,	/* -> u32 0, then the service manager exits */
};

/* Starts the service manager process on dev; returns when it is the context manager. */
pid_t bt_sm_start(const char *dev);
/* Registers our node (ptr, cookie, flags) under name; the node's BR_INCREFS/BR_ACQUIRE are
 * acknowledged. Returns the service manager's status (0). */
int bt_sm_add(struct bt *b, const char *name, binder_uintptr_t ptr, binder_uintptr_t cookie,
	      uint32_t flags);
/* Registers a handle we hold under name. */
int bt_sm_add_handle(struct bt *b, const char *name, uint32_t handle);
/* Looks name up; returns our handle with one strong reference we own (BC_ACQUIRE), or 0 if
 * the name is unknown. */
uint32_t bt_sm_get(struct bt *b, const char *name);
/* The service manager's BINDER_GET_NODE_INFO_FOR_REF for name's handle; returns its errno. */
int bt_sm_info(struct bt *b, const char *name, uint32_t *strong, uint32_t *weak);
void bt_sm_drop(struct bt *b, const char *name);
/* Stops the service manager and joins it. */
void bt_sm_stop(struct bt *b, pid_t sm);

#endif
