// SPDX-License-Identifier: GPL-2.0
/*
 * Device-level behaviour: ioctls without transactions, mmap rules, the context manager.
 */
#include "suite.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

/* BINDER_VERSION reports protocol 8 (the kernel is never BINDER_IPC_32BIT, so 32-bit callers
 * get 8 too); a bad pointer is EINVAL, not EFAULT (binder_ioctl maps the put_user failure). */
void case_version(void)
{
	struct binder_version v = { .protocol_version = -1 };
	struct bt b;

	bt_open(&b, bt_dev, 0, BT_NO_MMAP | BT_NO_LOOPER);
	BT_EQ_ERR(bt_ioctl(&b, BINDER_VERSION, &v), 0);
	BT_EQ(v.protocol_version, 8);
	BT_EQ(v.protocol_version, BINDER_CURRENT_PROTOCOL_VERSION);
	BT_EQ_ERR(bt_ioctl(&b, BINDER_VERSION, NULL), -EINVAL);
	bt_close(&b);
}

/* Unknown commands are EINVAL (also the never-implemented SET_IDLE_TIMEOUT/PRIORITY and tty
 * ioctls: binder_ioctl's default). Bad pointers: EINVAL for SET_MAX_THREADS and
 * SET_CONTEXT_MGR_EXT (copy_from_user failure mapped to EINVAL), EFAULT for the others. */
void case_ioctl_errors(void)
{
	struct bt b;
	int64_t s64 = 0;
	uint32_t u32 = 4;
	struct binder_node_debug_info di;

	bt_open(&b, bt_dev, BT_DEFAULT_MAP, BT_NO_LOOPER);
	BT_EQ_ERR(bt_ioctl(&b, BINDER_SET_IDLE_TIMEOUT, &s64), -EINVAL);
	BT_EQ_ERR(bt_ioctl(&b, BINDER_SET_IDLE_PRIORITY, &u32), -EINVAL);
	BT_EQ_ERR(bt_ioctl(&b, _IO('b', 99), NULL), -EINVAL);
	BT_EQ_ERR(bt_ioctl(&b, _IOWR('b', 1, uint32_t), &u32), -EINVAL);	/* WRITE_READ's number, wrong size */
	BT_EQ_ERR(bt_ioctl(&b, TCGETS, &di), -EINVAL);
	BT_EQ_ERR(bt_ioctl(&b, FIONREAD, &u32), -EINVAL);

	BT_EQ_ERR(bt_ioctl(&b, BINDER_SET_MAX_THREADS, NULL), -EINVAL);
	BT_EQ_ERR(bt_ioctl(&b, BINDER_SET_MAX_THREADS, &u32), 0);
	BT_EQ_ERR(bt_ioctl(&b, BINDER_SET_CONTEXT_MGR_EXT, NULL), -EINVAL);
	BT_EQ_ERR(bt_ioctl(&b, BINDER_WRITE_READ, NULL), -EFAULT);
	BT_EQ_ERR(bt_ioctl(&b, BINDER_GET_NODE_DEBUG_INFO, NULL), -EFAULT);
	BT_EQ_ERR(bt_ioctl(&b, BINDER_GET_NODE_INFO_FOR_REF, NULL), -EFAULT);
	BT_EQ_ERR(bt_ioctl(&b, BINDER_FREEZE, NULL), -EFAULT);
	BT_EQ_ERR(bt_ioctl(&b, BINDER_GET_FROZEN_INFO, NULL), -EFAULT);
	BT_EQ_ERR(bt_ioctl(&b, BINDER_ENABLE_ONEWAY_SPAM_DETECTION, NULL), -EFAULT);
	BT_EQ_ERR(bt_ioctl(&b, BINDER_GET_EXTENDED_ERROR, NULL), -EFAULT);

	u32 = 1;
	BT_EQ_ERR(bt_ioctl(&b, BINDER_ENABLE_ONEWAY_SPAM_DETECTION, &u32), 0);
	/* No nodes: everything zero, whatever ptr asked for. */
	memset(&di, 0x5a, sizeof(di));
	di.ptr = 0;
	BT_EQ_ERR(bt_ioctl(&b, BINDER_GET_NODE_DEBUG_INFO, &di), 0);
	BT_EQ(di.ptr, 0);
	BT_EQ(di.cookie, 0);
	BT_EQ(di.has_strong_ref, 0);
	BT_EQ(di.has_weak_ref, 0);
	/* BINDER_THREAD_EXIT ignores its argument and always succeeds. */
	BT_EQ_ERR(bt_ioctl(&b, BINDER_THREAD_EXIT, NULL), 0);
	BT_EQ_ERR(bt_ioctl(&b, BINDER_THREAD_EXIT, NULL), 0);
	bt_close(&b);
}

