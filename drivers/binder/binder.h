// SPDX-License-Identifier: GPL-2.0
// kcpp_binder: the driver's object model and its locks (docs/binder.md explains both).
//
// Objects
//  - Context: one per device name (devices=binder,hwbinder,...): its context manager.
//  - Process (binder_proc): one per open file, i.e. per process that opened a device. Owns
//    its threads, the nodes it exposes, its references (handles) to other processes' nodes,
//    its work queue and its buffer space (the range it mmap'ed).
//  - Thread (binder_thread): a task of the process that made a binder ioctl.
//  - Node (binder_node): an object a process exposes (identified by its ptr/cookie).
//  - Ref (binder_ref): a handle (desc) a process holds on a node of another process, with
//    strong and weak counts and an optional death notification.
//  - Transaction (binder_transaction): one call, reply or one-way message, with its buffer
//    in the target's space.
//  - Buffer: a block of the target's mmap'ed range (range_alloc.h).
//
// Locks, outermost first (never two of the same level for different objects at once):
//  L1 Context::mgr (Mutex)          the context manager node and uid.
//  L2 Process::refs (Mutex)         the process's handles: both trees of Ref, their counts
//                                   and their death notification pointers.
//  L3 Process::inner (SpinLock)     everything else of the process: threads and their state
//                                   (looper, transaction stack, todo, errors), nodes *and the
//                                   counts, queues and death lists of every node the process
//                                   owns*, the process todo, delivered notifications, the
//                                   allocator and the process flags.
//  L4 Transaction::peers (SpinLock) t->from / to_proc / to_thread, read across processes.
//  Driver::procs (Mutex)            the registry of open processes; before an L2 or L3.
//  Mapping::install_ (Mutex)        page installation; the mmap lock is taken inside it.
// No allocation, no user copy and no sleeping under L3/L4; no mutex is taken under L3/L4.
// Objects are counted (Rc); an Rc that may be the last one is never dropped under L3/L4.
#pragma once

#include <kcpp/atomic.h>
#include <kcpp/condvar.h>
#include <kcpp/cred.h>
#include <kcpp/debugfs.h>
#include <kcpp/file.h>
#include <kcpp/kcpp.h>
#include <kcpp/list.h>
#include <kcpp/miscdev.h>
#include <kcpp/mm.h>
#include <kcpp/mutex.h>
#include <kcpp/optional.h>
#include <kcpp/page.h>
#include <kcpp/rbtree.h>
#include <kcpp/spinlock.h>
#include <kcpp/task.h>

#include "objects.h"
#include "range_alloc.h"
#include "rc.h"
#include "stream.h"
#include "uapi.h"

