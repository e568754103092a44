// SPDX-License-Identifier: GPL-2.0
// Transactions: BC_TRANSACTION/BC_REPLY (and _SG) end to end — finding the target, copying
// the data into a buffer in the target's range while translating the objects in it, queueing
// it on the right thread or process, and every error path with the C driver's BR codes and
// extended-error parameters (binder_transaction); plus freeing transactions, failed replies
// along a transaction stack, and the cleanup of undelivered ones.
#include "binder.h"

#include <kcpp/security.h>

namespace binder {

using kcpp::task::Task;

// ---- transaction lifetime -------------------------------------------------------------------

Transaction::~Transaction() = default;

Rc<Thread> Transaction::from()
{
	auto pg = peers.lock();
	return pg->from;
}

namespace {

// binder_get_txn_from_and_acq_inner: the sending thread, with its process's L3 held, if the
// transaction still has one.
struct FromLocked {
	Rc<Thread> thread;           // dropped after the guard
	Optional<ProcGuard> guard;
};

FromLocked from_locked(Transaction &t)
{
	FromLocked f;
	Rc<Thread> from = t.from();
	if (!from)
		return f;
	ProcGuard g = from->proc().inner.lock();
	bool same;
	{
		auto pg = t.peers.lock();
		same = pg->from == from;
	}
	if (!same) {
		// Answered or its thread left meanwhile; `from` is dropped after `g` is released.
		{
			ProcGuard drop_lock(kcpp::move(g));
		}
		return f;
	}
	f.thread = move(from);
	f.guard = kcpp::move(g);
	return f;
}

// binder_pop_transaction_ilocked: `t` is the top of target's stack and was sent by it.
void pop_transaction(ProcGuard &g, Thread &target, Transaction &t)
{
	ThreadData &d = target.data(g);
	KCPP_BUG_ON(d.transaction_stack.get() != &t);
	Rc<Transaction> parent = t.from_parent;
	Rc<Transaction> old = kcpp::exchange(d.transaction_stack, move(parent));
	drop_not_last(old); // the caller holds `t`
	auto pg = t.peers.lock();
	KCPP_BUG_ON(pg->from.get() != &target);
	drop_not_last(pg->from); // the caller holds `target`
}

} // namespace

// binder_free_transaction.
void free_transaction(Rc<Transaction> t)
{
	Rc<Process> target_proc;
	Rc<Thread> target_thread;
	{
		auto pg = t->peers.lock();
		target_proc = pg->to_proc;
		target_thread = pg->to_thread;
	}
	if (target_proc) {
		auto g = target_proc->inner.lock();
		g->outstanding_txns--;
		if (g->outstanding_txns < 0)
			kcpp::pr_warn("free_transaction: unexpected outstanding_txns {}", g->outstanding_txns);
		if (g->outstanding_txns == 0 && g->is_frozen)
			target_proc->freeze_wait.notify_all();
		if (t->buffer != nullptr)
			t->buffer->extra.txn = nullptr;
	}
	t->fd_fixups.clear();
}

// binder_send_failed_reply: the synchronous transaction `t` will never be answered; its sender
// (or, if that one is gone, the first sender still there down the stack) gets `error`.
void send_failed_reply(Rc<Transaction> t, u32 error)
{
	KCPP_BUG_ON(t->is_oneway());
	for (;;) {
		{
			FromLocked f = from_locked(*t);
			if (f.thread) {
				ProcGuard &g = *f.guard;
				pop_transaction(g, *f.thread, *t);
				ThreadData &d = f.thread->data(g);
				if (d.reply_error.cmd == br::OK) {
					d.reply_error.cmd = error;
					f.thread->enqueue(g, d.reply_error.work);
					f.thread->wait.notify_one();
				} else {
					// Several synchronous transactions sent without waiting for replies.
					kcpp::pr_warn("Unexpected reply error: {}", d.reply_error.cmd);
				}
				f.guard.reset();
				free_transaction(move(t));
				return;
			}
		}
		Rc<Transaction> next = t->from_parent;
		free_transaction(move(t));
		if (!next)
			return;
		t = move(next);
	}
}

// binder_cleanup_transaction: an undelivered transaction is dropped.
void Process::cleanup_transaction(Rc<Transaction> t, const char *reason, u32 error)
{
	bool has_target;
	{
		auto g = inner.lock();
		has_target = t->buffer != nullptr && t->buffer->extra.target_node != nullptr;
	}
	if (has_target && !t->is_oneway()) {
		send_failed_reply(move(t), error);
	} else {
		BINDER_LOG("undelivered transaction {}, {}", t->debug_id, reason);
		free_transaction(move(t));
	}
}

// ---- queueing ---------------------------------------------------------------------------------

namespace {

// binder_can_update_transaction.
bool can_update(Transaction &t1, Transaction &t2, Process &to)
{
	constexpr u32 both = txn_flags::ONE_WAY | txn_flags::UPDATE_TXN;
	if ((t1.flags & t2.flags & both) != both)
		return false;
	Buffer *b1 = t1.buffer, *b2 = t2.buffer;
	if (b1 == nullptr || b2 == nullptr)
		return false;
	(void)to;
	return t1.code == t2.code && t1.flags == t2.flags && b1->pid == b2->pid &&
	       b1->extra.target_node->ptr == b2->extra.target_node->ptr &&
	       b1->extra.target_node->cookie == b2->extra.target_node->cookie;
}

} // namespace

// binder_proc_transaction: queues `t` for `proc` (on `thread` if given) and wakes someone.
// 0, BR_DEAD_REPLY, BR_FROZEN_REPLY, or BR_TRANSACTION_PENDING_FROZEN (one-way to a frozen
// process: queued).
u32 Process::queue_transaction(Rc<Transaction> t, Thread *thread)
{
	Node *node = t->buffer->extra.target_node;
	KCPP_BUG_ON(node == nullptr);
	const bool oneway = t->is_oneway();
	bool pending_async = false, frozen = false;
	Rc<Transaction> outdated;
	{
		auto g = inner.lock();
		NodeData &nd = node->data(g);
		if (oneway) {
			KCPP_BUG_ON(thread != nullptr);
			if (nd.has_async_transaction)
				pending_async = true;
			else
				nd.has_async_transaction = true;
		}
		if (g->is_frozen) {
			frozen = true;
			g->sync_recv |= !oneway;
			g->async_recv |= oneway;
		}
		if ((frozen && !oneway) || g->is_dead || (thread != nullptr && thread->data(g).is_dead))
			return frozen ? br::FROZEN_REPLY : br::DEAD_REPLY;

		if (thread == nullptr && !pending_async)
			thread = select_thread(g);
		if (thread != nullptr) {
			thread->enqueue(g, t->work);
		} else if (!pending_async) {
			enqueue(g, t->work);
		} else {
			if ((t->flags & txn_flags::UPDATE_TXN) && frozen) {
				for (Work &w : nd.async_todo) {
					if (w.type != WorkType::Transaction)
						continue;
					Transaction *queued = kcpp::container_of(&w, &Transaction::work);
					if (can_update(*queued, *t, *this)) {
						dequeue_work(w);
						g->outstanding_txns--;
						outdated = Rc<Transaction>::adopt(queued); // the list's reference
						break;
					}
				}
			}
			nd.async_todo.push_back(t->work);
		}
		if (!pending_async)
			wakeup_thread(g, thread, !oneway);
		g->outstanding_txns++;
		(void)move(t).into_raw(); // the list's reference
	}
	if (outdated) {
		// Superseded by the new one (TF_UPDATE_TXN): freed without being delivered.
		Buffer *b;
		{
			auto g = inner.lock();
			b = outdated->buffer;
			outdated->buffer = nullptr;
			b->extra.txn = nullptr;
		}
		release_buffer_objects(nullptr, *b, offsets_end(*b), true);
		free_buffer_space(b);
		outdated->fd_fixups.clear();
	}
	if (oneway && frozen)
		return br::TRANSACTION_PENDING_FROZEN;
	return 0;
}

// ---- building a transaction -----------------------------------------------------------------

namespace {

// Reads objects from the sender's data (binder_get_object with a user pointer).
struct UserSource {
	uptr base;
	bool read(u64 offset, void *dst, usize n)
	{
		return kcpp::UserSlice(base + offset, n).reader().read_raw(dst, n).is_ok();
	}
};

struct TxnError {
	u32 br = 0;
	i32 param = 0;
};

// The state of one binder_transaction call; its members say what has been acquired, so the
// error path releases exactly that (the C function's goto ladder).
class Builder {
public:
	Builder(Thread &thread, const TransactionData &tr, bool reply, u64 extra)
		: thread_(thread), proc_(thread.proc()), tr_(tr), reply_(reply), extra_(extra), id_(next_debug_id())
	{
	}
	void run();

private:
	Optional<TxnError> find_target();
	Optional<TxnError> build();
	Optional<TxnError> copy_objects();
	Optional<TxnError> send();
	void fail(TxnError e);

