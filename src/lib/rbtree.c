// SPDX-License-Identifier: GPL-2.0
/*
 * Red-black trees for kcpp/rbtree.h (area rbtree): the kernel's lib/rbtree.c behind the C++
 * descent. struct rb_node/rb_root are mirrored by C++ (RbLinks, RbRoot), checked here too.
 *
 * SAFETY: the nodes and roots are C++ storage with struct rb_node/rb_root's layout (asserted
 * below and in kcpp/rbtree.h against the generated offsets). C++ passes rb_link_node the
 * parent and child slot its own descent found in the same tree, under the lock that protects
 * the tree, as C callers do.
 */
#include <linux/build_bug.h>
#include <linux/rbtree.h>
#include <linux/stddef.h>
#include <kcpp/bindings.h>
#include <kcpp/gen/layout.h>

static_assert(sizeof(struct rb_node) == KCPP_SIZEOF_RB_NODE);
static_assert(offsetof(struct rb_node, __rb_parent_color) == KCPP_OFFSETOF_RB_NODE_PARENT_COLOR);
static_assert(offsetof(struct rb_node, rb_right) == KCPP_OFFSETOF_RB_NODE_RIGHT);
static_assert(offsetof(struct rb_node, rb_left) == KCPP_OFFSETOF_RB_NODE_LEFT);
static_assert(sizeof(struct rb_root) == KCPP_SIZEOF_RB_ROOT);

#define NODE(n) ((struct rb_node *)(n))
#define ROOT(r) ((struct rb_root *)(r))

void kcpp_rb_insert(struct kcpp_rb_node *node, struct kcpp_rb_node *parent,
		    struct kcpp_rb_node **link, struct kcpp_rb_root *root)
{
	rb_link_node(NODE(node), NODE(parent), (struct rb_node **)link);
	rb_insert_color(NODE(node), ROOT(root));
}

void kcpp_rb_erase(struct kcpp_rb_node *node, struct kcpp_rb_root *root)
{
	rb_erase(NODE(node), ROOT(root));
}

struct kcpp_rb_node *kcpp_rb_first(const struct kcpp_rb_root *root)
{
	return (struct kcpp_rb_node *)rb_first((const struct rb_root *)root);
}

struct kcpp_rb_node *kcpp_rb_last(const struct kcpp_rb_root *root)
{
	return (struct kcpp_rb_node *)rb_last((const struct rb_root *)root);
}

struct kcpp_rb_node *kcpp_rb_next(const struct kcpp_rb_node *node)
{
	return (struct kcpp_rb_node *)rb_next((const struct rb_node *)node);
}

struct kcpp_rb_node *kcpp_rb_prev(const struct kcpp_rb_node *node)
{
	return (struct kcpp_rb_node *)rb_prev((const struct rb_node *)node);
}
