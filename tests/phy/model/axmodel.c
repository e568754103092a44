// SPDX-License-Identifier: GPL-2.0
/*
 * axmodel: a register-level model of an Asix-style 10/100 PHY on a software MDIO bus, the
 * oracle of the differential PHY driver test (tests/qemu/phy.sh). Plain C on purpose: it must
 * not depend on the code under test.
 *
 * A platform device "axmodel" plays the MAC: its driver owns the bus and the net device.
 * Bus "axmodel", id "axmodel-mii"; one PHY at address 1 (bus->phy_mask hides the others, so
 * the scan only touches address 1). Net device "axm0" is attached to it with
 * phy_connect_direct() and phydev->irq = PHY_MAC_INTERRUPT: phylib's state machine runs only
 * when this module calls phy_mac_interrupt() (or phylib itself triggers it), and every control
 * write flushes it, so the traces do not depend on timing.
 *
 * Registers (address 1):
 *   0 BMCR       default 0x3100 (ANENABLE | SPEED100 | FULLDPLX). RESET self-clears: a write
 *                with it restores the defaults of all registers (BMCR, ADVERTISE) and, as
 *                ANENABLE is a default, restarts autonegotiation. ANRESTART self-clears and
 *                restarts autonegotiation, which completes at once when the partner link is
 *                up and ADVERTISE and the partner share a mode; SPEED100/FULLDPLX then show
 *                the resolved mode (highest common of 100FD, 100HD, 10FD, 10HD). PDOWN is
 *                honoured (no link while set; clearing it restarts autonegotiation).
 *                Clearing ANENABLE gives a forced link: up whenever the partner link is up.
 *   1 BMSR       100FD | 100HD | 10FD | 10HD | ANEGCAPABLE | ERCAP (0x7809), no ESTATEN (not
 *                gigabit); LSTATUS latched low (any link drop reads 0 once); ANEGCOMPLETE.
 *   2/3 PHYSID1/2 from module parameter phy_id.
 *   4 ADVERTISE  writable, default 0x01e1.
 *   5 LPA        partner abilities | LPA_LPACK once negotiated, else 0; always 0 while the
 *                "lpa_zero" quirk (the AX88772A erratum) is on.
 *   others       read 0, writes are ignored (both traced).
 * Other addresses read 0xffff (no device); they are never scanned.
 *
 * Every MDIO access is recorded in a trace: "R 01 7809", "W 00 1200", "R 01 -5" (injected
 * error), "W 00 1200 -5"; adjust_link calls are recorded as "LINK up 100/Full" or "LINK down".
 *
 * Control: /sys/kernel/debug/axmodel/
 *   link      up|down      partner link; then phy_mac_interrupt() and a flush
 *   partner   HEX          partner ability bits (LPA layout), e.g. 0x05e1, 0x0021 (10/Half);
 *                          used at the next negotiation
 *   lpa_zero  0|1
 *   fail      "read REG N" | "read all N" | "write REG N" | "write all N" | "0" (clear):
 *             the next N matching accesses fail with -EIO
 *   trace     read: one line per access; write "clear"
 *   pm        suspend|resume: phy_suspend()/phy_resume();
 *             bus-suspend|bus-resume: the MDIO bus PM callbacks (system sleep path; -EOPNOTSUPP
 *             without CONFIG_PM_SLEEP)
 *   reset     1: phy_init_hw() under phydev->lock (the soft_reset path)
 *   attach    0: phy_disconnect(); 1: phy_connect_direct() again (and phy_start() if axm0 is up)
 *   settle    1: flush the state machine
 *   status    read: driver, phylib state, link, speed, duplex, autoneg, attached, model registers
 * Every write flushes phylib's state machine before it returns. Unknown input: -EINVAL.
 */
#define pr_fmt(fmt) "axmodel: " fmt

#include <linux/debugfs.h>
#include <linux/etherdevice.h>
#include <linux/ethtool.h>
#include <linux/mii.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/netdevice.h>
#include <linux/phy.h>
#include <linux/platform_device.h>
#include <linux/rtnetlink.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/vmalloc.h>
#include <linux/workqueue.h>

static uint phy_id = 0x003b1861;
module_param(phy_id, uint, 0444);
MODULE_PARM_DESC(phy_id, "PHY identifier (PHYSID1 << 16 | PHYSID2), default 0x003b1861");