static int mmap_errno(int fd, size_t len, int prot, int flags)
{
	void *m = mmap(NULL, len, prot, flags, fd, 0);

	if (m != MAP_FAILED) {
		munmap(m, len);
		return 0;
	}
	return -errno;
}

static int mmap_fd;

static void mmap_from_child(void *arg)
{
	(void)arg;
	/* Not the process that opened the device (proc->tsk is its group leader). */
	BT_EQ_ERR(mmap_errno(mmap_fd, 65536, PROT_READ, MAP_PRIVATE), -EINVAL);
}

static void touch_unbacked(void *arg)
{
	struct bt b;

	(void)arg;
	bt_open(&b, bt_dev, BT_DEFAULT_MAP, 0);
	/* No buffer was ever allocated: no page behind the mapping, binder_vm_fault is SIGBUS. */
	volatile uint8_t x = *(volatile uint8_t *)b.map;
	(void)x;
	bt_fail("read from an unbacked binder page did not fault");
}

/* mmap: never writable (EPERM, and mprotect cannot add PROT_WRITE later: EACCES), one mapping
 * per open (EBUSY, also after munmap), only by the opening process (EINVAL), and pages exist
 * only under allocated buffers (SIGBUS elsewhere). */
void case_mmap_rules(void)
{
	struct bt b;

	bt_open(&b, bt_dev, 0, BT_NO_MMAP | BT_NO_LOOPER);
	BT_EQ_ERR(mmap_errno(b.fd, 65536, PROT_READ | PROT_WRITE, MAP_PRIVATE), -EPERM);
	BT_EQ_ERR(mmap_errno(b.fd, 65536, PROT_READ | PROT_WRITE, MAP_SHARED), -EPERM);
	mmap_fd = b.fd;
	bt_join(bt_spawn("child", mmap_from_child, NULL));

	void *m = mmap(NULL, 65536, PROT_READ, MAP_PRIVATE, b.fd, 0);
	BT_CHECK(m != MAP_FAILED, "mmap: %s", strerror(errno));
	BT_CHECK(mprotect(m, 65536, PROT_READ | PROT_WRITE) < 0 && errno == EACCES, "mprotect writable: %s",
		 strerror(errno));
	BT_EQ_ERR(mmap_errno(b.fd, 65536, PROT_READ, MAP_PRIVATE), -EBUSY);
	BT_EQ(munmap(m, 65536), 0);
	BT_EQ_ERR(mmap_errno(b.fd, 65536, PROT_READ, MAP_PRIVATE), -EBUSY);
	bt_close(&b);

	pid_t pid = bt_spawn("toucher", touch_unbacked, NULL);
	int st = bt_wait_status(pid);
	BT_CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGBUS, "toucher ended with status 0x%x, expected SIGBUS", st);
}

static struct bt_chan nomap_ready, nomap_done;

static void nomap_manager(void *arg)
{
	struct bt b;
	uint64_t t0 = bt_now_ms();
	int r;

	(void)arg;
	bt_open(&b, bt_dev, 0, BT_NO_MMAP);
	while ((r = bt_ioctl(&b, BINDER_SET_CONTEXT_MGR, NULL)) == -EBUSY && bt_now_ms() - t0 < 5000)
		bt_sleep_ms(10);
	BT_EQ_ERR(r, 0);
	bt_send(&nomap_ready, 1);
	bt_recv(&nomap_done);
	/* Nothing was delivered. */
	bt_expect_nothing(&b);
	bt_close(&b);
}

