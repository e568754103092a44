// SPDX-License-Identifier: GPL-2.0
// kcpp_rbtree: RbTree and RbMap on the kernel's own lib/rbtree.c — ordering and bounds under
// random operations against a reference, the balance rebalancing guarantees (so kcpp links
// nodes the way rb_insert_color expects), and insertion under a spinlock while every
// allocation fails (the reservation pattern binder relies on).
#include "common.h"

#include <kcpp/rbtree.h>

using namespace kcpp;
using namespace kcpp_test;

namespace {

struct Item {
	RbLinks rb;
	u32 key = 0;
	u32 tag = 0;
	static u32 key_of(const Item &i) { return i.key; }
};
using Tree = RbTree<Item, &Item::rb, &Item::key_of>;

// xorshift: a deterministic sequence for the random tests.
struct Rng {
	u32 s = 2463534242u;
	u32 next()
	{
		s ^= s << 13;
		s ^= s >> 17;
		s ^= s << 5;
		return s;
	}
};

unsigned height(const RbLinks *n)
{
	if (n == nullptr)
		return 0;
	return 1 + max(height(n->left), height(n->right));
}
unsigned log2_ceil(usize n)
{
	unsigned l = 0;
	while ((usize(1) << l) < n)
		++l;
	return l;
}
// The root, found by walking up from any element (the parent pointer hides the colour bit).
const RbLinks *root_of(const Item &i)
{
	const RbLinks *n = &i.rb;
	while (const RbLinks *p = reinterpret_cast<const RbLinks *>(n->parent_color & ~uptr(3)))
		n = p;
	return n;
}

struct Items {
	static constexpr usize n = 1024;
	Item items[n];
	// The reference model of random_operations_match_reference (on the heap: KASAN makes
	// stack frames large).
	u32 count[128] = {};
	u32 seen[128] = {};
	bool linked[n] = {};
};

} // namespace

static void sorted_inserts_stay_balanced(Test &t)
{
	Result<Box<Items>> made = Box<Items>::make(gfp::KERNEL);
	KCPP_ASSERT_OK(t, made);
	Box<Items> s = move(made).take();
	Tree tree;
	for (usize i = 0; i < Items::n; ++i) {
		s->items[i].key = static_cast<u32>(i); // ascending: a plain BST would be a list
		KCPP_EXPECT_TRUE(t, tree.insert_unique(s->items[i]) == nullptr);
	}
	const unsigned h = height(root_of(s->items[0]));
	t.log("height {} for {} sorted inserts", h, Items::n);
	KCPP_EXPECT_LE(t, h, 2 * log2_ceil(Items::n + 1)); // red-black bound: 2 log2(n + 1)
	// Remove every other element; still balanced and still ordered.
	for (usize i = 0; i < Items::n; i += 2)
		tree.remove(s->items[i]);
	KCPP_EXPECT_LE(t, height(root_of(s->items[1])), 2 * log2_ceil(Items::n / 2 + 1));
	u32 expect = 1;
	bool ordered = true;
	for (Item &i : tree) {
		ordered &= i.key == expect;
		expect += 2;
	}
	KCPP_EXPECT_TRUE(t, ordered);
	KCPP_EXPECT_EQ(t, tree.len(), Items::n / 2);
	while (tree.pop_first()) {
	}
}

static void random_operations_match_reference(Test &t)
{
	Result<Box<Items>> made = Box<Items>::make(gfp::KERNEL);
	KCPP_ASSERT_OK(t, made);
	Box<Items> s = move(made).take();
	// Reference: how many linked elements have each key (keys 0..127), and whether each item
	// is linked. Duplicates through insert_multi.
	u32 *count = s->count;
	bool *linked = s->linked;
	Rng rng;
	for (usize i = 0; i < Items::n; ++i) {
		s->items[i].key = rng.next() % 128;
		s->items[i].tag = static_cast<u32>(i);
	}
	Tree tree;
	int mismatches = 0;
	for (int step = 0; step < 20000; ++step) {
		const usize i = rng.next() % Items::n;
		Item &it = s->items[i];
		const u32 op = rng.next() % 3;
		if (op == 0 && !linked[i]) {
			tree.insert_multi(it);
			linked[i] = true;
			count[it.key]++;
		} else if (op == 1 && linked[i]) {
			tree.remove(it);
			linked[i] = false;
			count[it.key]--;
		} else {
			const u32 k = rng.next() % 130;
			// lower_bound: the smallest key >= k that is present.
			u32 want = k;
			while (want < 128 && count[want] == 0)
				++want;
			Item *lb = tree.lower_bound(k);
			if ((lb == nullptr) != (want >= 128) || (lb != nullptr && lb->key != want))
				++mismatches;
			Item *f = tree.find(k);
			if ((f != nullptr) != (k < 128 && count[k] > 0) || (f != nullptr && f->key != k))
				++mismatches;
		}
	}
	KCPP_EXPECT_EQ(t, mismatches, 0);
	// In-order walk: non-decreasing keys, each key as often as the reference says.
	u32 *seen = s->seen;
	u32 prev = 0;
	bool ordered = true;
	for (Item &i : tree) {
		ordered &= i.key >= prev;
		prev = i.key;
		seen[i.key]++;
	}
	KCPP_EXPECT_TRUE(t, ordered);
	int count_mismatch = 0;
	for (int k = 0; k < 128; ++k)
		count_mismatch += seen[k] != count[k];
	KCPP_EXPECT_EQ(t, count_mismatch, 0);
	for (Item &i : tree)
		tree.remove(i);
	KCPP_EXPECT_TRUE(t, tree.is_empty());
}

