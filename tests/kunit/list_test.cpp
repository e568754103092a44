// SPDX-License-Identifier: GPL-2.0
// kcpp_list: the intrusive doubly-linked List.
#include "common.h"

using namespace kcpp;
using namespace kcpp_test;

struct Item {
	explicit Item(int i) : id(i) {}
	ListLinks link;
	int id;
};
using ItemList = List<Item, &Item::link>;

// The ids in list order, as a number: {1, 2, 3} -> 123 (ids are single digits).
static long ids(ItemList &l)
{
	long v = 0;
	for (Item &i : l)
		v = v * 10 + i.id;
	return v;
}

// Lists must be empty when destroyed (a BUG otherwise): every test drains its lists.
static void drain(ItemList &l)
{
	while (l.pop_front() != nullptr) {
	}
}

static void empty_list(Test &t)
{
	ItemList l;
	KCPP_EXPECT_TRUE(t, l.is_empty());
	KCPP_EXPECT_EQ(t, l.len(), 0u);
	KCPP_EXPECT_TRUE(t, l.front() == nullptr);
	KCPP_EXPECT_TRUE(t, l.back() == nullptr);
	KCPP_EXPECT_TRUE(t, l.pop_front() == nullptr);
	KCPP_EXPECT_EQ(t, ids(l), 0);
}

static void push_back_keeps_order(Test &t)
{
	Item a(1), b(2), c(3);
	ItemList l;
	l.push_back(a);
	l.push_back(b);
	l.push_back(c);
	KCPP_EXPECT_EQ(t, l.len(), 3u);
	KCPP_EXPECT_EQ(t, ids(l), 123);
	KCPP_EXPECT_TRUE(t, l.front() == &a);
	KCPP_EXPECT_TRUE(t, l.back() == &c);
	KCPP_EXPECT_TRUE(t, a.link.is_linked());
	drain(l);
}

static void push_front_reverses(Test &t)
{
	Item a(1), b(2), c(3);
	ItemList l;
	l.push_front(a);
	l.push_front(b);
	l.push_front(c);
	KCPP_EXPECT_EQ(t, ids(l), 321);
	KCPP_EXPECT_TRUE(t, l.back() == &a);
	drain(l);
}

static void pop_front_is_fifo_and_unlinks(Test &t)
{
	Item a(1), b(2);
	ItemList l;
	l.push_back(a);
	l.push_back(b);
	KCPP_EXPECT_TRUE(t, l.pop_front() == &a);
	KCPP_EXPECT_FALSE(t, a.link.is_linked());
	KCPP_EXPECT_EQ(t, ids(l), 2);
	l.push_back(a); // an unlinked element can go on a list again
	KCPP_EXPECT_EQ(t, ids(l), 21);
	KCPP_EXPECT_TRUE(t, l.pop_front() == &b);
	KCPP_EXPECT_TRUE(t, l.pop_front() == &a);
	KCPP_EXPECT_TRUE(t, l.is_empty());
}

static void remove_from_the_middle(Test &t)
{
	Item a(1), b(2), c(3), d(4), e(5);
	ItemList l;
	Item *all[] = {&a, &b, &c, &d, &e};
	for (Item *i : all)
		l.push_back(*i);
	l.remove(c);
	KCPP_EXPECT_FALSE(t, c.link.is_linked());
	KCPP_EXPECT_EQ(t, ids(l), 1245);
	l.remove(a);
	l.remove(e);
	KCPP_EXPECT_EQ(t, ids(l), 24);
	KCPP_EXPECT_TRUE(t, l.front() == &b);
	KCPP_EXPECT_TRUE(t, l.back() == &d);
	drain(l);
}

static void remove_while_iterating(Test &t)
{
	Item items[] = {Item(1), Item(2), Item(3), Item(4), Item(5), Item(6)};
	ItemList l;
	for (Item &i : items)
		l.push_back(i);
	for (Item &i : l)
		if (i.id % 2 != 0)
			l.remove(i); // iteration has already stepped past it
	KCPP_EXPECT_EQ(t, ids(l), 246);
	KCPP_EXPECT_EQ(t, l.len(), 3u);
	for (Item &i : l)
		l.remove(i);
	KCPP_EXPECT_TRUE(t, l.is_empty());
}

static void insert_after_an_element(Test &t)
{
	Item a(1), b(2), c(3), d(4);
	ItemList l;
	l.push_back(a);
	l.push_back(c);
	l.insert_after(a, b);
	l.insert_after(c, d); // after the last one: the new back
	KCPP_EXPECT_EQ(t, ids(l), 1234);
	KCPP_EXPECT_TRUE(t, l.back() == &d);
	drain(l);
}

static void splice_moves_everything(Test &t)
{
	Item a(1), b(2), c(3), d(4);
	ItemList l, other;
	l.push_back(a);
	other.push_back(b);
	other.push_back(c);
	other.push_back(d);
	l.splice_back(other);
	KCPP_EXPECT_TRUE(t, other.is_empty());
	KCPP_EXPECT_EQ(t, ids(l), 1234);
	l.splice_back(other); // splicing an empty list changes nothing
	KCPP_EXPECT_EQ(t, l.len(), 4u);
	drain(l);
}

struct Job {
	explicit Job(int i) : id(i) {}
	ListLinks queue_link;
	ListLinks all_link;
	int id;
};

static void one_element_on_two_lists(Test &t)
{
	Job j1(1), j2(2), j3(3);
	List<Job, &Job::queue_link> queue;
	List<Job, &Job::all_link> all;
	Job *jobs[] = {&j1, &j2, &j3};
	for (Job *j : jobs)
		all.push_back(*j);
	queue.push_back(j3);
	queue.push_back(j1);
	KCPP_EXPECT_EQ(t, all.len(), 3u);
	KCPP_EXPECT_EQ(t, queue.len(), 2u);
	KCPP_EXPECT_TRUE(t, queue.front() == &j3);
	all.remove(j3); // still queued
	KCPP_EXPECT_TRUE(t, j3.queue_link.is_linked());
	KCPP_EXPECT_EQ(t, all.len(), 2u);
	while (queue.pop_front() != nullptr) {
	}
	while (all.pop_front() != nullptr) {
	}
	KCPP_EXPECT_FALSE(t, j1.all_link.is_linked() || j1.queue_link.is_linked());
}

KCPP_KUNIT_SUITE(kcpp_list,
		 KCPP_KUNIT_CASE(empty_list),
		 KCPP_KUNIT_CASE(push_back_keeps_order),
		 KCPP_KUNIT_CASE(push_front_reverses),
		 KCPP_KUNIT_CASE(pop_front_is_fifo_and_unlinks),
		 KCPP_KUNIT_CASE(remove_from_the_middle),
		 KCPP_KUNIT_CASE(remove_while_iterating),
		 KCPP_KUNIT_CASE(insert_after_an_element),
		 KCPP_KUNIT_CASE(splice_moves_everything),
		 KCPP_KUNIT_CASE(one_element_on_two_lists));
