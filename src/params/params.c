// SPDX-License-Identifier: GPL-2.0
/* struct kernel_param_ops for kcpp module parameters: the kernel calls these with the
 * C++ parameter descriptor in kp->arg (see kcpp/params.h). */
#include <linux/mm.h>
#include <linux/moduleparam.h>
#include <linux/printk.h>
#include <kcpp/bindings.h>

static int kcpp_param_ops_set(const char *val, const struct kernel_param *kp)
{
	int err = kcpp_param_set(kp->arg, kp->name, val);

	if (err)
		pr_err("%s: parameter '%s': invalid value '%s' (%d)\n", KBUILD_MODNAME, kp->name,
		       val ? val : "(none)", err);
	return err;
}

static int kcpp_param_ops_get(char *buffer, const struct kernel_param *kp)
{
	return kcpp_param_get(kp->arg, buffer, PAGE_SIZE);
}

const struct kernel_param_ops kcpp_param_ops = {
	.set = kcpp_param_ops_set,
	.get = kcpp_param_ops_get,
};
