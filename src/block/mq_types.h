/* SPDX-License-Identifier: GPL-2.0 */
/* The C layout behind a C++ TagSet: the kernel's tag set and the ops table it points to,
 * which must live as long as the tag set. Seen only by C; C++ holds opaque storage. */
#ifndef KCPP_MQ_TYPES_H
#define KCPP_MQ_TYPES_H

#include <linux/blk-mq.h>
#include <linux/pci.h>

struct kcpp_tag_set {
	struct blk_mq_tag_set set;
	struct blk_mq_ops ops;
	struct pci_dev *map_pdev;	/* map_queues by this device's vector affinity, or NULL */
	unsigned int map_offset;	/* the vector of hardware queue 0 */
};

#endif