namespace binder {

using kcpp::ARef;
using kcpp::Box;
using kcpp::move;
using kcpp::Optional;
using kcpp::Result;
using kcpp::uptr;
using kcpp::Vec;

class Process;
class Thread;
class Node;
class Transaction;
class Freeze;
struct Context;
struct Item;
struct ProcInner;
class Driver;
using ProcGuard = kcpp::SpinLockGuard<ProcInner>;

// A unique id for debugging (binder_last_id).
u32 next_debug_id();

// binder_user_error & co.: log lines about what user space did wrong, at most a burst of
// them per few seconds (pr_info_ratelimited).
bool log_allowed();
#define BINDER_LOG(...)                                                                      \
	do {                                                                                     \
		if (::binder::log_allowed())                                                         \
			::kcpp::pr_info(__VA_ARGS__);                                                   \
	} while (0)

// ---- statistics (binder_stats) ------------------------------------------------------------

struct Stats {
	enum Obj { PROC, THREAD, NODE, REF, DEATH, TRANSACTION, TRANSACTION_COMPLETE, FREEZE, OBJ_COUNT };
	kcpp::Atomic<u32> bc_counts[bc::COUNT]{};
	kcpp::Atomic<u32> br_counts[br::COUNT]{};
	kcpp::Atomic<u32> obj_created[OBJ_COUNT]{};
	kcpp::Atomic<u32> obj_deleted[OBJ_COUNT]{};
	void count_bc(u32 cmd)
	{
		if (ioc::nr(cmd) < bc::COUNT)
			bc_counts[ioc::nr(cmd)].fetch_add_relaxed(1);
	}
	void count_br(u32 cmd)
	{
		if (ioc::nr(cmd) < br::COUNT)
			br_counts[ioc::nr(cmd)].fetch_add_relaxed(1);
	}
	void created(Obj o) { obj_created[o].fetch_add_relaxed(1); }
	void deleted(Obj o) { obj_deleted[o].fetch_add_relaxed(1); }
};

// The driver-wide statistics (binder_stats): commands, returns, and objects created and
// deleted, by type (debugfs kcpp_binder/stats).
extern Stats g_stats;

// Counts one object of a type for as long as it lives.
template <Stats::Obj O> struct Counted {
	Counted() { g_stats.created(O); }
	Counted(const Counted &) : Counted() {}
	Counted &operator=(const Counted &) { return *this; }
	~Counted() { g_stats.deleted(O); }
};

// ---- work items -------------------------------------------------------------------------

enum class WorkType : u8 {
	Transaction = 1,
	TransactionComplete,
	TransactionPending,
	OnewaySpamSuspect,
	ReturnError,
	Node,
	DeadBinder,
	DeadBinderAndClear,
	ClearDeathNotification,
	FrozenBinder,
	ClearFreezeNotification,
};

struct Work {
	kcpp::ListLinks link;
	WorkType type;
	explicit Work(WorkType t) : type(t) {}
	bool is_queued() const { return link.is_linked(); }
};
using WorkList = kcpp::List<Work, &Work::link>;

// Takes a work item off whatever list it is on (list_del_init); the caller holds the lock of
// that list and deals with the reference the list held.
inline void dequeue_work(Work &w)
{
	if (!w.link.is_linked())
		return;
	w.link.prev->next = w.link.next;
	w.link.next->prev = w.link.prev;
	w.link.prev = w.link.next = nullptr;
}

// A thread's pending error return (binder_error): BR_OK when none.
struct ErrorWork {
	Work work{WorkType::ReturnError};
	u32 cmd = br::OK;
};

// BR_TRANSACTION_COMPLETE and its variants: one per transaction, owned by its list.
struct CompleteWork {
	Work work{WorkType::TransactionComplete};
	Counted<Stats::TRANSACTION_COMPLETE> counted;
};

namespace looper {
inline constexpr u32 REGISTERED = 0x01;
inline constexpr u32 ENTERED = 0x02;
inline constexpr u32 EXITED = 0x04;
inline constexpr u32 INVALID = 0x08;
inline constexpr u32 WAITING = 0x10;
inline constexpr u32 POLL = 0x20;
} // namespace looper

// ---- buffers ----------------------------------------------------------------------------

// The driver's state in each buffer of a process's range (under that process's L3).
struct BufExtra {
	Transaction *txn = nullptr;  // the transaction delivering it (not counted; cleared by it)
	Node *target_node = nullptr; // counted (an Rc given up into it), with a local strong ref
};
using Allocator = RangeAllocator<BufExtra>;
using Buffer = Allocator::Buffer;

// Where a buffer's offsets array ends (binder_release_entire_buffer's off_end).
inline u64 offsets_end(const Buffer &b)
{
	return align_up(b.data_size, PTR_SIZE) + b.offsets_size;
}

struct PageSlot {
	Optional<kcpp::Page> page;
	kcpp::Atomic<bool> present{false}; // page is set and mapped (release/acquire)
};

// The pages behind a process's mmap'ed range. mmap sets the range once; a page is installed
// when a buffer first covers it and stays until the process object is freed. A buffer being
// filled or read by the driver cannot be freed by user space (allow_user_free is false until
// it is delivered), so the pages under it are stable.
class Mapping {
public:
	bool is_set() const { return size_ != 0; }
	uptr base() const { return base_; }
	u64 size() const { return size_; }

