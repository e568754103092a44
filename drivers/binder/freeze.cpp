// SPDX-License-Identifier: GPL-2.0
// Freezing (BINDER_FREEZE, BINDER_GET_FROZEN_INFO) and freeze notifications
// (BC_REQUEST_FREEZE_NOTIFICATION, BC_CLEAR_FREEZE_NOTIFICATION, BC_FREEZE_NOTIFICATION_DONE,
// BR_FROZEN_BINDER, BR_CLEAR_FREEZE_NOTIFICATION_DONE), as the 6.12 C driver does them.
//
// A frozen process gets no synchronous transactions (BR_FROZEN_REPLY to the sender); one-way
// ones are queued and the sender gets BR_TRANSACTION_PENDING_FROZEN. A handle's freeze
// notification reports the node owner's state when requested and at every change; the next
// change is sent only after BC_FREEZE_NOTIFICATION_DONE (or queued behind it).
#include "binder.h"

namespace binder {

Freeze::Freeze(Process &proc, u64 cookie_) : cookie(cookie_), proc_(Rc<Process>::from_ref(proc)) {}

Freeze::~Freeze()
{
	KCPP_BUG_ON(work.is_queued() || node_link.is_linked());
}

namespace {
bool txns_pending(ProcGuard &g)
{
	if (g->outstanding_txns > 0)
		return true;
	for (Thread &t : g->threads)
		if (t.data(g).transaction_stack)
			return true;
	return false;
}
} // namespace

// binder_add_freeze_work: tells every handle with a freeze notification on one of this
// process's nodes that the process is now (un)frozen.
void Process::add_freeze_work(bool is_frozen)
{
	u64 after = 0;
	bool first = true;
	for (;;) {
		NodeTmp node;
		{
			auto g = inner.lock();
			if (g->is_dead)
				return;
			Node *n = first ? g->nodes.first() : g->nodes.upper_bound(after);
			if (n == nullptr)
				return;
			node = NodeTmp(g, *n);
			after = n->ptr;
			first = false;
		}
		// The notifications registered on it, counted, without holding its owner's lock
		// while taking theirs.
		Vec<Rc<Freeze>> list;
		for (;;) {
			usize want;
			{
				auto g = inner.lock();
				want = node->data(g).freezes.len();
			}
			if (list.reserve(want, kcpp::gfp::KERNEL).is_err())
				return;
			auto g = inner.lock();
			NodeData &d = node->data(g);
			if (d.freezes.len() > list.capacity())
				continue;
			for (Freeze &f : d.freezes)
				(void)list.push_within_capacity(Rc<Freeze>::from_ref(f));
			break;
		}
		for (Rc<Freeze> &f : list) {
			Process &p = f->proc();
			auto g = p.inner.lock();
			if (f->cleared)
				continue;
			f->work.type = WorkType::FrozenBinder;
			if (!f->work.is_queued()) {
				f->is_frozen = is_frozen;
				p.enqueue(g, f->work);
				(void)Rc<Freeze>(f).into_raw(); // the work list's reference
				p.wakeup(g);
			} else {
				if (f->sent && f->is_frozen != is_frozen)
					f->resend = true;
				f->is_frozen = is_frozen;
			}
		}
	}
}

// binder_ioctl_freeze for one process.
Result<void> Process::freeze(const FreezeInfo &info)
{
	if (!info.enable) {
		{
			auto g = inner.lock();
			g->sync_recv = false;
			g->async_recv = false;
			g->is_frozen = false;
		}
		add_freeze_work(false);
		return {};
	}
	{
		auto g = inner.lock();
		g->sync_recv = false;
		g->async_recv = false;
		g->is_frozen = true;
	}
	Result<void> ret{};
	if (info.timeout_ms > 0) {
		auto g = inner.lock();
		long left = static_cast<long>(kcpp::time::msecs_to_jiffies(info.timeout_ms));
		while (g->outstanding_txns != 0 && left > 0) {
			const long r = freeze_wait.wait_interruptible_timeout(g, left);
			if (r < 0) {
				ret = kcpp::code::ERESTARTSYS;
				break;
			}
			left = r;
		}
	}
	if (ret.is_ok()) {
		auto g = inner.lock();
		if (txns_pending(g))
			ret = kcpp::code::EAGAIN;
	}
	if (ret.is_err()) {
		auto g = inner.lock();
		g->is_frozen = false;
		return ret;
	}
	add_freeze_work(true);
	return {};
}

// BINDER_FREEZE: every open binder file of that pid, in any context.
Result<void> Driver::freeze(const FreezeInfo &info)
{
	Vec<Rc<Process>> targets;
	{
		auto r = procs.lock();
		usize n = 0;
		for (Process &p : r->list)
			n += p.pid == static_cast<i32>(info.pid);
		if (n == 0)
			return kcpp::code::EINVAL;
		TRY(targets.reserve(n, kcpp::gfp::KERNEL));
		for (Process &p : r->list)
			if (p.pid == static_cast<i32>(info.pid))
				(void)targets.push_within_capacity(Rc<Process>::from_ref(p));
	}
	Result<void> ret{};
	for (Rc<Process> &p : targets)
		if (ret.is_ok())
			ret = p->freeze(info);
	return ret;
}

// BINDER_GET_FROZEN_INFO.
Result<void> Driver::get_frozen_info(FrozenStatusInfo &info)
{
	info.sync_recv = 0;
	info.async_recv = 0;
	bool found = false;
	auto r = procs.lock();
	for (Process &p : r->list) {
		if (p.pid != static_cast<i32>(info.pid))
			continue;
		found = true;
		auto g = p.inner.lock();
		const u32 pending = txns_pending(g) ? 1 : 0;
		info.sync_recv |= (g->sync_recv ? 1 : 0) | (pending << 1);
		info.async_recv |= g->async_recv ? 1 : 0;
	}
	if (!found)
		return kcpp::code::EINVAL;
	return {};
}

// BC_REQUEST_FREEZE_NOTIFICATION / BC_CLEAR_FREEZE_NOTIFICATION. Errors end the command
// stream (C returns them from binder_thread_write).
Result<void> Thread::freeze_command(u32 cmd, u32 handle, u64 cookie)
{
	Process &p = proc();
	if (cmd == bc::REQUEST_FREEZE_NOTIFICATION) {
		Rc<Freeze> fresh = TRY(Rc<Freeze>::make(kcpp::gfp::KERNEL, p, cookie));
		auto rg = p.refs.lock();
		Ref *ref = rg->by_desc.find(handle);
		if (ref == nullptr) {
			BINDER_LOG("{}:{} BC_REQUEST_FREEZE_NOTIFICATION invalid ref {}", p.pid, pid, handle);
			return kcpp::code::EINVAL;
		}
		if (ref->freeze) {
			BINDER_LOG("{}:{} BC_REQUEST_FREEZE_NOTIFICATION already set", p.pid, pid);
			return kcpp::code::EINVAL;
		}
		ref->freeze = fresh;
		Node &node = *ref->node;
		bool alive, frozen = false;
		{
			auto g = node.owner().inner.lock();
			NodeData &d = node.data(g);
			alive = !d.dead;
			if (alive) {
				d.freezes.push_back(*fresh);
				(void)Rc<Freeze>(fresh).into_raw(); // the node list's reference
				frozen = g->is_frozen;
			}
		}
		if (alive) {
			// The current state right away.
			auto g = p.inner.lock();
			if (!fresh->work.is_queued()) {
				fresh->is_frozen = frozen;
				p.enqueue(g, fresh->work);
				(void)Rc<Freeze>(fresh).into_raw();
				p.wakeup(g);
			}
		}
		return {};
	}

	Rc<Freeze> from_node;
	auto rg = p.refs.lock();
	Ref *ref = rg->by_desc.find(handle);
	if (ref == nullptr) {
		BINDER_LOG("{}:{} BC_CLEAR_FREEZE_NOTIFICATION invalid ref {}", p.pid, pid, handle);
		return kcpp::code::EINVAL;
	}
	if (!ref->freeze) {
		BINDER_LOG("{}:{} BC_CLEAR_FREEZE_NOTIFICATION freeze notification not active", p.pid, pid);
		return kcpp::code::EINVAL;
	}
	if (ref->freeze->cookie != cookie) {
		BINDER_LOG("{}:{} BC_CLEAR_FREEZE_NOTIFICATION freeze notification cookie mismatch {:016x} != {:016x}",
			   p.pid, pid, ref->freeze->cookie, cookie);
		return kcpp::code::EINVAL;
	}
	Rc<Freeze> f = move(ref->freeze);
	{
		auto g = ref->node->owner().inner.lock();
		if (f->node_link.is_linked()) {
			ref->node->data(g).freezes.remove(*f);
			from_node = Rc<Freeze>::adopt(f.get());
		}
	}
	auto g = p.inner.lock();
	f->cleared = true;
	// Not queued: report the clear now. Sent and waiting for DONE: after it. Queued: it is
	// reported instead of the state.
	f->work.type = WorkType::ClearFreezeNotification;
	if (!f->work.is_queued()) {
		p.enqueue(g, f->work);
		(void)Rc<Freeze>(f).into_raw();
		p.wakeup(g);
	} else if (f->sent) {
		f->resend = true;
	}
	return {};
}

// BC_FREEZE_NOTIFICATION_DONE.
Result<void> Thread::freeze_notification_done(u64 cookie)
{
	Process &p = proc();
	Rc<Freeze> drop;
	auto g = p.inner.lock();
	Freeze *f = nullptr;
	for (Work &w : g->delivered_freeze) {
		Freeze *x = kcpp::container_of(&w, &Freeze::work);
		if (x->cookie == cookie) {
			f = x;
			break;
		}
	}
	if (f == nullptr) {
		BINDER_LOG("{}:{} BC_FREEZE_NOTIFICATION_DONE {:016x} not found", p.pid, pid, cookie);
		return kcpp::code::EINVAL;
	}
	dequeue_work(f->work);
	f->sent = false;
	if (f->resend) {
		f->resend = false;
		p.enqueue(g, f->work); // the delivered list's reference moves
		p.wakeup(g);
	} else {
		drop = Rc<Freeze>::adopt(f);
	}
	return {};
}

} // namespace binder
