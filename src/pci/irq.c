// SPDX-License-Identifier: GPL-2.0
/* Interrupt handler registration. SAFETY: h is a pinned C++ IrqRegistration whose destructor
 * calls kcpp_free_irq (which waits for running handlers) before h or its data go away. */
#include <linux/interrupt.h>
#include <kcpp/bindings.h>

static irqreturn_t kcpp_irq_trampoline(int irq, void *cookie)
{
	struct kcpp_irq_handler *h = cookie;

	return h->handler(h->data) ? IRQ_HANDLED : IRQ_NONE;
}

int kcpp_request_irq(int irq, struct kcpp_irq_handler *h, int shared, const char *name)
{
	return request_irq(irq, kcpp_irq_trampoline, shared ? IRQF_SHARED : 0, name, h);
}

void kcpp_free_irq(int irq, struct kcpp_irq_handler *h)
{
	free_irq(irq, h);
}

void kcpp_disable_irq(int irq)
{
	disable_irq(irq);
}

void kcpp_enable_irq(int irq)
{
	enable_irq(irq);
}