	// Copies at `offset` of the range (binder_alloc_copy_*); the bytes must lie in installed
	// pages. False on a fault (user copies) or a bad range.
	bool copy_from_user(u64 offset, uptr from, u64 n);
	bool write(u64 offset, const void *src, u64 n);
	bool read(u64 offset, void *dst, u64 n) const;
	bool zero(u64 offset, u64 n);

	u64 pages_installed() const { return installed_.load_relaxed(); }

private:
	friend class Process;
	template <typename F> bool for_pages(u64 offset, u64 n, F &&f) const;
	uptr base_ = 0;
	u64 size_ = 0;
	Vec<PageSlot> pages_;
	kcpp::Atomic<u64> installed_{0};
	// Serialises installing; holds the high watermark (pages_high). Taken before the mmap
	// lock, so never while holding that (mmap).
	kcpp::Mutex<u64> install_{KCPP_LOCK_CLASS("kcpp_binder_pages"), u64{0}};
};

// ---- death notifications ----------------------------------------------------------------

// binder_ref_death. Counted by its Ref (until cleared), by the node's death list while the
// node lives (node owner's L3) and by the work list it is queued on (its process's L3).
class Death : public RcObject {
public:
	Death(Process &proc, u64 cookie);
	~Death();

	Process &proc() const { return *proc_; }
	const u64 cookie;
	Work work{WorkType::DeadBinder}; // under proc's L3
	bool cleared = false;            // under proc's L3: BC_CLEAR_DEATH_NOTIFICATION seen
	kcpp::ListLinks node_link;       // in the node's deaths (node owner's L3)

private:
	Rc<Process> proc_;
	Counted<Stats::DEATH> counted_;
};
using DeathList = kcpp::List<Death, &Death::node_link>;

// binder_ref_freeze: a handle's freeze notification, counted like a Death.
class Freeze : public RcObject {
public:
	Freeze(Process &proc, u64 cookie);
	~Freeze();

	Process &proc() const { return *proc_; }
	const u64 cookie;
	Work work{WorkType::FrozenBinder}; // under proc's L3, as are the flags below
	bool is_frozen = false;
	bool sent = false;    // delivered, waiting for BC_FREEZE_NOTIFICATION_DONE
	bool resend = false;  // a change to report after that DONE
	bool cleared = false; // BC_CLEAR_FREEZE_NOTIFICATION seen, or the handle is gone
	kcpp::ListLinks node_link; // in the node's freezes (node owner's L3)

private:
	Rc<Process> proc_;
	Counted<Stats::FREEZE> counted_;
};
using FreezeList = kcpp::List<Freeze, &Freeze::node_link>;

// ---- nodes ------------------------------------------------------------------------------

struct NodeData {
	int internal_strong_refs = 0; // refs holding a strong count
	int local_strong_refs = 0;
	int local_weak_refs = 0;
	int tmp_refs = 0;
	int ref_count = 0; // Refs pointing at this node (C's node->refs list)
	bool has_strong_ref = false;
	bool pending_strong_ref = false;
	bool has_weak_ref = false;
	bool pending_weak_ref = false;
	bool has_async_transaction = false;
	bool in_tree = false; // in the owner's node tree, which then holds a reference
	bool dead = false;    // the owner is gone (C: node->proc == NULL)
	WorkList async_todo;  // one-way transactions waiting for the one being handled
	DeathList deaths;     // registered death notifications (each entry counted)
	FreezeList freezes;   // registered freeze notifications (each entry counted)
};

class Node : public RcObject {
public:
	Node(Process &owner, u64 ptr, u64 cookie, u32 flags);
	~Node();

