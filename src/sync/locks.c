// SPDX-License-Identifier: GPL-2.0
/*
 * Lock shims. Initialisers take the lockdep name and key from the C++ declaration site
 * (KCPP_LOCK_CLASS), as the kernel's spin_lock_init()/mutex_init() macros take theirs from
 * the C call site: one shim must not collapse every C++ lock into one lockdep class.
 *
 * SAFETY (all functions): the opaque pointers point at storage inside a C++ lock object of
 * KCPP_SIZEOF_* bytes and alignment (checked in runtime/errno_check.c), initialised by the
 * *_init shim before any other use, and never moved (the C++ types are Pinned).
 */
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <kcpp/bindings.h>

#define SPIN(l) ((spinlock_t *)(l))
#define MUTEX(l) ((struct mutex *)(l))
#define KEY(k) ((struct lock_class_key *)(k))

void kcpp_spin_lock_init(struct kcpp_spinlock *lock, const char *name,
			 struct kcpp_lock_class_key *key)
{
#ifdef CONFIG_DEBUG_SPINLOCK
	__raw_spin_lock_init(spinlock_check(SPIN(lock)), name, KEY(key), LD_WAIT_CONFIG);
#else
	spin_lock_init(SPIN(lock));
#endif
}

void kcpp_spin_lock(struct kcpp_spinlock *lock)
{
	spin_lock(SPIN(lock));
}

void kcpp_spin_unlock(struct kcpp_spinlock *lock)
{
	spin_unlock(SPIN(lock));
}

int kcpp_spin_trylock(struct kcpp_spinlock *lock)
{
	return spin_trylock(SPIN(lock));
}

unsigned long kcpp_spin_lock_irqsave(struct kcpp_spinlock *lock)
{
	unsigned long flags;

	spin_lock_irqsave(SPIN(lock), flags);
	return flags;
}

void kcpp_spin_unlock_irqrestore(struct kcpp_spinlock *lock, unsigned long flags)
{
	spin_unlock_irqrestore(SPIN(lock), flags);
}

int kcpp_spin_is_locked(struct kcpp_spinlock *lock)
{
	return spin_is_locked(SPIN(lock));
}

int kcpp_irqs_disabled(void)
{
	return irqs_disabled();
}

void kcpp_mutex_init(struct kcpp_mutex *lock, const char *name, struct kcpp_lock_class_key *key)
{
	__mutex_init(MUTEX(lock), name, KEY(key));
}

void kcpp_mutex_destroy(struct kcpp_mutex *lock)
{
	mutex_destroy(MUTEX(lock));
}

void kcpp_mutex_lock(struct kcpp_mutex *lock)
{
	mutex_lock(MUTEX(lock));
}

int kcpp_mutex_lock_interruptible(struct kcpp_mutex *lock)
{
	return mutex_lock_interruptible(MUTEX(lock));
}

int kcpp_mutex_trylock(struct kcpp_mutex *lock)
{
	return mutex_trylock(MUTEX(lock));
}

void kcpp_mutex_unlock(struct kcpp_mutex *lock)
{
	mutex_unlock(MUTEX(lock));
}

int kcpp_mutex_is_locked(struct kcpp_mutex *lock)
{
	return mutex_is_locked(MUTEX(lock));
}