#define AXM_ADDR		1
#define AXM_BMCR_DEFAULT	(BMCR_ANENABLE | BMCR_SPEED100 | BMCR_FULLDPLX)
#define AXM_ADV_DEFAULT		0x01e1
#define AXM_BMSR_BASE		(BMSR_100FULL | BMSR_100HALF | BMSR_10FULL | BMSR_10HALF | \
				 BMSR_ANEGCAPABLE | BMSR_ERCAP)
#define AXM_MODES		(ADVERTISE_100FULL | ADVERTISE_100HALF | ADVERTISE_10FULL | \
				 ADVERTISE_10HALF)
#define AXM_TRACE_MAX		16384

enum axm_op { AXM_READ, AXM_WRITE, AXM_LINK };

struct axm_trace_entry {
	u8 op;
	u8 addr;	/* AXM_LINK: link */
	u8 reg;		/* AXM_LINK: duplex */
	u16 val;	/* written value */
	int res;	/* read value or error; AXM_LINK: speed */
};

/* Injected failures: reg -1 = every register. */
struct axm_fail {
	int reg;
	unsigned int count;
};

struct axm_model {
	struct mutex lock;	/* registers, partner, faults, trace; taken under mdio_lock */
	u16 bmcr, advertise, partner;
	bool partner_link, negotiated, link_dropped, lpa_zero;
	struct axm_fail fail_read, fail_write;
	struct axm_trace_entry *trace;
	unsigned int trace_len, trace_lost;

	struct mutex ctl_lock;	/* serialises control writes */
	struct mii_bus *bus;
	struct phy_device *phydev;	/* owned by the bus */
	struct net_device *ndev;
	struct dentry *dir;
};

static struct axm_model *axm;

/* ---- trace */

static void axm_trace(struct axm_model *m, u8 op, u8 addr, u8 reg, u16 val, int res)
{
	struct axm_trace_entry *e;

	lockdep_assert_held(&m->lock);
	if (m->trace_len >= AXM_TRACE_MAX) {
		m->trace_lost++;
		return;
	}
	e = &m->trace[m->trace_len++];
	e->op = op;
	e->addr = addr;
	e->reg = reg;
	e->val = val;
	e->res = res;
}

/* ---- register model (m->lock held) */

static bool axm_link_now(struct axm_model *m)
{
	if (!m->partner_link || (m->bmcr & BMCR_PDOWN))
		return false;
	return (m->bmcr & BMCR_ANENABLE) ? m->negotiated : true;
}

static void axm_drop_link(struct axm_model *m)
{
	m->negotiated = false;
	m->link_dropped = true;
}

/* (Re)starts autonegotiation; it completes at once if it can. */
static void axm_negotiate(struct axm_model *m)
{
	u16 common;

	axm_drop_link(m);
	if (!(m->bmcr & BMCR_ANENABLE) || (m->bmcr & BMCR_PDOWN) || !m->partner_link)
		return;
	common = m->advertise & m->partner & AXM_MODES;
	if (!common)
		return;
	m->bmcr &= ~(BMCR_SPEED100 | BMCR_FULLDPLX);
	if (common & ADVERTISE_100FULL)
		m->bmcr |= BMCR_SPEED100 | BMCR_FULLDPLX;
	else if (common & ADVERTISE_100HALF)
		m->bmcr |= BMCR_SPEED100;
	else if (common & ADVERTISE_10FULL)
		m->bmcr |= BMCR_FULLDPLX;
	m->negotiated = true;
}

static void axm_write_bmcr(struct axm_model *m, u16 val)
{
	u16 old = m->bmcr;
	bool restart;

	if (val & BMCR_RESET) {
		m->bmcr = AXM_BMCR_DEFAULT;
		m->advertise = AXM_ADV_DEFAULT;
		axm_negotiate(m);
		return;
	}
	m->bmcr = val & ~BMCR_ANRESTART;
	restart = (val & BMCR_ANRESTART) ||
		  ((old & BMCR_PDOWN) && !(m->bmcr & BMCR_PDOWN)) ||
		  (!(old & BMCR_ANENABLE) && (m->bmcr & BMCR_ANENABLE));
	if (restart) {
		axm_negotiate(m);
		return;
	}
	if ((old ^ m->bmcr) & (BMCR_PDOWN | BMCR_ANENABLE | BMCR_ISOLATE | BMCR_LOOPBACK))
		axm_drop_link(m);
	else if (!(m->bmcr & BMCR_ANENABLE) && ((old ^ m->bmcr) & (BMCR_SPEED100 | BMCR_FULLDPLX)))
		axm_drop_link(m);
}

