// SPDX-License-Identifier: GPL-2.0
// kcpp/list.h: the intrusive doubly-linked list.
#include "host_test.h"

#include <vector>

#include <kcpp/list.h>

using namespace kcpp;

namespace {

class ListTest : public HostTest {};

struct Req {
	explicit Req(int i) : id(i) {}
	ListLinks link;
	int id;
	ListLinks other; // a second membership
};
using ReqList = List<Req, &Req::link>;
using OtherList = List<Req, &Req::other>;

template <typename L> std::vector<int> ids(L &list)
{
	std::vector<int> out;
	for (Req &r : list)
		out.push_back(r.id);
	return out;
}

template <typename L> void drain(L &list)
{
	while (list.pop_front() != nullptr) {
	}
}

} // namespace

TEST_F(ListTest, StartsEmpty)
{
	ReqList l;
	EXPECT_TRUE(l.is_empty());
	EXPECT_EQ(l.len(), 0u);
	EXPECT_EQ(l.front(), nullptr);
	EXPECT_EQ(l.back(), nullptr);
	EXPECT_EQ(l.pop_front(), nullptr);
	EXPECT_TRUE(ids(l).empty());
}

TEST_F(ListTest, PushBackKeepsOrderAndPushFrontPrepends)
{
	Req a(1), b(2), c(3), d(0);
	ReqList l;
	l.push_back(a);
	l.push_back(b);
	l.push_back(c);
	l.push_front(d);
	EXPECT_EQ(ids(l), (std::vector<int>{0, 1, 2, 3}));
	EXPECT_EQ(l.len(), 4u);
	EXPECT_EQ(l.front(), &d);
	EXPECT_EQ(l.back(), &c);
	EXPECT_TRUE(a.link.is_linked());
	drain(l);
}

TEST_F(ListTest, PopFrontTakesElementsInOrderAndUnlinksThem)
{
	Req a(1), b(2);
	ReqList l;
	l.push_back(a);
	l.push_back(b);
	Req *first = l.pop_front();
	EXPECT_EQ(first, &a);
	EXPECT_FALSE(a.link.is_linked());
	EXPECT_EQ(l.pop_front(), &b);
	EXPECT_EQ(l.pop_front(), nullptr);
	EXPECT_TRUE(l.is_empty());
}

TEST_F(ListTest, RemoveFromTheMiddleAndTheEnds)
{
	Req r[5] = {Req(0), Req(1), Req(2), Req(3), Req(4)};
	ReqList l;
	for (Req &x : r)
		l.push_back(x);
	l.remove(r[2]);
	EXPECT_FALSE(r[2].link.is_linked());
	EXPECT_EQ(ids(l), (std::vector<int>{0, 1, 3, 4}));
	l.remove(r[0]);
	l.remove(r[4]);
	EXPECT_EQ(ids(l), (std::vector<int>{1, 3}));
	EXPECT_EQ(l.front(), &r[1]);
	EXPECT_EQ(l.back(), &r[3]);
	// A removed element can go back on.
	l.push_front(r[2]);
	EXPECT_EQ(ids(l), (std::vector<int>{2, 1, 3}));
	drain(l);
}

TEST_F(ListTest, RemovingTheCurrentElementWhileIterating)
{
	Req r[6] = {Req(0), Req(1), Req(2), Req(3), Req(4), Req(5)};
	ReqList l;
	for (Req &x : r)
		l.push_back(x);
	int visited = 0;
	for (Req &x : l) {
		++visited;
		if (x.id % 2 == 1)
			l.remove(x);
	}
	EXPECT_EQ(visited, 6);
	EXPECT_EQ(ids(l), (std::vector<int>{0, 2, 4}));
	for (Req &x : l) // remove everything
		l.remove(x);
	EXPECT_TRUE(l.is_empty());
}

TEST_F(ListTest, IteratorArrow)
{
	Req a(7);
	ReqList l;
	l.push_back(a);
	auto it = l.begin();
	EXPECT_EQ(it->id, 7);
	EXPECT_EQ((*it).id, 7);
	++it;
	EXPECT_FALSE(it != l.end());
	drain(l);
}

TEST_F(ListTest, InsertAfter)
{
	Req a(1), b(2), c(3);
	ReqList l;
	l.push_back(a);
	l.push_back(c);
	l.insert_after(a, b);
	EXPECT_EQ(ids(l), (std::vector<int>{1, 2, 3}));
	Req d(4);
	l.insert_after(c, d);
	EXPECT_EQ(l.back(), &d);
	drain(l);
}

TEST_F(ListTest, SpliceBackMovesEverything)
{
	Req a(1), b(2), c(3), d(4);
	ReqList x, y;
	x.push_back(a);
	y.push_back(b);
	y.push_back(c);
	y.push_back(d);
	x.splice_back(y);
	EXPECT_TRUE(y.is_empty());
	EXPECT_EQ(ids(x), (std::vector<int>{1, 2, 3, 4}));
	EXPECT_EQ(x.len(), 4u);
	ReqList empty;
	x.splice_back(empty);
	EXPECT_EQ(x.len(), 4u);
	drain(x);
}

TEST_F(ListTest, AnElementCanBeOnTwoListsThroughTwoLinks)
{
	Req a(1), b(2);
	ReqList by_link;
	OtherList by_other;
	by_link.push_back(a);
	by_link.push_back(b);
	by_other.push_back(b);
	by_other.push_back(a);
	EXPECT_EQ(ids(by_link), (std::vector<int>{1, 2}));
	EXPECT_EQ(ids(by_other), (std::vector<int>{2, 1}));
	by_link.remove(a);
	EXPECT_EQ(ids(by_other), (std::vector<int>{2, 1}));
	drain(by_link);
	drain(by_other);
}

TEST_F(ListTest, PushingALinkedElementIsABug)
{
	GTEST_FLAG_SET(death_test_style, "threadsafe");
	auto twice = [] {
		Req a(1);
		ReqList l;
		l.push_back(a);
		l.push_back(a);
	};
	EXPECT_DEATH(twice(), "BUG_ON\\(l->is_linked\\(\\)\\)");
}

TEST_F(ListTest, RemovingAnUnlinkedElementIsABug)
{
	GTEST_FLAG_SET(death_test_style, "threadsafe");
	auto unlinked = [] {
		Req a(1);
		ReqList l;
		l.remove(a);
	};
	EXPECT_DEATH(unlinked(), "BUG_ON\\(!l->is_linked\\(\\)\\)");
}

TEST_F(ListTest, DestroyingANonEmptyListIsABug)
{
	GTEST_FLAG_SET(death_test_style, "threadsafe");
	auto leave = [] {
		Req a(1);
		ReqList l;
		l.push_back(a);
	};
	EXPECT_DEATH(leave(), "BUG_ON\\(!is_empty\\(\\)\\)");
}
