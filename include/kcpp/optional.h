// SPDX-License-Identifier: GPL-2.0
// kcpp/optional.h — Optional<T>: a T or nothing, in place (no allocation).
//
// For members acquired after construction (an object's resources filled in by a later
// setup step) and for lookups that may find nothing. Accessing an empty Optional is a BUG.
#pragma once

#include <kcpp/new.h>
#include <kcpp/panic.h>
#include <kcpp/types.h>

namespace kcpp {

template <typename T> class Optional {
public:
	Optional() {}
	Optional(T &&value) : has_(true) { new (&value_) T(move(value)); }
	Optional(Optional &&o) : has_(o.has_)
	{
		if (has_)
			new (&value_) T(move(o.value_));
		o.reset();
	}
	Optional(const Optional &) = delete;
	Optional &operator=(const Optional &) = delete;
	Optional &operator=(Optional &&o)
	{
		if (this != &o) {
			reset();
			if (o.has_) {
				new (&value_) T(move(o.value_));
				has_ = true;
				o.reset();
			}
		}
		return *this;
	}
	Optional &operator=(T &&value)
	{
		reset();
		new (&value_) T(move(value));
		has_ = true;
		return *this;
	}
	~Optional() { reset(); }

	void reset()
	{
		if (has_) {
			value_.~T();
			has_ = false;
		}
	}
	bool has_value() const { return has_; }
	explicit operator bool() const { return has_; }
	T &operator*()
	{
		KCPP_BUG_ON(!has_);
		return value_;
	}
	const T &operator*() const
	{
		KCPP_BUG_ON(!has_);
		return value_;
	}
	T *operator->() { return &**this; }
	const T *operator->() const { return &**this; }

private:
	union {
		T value_;
	};
	bool has_ = false;
};

} // namespace kcpp