static int axm_reg_read(struct axm_model *m, int reg)
{
	int v;

	switch (reg) {
	case MII_BMCR:
		return m->bmcr;
	case MII_BMSR:
		v = AXM_BMSR_BASE;
		if (axm_link_now(m) && !m->link_dropped)
			v |= BMSR_LSTATUS;
		if ((m->bmcr & BMCR_ANENABLE) && m->negotiated)
			v |= BMSR_ANEGCOMPLETE;
		m->link_dropped = false;	/* the latch follows the link again */
		return v;
	case MII_PHYSID1:
		return (phy_id >> 16) & 0xffff;
	case MII_PHYSID2:
		return phy_id & 0xffff;
	case MII_ADVERTISE:
		return m->advertise;
	case MII_LPA:
		if (!m->negotiated || m->lpa_zero)
			return 0;
		return m->partner | LPA_LPACK;
	default:
		return 0;
	}
}

static void axm_reg_write(struct axm_model *m, int reg, u16 val)
{
	switch (reg) {
	case MII_BMCR:
		axm_write_bmcr(m, val);
		break;
	case MII_ADVERTISE:
		m->advertise = val;
		break;
	default:
		break;
	}
}

static bool axm_should_fail(struct axm_fail *f, int reg)
{
	if (!f->count || (f->reg >= 0 && f->reg != reg))
		return false;
	f->count--;
	return true;
}

/* ---- MDIO bus */

static int axm_mdio_read(struct mii_bus *bus, int addr, int reg)
{
	struct axm_model *m = bus->priv;
	int v;

	if (addr != AXM_ADDR)
		return 0xffff;
	mutex_lock(&m->lock);
	if (axm_should_fail(&m->fail_read, reg))
		v = -EIO;
	else
		v = axm_reg_read(m, reg);
	axm_trace(m, AXM_READ, addr, reg, 0, v);
	mutex_unlock(&m->lock);
	return v;
}

static int axm_mdio_write(struct mii_bus *bus, int addr, int reg, u16 val)
{
	struct axm_model *m = bus->priv;
	int ret = 0;

	if (addr != AXM_ADDR)
		return 0;
	mutex_lock(&m->lock);
	if (axm_should_fail(&m->fail_write, reg))
		ret = -EIO;
	else
		axm_reg_write(m, reg, val);
	axm_trace(m, AXM_WRITE, addr, reg, val, ret);
	mutex_unlock(&m->lock);
	return ret;
}

/* ---- phylib glue */

/* Waits until phylib's state machine is idle: no queued or running instance left (it may
 * queue itself again, e.g. after an error).
 */
static void axm_settle(struct axm_model *m)
{
	struct delayed_work *dw = &m->phydev->state_queue;
	int i;

	for (i = 0; i < 32; i++) {
		flush_delayed_work(dw);
		if (!delayed_work_pending(dw) && !work_busy(&dw->work))
			return;
	}
	pr_warn("state machine did not settle\n");
}

static const char *axm_speed_str(int speed, char *buf, size_t len)
{
	if (speed == SPEED_UNKNOWN)
		return "Unknown";
	snprintf(buf, len, "%d", speed);
	return buf;
}

static void axm_adjust_link(struct net_device *ndev)
{
	struct phy_device *phydev = ndev->phydev;
	char buf[16];

	if (!phydev)
		return;
	mutex_lock(&axm->lock);
	axm_trace(axm, AXM_LINK, phydev->link, phydev->duplex, 0, phydev->speed);
	mutex_unlock(&axm->lock);
	if (phydev->link)
		pr_info("link up %s/%s\n", axm_speed_str(phydev->speed, buf, sizeof(buf)),
			phy_duplex_to_str(phydev->duplex));
	else
		pr_info("link down\n");
}

static int axm_connect(struct axm_model *m)
{
	int err;

	ASSERT_RTNL();
	err = phy_connect_direct(m->ndev, m->phydev, axm_adjust_link, PHY_INTERFACE_MODE_MII);
	if (err)
		return err;
	if (netif_running(m->ndev)) {
		phy_start(m->phydev);
		axm_settle(m);
	}
	return 0;
}