	static u64 key(const Node &n) { return n.ptr; }

	Process &owner() const { return *owner_; }
	const u64 ptr;
	const u64 cookie;
	const u32 debug_id;
	const u8 min_priority;
	const bool accept_fds;
	const bool txn_security_ctx;

	// The counts and queues, under the owner's L3 (checked).
	NodeData &data(ProcGuard &g);

	// binder_inc_node_nilocked / binder_dec_node_nilocked, with the owner's L3 held. inc may
	// queue the node's work on `target`, a thread of the owner. dec returns the tree's
	// reference when the node left its owner's tree: drop it after unlocking.
	[[nodiscard]] Result<void> inc(ProcGuard &g, bool strong, bool internal, Thread *target);
	[[nodiscard]] Rc<Node> dec(ProcGuard &g, bool strong, bool internal);

	kcpp::RbLinks rb; // owner's nodes by ptr
	Work work{WorkType::Node};
	kcpp::Atomic<bool> is_mgr{false}; // the context manager's node (until its owner goes)

private:
	Rc<Process> owner_;
	NodeData data_;
	Counted<Stats::NODE> counted_;
};

// A temporary reference (binder's tmp_refs) that keeps a node in its owner's tree while the
// driver works with it. Created with the owner's L3 held; dropped with no spinlock held.
class NodeTmp {
public:
	NodeTmp() = default;
	NodeTmp(ProcGuard &g, Node &node);
	NodeTmp(NodeTmp &&o) : node_(kcpp::move(o.node_)) {}
	NodeTmp &operator=(NodeTmp &&o)
	{
		NodeTmp tmp(kcpp::move(o));
		kcpp::swap(node_, tmp.node_);
		return *this;
	}
	NodeTmp(const NodeTmp &) = delete;
	~NodeTmp() { release(); }
	void release();

	Node *get() const { return node_.get(); }
	Node *operator->() const { return node_.get(); }
	Node &operator*() const { return *node_; }
	explicit operator bool() const { return bool(node_); }

private:
	Rc<Node> node_;
};

// ---- references (handles) ---------------------------------------------------------------

struct RefData {
	u32 debug_id = 0;
	u32 desc = 0;
	int strong = 0;
	int weak = 0;
};

class Ref {
public:
	static u32 desc_of(const Ref &r) { return r.data.desc; }
	static const Node *node_of(const Ref &r) { return r.node.get(); }

	kcpp::RbLinks by_desc;
	kcpp::RbLinks by_node;
	RefData data;
	Rc<Node> node;
	Rc<Death> death;   // BC_REQUEST_DEATH_NOTIFICATION's, until cleared
	Rc<Freeze> freeze; // BC_REQUEST_FREEZE_NOTIFICATION's, until cleared
	Counted<Stats::REF> counted;
};

struct RefTable {
	kcpp::RbTree<Ref, &Ref::by_desc, &Ref::desc_of> by_desc;
	kcpp::RbTree<Ref, &Ref::by_node, &Ref::node_of> by_node;
};

// ---- transactions -----------------------------------------------------------------------

struct FdFixup {
	ARef<kcpp::fs::File> file;
	u64 offset; // where the receiver's fd number goes in the buffer
};

struct TxnPeers {
	Rc<Thread> from;      // the sending thread of a synchronous call, until it is answered
	Rc<Process> to_proc;  // the target process
	Rc<Thread> to_thread; // the thread handling it (or a reply's receiver)
};

class Transaction : public RcObject {
public:
	explicit Transaction(u32 id) : debug_id(id) {}
	~Transaction();

	Work work{WorkType::Transaction};
	const u32 debug_id;
	kcpp::SpinLock<TxnPeers> peers{KCPP_LOCK_CLASS("kcpp_binder_txn")}; // L4

