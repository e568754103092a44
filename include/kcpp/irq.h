// SPDX-License-Identifier: GPL-2.0
// kcpp/irq.h — interrupt handlers registered for as long as an object lives.
//
//     struct Dev { ... irq::Registration<Dev> irq; static irq::Return handle_irq(Dev &); };
//     TRY(dev->irq.request(vector, *dev, "mydrv"));   // free_irq when Dev is destroyed
//
// The handler runs in hard interrupt context: no sleeping, only spinlocks (SpinLockIrq for
// data shared with process context).
#pragma once

#include <kcpp/error.h>

namespace kcpp::irq {

enum class Return : int { None = 0, Handled = 1 };

// Calls T::handle_irq(T &) for interrupts on one vector; unregisters (waiting for a running
// handler to finish) when destroyed, so the handler never sees a dead T.
template <typename T> class Registration : Pinned {
public:
	Registration() = default;
	~Registration() { release(); }

	// `data` must outlive this registration (make both members of one object, the
	// registration declared after what the handler uses, so it is destroyed first).
	[[nodiscard]] Result<void> request(int irq, T &data, const char *name, bool shared = false)
	{
		if (irq_ >= 0)
			return code::EBUSY;
		handler_ = {&Registration::trampoline, &data};
		TRY(to_result(kcpp_request_irq(irq, &handler_, shared, name)));
		irq_ = irq;
		return {};
	}
	void release()
	{
		if (irq_ >= 0)
			kcpp_free_irq(exchange(irq_, -1), &handler_);
	}
	int irq() const { return irq_; }

	// Keeps the interrupt line from running the handler while the guard lives (disable_irq:
	// waits for a handler already running). For recovery code that touches what the
	// handler owns, e.g. a controller reset reaping completion queues itself.
	class Masked {
	public:
		explicit Masked(int irq) : irq_(irq)
		{
			if (irq_ >= 0)
				kcpp_disable_irq(irq_);
		}
		Masked(Masked &&o) : irq_(exchange(o.irq_, -1)) {}
		Masked(const Masked &) = delete;
		Masked &operator=(const Masked &) = delete;
		~Masked()
		{
			if (irq_ >= 0)
				kcpp_enable_irq(irq_);
		}

	private:
		int irq_;
	};
	[[nodiscard]] Masked mask() const { return Masked(irq_); }

private:
	static int trampoline(void *data)
	{
		// SAFETY: data is the T passed to request(), alive until release() returns.
		return static_cast<int>(T::handle_irq(*static_cast<T *>(data)));
	}
	kcpp_irq_handler handler_{};
	int irq_ = -1;
};

} // namespace kcpp::irq
