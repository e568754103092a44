// SPDX-License-Identifier: GPL-2.0
// debugfs: kcpp_binder/state, stats, transactions and proc/<pid>, with the information of the
// C driver's files of the same names (the layout follows C's, line for line where it can; it
// is not guaranteed byte for byte). Each file is written under the locks of what it shows, one
// process at a time.
#include "binder.h"

namespace binder {

using kcpp::debugfs::SeqFile;

namespace {

const char *const bc_names[bc::COUNT] = {
	"BC_TRANSACTION",	"BC_REPLY",	    "BC_ACQUIRE_RESULT",	      "BC_FREE_BUFFER",
	"BC_INCREFS",		"BC_ACQUIRE",	    "BC_RELEASE",		      "BC_DECREFS",
	"BC_INCREFS_DONE",	"BC_ACQUIRE_DONE",  "BC_ATTEMPT_ACQUIRE",	      "BC_REGISTER_LOOPER",
	"BC_ENTER_LOOPER",	"BC_EXIT_LOOPER",   "BC_REQUEST_DEATH_NOTIFICATION", "BC_CLEAR_DEATH_NOTIFICATION",
	"BC_DEAD_BINDER_DONE",	"BC_TRANSACTION_SG", "BC_REPLY_SG",		      "BC_REQUEST_FREEZE_NOTIFICATION",
	"BC_CLEAR_FREEZE_NOTIFICATION", "BC_FREEZE_NOTIFICATION_DONE",
};
const char *const br_names[br::COUNT] = {
	"BR_ERROR",	    "BR_OK",		 "BR_TRANSACTION",	     "BR_REPLY",
	"BR_ACQUIRE_RESULT", "BR_DEAD_REPLY",	 "BR_TRANSACTION_COMPLETE",  "BR_INCREFS",
	"BR_ACQUIRE",	    "BR_RELEASE",	 "BR_DECREFS",		     "BR_ATTEMPT_ACQUIRE",
	"BR_NOOP",	    "BR_SPAWN_LOOPER",	 "BR_FINISHED",		     "BR_DEAD_BINDER",
	"BR_CLEAR_DEATH_NOTIFICATION_DONE", "BR_FAILED_REPLY", "BR_FROZEN_REPLY", "BR_ONEWAY_SPAM_SUSPECT",
	"BR_TRANSACTION_PENDING_FROZEN", "BR_FROZEN_BINDER", "BR_CLEAR_FREEZE_NOTIFICATION_DONE",
};
const char *const obj_names[Stats::OBJ_COUNT] = {
	"proc", "thread", "node", "ref", "death", "transaction", "transaction_complete", "freeze",
};

// print_binder_stats.
void print_stats(SeqFile &m, const char *prefix, Stats &s)
{
	for (u32 i = 0; i < bc::COUNT; ++i)
		if (u32 v = s.bc_counts[i].load_relaxed())
			m.print("{}{}: {}\n", prefix, bc_names[i], v);
	for (u32 i = 0; i < br::COUNT; ++i)
		if (u32 v = s.br_counts[i].load_relaxed())
			m.print("{}{}: {}\n", prefix, br_names[i], v);
	for (u32 i = 0; i < Stats::OBJ_COUNT; ++i) {
		const u32 created = s.obj_created[i].load_relaxed(), deleted = s.obj_deleted[i].load_relaxed();
		if (created || deleted)
			m.print("{}{}: active {} total {}\n", prefix, obj_names[i], static_cast<i32>(created - deleted),
				created);
	}
}

// print_binder_proc_stats.
void print_proc_stats(SeqFile &m, Process &p)
{
	m.print("proc {}\ncontext {}\n", p.pid, p.ctx.name);
	int threads = 0, ready = 0, nodes = 0, pending = 0;
	u64 free_async = 0;
	usize buffers = 0;
	{
		auto g = p.inner.lock();
		for (Thread &t : g->threads) {
			(void)t;
			threads++;
		}
		for (Thread &t : g->waiting_threads) {
			(void)t;
			ready++;
		}
		for (Node &n : g->nodes) {
			(void)n;
			nodes++;
		}
		for (Work &w : g->todo)
			pending += w.type == WorkType::Transaction;
		free_async = g->alloc.free_async_space();
		buffers = g->alloc.allocated_count();
		m.print("  threads: {}\n  requested threads: {}+{}/{}\n  ready threads {}\n  free async space {}\n",
			threads, g->requested_threads, g->requested_threads_started, g->max_threads, ready, free_async);
	}
	m.print("  nodes: {}\n", nodes);
	{
		int count = 0, strong = 0, weak = 0;
		auto rg = p.refs.lock();
		for (Ref &r : rg->by_desc) {
			count++;
			strong += r.data.strong;
			weak += r.data.weak;
		}
		m.print("  refs: {} s {} w {}\n", count, strong, weak);
	}
	m.print("  buffers: {}\n", buffers);
	const u64 installed = p.mapping.pages_installed();
	const u64 total = p.mapping.size() / kcpp::Page::SIZE;
	m.print("  pages: {}:{}:{}\n", installed, 0, total - installed);
	m.print("  pending transactions: {}\n", pending);
	print_stats(m, "  ", p.stats);
}

void print_transaction(SeqFile &m, Process &p, ProcGuard &, const char *prefix, Transaction &t)
{
	i32 to_pid = 0, to_tid = 0;
	Process *to = nullptr;
	{
		auto pg = t.peers.lock();
		to = pg->to_proc.get();
		to_pid = to ? to->pid : 0;
		to_tid = pg->to_thread ? pg->to_thread->pid : 0;
	}
	const u64 elapsed_ms = (kcpp::time::now_ns() - t.start_ns) / 1000000;
	m.print("{} {}: from {}:{} to {}:{} code {:x} flags {:x} pri {} r{} elapsed {}ms", prefix, t.debug_id, t.from_pid,
		t.from_tid, to_pid, to_tid, t.code, t.flags, t.priority, t.need_reply ? 1 : 0, elapsed_ms);
	// The buffer belongs to the target: only under its lock (the one held here, if it is p).
	if (to != &p) {
		m.puts("\n");
		return;
	}
	if (t.buffer == nullptr) {
		m.puts(" buffer free\n");
		return;
	}
	if (t.buffer->extra.target_node != nullptr)
		m.print(" node {}", t.buffer->extra.target_node->debug_id);
	m.print(" size {}:{} offset {:x}\n", t.buffer->data_size, t.buffer->offsets_size, t.buffer->offset);
}

void print_work(SeqFile &m, Process &p, ProcGuard &g, const char *prefix, const char *txn_prefix, Work &w)
{
	switch (w.type) {
	case WorkType::Transaction:
		print_transaction(m, p, g, txn_prefix, *kcpp::container_of(&w, &Transaction::work));
		break;
	case WorkType::ReturnError:
		m.print("{}transaction error: {}\n", prefix, kcpp::container_of(&w, &ErrorWork::work)->cmd);
		break;
	case WorkType::TransactionComplete:
		m.print("{}transaction complete\n", prefix);
		break;
	case WorkType::Node: {
		Node *n = kcpp::container_of(&w, &Node::work);
		m.print("{}node work {}: u{:016x} c{:016x}\n", prefix, n->debug_id, n->ptr, n->cookie);
		break;
	}
	case WorkType::DeadBinder:
		m.print("{}has dead binder\n", prefix);
		break;
	case WorkType::DeadBinderAndClear:
		m.print("{}has cleared dead binder\n", prefix);
		break;
	case WorkType::ClearDeathNotification:
		m.print("{}has cleared death notification\n", prefix);
		break;
	case WorkType::FrozenBinder:
		m.print("{}has frozen binder\n", prefix);
		break;
	case WorkType::ClearFreezeNotification:
		m.print("{}has cleared freeze notification\n", prefix);
		break;
	default:
		m.print("{}unknown work: type {}\n", prefix, static_cast<int>(w.type));
		break;
	}
}

// print_binder_proc: everything (state), or what has transactions and work (transactions).
void print_proc(SeqFile &m, Process &p, bool all)
{
	m.print("proc {}\ncontext {}\n", p.pid, p.ctx.name);
	{
		auto g = p.inner.lock();
		for (Thread &t : g->threads) {
			ThreadData &d = t.data(g);
			if (!all && !d.transaction_stack && d.todo.is_empty())
				continue;
			m.print("  thread {}: l {:02x} need_return {} tr {}\n", t.pid, d.looper, d.looper_need_return ? 1 : 0,
				t.ref_count());
			for (Transaction *x = d.transaction_stack.get(); x != nullptr;) {
				Transaction *next;
				bool outgoing;
				{
					auto pg = x->peers.lock();
					outgoing = pg->from.get() == &t;
					next = outgoing ? x->from_parent.get()
							: (pg->to_thread.get() == &t ? x->to_parent.get() : nullptr);
				}
				print_transaction(m, p, g, outgoing ? "    outgoing transaction" : "    incoming transaction", *x);
				x = next;
			}
			for (Work &w : d.todo)
				print_work(m, p, g, "    ", "    pending transaction", w);
		}
		for (Node &n : g->nodes) {
			NodeData &d = n.data(g);
			if (!all && !d.has_async_transaction)
				continue;
			m.print("  node {}: u{:016x} c{:016x} hs {} hw {} ls {} lw {} is {} iw {} tr {}\n", n.debug_id, n.ptr,
				n.cookie, d.has_strong_ref ? 1 : 0, d.has_weak_ref ? 1 : 0, d.local_strong_refs,
				d.local_weak_refs, d.internal_strong_refs, d.ref_count, d.tmp_refs);
			for (Work &w : d.async_todo)
				print_work(m, p, g, "    ", "    pending async transaction", w);
		}
	}
	if (all) {
		auto rg = p.refs.lock();
		for (Ref &r : rg->by_desc) {
			bool dead;
			{
				auto g = r.node->owner().inner.lock();
				dead = r.node->data(g).dead;
			}
			m.print("  ref {}: desc {} {}node {} s {} w {} d {}\n", r.data.debug_id, r.data.desc,
				dead ? "dead " : "", r.node->debug_id, r.data.strong, r.data.weak, r.death ? 1 : 0);
		}
	}
	auto g = p.inner.lock();
	g->alloc.for_each([&](Buffer &b) {
		if (b.free)
			return;
		m.print("  buffer {}: {:x} size {}:{}:{} {}\n", b.debug_id, b.offset, b.data_size, b.offsets_size,
			b.extra_buffers_size, b.extra.txn ? "active" : "delivered");
	});
	for (Work &w : g->todo)
		print_work(m, p, g, "  ", "  pending transaction", w);
	for (Work &w : g->delivered_death) {
		(void)w;
		m.puts("  has delivered dead binder\n");
		break;
	}
}

void show_state(Driver &d, SeqFile &m)
{
	m.puts("binder state:\n");
	auto r = d.procs.lock();
	for (Process &p : r->list)
		print_proc(m, p, true);
}

void show_stats(Driver &d, SeqFile &m)
{
	m.puts("binder stats:\n");
	print_stats(m, "", g_stats);
	auto r = d.procs.lock();
	for (Process &p : r->list)
		print_proc_stats(m, p);
}

void show_transactions(Driver &d, SeqFile &m)
{
	m.puts("binder transactions:\n");
	auto r = d.procs.lock();
	for (Process &p : r->list)
		print_proc(m, p, false);
}

// proc/<pid>: every open binder file of that pid (in any context), as C's proc_show.
void show_proc(Process &self, SeqFile &m)
{
	m.puts("binder proc state:\n");
	auto r = self.ctx.driver.procs.lock();
	for (Process &p : r->list)
		if (p.pid == self.pid)
			print_proc(m, p, true);
}

} // namespace

void Driver::debugfs_init()
{
	// As C drivers do, a missing debugfs is not an error.
	kcpp::Result<kcpp::debugfs::Dir> root = kcpp::debugfs::Dir::create("kcpp_binder");
	if (root.is_err()) {
		kcpp::pr_info("no debugfs directory kcpp_binder ({})", root.error());
		return;
	}
	debugfs_root = move(root).take();
	if (auto procs_dir = kcpp::debugfs::Dir::create("proc", &debugfs_root); procs_dir.is_ok())
		debugfs_procs = move(procs_dir).take();
	(void)state_file.create("state", 0444, debugfs_root, *this, &show_state);
	(void)stats_file.create("stats", 0444, debugfs_root, *this, &show_stats);
	(void)transactions_file.create("transactions", 0444, debugfs_root, *this, &show_transactions);
}

void Driver::debugfs_add(Process &p)
{
	if (!debugfs_procs.exists())
		return;
	char name[16];
	int i = sizeof(name) - 1;
	name[i] = '\0';
	u32 v = static_cast<u32>(p.pid);
	do {
		name[--i] = static_cast<char>('0' + v % 10);
		v /= 10;
	} while (v != 0);
	// Only the first open of a pid gets one (EEXIST for the others), as in C.
	(void)p.debugfs.create(name + i, 0444, debugfs_procs, p, &show_proc);
}

} // namespace binder
