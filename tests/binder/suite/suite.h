/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The binder differential suite: shared helpers and the case functions of each area.
 * Every case asserts what the kernel's C driver (drivers/android/binder.c, 6.12) does; see
 * the comment above each case for the behaviour and where it comes from.
 */
#ifndef KCPP_TESTS_BINDER_SUITE_H
#define KCPP_TESTS_BINDER_SUITE_H

#include "bt.h"

#include <errno.h>
#include <string.h>

#define ALIGN8(x) (((x) + 7) & ~(__typeof__(x))7)
#define UPTR(p) ((binder_uintptr_t)(uintptr_t)(p))
#define VPTR(u) ((void *)(uintptr_t)(u))

/* ---- the echo server: a process with one node registered with the service manager ---------- */

#define ECHO_PTR ((binder_uintptr_t)0x10000)
#define ECHO_COOKIE ((binder_uintptr_t)0xc00c1e)

enum {
	ECHO_ECHO = 10,	/* reply: the same data bytes (objects are not echoed) */
	ECHO_QUIT,	/* reply u32 0, then the server exits */
	ECHO_WHO,	/* reply: struct echo_who */
	ECHO_HOLD,	/* do not reply: the server waits on its channel, then replies u32 0 */
	ECHO_LAST_ONEWAY,	/* reply: struct echo_who of the last one-way transaction */
	ECHO_REGISTER,	/* str name, u64 ptr, u64 cookie, u32 flags: bt_sm_add; reply u32 status */
	ECHO_GIVE,	/* u32 n, u64 base: reply with n binder objects (ptr base + 16 i, cookie i) */
	ECHO_OBJS,	/* reply: the received objects as they arrived (struct flat_binder_object each);
			 * the buffer (and the references in it) is kept until ECHO_FREE_KEPT */
	ECHO_FREE_KEPT,	/* frees the kept buffers, then replies u32 how many */
	ECHO_CALLBACK,	/* u32 code, object 0: call object 0's handle with code; reply its data */
	ECHO_PUBLISH,	/* str name, object 0 (a handle): registers it with the service manager */
	ECHO_GIVE_MGR,	/* reply with a handle to the context manager (handle 0) */
};

/* What the echo server saw of an ECHO_WHO transaction. */
struct echo_who {
	uint32_t sender_pid, sender_euid, flags, code;
	uint64_t target_ptr, cookie;
	int32_t nice;	/* of the handling thread, while handling */
	uint32_t tid;
	uint64_t data, offsets, data_size, offsets_size;
};

struct echo_opts {
	const char *name;	/* service name (default "echo") */
	uint32_t node_flags;	/* flat_binder_object flags of the node */
	int nice;		/* nice value of the server when it opens the device */
	size_t map_size;	/* default BT_DEFAULT_MAP */
	int max_threads;
	struct bt_chan *hold;	/* ECHO_HOLD waits for one value here */
	struct bt_chan *held;	/* ECHO_HOLD sends 1 here when it has the transaction */
};

/* Starts an echo server and returns when its node is registered. */
pid_t echo_start(const struct echo_opts *o);
/* Sends ECHO_QUIT and joins it. */
void echo_quit(struct bt *b, uint32_t handle, pid_t pid);
/* ECHO_WHO through handle. */
struct echo_who echo_who(struct bt *b, uint32_t handle, uint32_t flags);
/* ECHO_LAST_ONEWAY through handle. */
struct echo_who echo_last_oneway(struct bt *b, uint32_t handle);

/* The calling process's nice value (per thread). */
int get_nice(void);
void set_nice(int nice);

/* BINDER_WRITE_READ with one transaction built by hand (bad-input cases). */
void write_tr(struct bt *b, uint32_t bc, const struct binder_transaction_data *tr);
/* The extended error must be {id != 0, cmd, param}; the read resets it. */
void expect_ext_error_at(const char *file, int line, struct bt *b, uint32_t cmd, int32_t param);
#define expect_ext_error(b, cmd, param) expect_ext_error_at(__FILE__, __LINE__, (b), (cmd), (param))

/* ---- the cases, by file ------------------------------------------------------------------------ */
#define CASES_BASIC(X)                                                                        \
	X(version) X(ioctl_errors) X(mmap_rules) X(no_mmap_target) X(context_manager)          \
	X(context_manager_ext) X(node_info_for_ref)
#define CASES_TXN(X)                                                                          \
	X(sync_transaction) X(transaction_data_sizes) X(oneway) X(oneway_queue) X(nested_transaction) \
	X(sender_identity) X(priority) X(security_context) X(clear_buf) X(update_txn)
#define CASES_OBJ(X)                                                                          \
	X(service_lookup) X(three_process_objects) X(refcounts) X(node_debug_info)            \
	X(handle_allocation) X(failed_txn_undoes_refs)
#define CASES_DEATH(X)                                                                        \
	X(death_notification) X(death_clear_alive) X(death_errors) X(dead_reply_on_kill)       \
	X(process_exit_cleanup) X(reply_to_dead_thread)
#define CASES_FD(X) X(fd_passing) X(fd_errors) X(fd_array) X(fd_array_errors)
#define CASES_SG(X) X(scatter_gather) X(scatter_gather_errors)
#define CASES_ALLOC(X) X(buffer_layout) X(buffer_exhaustion) X(async_space) X(oneway_spam)
#define CASES_THREAD(X) X(thread_pool) X(thread_exit) X(epoll) X(flush_wakes_reader)
#define CASES_FREEZE(X)                                                                       \
	X(freeze) X(freeze_pending) X(freeze_notification) X(freeze_notification_errors)
#define CASES_ERR(X)                                                                          \
	X(extended_error) X(bad_commands) X(bad_transactions) X(read_buffer_sizes) X(two_contexts)

#define DECLARE_CASE(name) void case_##name(void);
CASES_BASIC(DECLARE_CASE)
CASES_TXN(DECLARE_CASE)
CASES_OBJ(DECLARE_CASE)
CASES_DEATH(DECLARE_CASE)
CASES_FD(DECLARE_CASE)
CASES_SG(DECLARE_CASE)
CASES_ALLOC(DECLARE_CASE)
CASES_THREAD(DECLARE_CASE)
CASES_FREEZE(DECLARE_CASE)
CASES_ERR(DECLARE_CASE)
#undef DECLARE_CASE

#endif
