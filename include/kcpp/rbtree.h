// SPDX-License-Identifier: GPL-2.0
// kcpp/rbtree.h — red-black trees on the kernel's lib/rbtree.c (Rust-for-Linux's
// kernel::rbtree). Area `rbtree`.
//
// Two forms:
//
//  * RbTree<T, &T::links, KeyOf>: intrusive. Elements embed an RbLinks and are not owned by
//    the tree; inserting never allocates, so it is safe under a spinlock. The caller keeps
//    each element alive while it is in the tree and removes it before destroying it.
//
//        struct Ref { RbLinks by_desc; u32 desc; ... static u32 desc_of(const Ref &r) { return r.desc; } };
//        RbTree<Ref, &Ref::by_desc, &Ref::desc_of> refs;
//        auto ref = TRY(Box<Ref>::make(gfp::KERNEL, ...));    // allocate first, unlocked
//        auto g = proc.lock();                                   // then link under the lock
//        if (Ref *old = g->refs.insert_unique(*ref)) ... else ref.into_raw();
//
//  * RbMap<K, V>: owning, with node reservations (Rust's RBTreeNodeReservation): allocate a
//    node before taking the lock, fill and insert it under the lock without allocating, and
//    take removed nodes out as Box<Node> to drop after unlocking.
//
//        auto res = TRY(RbMap<u64, Arc<Node>>::reserve(gfp::KERNEL));
//        auto g = proc.lock();
//        auto node = RbMap<u64, Arc<Node>>::make_node(move(res), ptr, move(arc));
//        if (auto old = g->nodes.insert(move(node))) ...   // a replaced node, dropped later
//
// Keys are compared with `<` (or a Less type: `bool operator()(const K &, const K &)`).
// KeyOf is a function (pointer) `K (const T &)` or `const K &(const T &)`. Duplicate keys are
// allowed with insert_multi (binder's free buffers by size). Lookups descend the tree in C++
// (struct rb_node is mirrored below, checked against the kernel's layout); rebalancing,
// erasure and in-order steps are the kernel's rb_insert_color, rb_erase, rb_next & co.
// No locking inside: protect a tree with the lock that owns it (SpinLock<Tree>, Mutex<Tree>).
#pragma once

#include <kcpp/box.h>
#include <kcpp/error.h>
#include <kcpp/optional.h>
#include <kcpp/panic.h>
#include <kcpp/types.h>

namespace kcpp {

// struct rb_node: the parent pointer with the colour in bit 0, then right, then left.
// A node not in a tree points to itself (the kernel's RB_CLEAR_NODE / RB_EMPTY_NODE).
struct alignas(KCPP_ALIGNOF_RB_NODE) RbLinks {
	RbLinks() { clear(); }
	// A copy is a new, unlinked node; assignment leaves the links alone.
	RbLinks(const RbLinks &) { clear(); }
	RbLinks &operator=(const RbLinks &) { return *this; }

	bool is_linked() const { return parent_color != reinterpret_cast<uptr>(this); }

	uptr parent_color;
	RbLinks *right;
	RbLinks *left;

