// SPDX-License-Identifier: GPL-2.0
/* struct device helpers for kcpp/device.h. SAFETY: the device pointer comes from a bus
 * callback (probe/remove) or from a binding object that is destroyed before unbind ends. */
#include <linux/device.h>
#include <linux/kernel.h>
#include <kcpp/bindings.h>

#define DEV(d) ((const struct device *)(d))

void kcpp_dev_print(const struct kcpp_device *dev, int level, const char *msg, size_t len)
{
	int n = len > INT_MAX ? INT_MAX : (int)len;

	switch (level) {
	case 0: dev_emerg(DEV(dev), "%.*s\n", n, msg); break;
	case 1: dev_alert(DEV(dev), "%.*s\n", n, msg); break;
	case 2: dev_crit(DEV(dev), "%.*s\n", n, msg); break;
	case 3: dev_err(DEV(dev), "%.*s\n", n, msg); break;
	case 4: dev_warn(DEV(dev), "%.*s\n", n, msg); break;
	case 5: dev_notice(DEV(dev), "%.*s\n", n, msg); break;
	case 6: dev_info(DEV(dev), "%.*s\n", n, msg); break;
	default: dev_printk(KERN_DEBUG, DEV(dev), "%.*s\n", n, msg); break;
	}
}

const char *kcpp_dev_name(const struct kcpp_device *dev)
{
	return dev_name(DEV(dev));
}