static int axm_ndo_open(struct net_device *ndev)
{
	if (!ndev->phydev)
		return -ENODEV;
	phy_start(ndev->phydev);
	axm_settle(axm);
	netif_start_queue(ndev);
	return 0;
}

static int axm_ndo_stop(struct net_device *ndev)
{
	netif_stop_queue(ndev);
	if (ndev->phydev)
		phy_stop(ndev->phydev);
	return 0;
}

static netdev_tx_t axm_ndo_start_xmit(struct sk_buff *skb, struct net_device *ndev)
{
	ndev->stats.tx_dropped++;
	dev_kfree_skb_any(skb);
	return NETDEV_TX_OK;
}

static const struct net_device_ops axm_netdev_ops = {
	.ndo_open = axm_ndo_open,
	.ndo_stop = axm_ndo_stop,
	.ndo_start_xmit = axm_ndo_start_xmit,
	.ndo_set_mac_address = eth_mac_addr,
	.ndo_validate_addr = eth_validate_addr,
};

static void axm_get_drvinfo(struct net_device *ndev, struct ethtool_drvinfo *info)
{
	strscpy(info->driver, "axmodel", sizeof(info->driver));
	strscpy(info->bus_info, "axmodel-mii", sizeof(info->bus_info));
}

static const struct ethtool_ops axm_ethtool_ops = {
	.get_drvinfo = axm_get_drvinfo,
	.get_link = ethtool_op_get_link,
	.get_link_ksettings = phy_ethtool_get_link_ksettings,
	.set_link_ksettings = phy_ethtool_set_link_ksettings,
	.nway_reset = phy_ethtool_nway_reset,
};

/* ---- debugfs */

enum axm_ctl { AXC_LINK, AXC_PARTNER, AXC_LPA_ZERO, AXC_FAIL, AXC_PM, AXC_RESET, AXC_ATTACH,
	       AXC_SETTLE };

static int axm_pm_bus(struct axm_model *m, bool suspend)
{
	const struct device_type *type = m->phydev->mdio.dev.type;
	const struct dev_pm_ops *pm = type ? type->pm : NULL;
	int (*fn)(struct device *dev);

	if (!pm)
		return -EOPNOTSUPP;
	fn = suspend ? pm->suspend : pm->resume;
	if (!fn)
		return -EOPNOTSUPP;
	return fn(&m->phydev->mdio.dev);
}

static int axm_parse_fail(struct axm_model *m, char *s)
{
	char kind[8], regs[8];
	unsigned int n, reg;
	struct axm_fail f;

	if (!strcmp(s, "0")) {
		mutex_lock(&m->lock);
		m->fail_read.count = 0;
		m->fail_write.count = 0;
		mutex_unlock(&m->lock);
		return 0;
	}
	if (sscanf(s, "%7s %7s %u", kind, regs, &n) != 3)
		return -EINVAL;
	if (!strcmp(regs, "all")) {
		f.reg = -1;
	} else {
		if (kstrtouint(regs, 16, &reg) || reg > 31)
			return -EINVAL;
		f.reg = reg;
	}
	f.count = n;
	mutex_lock(&m->lock);
	if (!strcmp(kind, "read"))
		m->fail_read = f;
	else if (!strcmp(kind, "write"))
		m->fail_write = f;
	else
		n = UINT_MAX;
	mutex_unlock(&m->lock);
	return n == UINT_MAX ? -EINVAL : 0;
}