	// Set before the transaction is queued, then read-only.
	i32 from_pid = 0;
	i32 from_tid = 0;
	u32 code = 0;
	u32 flags = 0;
	long priority = 0;
	kcpp::task::Kuid sender_euid{0};
	u64 security_ctx = 0; // user address of the security context in the buffer, or 0
	bool need_reply = false;
	Vec<FdFixup> fd_fixups; // files to install in the receiver (receiver's only, once queued)

	long saved_priority = 0;     // the receiving thread's nice before it (receiver's only)
	Rc<Transaction> from_parent; // the sending thread's stack (its process's L3)
	Rc<Transaction> to_parent;   // the receiving thread's stack (its process's L3)
	Buffer *buffer = nullptr;    // in to_proc's range (to_proc's L3)
	Counted<Stats::TRANSACTION> counted;
	u64 start_ns = 0;            // for debugfs (elapsed)

	bool is_oneway() const { return flags & txn_flags::ONE_WAY; }
	// binder_get_txn_from: the sending thread, if still there.
	Rc<Thread> from();
};

// binder_free_transaction / binder_send_failed_reply. No spinlock held.
void free_transaction(Rc<Transaction> t);
void send_failed_reply(Rc<Transaction> t, u32 error);

// ---- threads ----------------------------------------------------------------------------

struct ThreadData {
	u32 looper = 0;
	bool looper_need_return = true;
	Rc<Transaction> transaction_stack;
	WorkList todo;
	bool process_todo = false;
	ErrorWork return_error;
	ErrorWork reply_error;
	ExtendedError ee{0, br::OK, 0};
	bool is_dead = false;
};

class Thread : public RcObject {
public:
	Thread(Process &proc, i32 pid);
	~Thread();

	static i32 key(const Thread &t) { return t.pid; }

	Process &proc() const { return *proc_; }
	const i32 pid;

	// State under the process's L3 (checked).
	ThreadData &data(ProcGuard &g);

	// The halves of BINDER_WRITE_READ (binder_thread_write / binder_thread_read).
	[[nodiscard]] Result<void> write(CommandReader &cmds);
	[[nodiscard]] Result<void> read(ReturnWriter &out, bool nonblock);
	// BINDER_THREAD_EXIT and process release (binder_thread_release): the number of
	// transactions it was part of.
	int release();

	// The work queues (L3 held).
	void enqueue(ProcGuard &g, Work &w);          // binder_enqueue_thread_work_ilocked
	void enqueue_deferred(ProcGuard &g, Work &w); // ... _deferred_ ...: no process_todo
	bool has_work(ProcGuard &g, bool do_proc_work);
	bool available_for_proc_work(ProcGuard &g);

	// binder_transaction.
	void transaction(const TransactionData &tr, bool reply, u64 extra_buffers_size);

	kcpp::RbLinks rb;        // process's threads by pid
	kcpp::ListLinks waiting; // process's waiting_threads
	kcpp::PollCondVar wait{KCPP_LOCK_CLASS("kcpp_binder_thread_wait")};

	Counted<Stats::THREAD> counted;

private:
	Result<void> wait_for_work(ProcGuard &g, bool do_proc_work);
	Result<void> handle_command(CommandReader &cmds, u32 cmd);
	void death_command(u32 cmd, u32 target, u64 cookie);
	void dead_binder_done(u64 cookie);
	Result<void> freeze_command(u32 cmd, u32 handle, u64 cookie);
	Result<void> freeze_notification_done(u64 cookie);
	void take_item(ProcGuard &g, WorkList &list, Item &it);
	Result<bool> deliver(ReturnWriter &out, Item &it);

	Rc<Process> proc_;
	ThreadData data_;
};

// ---- processes --------------------------------------------------------------------------

struct ProcInner {
	explicit ProcInner(Process &p) : self(&p) {}

