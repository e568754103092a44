// SPDX-License-Identifier: GPL-2.0
// References (handles): a process's numbered handles on other processes' nodes, with their
// strong and weak counts (binder_inc_ref_olocked, binder_dec_ref_olocked & co.).
//
// A process's handles are under its L2 mutex; a count that goes between zero and non-zero
// changes the node's counts under the node owner's L3 (taken inside L2). Handle numbers are
// the smallest free ones from 1 (0 is the context manager's, in every process).
#include "binder.h"

namespace binder {

namespace {

// slow_desc_lookup_olocked: the smallest descriptor >= `from` not in use.
u32 lowest_free_desc(RefTable &t, u32 from)
{
	u32 desc = from;
	for (Ref *r = t.by_desc.lower_bound(from); r != nullptr && r->data.desc == desc; r = t.by_desc.next(*r))
		desc++;
	return desc;
}

// binder_inc_ref_olocked.
Result<void> inc_ref_locked(Ref &ref, bool strong, Thread *target)
{
	Node &node = *ref.node;
	if (strong) {
		if (ref.data.strong == 0) {
			auto g = node.owner().inner.lock();
			TRY(node.inc(g, true, true, target));
		}
		ref.data.strong++;
	} else {
		if (ref.data.weak == 0) {
			auto g = node.owner().inner.lock();
			TRY(node.inc(g, false, true, target));
		}
		ref.data.weak++;
	}
	return {};
}

// binder_get_ref_olocked.
Ref *find_ref(RefTable &t, u32 desc, bool need_strong)
{
	Ref *ref = t.by_desc.find(desc);
	if (ref != nullptr && need_strong && ref->data.strong == 0) {
		BINDER_LOG("tried to use weak ref as strong ref");
		return nullptr;
	}
	return ref;
}

} // namespace

// binder_cleanup_ref_olocked: unlinks `ref` from the process's tables and from its node,
// dropping what it counted there; the caller frees it (after unlocking L2 or not: it holds
// no spinlock). L2 held.
void Process::cleanup_ref(RefTable &table, Ref &ref)
{
	table.by_desc.remove(ref);
	table.by_node.remove(ref);

	Node &node = *ref.node;
	Rc<Node> gone_strong, gone;
	Rc<Death> from_node_list, from_work_list;
	Rc<Freeze> freeze_from_node_list, freeze_from_work_list;
	{
		auto g = node.owner().inner.lock();
		NodeData &d = node.data(g);
		if (ref.data.strong != 0)
			gone_strong = node.dec(g, true, true);
		d.ref_count--;
		gone = node.dec(g, false, true);
		if (ref.death && ref.death->node_link.is_linked()) {
			d.deaths.remove(*ref.death);
			from_node_list = Rc<Death>::adopt(ref.death.get());
		}
		if (ref.freeze && ref.freeze->node_link.is_linked()) {
			d.freezes.remove(*ref.freeze);
			freeze_from_node_list = Rc<Freeze>::adopt(ref.freeze.get());
		}
	}
	if (ref.death || ref.freeze) {
		auto g = inner.lock();
		// Never delivered now, whatever happens to the node.
		if (ref.death) {
			ref.death->cleared = true;
			if (ref.death->work.is_queued()) {
				dequeue_work(ref.death->work);
				from_work_list = Rc<Death>::adopt(ref.death.get());
			}
		}
		if (ref.freeze) {
			ref.freeze->cleared = true;
			if (ref.freeze->work.is_queued()) {
				dequeue_work(ref.freeze->work);
				freeze_from_work_list = Rc<Freeze>::adopt(ref.freeze.get());
			}
		}
	}
}

// binder_dec_ref_olocked: true when the handle is gone (unlinked; the caller frees it).
bool Process::dec_ref_locked(RefTable &table, Ref &ref, bool strong)
{
	if (strong) {
		if (ref.data.strong == 0) {
			BINDER_LOG("{} invalid dec strong, ref {} desc {} s {} w {}", pid, ref.data.debug_id, ref.data.desc,
				   ref.data.strong, ref.data.weak);
			return false;
		}
		ref.data.strong--;
		if (ref.data.strong == 0) {
			Rc<Node> gone;
			{
				auto g = ref.node->owner().inner.lock();
				gone = ref.node->dec(g, true, true);
			}
		}
	} else {
		if (ref.data.weak == 0) {
			BINDER_LOG("{} invalid dec weak, ref {} desc {} s {} w {}", pid, ref.data.debug_id, ref.data.desc,
				   ref.data.strong, ref.data.weak);
			return false;
		}
		ref.data.weak--;
	}
	if (ref.data.strong == 0 && ref.data.weak == 0) {
		cleanup_ref(table, ref);
		return true;
	}
	return false;
}

// binder_inc_ref_for_node: takes a strong or weak count on this process's handle for `node`,
// creating the handle if there is none. `target` (a thread of the node's owner) gets the
// node's BR_INCREFS/BR_ACQUIRE work if the node was not referenced that way yet.
Result<RefData> Process::inc_ref_for_node(Node &node, bool strong, Thread *target)
{
	auto rg = refs.lock();
	Ref *ref = rg->by_node.find(&node);
	bool created = false;
	if (ref == nullptr) {
		Box<Ref> fresh = TRY(Box<Ref>::make(kcpp::gfp::KERNEL));
		fresh->node = Rc<Node>::from_ref(node);
		fresh->data.debug_id = next_debug_id();
		fresh->data.desc = lowest_free_desc(*rg, node.is_mgr.load_relaxed() ? 0 : 1);
		KCPP_BUG_ON(rg->by_node.insert_unique(*fresh) != nullptr);
		KCPP_BUG_ON(rg->by_desc.insert_unique(*fresh) != nullptr);
		{
			auto g = node.owner().inner.lock();
			node.data(g).ref_count++;
		}
		ref = move(fresh).into_raw();
		created = true;
	}
	Result<void> r = inc_ref_locked(*ref, strong, target);
	const RefData data = ref->data;
	if (r.is_err()) {
		if (created) {
			// The node may be dead by now: undo the new handle (its counts are zero).
			cleanup_ref(*rg, *ref);
			Box<Ref>::from_raw(ref);
		}
		return r.error();
	}
	return data;
}

// binder_update_ref_for_handle: BC_INCREFS/ACQUIRE/RELEASE/DECREFS and buffer release.
Result<RefData> Process::update_ref(u32 desc, bool increment, bool strong)
{
	Box<Ref> gone = Box<Ref>::from_raw(nullptr);
	RefData data;
	{
		auto rg = refs.lock();
		Ref *ref = find_ref(*rg, desc, strong);
		if (ref == nullptr)
			return kcpp::code::EINVAL;
		if (increment)
			TRY(inc_ref_locked(*ref, strong, nullptr));
		else if (dec_ref_locked(*rg, *ref, strong))
			gone = Box<Ref>::from_raw(ref);
		data = ref->data;
	}
	return data;
}

// binder_get_node_from_ref: the node behind a handle, with a temporary reference.
NodeTmp Process::get_node_from_ref(u32 desc, bool need_strong, RefData *data)
{
	auto rg = refs.lock();
	Ref *ref = find_ref(*rg, desc, need_strong);
	if (ref == nullptr)
		return {};
	NodeTmp tmp;
	{
		auto g = ref->node->owner().inner.lock();
		tmp = NodeTmp(g, *ref->node);
	}
	if (data != nullptr)
		*data = ref->data;
	return tmp;
}

// BC_REQUEST_DEATH_NOTIFICATION / BC_CLEAR_DEATH_NOTIFICATION.
void Thread::death_command(u32 cmd, u32 target, u64 cookie)
{
	Process &p = proc();
	const bool request = cmd == bc::REQUEST_DEATH_NOTIFICATION;
	const char *name = request ? "BC_REQUEST_DEATH_NOTIFICATION" : "BC_CLEAR_DEATH_NOTIFICATION";
	Rc<Death> fresh;
	if (request) {
		// Allocated before taking the locks; failing is BR_ERROR, as in C.
		Result<Rc<Death>> made = Rc<Death>::make(kcpp::gfp::KERNEL, p, cookie);
		if (made.is_err()) {
			auto g = p.inner.lock();
			ThreadData &d = data(g);
			d.return_error.cmd = br::ERROR;
			enqueue(g, d.return_error.work);
			return;
		}
		fresh = move(made).take();
	}

	Rc<Death> drop1, drop2;
	auto rg = p.refs.lock();
	Ref *ref = find_ref(*rg, target, false);
	if (ref == nullptr) {
		BINDER_LOG("{}:{} {} invalid ref {}", p.pid, pid, name, target);
		return;
	}
	Node &node = *ref->node;
	if (request) {
		if (ref->death) {
			BINDER_LOG("{}:{} BC_REQUEST_DEATH_NOTIFICATION death notification already set", p.pid, pid);
			return;
		}
		ref->death = fresh;
		bool dead;
		{
			auto g = node.owner().inner.lock();
			NodeData &d = node.data(g);
			dead = d.dead;
			if (!dead) {
				d.deaths.push_back(*fresh);
				(void)Rc<Death>(fresh).into_raw(); // the node list's reference
			}
		}
		if (dead) {
			auto g = p.inner.lock();
			fresh->work.type = WorkType::DeadBinder;
			p.enqueue(g, fresh->work);
			(void)Rc<Death>(fresh).into_raw(); // the work list's reference
			p.wakeup(g);
		}
		return;
	}

	if (!ref->death) {
		BINDER_LOG("{}:{} BC_CLEAR_DEATH_NOTIFICATION death notification not active", p.pid, pid);
		return;
	}
	if (ref->death->cookie != cookie) {
		BINDER_LOG("{}:{} BC_CLEAR_DEATH_NOTIFICATION death notification cookie mismatch {:016x} != {:016x}",
			   p.pid, pid, ref->death->cookie, cookie);
		return;
	}
	Rc<Death> death = move(ref->death);
	{
		auto g = node.owner().inner.lock();
		if (death->node_link.is_linked()) {
			node.data(g).deaths.remove(*death);
			drop1 = Rc<Death>::adopt(death.get());
		}
	}
	{
		auto g = p.inner.lock();
		ThreadData &d = data(g);
		death->cleared = true;
		if (!death->work.is_queued()) {
			death->work.type = WorkType::ClearDeathNotification;
			if (d.looper & (looper::REGISTERED | looper::ENTERED)) {
				enqueue(g, death->work);
			} else {
				p.enqueue(g, death->work);
				p.wakeup(g);
			}
			(void)Rc<Death>(death).into_raw(); // the work list's reference
		} else {
			// Queued or delivered as DEAD_BINDER: the clear is reported after its DONE.
			KCPP_WARN_ON_ONCE(death->work.type != WorkType::DeadBinder);
			death->work.type = WorkType::DeadBinderAndClear;
		}
	}
}

// BC_DEAD_BINDER_DONE.
void Thread::dead_binder_done(u64 cookie)
{
	Process &p = proc();
	Rc<Death> drop;
	auto g = p.inner.lock();
	Death *death = nullptr;
	for (Work &w : g->delivered_death) {
		Death *d = kcpp::container_of(&w, &Death::work);
		if (d->cookie == cookie) {
			death = d;
			break;
		}
	}
	if (death == nullptr) {
		BINDER_LOG("{}:{} BC_DEAD_BINDER_DONE {:016x} not found", p.pid, pid, cookie);
		return;
	}
	dequeue_work(death->work);
	if (death->work.type == WorkType::DeadBinderAndClear) {
		death->work.type = WorkType::ClearDeathNotification;
		if (data(g).looper & (looper::REGISTERED | looper::ENTERED)) {
			enqueue(g, death->work);
		} else {
			p.enqueue(g, death->work);
			p.wakeup(g);
		}
		return; // the delivered list's reference moves to the new list
	}
	// `drop` is declared before the guard, so it is dropped after unlocking.
	drop = Rc<Death>::adopt(death);
}

} // namespace binder
