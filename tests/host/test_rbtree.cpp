// SPDX-License-Identifier: GPL-2.0
// kcpp/rbtree.h: the typed C++ side of the red-black trees (descent, bounds, duplicates,
// iteration, ownership and reservations) against the host search-tree shims
// (host_shims_binder.cpp), checked against std::multimap under random operations.
#include "host_test.h"

#include <algorithm>
#include <map>
#include <random>
#include <vector>

#include <kcpp/rbtree.h>

using namespace kcpp;

namespace {

class RbTreeTest : public HostTest {};

struct Item {
	explicit Item(u32 k, int t = 0) : key(k), tag(t) {}
	RbLinks rb;
	u32 key;
	int tag;
	RbLinks by_tag; // a second membership
	static u32 key_of(const Item &i) { return i.key; }
	static int tag_of(const Item &i) { return i.tag; }
};
using Tree = RbTree<Item, &Item::rb, &Item::key_of>;

struct Greater {
	bool operator()(int a, int b) const { return a > b; }
};
using TagTree = RbTree<Item, &Item::by_tag, &Item::tag_of, Greater>;

std::vector<u32> keys(const Tree &t)
{
	std::vector<u32> out;
	for (Item &i : t)
		out.push_back(i.key);
	return out;
}

void drain(Tree &t)
{
	while (t.pop_first() != nullptr) {
	}
}

// Counts live values so the map's ownership can be checked.
struct Value {
	explicit Value(int *live, int v) : live_(live), v_(v) { ++*live_; }
	Value(Value &&o) : live_(o.live_), v_(o.v_) { ++*live_; }
	Value(const Value &) = delete;
	~Value() { --*live_; }
	int *live_;
	int v_;
};

} // namespace

TEST_F(RbTreeTest, EmptyTree)
{
	Tree t;
	EXPECT_TRUE(t.is_empty());
	EXPECT_EQ(t.len(), 0u);
	EXPECT_EQ(t.first(), nullptr);
	EXPECT_EQ(t.last(), nullptr);
	EXPECT_EQ(t.find(1), nullptr);
	EXPECT_EQ(t.lower_bound(0), nullptr);
	EXPECT_EQ(t.pop_first(), nullptr);
}

TEST_F(RbTreeTest, InsertUniqueKeepsOrderAndRefusesDuplicates)
{
	Item a(5), b(1), c(9), d(5, 7);
	Tree t;
	EXPECT_EQ(t.insert_unique(a), nullptr);
	EXPECT_EQ(t.insert_unique(b), nullptr);
	EXPECT_EQ(t.insert_unique(c), nullptr);
	EXPECT_EQ(t.insert_unique(d), &a); // the element already there
	EXPECT_FALSE(Tree::is_linked(d));
	EXPECT_TRUE(Tree::is_linked(a));
	EXPECT_EQ(keys(t), (std::vector<u32>{1, 5, 9}));
	EXPECT_EQ(t.find(5), &a);
	EXPECT_EQ(t.find(6), nullptr);
	EXPECT_EQ(t.first(), &b);
	EXPECT_EQ(t.last(), &c);
	EXPECT_EQ(Tree::next(b), &a);
	EXPECT_EQ(Tree::prev(a), &b);
	EXPECT_EQ(Tree::next(c), nullptr);
	EXPECT_EQ(Tree::prev(b), nullptr);
	drain(t);
	EXPECT_FALSE(Tree::is_linked(a));
}

TEST_F(RbTreeTest, BoundsAndFloor)
{
	Item i10(10), i20(20), i30(30);
	Tree t;
	for (Item *i : {&i20, &i10, &i30})
		ASSERT_EQ(t.insert_unique(*i), nullptr);
	EXPECT_EQ(t.lower_bound(5), &i10);
	EXPECT_EQ(t.lower_bound(10), &i10);
	EXPECT_EQ(t.lower_bound(11), &i20);
	EXPECT_EQ(t.lower_bound(31), nullptr);
	EXPECT_EQ(t.upper_bound(10), &i20);
	EXPECT_EQ(t.upper_bound(30), nullptr);
	EXPECT_EQ(t.upper_bound(0), &i10);
	EXPECT_EQ(t.floor(9), nullptr);
	EXPECT_EQ(t.floor(10), &i10);
	EXPECT_EQ(t.floor(29), &i20);
	EXPECT_EQ(t.floor(100), &i30);
	drain(t);
}

