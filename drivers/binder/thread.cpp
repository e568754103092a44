// SPDX-License-Identifier: GPL-2.0
// Threads: the BC command loop (binder_thread_write), the BR return loop
// (binder_thread_read), waiting for work, the thread pool's BR_SPAWN_LOOPER and thread exit.
#include "binder.h"

#include <kcpp/security.h>

namespace binder {

using kcpp::task::Task;

// ---- Thread basics ------------------------------------------------------------------------

Thread::Thread(Process &p, i32 tid) : pid(tid), proc_(Rc<Process>::from_ref(p)) {}

Thread::~Thread()
{
	KCPP_BUG_ON(rb.is_linked() || waiting.is_linked());
}

ThreadData &Thread::data(ProcGuard &g)
{
	KCPP_BUG_ON(g->self != proc_.get());
	return data_;
}

// binder_enqueue_thread_work_ilocked.
void Thread::enqueue(ProcGuard &g, Work &w)
{
	ThreadData &d = data(g);
	KCPP_WARN_ON_ONCE(waiting.is_linked());
	d.todo.push_back(w);
	// A thread that polls needs a wake-up for work it queues itself (it does not block in
	// the ioctl to pick it up).
	if ((d.looper & looper::POLL) && pid == kcpp::task::current_pid() && !d.process_todo)
		wait.notify_one_sync();
	d.process_todo = true;
}

// binder_enqueue_deferred_thread_work_ilocked: seen only once the thread has other work.
void Thread::enqueue_deferred(ProcGuard &g, Work &w)
{
	KCPP_WARN_ON_ONCE(waiting.is_linked());
	data(g).todo.push_back(w);
}

bool Thread::has_work(ProcGuard &g, bool do_proc_work)
{
	ThreadData &d = data(g);
	return d.process_todo || d.looper_need_return || (do_proc_work && !g->todo.is_empty());
}

bool Thread::available_for_proc_work(ProcGuard &g)
{
	ThreadData &d = data(g);
	return !d.transaction_stack && d.todo.is_empty();
}

// ---- Process work helpers -----------------------------------------------------------------

void Process::enqueue(ProcGuard &g, Work &w)
{
	KCPP_BUG_ON(g->self != this);
	g->todo.push_back(w);
}

// binder_select_thread_ilocked: a thread waiting for process work, taken off the waiting list
// (the caller wakes it).
Thread *Process::select_thread(ProcGuard &g)
{
	KCPP_BUG_ON(g->self != this);
	return g->waiting_threads.pop_front();
}

// binder_wakeup_thread_ilocked: wakes `t`, or without one every polling thread that could take
// process work (they may be blocked in poll without being on the waiting list).
void Process::wakeup_thread(ProcGuard &g, Thread *t, bool sync)
{
	if (t != nullptr) {
		if (sync)
			t->wait.notify_one_sync();
		else
			t->wait.notify_one();
		return;
	}
	for (Thread &th : g->threads) {
		if ((th.data(g).looper & looper::POLL) && th.available_for_proc_work(g)) {
			if (sync)
				th.wait.notify_one_sync();
			else
				th.wait.notify_one();
		}
	}
}

// binder_get_thread.
Result<Rc<Thread>> Process::current_thread()
{
	const i32 tid = kcpp::task::current_pid();
	{
		auto g = inner.lock();
		if (Thread *t = g->threads.find(tid))
			return Rc<Thread>::from_ref(*t);
	}
	Rc<Thread> fresh = TRY(Rc<Thread>::make(kcpp::gfp::KERNEL, *this, tid));
	auto g = inner.lock();
	if (Thread *t = g->threads.insert_unique(*fresh))
		return Rc<Thread>::from_ref(*t); // cannot happen: only this task adds itself
	(void)Rc<Thread>(fresh).into_raw(); // the tree's reference
	return fresh;
}

// binder_set_nice for the calling task.
void Process::set_nice(long nice)
{
	Task &cur = Task::current();
	if (cur.can_nice(static_cast<int>(nice))) {
		cur.set_user_nice(static_cast<int>(nice));
		return;
	}
	const int min_nice = kcpp::task::current_min_nice();
	cur.set_user_nice(min_nice);
	if (min_nice <= kcpp::task::MAX_NICE)
		return;
	BINDER_LOG("{} RLIMIT_NICE not set", kcpp::task::current_pid());
}

// ---- BC commands --------------------------------------------------------------------------

Result<void> Thread::write(CommandReader &cmds)
{
	while (cmds.has_more()) {
		// SAFETY: return_error belongs to this thread alone: only its own ioctls (a failed
		// transaction, BR_ERROR, the read loop returning it) write it, and this is one.
		if (data_.return_error.cmd != br::OK)
			break;
		const u32 cmd = TRY(cmds.read<u32>());
		proc().stat_bc(cmd);
		TRY(handle_command(cmds, cmd));
		cmds.commit();
	}
	return {};
}

Result<void> Thread::handle_command(CommandReader &cmds, u32 cmd)
{
	Process &p = proc();
	switch (cmd) {
	case bc::INCREFS:
	case bc::ACQUIRE:
	case bc::RELEASE:
	case bc::DECREFS: {
		const u32 target = TRY(cmds.read<u32>());
		const bool strong = cmd == bc::ACQUIRE || cmd == bc::RELEASE;
		const bool increment = cmd == bc::INCREFS || cmd == bc::ACQUIRE;
		Result<RefData> r = kcpp::code::EINVAL;
		bool tried = false;
		if (increment && target == 0) {
			auto m = p.ctx.mgr.lock();
			if (m->node) {
				if (&m->node->owner() == &p) {
					BINDER_LOG("{}:{} context manager tried to acquire desc 0", p.pid, pid);
					return kcpp::code::EINVAL;
				}
				r = p.inc_ref_for_node(*m->node, strong, nullptr);
				tried = true;
			}
		}
		if (!tried || r.is_err())
			r = p.update_ref(target, increment, strong);
		if (r.is_ok() && r.value().desc != target)
			BINDER_LOG("{}:{} tried to acquire reference to desc {}, got {} instead", p.pid, pid, target,
				   r.value().desc);
		if (r.is_err()) {
			static const char *const names[] = {"IncRefs", "Acquire", "Release", "DecRefs"};
			BINDER_LOG("{}:{} {} {} refcount change on invalid ref {} ret {}", p.pid, pid,
				   names[ioc::nr(cmd) - ioc::nr(bc::INCREFS)], strong ? 1 : 0, target, r.error().to_errno());
		}
		return {};
	}
	case bc::INCREFS_DONE:
	case bc::ACQUIRE_DONE: {
		const u64 node_ptr = TRY(cmds.read<u64>());
		const u64 cookie = TRY(cmds.read<u64>());
		const char *name = cmd == bc::INCREFS_DONE ? "BC_INCREFS_DONE" : "BC_ACQUIRE_DONE";
		NodeTmp node = p.get_node(node_ptr);
		if (!node) {
			BINDER_LOG("{}:{} {} u{:016x} no match", p.pid, pid, name, node_ptr);
			return {};
		}
		if (cookie != node->cookie) {
			BINDER_LOG("{}:{} {} u{:016x} node {} cookie mismatch {:016x} != {:016x}", p.pid, pid, name, node_ptr,
				   node->debug_id, cookie, node->cookie);
			return {};
		}
		Rc<Node> gone;
		{
			auto g = p.inner.lock();
			NodeData &d = node->data(g);
			bool &pending = cmd == bc::ACQUIRE_DONE ? d.pending_strong_ref : d.pending_weak_ref;
			if (!pending) {
				BINDER_LOG("{}:{} {} node {} has no pending {} request", p.pid, pid, name, node->debug_id,
					   cmd == bc::ACQUIRE_DONE ? "acquire" : "increfs");
				return {};
			}
			pending = false;
			gone = node->dec(g, cmd == bc::ACQUIRE_DONE, false);
			KCPP_WARN_ON_ONCE(gone); // the temporary reference keeps it
		}
		return {};
	}
	case bc::ATTEMPT_ACQUIRE:
		kcpp::pr_err("BC_ATTEMPT_ACQUIRE not supported");
		return kcpp::code::EINVAL;
	case bc::ACQUIRE_RESULT:
		kcpp::pr_err("BC_ACQUIRE_RESULT not supported");
		return kcpp::code::EINVAL;

	case bc::FREE_BUFFER: {
		const u64 data_ptr = TRY(cmds.read<u64>());
		Buffer *buffer = nullptr;
		bool eperm = false;
		{
			auto g = p.inner.lock();
			if (g->mapped && data_ptr >= p.mapping.base()) {
				Result<Buffer *> r = g->alloc.prepare_to_free(data_ptr - p.mapping.base());
				if (r.is_ok())
					buffer = r.value();
				else
					eperm = true;
			}
		}
		if (buffer == nullptr) {
			if (eperm)
				BINDER_LOG("{}:{} BC_FREE_BUFFER u{:016x} matched unreturned or currently freeing buffer", p.pid,
					   pid, data_ptr);
			else
				BINDER_LOG("{}:{} BC_FREE_BUFFER u{:016x} no match", p.pid, pid, data_ptr);
			return {};
		}
		p.free_buf(this, buffer, false);
		return {};
	}

	case bc::TRANSACTION_SG:
	case bc::REPLY_SG: {
		const TransactionDataSg tr = TRY(cmds.read<TransactionDataSg>());
		transaction(tr.transaction_data, cmd == bc::REPLY_SG, tr.buffers_size);
		return {};
	}
	case bc::TRANSACTION:
	case bc::REPLY: {
		const TransactionData tr = TRY(cmds.read<TransactionData>());
		transaction(tr, cmd == bc::REPLY, 0);
		return {};
	}

	case bc::REGISTER_LOOPER: {
		auto g = p.inner.lock();
		ThreadData &d = data(g);
		if (d.looper & looper::ENTERED) {
			d.looper |= looper::INVALID;
			BINDER_LOG("{}:{} ERROR: BC_REGISTER_LOOPER called after BC_ENTER_LOOPER", p.pid, pid);
		} else if (g->requested_threads == 0) {
			d.looper |= looper::INVALID;
			BINDER_LOG("{}:{} ERROR: BC_REGISTER_LOOPER called without request", p.pid, pid);
		} else {
			g->requested_threads--;
			g->requested_threads_started++;
		}
		d.looper |= looper::REGISTERED;
		return {};
	}
	case bc::ENTER_LOOPER: {
		auto g = p.inner.lock();
		ThreadData &d = data(g);
		if (d.looper & looper::REGISTERED) {
			d.looper |= looper::INVALID;
			BINDER_LOG("{}:{} ERROR: BC_ENTER_LOOPER called after BC_REGISTER_LOOPER", p.pid, pid);
		}
		d.looper |= looper::ENTERED;
		return {};
	}
	case bc::EXIT_LOOPER: {
		auto g = p.inner.lock();
		data(g).looper |= looper::EXITED;
		return {};
	}

	case bc::REQUEST_DEATH_NOTIFICATION:
	case bc::CLEAR_DEATH_NOTIFICATION: {
		// Read as C reads it: the handle, then the cookie (the packed binder_handle_cookie).
		const u32 target = TRY(cmds.read<u32>());
		const u64 cookie = TRY(cmds.read<u64>());
		death_command(cmd, target, cookie);
		return {};
	}
	case bc::DEAD_BINDER_DONE: {
		const u64 cookie = TRY(cmds.read<u64>());
		dead_binder_done(cookie);
		return {};
	}

	case bc::REQUEST_FREEZE_NOTIFICATION:
	case bc::CLEAR_FREEZE_NOTIFICATION: {
		const HandleCookie hc = TRY(cmds.read<HandleCookie>());
		return freeze_command(cmd, hc.handle, hc.cookie);
	}
	case bc::FREEZE_NOTIFICATION_DONE: {
		const u64 cookie = TRY(cmds.read<u64>());
		return freeze_notification_done(cookie);
	}

	default:
		kcpp::pr_err("{}:{} unknown command {}", p.pid, pid, cmd);
		return kcpp::code::EINVAL;
	}
}

// ---- BR returns ---------------------------------------------------------------------------

// binder_wait_for_work.
Result<void> Thread::wait_for_work(ProcGuard &g, bool do_proc_work)
{
	for (;;) {
		if (has_work(g, do_proc_work))
			return {};
		if (do_proc_work)
			g->waiting_threads.push_front(*this);
		const bool signalled = wait.wait_interruptible_freezable(g);
		if (waiting.is_linked())
			g->waiting_threads.remove(*this);
		if (signalled)
			return kcpp::code::EINTR;
	}
}

namespace {
// Returns with a payload, written in one copy.
struct [[gnu::packed]] CmdCookie {
	u32 cmd;
	u64 cookie;
};
struct [[gnu::packed]] CmdFrozen {
	u32 cmd;
	FrozenStateInfo info;
};
} // namespace

// binder_apply_fd_fixups: in the receiving task, reserve an fd for every file the transaction
// carries, write the numbers into the buffer, then install them all (nothing is installed if
// any step fails).
Result<void> Process::apply_fd_fixups(Transaction &t)
{
	if (t.fd_fixups.is_empty())
		return {};
	Vec<kcpp::fs::FdReservation> slots;
	Result<void> ret = slots.reserve(t.fd_fixups.len(), kcpp::gfp::KERNEL);
	if (ret.is_ok()) {
		for (FdFixup &f : t.fd_fixups) {
			Result<kcpp::fs::FdReservation> slot = kcpp::fs::FdReservation::reserve(kcpp::fs::O_CLOEXEC);
			if (slot.is_err()) {
				ret = kcpp::code::ENOMEM;
				break;
			}
			const u32 fd = slot.value().fd();
			if (!copy_to_buffer(*t.buffer, f.offset, &fd, sizeof(fd))) {
				ret = kcpp::code::EINVAL;
				break;
			}
			(void)slots.push_within_capacity(move(slot).take());
		}
	} else {
		ret = kcpp::code::ENOMEM;
	}
	if (ret.is_err()) {
		t.fd_fixups.clear(); // fput; the reservations are dropped with `slots`
		return ret;
	}
	for (usize i = 0; i < slots.len(); ++i)
		move(slots[i]).commit(move(t.fd_fixups[i].file));
	t.fd_fixups.clear();
	return {};
}

// What the return loop took off a queue, and what to drop once unlocked.
struct Item {
	WorkType type = WorkType::Transaction;
	u32 cmd = 0;
	u64 cookie = 0;
	u64 node_ptr = 0;
	u64 node_cookie = 0;
	int ncmds = 0;
	u32 node_cmds[4] = {};
	ErrorWork *error = nullptr;
	FrozenStateInfo frozen{};
	Rc<Transaction> t;
	Buffer *buf = nullptr; // a transaction's buffer, and what deliver needs of it
	Node *target = nullptr;
	u64 data_size = 0;
	u64 offsets_size = 0;
	Rc<Node> node_gone;
	Rc<Death> death_gone;
	Rc<Freeze> freeze_gone;
	Box<CompleteWork> complete = Box<CompleteWork>::from_raw(nullptr);
};

// Takes one item off `list` and does the part of its handling that needs the lock.
void Thread::take_item(ProcGuard &g, WorkList &list, Item &it)
{
	Process &p = proc();
	ThreadData &d = data(g);
	Work *w = list.pop_front();
	if (d.todo.is_empty())
		d.process_todo = false;
	it.type = w->type;
	switch (w->type) {
	case WorkType::Transaction:
		it.t = Rc<Transaction>::adopt(kcpp::container_of(w, &Transaction::work)); // the list's reference
		it.buf = it.t->buffer;
		KCPP_BUG_ON(it.buf == nullptr);
		it.target = it.buf->extra.target_node;
		it.data_size = it.buf->data_size;
		it.offsets_size = it.buf->offsets_size;
		break;
	case WorkType::ReturnError:
		it.error = kcpp::container_of(w, &ErrorWork::work);
		KCPP_WARN_ON_ONCE(it.error->cmd == br::OK);
		it.cmd = it.error->cmd;
		break;
	case WorkType::TransactionComplete:
	case WorkType::TransactionPending:
	case WorkType::OnewaySpamSuspect:
		it.complete = Box<CompleteWork>::from_raw(kcpp::container_of(w, &CompleteWork::work));
		if (g->oneway_spam_detection && w->type == WorkType::OnewaySpamSuspect)
			it.cmd = br::ONEWAY_SPAM_SUSPECT;
		else if (w->type == WorkType::TransactionPending)
			it.cmd = br::TRANSACTION_PENDING_FROZEN;
		else
			it.cmd = br::TRANSACTION_COMPLETE;
		break;
	case WorkType::Node: {
		Node &node = *kcpp::container_of(w, &Node::work);
		NodeData &nd = node.data(g);
		const bool strong = nd.internal_strong_refs != 0 || nd.local_strong_refs != 0;
		const bool weak = nd.ref_count != 0 || nd.local_weak_refs != 0 || nd.tmp_refs != 0 || strong;
		const bool has_strong = nd.has_strong_ref, has_weak = nd.has_weak_ref;
		it.node_ptr = node.ptr;
		it.node_cookie = node.cookie;
		if (weak && !has_weak) {
			nd.has_weak_ref = true;
			nd.pending_weak_ref = true;
			nd.local_weak_refs++;
		}
		if (strong && !has_strong) {
			nd.has_strong_ref = true;
			nd.pending_strong_ref = true;
			nd.local_strong_refs++;
		}
		if (!strong && has_strong)
			nd.has_strong_ref = false;
		if (!weak && has_weak)
			nd.has_weak_ref = false;
		if (!weak && !strong && nd.in_tree) {
			g->nodes.remove(node);
			nd.in_tree = false;
			it.node_gone = Rc<Node>::adopt(&node); // the tree's reference
		}
		if (weak && !has_weak)
			it.node_cmds[it.ncmds++] = br::INCREFS;
		if (strong && !has_strong)
			it.node_cmds[it.ncmds++] = br::ACQUIRE;
		if (!strong && has_strong)
			it.node_cmds[it.ncmds++] = br::RELEASE;
		if (!weak && has_weak)
			it.node_cmds[it.ncmds++] = br::DECREFS;
		break;
	}
	case WorkType::DeadBinder:
	case WorkType::DeadBinderAndClear:
	case WorkType::ClearDeathNotification: {
		Death *death = kcpp::container_of(w, &Death::work);
		it.cookie = death->cookie;
		if (w->type == WorkType::ClearDeathNotification) {
			it.cmd = br::CLEAR_DEATH_NOTIFICATION_DONE;
			it.death_gone = Rc<Death>::adopt(death); // the list's reference
		} else {
			it.cmd = br::DEAD_BINDER;
			g->delivered_death.push_back(*w); // until BC_DEAD_BINDER_DONE
		}
		break;
	}
	case WorkType::FrozenBinder: {
		Freeze *f = kcpp::container_of(w, &Freeze::work);
		it.frozen.cookie = f->cookie;
		it.frozen.is_frozen = f->is_frozen;
		f->sent = true;
		g->delivered_freeze.push_back(*w); // until BC_FREEZE_NOTIFICATION_DONE
		break;
	}
	case WorkType::ClearFreezeNotification: {
		Freeze *f = kcpp::container_of(w, &Freeze::work);
		it.cookie = f->cookie;
		it.freeze_gone = Rc<Freeze>::adopt(f); // the list's reference
		break;
	}
	}
	(void)p;
}

// The delivery part of binder_thread_read for a transaction or reply: true when the read is
// over (delivered, or a failed reply reported), false to go on with the next item.
Result<bool> Thread::deliver(ReturnWriter &out, Item &it)
{
	Process &p = proc();
	Rc<Transaction> t = move(it.t);
	Buffer *buf = it.buf;
	Node *target = it.target;
	const u64 data_size = it.data_size, offsets_size = it.offsets_size;
	TransactionDataSecctx tr{};
	TransactionData &trd = tr.transaction_data;
	u32 cmd;
	if (target != nullptr) {
		trd.target.ptr = target->ptr;
		trd.cookie = target->cookie;
		t->saved_priority = Task::current().nice();
		const long min_priority = target->min_priority;
		if (t->priority < min_priority && !t->is_oneway())
			Process::set_nice(t->priority);
		else if (!t->is_oneway() || t->saved_priority > min_priority)
			Process::set_nice(min_priority);
		cmd = br::TRANSACTION;
	} else {
		cmd = br::REPLY;
	}
	trd.code = t->code;
	trd.flags = t->flags;
	trd.sender_euid = t->sender_euid.to_uid_in_current_ns();
	Rc<Thread> from = t->from();
	trd.sender_pid = from ? from->proc().task->tgid_in_current_ns() : 0;

	if (p.apply_fd_fixups(*t).is_err()) {
		from.reset();
		{
			auto g = p.inner.lock();
			buf->extra.txn = nullptr;
		}
		p.cleanup_transaction(move(t), "fd fixups failed", br::FAILED_REPLY);
		p.free_buf(this, buf, true);
		if (cmd == br::REPLY) {
			TRY(out.write(br::FAILED_REPLY));
			p.stat_br(br::FAILED_REPLY);
			return true;
		}
		return false;
	}
	trd.data_size = data_size;
	trd.offsets_size = offsets_size;
	trd.data.ptr.buffer = p.mapping.base() + buf->offset;
	trd.data.ptr.offsets = trd.data.ptr.buffer + align_up(data_size, PTR_SIZE);
	tr.secctx = t->security_ctx;
	usize size = sizeof(TransactionData);
	if (t->security_ctx != 0) {
		cmd = br::TRANSACTION_SEC_CTX;
		size = sizeof(tr);
	}
	from.reset();
	// The command and its payload in one copy (each user copy of a run-time size pays for
	// hardened usercopy's object check).
	u8 item[sizeof(u32) + sizeof(tr)];
	__builtin_memcpy(item, &cmd, sizeof(cmd));
	__builtin_memcpy(item + sizeof(cmd), &tr, size);
	// Flushed now: delivered means it reached user memory (with what was gathered before).
	if (out.write_raw(item, sizeof(cmd) + size).is_err() || out.flush().is_err()) {
		p.cleanup_transaction(move(t), "put_user failed", br::FAILED_REPLY);
		return kcpp::code::EFAULT;
	}
	p.stat_br(cmd);
	bool freed = false;
	{
		auto g = p.inner.lock();
		buf->allow_user_free = true;
		if (cmd != br::REPLY && !t->is_oneway()) {
			ThreadData &d = data(g);
			t->to_parent = d.transaction_stack;
			{
				auto pg = t->peers.lock();
				Rc<Thread> old = kcpp::exchange(pg->to_thread, Rc<Thread>::from_ref(*this));
				drop_not_last(old);
			}
			d.transaction_stack = t;
			return true;
		}
		// A reply or a one-way message is done: binder_free_transaction, under the lock
		// already held when its target is this process (it always is, unless released).
		bool ours;
		{
			auto pg = t->peers.lock();
			ours = pg->to_proc.get() == &p;
		}
		if (ours) {
			g->outstanding_txns--;
			if (g->outstanding_txns < 0)
				kcpp::pr_warn("free_transaction: unexpected outstanding_txns {}", g->outstanding_txns);
			if (g->outstanding_txns == 0 && g->is_frozen)
				p.freeze_wait.notify_all();
			if (t->buffer != nullptr)
				t->buffer->extra.txn = nullptr;
			freed = true;
		}
	}
	if (!freed)
		free_transaction(move(t));
	return true;
}

Result<void> Thread::read(ReturnWriter &out, bool nonblock)
{
	Process &p = proc();
	if (out.consumed() == 0) {
		// Copied at once: a read buffer that faults is EFAULT before any work is taken or
		// the thread waits, as in C.
		TRY(out.write(br::NOOP));
		TRY(out.flush());
	}

	for (;;) { // until something was returned (or the thread must return anyway)
		// The process lock is kept from the check through the wait to the first item, and
		// dropped for whatever sleeps or touches user memory.
		Optional<ProcGuard> og(p.inner.lock());
		const bool wait_for_proc_work = available_for_proc_work(*og);
		data(*og).looper |= looper::WAITING;
		if (wait_for_proc_work) {
			const u32 looper_state = data(*og).looper;
			og.reset();
			if (!(looper_state & (looper::REGISTERED | looper::ENTERED)))
				BINDER_LOG("{}:{} ERROR: Thread waiting for process work before calling BC_REGISTER_LOOPER "
					   "or BC_ENTER_LOOPER (state {:x})",
					   p.pid, pid, looper_state);
			Process::set_nice(p.default_priority);
			og = p.inner.lock();
		}
		Result<void> waited{};
		if (nonblock) {
			if (!has_work(*og, wait_for_proc_work))
				waited = kcpp::code::EAGAIN;
		} else {
			waited = wait_for_work(*og, wait_for_proc_work);
		}
		data(*og).looper &= ~looper::WAITING;
		if (waited.is_err())
			return waited.error();

		bool retry = false;
		for (;;) {
			Item it;
			{
				if (!og)
					og = p.inner.lock();
				ProcGuard &g = *og;
				ThreadData &d = data(g);
				WorkList *list;
				if (!d.todo.is_empty()) {
					list = &d.todo;
				} else if (!g->todo.is_empty() && wait_for_proc_work) {
					list = &g->todo;
				} else {
					// Nothing but the BR_NOOP so far: wait again.
					retry = out.consumed() == sizeof(u32) && !d.looper_need_return;
					break;
				}
				if (!out.has_room_for_item())
					break;
				take_item(g, *list, it);
				og.reset();
			}

			switch (it.type) {
			case WorkType::Transaction: {
				const bool stop = TRY(deliver(out, it));
				if (stop)
					goto done;
				continue;
			}
			case WorkType::ReturnError:
				TRY(out.write(it.cmd));
				TRY(out.flush()); // before the slot is cleared
				if (it.error == &data_.return_error) {
					// SAFETY: this thread's own slot (see write()).
					data_.return_error.cmd = br::OK;
				} else {
					auto g = p.inner.lock(); // reply_error: other threads test it
					it.error->cmd = br::OK;
				}
				p.stat_br(it.cmd);
				break;
			case WorkType::TransactionComplete:
			case WorkType::TransactionPending:
			case WorkType::OnewaySpamSuspect:
				it.complete = Box<CompleteWork>::from_raw(nullptr);
				TRY(out.write(it.cmd));
				p.stat_br(it.cmd);
				break;
			case WorkType::Node: {
				// binder_put_node_cmd for each change, in one copy.
				struct [[gnu::packed]] NodeCmd {
					u32 cmd;
					PtrCookie pc;
				} cmds[4];
				for (int i = 0; i < it.ncmds; ++i)
					cmds[i] = NodeCmd{it.node_cmds[i], PtrCookie{it.node_ptr, it.node_cookie}};
				if (it.ncmds != 0)
					TRY(out.write_raw(cmds, it.ncmds * sizeof(NodeCmd)));
				for (int i = 0; i < it.ncmds; ++i)
					p.stat_br(it.node_cmds[i]);
				break;
			}
			case WorkType::DeadBinder:
			case WorkType::DeadBinderAndClear:
			case WorkType::ClearDeathNotification:
				TRY(out.write(CmdCookie{it.cmd, it.cookie}));
				p.stat_br(it.cmd);
				if (it.cmd == br::DEAD_BINDER)
					goto done; // a death notification can cause transactions
				break;
			case WorkType::FrozenBinder:
				TRY(out.write(CmdFrozen{br::FROZEN_BINDER, it.frozen}));
				p.stat_br(br::FROZEN_BINDER);
				goto done; // so can a freeze notification
			case WorkType::ClearFreezeNotification:
				TRY(out.write(CmdCookie{br::CLEAR_FREEZE_NOTIFICATION_DONE, it.cookie}));
				p.stat_br(br::CLEAR_FREEZE_NOTIFICATION_DONE);
				break;
			}
		}
		if (!retry)
			break;
	}
done:
	bool spawn = false;
	{
		auto g = p.inner.lock();
		ThreadData &d = data(g);
		if (g->requested_threads == 0 && g->waiting_threads.is_empty() &&
		    g->requested_threads_started < static_cast<int>(g->max_threads) &&
		    (d.looper & (looper::REGISTERED | looper::ENTERED))) {
			g->requested_threads++;
			spawn = true;
		}
	}
	TRY(out.flush());
	if (spawn) {
		TRY(out.overwrite_first(br::SPAWN_LOOPER));
		p.stat_br(br::SPAWN_LOOPER);
	}
	return {};
}

// binder_thread_release: the thread leaves (BINDER_THREAD_EXIT, or its process is released).
// Transactions it was handling get a dead reply; the ones it sent lose their sender.
int Thread::release()
{
	Process &p = proc();
	Rc<Thread> tree_ref;
	Rc<Transaction> send_reply, old_stack;
	int active = 0;
	WorkList *todo;
	{
		auto g = p.inner.lock();
		KCPP_BUG_ON(!rb.is_linked());
		g->threads.remove(*this);
		tree_ref = Rc<Thread>::adopt(this);
		ThreadData &d = data(g);
		Transaction *t = d.transaction_stack.get();
		if (t != nullptr) {
			auto pg = t->peers.lock();
			if (pg->to_thread.get() == this)
				send_reply = Rc<Transaction>::from_ref(*t);
		}
		d.is_dead = true;
		while (t != nullptr) {
			active++;
			Transaction *next;
			auto pg = t->peers.lock();
			if (pg->to_thread.get() == this) {
				g->outstanding_txns--;
				drop_not_last(pg->to_proc);
				drop_not_last(pg->to_thread);
				if (t->buffer != nullptr) {
					t->buffer->extra.txn = nullptr;
					t->buffer = nullptr;
				}
				next = t->to_parent.get();
			} else if (pg->from.get() == this) {
				drop_not_last(pg->from);
				next = t->from_parent.get();
			} else {
				KCPP_BUG_ON(true);
			}
			t = next;
		}
		old_stack = move(d.transaction_stack);
		todo = &d.todo;
	}
	if (send_reply)
		send_failed_reply(move(send_reply), br::DEAD_REPLY);
	p.release_work(*todo);
	return active;
}

} // namespace binder