static void unmapped_caller(void *arg)
{
	struct bt b;
	struct bt_parcel p;
	int munmapped = arg != NULL;

	bt_open(&b, bt_dev, BT_DEFAULT_MAP, munmapped ? 0 : BT_NO_MMAP);
	if (munmapped)
		BT_EQ(munmap(b.map, b.map_size), 0);
	b.map = NULL;
	/* The service manager's reply cannot be allocated in our (missing) mapping: the
	 * manager's BC_REPLY succeeds from its side, we get BR_DEAD_REPLY after the
	 * transaction's BR_TRANSACTION_COMPLETE, and the reason in our extended error. */
	bt_parcel_init(&p);
	bt_parcel_put_str(&p, "nothing");
	bt_log_clear(&b);
	BT_EQ_BR(bt_call(&b, 0, BT_SM_GET, 0, &p, NULL), BR_DEAD_REPLY);
	BT_LOG_EXPECT(&b, BR_TRANSACTION_COMPLETE, BR_DEAD_REPLY);
	expect_ext_error(&b, BR_DEAD_REPLY, -ESRCH);
	bt_close(&b);
}

/* A process that never mapped (or unmapped) its buffer space cannot receive: the allocation
 * fails with ESRCH ("vma cleared, target dead or dying") and the sender gets BR_DEAD_REPLY,
 * for transactions, one-way transactions and replies alike. */
void case_no_mmap_target(void)
{
	struct bt b;
	struct bt_parcel p;

	bt_chan_init(&nomap_ready);
	bt_chan_init(&nomap_done);
	pid_t mgr = bt_spawn("unmapped-manager", nomap_manager, NULL);
	bt_recv_expect(&nomap_ready, 1);

	bt_open_default(&b);
	bt_parcel_init(&p);
	bt_parcel_put_u32(&p, 42);
	bt_log_clear(&b);
	BT_EQ_BR(bt_call(&b, 0, 1, 0, &p, NULL), BR_DEAD_REPLY);
	BT_LOG_EXPECT(&b, BR_DEAD_REPLY);
	expect_ext_error(&b, BR_DEAD_REPLY, -ESRCH);
	bt_log_clear(&b);
	BT_EQ_BR(bt_oneway(&b, 0, 1, 0, &p), BR_DEAD_REPLY);
	BT_LOG_EXPECT(&b, BR_DEAD_REPLY);
	expect_ext_error(&b, BR_DEAD_REPLY, -ESRCH);
	bt_send(&nomap_done, 1);
	bt_join(mgr);
	bt_close(&b);

	pid_t sm = bt_sm_start(bt_dev);
	bt_join(bt_spawn("never-mapped", unmapped_caller, NULL));
	bt_join(bt_spawn("unmapped", unmapped_caller, (void *)1));
	bt_open_default(&b);
	bt_sm_stop(&b, sm);
	bt_close(&b);
}

static struct bt_chan cm_ready, cm_done;

static void first_manager(void *arg)
{
	struct bt b;
	struct bt_cmds c;
	binder_size_t consumed = 1;
	uint64_t t0 = bt_now_ms();
	int r;

	(void)arg;
	bt_open_default(&b);
	while ((r = bt_ioctl(&b, BINDER_SET_CONTEXT_MGR, NULL)) == -EBUSY && bt_now_ms() - t0 < 5000)
		bt_sleep_ms(10);
	BT_EQ_ERR(r, 0);
	/* Once is all. */
	BT_EQ_ERR(bt_ioctl(&b, BINDER_SET_CONTEXT_MGR, NULL), -EBUSY);
	struct flat_binder_object fbo = { .hdr.type = BINDER_TYPE_BINDER, .binder = 0x1000 };
	BT_EQ_ERR(bt_ioctl(&b, BINDER_SET_CONTEXT_MGR_EXT, &fbo), -EBUSY);

	/* The manager cannot talk to itself through handle 0... */
	bt_log_clear(&b);
	BT_EQ_BR(bt_call(&b, 0, 1, 0, NULL, NULL), BR_FAILED_REPLY);
	BT_LOG_EXPECT(&b, BR_FAILED_REPLY);
	expect_ext_error(&b, BR_FAILED_REPLY, -EINVAL);
	/* ...nor take references on it: BC_INCREFS/BC_ACQUIRE 0 fail the whole write. */
	bt_cmds_init(&c);
	bt_put_ref(&c, BC_INCREFS, 0);
	BT_EQ_ERR(bt_try_write(&b, c.buf, c.len, &consumed), -EINVAL);
	BT_EQ(consumed, 0);
	bt_cmds_init(&c);
	bt_put_cmd(&c, BC_ENTER_LOOPER);
	bt_put_ref(&c, BC_ACQUIRE, 0);
	BT_EQ_ERR(bt_try_write(&b, c.buf, c.len, &consumed), -EINVAL);
	BT_EQ(consumed, 4);
	bt_send(&cm_ready, 1);
	bt_recv(&cm_done);
	bt_close(&b);
}