TEST_F(RbTreeTest, InsertMultiPutsEqualKeysAfterExistingOnes)
{
	// binder's free buffers by size: best fit is lower_bound(size), equal sizes in FIFO order.
	std::vector<Item> items;
	items.reserve(8);
	const u32 ks[] = {64, 32, 64, 128, 64, 32};
	for (int i = 0; i < 6; ++i)
		items.emplace_back(ks[i], i);
	Tree t;
	for (Item &i : items)
		t.insert_multi(i);
	std::vector<int> tags;
	for (Item &i : t)
		tags.push_back(i.tag);
	EXPECT_EQ(tags, (std::vector<int>{1, 5, 0, 2, 4, 3}));
	EXPECT_EQ(t.find(64)->tag, 0); // the first of the equal ones
	EXPECT_EQ(t.lower_bound(33)->tag, 0);
	EXPECT_EQ(t.upper_bound(64)->tag, 3);
	EXPECT_EQ(t.floor(64)->tag, 4); // the last of the equal ones
	t.remove(items[0]);
	EXPECT_EQ(t.find(64)->tag, 2);
	drain(t);
}

TEST_F(RbTreeTest, RemoveWhileIterating)
{
	std::vector<Item> items;
	for (u32 k = 0; k < 50; ++k)
		items.emplace_back(k);
	Tree t;
	for (Item &i : items)
		ASSERT_EQ(t.insert_unique(i), nullptr);
	for (Item &i : t)
		if (i.key % 2 == 0)
			t.remove(i);
	std::vector<u32> want;
	for (u32 k = 1; k < 50; k += 2)
		want.push_back(k);
	EXPECT_EQ(keys(t), want);
	for (Item &i : t)
		t.remove(i);
	EXPECT_TRUE(t.is_empty());
	for (Item &i : items)
		EXPECT_FALSE(Tree::is_linked(i));
}

TEST_F(RbTreeTest, TwoTreesThroughTwoLinksAndACustomOrder)
{
	Item a(1, 10), b(2, 30), c(3, 20);
	Tree by_key;
	TagTree by_tag;
	for (Item *i : {&a, &b, &c}) {
		ASSERT_EQ(by_key.insert_unique(*i), nullptr);
		ASSERT_EQ(by_tag.insert_unique(*i), nullptr);
	}
	std::vector<int> tags;
	for (Item &i : by_tag)
		tags.push_back(i.tag);
	EXPECT_EQ(tags, (std::vector<int>{30, 20, 10})); // Greater: descending
	EXPECT_EQ(by_tag.lower_bound(25), &c);          // first not "before" 25 in descending order
	by_key.remove(b);
	EXPECT_TRUE(TagTree::is_linked(b)); // still in the other tree
	by_tag.remove(b);
	drain(by_key);
	while (by_tag.pop_first()) {
	}
}

TEST_F(RbTreeTest, CopiedLinksAreUnlinkedAndTreesMove)
{
	Item a(1);
	Tree t;
	ASSERT_EQ(t.insert_unique(a), nullptr);
	Item copy = a; // a copy of a linked element is not in the tree
	EXPECT_FALSE(Tree::is_linked(copy));
	EXPECT_EQ(t.find(1), &a);
	Tree moved(move(t));
	EXPECT_TRUE(t.is_empty());
	EXPECT_EQ(moved.find(1), &a);
	drain(moved);
}

