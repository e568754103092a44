// SPDX-License-Identifier: GPL-2.0
// Host implementations of the binder-facing shims that have pure logic worth testing on the
// host: red-black trees (kcpp/rbtree.h) and pages (kcpp/page.h).
//
//  - rbtree: an *unbalanced* binary search tree over the same struct rb_node layout
//    (parent pointer in __rb_parent_color, then right, then left), with the kernel's rules:
//    rb_link_node stores parent and clears the children, rb_erase unlinks (without clearing
//    the node), rb_first/last/next/prev walk in order. Balancing is the kernel's business
//    (lib/rbtree.c, exercised by the KUnit suite kcpp_rbtree); kcpp's C++ descent, ordering,
//    duplicates and ownership logic only depend on the search-tree shape, which this keeps.
//  - pages: PAGE_SIZE blocks from aligned_alloc, counted (kcpp_host::live_pages), failing when
//    the thread's allocations are made to fail (as fail_page_alloc), with copies through the host user-memory model (kcpp_copy_{from,to}_user: fault ranges apply).
#include <kcpp/gen/layout.h>

#include "host_shims.h"

#include <atomic>
#include <cstdlib>
#include <cstring>

namespace {

struct Node {
	std::uintptr_t parent_color;
	Node *right;
	Node *left;
};
static_assert(sizeof(Node) == KCPP_SIZEOF_RB_NODE);

Node *parent_of(const Node *n) { return reinterpret_cast<Node *>(n->parent_color & ~std::uintptr_t(3)); }
void set_parent(Node *n, Node *p) { n->parent_color = reinterpret_cast<std::uintptr_t>(p); }

Node *leftmost(Node *n)
{
	while (n && n->left)
		n = n->left;
	return n;
}
Node *rightmost(Node *n)
{
	while (n && n->right)
		n = n->right;
	return n;
}

// Replaces child `old` of parent (or the root) by `now`.
void replace_child(Node **root, Node *parent, Node *old, Node *now)
{
	if (parent == nullptr)
		*root = now;
	else if (parent->left == old)
		parent->left = now;
	else
		parent->right = now;
	if (now)
		set_parent(now, parent);
}

std::atomic<long> g_live_pages{0};

} // namespace

namespace kcpp_host {
long live_pages() { return g_live_pages.load(); }
} // namespace kcpp_host

extern "C" {

void kcpp_rb_insert(struct kcpp_rb_node *node, struct kcpp_rb_node *parent, struct kcpp_rb_node **link,
		    struct kcpp_rb_root *) noexcept
{
	Node *n = reinterpret_cast<Node *>(node);
	set_parent(n, reinterpret_cast<Node *>(parent));
	n->left = n->right = nullptr;
	*reinterpret_cast<Node **>(link) = n;
}

void kcpp_rb_erase(struct kcpp_rb_node *node, struct kcpp_rb_root *root_raw) noexcept
{
	Node **root = reinterpret_cast<Node **>(root_raw);
	Node *n = reinterpret_cast<Node *>(node);
	Node *parent = parent_of(n);
	if (n->left == nullptr) {
		replace_child(root, parent, n, n->right);
	} else if (n->right == nullptr) {
		replace_child(root, parent, n, n->left);
	} else {
		// The successor (leftmost of the right subtree) takes n's place.
		Node *s = leftmost(n->right);
		if (parent_of(s) != n) {
			replace_child(root, parent_of(s), s, s->right);
			s->right = n->right;
			set_parent(s->right, s);
		}
		replace_child(root, parent, n, s);
		s->left = n->left;
		set_parent(s->left, s);
	}
}

struct kcpp_rb_node *kcpp_rb_first(const struct kcpp_rb_root *root) noexcept
{
	return reinterpret_cast<kcpp_rb_node *>(leftmost(*reinterpret_cast<Node *const *>(root)));
}

struct kcpp_rb_node *kcpp_rb_last(const struct kcpp_rb_root *root) noexcept
{
	return reinterpret_cast<kcpp_rb_node *>(rightmost(*reinterpret_cast<Node *const *>(root)));
}

struct kcpp_rb_node *kcpp_rb_next(const struct kcpp_rb_node *node) noexcept
{
	const Node *n = reinterpret_cast<const Node *>(node);
	if (n->right)
		return reinterpret_cast<kcpp_rb_node *>(leftmost(n->right));
	Node *p = parent_of(n);
	while (p && n == p->right) {
		n = p;
		p = parent_of(p);
	}
	return reinterpret_cast<kcpp_rb_node *>(p);
}

struct kcpp_rb_node *kcpp_rb_prev(const struct kcpp_rb_node *node) noexcept
{
	const Node *n = reinterpret_cast<const Node *>(node);
	if (n->left)
		return reinterpret_cast<kcpp_rb_node *>(rightmost(n->left));
	Node *p = parent_of(n);
	while (p && n == p->left) {
		n = p;
		p = parent_of(p);
	}
	return reinterpret_cast<kcpp_rb_node *>(p);
}

struct kcpp_page *kcpp_page_alloc(kcpp_gfp_t flags) noexcept
{
	// Fault injection covers pages as the kernel's fail_page_alloc does for make_it_fail
	// tasks: ask the host allocator whether this thread's allocations fail now.
	void *probe = kcpp_kmalloc(1, flags | KCPP_GFP_NOWARN);
	if (probe == nullptr)
		return nullptr;
	kcpp_kfree(probe);
	void *p = std::aligned_alloc(KCPP_PAGE_SIZE, KCPP_PAGE_SIZE);
	if (p == nullptr)
		return nullptr;
	if (flags & KCPP_GFP_ZERO)
		std::memset(p, 0, KCPP_PAGE_SIZE);
	else
		std::memset(p, 0xa5, KCPP_PAGE_SIZE); // as uninitialised as the kernel's
	++g_live_pages;
	return static_cast<kcpp_page *>(p);
}

void kcpp_page_free(struct kcpp_page *page) noexcept
{
	--g_live_pages;
	std::free(page);
}

void kcpp_page_read(struct kcpp_page *page, void *dst, kcpp_size_t offset, kcpp_size_t len) noexcept
{
	std::memcpy(dst, reinterpret_cast<char *>(page) + offset, len);
}

void kcpp_page_write(struct kcpp_page *page, const void *src, kcpp_size_t offset, kcpp_size_t len) noexcept
{
	std::memcpy(reinterpret_cast<char *>(page) + offset, src, len);
}

void kcpp_page_zero(struct kcpp_page *page, kcpp_size_t offset, kcpp_size_t len) noexcept
{
	std::memset(reinterpret_cast<char *>(page) + offset, 0, len);
}

unsigned long kcpp_page_copy_from_user(struct kcpp_page *page, kcpp_size_t offset, kcpp_uptr_t from,
				       kcpp_size_t len) noexcept
{
	return kcpp_copy_from_user(reinterpret_cast<char *>(page) + offset, from, len);
}

unsigned long kcpp_page_copy_to_user(struct kcpp_page *page, kcpp_size_t offset, kcpp_uptr_t to,
				     kcpp_size_t len) noexcept
{
	return kcpp_copy_to_user(to, reinterpret_cast<char *>(page) + offset, len);
}

} // extern "C"
