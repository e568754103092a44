// SPDX-License-Identifier: GPL-2.0
// kcpp/workqueue.h — work items run later in process context, and workqueues to run them.
//
//     struct Dev {
//         Work reset_work{KCPP_LOCK_CLASS("mydrv_reset"), [](Work &w) {
//             Work::owner(&w, &Dev::reset_work)->reset();
//         }};
//     };
//     dev->reset_work.queue();            // on the system workqueue
//     dev->reset_work.cancel_sync();      // before Dev goes away
#pragma once

#include <kcpp/error.h>
#include <kcpp/lock_class.h>

namespace kcpp {

class Workqueue;

class Work : Pinned {
public:
	using Fn = void (*)(Work &);

	Work(LockClass cls, Fn fn) : fn_(fn) { kcpp_work_init(raw(), &Work::trampoline, cls.name, cls.key->raw()); }
	// Work must be idle (cancel_sync) before it is destroyed.
	~Work() { KCPP_WARN_ON_ONCE(pending()); }

	// False if it was already queued. nullptr means the system workqueue.
	bool queue(Workqueue *wq = nullptr);
	bool cancel_sync() { return kcpp_work_cancel_sync(raw()); }
	bool flush() { return kcpp_work_flush(raw()); }
	bool pending() { return kcpp_work_pending(raw()); }

	// The object this work item is the `member` of.
	template <typename T> static T *owner(Work *w, Work T::*member) { return container_of(w, member); }

private:
	static void trampoline(kcpp_work *raw)
	{
		// SAFETY: raw is the storage_ member at offset 0 of a Work (standard layout), as
		// passed to kcpp_work_init; the work item is alive while it runs (cancel_sync
		// before destruction).
		Work *self = reinterpret_cast<Work *>(raw);
		self->fn_(*self);
	}
	kcpp_work *raw() { return storage_.as<kcpp_work>(); }
	Opaque<KCPP_SIZEOF_WORK, KCPP_ALIGNOF_WORK> storage_;
	Fn fn_ = nullptr;
};

class DelayedWork : Pinned {
public:
	using Fn = void (*)(DelayedWork &);

	DelayedWork(LockClass cls, Fn fn) : fn_(fn)
	{
		kcpp_delayed_work_init(raw(), &DelayedWork::trampoline, cls.name, cls.key->raw());
	}
	~DelayedWork() { KCPP_WARN_ON_ONCE(kcpp_work_pending(kcpp_delayed_work_to_work(raw()))); }

	bool queue(unsigned long delay_jiffies, Workqueue *wq = nullptr);
	bool cancel_sync() { return kcpp_delayed_work_cancel_sync(raw()); }
	template <typename T> static T *owner(DelayedWork *w, DelayedWork T::*member) { return container_of(w, member); }

private:
	static void trampoline(kcpp_work *raw)
	{
		// SAFETY: kcpp_delayed_work_init passes the delayed work's storage (offset 0 of a
		// DelayedWork, standard layout) back as the work pointer; see src/task/workqueue.c.
		DelayedWork *self = reinterpret_cast<DelayedWork *>(raw);
		self->fn_(*self);
	}
	kcpp_delayed_work *raw() { return storage_.as<kcpp_delayed_work>(); }
	Opaque<KCPP_SIZEOF_DELAYED_WORK, KCPP_ALIGNOF_DELAYED_WORK> storage_;
	Fn fn_;
};

// An owned workqueue (alloc_workqueue/destroy_workqueue).
class Workqueue {
public:
	enum Flags : unsigned int { UNBOUND = 1u << 1, FREEZABLE = 1u << 2, MEM_RECLAIM = 1u << 3, HIGHPRI = 1u << 4 };

	[[nodiscard]] static Result<Workqueue> alloc(const char *name, unsigned int flags, int max_active)
	{
		kcpp_workqueue *wq = kcpp_workqueue_alloc(name, flags, max_active);
		if (wq == nullptr)
			return code::ENOMEM;
		return Workqueue(wq);
	}
	Workqueue(Workqueue &&o) : wq_(exchange(o.wq_, nullptr)) {}
	Workqueue(const Workqueue &) = delete;
	Workqueue &operator=(const Workqueue &) = delete;
	// Drains and destroys: pending work runs first.
	~Workqueue()
	{
		if (wq_ != nullptr)
			kcpp_workqueue_destroy(wq_);
	}
	void flush() { kcpp_workqueue_flush(wq_); }
	kcpp_workqueue *raw() const { return wq_; }

private:
	explicit Workqueue(kcpp_workqueue *wq) : wq_(wq) {}
	kcpp_workqueue *wq_;
};

inline bool Work::queue(Workqueue *wq) { return kcpp_work_queue(wq ? wq->raw() : nullptr, raw()); }
inline bool DelayedWork::queue(unsigned long delay, Workqueue *wq)
{
	return kcpp_delayed_work_queue(wq ? wq->raw() : nullptr, raw(), delay);
}

} // namespace kcpp