/* One context manager per device: BINDER_SET_CONTEXT_MGR is EBUSY while one is set (for every
 * process, itself included), free again once its process is gone, and EPERM for an euid other
 * than the first manager's (the uid sticks to the device). Transactions to handle 0 without a
 * manager: BR_DEAD_REPLY. */
void case_context_manager(void)
{
	struct bt b;
	uint64_t t0;
	int r;

	bt_chan_init(&cm_ready);
	bt_chan_init(&cm_done);
	pid_t m1 = bt_spawn("manager", first_manager, NULL);
	bt_recv_expect(&cm_ready, 1);
	bt_open_default(&b);
	BT_EQ_ERR(bt_ioctl(&b, BINDER_SET_CONTEXT_MGR, NULL), -EBUSY);
	bt_send(&cm_done, 1);
	bt_join(m1);

	/* Free once the first manager's release has run (it is deferred to a work queue). */
	t0 = bt_now_ms();
	while ((r = bt_ioctl(&b, BINDER_SET_CONTEXT_MGR, NULL)) == -EBUSY && bt_now_ms() - t0 < 5000)
		bt_sleep_ms(10);
	BT_EQ_ERR(r, 0);
	bt_close(&b);

	/* Another euid, once no manager is set: EPERM. */
	bt_open_default(&b);
	BT_EQ(seteuid(4321), 0);
	t0 = bt_now_ms();
	while ((r = bt_ioctl(&b, BINDER_SET_CONTEXT_MGR, NULL)) == -EBUSY && bt_now_ms() - t0 < 5000)
		bt_sleep_ms(10);
	BT_EQ(seteuid(0), 0);
	BT_EQ_ERR(r, -EPERM);
	/* No manager now. */
	bt_log_clear(&b);
	BT_EQ_BR(bt_call(&b, 0, 1, 0, NULL, NULL), BR_DEAD_REPLY);
	BT_LOG_EXPECT(&b, BR_DEAD_REPLY);
	expect_ext_error(&b, BR_DEAD_REPLY, -EINVAL);
	bt_close(&b);
}

struct ext_mgr_args {
	int ext;
};

static struct bt_chan xm_ready, xm_done;

static void ext_manager(void *arg)
{
	const struct ext_mgr_args *a = arg;
	struct binder_node_debug_info di;
	struct bt b;
	struct bt_txn t;
	uint64_t t0 = bt_now_ms();
	int r;

	bt_open_default(&b);
	if (a->ext) {
		struct flat_binder_object fbo = {
			.hdr.type = BINDER_TYPE_BINDER,
			.flags = FLAT_BINDER_FLAG_ACCEPTS_FDS,
			.binder = 0x5000,
			.cookie = 0x77,
		};
		while ((r = bt_ioctl(&b, BINDER_SET_CONTEXT_MGR_EXT, &fbo)) == -EBUSY && bt_now_ms() - t0 < 5000)
			bt_sleep_ms(10);
	} else {
		while ((r = bt_ioctl(&b, BINDER_SET_CONTEXT_MGR, NULL)) == -EBUSY && bt_now_ms() - t0 < 5000)
			bt_sleep_ms(10);
	}
	BT_EQ_ERR(r, 0);

	/* The manager's node holds a strong and a weak reference from the start. A node at
	 * ptr 0 (plain SET_CONTEXT_MGR) is never listed: the walk wants ptr > the one given. */
	memset(&di, 0, sizeof(di));
	BT_EQ_ERR(bt_ioctl(&b, BINDER_GET_NODE_DEBUG_INFO, &di), 0);
	if (a->ext) {
		BT_EQ(di.ptr, 0x5000);
		BT_EQ(di.cookie, 0x77);
		BT_EQ(di.has_strong_ref, 1);
		BT_EQ(di.has_weak_ref, 1);
		BT_EQ_ERR(bt_ioctl(&b, BINDER_GET_NODE_DEBUG_INFO, &di), 0);
	}
	BT_EQ(di.ptr, 0);
	BT_EQ(di.cookie, 0);
	bt_send(&xm_ready, 1);

	bt_recv_txn(&b, &t);
	BT_EQ(t.tr.target.ptr, a->ext ? 0x5000 : 0);
	BT_EQ(t.tr.cookie, a->ext ? 0x77 : 0);
	BT_EQ(t.tr.code, 7);
	if (a->ext) {
		const struct binder_fd_object *fo = bt_txn_obj(&t, 0);
		BT_EQ(fo->hdr.type, BINDER_TYPE_FD);
		BT_CHECK(fcntl(fo->fd, F_GETFD) == FD_CLOEXEC, "received fd %u not close-on-exec", fo->fd);
		close(fo->fd);
	}
	bt_reply_free(&b, &t, NULL);
	bt_recv(&xm_done);
	bt_close(&b);
}