static int axm_ctl(struct axm_model *m, enum axm_ctl ctl, char *s)
{
	unsigned int v;
	int ret = 0;

	switch (ctl) {
	case AXC_LINK:
		if (strcmp(s, "up") && strcmp(s, "down"))
			return -EINVAL;
		mutex_lock(&m->lock);
		if (!strcmp(s, "up")) {
			m->partner_link = true;
			axm_negotiate(m);
		} else {
			m->partner_link = false;
			axm_drop_link(m);
		}
		mutex_unlock(&m->lock);
		phy_mac_interrupt(m->phydev);
		break;
	case AXC_PARTNER:
		if (kstrtouint(s, 16, &v) || v > 0xffff)
			return -EINVAL;
		mutex_lock(&m->lock);
		m->partner = v;
		mutex_unlock(&m->lock);
		break;
	case AXC_LPA_ZERO:
		if (kstrtouint(s, 10, &v) || v > 1)
			return -EINVAL;
		mutex_lock(&m->lock);
		m->lpa_zero = v;
		mutex_unlock(&m->lock);
		break;
	case AXC_FAIL:
		ret = axm_parse_fail(m, s);
		break;
	case AXC_PM:
		if (!strcmp(s, "suspend"))
			ret = phy_suspend(m->phydev);
		else if (!strcmp(s, "resume"))
			ret = phy_resume(m->phydev);
		else if (!strcmp(s, "bus-suspend"))
			ret = axm_pm_bus(m, true);
		else if (!strcmp(s, "bus-resume"))
			ret = axm_pm_bus(m, false);
		else
			return -EINVAL;
		break;
	case AXC_RESET:
		if (strcmp(s, "1"))
			return -EINVAL;
		mutex_lock(&m->phydev->lock);
		ret = phy_init_hw(m->phydev);
		mutex_unlock(&m->phydev->lock);
		break;
	case AXC_ATTACH:
		if (kstrtouint(s, 10, &v) || v > 1)
			return -EINVAL;
		rtnl_lock();
		if (v && m->ndev->phydev)
			ret = -EBUSY;
		else if (v)
			ret = axm_connect(m);
		else if (m->ndev->phydev)
			phy_disconnect(m->phydev);
		rtnl_unlock();
		break;
	case AXC_SETTLE:
		if (strcmp(s, "1"))
			return -EINVAL;
		break;
	}
	axm_settle(m);
	return ret;
}

static ssize_t axm_ctl_write(struct file *file, const char __user *ubuf, size_t len,
			     loff_t *ppos)
{
	enum axm_ctl ctl = (enum axm_ctl)(uintptr_t)file->private_data;
	char buf[64];
	int ret;

	if (len >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, len))
		return -EFAULT;
	buf[len] = '\0';
	mutex_lock(&axm->ctl_lock);
	ret = axm_ctl(axm, ctl, strim(buf));
	mutex_unlock(&axm->ctl_lock);
	return ret < 0 ? ret : len;
}

static const struct file_operations axm_ctl_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.write = axm_ctl_write,
	.llseek = noop_llseek,
};

static int axm_trace_show(struct seq_file *sf, void *unused)
{
	struct axm_model *m = sf->private;
	char buf[16];
	unsigned int i;

	mutex_lock(&m->lock);
	for (i = 0; i < m->trace_len; i++) {
		const struct axm_trace_entry *e = &m->trace[i];
		char where[8] = "";

		if (e->op != AXM_LINK && e->addr != AXM_ADDR)
			snprintf(where, sizeof(where), "@%02x", e->addr);
		switch (e->op) {
		case AXM_READ:
			if (e->res < 0)
				seq_printf(sf, "R%s %02x %d\n", where, e->reg, e->res);
			else
				seq_printf(sf, "R%s %02x %04x\n", where, e->reg, e->res);
			break;
		case AXM_WRITE:
			if (e->res < 0)
				seq_printf(sf, "W%s %02x %04x %d\n", where, e->reg, e->val, e->res);
			else
				seq_printf(sf, "W%s %02x %04x\n", where, e->reg, e->val);
			break;
		case AXM_LINK:
			if (e->addr)
				seq_printf(sf, "LINK up %s/%s\n",
					   axm_speed_str(e->res, buf, sizeof(buf)),
					   phy_duplex_to_str(e->reg));
			else
				seq_puts(sf, "LINK down\n");
			break;
		}
	}
	if (m->trace_lost)
		seq_printf(sf, "TRACE-OVERFLOW %u entries lost\n", m->trace_lost);
	mutex_unlock(&m->lock);
	return 0;
}

static int axm_trace_open(struct inode *inode, struct file *file)
{
	return single_open(file, axm_trace_show, inode->i_private);
}

static ssize_t axm_trace_write(struct file *file, const char __user *ubuf, size_t len,
			       loff_t *ppos)
{
	struct axm_model *m = ((struct seq_file *)file->private_data)->private;
	char buf[16];

	if (len >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, len))
		return -EFAULT;
	buf[len] = '\0';
	if (strcmp(strim(buf), "clear"))
		return -EINVAL;
	mutex_lock(&m->ctl_lock);
	axm_settle(m);
	mutex_lock(&m->lock);
	m->trace_len = 0;
	m->trace_lost = 0;
	mutex_unlock(&m->lock);
	mutex_unlock(&m->ctl_lock);
	return len;
}