	i32 translate_binder(FlatBinderObject &fp);
	i32 translate_handle(FlatBinderObject &fp);
	i32 translate_fd(u32 fd, u64 fd_offset);
	i32 translate_fd_array(FdArrayObject &fda, const BufferObject &parent, const BufferObject &user_parent);
	i32 fixup_parent(BufferObject &bp, u64 off_start, u64 num_valid, u64 last_obj, u64 last_min);

	bool oneway() const { return tr_.flags & txn_flags::ONE_WAY; }
	static TxnError err(u32 br, kcpp::Error e) { return {br, e.to_errno()}; }

	Thread &thread_;
	Process &proc_;
	const TransactionData &tr_;
	const bool reply_;
	u64 extra_;
	const u32 id_;

	Rc<Transaction> in_reply_to_;
	Rc<Process> target_proc_;
	Rc<Thread> target_thread_;
	NodeTmp target_node_;       // with a temporary reference
	bool holds_strong_ = false; // and a local strong count, until the buffer takes it
	Rc<Transaction> t_;
	Box<CompleteWork> tcomplete_ = Box<CompleteWork>::from_raw(nullptr);
	Work *tcomplete_queued_ = nullptr; // once queued (owned by the list)
	Optional<kcpp::security::SecCtx> secctx_;
	u64 secctx_size_ = 0; // ALIGN(len, 8)
	Buffer *buffer_ = nullptr;
	u64 buffer_offset_ = 0; // how far object translation got (for the release on failure)
	SgPlan sg_;
	bool spam_ = false;
};

// binder_get_node_refs_for_txn: a strong local count and a temporary reference on the target
// node, if its owner is still there.
NodeTmp node_refs_for_txn(Node &node, Rc<Process> &proc, u32 &error)
{
	NodeTmp tmp;
	auto g = node.owner().inner.lock();
	if (node.data(g).dead) {
		error = br::DEAD_REPLY;
		return tmp;
	}
	(void)node.inc(g, true, false, nullptr); // a local count cannot fail
	tmp = NodeTmp(g, node);
	proc = Rc<Process>::from_ref(node.owner());
	return tmp;
}

Optional<TxnError> Builder::find_target()
{
	if (reply_) {
		{
			auto g = proc_.inner.lock();
			ThreadData &d = thread_.data(g);
			d.ee = ExtendedError{id_, br::OK, 0};
			in_reply_to_ = d.transaction_stack;
			if (!in_reply_to_) {
				BINDER_LOG("{}:{} got reply transaction with no transaction stack", proc_.pid, thread_.pid);
				return err(br::FAILED_REPLY, kcpp::code::EPROTO);
			}
			bool ours;
			{
				auto pg = in_reply_to_->peers.lock();
				ours = pg->to_thread.get() == &thread_;
			}
			if (!ours) {
				BINDER_LOG("{}:{} got reply transaction with bad transaction stack, transaction {}", proc_.pid,
					   thread_.pid, in_reply_to_->debug_id);
				drop_not_last(in_reply_to_); // the stack holds it
				return err(br::FAILED_REPLY, kcpp::code::EPROTO);
			}
			Rc<Transaction> parent = in_reply_to_->to_parent;
			Rc<Transaction> old = kcpp::exchange(d.transaction_stack, move(parent));
			drop_not_last(old); // in_reply_to_ holds it
		}
		Process::set_nice(in_reply_to_->saved_priority);
		FromLocked f = from_locked(*in_reply_to_);
		if (!f.thread) {
			BINDER_LOG("{}:{} reply target not found", thread_.pid, proc_.pid);
			return TxnError{br::DEAD_REPLY, 0};
		}
		if (f.thread->data(*f.guard).transaction_stack != in_reply_to_) {
			BINDER_LOG("{}:{} got reply transaction with bad target transaction stack, expected {}", proc_.pid,
				   thread_.pid, in_reply_to_->debug_id);
			f.guard.reset();
			in_reply_to_.reset();
			return err(br::FAILED_REPLY, kcpp::code::EPROTO);
		}
		target_proc_ = Rc<Process>::from_ref(f.thread->proc());
		f.guard.reset();
		target_thread_ = move(f.thread);
		return {};
	}

	u32 error = 0;
	if (tr_.target.handle != 0) {
		auto rg = proc_.refs.lock();
		Ref *ref = rg->by_desc.find(tr_.target.handle);
		if (ref != nullptr && ref->data.strong == 0) {
			BINDER_LOG("tried to use weak ref as strong ref");
			ref = nullptr;
		}
		if (ref != nullptr) {
			target_node_ = node_refs_for_txn(*ref->node, target_proc_, error);
		} else {
			BINDER_LOG("{}:{} got transaction to invalid handle, {}", proc_.pid, thread_.pid, tr_.target.handle);
			error = br::FAILED_REPLY;
		}
	} else {
		auto m = proc_.ctx.mgr.lock();
		if (m->node)
			target_node_ = node_refs_for_txn(*m->node, target_proc_, error);
		else
			error = br::DEAD_REPLY;
	}
	holds_strong_ = bool(target_node_);
	if (target_node_ && tr_.target.handle == 0 && target_proc_->pid == proc_.pid) {
		BINDER_LOG("{}:{} got transaction to context manager from process owning it", proc_.pid, thread_.pid);
		return err(br::FAILED_REPLY, kcpp::code::EINVAL);
	}
	if (!target_node_) {
		BINDER_LOG("{}:{} cannot find target node", thread_.pid, proc_.pid);
		return err(error, kcpp::code::EINVAL);
	}
	if (target_proc_.get() == &proc_) {
		KCPP_WARN_ON_ONCE(true);
		BINDER_LOG("{}:{} self transactions not allowed", thread_.pid, proc_.pid);
		return err(br::FAILED_REPLY, kcpp::code::EINVAL);
	}
	if (kcpp::security::binder_transaction(*proc_.cred, *target_proc_->cred).is_err()) {
		BINDER_LOG("{}:{} transaction credentials failed", thread_.pid, proc_.pid);
		return err(br::FAILED_REPLY, kcpp::code::EPERM);
	}

	auto g = proc_.inner.lock();
	ThreadData &d = thread_.data(g);
	d.ee = ExtendedError{id_, br::OK, 0};
	Work *w = d.todo.front();
	if (!oneway() && w != nullptr && w->type == WorkType::Transaction) {
		// A synchronous call while an incoming transaction waits at the head of the todo.
		BINDER_LOG("{}:{} new transaction not allowed when there is a transaction on thread todo", proc_.pid,
			   thread_.pid);
		return err(br::FAILED_REPLY, kcpp::code::EPROTO);
	}
	if (!oneway() && d.transaction_stack) {
		Transaction *tmp = d.transaction_stack.get();
		{
			auto pg = tmp->peers.lock();
			if (pg->to_thread.get() != &thread_) {
				BINDER_LOG("{}:{} got new transaction with bad transaction stack, transaction {}", proc_.pid,
					   thread_.pid, tmp->debug_id);
				return err(br::FAILED_REPLY, kcpp::code::EPROTO);
			}
		}
		// A nested call to a process that is waiting on us down the stack goes to the very
		// thread that waits (from_parent never changes once set).
		while (tmp != nullptr) {
			auto pg = tmp->peers.lock();
			if (pg->from && &pg->from->proc() == target_proc_.get()) {
				target_thread_ = pg->from;
				break;
			}
			tmp = tmp->from_parent.get();
		}
	}
	return {};
}

Optional<TxnError> Builder::build()
{
	Result<Rc<Transaction>> made = Rc<Transaction>::make(kcpp::gfp::KERNEL, id_);
	if (made.is_err()) {
		BINDER_LOG("{}:{} cannot allocate transaction", thread_.pid, proc_.pid);
		return err(br::FAILED_REPLY, kcpp::code::ENOMEM);
	}
	t_ = move(made).take();
	Result<Box<CompleteWork>> tc = Box<CompleteWork>::make(kcpp::gfp::KERNEL);
	if (tc.is_err()) {
		BINDER_LOG("{}:{} cannot allocate work for transaction", thread_.pid, proc_.pid);
		return err(br::FAILED_REPLY, kcpp::code::ENOMEM);
	}
	tcomplete_ = move(tc).take();

	{
		auto pg = t_->peers.lock();
		if (!reply_ && !oneway())
			pg->from = Rc<Thread>::from_ref(thread_);
		pg->to_proc = target_proc_;
		pg->to_thread = target_thread_;
	}
	t_->from_pid = proc_.pid;
	t_->from_tid = thread_.pid;
	t_->sender_euid = proc_.task->euid();
	t_->code = tr_.code;
	t_->flags = tr_.flags;
	t_->priority = Task::current().nice();
	t_->start_ns = kcpp::time::now_ns();

	if (target_node_ && target_node_->txn_security_ctx) {
		Result<kcpp::security::SecCtx> ctx = kcpp::security::SecCtx::of_cred(*proc_.cred);
		if (ctx.is_err()) {
			BINDER_LOG("{}:{} failed to get security context", thread_.pid, proc_.pid);
			return err(br::FAILED_REPLY, ctx.error());
		}
		secctx_ = move(ctx).take();
		secctx_size_ = align_up((*secctx_).len(), sizeof(u64));
		const u64 before = extra_;
		extra_ += secctx_size_;
		if (extra_ < before) {
			BINDER_LOG("{}:{} integer overflow of extra_buffers_size", thread_.pid, proc_.pid);
			return err(br::FAILED_REPLY, kcpp::code::EINVAL);
		}
	}

	// The buffer records its transaction and target node when it is allocated (one lock).
	const BufExtra init{t_.get(), target_node_.get()};
	Result<Buffer *> b = target_proc_->alloc_buffer(tr_.data_size, tr_.offsets_size, extra_, !reply_ && oneway(), spam_,
							init, t_->debug_id, t_->flags & txn_flags::CLEAR_BUF);
	if (b.is_err()) {
		const kcpp::Error e = b.error();
		BINDER_LOG("cannot allocate buffer{}", e == kcpp::code::ESRCH	  ? ": vma cleared, target dead or dying"
					       : e == kcpp::code::ENOSPC ? ": no space left"
					       : e == kcpp::code::ENOMEM ? ": memory allocation failed"
									 : "");
		return err(e == kcpp::code::ESRCH ? br::DEAD_REPLY : br::FAILED_REPLY, e);
	}
	if (target_node_) {
		// The buffer takes over the local strong count, and gets a reference on the node.
		(void)Rc<Node>::from_ref(*target_node_).into_raw();
		holds_strong_ = false;
	}
	buffer_ = b.value();
	t_->buffer = buffer_;

	if (secctx_) {
		const u64 off = align_up(tr_.data_size, PTR_SIZE) + align_up(tr_.offsets_size, PTR_SIZE) +
				align_up(extra_, PTR_SIZE) - secctx_size_;
		t_->security_ctx = target_proc_->buffer_user_addr(*buffer_) + off;
		if (!target_proc_->copy_to_buffer(*buffer_, off, (*secctx_).data(), (*secctx_).len())) {
			t_->security_ctx = 0;
			KCPP_WARN_ON_ONCE(true);
		}
		secctx_.reset();
	}
	return {};
}

Optional<TxnError> Builder::copy_objects()
{
	Process &tp = *target_proc_;
	Buffer &b = *buffer_;
	const uptr user_buffer = tr_.data.ptr.buffer;
	if (!tp.copy_user_to_buffer(b, align_up(tr_.data_size, PTR_SIZE), tr_.data.ptr.offsets, tr_.offsets_size)) {
		BINDER_LOG("{}:{} got transaction with invalid offsets ptr", proc_.pid, thread_.pid);
		return err(br::FAILED_REPLY, kcpp::code::EFAULT);
	}
	if (!is_aligned(tr_.offsets_size, sizeof(binder_size_t))) {
		BINDER_LOG("{}:{} got transaction with invalid offsets size, {}", proc_.pid, thread_.pid, tr_.offsets_size);
		return err(br::FAILED_REPLY, kcpp::code::EINVAL);
	}
	if (!is_aligned(extra_, sizeof(u64))) {
		BINDER_LOG("{}:{} got transaction with unaligned buffers size, {}", proc_.pid, thread_.pid, extra_);
		return err(br::FAILED_REPLY, kcpp::code::EINVAL);
	}
	const u64 off_start = align_up(tr_.data_size, PTR_SIZE);
	const u64 off_end = off_start + tr_.offsets_size;
	u64 sg_offset = align_up(off_end, PTR_SIZE);
	const u64 sg_end = sg_offset + extra_ - secctx_size_;
	u64 off_min = 0, user_offset = 0;
	u64 last_fixup_obj = 0, last_fixup_min = 0;
	Process::BufferView view = tp.view(b);
	UserSource user{user_buffer};

	for (buffer_offset_ = off_start; buffer_offset_ < off_end; buffer_offset_ += sizeof(binder_size_t)) {
		u64 object_offset;
		if (!view.read(buffer_offset_, &object_offset, sizeof(object_offset))) {
			BINDER_LOG("{}:{} copy offset from buffer failed", thread_.pid, proc_.pid);
			return err(br::FAILED_REPLY, kcpp::code::EINVAL);
		}
		// The sender's bytes up to this object.
		const u64 copy_size = object_offset - user_offset;
		if (copy_size != 0 && (user_offset > object_offset || object_offset > tr_.data_size ||
				       !tp.copy_user_to_buffer(b, user_offset, user_buffer + user_offset, copy_size))) {
			BINDER_LOG("{}:{} got transaction with invalid data ptr", proc_.pid, thread_.pid);
			return err(br::FAILED_REPLY, kcpp::code::EFAULT);
		}
		Object obj;
		const usize object_size = read_object(user, b.data_size, object_offset, obj);
		if (object_size == 0 || object_offset < off_min) {
			BINDER_LOG("{}:{} got transaction with invalid offset ({}, min {} max {}) or object.", proc_.pid,
				   thread_.pid, object_offset, off_min, b.data_size);
			return err(br::FAILED_REPLY, kcpp::code::EINVAL);
		}
		user_offset = object_offset + object_size;
		off_min = object_offset + object_size;

		switch (obj.hdr.type) {
		case type::BINDER:
		case type::WEAK_BINDER: {
			const i32 ret = translate_binder(obj.fbo);
			if (ret < 0 || !tp.copy_to_buffer(b, object_offset, &obj.fbo, sizeof(obj.fbo))) {
				BINDER_LOG("{}:{} translate binder failed", thread_.pid, proc_.pid);
				return TxnError{br::FAILED_REPLY, ret};
			}
			break;
		}
		case type::HANDLE:
		case type::WEAK_HANDLE: {
			const i32 ret = translate_handle(obj.fbo);
			if (ret < 0 || !tp.copy_to_buffer(b, object_offset, &obj.fbo, sizeof(obj.fbo))) {
				BINDER_LOG("{}:{} translate handle failed", thread_.pid, proc_.pid);
				return TxnError{br::FAILED_REPLY, ret};
			}
			break;
		}
		case type::FD: {
			const u64 fd_offset = object_offset + __builtin_offsetof(FdObject, fd);
			const i32 ret = translate_fd(obj.fdo.fd, fd_offset);
			obj.fdo.pad_binder = 0; // the receiver's number is written when it picks it up
			if (ret < 0 || !tp.copy_to_buffer(b, object_offset, &obj.fdo, sizeof(obj.fdo))) {
				BINDER_LOG("{}:{} translate fd failed", thread_.pid, proc_.pid);
				return TxnError{br::FAILED_REPLY, ret};
			}
			break;
		}
		case type::FDA: {
			FdArrayObject &fda = obj.fdao;
			const u64 num_valid = (buffer_offset_ - off_start) / sizeof(binder_size_t);
			Object parent_obj;
			u64 parent_offset = 0;
			const BufferObject *parent =
				validate_ptr(view, parent_obj, fda.parent, off_start, num_valid, &parent_offset);
			if (parent == nullptr) {
				BINDER_LOG("{}:{} got transaction with invalid parent offset or type", proc_.pid, thread_.pid);
				return err(br::FAILED_REPLY, kcpp::code::EINVAL);
			}
			if (!validate_fixup(view, off_start, parent_offset, fda.parent_offset, last_fixup_obj, last_fixup_min)) {
				BINDER_LOG("{}:{} got transaction with out-of-order buffer fixup", proc_.pid, thread_.pid);
				return err(br::FAILED_REPLY, kcpp::code::EINVAL);
			}
			// The sender's own copy of the parent has the original user address.
			Object user_parent;
			const usize user_parent_size = read_object(user, b.data_size, parent_offset, user_parent);
			if (user_parent_size != sizeof(BufferObject)) {
				BINDER_LOG("{}:{} invalid ptr object size: {} vs {}", proc_.pid, thread_.pid, user_parent_size,
					   sizeof(BufferObject));
				return err(br::FAILED_REPLY, kcpp::code::EINVAL);
			}
			i32 ret = translate_fd_array(fda, *parent, user_parent.bbo);
			if (ret == 0 && !tp.copy_to_buffer(b, object_offset, &fda, sizeof(fda)))
				ret = kcpp::code::EINVAL.to_errno();
			if (ret != 0) {
				BINDER_LOG("{}:{} translate fd array failed", thread_.pid, proc_.pid);
				return TxnError{br::FAILED_REPLY, ret > 0 ? kcpp::code::EINVAL.to_errno() : ret};
			}
			last_fixup_obj = parent_offset;
			last_fixup_min = fda.parent_offset + sizeof(u32) * fda.num_fds;
			break;
		}
		case type::PTR: {
			BufferObject &bp = obj.bbo;
			const u64 buf_left = sg_end - sg_offset;
			if (bp.length > buf_left) {
				BINDER_LOG("{}:{} got transaction with too large buffer", proc_.pid, thread_.pid);
				return err(br::FAILED_REPLY, kcpp::code::EINVAL);
			}
			if (Result<void> r = sg_.add_copy(sg_offset, bp.buffer, bp.length); r.is_err()) {
				BINDER_LOG("{}:{} deferred copy failed", thread_.pid, proc_.pid);
				return err(br::FAILED_REPLY, r.error());
			}
			// Now the receiver's address of this buffer.
			bp.buffer = tp.buffer_user_addr(b) + sg_offset;
			sg_offset += align_up(bp.length, sizeof(u64));
			const u64 num_valid = (buffer_offset_ - off_start) / sizeof(binder_size_t);
			const i32 ret = fixup_parent(bp, off_start, num_valid, last_fixup_obj, last_fixup_min);
			if (ret < 0 || !tp.copy_to_buffer(b, object_offset, &bp, sizeof(bp))) {
				BINDER_LOG("{}:{} failed to fixup parent", thread_.pid, proc_.pid);
				return TxnError{br::FAILED_REPLY, ret};
			}
			last_fixup_obj = object_offset;
			last_fixup_min = 0;
			break;
		}
		default:
			BINDER_LOG("{}:{} got transaction with invalid object type, {:x}", proc_.pid, thread_.pid, obj.hdr.type);
			return err(br::FAILED_REPLY, kcpp::code::EINVAL);
		}
	}
	// The rest of the sender's data.
	if (!tp.copy_user_to_buffer(b, user_offset, user_buffer + user_offset, tr_.data_size - user_offset)) {
		BINDER_LOG("{}:{} got transaction with invalid data ptr", proc_.pid, thread_.pid);
		return err(br::FAILED_REPLY, kcpp::code::EFAULT);
	}
	struct Sink {
		Process &tp;
		Buffer &b;
		bool copy_from_user(u64 offset, uptr from, u64 n) { return tp.copy_user_to_buffer(b, offset, from, n); }
		bool write(u64 offset, const void *src, usize n) { return tp.copy_to_buffer(b, offset, src, n); }
	} sink{tp, b};
	if (Result<void> r = sg_.apply(sink); r.is_err()) {
		BINDER_LOG("{}:{} got transaction with invalid offsets ptr", proc_.pid, thread_.pid);
		return err(br::FAILED_REPLY, r.error());
	}
	return {};
}

// binder_translate_binder: a node of the sender becomes a handle in the target.
i32 Builder::translate_binder(FlatBinderObject &fp)
{
	NodeTmp node = proc_.get_node(fp.binder);
	if (!node) {
		Result<NodeTmp> made = proc_.get_or_new_node(&fp);
		if (made.is_err())
			return kcpp::code::ENOMEM.to_errno();
		node = move(made).take();
	}
	if (fp.cookie != node->cookie) {
		BINDER_LOG("{}:{} sending u{:016x} node {}, cookie mismatch {:016x} != {:016x}", proc_.pid, thread_.pid,
			   fp.binder, node->debug_id, fp.cookie, node->cookie);
		return kcpp::code::EINVAL.to_errno();
	}
	if (kcpp::security::binder_transfer_binder(*proc_.cred, *target_proc_->cred).is_err())
		return kcpp::code::EPERM.to_errno();
	Result<RefData> r = target_proc_->inc_ref_for_node(*node, fp.hdr.type == type::BINDER, &thread_);
	if (r.is_err())
		return r.error().to_errno();
	fp.hdr.type = fp.hdr.type == type::BINDER ? type::HANDLE : type::WEAK_HANDLE;
	fp.binder = 0;
	fp.handle = r.value().desc;
	fp.cookie = 0;
	return 0;
}

// binder_translate_handle: a handle of the sender becomes the node itself (if the target owns
// it) or the target's handle for the same node.
i32 Builder::translate_handle(FlatBinderObject &fp)
{
	const bool strong = fp.hdr.type == type::HANDLE;
	NodeTmp node = proc_.get_node_from_ref(fp.handle, strong, nullptr);
	if (!node) {
		BINDER_LOG("{}:{} got transaction with invalid handle, {}", proc_.pid, thread_.pid, fp.handle);
		return kcpp::code::EINVAL.to_errno();
	}
	if (kcpp::security::binder_transfer_binder(*proc_.cred, *target_proc_->cred).is_err())
		return kcpp::code::EPERM.to_errno();
	{
		auto g = node->owner().inner.lock();
		if (&node->owner() == target_proc_.get() && !node->data(g).dead) {
			fp.hdr.type = strong ? type::BINDER : type::WEAK_BINDER;
			fp.binder = node->ptr;
			fp.cookie = node->cookie;
			(void)node->inc(g, strong, false, nullptr); // local: cannot fail
			return 0;
		}
	}
	Result<RefData> r = target_proc_->inc_ref_for_node(*node, strong, nullptr);
	if (r.is_err())
		return r.error().to_errno();
	fp.binder = 0;
	fp.handle = r.value().desc;
	fp.cookie = 0;
	return 0;
}

// binder_translate_fd: the file goes with the transaction; the receiver gets its own fd.
i32 Builder::translate_fd(u32 fd, u64 fd_offset)
{
	const bool allowed = in_reply_to_ ? (in_reply_to_->flags & txn_flags::ACCEPT_FDS) != 0 : target_node_->accept_fds;
	if (!allowed) {
		BINDER_LOG("{}:{} got {} with fd, {}, but target does not allow fds", proc_.pid, thread_.pid,
			   in_reply_to_ ? "reply" : "transaction", fd);
		return kcpp::code::EPERM.to_errno();
	}
	Result<ARef<kcpp::fs::File>> file = kcpp::fs::File::fget(fd);
	if (file.is_err()) {
		BINDER_LOG("{}:{} got transaction with invalid fd, {}", proc_.pid, thread_.pid, fd);
		return kcpp::code::EBADF.to_errno();
	}
	if (kcpp::security::binder_transfer_file(*proc_.cred, *target_proc_->cred, *file.value()).is_err())
		return kcpp::code::EPERM.to_errno();
	if (t_->fd_fixups.push(FdFixup{move(file).take(), fd_offset}, kcpp::gfp::KERNEL).is_err())
		return kcpp::code::ENOMEM.to_errno();
	return 0;
}

// binder_translate_fd_array.
i32 Builder::translate_fd_array(FdArrayObject &fda, const BufferObject &parent, const BufferObject &user_parent)
{
	if (fda.num_fds == 0)
		return 0;
	if (!fd_array_fits(fda, parent)) {
		if (fda.num_fds >= static_cast<u64>(-1) / sizeof(u32))
			BINDER_LOG("{}:{} got transaction with invalid number of fds ({})", proc_.pid, thread_.pid, fda.num_fds);
		else
			BINDER_LOG("{}:{} not enough space to store {} fds in buffer", proc_.pid, thread_.pid, fda.num_fds);
		return kcpp::code::EINVAL.to_errno();
	}
	// The parent's buffer field is already the receiver's address: make it an offset.
	const u64 fda_offset = parent.buffer - target_proc_->buffer_user_addr(*buffer_) + fda.parent_offset;
	const uptr sender_base = user_parent.buffer + fda.parent_offset;
	if (!is_aligned(fda_offset, sizeof(u32)) || !is_aligned(sender_base, sizeof(u32))) {
		BINDER_LOG("{}:{} parent offset not aligned correctly.", proc_.pid, thread_.pid);
		return kcpp::code::EINVAL.to_errno();
	}
	if (Result<void> r = sg_.add_fixup(fda_offset, 0, fda.num_fds * sizeof(u32)); r.is_err())
		return r.error().to_errno();
	for (u64 i = 0; i < fda.num_fds; ++i) {
		u32 fd;
		if (kcpp::UserSlice(sender_base + i * sizeof(u32), sizeof(u32)).reader().read_raw(&fd, sizeof(fd)).is_err())
			return kcpp::code::EINVAL.to_errno(); // C: copy_from_user's leftover > 0 -> -EINVAL
		if (const i32 ret = translate_fd(fd, fda_offset + i * sizeof(u32)); ret != 0)
			return ret;
	}
	return 0;
}

// binder_fixup_parent: the pointer to this buffer inside its parent is replaced by the
// receiver's address while the parent is copied.
i32 Builder::fixup_parent(BufferObject &bp, u64 off_start, u64 num_valid, u64 last_obj, u64 last_min)
{
	if (!(bp.flags & BUFFER_FLAG_HAS_PARENT))
		return 0;
	Process::BufferView view = target_proc_->view(*buffer_);
	Object parent_obj;
	u64 parent_offset = 0;
	const BufferObject *parent = validate_ptr(view, parent_obj, bp.parent, off_start, num_valid, &parent_offset);
	if (parent == nullptr) {
		BINDER_LOG("{}:{} got transaction with invalid parent offset or type", proc_.pid, thread_.pid);
		return kcpp::code::EINVAL.to_errno();
	}
	if (!validate_fixup(view, off_start, parent_offset, bp.parent_offset, last_obj, last_min)) {
		BINDER_LOG("{}:{} got transaction with out-of-order buffer fixup", proc_.pid, thread_.pid);
		return kcpp::code::EINVAL.to_errno();
	}
	if (!pointer_fits(bp, *parent)) {
		BINDER_LOG("{}:{} got transaction with invalid parent offset", proc_.pid, thread_.pid);
		return kcpp::code::EINVAL.to_errno();
	}
	const u64 at = bp.parent_offset + parent->buffer - target_proc_->buffer_user_addr(*buffer_);
	if (Result<void> r = sg_.add_fixup(at, bp.buffer, 0); r.is_err())
		return r.error().to_errno();
	return 0;
}

Optional<TxnError> Builder::send()
{
	tcomplete_->work.type = spam_ ? WorkType::OnewaySpamSuspect : WorkType::TransactionComplete;
	t_->work.type = WorkType::Transaction;

	if (reply_) {
		{
			auto g = proc_.inner.lock();
			thread_.enqueue(g, tcomplete_->work);
			tcomplete_queued_ = &move(tcomplete_).into_raw()->work; // owned by the list
		}
		{
			auto g = target_proc_->inner.lock();
			if (target_thread_->data(g).is_dead)
				return TxnError{br::DEAD_REPLY, 0};
			KCPP_BUG_ON(buffer_->async_transaction);
			pop_transaction(g, *target_thread_, *in_reply_to_);
			target_thread_->enqueue(g, t_->work);
			g->outstanding_txns++;
			(void)Rc<Transaction>(t_).into_raw(); // the list's reference
		}
		target_thread_->wait.notify_one_sync();
		free_transaction(move(in_reply_to_));
		return {};
	}
	if (!oneway()) {
		KCPP_BUG_ON(buffer_->async_transaction);
		{
			auto g = proc_.inner.lock();
			ThreadData &d = thread_.data(g);
			// BR_TRANSACTION_COMPLETE comes with the reply (or error), so the target can
			// start right away.
			thread_.enqueue_deferred(g, tcomplete_->work);
			tcomplete_queued_ = &move(tcomplete_).into_raw()->work;
			t_->need_reply = true;
			t_->from_parent = d.transaction_stack;
			d.transaction_stack = t_;
		}
		const u32 error = target_proc_->queue_transaction(t_, target_thread_.get());
		if (error != 0) {
			auto g = proc_.inner.lock();
			pop_transaction(g, thread_, *t_);
			return TxnError{error, 0};
		}
		return {};
	}
	KCPP_BUG_ON(!buffer_->async_transaction);
	const u32 error = target_proc_->queue_transaction(t_, nullptr);
	if (error == br::TRANSACTION_PENDING_FROZEN)
		tcomplete_->work.type = WorkType::TransactionPending;
	{
		auto g = proc_.inner.lock();
		thread_.enqueue(g, tcomplete_->work);
		tcomplete_queued_ = &move(tcomplete_).into_raw()->work;
	}
	if (error != 0 && error != br::TRANSACTION_PENDING_FROZEN)
		return TxnError{error, 0};
	return {};
}

void Builder::run()
{
	// The extended error is reset (to this id, BR_OK) in find_target's first own lock; a
	// failure before it sets it anyway.
	Optional<TxnError> e = find_target();
	if (!e)
		e = build();
	if (!e)
		e = copy_objects();
	if (!e)
		e = send();
	if (e)
		fail(*e);
}

// The error path of binder_transaction: release what was acquired, then report.
void Builder::fail(TxnError e)
{
	if (tcomplete_queued_) {
		// err_dead_proc_or_thread: the queued BR_TRANSACTION_COMPLETE is taken back.
		BINDER_LOG("{}:{} {} process or thread", proc_.pid, thread_.pid,
			   e.br == br::FROZEN_REPLY ? "frozen" : "dead");
		Work *w = tcomplete_queued_;
		{
			auto g = proc_.inner.lock();
			dequeue_work(*w); // from this thread's todo
		}
		Box<CompleteWork>::from_raw(kcpp::container_of(w, &CompleteWork::work));
	}
	if (buffer_ != nullptr) {
		t_->fd_fixups.clear();
		target_proc_->release_buffer_objects(nullptr, *buffer_, buffer_offset_, true);
		target_node_.release();
		{
			auto g = target_proc_->inner.lock();
			buffer_->extra.txn = nullptr;
		}
		t_->buffer = nullptr;
		target_proc_->free_buffer_space(buffer_);
	}
	secctx_.reset();
	tcomplete_ = Box<CompleteWork>::from_raw(nullptr);
	t_.reset();
	if (target_node_) {
		if (holds_strong_) {
			Rc<Node> gone;
			{
				auto g = target_node_->owner().inner.lock();
				gone = target_node_->dec(g, true, false);
			}
		}
		target_node_.release();
	}
	BINDER_LOG("{}:{} transaction {} to {}:{} failed {}/{}/{}, size {}-{}", proc_.pid, thread_.pid,
		   reply_ ? "reply" : (oneway() ? "async" : "call"), target_proc_ ? target_proc_->pid : 0,
		   target_thread_ ? target_thread_->pid : 0, id_, e.br, e.param, tr_.data_size, tr_.offsets_size);
	target_thread_.reset();
	target_proc_.reset();

	if (in_reply_to_) {
		{
			FromLocked f = from_locked(*in_reply_to_);
			if (f.thread) {
				ExtendedError &ee = f.thread->data(*f.guard).ee;
				if (ee.command == br::OK)
					ee = ExtendedError{id_, e.br, e.param};
				f.guard.reset();
			}
		}
		{
			auto g = proc_.inner.lock();
			ThreadData &d = thread_.data(g);
			KCPP_BUG_ON(d.return_error.cmd != br::OK);
			d.return_error.cmd = br::TRANSACTION_COMPLETE;
			thread_.enqueue(g, d.return_error.work);
		}
		send_failed_reply(move(in_reply_to_), e.br);
	} else {
		auto g = proc_.inner.lock();
		ThreadData &d = thread_.data(g);
		d.ee = ExtendedError{id_, e.br, e.param};
		KCPP_BUG_ON(d.return_error.cmd != br::OK);
		d.return_error.cmd = e.br;
		thread_.enqueue(g, d.return_error.work);
	}
}

} // namespace

void Thread::transaction(const TransactionData &tr, bool reply, u64 extra_buffers_size)
{
	Builder(*this, tr, reply, extra_buffers_size).run();
}

} // namespace binder
