// SPDX-License-Identifier: GPL-2.0
/* refcount_t for Arc: saturating, with the kernel's overflow/underflow warnings.
 * SAFETY: the pointer is a C++ RefCount's storage, sized and aligned as refcount_t. */
#include <linux/refcount.h>
#include <kcpp/bindings.h>

#define REF(r) ((refcount_t *)(r))

void kcpp_refcount_set(struct kcpp_refcount *r, int n)
{
	refcount_set(REF(r), n);
}

unsigned int kcpp_refcount_read(const struct kcpp_refcount *r)
{
	return refcount_read((const refcount_t *)r);
}

void kcpp_refcount_inc(struct kcpp_refcount *r)
{
	refcount_inc(REF(r));
}

int kcpp_refcount_inc_not_zero(struct kcpp_refcount *r)
{
	return refcount_inc_not_zero(REF(r));
}

int kcpp_refcount_dec_and_test(struct kcpp_refcount *r)
{
	return refcount_dec_and_test(REF(r));
}
