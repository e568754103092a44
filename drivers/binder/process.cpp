// SPDX-License-Identifier: GPL-2.0
// Processes: open and release of a binder file, the ioctls, poll and flush, the context
// manager, and the cleanup of everything a process owned when it goes away
// (binder_deferred_release).
#include "binder.h"

#include <kcpp/security.h>

namespace binder {

using kcpp::exchange;
using kcpp::task::Task;

// ---- open and release ----------------------------------------------------------------------

Process::Process(Context &c, kcpp::fs::File &file, ARef<kcpp::mm::Mm> m)
	: ctx(c), pid(Task::current().group_leader().pid()), task(Task::current().group_leader()), cred(file.cred()),
	  mm(move(m)), default_priority(Task::current().nice())
{
}

Process::~Process()
{
	// release() emptied the trees and queues; what is left is the buffer space.
	KCPP_BUG_ON(registry.is_linked());
}

Result<Box<ProcFile>> DeviceOps::open(Context &ctx, kcpp::fs::File &file)
{
	ARef<kcpp::mm::Mm> mm = TRY(kcpp::mm::Mm::current());
	Rc<Process> proc = TRY(Rc<Process>::make(kcpp::gfp::KERNEL, ctx, file, move(mm)));
	Box<ProcFile> pf = TRY(Box<ProcFile>::make(kcpp::gfp::KERNEL, ProcFile{proc, &file}));
	proc->file_tag = pf.get();
	{
		auto r = ctx.driver.procs.lock();
		r->list.push_back(*proc);
	}
	ctx.driver.debugfs_add(*proc);
	return pf;
}

void DeviceOps::release(Box<ProcFile> f)
{
	Rc<Process> proc = move(f->proc);
	proc->release();
}

// binder_deferred_release: the last close of the file. Everything the process owned goes:
// threads (their pending calls get dead replies), nodes (handles on them become dead and their
// death notifications fire), handles, queued work.
void Process::release()
{
	{
		auto r = ctx.driver.procs.lock();
		r->list.remove(*this);
	}
	Rc<Node> mgr_node;
	{
		auto m = ctx.mgr.lock();
		if (m->node && &m->node->owner() == this)
			mgr_node = move(m->node);
	}
	{
		auto g = inner.lock();
		g->is_dead = true;
		g->is_frozen = false;
		g->sync_recv = false;
		g->async_recv = false;
	}
	int threads = 0, active = 0;
	for (;;) {
		Rc<Thread> t;
		{
			auto g = inner.lock();
			if (Thread *first = g->threads.first())
				t = Rc<Thread>::from_ref(*first);
		}
		if (!t)
			break;
		threads++;
		active += t->release();
	}
	int nodes = 0, incoming = 0;
	for (;;) {
		Rc<Node> n;
		{
			auto g = inner.lock();
			Node *first = g->nodes.first();
			if (first == nullptr)
				break;
			g->nodes.remove(*first);
			first->data(g).in_tree = false;
			n = Rc<Node>::adopt(first); // the tree's reference
		}
		nodes++;
		incoming = release_node(move(n), incoming);
	}
	int outgoing = 0;
	{
		auto rg = refs.lock();
		while (Ref *ref = rg->by_desc.first()) {
			outgoing++;
			cleanup_ref(*rg, *ref);
			Box<Ref>::from_raw(ref);
		}
	}
	WorkList *todo, *deaths, *freezes;
	{
		auto g = inner.lock();
		todo = &g->todo;
		deaths = &g->delivered_death;
		freezes = &g->delivered_freeze;
	}
	release_work(*todo);
	release_work(*deaths);
	release_work(*freezes);
	// Buffers still allocated (delivered but never freed, or undelivered) hold their target
	// node, a node of this process that holds the process: let go of those references. The
	// buffers themselves go with the process object (binder_alloc_deferred_release).
	for (;;) {
		Node *target = nullptr;
		{
			auto g = inner.lock();
			g->alloc.for_each([&](Buffer &b) {
				if (target == nullptr && !b.free && b.extra.target_node != nullptr)
					target = exchange(b.extra.target_node, nullptr);
			});
		}
		if (target == nullptr)
			break;
		Rc<Node>::adopt(target);
	}
	debugfs.remove();
	(void)threads, (void)nodes, (void)outgoing, (void)active;
}

// binder_release_work: drops every item of `list` (one of this process's queues).
void Process::release_work(WorkList &list)
{
	for (;;) {
		Work *w;
		{
			auto g = inner.lock();
			w = list.pop_front();
		}
		if (w == nullptr)
			return;
		switch (w->type) {
		case WorkType::Transaction:
			cleanup_transaction(Rc<Transaction>::adopt(kcpp::container_of(w, &Transaction::work)), "process died.",
					    br::DEAD_REPLY);
			break;
		case WorkType::ReturnError:
			break; // undelivered error: the thread is going away
		case WorkType::TransactionComplete:
		case WorkType::TransactionPending:
		case WorkType::OnewaySpamSuspect:
			Box<CompleteWork>::from_raw(kcpp::container_of(w, &CompleteWork::work));
			break;
		case WorkType::DeadBinder:
		case WorkType::DeadBinderAndClear:
		case WorkType::ClearDeathNotification:
			Rc<Death>::adopt(kcpp::container_of(w, &Death::work));
			break;
		case WorkType::FrozenBinder:
		case WorkType::ClearFreezeNotification:
			Rc<Freeze>::adopt(kcpp::container_of(w, &Freeze::work));
			break;
		case WorkType::Node:
			break;
		}
	}
}

// binder_flush: threads waiting in a read return to user space (close(2) of an fd).
void Process::flush()
{
	auto g = inner.lock();
	for (Thread &t : g->threads) {
		ThreadData &d = t.data(g);
		d.looper_need_return = true;
		if (d.looper & looper::WAITING)
			t.wait.notify_one();
	}
}

// binder_poll.
u32 Process::poll(kcpp::miscdev::PollTable &pt)
{
	Result<Rc<Thread>> r = current_thread();
	if (r.is_err())
		return 0x008; // EPOLLERR
	Thread &thread = *r.value();
	bool wait_for_proc_work;
	{
		auto g = inner.lock();
		thread.data(g).looper |= looper::POLL;
		wait_for_proc_work = thread.available_for_proc_work(g);
	}
	pt.wait(thread.wait);
	auto g = inner.lock();
	return thread.has_work(g, wait_for_proc_work) ? kcpp::miscdev::poll::IN : 0;
}

// ---- ioctls -----------------------------------------------------------------------------------

namespace {

template <typename T> Result<T> read_arg(uptr arg) { return kcpp::UserSlice(arg, sizeof(T)).reader().read<T>(); }
template <typename T> Result<void> write_arg(uptr arg, const T &v)
{
	return kcpp::UserSlice(arg, sizeof(T)).writer().write(v);
}

} // namespace

Result<void> Process::write_read(Thread &thread, uptr arg, bool nonblock, bool &did_read)
{
	WriteRead bwr = TRY(read_arg<WriteRead>(arg));
	if (bwr.write_size > 0) {
		CommandReader cmds(bwr.write_buffer, bwr.write_size, bwr.write_consumed);
		Result<void> r = thread.write(cmds);
		bwr.write_consumed = cmds.consumed();
		if (r.is_err()) {
			bwr.read_consumed = 0;
			if (write_arg(arg, bwr).is_err())
				return kcpp::code::EFAULT;
			return r;
		}
	}
	if (bwr.read_size > 0) {
		ReturnWriter out(bwr.read_buffer, bwr.read_size, bwr.read_consumed);
		Result<void> r = thread.read(out, nonblock);
		if (r.is_ok())
			bwr.read_consumed = out.consumed();
		// Process work left behind wakes another thread (ioctl() does it under the lock it
		// takes at the end anyway, before returning).
		did_read = true;
		if (r.is_err()) {
			if (write_arg(arg, bwr).is_err())
				return kcpp::code::EFAULT;
			return r;
		}
	}
	TRY(write_arg(arg, bwr));
	return {};
}

// binder_ioctl_set_ctx_mgr.
Result<void> Process::set_context_mgr(const FlatBinderObject *fbo)
{
	auto m = ctx.mgr.lock();
	if (m->node) {
		kcpp::pr_err("BINDER_SET_CONTEXT_MGR already set");
		return kcpp::code::EBUSY;
	}
	TRY(kcpp::security::binder_set_context_mgr(*cred));
	const kcpp::task::Kuid euid = kcpp::cred::Cred::current().euid();
	if (m->uid_valid) {
		if (!(m->uid == euid)) {
			kcpp::pr_err("BINDER_SET_CONTEXT_MGR bad uid {} != {}", euid.raw(), m->uid.raw());
			return kcpp::code::EPERM;
		}
	} else {
		m->uid = euid;
		m->uid_valid = true;
	}
	Result<NodeTmp> made = get_or_new_node(fbo);
	if (made.is_err())
		return kcpp::code::ENOMEM;
	NodeTmp node = move(made).take();
	{
		auto g = inner.lock();
		NodeData &d = node->data(g);
		d.local_weak_refs++;
		d.local_strong_refs++;
		d.has_strong_ref = true;
		d.has_weak_ref = true;
		node->is_mgr.store_relaxed(true);
	}
	m->node = Rc<Node>::from_ref(*node);
	return {};
}

// binder_ioctl_get_node_info_for_ref: the context manager asks about a handle's node.
Result<void> Process::get_node_info_for_ref(NodeInfoForRef &info)
{
	if (info.strong_count || info.weak_count || info.reserved1 || info.reserved2 || info.reserved3) {
		BINDER_LOG("{} BINDER_GET_NODE_INFO_FOR_REF: only handle may be non-zero.", pid);
		return kcpp::code::EINVAL;
	}
	{
		auto m = ctx.mgr.lock();
		if (!m->node || &m->node->owner() != this)
			return kcpp::code::EPERM;
	}
	NodeTmp node = get_node_from_ref(info.handle, true, nullptr);
	if (!node)
		return kcpp::code::EINVAL;
	auto g = node->owner().inner.lock();
	NodeData &d = node->data(g);
	info.strong_count = d.local_strong_refs + d.internal_strong_refs;
	info.weak_count = d.local_weak_refs;
	return {};
}

// binder_ioctl_get_node_debug_info: the first node whose ptr is above info.ptr.
void Process::get_node_debug_info(NodeDebugInfo &info)
{
	const u64 after = info.ptr;
	info = NodeDebugInfo{};
	auto g = inner.lock();
	if (Node *n = g->nodes.upper_bound(after)) {
		NodeData &d = n->data(g);
		info.ptr = n->ptr;
		info.cookie = n->cookie;
		info.has_strong_ref = d.has_strong_ref;
		info.has_weak_ref = d.has_weak_ref;
	}
}

Result<long> Process::ioctl(u32 cmd, uptr arg, bool nonblock)
{
	Rc<Thread> thread = TRY(current_thread());
	bool did_read = false;
	Result<void> ret = [&]() -> Result<void> {
		switch (cmd) {
		case ioctl::WRITE_READ:
			return write_read(*thread, arg, nonblock, did_read);
		case ioctl::SET_MAX_THREADS: {
			Result<u32> v = read_arg<u32>(arg);
			if (v.is_err())
				return kcpp::code::EINVAL;
			auto g = inner.lock();
			g->max_threads = v.value();
			return {};
		}
		case ioctl::SET_CONTEXT_MGR_EXT: {
			Result<FlatBinderObject> fbo = read_arg<FlatBinderObject>(arg);
			if (fbo.is_err())
				return kcpp::code::EINVAL;
			return set_context_mgr(&fbo.value());
		}
		case ioctl::SET_CONTEXT_MGR:
			return set_context_mgr(nullptr);
		case ioctl::THREAD_EXIT:
			thread->release();
			thread.reset();
			return {};
		case ioctl::VERSION:
			if (write_arg(arg, Version{CURRENT_PROTOCOL_VERSION}).is_err())
				return kcpp::code::EINVAL;
			return {};
		case ioctl::GET_NODE_INFO_FOR_REF: {
			NodeInfoForRef info = TRY(read_arg<NodeInfoForRef>(arg));
			TRY(get_node_info_for_ref(info));
			return write_arg(arg, info);
		}
		case ioctl::GET_NODE_DEBUG_INFO: {
			NodeDebugInfo info = TRY(read_arg<NodeDebugInfo>(arg));
			get_node_debug_info(info);
			return write_arg(arg, info);
		}
		case ioctl::FREEZE: {
			const FreezeInfo info = TRY(read_arg<FreezeInfo>(arg));
			return ctx.driver.freeze(info);
		}
		case ioctl::GET_FROZEN_INFO: {
			FrozenStatusInfo info = TRY(read_arg<FrozenStatusInfo>(arg));
			TRY(ctx.driver.get_frozen_info(info));
			return write_arg(arg, info);
		}
		case ioctl::ENABLE_ONEWAY_SPAM_DETECTION: {
			const u32 enable = TRY(read_arg<u32>(arg));
			auto g = inner.lock();
			g->oneway_spam_detection = enable != 0;
			return {};
		}
		case ioctl::GET_EXTENDED_ERROR: {
			ExtendedError ee;
			{
				auto g = inner.lock();
				ThreadData &d = thread->data(g);
				ee = d.ee;
				d.ee = ExtendedError{0, br::OK, 0};
			}
			return write_arg(arg, ee);
		}
		default:
			return kcpp::code::EINVAL;
		}
	}();
	if (thread) {
		auto g = inner.lock();
		thread->data(g).looper_need_return = false;
		if (did_read && !g->todo.is_empty())
			wakeup(g);
	}
	if (ret.is_err()) {
		if (!(ret.error() == kcpp::code::EINTR))
			BINDER_LOG("{}:{} ioctl {:x} {:x} returned {}", pid, kcpp::task::current_pid(), cmd, arg,
				   ret.error().to_errno());
		return ret.error();
	}
	return 0;
}

// ---- the misc device's other operations ----------------------------------------------------

Result<long> DeviceOps::ioctl(ProcFile &f, u32 cmd, uptr arg)
{
	// SAFETY: f.file is the file this object belongs to; it lives until release.
	const bool nonblock = f.file->flags() & kcpp::fs::O_NONBLOCK;
	return f.proc->ioctl(cmd, arg, nonblock);
}

u32 DeviceOps::poll(ProcFile &f, kcpp::miscdev::PollTable &pt) { return f.proc->poll(pt); }
Result<void> DeviceOps::mmap(ProcFile &f, kcpp::mm::VmAreaNew &vma) { return f.proc->mmap(vma); }
void DeviceOps::vma_close(ProcFile &f) { f.proc->vma_close(); }

Result<void> DeviceOps::flush(ProcFile &f)
{
	f.proc->flush();
	return {};
}

} // namespace binder
