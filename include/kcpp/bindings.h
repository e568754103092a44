/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kcpp/bindings.h — the C/C++ boundary, declared once.
 *
 * Every shim (a C function in src/, compiled by Kbuild with the kernel's headers) is declared
 * here, and this header is included by the C shim files and by the C++ side alike: a shim
 * whose definition disagrees with its declaration fails to compile in C, and C++ can only call
 * what is declared here. Only plain C types and opaque handles cross: kernel structures that
 * C++ embeds by value are byte storage whose size and alignment come from the generated
 * kcpp/gen/layout.h (checked by static asserts on both sides).
 *
 * Functions in the "implemented in C++" sections go the other way: C glue calls them.
 *
 * Drivers never include this header; include/kcpp wraps every declaration in a safe type.
 */
#ifndef KCPP_BINDINGS_H
#define KCPP_BINDINGS_H

#ifdef __cplusplus
#define KCPP_C_BEGIN extern "C" {
#define KCPP_C_END }
#define KCPP_NOEXCEPT noexcept
#else
#define KCPP_C_BEGIN
#define KCPP_C_END
#define KCPP_NOEXCEPT
#endif

#define KCPP_NORETURN __attribute__((__noreturn__))
#define KCPP_PRINTF(a, b) __attribute__((__format__(__printf__, a, b)))

typedef __SIZE_TYPE__ kcpp_size_t;
typedef unsigned int kcpp_gfp_t;	/* gfp_t without __bitwise */
typedef unsigned long kcpp_uptr_t;	/* a user-space address, never dereferenced by C++ */

/* Opaque handles: storage owned by C++ (sizes in kcpp/gen/layout.h) or objects owned by C. */
struct kcpp_spinlock;		/* spinlock_t */
struct kcpp_mutex;		/* struct mutex */
struct kcpp_lock_class_key;	/* struct lock_class_key, static storage only */
struct kcpp_wait_queue_head;	/* wait_queue_head_t */
struct kcpp_completion;		/* struct completion */
struct kcpp_refcount;		/* refcount_t */
struct kcpp_work;		/* struct kcpp_work (src/task/work_types.h) */
struct kcpp_delayed_work;	/* struct kcpp_delayed_work (src/task/work_types.h) */
struct kcpp_workqueue;		/* struct workqueue_struct, owned by the kernel */
struct kcpp_kunit;		/* struct kunit */
struct kcpp_phy_device;		/* struct phy_device, owned by phylib */
struct kcpp_phy_drivers;	/* a registered struct phy_driver array (src/net/phy.c) */
struct kcpp_tag_set;		/* struct kcpp_tag_set (src/block/mq_types.h): tag set + ops */
struct kcpp_gendisk;		/* struct gendisk, owned by the block layer */
struct kcpp_request;		/* struct request */
struct kcpp_request_queue;	/* struct request_queue */
struct kcpp_bio;		/* struct bio */
struct kcpp_blk_mq_hw_ctx;	/* struct blk_mq_hw_ctx */
struct kcpp_rq_list;		/* struct rq_list */
struct kcpp_io_comp_batch;	/* struct io_comp_batch */
struct kcpp_pci_dev;		/* struct pci_dev, owned by the PCI core */
struct kcpp_device;		/* struct device, owned by the driver core */
struct kcpp_miscdev;		/* struct kcpp_miscdev (src/fs/misc_types.h): miscdevice + fops */
/* Binder-facing areas (mm, file, cred, rbtree, debugfs): objects owned by the kernel. */
struct kcpp_page;		/* struct page */
struct kcpp_mm;			/* struct mm_struct */
struct kcpp_vma;		/* struct vm_area_struct */
struct kcpp_file;		/* struct file */
struct kcpp_task;		/* struct task_struct */
struct kcpp_cred;		/* struct cred */
struct kcpp_rb_node;		/* struct rb_node, mirrored by kcpp/rbtree.h */
struct kcpp_rb_root;		/* struct rb_root, mirrored by kcpp/rbtree.h */
struct kcpp_dentry;		/* struct dentry (debugfs) */
struct kcpp_seq_file;		/* struct seq_file */

KCPP_C_BEGIN

/* ---- runtime (src/runtime) ---------------------------------------------------------- */
void kcpp_panic(const char *file, int line, const char *msg) KCPP_NOEXCEPT KCPP_NORETURN;
void kcpp_warn(const char *file, int line, const char *msg) KCPP_NOEXCEPT;
/* level is a kernel loglevel digit 0..7; msg need not be NUL-terminated. */
void kcpp_print(int level, const char *msg, kcpp_size_t len) KCPP_NOEXCEPT;
/* Formats a pointer as the kernel's %p does (hashed unless no_hash_pointers). */
int kcpp_format_pointer(char *buf, kcpp_size_t size, const void *ptr) KCPP_NOEXCEPT;
/* Cheap runtime facts for tests and assertions. */
int kcpp_in_atomic(void) KCPP_NOEXCEPT;

/* Implemented in C++ by KCPP_MODULE: the module's init and exit. */
int kcpp_module_init(void) KCPP_NOEXCEPT;
void kcpp_module_exit(void) KCPP_NOEXCEPT;

/* ---- allocation (src/alloc) --------------------------------------------------------- */
void *kcpp_kmalloc(kcpp_size_t size, kcpp_gfp_t flags) KCPP_NOEXCEPT;
void *kcpp_krealloc(const void *ptr, kcpp_size_t size, kcpp_gfp_t flags) KCPP_NOEXCEPT;
void kcpp_kfree(const void *ptr) KCPP_NOEXCEPT;
void *kcpp_kvmalloc(kcpp_size_t size, kcpp_gfp_t flags) KCPP_NOEXCEPT;
void kcpp_kvfree(const void *ptr) KCPP_NOEXCEPT;
/* Fault injection for tests: makes the current task's allocations fail through the kernel's
 * failslab/fail_page_alloc (task-filter mode). Returns 0, or -EOPNOTSUPP without
 * CONFIG_FAULT_INJECTION. */
int kcpp_fault_inject_current(int enable) KCPP_NOEXCEPT;

/* ---- locks (src/sync) --------------------------------------------------------------- */
void kcpp_spin_lock_init(struct kcpp_spinlock *lock, const char *name,
			 struct kcpp_lock_class_key *key) KCPP_NOEXCEPT;
void kcpp_spin_lock(struct kcpp_spinlock *lock) KCPP_NOEXCEPT;
void kcpp_spin_unlock(struct kcpp_spinlock *lock) KCPP_NOEXCEPT;
int kcpp_spin_trylock(struct kcpp_spinlock *lock) KCPP_NOEXCEPT;
unsigned long kcpp_spin_lock_irqsave(struct kcpp_spinlock *lock) KCPP_NOEXCEPT;
void kcpp_spin_unlock_irqrestore(struct kcpp_spinlock *lock, unsigned long flags) KCPP_NOEXCEPT;
int kcpp_spin_is_locked(struct kcpp_spinlock *lock) KCPP_NOEXCEPT;
int kcpp_irqs_disabled(void) KCPP_NOEXCEPT;

void kcpp_mutex_init(struct kcpp_mutex *lock, const char *name,
		     struct kcpp_lock_class_key *key) KCPP_NOEXCEPT;
void kcpp_mutex_destroy(struct kcpp_mutex *lock) KCPP_NOEXCEPT;
void kcpp_mutex_lock(struct kcpp_mutex *lock) KCPP_NOEXCEPT;
int kcpp_mutex_lock_interruptible(struct kcpp_mutex *lock) KCPP_NOEXCEPT;
int kcpp_mutex_trylock(struct kcpp_mutex *lock) KCPP_NOEXCEPT;
void kcpp_mutex_unlock(struct kcpp_mutex *lock) KCPP_NOEXCEPT;
int kcpp_mutex_is_locked(struct kcpp_mutex *lock) KCPP_NOEXCEPT;

/* ---- waiting (src/sync) ------------------------------------------------------------- */
void kcpp_waitqueue_init(struct kcpp_wait_queue_head *wq, const char *name,
			 struct kcpp_lock_class_key *key) KCPP_NOEXCEPT;
void kcpp_wake_up_one(struct kcpp_wait_queue_head *wq) KCPP_NOEXCEPT;
void kcpp_wake_up_all(struct kcpp_wait_queue_head *wq) KCPP_NOEXCEPT;
/*
 * Condition-variable waits: queue the task exclusively on wq, release the lock, sleep until
 * woken, a signal (if interruptible) or the timeout, then retake the lock. timeout is in
 * jiffies, negative for none. Returns the jiffies left (1 for a wait without timeout), 0 on
 * timeout, or -ERESTARTSYS if a signal is pending (interruptible waits only).
 */
long kcpp_condvar_wait_mutex(struct kcpp_wait_queue_head *wq, struct kcpp_mutex *lock,
			     int interruptible, long timeout) KCPP_NOEXCEPT;
long kcpp_condvar_wait_spin(struct kcpp_wait_queue_head *wq, struct kcpp_spinlock *lock,
			    int interruptible, long timeout) KCPP_NOEXCEPT;
long kcpp_condvar_wait_spin_irqsave(struct kcpp_wait_queue_head *wq,
				    struct kcpp_spinlock *lock, unsigned long *flags,
				    int interruptible, long timeout) KCPP_NOEXCEPT;

void kcpp_completion_init(struct kcpp_completion *c) KCPP_NOEXCEPT;
void kcpp_completion_reinit(struct kcpp_completion *c) KCPP_NOEXCEPT;
void kcpp_complete(struct kcpp_completion *c) KCPP_NOEXCEPT;
void kcpp_complete_all(struct kcpp_completion *c) KCPP_NOEXCEPT;
void kcpp_wait_for_completion(struct kcpp_completion *c) KCPP_NOEXCEPT;
/* Returns remaining jiffies (>= 1) or 0 on timeout. */
unsigned long kcpp_wait_for_completion_timeout(struct kcpp_completion *c,
					       unsigned long timeout) KCPP_NOEXCEPT;
int kcpp_wait_for_completion_interruptible(struct kcpp_completion *c) KCPP_NOEXCEPT;
int kcpp_completion_done(struct kcpp_completion *c) KCPP_NOEXCEPT;

/* ---- reference counts (src/sync) ---------------------------------------------------- */
void kcpp_refcount_set(struct kcpp_refcount *r, int n) KCPP_NOEXCEPT;
unsigned int kcpp_refcount_read(const struct kcpp_refcount *r) KCPP_NOEXCEPT;
void kcpp_refcount_inc(struct kcpp_refcount *r) KCPP_NOEXCEPT;
int kcpp_refcount_inc_not_zero(struct kcpp_refcount *r) KCPP_NOEXCEPT;
int kcpp_refcount_dec_and_test(struct kcpp_refcount *r) KCPP_NOEXCEPT;

/* ---- time and tasks (src/task) ------------------------------------------------------ */
unsigned long kcpp_jiffies(void) KCPP_NOEXCEPT;
unsigned long kcpp_msecs_to_jiffies(unsigned int ms) KCPP_NOEXCEPT;
unsigned int kcpp_jiffies_to_msecs(unsigned long j) KCPP_NOEXCEPT;
unsigned long long kcpp_ktime_get_ns(void) KCPP_NOEXCEPT;
void kcpp_msleep(unsigned int ms) KCPP_NOEXCEPT;
void kcpp_usleep_range(unsigned long min_us, unsigned long max_us) KCPP_NOEXCEPT;
void kcpp_udelay(unsigned long us) KCPP_NOEXCEPT;
void kcpp_might_sleep(void) KCPP_NOEXCEPT;
void kcpp_cond_resched(void) KCPP_NOEXCEPT;
int kcpp_signal_pending(void) KCPP_NOEXCEPT;
int kcpp_current_pid(void) KCPP_NOEXCEPT;
unsigned int kcpp_num_online_cpus(void) KCPP_NOEXCEPT;

/* ---- work items (src/task) ---------------------------------------------------------- */
typedef void (*kcpp_work_fn)(struct kcpp_work *work);
void kcpp_work_init(struct kcpp_work *work, kcpp_work_fn fn, const char *name,
		    struct kcpp_lock_class_key *key) KCPP_NOEXCEPT;
int kcpp_work_queue(struct kcpp_workqueue *wq, struct kcpp_work *work) KCPP_NOEXCEPT;
int kcpp_work_cancel_sync(struct kcpp_work *work) KCPP_NOEXCEPT;
int kcpp_work_flush(struct kcpp_work *work) KCPP_NOEXCEPT;
int kcpp_work_pending(struct kcpp_work *work) KCPP_NOEXCEPT;
void kcpp_delayed_work_init(struct kcpp_delayed_work *dwork, kcpp_work_fn fn, const char *name,
			    struct kcpp_lock_class_key *key) KCPP_NOEXCEPT;
int kcpp_delayed_work_queue(struct kcpp_workqueue *wq, struct kcpp_delayed_work *dwork,
			    unsigned long delay) KCPP_NOEXCEPT;
int kcpp_delayed_work_cancel_sync(struct kcpp_delayed_work *dwork) KCPP_NOEXCEPT;
struct kcpp_work *kcpp_delayed_work_to_work(struct kcpp_delayed_work *dwork) KCPP_NOEXCEPT;
/* wq == NULL means system_wq. */
struct kcpp_workqueue *kcpp_workqueue_alloc(const char *name, unsigned int flags,
					    int max_active) KCPP_NOEXCEPT;
void kcpp_workqueue_destroy(struct kcpp_workqueue *wq) KCPP_NOEXCEPT;
void kcpp_workqueue_flush(struct kcpp_workqueue *wq) KCPP_NOEXCEPT;

/* ---- user memory (src/uaccess) ------------------------------------------------------ */
/* Both return the number of bytes NOT copied, as copy_{from,to}_user do. */
unsigned long kcpp_copy_from_user(void *to, kcpp_uptr_t from, unsigned long n) KCPP_NOEXCEPT;
unsigned long kcpp_copy_to_user(kcpp_uptr_t to, const void *from, unsigned long n) KCPP_NOEXCEPT;
/* The same for a whole C++ object of n = sizeof(its type) bytes, without hardened usercopy's
 * run-time object check, which the kernel's own copies skip when n is a compile-time constant
 * (check_object_size): C++ checked the size at compile time (UserSliceReader::read<T>). */
unsigned long kcpp_copy_object_from_user(void *to, kcpp_uptr_t from, unsigned long n) KCPP_NOEXCEPT;
unsigned long kcpp_copy_object_to_user(kcpp_uptr_t to, const void *from, unsigned long n) KCPP_NOEXCEPT;
unsigned long kcpp_clear_user(kcpp_uptr_t to, unsigned long n) KCPP_NOEXCEPT;

/* ---- module parameters (src/params) ------------------------------------------------- */
/* arg is the C++ parameter descriptor from kernel_param.arg. Return 0 or -errno. */
int kcpp_param_set(void *arg, const char *name, const char *val) KCPP_NOEXCEPT;
int kcpp_param_get(void *arg, char *buf, kcpp_size_t size) KCPP_NOEXCEPT;

/* ---- KUnit (src/kunit, only in test modules) ---------------------------------------- */
/* Fills the struct kunit_suite at suite (C++ storage, listed in .kunit_test_suites). */
struct kcpp_kunit_case_def {
	const char *name;
	void (*run)(struct kcpp_kunit *test);
};
struct kcpp_kunit_suite_def {
	const char *name;
	const struct kcpp_kunit_case_def *cases;
	kcpp_size_t ncases;
	void *case_storage;	/* room for ncases + 1 struct kunit_case */
};
void kcpp_kunit_fill_suite(void *suite, const struct kcpp_kunit_suite_def *def) KCPP_NOEXCEPT;
/* Implemented in C++ by KCPP_KUNIT_MODULE: fills every suite of the module. */
void kcpp_kunit_fill_suites(void) KCPP_NOEXCEPT;
void kcpp_kunit_fail(struct kcpp_kunit *test, const char *file, int line,
		     const char *msg) KCPP_NOEXCEPT;
/* Marks the test failed and ends it: never returns to the caller. */
void kcpp_kunit_abort(struct kcpp_kunit *test, const char *file, int line,
		      const char *msg) KCPP_NOEXCEPT KCPP_NORETURN;
void kcpp_kunit_skip(struct kcpp_kunit *test, const char *reason) KCPP_NOEXCEPT;
void kcpp_kunit_log(struct kcpp_kunit *test, const char *msg) KCPP_NOEXCEPT;
/* Maps size bytes of anonymous read-write user memory in the test thread's own mm (attached
 * on first use, torn down with the test case): its user address, or 0 on failure. */
kcpp_uptr_t kcpp_kunit_alloc_user(struct kcpp_kunit *test, kcpp_size_t size) KCPP_NOEXCEPT;

/* ---- PHY drivers (src/net/phy.c, area net-phy) ------------------------------------ */
/*
 * One PHY driver as C++ describes it: IDs, name, flags and the callbacks it defines (NULL for
 * the others, so phylib's defaults apply). The callbacks have the ABI of the corresponding
 * struct phy_driver members, with struct kcpp_phy_device standing for struct phy_device.
 */
struct kcpp_phy_driver_desc {
	unsigned int phy_id;
	unsigned int phy_id_mask;
	const char *name;
	unsigned int flags;
	int (*soft_reset)(struct kcpp_phy_device *dev);
	int (*probe)(struct kcpp_phy_device *dev);
	int (*get_features)(struct kcpp_phy_device *dev);
	int (*match_phy_device)(struct kcpp_phy_device *dev);
	int (*config_aneg)(struct kcpp_phy_device *dev);
	int (*read_status)(struct kcpp_phy_device *dev);
	int (*suspend)(struct kcpp_phy_device *dev);
	int (*resume)(struct kcpp_phy_device *dev);
	int (*read_mmd)(struct kcpp_phy_device *dev, int devnum, unsigned short regnum);
	int (*write_mmd)(struct kcpp_phy_device *dev, int devnum, unsigned short regnum,
			 unsigned short val);
	void (*link_change_notify)(struct kcpp_phy_device *dev);
};
/* Builds struct phy_driver[n] from descs (which must outlive the registration). */
int kcpp_phy_drivers_register(const struct kcpp_phy_driver_desc *descs, kcpp_size_t n,
			      struct kcpp_phy_drivers **out) KCPP_NOEXCEPT;
void kcpp_phy_drivers_unregister(struct kcpp_phy_drivers *drivers) KCPP_NOEXCEPT;

int kcpp_phy_read(struct kcpp_phy_device *dev, unsigned int reg) KCPP_NOEXCEPT;
int kcpp_phy_write(struct kcpp_phy_device *dev, unsigned int reg, unsigned short val) KCPP_NOEXCEPT;
int kcpp_phy_read_mmd(struct kcpp_phy_device *dev, int devad, unsigned int reg) KCPP_NOEXCEPT;
int kcpp_phy_write_mmd(struct kcpp_phy_device *dev, int devad, unsigned int reg,
		       unsigned short val) KCPP_NOEXCEPT;
int kcpp_genphy_soft_reset(struct kcpp_phy_device *dev) KCPP_NOEXCEPT;
int kcpp_genphy_suspend(struct kcpp_phy_device *dev) KCPP_NOEXCEPT;
int kcpp_genphy_resume(struct kcpp_phy_device *dev) KCPP_NOEXCEPT;
int kcpp_genphy_read_status(struct kcpp_phy_device *dev) KCPP_NOEXCEPT;
int kcpp_genphy_update_link(struct kcpp_phy_device *dev) KCPP_NOEXCEPT;
int kcpp_genphy_read_lpa(struct kcpp_phy_device *dev) KCPP_NOEXCEPT;
int kcpp_genphy_config_aneg(struct kcpp_phy_device *dev) KCPP_NOEXCEPT;
int kcpp_genphy_read_abilities(struct kcpp_phy_device *dev) KCPP_NOEXCEPT;
int kcpp_phy_init_hw(struct kcpp_phy_device *dev) KCPP_NOEXCEPT;
int kcpp_phy_start_aneg(struct kcpp_phy_device *dev) KCPP_NOEXCEPT;
void kcpp_phy_resolve_aneg_linkmode(struct kcpp_phy_device *dev) KCPP_NOEXCEPT;
unsigned int kcpp_phy_id(const struct kcpp_phy_device *dev) KCPP_NOEXCEPT;
int kcpp_phy_state(const struct kcpp_phy_device *dev) KCPP_NOEXCEPT;
int kcpp_phy_link(const struct kcpp_phy_device *dev) KCPP_NOEXCEPT;
int kcpp_phy_autoneg_enabled(const struct kcpp_phy_device *dev) KCPP_NOEXCEPT;
int kcpp_phy_autoneg_complete(const struct kcpp_phy_device *dev) KCPP_NOEXCEPT;
int kcpp_phy_speed(const struct kcpp_phy_device *dev) KCPP_NOEXCEPT;
int kcpp_phy_duplex(const struct kcpp_phy_device *dev) KCPP_NOEXCEPT;
void kcpp_phy_set_speed(struct kcpp_phy_device *dev, int speed) KCPP_NOEXCEPT;
void kcpp_phy_set_duplex(struct kcpp_phy_device *dev, int duplex) KCPP_NOEXCEPT;

/* ---- blk-mq (src/block/mq.c, area block) ------------------------------------------- */
/* The blk_mq_ops callbacks C++ defines (NULL for the others), with struct blk_mq_ops'
 * ABI: statuses are blk_status_t (u8), queue_rq's second argument is the
 * struct blk_mq_queue_data C++ mirrors. */
struct kcpp_blk_mq_ops_desc {
	unsigned char (*queue_rq)(struct kcpp_blk_mq_hw_ctx *hctx, const void *bd);
	void (*commit_rqs)(struct kcpp_blk_mq_hw_ctx *hctx);
	void (*queue_rqs)(struct kcpp_rq_list *rqlist);
	void (*complete)(struct kcpp_request *rq);
	int (*timeout)(struct kcpp_request *rq);
};
struct kcpp_disk_config {
	const char *name;
	unsigned long long capacity_sectors;
	unsigned int logical_block_size;
	unsigned int physical_block_size;
	unsigned int max_hw_sectors;		/* 0: the block layer's default */
	unsigned int max_discard_sectors;	/* 0: no discard */
	unsigned int max_write_zeroes_sectors;	/* 0: no write zeroes */
	unsigned int max_segments;		/* 0: the block layer's default */
	unsigned long virt_boundary_mask;	/* 0: none */
	unsigned int dma_alignment;		/* 0: the block layer's default (511) */
	int rotational;
	int write_cache;
	int fua;
	/* The disk's ioctl handler (NULL: ENOTTY), with the disk's queue, whether the block
	 * device is open for writing and whether it is a partition. */
	long (*ioctl)(void *queuedata, struct kcpp_request_queue *q, int open_for_write, int partition,
		      unsigned int cmd, unsigned long arg);
	/* Frees queuedata when the disk's last reference goes (->free_disk), which may be
	 * after kcpp_gendisk_destroy if the block device is still open. */
	void (*release_queuedata)(void *queuedata);
};
/* map_pdev (or NULL): map CPUs to hardware queues by the affinity of map_pdev's interrupt
 * vectors, queue i served by vector map_offset + i (blk_mq_pci_map_queues). */
int kcpp_tag_set_init(struct kcpp_tag_set *ts, const struct kcpp_blk_mq_ops_desc *ops,
		      unsigned int nr_hw_queues, unsigned int queue_depth, unsigned int cmd_size,
		      unsigned int flags, unsigned int timeout_ms, struct kcpp_pci_dev *map_pdev,
		      unsigned int map_offset) KCPP_NOEXCEPT;
void kcpp_tag_set_free(struct kcpp_tag_set *ts) KCPP_NOEXCEPT;
/* Allocates the disk with the given limits and queuedata, sets its capacity and adds it.
 * Takes ownership of queuedata in every case (released through cfg->release_queuedata). */
int kcpp_gendisk_create(struct kcpp_tag_set *ts, const struct kcpp_disk_config *cfg,
			void *queuedata, struct kcpp_lock_class_key *key,
			struct kcpp_gendisk **out) KCPP_NOEXCEPT;
void kcpp_gendisk_destroy(struct kcpp_gendisk *disk) KCPP_NOEXCEPT;
void kcpp_blk_mq_start_request(struct kcpp_request *rq) KCPP_NOEXCEPT;
void kcpp_blk_mq_end_request(struct kcpp_request *rq, unsigned char status) KCPP_NOEXCEPT;
void kcpp_blk_mq_complete_request(struct kcpp_request *rq) KCPP_NOEXCEPT;
/* blk_should_fake_timeout(rq->q): the block layer's FAIL_IO_TIMEOUT fault injection asks the
 * driver to drop this completion, as if its interrupt were lost. */
int kcpp_blk_should_fake_timeout(struct kcpp_request *rq) KCPP_NOEXCEPT;
/* The request for a tag of hardware queue hctx_idx, or NULL if the tag is not in use. */
struct kcpp_request *kcpp_blk_mq_tag_to_rq(struct kcpp_tag_set *ts, unsigned int hctx_idx,
					   unsigned int tag) KCPP_NOEXCEPT;
/* What unmapping a request's data needs: a single segment mapped directly (nents 0,
 * single_addr/single_len), or nents scatterlist entries filled by blk_rq_map_sg. */
struct kcpp_rq_dma {
	unsigned long long single_addr;
	unsigned int single_len;
	int nents;
};
/* Maps the request's data for DMA by dev in the request's direction: dma_map_bvec when it is
 * one segment, else blk_rq_map_sg into sgl (room for max_segs struct scatterlist) and
 * dma_map_sg. Returns the number of mapped entries (> 0) or -errno. */
int kcpp_blk_rq_map_dma(struct kcpp_request *rq, struct kcpp_device *dev, struct kcpp_rq_dma *map,
			void *sgl, unsigned int max_segs) KCPP_NOEXCEPT;
void kcpp_blk_rq_unmap_dma(struct kcpp_request *rq, struct kcpp_device *dev,
			   const struct kcpp_rq_dma *map, void *sgl) KCPP_NOEXCEPT;
/* What kcpp_blk_mq_complete_batched did with a request its device completed: dropped it
 * (FAIL_IO_TIMEOUT fault injection: as if the interrupt were lost), sent it to the submitting
 * CPU (which runs ->complete), added it to the batch iob (blk_mq_add_to_batch, with
 * `complete` the batch's completion function), or left it to the caller to complete here. */
#define KCPP_COMPLETED_DROPPED 0
#define KCPP_COMPLETED_REMOTE 1
#define KCPP_COMPLETED_BATCHED 2
#define KCPP_COMPLETED_LOCAL 3
int kcpp_blk_mq_complete_batched(struct kcpp_request *rq, struct kcpp_io_comp_batch *iob, int is_error,
				 void (*complete)(struct kcpp_io_comp_batch *iob)) KCPP_NOEXCEPT;
/* blk_mq_end_request_batch(iob): ends every request of the batch with success. */
void kcpp_blk_mq_end_request_batch(struct kcpp_io_comp_batch *iob) KCPP_NOEXCEPT;
/* Recovery (controller reset): blk_mq_quiesce_tagset / blk_mq_unquiesce_tagset (no queue_rq
 * of any queue of the set runs between them); blk_mq_tagset_busy_iter calling fn(rq, ctx) for
 * every started request until fn returns 0; blk_mq_tagset_wait_completed_request. */
void kcpp_tag_set_quiesce(struct kcpp_tag_set *ts) KCPP_NOEXCEPT;
void kcpp_tag_set_unquiesce(struct kcpp_tag_set *ts) KCPP_NOEXCEPT;
void kcpp_tag_set_busy_iter(struct kcpp_tag_set *ts, int (*fn)(struct kcpp_request *rq, void *ctx),
			    void *ctx) KCPP_NOEXCEPT;
void kcpp_tag_set_wait_completed(struct kcpp_tag_set *ts) KCPP_NOEXCEPT;
/* blk_mq_request_completed(rq); blk_mq_requeue_request(rq, true). */
int kcpp_blk_mq_request_completed(struct kcpp_request *rq) KCPP_NOEXCEPT;
void kcpp_blk_mq_requeue_request(struct kcpp_request *rq) KCPP_NOEXCEPT;
/* Passthrough requests (driver-private commands from an ioctl): blk_mq_alloc_request with
 * REQ_OP_DRV_OUT or REQ_OP_DRV_IN (-errno as an error pointer is returned as NULL with *err);
 * blk_rq_map_user of len bytes at user address addr (*bio for the unmap); blk_execute_rq
 * (waits; returns the blk_status_t); blk_rq_unmap_user; blk_mq_free_request. */
struct kcpp_request *kcpp_blk_alloc_passthrough(struct kcpp_request_queue *q, int to_device,
						int *err) KCPP_NOEXCEPT;
int kcpp_blk_rq_map_user(struct kcpp_request *rq, unsigned long addr, unsigned int len,
			 struct kcpp_bio **bio) KCPP_NOEXCEPT;
void kcpp_blk_rq_set_timeout(struct kcpp_request *rq, unsigned int ms) KCPP_NOEXCEPT;
unsigned char kcpp_blk_execute_rq(struct kcpp_request *rq) KCPP_NOEXCEPT;
int kcpp_blk_rq_unmap_user(struct kcpp_bio *bio) KCPP_NOEXCEPT;
void kcpp_blk_mq_free_request(struct kcpp_request *rq) KCPP_NOEXCEPT;

/* ---- devices (src/device/device.c, area device) ------------------------------------ */
/* dev_printk at a loglevel digit 0..7; msg need not be NUL-terminated. */
void kcpp_dev_print(const struct kcpp_device *dev, int level, const char *msg,
		    kcpp_size_t len) KCPP_NOEXCEPT;
const char *kcpp_dev_name(const struct kcpp_device *dev) KCPP_NOEXCEPT;

/* ---- PCI, DMA, IRQ (src/pci, area pci) ------------------------------------------------ */
/*
 * A PCI driver as C++ describes it. ids is a struct pci_device_id array (mirrored in
 * kcpp/pci.h), terminated by a zero entry. probe returns 0 and the driver data in *data, or
 * -errno; remove gets that data back on unbind and must release everything it holds.
 */
struct kcpp_pci_driver_desc {
	const char *name;
	const void *ids;
	int (*probe)(struct kcpp_pci_dev *pdev, const void *id, void **data);
	void (*remove)(struct kcpp_pci_dev *pdev, void *data);
	void (*shutdown)(struct kcpp_pci_dev *pdev, void *data);
};
int kcpp_pci_register_driver(const struct kcpp_pci_driver_desc *desc) KCPP_NOEXCEPT;
void kcpp_pci_unregister_driver(void) KCPP_NOEXCEPT;
struct kcpp_device *kcpp_pci_to_dev(struct kcpp_pci_dev *pdev) KCPP_NOEXCEPT;
unsigned short kcpp_pci_vendor(const struct kcpp_pci_dev *pdev) KCPP_NOEXCEPT;
unsigned short kcpp_pci_device(const struct kcpp_pci_dev *pdev) KCPP_NOEXCEPT;
unsigned char kcpp_pci_revision(const struct kcpp_pci_dev *pdev) KCPP_NOEXCEPT;
/* The class code (class << 16 | subclass << 8 | prog-if), e.g. 0x010802 for NVMe. */
unsigned int kcpp_pci_class(const struct kcpp_pci_dev *pdev) KCPP_NOEXCEPT;
int kcpp_pci_enable_device(struct kcpp_pci_dev *pdev) KCPP_NOEXCEPT;
void kcpp_pci_disable_device(struct kcpp_pci_dev *pdev) KCPP_NOEXCEPT;
void kcpp_pci_set_master(struct kcpp_pci_dev *pdev) KCPP_NOEXCEPT;
void kcpp_pci_clear_master(struct kcpp_pci_dev *pdev) KCPP_NOEXCEPT;
int kcpp_pci_request_regions(struct kcpp_pci_dev *pdev, const char *name) KCPP_NOEXCEPT;
void kcpp_pci_release_regions(struct kcpp_pci_dev *pdev) KCPP_NOEXCEPT;
unsigned long long kcpp_pci_resource_len(const struct kcpp_pci_dev *pdev, int bar) KCPP_NOEXCEPT;
/* pci_iomap of the whole BAR (NULL on failure); *len gets its length. */
void *kcpp_pci_iomap(struct kcpp_pci_dev *pdev, int bar, unsigned long long *len) KCPP_NOEXCEPT;
void kcpp_pci_iounmap(struct kcpp_pci_dev *pdev, void *addr) KCPP_NOEXCEPT;
/* flags: KCPP_PCI_IRQ_* from kcpp/gen/layout.h. Returns the number of vectors or -errno. */
int kcpp_pci_alloc_irq_vectors(struct kcpp_pci_dev *pdev, unsigned int min, unsigned int max,
			       unsigned int flags) KCPP_NOEXCEPT;
/* pci_alloc_irq_vectors_affinity with PCI_IRQ_AFFINITY: the vectors after the first
 * pre_vectors get managed affinity, spread over the CPUs (a queue per CPU). */
int kcpp_pci_alloc_irq_vectors_spread(struct kcpp_pci_dev *pdev, unsigned int min, unsigned int max,
				      unsigned int flags, unsigned int pre_vectors) KCPP_NOEXCEPT;
void kcpp_pci_free_irq_vectors(struct kcpp_pci_dev *pdev) KCPP_NOEXCEPT;
int kcpp_pci_irq_vector(struct kcpp_pci_dev *pdev, unsigned int nr) KCPP_NOEXCEPT;
/* 1 if the vectors are MSI-X, 2 MSI, 0 INTx. */
int kcpp_pci_irq_kind(const struct kcpp_pci_dev *pdev) KCPP_NOEXCEPT;
/* pci_device_is_present: false once the device is gone (surprise removal, dead link). */
int kcpp_pci_device_is_present(struct kcpp_pci_dev *pdev) KCPP_NOEXCEPT;

int kcpp_dma_set_mask_and_coherent(struct kcpp_device *dev, unsigned int bits) KCPP_NOEXCEPT;
int kcpp_dma_set_max_seg_size(struct kcpp_device *dev, unsigned int size) KCPP_NOEXCEPT;
/* dma_set_min_align_mask (0 or -EIO without dma_parms); dma_opt_mapping_size (the longest
 * mapping that stays efficient: swiotlb's slot limit when buffers bounce). */
int kcpp_dma_set_min_align_mask(struct kcpp_device *dev, unsigned int mask) KCPP_NOEXCEPT;
kcpp_size_t kcpp_dma_opt_mapping_size(struct kcpp_device *dev) KCPP_NOEXCEPT;
void *kcpp_dma_alloc_coherent(struct kcpp_device *dev, kcpp_size_t size,
			      unsigned long long *dma_handle, kcpp_gfp_t gfp) KCPP_NOEXCEPT;
void kcpp_dma_free_coherent(struct kcpp_device *dev, kcpp_size_t size, void *cpu,
			    unsigned long long dma_handle) KCPP_NOEXCEPT;

/* An interrupt handler registration: C++-owned, pinned; handler returns 1 if it handled
 * the interrupt (IRQ_HANDLED), 0 if not (IRQ_NONE). */
struct kcpp_irq_handler {
	int (*handler)(void *data);
	void *data;
};
int kcpp_request_irq(int irq, struct kcpp_irq_handler *h, int shared, const char *name) KCPP_NOEXCEPT;
void kcpp_free_irq(int irq, struct kcpp_irq_handler *h) KCPP_NOEXCEPT;
/* disable_irq (waits for running handlers) / enable_irq, nested as the kernel counts them. */
void kcpp_disable_irq(int irq) KCPP_NOEXCEPT;
void kcpp_enable_irq(int irq) KCPP_NOEXCEPT;

/* ---- misc character devices (src/fs/miscdev.c, area misc) --------------------------- */
/*
 * The file operations C++ defines (NULL for the others). `shared` is the registration's data;
 * open gets the struct file being opened and returns the per-open data in *file_data, which
 * the others get back. Lengths and positions are plain integers; buffers are user addresses.
 * release is always set (it frees the per-open data). mmap gets the new VMA with the mmap lock
 * held for writing; if it succeeds the VMA gets kcpp's vm_operations (vm_private_data is the
 * per-open data, faults are SIGBUS, vma_close is called when the VMA goes away).
 */
struct kcpp_file_ops_desc {
	int (*open)(void *shared, struct kcpp_file *file, void **file_data);
	void (*release)(void *file_data);
	long (*read)(void *file_data, kcpp_uptr_t buf, kcpp_size_t len, long long *pos);
	long (*write)(void *file_data, kcpp_uptr_t buf, kcpp_size_t len, long long *pos);
	long (*ioctl)(void *file_data, unsigned int cmd, unsigned long arg);
	long (*compat_ioctl)(void *file_data, unsigned int cmd, unsigned long arg);
	unsigned int (*poll)(void *file_data, void *poll_table); /* EPOLL* bits */
	int (*mmap)(void *file_data, struct kcpp_vma *vma);
	void (*vma_close)(void *file_data);
	int (*flush)(void *file_data);
};
/* 0, or -errno from misc_register (-EEXIST if the name is taken, -EBUSY for a taken minor). */
int kcpp_miscdev_register(struct kcpp_miscdev *md, const char *name, unsigned int mode,
			  const struct kcpp_file_ops_desc *ops, void *shared) KCPP_NOEXCEPT;
void kcpp_miscdev_deregister(struct kcpp_miscdev *md) KCPP_NOEXCEPT;
/* poll_wait(file, wq, poll_table) for the file being polled (poll_table as passed to poll). */
void kcpp_poll_wait(void *poll_table, struct kcpp_wait_queue_head *wq) KCPP_NOEXCEPT;
int kcpp_capable_sys_admin(void) KCPP_NOEXCEPT;
/* The per-open data of the kcpp file whose mmap created vma, or NULL if vma was not created by
 * a kcpp misc device's mmap (of this module). Caller holds the mmap lock. */
void *kcpp_vma_kcpp_file_data(const struct kcpp_vma *vma) KCPP_NOEXCEPT;

/* ==== Binder-facing abstractions (issue 5): pages, mm/VMAs, files, tasks and credentials,
 * LSM hooks, red-black trees, debugfs, extra wait-queue operations ======================= */

/* ---- pages (src/mm/page.c, area mm) -------------------------------------------------- */
struct kcpp_page *kcpp_page_alloc(kcpp_gfp_t flags) KCPP_NOEXCEPT;	/* alloc_page; NULL */
void kcpp_page_free(struct kcpp_page *page) KCPP_NOEXCEPT;		/* __free_page */
/* Copies within one page (offset + len <= PAGE_SIZE, checked by C++), through
 * kmap_local_page. The user copies return the bytes NOT copied, as copy_{from,to}_user. */
void kcpp_page_read(struct kcpp_page *page, void *dst, kcpp_size_t offset, kcpp_size_t len) KCPP_NOEXCEPT;
void kcpp_page_write(struct kcpp_page *page, const void *src, kcpp_size_t offset,
		     kcpp_size_t len) KCPP_NOEXCEPT;
void kcpp_page_zero(struct kcpp_page *page, kcpp_size_t offset, kcpp_size_t len) KCPP_NOEXCEPT;
unsigned long kcpp_page_copy_from_user(struct kcpp_page *page, kcpp_size_t offset,
				       kcpp_uptr_t from, kcpp_size_t len) KCPP_NOEXCEPT;
unsigned long kcpp_page_copy_to_user(struct kcpp_page *page, kcpp_size_t offset,
				     kcpp_uptr_t to, kcpp_size_t len) KCPP_NOEXCEPT;

/* ---- address spaces and VMAs (src/mm/mm.c, area mm) ---------------------------------- */
/* current->mm with mmgrab (NULL for a kernel thread); mmdrop. */
struct kcpp_mm *kcpp_mm_grab_current(void) KCPP_NOEXCEPT;
void kcpp_mm_grab(struct kcpp_mm *mm) KCPP_NOEXCEPT;
void kcpp_mm_drop(struct kcpp_mm *mm) KCPP_NOEXCEPT;
/* mmget_not_zero (1 if the address space still has users), mmput_async. */
int kcpp_mm_get_not_zero(struct kcpp_mm *mm) KCPP_NOEXCEPT;
void kcpp_mm_put_async(struct kcpp_mm *mm) KCPP_NOEXCEPT;
void kcpp_mmap_read_lock(struct kcpp_mm *mm) KCPP_NOEXCEPT;
int kcpp_mmap_read_trylock(struct kcpp_mm *mm) KCPP_NOEXCEPT;
void kcpp_mmap_read_unlock(struct kcpp_mm *mm) KCPP_NOEXCEPT;
void kcpp_mmap_write_lock(struct kcpp_mm *mm) KCPP_NOEXCEPT;
void kcpp_mmap_write_unlock(struct kcpp_mm *mm) KCPP_NOEXCEPT;
/* vma_lookup: the VMA containing addr or NULL. Caller holds the mmap lock. */
struct kcpp_vma *kcpp_vma_lookup(struct kcpp_mm *mm, unsigned long addr) KCPP_NOEXCEPT;
unsigned long kcpp_vma_start(const struct kcpp_vma *vma) KCPP_NOEXCEPT;
unsigned long kcpp_vma_end(const struct kcpp_vma *vma) KCPP_NOEXCEPT;
unsigned long kcpp_vma_flags(const struct kcpp_vma *vma) KCPP_NOEXCEPT;
unsigned long kcpp_vma_pgoff(const struct kcpp_vma *vma) KCPP_NOEXCEPT;
struct kcpp_mm *kcpp_vma_mm(const struct kcpp_vma *vma) KCPP_NOEXCEPT;
/* vm_flags_mod: caller holds the mmap lock for writing (the mmap callback does). */
void kcpp_vma_flags_mod(struct kcpp_vma *vma, unsigned long set, unsigned long clear) KCPP_NOEXCEPT;
/* vm_insert_page (the VMA takes its own page reference): 0 or -errno. */
int kcpp_vma_insert_page(struct kcpp_vma *vma, unsigned long addr, struct kcpp_page *page) KCPP_NOEXCEPT;
/* zap_page_range_single(vma, addr, size, NULL): unmaps the pages of [addr, addr + size). */
void kcpp_vma_zap(struct kcpp_vma *vma, unsigned long addr, unsigned long size) KCPP_NOEXCEPT;

/* ---- files and file descriptors (src/fs/file.c, area file) --------------------------- */
struct kcpp_file *kcpp_fget(unsigned int fd) KCPP_NOEXCEPT;		/* NULL if not open */
void kcpp_get_file(struct kcpp_file *file) KCPP_NOEXCEPT;
void kcpp_fput(struct kcpp_file *file) KCPP_NOEXCEPT;
const struct kcpp_cred *kcpp_file_cred(const struct kcpp_file *file) KCPP_NOEXCEPT; /* f_cred */
unsigned int kcpp_file_flags(const struct kcpp_file *file) KCPP_NOEXCEPT;		  /* f_flags */
/* get_unused_fd_flags in the current task: the fd or -errno; put_unused_fd; fd_install
 * (consumes the caller's file reference). */
int kcpp_fd_reserve(unsigned int flags) KCPP_NOEXCEPT;
void kcpp_fd_unreserve(unsigned int fd) KCPP_NOEXCEPT;
void kcpp_fd_install(unsigned int fd, struct kcpp_file *file) KCPP_NOEXCEPT;
/* Closes fd in the current task now and drops the file at return to user space (file_close_fd,
 * filp_close, task_work_add of the fput), as binder_deferred_fd_close: 0, -EBADF if fd is not
 * open, -ENOMEM (fd left open). */
int kcpp_close_fd_deferred(unsigned int fd) KCPP_NOEXCEPT;

/* ---- tasks, credentials and LSM hooks (src/task/cred.c, area cred) ------------------- */
struct kcpp_task *kcpp_task_current(void) KCPP_NOEXCEPT;
struct kcpp_task *kcpp_task_group_leader(const struct kcpp_task *task) KCPP_NOEXCEPT;
void kcpp_task_get(struct kcpp_task *task) KCPP_NOEXCEPT;	/* get_task_struct */
void kcpp_task_put(struct kcpp_task *task) KCPP_NOEXCEPT;	/* put_task_struct */
int kcpp_task_pid(const struct kcpp_task *task) KCPP_NOEXCEPT;	/* global ids */
int kcpp_task_tgid(const struct kcpp_task *task) KCPP_NOEXCEPT;
/* The ids in the current task's pid namespace (0 if not visible there). */
int kcpp_task_pid_in_current_ns(const struct kcpp_task *task) KCPP_NOEXCEPT;
int kcpp_task_tgid_in_current_ns(const struct kcpp_task *task) KCPP_NOEXCEPT;
unsigned int kcpp_task_euid(const struct kcpp_task *task) KCPP_NOEXCEPT;	/* kuid_t value */
int kcpp_task_nice(const struct kcpp_task *task) KCPP_NOEXCEPT;
void kcpp_task_set_user_nice(struct kcpp_task *task, long nice) KCPP_NOEXCEPT;
int kcpp_task_can_nice(const struct kcpp_task *task, int nice) KCPP_NOEXCEPT;
/* rlimit_to_nice(rlimit(RLIMIT_NICE)) of the current task: the lowest nice it may set. */
int kcpp_current_min_nice(void) KCPP_NOEXCEPT;
/* from_kuid(current_user_ns(), kuid): (unsigned int)-1 if it has no mapping there. */
unsigned int kcpp_kuid_to_uid_in_current_ns(unsigned int kuid) KCPP_NOEXCEPT;
const struct kcpp_cred *kcpp_current_cred(void) KCPP_NOEXCEPT;
void kcpp_cred_get(const struct kcpp_cred *cred) KCPP_NOEXCEPT;	/* get_cred */
void kcpp_cred_put(const struct kcpp_cred *cred) KCPP_NOEXCEPT;	/* put_cred */
unsigned int kcpp_cred_euid(const struct kcpp_cred *cred) KCPP_NOEXCEPT;
/* The LSM binder hooks: 0 or -errno (the LSM's verdict). */
int kcpp_security_binder_set_context_mgr(const struct kcpp_cred *mgr) KCPP_NOEXCEPT;
int kcpp_security_binder_transaction(const struct kcpp_cred *from, const struct kcpp_cred *to) KCPP_NOEXCEPT;
int kcpp_security_binder_transfer_binder(const struct kcpp_cred *from,
					 const struct kcpp_cred *to) KCPP_NOEXCEPT;
int kcpp_security_binder_transfer_file(const struct kcpp_cred *from, const struct kcpp_cred *to,
				       const struct kcpp_file *file) KCPP_NOEXCEPT;
/* security_cred_getsecid + security_secid_to_secctx: 0 with *ctx and *len to release with
 * kcpp_security_release_secctx, or -errno (-EOPNOTSUPP without an LSM that has contexts). */
int kcpp_security_cred_secctx(const struct kcpp_cred *cred, char **ctx, unsigned int *len) KCPP_NOEXCEPT;
void kcpp_security_release_secctx(char *ctx, unsigned int len) KCPP_NOEXCEPT;

/* ---- red-black trees (src/lib/rbtree.c, area rbtree) --------------------------------- */
/* rb_link_node(node, parent, link) + rb_insert_color(node, root). */
void kcpp_rb_insert(struct kcpp_rb_node *node, struct kcpp_rb_node *parent,
		    struct kcpp_rb_node **link, struct kcpp_rb_root *root) KCPP_NOEXCEPT;
void kcpp_rb_erase(struct kcpp_rb_node *node, struct kcpp_rb_root *root) KCPP_NOEXCEPT;
struct kcpp_rb_node *kcpp_rb_first(const struct kcpp_rb_root *root) KCPP_NOEXCEPT;
struct kcpp_rb_node *kcpp_rb_last(const struct kcpp_rb_root *root) KCPP_NOEXCEPT;
struct kcpp_rb_node *kcpp_rb_next(const struct kcpp_rb_node *node) KCPP_NOEXCEPT;
struct kcpp_rb_node *kcpp_rb_prev(const struct kcpp_rb_node *node) KCPP_NOEXCEPT;

/* ---- debugfs (src/fs/debugfs.c, area debugfs) ---------------------------------------- */
/* A read-only seq_file: show(ctx, m) writes the whole contents (single_open). C++-owned and
 * pinned for as long as the file exists. */
struct kcpp_debugfs_show {
	void (*show)(void *ctx, struct kcpp_seq_file *m);
	void *ctx;
};
/* ERR_PTR-style returns (debugfs' own): -ENODEV without debugfs, -EEXIST for a taken name. */
struct kcpp_dentry *kcpp_debugfs_create_dir(const char *name, struct kcpp_dentry *parent) KCPP_NOEXCEPT;
struct kcpp_dentry *kcpp_debugfs_create_show_file(const char *name, unsigned int mode,
						  struct kcpp_dentry *parent,
						  struct kcpp_debugfs_show *show) KCPP_NOEXCEPT;
/* debugfs_remove (recursive); waits for readers still inside show. */
void kcpp_debugfs_remove(struct kcpp_dentry *dentry) KCPP_NOEXCEPT;
void kcpp_seq_write(struct kcpp_seq_file *m, const char *data, kcpp_size_t len) KCPP_NOEXCEPT;

/* ---- more wait-queue operations (src/sync/wait_more.c, area sync) --------------------- */
/* As kcpp_condvar_wait_* with interruptible=1, but the sleep is also freezable
 * (TASK_INTERRUPTIBLE | TASK_FREEZABLE, as binder's waits). */
long kcpp_condvar_wait_mutex_freezable(struct kcpp_wait_queue_head *wq, struct kcpp_mutex *lock,
				       long timeout) KCPP_NOEXCEPT;
long kcpp_condvar_wait_spin_freezable(struct kcpp_wait_queue_head *wq, struct kcpp_spinlock *lock,
				      long timeout) KCPP_NOEXCEPT;
void kcpp_wake_up_sync(struct kcpp_wait_queue_head *wq) KCPP_NOEXCEPT;	/* wake_up_sync */
/* wake_up_pollfree + synchronize_rcu: detaches every poller before the queue is freed. */
void kcpp_wake_up_pollfree(struct kcpp_wait_queue_head *wq) KCPP_NOEXCEPT;

/* ---- test-only oracles: the kernel's own C versions of helpers C++ inlines ---------- */
unsigned int kcpp_c_readl(const volatile void *addr) KCPP_NOEXCEPT;
void kcpp_c_writel(unsigned int val, volatile void *addr) KCPP_NOEXCEPT;
unsigned long long kcpp_c_readq(const volatile void *addr) KCPP_NOEXCEPT;
void kcpp_c_writeq(unsigned long long val, volatile void *addr) KCPP_NOEXCEPT;
/* kcpp/block/mq.h's inline request readers and request lists: rq (room for a struct request)
 * zeroed and its fields set by name; rq_list_add_tail / rq_list_pop. */
void kcpp_c_request_init(struct kcpp_request *rq, unsigned long long sector, unsigned int bytes,
			 unsigned int cmd_flags, int tag, struct kcpp_blk_mq_hw_ctx *hctx) KCPP_NOEXCEPT;
void kcpp_c_rq_list_add_tail(struct kcpp_rq_list *list, struct kcpp_request *rq) KCPP_NOEXCEPT;
struct kcpp_request *kcpp_c_rq_list_pop(struct kcpp_rq_list *list) KCPP_NOEXCEPT;

KCPP_C_END

/*
 * Data symbols C++ takes the address of, for constant-initialised kernel structures (module
 * parameters). C++ sees opaque types; C sees the real ones, checked against the definitions.
 *  - kcpp_param_ops: struct kernel_param_ops whose set/get call kcpp_param_set/get above.
 *  - __this_module: the module's struct module, defined by modpost's generated .mod.c.
 */
#ifdef __cplusplus
struct kcpp_kernel_param_ops;
struct kcpp_module;
extern "C" const struct kcpp_kernel_param_ops kcpp_param_ops;
extern "C" struct kcpp_module __this_module;
#else
struct kernel_param_ops;
extern const struct kernel_param_ops kcpp_param_ops;
#endif

#endif /* KCPP_BINDINGS_H */