TEST_F(RbTreeTest, RandomOperationsMatchAMultimap)
{
	std::mt19937 rng(12345);
	constexpr int n = 600;
	std::vector<Item> items;
	items.reserve(n);
	for (int i = 0; i < n; ++i)
		items.emplace_back(rng() % 200, i);
	Tree t;
	std::multimap<u32, int> ref; // key -> tag, insertion order within a key
	std::vector<bool> in(n, false);
	for (int step = 0; step < 5000; ++step) {
		const int i = rng() % n;
		Item &it = items[i];
		switch (rng() % 4) {
		case 0: // insert_multi
			if (!in[i]) {
				t.insert_multi(it);
				ref.emplace(it.key, it.tag);
				in[i] = true;
			}
			break;
		case 1: { // insert_unique
			if (in[i])
				break;
			Item *old = t.insert_unique(it);
			auto r = ref.find(it.key);
			if (r == ref.end()) {
				ASSERT_EQ(old, nullptr);
				ref.emplace(it.key, it.tag);
				in[i] = true;
			} else {
				ASSERT_NE(old, nullptr);
				ASSERT_EQ(old->key, it.key);
				ASSERT_EQ(old->tag, r->second);
			}
			break;
		}
		case 2: // remove
			if (in[i]) {
				t.remove(it);
				auto range = ref.equal_range(it.key);
				for (auto r = range.first; r != range.second; ++r)
					if (r->second == it.tag) {
						ref.erase(r);
						break;
					}
				in[i] = false;
			}
			break;
		case 3: { // queries
			const u32 k = rng() % 210;
			auto lb = ref.lower_bound(k);
			Item *got = t.lower_bound(k);
			ASSERT_EQ(got == nullptr, lb == ref.end());
			if (got) {
				ASSERT_EQ(got->tag, lb->second);
			}
			auto ub = ref.upper_bound(k);
			got = t.upper_bound(k);
			ASSERT_EQ(got == nullptr, ub == ref.end());
			if (got) {
				ASSERT_EQ(got->tag, ub->second);
			}
			got = t.find(k);
			ASSERT_EQ(got == nullptr, ref.find(k) == ref.end());
			if (got) {
				ASSERT_EQ(got->tag, ref.find(k)->second);
			}
			got = t.floor(k);
			if (ub == ref.begin()) {
				ASSERT_EQ(got, nullptr);
			} else {
				ASSERT_NE(got, nullptr);
				ASSERT_EQ(got->tag, std::prev(ub)->second);
			}
			break;
		}
		}
	}
	// Full in-order walk, both directions.
	std::vector<int> fwd, want;
	for (Item &i : t)
		fwd.push_back(i.tag);
	for (auto &[k, tag] : ref)
		want.push_back(tag);
	EXPECT_EQ(fwd, want);
	std::vector<int> back;
	for (Item *i = t.last(); i != nullptr; i = Tree::prev(*i))
		back.push_back(i->tag);
	std::reverse(back.begin(), back.end());
	EXPECT_EQ(back, want);
	EXPECT_EQ(t.len(), ref.size());
	drain(t);
}

TEST_F(RbTreeTest, DestroyingANonEmptyTreeIsABug)
{
	auto leak = [] {
		Item a(1);
		Tree t;
		(void)t.insert_unique(a);
	};
	EXPECT_DEATH(leak(), "BUG_ON\\(!is_empty\\(\\)\\)");
}

TEST_F(RbTreeTest, RemovingAnUnlinkedElementIsABug)
{
	auto bad = [] {
		Item a(1);
		Tree t;
		t.remove(a);
	};
	EXPECT_DEATH(bad(), "BUG_ON\\(!l->is_linked\\(\\)\\)");
}

// ---- RbMap ------------------------------------------------------------------------------

using Map = RbMap<u64, Value>;