static const struct file_operations axm_trace_fops = {
	.owner = THIS_MODULE,
	.open = axm_trace_open,
	.read = seq_read,
	.write = axm_trace_write,
	.llseek = seq_lseek,
	.release = single_release,
};

static const char *axm_state_str(enum phy_state st)
{
	switch (st) {
	case PHY_DOWN: return "DOWN";
	case PHY_READY: return "READY";
	case PHY_HALTED: return "HALTED";
	case PHY_ERROR: return "ERROR";
	case PHY_UP: return "UP";
	case PHY_RUNNING: return "RUNNING";
	case PHY_NOLINK: return "NOLINK";
	case PHY_CABLETEST: return "CABLETEST";
	}
	return "?";
}

static int axm_status_show(struct seq_file *sf, void *unused)
{
	struct axm_model *m = sf->private;
	struct phy_device *phydev = m->phydev;
	char buf[16];

	mutex_lock(&phydev->lock);
	seq_printf(sf, "driver: %s\n", phydev->drv ? phydev->drv->name : "none");
	seq_printf(sf, "state: %s\n", axm_state_str(phydev->state));
	seq_printf(sf, "link: %d\n", phydev->link);
	seq_printf(sf, "speed: %s\n", axm_speed_str(phydev->speed, buf, sizeof(buf)));
	seq_printf(sf, "duplex: %s\n", phy_duplex_to_str(phydev->duplex));
	seq_printf(sf, "autoneg: %s\n", phydev->autoneg == AUTONEG_ENABLE ? "on" : "off");
	seq_printf(sf, "suspended: %d\n", phydev->suspended);
	mutex_unlock(&phydev->lock);
	seq_printf(sf, "attached: %d\n", READ_ONCE(m->ndev->phydev) != NULL);
	mutex_lock(&m->lock);
	seq_printf(sf, "model: bmcr %04x advertise %04x partner %04x partner_link %d negotiated %d lpa_zero %d\n",
		   m->bmcr, m->advertise, m->partner, m->partner_link, m->negotiated, m->lpa_zero);
	mutex_unlock(&m->lock);
	return 0;
}

static int axm_status_open(struct inode *inode, struct file *file)
{
	return single_open(file, axm_status_show, inode->i_private);
}

static const struct file_operations axm_status_fops = {
	.owner = THIS_MODULE,
	.open = axm_status_open,
	.read = seq_read,
	.llseek = seq_lseek,
	.release = single_release,
};

static void axm_debugfs_init(struct axm_model *m)
{
	static const char *const names[] = {
		[AXC_LINK] = "link", [AXC_PARTNER] = "partner", [AXC_LPA_ZERO] = "lpa_zero",
		[AXC_FAIL] = "fail", [AXC_PM] = "pm", [AXC_RESET] = "reset",
		[AXC_ATTACH] = "attach", [AXC_SETTLE] = "settle",
	};
	int i;

	m->dir = debugfs_create_dir("axmodel", NULL);
	for (i = 0; i < ARRAY_SIZE(names); i++)
		debugfs_create_file(names[i], 0200, m->dir, (void *)(uintptr_t)i, &axm_ctl_fops);
	debugfs_create_file("trace", 0600, m->dir, m, &axm_trace_fops);
	debugfs_create_file("status", 0400, m->dir, m, &axm_status_fops);
}

/* ---- device: a platform device plays the MAC, whose driver owns the MDIO bus and the net
 * device (phylib's attach/detach dereference ndev->dev.parent->driver).
 */

static void axm_free(struct axm_model *m)
{
	if (m->bus)
		mdiobus_free(m->bus);
	vfree(m->trace);
	kfree(m);
}

