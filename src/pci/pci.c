// SPDX-License-Identifier: GPL-2.0
/*
 * PCI driver shims for kcpp/pci.h. A module registers at most one PCI driver (its struct
 * pci_driver lives here); probe/remove call back into the C++ description.
 *
 * SAFETY: struct kcpp_pci_dev * is the struct pci_dev * the PCI core passed to probe, used
 * only while bound (the C++ binding object holding it is destroyed in remove). desc and its
 * ID table are static C++ data that outlive the registration.
 */
#include <linux/module.h>
#include <linux/pci.h>
#include <kcpp/bindings.h>
#include <kcpp/gen/layout.h>

#define PDEV(p) ((struct pci_dev *)(p))
#define CPDEV(p) ((const struct pci_dev *)(p))

static_assert(sizeof(struct pci_device_id) == KCPP_SIZEOF_PCI_DEVICE_ID, "pci_device_id size changed");

static const struct kcpp_pci_driver_desc *kcpp_pci_desc;

static int kcpp_pci_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	void *data = NULL;
	int ret = kcpp_pci_desc->probe((struct kcpp_pci_dev *)pdev, id, &data);

	if (ret)
		return ret;
	pci_set_drvdata(pdev, data);
	return 0;
}

static void kcpp_pci_remove(struct pci_dev *pdev)
{
	kcpp_pci_desc->remove((struct kcpp_pci_dev *)pdev, pci_get_drvdata(pdev));
	pci_set_drvdata(pdev, NULL);
}

static void kcpp_pci_shutdown(struct pci_dev *pdev)
{
	if (kcpp_pci_desc->shutdown)
		kcpp_pci_desc->shutdown((struct kcpp_pci_dev *)pdev, pci_get_drvdata(pdev));
}

static struct pci_driver kcpp_pci_driver = {
	.probe = kcpp_pci_probe,
	.remove = kcpp_pci_remove,
	.shutdown = kcpp_pci_shutdown,
};

int kcpp_pci_register_driver(const struct kcpp_pci_driver_desc *desc)
{
	if (kcpp_pci_desc)
		return -EBUSY;
	kcpp_pci_desc = desc;
	kcpp_pci_driver.name = desc->name;
	kcpp_pci_driver.id_table = desc->ids;
	return pci_register_driver(&kcpp_pci_driver);
}

void kcpp_pci_unregister_driver(void)
{
	pci_unregister_driver(&kcpp_pci_driver);
	kcpp_pci_desc = NULL;
}

struct kcpp_device *kcpp_pci_to_dev(struct kcpp_pci_dev *pdev)
{
	return (struct kcpp_device *)&PDEV(pdev)->dev;
}

unsigned short kcpp_pci_vendor(const struct kcpp_pci_dev *pdev) { return CPDEV(pdev)->vendor; }
unsigned short kcpp_pci_device(const struct kcpp_pci_dev *pdev) { return CPDEV(pdev)->device; }
unsigned char kcpp_pci_revision(const struct kcpp_pci_dev *pdev) { return CPDEV(pdev)->revision; }
unsigned int kcpp_pci_class(const struct kcpp_pci_dev *pdev) { return CPDEV(pdev)->class; }
int kcpp_pci_enable_device(struct kcpp_pci_dev *pdev) { return pci_enable_device(PDEV(pdev)); }
void kcpp_pci_disable_device(struct kcpp_pci_dev *pdev) { pci_disable_device(PDEV(pdev)); }
void kcpp_pci_set_master(struct kcpp_pci_dev *pdev) { pci_set_master(PDEV(pdev)); }
void kcpp_pci_clear_master(struct kcpp_pci_dev *pdev) { pci_clear_master(PDEV(pdev)); }

int kcpp_pci_request_regions(struct kcpp_pci_dev *pdev, const char *name)
{
	return pci_request_regions(PDEV(pdev), name);
}

void kcpp_pci_release_regions(struct kcpp_pci_dev *pdev)
{
	pci_release_regions(PDEV(pdev));
}

unsigned long long kcpp_pci_resource_len(const struct kcpp_pci_dev *pdev, int bar)
{
	if (bar < 0 || bar >= PCI_STD_NUM_BARS)
		return 0;
	return pci_resource_len(CPDEV(pdev), bar);
}

void *kcpp_pci_iomap(struct kcpp_pci_dev *pdev, int bar, unsigned long long *len)
{
	void __iomem *addr;

	*len = kcpp_pci_resource_len(pdev, bar);
	if (!*len || !(pci_resource_flags(PDEV(pdev), bar) & IORESOURCE_MEM))
		return NULL;
	addr = pci_iomap(PDEV(pdev), bar, 0);
	/* C++ only reaches it through kcpp::io accessors, which mirror readl/writel. */
	return (void __force *)addr;
}

void kcpp_pci_iounmap(struct kcpp_pci_dev *pdev, void *addr)
{
	pci_iounmap(PDEV(pdev), (void __iomem __force *)addr);
}

int kcpp_pci_alloc_irq_vectors(struct kcpp_pci_dev *pdev, unsigned int min, unsigned int max,
			       unsigned int flags)
{
	return pci_alloc_irq_vectors(PDEV(pdev), min, max, flags);
}

int kcpp_pci_alloc_irq_vectors_spread(struct kcpp_pci_dev *pdev, unsigned int min, unsigned int max,
				      unsigned int flags, unsigned int pre_vectors)
{
	struct irq_affinity affd = { .pre_vectors = pre_vectors };

	return pci_alloc_irq_vectors_affinity(PDEV(pdev), min, max, flags | PCI_IRQ_AFFINITY, &affd);
}

void kcpp_pci_free_irq_vectors(struct kcpp_pci_dev *pdev)
{
	pci_free_irq_vectors(PDEV(pdev));
}

int kcpp_pci_irq_vector(struct kcpp_pci_dev *pdev, unsigned int nr)
{
	return pci_irq_vector(PDEV(pdev), nr);
}

int kcpp_pci_irq_kind(const struct kcpp_pci_dev *pdev)
{
	if (CPDEV(pdev)->msix_enabled)
		return 1;
	if (CPDEV(pdev)->msi_enabled)
		return 2;
	return 0;
}

int kcpp_pci_device_is_present(struct kcpp_pci_dev *pdev)
{
	return pci_device_is_present(PDEV(pdev));
}
