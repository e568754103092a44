// SPDX-License-Identifier: GPL-2.0
// kcpp/vec.h — Vec<T>: a growable array on kmalloc. Every growth is fallible and names its
// GFP flags; sizes are overflow-checked; indexing out of bounds is a BUG, get() is checked.
#pragma once

#include <kcpp/error.h>
#include <kcpp/new.h>

namespace kcpp {

template <typename T> class Vec {
public:
	Vec() = default;
	Vec(Vec &&o)
		: data_(exchange(o.data_, nullptr)), len_(exchange(o.len_, 0)), cap_(exchange(o.cap_, 0))
	{
	}
	Vec &operator=(Vec &&o)
	{
		Vec tmp(move(o));
		swap(data_, tmp.data_);
		swap(len_, tmp.len_);
		swap(cap_, tmp.cap_);
		return *this;
	}
	Vec(const Vec &) = delete;
	Vec &operator=(const Vec &) = delete;
	~Vec()
	{
		clear();
		kcpp_kfree(data_);
	}

	[[nodiscard]] static Result<Vec> with_capacity(usize n, Gfp flags)
	{
		Vec v;
		TRY(v.reserve(n, flags));
		return v;
	}

	usize len() const { return len_; }
	usize capacity() const { return cap_; }
	bool is_empty() const { return len_ == 0; }
	T *data() { return data_; }
	const T *data() const { return data_; }
	T *begin() { return data_; }
	T *end() { return data_ + len_; }
	const T *begin() const { return data_; }
	const T *end() const { return data_ + len_; }

	T &operator[](usize i)
	{
		KCPP_BUG_ON(i >= len_);
		return data_[i];
	}
	const T &operator[](usize i) const
	{
		KCPP_BUG_ON(i >= len_);
		return data_[i];
	}
	// nullptr when out of bounds.
	T *get(usize i) { return i < len_ ? &data_[i] : nullptr; }
	const T *get(usize i) const { return i < len_ ? &data_[i] : nullptr; }

	// Makes room for at least `additional` more elements.
	[[nodiscard]] Result<void> reserve(usize additional, Gfp flags)
	{
		usize want;
		if (!checked_add(len_, additional, &want))
			return code::EOVERFLOW;
		if (want <= cap_)
			return {};
		usize grown = cap_ < 4 ? 4 : cap_ * 2;
		if (grown < cap_ || grown < want)
			grown = want;
		return grow_to(grown, flags);
	}

	[[nodiscard]] Result<void> push(T value, Gfp flags)
	{
		TRY(reserve(1, flags));
		new (&data_[len_]) T(move(value));
		++len_;
		return {};
	}

	// Appends without allocating; the caller reserved room first (e.g. under a spinlock).
	[[nodiscard]] Result<void> push_within_capacity(T value)
	{
		if (len_ == cap_)
			return code::ENOMEM;
		new (&data_[len_]) T(move(value));
		++len_;
		return {};
	}

	// Removes and returns the last element; false (and `out` untouched) when empty.
	bool pop(T *out)
	{
		if (len_ == 0)
			return false;
		--len_;
		*out = move(data_[len_]);
		data_[len_].~T();
		return true;
	}

	// Shrinks to n elements (n <= len); growing needs resize().
	void truncate(usize n)
	{
		while (len_ > n) {
			--len_;
			data_[len_].~T();
		}
	}
	void clear() { truncate(0); }

	// Grows to n default-constructed elements, or truncates.
	[[nodiscard]] Result<void> resize(usize n, Gfp flags)
	{
		if (n <= len_) {
			truncate(n);
			return {};
		}
		TRY(reserve(n - len_, flags));
		while (len_ < n)
			new (&data_[len_++]) T();
		return {};
	}

	[[nodiscard]] Result<void> extend_from(const T *src, usize n, Gfp flags)
	{
		// src may point into this Vec: find it again in the new buffer after a growth.
		const uptr at = reinterpret_cast<uptr>(src) - reinterpret_cast<uptr>(data_);
		const bool inside = at < len_ * sizeof(T);
		TRY(reserve(n, flags));
		if (inside)
			src = data_ + at / sizeof(T);
		for (usize i = 0; i < n; ++i)
			new (&data_[len_++]) T(src[i]);
		return {};
	}

private:
	Result<void> grow_to(usize new_cap, Gfp flags)
	{
		usize bytes;
		if (!checked_mul(new_cap, sizeof(T), &bytes))
			return code::EOVERFLOW;
		T *fresh = static_cast<T *>(kcpp_kmalloc(bytes, flags.bits()));
		if (fresh == nullptr)
			return code::ENOMEM;
		for (usize i = 0; i < len_; ++i) {
			new (&fresh[i]) T(move(data_[i]));
			data_[i].~T();
		}
		kcpp_kfree(data_);
		data_ = fresh;
		cap_ = new_cap;
		return {};
	}

	T *data_ = nullptr;
	usize len_ = 0;
	usize cap_ = 0;
};

} // namespace kcpp