static int axm_probe(struct platform_device *pdev)
{
	static const u8 mac[ETH_ALEN] = { 0x02, 0x00, 0x00, 0x00, 0x88, 0x01 };
	struct axm_model *m;
	struct mii_bus *bus;
	struct net_device *ndev;
	int err;

	m = kzalloc(sizeof(*m), GFP_KERNEL);
	if (!m)
		return -ENOMEM;
	mutex_init(&m->lock);
	mutex_init(&m->ctl_lock);
	m->bmcr = AXM_BMCR_DEFAULT;
	m->advertise = AXM_ADV_DEFAULT;
	m->partner = 0x05e1;
	m->trace = vzalloc(array_size(AXM_TRACE_MAX, sizeof(*m->trace)));
	if (!m->trace) {
		err = -ENOMEM;
		goto err_free;
	}

	bus = mdiobus_alloc();
	if (!bus) {
		err = -ENOMEM;
		goto err_free;
	}
	m->bus = bus;
	bus->name = "axmodel";
	snprintf(bus->id, MII_BUS_ID_SIZE, "axmodel-mii");
	bus->read = axm_mdio_read;
	bus->write = axm_mdio_write;
	bus->priv = m;
	bus->parent = &pdev->dev;
	bus->phy_mask = ~(u32)BIT(AXM_ADDR);
	bus->irq[AXM_ADDR] = PHY_MAC_INTERRUPT;
	axm = m;	/* adjust_link finds the model here */

	err = mdiobus_register(bus);
	if (err) {
		dev_err(&pdev->dev, "mdiobus_register: %d\n", err);
		goto err_free;
	}
	m->phydev = mdiobus_get_phy(bus, AXM_ADDR);
	if (!m->phydev) {
		dev_err(&pdev->dev, "no PHY found at address %d\n", AXM_ADDR);
		err = -ENODEV;
		goto err_bus;
	}

	ndev = alloc_etherdev(0);
	if (!ndev) {
		err = -ENOMEM;
		goto err_bus;
	}
	m->ndev = ndev;
	SET_NETDEV_DEV(ndev, &pdev->dev);
	strscpy(ndev->name, "axm0", IFNAMSIZ);
	ndev->netdev_ops = &axm_netdev_ops;
	ndev->ethtool_ops = &axm_ethtool_ops;
	eth_hw_addr_set(ndev, mac);
	netif_carrier_off(ndev);
	err = register_netdev(ndev);
	if (err) {
		dev_err(&pdev->dev, "register_netdev: %d\n", err);
		goto err_ndev;
	}

	rtnl_lock();
	err = axm_connect(m);
	rtnl_unlock();
	if (err) {
		dev_err(&pdev->dev, "phy_connect_direct: %d\n", err);
		goto err_unregister;
	}

	axm_debugfs_init(m);
	platform_set_drvdata(pdev, m);
	pr_info("PHY %08x on %s, driver %s\n", phy_id, phydev_name(m->phydev),
		m->phydev->drv ? m->phydev->drv->name : "none");
	return 0;

err_unregister:
	unregister_netdev(ndev);
err_ndev:
	free_netdev(ndev);
err_bus:
	mdiobus_unregister(bus);
err_free:
	axm_free(m);
	axm = NULL;
	return err;
}

static void axm_remove(struct platform_device *pdev)
{
	struct axm_model *m = platform_get_drvdata(pdev);

	debugfs_remove_recursive(m->dir);
	rtnl_lock();
	if (m->ndev->phydev)
		phy_disconnect(m->phydev);
	rtnl_unlock();
	unregister_netdev(m->ndev);
	free_netdev(m->ndev);
	mdiobus_unregister(m->bus);
	axm_free(m);
	axm = NULL;
}

static struct platform_driver axm_driver = {
	.probe = axm_probe,
	.remove = axm_remove,
	.driver = { .name = "axmodel" },
};

static struct platform_device *axm_pdev;

static int __init axm_init(void)
{
	int err;

	err = platform_driver_register(&axm_driver);
	if (err)
		return err;
	axm_pdev = platform_device_register_simple("axmodel", PLATFORM_DEVID_NONE, NULL, 0);
	if (IS_ERR(axm_pdev)) {
		err = PTR_ERR(axm_pdev);
		goto err_driver;
	}
	if (!axm) {	/* probe (synchronous) failed */
		err = -ENODEV;
		goto err_device;
	}
	return 0;

err_device:
	platform_device_unregister(axm_pdev);
err_driver:
	platform_driver_unregister(&axm_driver);
	return err;
}

static void __exit axm_exit(void)
{
	platform_device_unregister(axm_pdev);
	platform_driver_unregister(&axm_driver);
}

module_init(axm_init);
module_exit(axm_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("kcpp test: register-level model of an Asix PHY on a software MDIO bus");
