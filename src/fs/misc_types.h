/* SPDX-License-Identifier: GPL-2.0 */
/* The C layout behind a C++ MiscDevice: the misc device, its file operations (whose address
 * leads back here from any open file) and the C++ description. Seen only by C. */
#ifndef KCPP_MISC_TYPES_H
#define KCPP_MISC_TYPES_H

#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <kcpp/bindings.h>

struct kcpp_miscdev {
	struct miscdevice misc;
	struct file_operations fops;
	const struct kcpp_file_ops_desc *ops;
	void *shared;
};

#endif