	void clear()
	{
		parent_color = reinterpret_cast<uptr>(this);
		right = left = nullptr;
	}
};
static_assert(sizeof(RbLinks) == KCPP_SIZEOF_RB_NODE, "struct rb_node mirror");
static_assert(__builtin_offsetof(RbLinks, parent_color) == KCPP_OFFSETOF_RB_NODE_PARENT_COLOR);
static_assert(__builtin_offsetof(RbLinks, right) == KCPP_OFFSETOF_RB_NODE_RIGHT);
static_assert(__builtin_offsetof(RbLinks, left) == KCPP_OFFSETOF_RB_NODE_LEFT);

// struct rb_root.
struct RbRoot {
	RbLinks *node = nullptr;
};
static_assert(sizeof(RbRoot) == KCPP_SIZEOF_RB_ROOT, "struct rb_root mirror");

struct RbLess {
	template <typename A, typename B> constexpr bool operator()(const A &a, const B &b) const { return a < b; }
};

namespace detail {
// SAFETY: RbLinks/RbRoot mirror struct rb_node/rb_root exactly (static_asserts above).
inline kcpp_rb_node *rb_raw(RbLinks *l) { return reinterpret_cast<kcpp_rb_node *>(l); }
inline const kcpp_rb_node *rb_raw(const RbLinks *l) { return reinterpret_cast<const kcpp_rb_node *>(l); }
inline RbLinks *rb_links(kcpp_rb_node *n) { return reinterpret_cast<RbLinks *>(n); }
} // namespace detail

template <typename T, RbLinks T::*Links, auto KeyOf, typename Less = RbLess> class RbTree {
public:
	using Key = remove_cvref_t<decltype(KeyOf(declval<const T &>()))>;

	RbTree() = default;
	// struct rb_root is only a pointer: nodes do not point back at it, so a tree moves.
	RbTree(RbTree &&o) : root_(exchange(o.root_, RbRoot{})) {}
	RbTree &operator=(RbTree &&o)
	{
		KCPP_BUG_ON(!is_empty());
		root_ = exchange(o.root_, RbRoot{});
		return *this;
	}
	RbTree(const RbTree &) = delete;
	RbTree &operator=(const RbTree &) = delete;
	// Elements must be removed first (the tree does not own them).
	~RbTree() { KCPP_BUG_ON(!is_empty()); }

	bool is_empty() const { return root_.node == nullptr; }
	// O(n).
	usize len() const
	{
		usize n = 0;
		for (const T *t = first(); t != nullptr; t = next(*t))
			++n;
		return n;
	}

	// The element with this key (the first of equal ones), or nullptr.
	T *find(const Key &key) const
	{
		T *t = lower_bound(key);
		return (t != nullptr && !less(key, KeyOf(*t))) ? t : nullptr;
	}
	// The first element whose key is >= key, or nullptr.
	T *lower_bound(const Key &key) const
	{
		T *best = nullptr;
		for (RbLinks *n = root_.node; n != nullptr;) {
			T *t = owner(n);
			if (less(KeyOf(*t), key)) {
				n = n->right;
			} else {
				best = t;
				n = n->left;
			}
		}
		return best;
	}
	// The first element whose key is > key, or nullptr.
	T *upper_bound(const Key &key) const
	{
		T *best = nullptr;
		for (RbLinks *n = root_.node; n != nullptr;) {
			T *t = owner(n);
			if (less(key, KeyOf(*t))) {
				best = t;
				n = n->left;
			} else {
				n = n->right;
			}
		}
		return best;
	}
	// The last element whose key is <= key, or nullptr.
	T *floor(const Key &key) const
	{
		T *best = nullptr;
		for (RbLinks *n = root_.node; n != nullptr;) {
			T *t = owner(n);
			if (less(key, KeyOf(*t))) {
				n = n->left;
			} else {
				best = t;
				n = n->right;
			}
		}
		return best;
	}

	T *first() const { return owner_or_null(kcpp_rb_first(raw_root())); }
	T *last() const { return owner_or_null(kcpp_rb_last(raw_root())); }
	// In-order neighbours of an element of this tree.
	static T *next(const T &item) { return owner_or_null(kcpp_rb_next(detail::rb_raw(links(item)))); }
	static T *prev(const T &item) { return owner_or_null(kcpp_rb_prev(detail::rb_raw(links(item)))); }

	// Links item unless an element with an equal key is there: returns nullptr when item was
	// inserted, otherwise that element (item is left unlinked). Never allocates.
	[[nodiscard]] T *insert_unique(T &item)
	{
		KCPP_BUG_ON(is_linked(item));
		const Key key = KeyOf(item);
		RbLinks **link = &root_.node;
		RbLinks *parent = nullptr;
		while (*link != nullptr) {
			parent = *link;
			T *t = owner(parent);
			if (less(key, KeyOf(*t)))
				link = &parent->left;
			else if (less(KeyOf(*t), key))
				link = &parent->right;
			else
				return t;
		}
		link_at(item, parent, link);
		return nullptr;
	}
	// Links item after every element with an equal key. Never allocates.
	void insert_multi(T &item)
	{
		KCPP_BUG_ON(is_linked(item));
		const Key key = KeyOf(item);
		RbLinks **link = &root_.node;
		RbLinks *parent = nullptr;
		while (*link != nullptr) {
			parent = *link;
			link = less(key, KeyOf(*owner(parent))) ? &parent->left : &parent->right;
		}
		link_at(item, parent, link);
	}
	// Unlinks item, which must be in this tree.
	void remove(T &item)
	{
		RbLinks *l = links(item);
		KCPP_BUG_ON(!l->is_linked());
		kcpp_rb_erase(detail::rb_raw(l), raw_root());
		l->clear();
	}
	T *pop_first()
	{
		T *t = first();
		if (t != nullptr)
			remove(*t);
		return t;
	}
	static bool is_linked(const T &item) { return links(item)->is_linked(); }

	// In-order iteration; the current element may be removed (the next one is found first).
	class Iterator {
	public:
		explicit Iterator(T *at) : at_(at), next_(at ? RbTree::next(*at) : nullptr) {}
		T &operator*() const { return *at_; }
		T *operator->() const { return at_; }
		Iterator &operator++()
		{
			at_ = next_;
			next_ = at_ ? RbTree::next(*at_) : nullptr;
			return *this;
		}
		bool operator!=(const Iterator &o) const { return at_ != o.at_; }

	private:
		T *at_;
		T *next_;
	};
	Iterator begin() const { return Iterator(first()); }
	Iterator end() const { return Iterator(nullptr); }

private:
	static bool less(const Key &a, const Key &b) { return Less{}(a, b); }
	static RbLinks *links(const T &item) { return const_cast<RbLinks *>(&(item.*Links)); }
	static T *owner(RbLinks *l) { return container_of(l, Links); }
	static T *owner_or_null(kcpp_rb_node *n) { return n == nullptr ? nullptr : owner(detail::rb_links(n)); }
	kcpp_rb_root *raw_root() const
	{
		// SAFETY: RbRoot mirrors struct rb_root; the shims that take it as const do not write.
		return reinterpret_cast<kcpp_rb_root *>(const_cast<RbRoot *>(&root_));
	}
	void link_at(T &item, RbLinks *parent, RbLinks **link)
	{
		// SAFETY: link points at the null child slot of parent (or at the root) found by the
		// descent above, in this tree; RbLinks * and struct rb_node * have the same layout.
		kcpp_rb_insert(detail::rb_raw(links(item)), parent ? detail::rb_raw(parent) : nullptr,
			       reinterpret_cast<kcpp_rb_node **>(link), raw_root());
	}
	RbRoot root_;
};

// An owning ordered map with unique keys, whose nodes are allocated ahead (reserve) so that
// insertion under a spinlock never allocates.
template <typename K, typename V, typename Less = RbLess> class RbMap {
public:
	class Node {
	public:
		const K &key() const { return key_; }
		V &value() { return value_; }
		const V &value() const { return value_; }
		// A node is dropped only when out of the map.
		~Node() { KCPP_BUG_ON(links_.is_linked()); }
		Node(const Node &) = delete;
		Node &operator=(const Node &) = delete;

	private:
		friend class RbMap;
		template <typename KK, typename VV>
		Node(KK &&k, VV &&v) : key_(forward<KK>(k)), value_(forward<VV>(v)) {}
		static const K &key_of(const Node &n) { return n.key_; }
		RbLinks links_;
		K key_;
		V value_;
	};

	// Memory for one node, not yet holding a key or value. Freed if unused.
	class [[nodiscard]] Reservation {
	public:
		Reservation(Reservation &&o) : mem_(exchange(o.mem_, nullptr)) {}
		Reservation(const Reservation &) = delete;
		Reservation &operator=(const Reservation &) = delete;
		~Reservation()
		{
			if (mem_ != nullptr)
				::operator delete(mem_);
		}

	private:
		friend class RbMap;
		explicit Reservation(void *mem) : mem_(mem) {}
		void *mem_;
	};

	RbMap() = default;
	RbMap(RbMap &&) = default;
	RbMap(const RbMap &) = delete;
	RbMap &operator=(const RbMap &) = delete;
	// Drops every node (and so every value): do it where V's destructor may run.
	~RbMap() { clear(); }

	// Allocates room for one node (may sleep with gfp::KERNEL). ENOMEM.
	[[nodiscard]] static Result<Reservation> reserve(Gfp flags)
	{
		void *mem = ::operator new(sizeof(Node), flags);
		if (mem == nullptr)
			return code::ENOMEM;
		return Reservation(mem);
	}
	// Builds a node in reserved memory: no allocation, any context.
	template <typename KK, typename VV> static Box<Node> make_node(Reservation &&r, KK &&key, VV &&value)
	{
		void *mem = exchange(r.mem_, nullptr);
		KCPP_BUG_ON(mem == nullptr);
		// SAFETY: mem is a kmalloc'ed block of sizeof(Node) from reserve(); Box frees it with
		// delete, i.e. ~Node and kfree.
		return Box<Node>::from_raw(new (mem) Node(forward<KK>(key), forward<VV>(value)));
	}
	// make_node + reserve in one step, for unlocked contexts.
	template <typename KK, typename VV>
	[[nodiscard]] static Result<Box<Node>> try_make_node(KK &&key, VV &&value, Gfp flags)
	{
		Reservation r = TRY(reserve(flags));
		return make_node(move(r), forward<KK>(key), forward<VV>(value));
	}

	bool is_empty() const { return tree_.is_empty(); }
	usize len() const { return tree_.len(); }

	// Inserts node; if the key was present, the old node is unlinked and returned (drop it
	// outside spinlocks if V's destructor may sleep). Never allocates.
	Optional<Box<Node>> insert(Box<Node> node)
	{
		Node *old = tree_.find(node->key_);
		Optional<Box<Node>> replaced;
		if (old != nullptr) {
			tree_.remove(*old);
			replaced = Box<Node>::from_raw(old);
		}
		(void)tree_.insert_unique(*move(node).into_raw());
		return replaced;
	}
	// Inserts node only if its key is absent: returns it back (not inserted) otherwise.
	Optional<Box<Node>> try_insert(Box<Node> node)
	{
		if (tree_.insert_unique(*node) != nullptr)
			return move(node);
		(void)move(node).into_raw(); // owned by the tree now
		return {};
	}

	Node *find(const K &key) const { return tree_.find(key); }
	V *get(const K &key) const
	{
		Node *n = tree_.find(key);
		return n ? &n->value_ : nullptr;
	}
	Node *lower_bound(const K &key) const { return tree_.lower_bound(key); }
	Node *upper_bound(const K &key) const { return tree_.upper_bound(key); }
	Node *floor(const K &key) const { return tree_.floor(key); }
	Node *first() const { return tree_.first(); }
	Node *last() const { return tree_.last(); }
	static Node *next(const Node &n) { return Tree::next(n); }
	static Node *prev(const Node &n) { return Tree::prev(n); }

	// Unlinks the node with this key and hands it over, or returns nothing.
	Optional<Box<Node>> remove(const K &key)
	{
		Node *n = tree_.find(key);
		if (n == nullptr)
			return {};
		return remove(*n);
	}
	// Unlinks a node of this map and hands it over.
	Box<Node> remove(Node &n)
	{
		tree_.remove(n);
		return Box<Node>::from_raw(&n);
	}
	void clear()
	{
		while (Node *n = tree_.pop_first())
			Box<Node>::from_raw(n);
	}

	using Iterator = typename RbTree<Node, &Node::links_, &Node::key_of, Less>::Iterator;
	Iterator begin() const { return tree_.begin(); }
	Iterator end() const { return tree_.end(); }

private:
	using Tree = RbTree<Node, &Node::links_, &Node::key_of, Less>;
	Tree tree_;
};

} // namespace kcpp