/* BINDER_SET_CONTEXT_MGR_EXT gives the manager's node a ptr, cookie and flags (here
 * FLAT_BINDER_FLAG_ACCEPTS_FDS): transactions to handle 0 carry them, and the node accepts
 * file descriptors, which a plain SET_CONTEXT_MGR node (flags 0) refuses with EPERM. */
void case_context_manager_ext(void)
{
	for (int ext = 1; ext >= 0; ext--) {
		struct ext_mgr_args a = { .ext = ext };
		struct bt_parcel p;
		struct bt b;
		int pipefd[2];

		bt_chan_init(&xm_ready);
		bt_chan_init(&xm_done);
		pid_t m = bt_spawn(ext ? "manager-ext" : "manager", ext_manager, &a);
		bt_recv_expect(&xm_ready, 1);
		bt_open_default(&b);
		BT_EQ(pipe(pipefd), 0);
		bt_parcel_init(&p);
		bt_parcel_put_fd(&p, pipefd[1], 0);
		if (ext) {
			BT_EQ_BR(bt_call(&b, 0, 7, 0, &p, NULL), BR_REPLY);
		} else {
			bt_log_clear(&b);
			BT_EQ_BR(bt_call(&b, 0, 7, 0, &p, NULL), BR_FAILED_REPLY);
			BT_LOG_EXPECT(&b, BR_FAILED_REPLY);
			expect_ext_error(&b, BR_FAILED_REPLY, -EPERM);
			BT_EQ_BR(bt_call(&b, 0, 7, 0, NULL, NULL), BR_REPLY);
		}
		close(pipefd[0]);
		close(pipefd[1]);
		bt_send(&xm_done, 1);
		bt_join(m);
		bt_close(&b);
	}
}

/* BINDER_GET_NODE_INFO_FOR_REF: reserved fields first (EINVAL), then only the context manager
 * may ask (EPERM), then the handle must be a strong reference (EINVAL). strong_count is the
 * node's internal + local strong references (one per process holding it strongly), weak_count
 * its local weak references. */
void case_node_info_for_ref(void)
{
	struct binder_node_info_for_ref info;
	uint32_t strong, weak;
	struct bt b;

	pid_t sm = bt_sm_start(bt_dev);
	struct echo_opts eo = { .name = "echo" };
	pid_t echo = echo_start(&eo);
	bt_open_default(&b);
	uint32_t h = bt_sm_get(&b, "echo");
	BT_EQ(h, 1);

	memset(&info, 0, sizeof(info));
	info.handle = h;
	info.reserved2 = 1;
	BT_EQ_ERR(bt_ioctl(&b, BINDER_GET_NODE_INFO_FOR_REF, &info), -EINVAL);
	info.reserved2 = 0;
	BT_EQ_ERR(bt_ioctl(&b, BINDER_GET_NODE_INFO_FOR_REF, &info), -EPERM);

	/* The manager's view: it and we hold the node. */
	BT_EQ_ERR(bt_sm_info(&b, "echo", &strong, &weak), 0);
	BT_EQ(strong, 2);
	BT_EQ(weak, 0);
	BT_EQ_ERR(bt_sm_info(&b, "missing", &strong, &weak), -EINVAL);

	bt_write_ref(&b, BC_RELEASE, h);
	BT_EQ_ERR(bt_sm_info(&b, "echo", &strong, &weak), 0);
	BT_EQ(strong, 1);
	BT_EQ(weak, 0);

	h = bt_sm_get(&b, "echo");
	BT_EQ(h, 1);
	echo_quit(&b, h, echo);
	bt_sm_stop(&b, sm);
	bt_close(&b);
}
