// SPDX-License-Identifier: GPL-2.0
// kcpp/list.h — an intrusive doubly-linked list: elements carry their own links, so
// inserting never allocates (usable under a spinlock) and removal is O(1).
//
//     struct Req { ListLinks link; int id; };
//     List<Req, &Req::link> pending;
//     pending.push_back(req);          // req must outlive its time on the list
//     for (Req &r : pending) ...
//     Req *first = pending.pop_front();
//
// The list does not own its elements. An element is on at most one list per ListLinks
// member; pushing a linked element is a BUG (as the kernel's DEBUG_LIST would report).
#pragma once

#include <kcpp/panic.h>
#include <kcpp/types.h>

namespace kcpp {

struct ListLinks {
	ListLinks *prev = nullptr;
	ListLinks *next = nullptr;
	bool is_linked() const { return next != nullptr; }
};

template <typename T, ListLinks T::*Member> class List : Pinned {
public:
	List() { head_.prev = head_.next = &head_; }
	~List() { KCPP_BUG_ON(!is_empty()); } // elements must be taken off first

	bool is_empty() const { return head_.next == &head_; }
	usize len() const
	{
		usize n = 0;
		for (const ListLinks *l = head_.next; l != &head_; l = l->next)
			++n;
		return n;
	}

	void push_back(T &item) { insert_before(&head_, links(item)); }
	void push_front(T &item) { insert_before(head_.next, links(item)); }
	// Inserts `item` right after `pos`, which must be on this list.
	void insert_after(T &pos, T &item) { insert_before(links(pos)->next, links(item)); }

	T *front() { return is_empty() ? nullptr : owner(head_.next); }
	T *back() { return is_empty() ? nullptr : owner(head_.prev); }
	T *pop_front()
	{
		T *item = front();
		if (item != nullptr)
			remove(*item);
		return item;
	}

	// `item` must be on this list.
	void remove(T &item)
	{
		ListLinks *l = links(item);
		KCPP_BUG_ON(!l->is_linked());
		l->prev->next = l->next;
		l->next->prev = l->prev;
		l->prev = l->next = nullptr;
	}

	// Moves every element of `other` to the end of this list.
	void splice_back(List &other)
	{
		while (T *item = other.pop_front())
			push_back(*item);
	}

	class Iterator {
	public:
		Iterator(ListLinks *at, const ListLinks *head) : at_(at), head_(head) {}
		T &operator*() const { return *owner(at_); }
		T *operator->() const { return owner(at_); }
		// Steps first, so the current element may be removed while iterating.
		Iterator &operator++()
		{
			at_ = next_;
			next_ = at_->next;
			return *this;
		}
		bool operator!=(const Iterator &o) const { return at_ != o.at_; }

	private:
		friend class List;
		ListLinks *at_;
		ListLinks *next_ = at_->next;
		[[maybe_unused]] const ListLinks *head_;
	};
	Iterator begin() { return Iterator(head_.next, &head_); }
	Iterator end() { return Iterator(&head_, &head_); }

private:
	static ListLinks *links(T &item) { return &(item.*Member); }
	static T *owner(ListLinks *l) { return container_of(l, Member); }
	void insert_before(ListLinks *pos, ListLinks *l)
	{
		KCPP_BUG_ON(l->is_linked());
		l->prev = pos->prev;
		l->next = pos;
		pos->prev->next = l;
		pos->prev = l;
	}
	ListLinks head_;
};

} // namespace kcpp