	Process *self; // to check that a guard is this process's
	kcpp::RbTree<Thread, &Thread::rb, &Thread::key> threads;     // each counted
	kcpp::RbTree<Node, &Node::rb, &Node::key> nodes;             // each counted
	kcpp::List<Thread, &Thread::waiting> waiting_threads;
	WorkList todo;
	WorkList delivered_death;
	WorkList delivered_freeze;
	bool is_dead = false;
	bool is_frozen = false;
	bool sync_recv = false;
	bool async_recv = false;
	bool oneway_spam_detection = false;
	bool mapped = false; // the range exists (mmap succeeded); the allocator is set up
	int outstanding_txns = 0;
	u32 max_threads = 0;
	int requested_threads = 0;
	int requested_threads_started = 0;
	Allocator alloc;
};

class Process : public RcObject {
public:
	Process(Context &ctx, kcpp::fs::File &file, ARef<kcpp::mm::Mm> mm);
	~Process();

	Context &ctx;
	const i32 pid; // the group leader's pid (tgid)
	ARef<kcpp::task::Task> task;
	ARef<kcpp::cred::Cred> cred;
	ARef<kcpp::mm::Mm> mm;
	const int default_priority;
	const void *file_tag = nullptr; // the per-file object: identifies our VMA

	kcpp::Mutex<RefTable> refs{KCPP_LOCK_CLASS("kcpp_binder_refs")};    // L2
	kcpp::SpinLock<ProcInner> inner{KCPP_LOCK_CLASS("kcpp_binder_proc"), *this}; // L3
	kcpp::CondVar freeze_wait{KCPP_LOCK_CLASS("kcpp_binder_freeze_wait")};
	Mapping mapping;
	kcpp::Atomic<bool> vma_alive{false}; // changed under the mmap lock
	kcpp::ListLinks registry;            // Driver::procs
	Stats stats;                         // its own commands and returns
	Counted<Stats::PROC> counted;
	kcpp::debugfs::ShowFile<Process> debugfs; // proc/<pid> (the first of that pid)

	void stat_bc(u32 cmd);
	void stat_br(u32 cmd);

	// File operations.
	Result<long> ioctl(u32 cmd, uptr arg, bool nonblock);
	Result<void> mmap(kcpp::mm::VmAreaNew &vma);
	void vma_close();
	u32 poll(kcpp::miscdev::PollTable &pt);
	void flush();
	void release(); // binder_deferred_release

	// The calling thread's Thread (binder_get_thread).
	Result<Rc<Thread>> current_thread();

	// Nodes (binder_get_node, binder_new_node).
	NodeTmp get_node(u64 ptr);
	Result<NodeTmp> get_or_new_node(const FlatBinderObject *fbo);

	// References (L2 taken inside).
	Result<RefData> inc_ref_for_node(Node &node, bool strong, Thread *target);
	Result<RefData> update_ref(u32 desc, bool increment, bool strong);
	NodeTmp get_node_from_ref(u32 desc, bool need_strong, RefData *data);

	// Work (L3 held).
	void enqueue(ProcGuard &g, Work &w);
	Thread *select_thread(ProcGuard &g);
	void wakeup_thread(ProcGuard &g, Thread *t, bool sync);
	void wakeup(ProcGuard &g) { wakeup_thread(g, select_thread(g), false); }
	// binder_release_work: empties a list of this process, cleaning up each item.
	void release_work(WorkList &list);
	// Transactions to this process.
	u32 queue_transaction(Rc<Transaction> t, Thread *thread);
	void cleanup_transaction(Rc<Transaction> t, const char *reason, u32 error);
	Result<void> apply_fd_fixups(Transaction &t);
	Result<void> freeze(const FreezeInfo &info);