static void insert_unique_reports_the_existing_element(Test &t)
{
	Item a, b, c;
	a.key = 7;
	b.key = 7;
	c.key = 3;
	Tree tree;
	KCPP_EXPECT_TRUE(t, tree.insert_unique(a) == nullptr);
	KCPP_EXPECT_TRUE(t, tree.insert_unique(b) == &a);
	KCPP_EXPECT_FALSE(t, Tree::is_linked(b));
	KCPP_EXPECT_TRUE(t, tree.insert_unique(c) == nullptr);
	KCPP_EXPECT_TRUE(t, tree.first() == &c);
	KCPP_EXPECT_TRUE(t, Tree::next(c) == &a);
	KCPP_EXPECT_TRUE(t, Tree::prev(a) == &c);
	KCPP_EXPECT_TRUE(t, tree.upper_bound(3) == &a);
	KCPP_EXPECT_TRUE(t, tree.floor(6) == &c);
	tree.remove(a);
	tree.remove(c);
	KCPP_EXPECT_FALSE(t, Tree::is_linked(a));
}

// ---- RbMap: reservations ------------------------------------------------------------------

struct Guarded {
	SpinLock<RbMap<u32, u64>> map{KCPP_LOCK_CLASS("kcpp_kunit_rbmap")};
};

static void map_insert_under_spinlock_without_memory(Test &t)
{
	using Map = RbMap<u32, u64>;
	Result<Box<Guarded>> made = Box<Guarded>::make(gfp::KERNEL);
	KCPP_ASSERT_OK(t, made);
	Box<Guarded> g = move(made).take();
	constexpr int n = 64;
	Vec<Map::Reservation> res;
	KCPP_ASSERT_OK(t, res.reserve(n, gfp::KERNEL));
	for (int i = 0; i < n; ++i) {
		Result<Map::Reservation> r = Map::reserve(gfp::KERNEL);
		KCPP_ASSERT_OK(t, r);
		KCPP_ASSERT_OK(t, res.push(move(r).take(), gfp::KERNEL));
	}
	int inserted = 0;
	bool alloc_failed_under_lock = false;
	{
		kunit::FailAllocations fail(t); // every slab allocation of this task fails now
		if (!fail.armed())
			return;
		auto map = g->map.lock();
		for (int i = 0; i < n; ++i) {
			const u32 key = static_cast<u32>((i * 37) % n);
			Optional<Box<Map::Node>> old = map->insert(Map::make_node(move(res[i]), key, u64(key) * 10));
			inserted += !old.has_value();
		}
		alloc_failed_under_lock = Map::reserve(gfp::ATOMIC | gfp::NOWARN).is_err();
	}
	KCPP_EXPECT_EQ(t, inserted, n);
	KCPP_EXPECT_TRUE(t, alloc_failed_under_lock); // so the inserts really did not allocate
	auto map = g->map.lock();
	KCPP_EXPECT_EQ(t, map->len(), static_cast<usize>(n));
	u32 expect = 0;
	bool ok = true;
	for (Map::Node &node : *map) {
		ok &= node.key() == expect && node.value() == u64(expect) * 10;
		++expect;
	}
	KCPP_EXPECT_TRUE(t, ok);
	Optional<Box<Map::Node>> gone = map->remove(5u);
	KCPP_EXPECT_TRUE(t, gone.has_value());
	KCPP_EXPECT_TRUE(t, map->get(5u) == nullptr);
	KCPP_EXPECT_EQ(t, *map->get(6u), 60ull);
	map->clear();
}

static void map_reserve_fails_with_enomem(Test &t)
{
	kunit::FailAllocations fail(t);
	if (!fail.armed())
		return;
	Result<RbMap<u32, u32>::Reservation> r = RbMap<u32, u32>::reserve(gfp::KERNEL);
	fail.disarm();
	KCPP_EXPECT_ERR(t, r, code::ENOMEM);
}

KCPP_KUNIT_SUITE(kcpp_rbtree,
		 KCPP_KUNIT_CASE(sorted_inserts_stay_balanced),
		 KCPP_KUNIT_CASE(random_operations_match_reference),
		 KCPP_KUNIT_CASE(insert_unique_reports_the_existing_element),
		 KCPP_KUNIT_CASE(map_insert_under_spinlock_without_memory),
		 KCPP_KUNIT_CASE(map_reserve_fails_with_enomem));