TEST_F(RbTreeTest, MapReserveInsertFindRemove)
{
	int live = 0;
	{
		Map m;
		for (u64 k : {30, 10, 20}) {
			Map::Reservation r = must(Map::reserve(gfp::KERNEL));
			EXPECT_FALSE(m.insert(Map::make_node(move(r), k, Value(&live, int(k) * 2))).has_value());
		}
		EXPECT_EQ(live, 3);
		EXPECT_EQ(m.len(), 3u);
		ASSERT_NE(m.get(20), nullptr);
		EXPECT_EQ(m.get(20)->v_, 40);
		EXPECT_EQ(m.get(21), nullptr);
		EXPECT_EQ(m.first()->key(), 10u);
		EXPECT_EQ(m.last()->key(), 30u);
		EXPECT_EQ(Map::next(*m.first())->key(), 20u);
		EXPECT_EQ(m.lower_bound(11)->key(), 20u);
		EXPECT_EQ(m.upper_bound(20)->key(), 30u);
		EXPECT_EQ(m.floor(29)->key(), 20u);

		Optional<Box<Map::Node>> gone = m.remove(10);
		ASSERT_TRUE(gone.has_value());
		EXPECT_EQ((*gone)->key(), 10u);
		EXPECT_EQ((*gone)->value().v_, 20);
		EXPECT_EQ(live, 3); // still owned, by `gone`
		gone.reset();
		EXPECT_EQ(live, 2);
		EXPECT_FALSE(m.remove(10).has_value());

		std::vector<u64> ks;
		for (Map::Node &n : m)
			ks.push_back(n.key());
		EXPECT_EQ(ks, (std::vector<u64>{20, 30}));
	} // the map drops its nodes
	EXPECT_EQ(live, 0);
}

TEST_F(RbTreeTest, MapInsertReplacesAndTryInsertRefuses)
{
	int live = 0;
	Map m;
	EXPECT_FALSE(m.try_insert(must(Map::try_make_node(1, Value(&live, 1), gfp::KERNEL))).has_value());
	Optional<Box<Map::Node>> old = m.insert(must(Map::try_make_node(1, Value(&live, 2), gfp::KERNEL)));
	ASSERT_TRUE(old.has_value());
	EXPECT_EQ((*old)->value().v_, 1);
	EXPECT_EQ(m.get(1)->v_, 2);
	Optional<Box<Map::Node>> back = m.try_insert(must(Map::try_make_node(1, Value(&live, 3), gfp::KERNEL)));
	ASSERT_TRUE(back.has_value()); // refused, handed back
	EXPECT_EQ((*back)->value().v_, 3);
	EXPECT_EQ(m.get(1)->v_, 2);
	EXPECT_EQ(m.len(), 1u);
	old.reset();
	back.reset();
	m.clear();
	EXPECT_EQ(live, 0);
	EXPECT_TRUE(m.is_empty());
}

TEST_F(RbTreeTest, MapInsertionNeverAllocates)
{
	// The reservation pattern: allocate unlocked, then insert where allocation is forbidden.
	int live = 0;
	Map m;
	std::vector<Map::Reservation> reserved;
	for (int i = 0; i < 16; ++i)
		reserved.push_back(must(Map::reserve(gfp::KERNEL)));
	{
		kcpp_host::FailAllocations no_memory; // any allocation from here fails
		for (int i = 0; i < 16; ++i)
			(void)m.insert(Map::make_node(move(reserved[i]), u64(i * 7 % 16), Value(&live, i)));
		EXPECT_EQ(m.len(), 16u);
		EXPECT_EQ(Map::reserve(gfp::ATOMIC).is_err(), true);
	}
	reserved.clear(); // moved-from reservations free nothing
	EXPECT_EQ(live, 16);
	u64 expect = 0;
	for (Map::Node &n : m)
		EXPECT_EQ(n.key(), expect++);
}

TEST_F(RbTreeTest, MapReserveFailsCleanly)
{
	kcpp_host::FailAllocations no_memory;
	Result<Map::Reservation> r = Map::reserve(gfp::KERNEL);
	ASSERT_TRUE(r.is_err());
	EXPECT_EQ(r.error(), code::ENOMEM);
	int live = 0;
	Result<Box<Map::Node>> n = Map::try_make_node(1, Value(&live, 1), gfp::KERNEL);
	ASSERT_TRUE(n.is_err());
	EXPECT_EQ(live, 0);
}

TEST_F(RbTreeTest, UnusedReservationIsFreed)
{
	const long before = kcpp_host::live_allocations();
	{
		Map::Reservation r = must(Map::reserve(gfp::KERNEL));
		EXPECT_EQ(kcpp_host::live_allocations(), before + 1);
	}
	EXPECT_EQ(kcpp_host::live_allocations(), before);
	// HostTest's teardown checks that nothing leaked.
}