	// Buffers.
	Result<Buffer *> alloc_buffer(u64 data_size, u64 offsets_size, u64 extra_size, bool is_async, bool &spam,
				      const BufExtra &init, u32 debug_id, bool clear_on_free);
	void free_buffer_space(Buffer *b); // binder_alloc_free_buf
	void free_buf(Thread *thread, Buffer *b, bool is_failure); // binder_free_buf
	void release_buffer_objects(Thread *thread, Buffer &b, u64 off_end, bool is_failure);
	void release_buffer_objects(Thread *thread, Buffer &b, u64 off_end, bool is_failure, Node *target);
	u64 buffer_user_addr(const Buffer &b) const { return mapping.base() + b.offset; }
	// A view of a buffer for objects.h (check_buffer rules).
	struct BufferView {
		Process &proc;
		Buffer &buf;
		u64 size; // the block's size
		u64 data_size() const { return buf.data_size; }
		bool read(u64 offset, void *dst, usize n);
	};
	BufferView view(Buffer &b);
	bool copy_to_buffer(Buffer &b, u64 offset, const void *src, usize n);
	bool copy_user_to_buffer(Buffer &b, u64 offset, uptr from, u64 n);

	// binder_set_nice for the calling task.
	static void set_nice(long nice);

	// Handles (L2 held).
	void cleanup_ref(RefTable &table, Ref &ref);
	bool dec_ref_locked(RefTable &table, Ref &ref, bool strong);

private:
	Result<void> install_pages(u64 offset, u64 size);
	Result<void> set_context_mgr(const FlatBinderObject *fbo);
	Result<void> get_node_info_for_ref(NodeInfoForRef &info);
	void get_node_debug_info(NodeDebugInfo &info);
	Result<void> write_read(Thread &thread, uptr arg, bool nonblock, bool &did_read);
	int release_node(Rc<Node> node, int refs);
	void add_freeze_work(bool is_frozen);
};

// The per-file object of the misc device: the file's process.
struct ProcFile {
	Rc<Process> proc;
	kcpp::fs::File *file; // the file itself (borrowed: this object lives no longer than it)
};

// ---- contexts and the driver ------------------------------------------------------------

struct ManagerState {
	Rc<Node> node;
	kcpp::task::Kuid uid{~0u};
	bool uid_valid = false;
};

// The misc device's file operations (kcpp/miscdev.h).
struct DeviceOps {
	using Shared = Context;
	using File = ProcFile;
	static Result<Box<ProcFile>> open(Context &ctx, kcpp::fs::File &file);
	static Result<long> ioctl(ProcFile &f, u32 cmd, uptr arg);
	static u32 poll(ProcFile &f, kcpp::miscdev::PollTable &pt);
	static Result<void> mmap(ProcFile &f, kcpp::mm::VmAreaNew &vma);
	static void vma_close(ProcFile &f);
	static Result<void> flush(ProcFile &f);
	static void release(Box<ProcFile> f);
};

inline constexpr usize MAX_NAME = 32;

struct Context : kcpp::Pinned {
	explicit Context(Driver &d) : driver(d) {}
	Driver &driver;
	char name[MAX_NAME] = {};
	kcpp::Mutex<ManagerState> mgr{KCPP_LOCK_CLASS("kcpp_binder_mgr")}; // L1
	kcpp::miscdev::Registration<DeviceOps> device; // last: deregistered first
};

struct ProcRegistry {
	kcpp::List<Process, &Process::registry> list;
};

class Driver {
public:
	static Result<Box<Driver>> init();
	~Driver();

	Result<void> freeze(const FreezeInfo &info);
	Result<void> get_frozen_info(FrozenStatusInfo &info);

	kcpp::Mutex<ProcRegistry> procs{KCPP_LOCK_CLASS("kcpp_binder_procs")};
	Vec<Box<Context>> contexts;

	// debugfs: kcpp_binder/{state,stats,transactions,proc/<pid>} (missing if debugfs is).
	void debugfs_init();
	void debugfs_add(Process &p);
	kcpp::debugfs::Dir debugfs_root;
	kcpp::debugfs::Dir debugfs_procs;
	kcpp::debugfs::ShowFile<Driver> state_file, stats_file, transactions_file;
};

} // namespace binder
