// SPDX-License-Identifier: GPL-2.0
// Nodes: the objects a process exposes, their strong/weak accounting (which decides when user
// space gets BR_INCREFS, BR_ACQUIRE, BR_RELEASE and BR_DECREFS), temporary references, and
// what happens to them when their owner goes away (death notifications).
//
// The counts follow the C driver's binder_inc_node_nilocked/binder_dec_node_nilocked exactly:
//  - internal_strong_refs: references (handles) with a strong count;
//  - local_strong_refs / local_weak_refs: the owner's own references (objects in transaction
//    buffers, a transaction's target, BR_ACQUIRE/BR_INCREFS not yet acknowledged);
//  - tmp_refs: the driver working with the node (NodeTmp);
//  - ref_count: handles of any kind pointing at it.
// has_strong_ref / has_weak_ref say what user space was told it holds. Whenever the counts and
// what user space holds disagree, the node's work item is queued and the next read reports the
// change.
#include "binder.h"

namespace binder {

namespace {
kcpp::Atomic<u32> g_last_id{0};
}

u32 next_debug_id()
{
	return g_last_id.fetch_add_relaxed(1) + 1;
}

// ---- Node ---------------------------------------------------------------------------------

Node::Node(Process &owner, u64 ptr_, u64 cookie_, u32 flags)
	: ptr(ptr_), cookie(cookie_), debug_id(next_debug_id()), min_priority(flags & flat_flags::PRIORITY_MASK),
	  accept_fds(flags & flat_flags::ACCEPTS_FDS), txn_security_ctx(flags & flat_flags::TXN_SECURITY_CTX),
	  owner_(Rc<Process>::from_ref(owner))
{
}

Node::~Node()
{
	// Queues and lists are emptied before the last reference goes (release_node, dec).
	KCPP_BUG_ON(work.is_queued() || rb.is_linked());
}

NodeData &Node::data(ProcGuard &g)
{
	KCPP_BUG_ON(g->self != owner_.get());
	return data_;
}

Result<void> Node::inc(ProcGuard &g, bool strong, bool internal, Thread *target)
{
	NodeData &d = data(g);
	if (strong) {
		if (internal) {
			if (target == nullptr && d.internal_strong_refs == 0 &&
			    !(!d.dead && is_mgr.load_relaxed() && d.has_strong_ref)) {
				kcpp::pr_err("invalid inc strong node for {}", debug_id);
				return kcpp::code::EINVAL;
			}
			d.internal_strong_refs++;
		} else {
			d.local_strong_refs++;
		}
		if (!d.has_strong_ref && target != nullptr) {
			dequeue_work(work);
			target->enqueue_deferred(g, work);
		}
	} else {
		if (!internal)
			d.local_weak_refs++;
		if (!d.has_weak_ref && target != nullptr && !work.is_queued())
			target->data(g).todo.push_back(work);
	}
	return {};
}

Rc<Node> Node::dec(ProcGuard &g, bool strong, bool internal)
{
	NodeData &d = data(g);
	if (strong) {
		if (internal)
			d.internal_strong_refs--;
		else
			d.local_strong_refs--;
		if (d.local_strong_refs != 0 || d.internal_strong_refs != 0)
			return nullptr;
	} else {
		if (!internal)
			d.local_weak_refs--;
		if (d.local_weak_refs != 0 || d.tmp_refs != 0 || d.ref_count != 0)
			return nullptr;
	}

	if (!d.dead && (d.has_strong_ref || d.has_weak_ref)) {
		if (!work.is_queued()) {
			owner_->enqueue(g, work);
			owner_->wakeup(g);
		}
		return nullptr;
	}
	if (d.ref_count != 0 || d.local_strong_refs != 0 || d.local_weak_refs != 0 || d.tmp_refs != 0)
		return nullptr;
	if (d.dead || !d.in_tree)
		return nullptr; // a dead node lives as long as something counts it
	dequeue_work(work);
	g->nodes.remove(*this);
	d.in_tree = false;
	return Rc<Node>::adopt(this); // the tree's reference
}

// ---- NodeTmp ------------------------------------------------------------------------------

NodeTmp::NodeTmp(ProcGuard &g, Node &node) : node_(Rc<Node>::from_ref(node))
{
	node.data(g).tmp_refs++;
}

void NodeTmp::release()
{
	if (!node_)
		return;
	Rc<Node> gone;
	{
		auto g = node_->owner().inner.lock();
		NodeData &d = node_->data(g);
		d.tmp_refs--;
		KCPP_BUG_ON(d.tmp_refs < 0);
		// binder_dec_node_tmpref: a weak, internal "decrement" that changes no count but
		// checks whether the node is now unused.
		gone = node_->dec(g, false, true);
	}
	node_.reset();
	gone.reset();
}

// ---- Death --------------------------------------------------------------------------------

Death::Death(Process &proc, u64 cookie_) : cookie(cookie_), proc_(Rc<Process>::from_ref(proc)) {}

Death::~Death()
{
	KCPP_BUG_ON(work.is_queued() || node_link.is_linked());
}

// ---- Process: nodes -----------------------------------------------------------------------

NodeTmp Process::get_node(u64 ptr)
{
	auto g = inner.lock();
	Node *n = g->nodes.find(ptr);
	if (n == nullptr)
		return {};
	return NodeTmp(g, *n);
}

Result<NodeTmp> Process::get_or_new_node(const FlatBinderObject *fbo)
{
	const u64 ptr = fbo ? fbo->binder : 0;
	const u64 cookie = fbo ? fbo->cookie : 0;
	const u32 flags = fbo ? fbo->flags : 0;
	Rc<Node> fresh = TRY(Rc<Node>::make(kcpp::gfp::KERNEL, *this, ptr, cookie, flags));
	NodeTmp result;
	{
		auto g = inner.lock();
		if (Node *old = g->nodes.insert_unique(*fresh); old != nullptr) {
			result = NodeTmp(g, *old); // another thread added it first
		} else {
			fresh->data(g).in_tree = true;
			result = NodeTmp(g, *fresh);
			(void)kcpp::move(fresh).into_raw(); // the tree's reference
		}
	}
	return result;
}

// binder_node_release: the owner is going away. One-way transactions queued on the node are
// dropped, the node becomes dead (it lives on while handles point at it), and every death
// notification registered on it is sent. `node` carries the tree's reference.
int Process::release_node(Rc<Node> node, int refs)
{
	Node &n = *node;
	WorkList *async_todo;
	{
		auto g = inner.lock();
		async_todo = &n.data(g).async_todo;
	}
	release_work(*async_todo); // the queued one-way transactions

	DeathList deaths;
	FreezeList freezes;
	{
		auto g = inner.lock();
		NodeData &d = n.data(g);
		dequeue_work(n.work);
		d.dead = true;
		d.local_strong_refs = 0;
		d.local_weak_refs = 0;
		n.is_mgr.store_relaxed(false);
		refs += d.ref_count;
		while (Death *death = d.deaths.pop_front())
			deaths.push_back(*death);
		// Freeze notifications stay with their handles; the node no longer reports states.
		while (Freeze *f = d.freezes.pop_front())
			freezes.push_back(*f);
	}
	while (Freeze *f = freezes.pop_front())
		Rc<Freeze>::adopt(f); // the node list's reference
	while (Death *death = deaths.pop_front()) {
		Rc<Death> held = Rc<Death>::adopt(death); // the node list's reference, dropped unlocked
		Process &p = death->proc();
		auto g = p.inner.lock();
		// Skipped if the notification was cleared or its handle deleted meanwhile.
		if (!death->cleared && !death->work.is_queued()) {
			death->work.type = WorkType::DeadBinder;
			p.enqueue(g, death->work);
			(void)Rc<Death>(held).into_raw(); // the work list's reference
			p.wakeup(g);
		}
	}
	return refs;
}

} // namespace binder
