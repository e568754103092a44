// SPDX-License-Identifier: GPL-2.0
// kcpp_nvme's passthrough ioctls, with the C driver's numbers, structures and permission
// rules (drivers/nvme/host/ioctl.c), so nvme-cli works against our device nodes.
#include "controller.h"
#include "passthru.h"

namespace kcpp_nvme {

namespace {

// An admin passthrough command from user space: validated, its data bounced through a
// coherent buffer (with a PRP list when it spans more than two pages), run on the admin
// queue; the NVMe status (0 on success) is the ioctl's return value, as in the C driver.
template <typename Cmd> Result<long> admin_passthru(Controller &ctrl, uptr arg)
{
	Cmd user = TRY(UserSlice(arg, sizeof(Cmd)).reader().template read<Cmd>());
	if (!nvme::passthru_allowed(false, user.opcode, user.cdw10, false, miscdev::caller_is_admin()))
		return code::EACCES;
	if (user.flags != 0 || user.metadata_len != 0 || user.metadata != 0) {
		ctrl.device().warn("passthrough: flags and metadata are not supported (opcode {:#x})", user.opcode);
		return code::EINVAL;
	}
	if (user.data_len > nvme::uapi::MAX_DATA) {
		ctrl.device().warn("passthrough: {} bytes of data, at most {}", user.data_len, nvme::uapi::MAX_DATA);
		return code::EINVAL;
	}

	nvme::Command cmd{};
	cmd.opcode = user.opcode;
	cmd.nsid = user.nsid;
	cmd.cdw2 = user.cdw2;
	cmd.cdw3 = user.cdw3;
	cmd.cdw10 = user.cdw10;
	cmd.cdw11 = user.cdw11;
	cmd.cdw12 = user.cdw12;
	cmd.cdw13 = user.cdw13;
	cmd.cdw14 = user.cdw14;
	cmd.cdw15 = user.cdw15;

	// Data direction from the opcode's two low bits (NVMe: 01 to the controller, 10 from it).
	const bool to_device = user.opcode & 1;
	const bool from_device = user.opcode & 2;
	const usize pages = (usize(user.data_len) + PAGE - 1) / PAGE;
	Optional<dma::CoherentAllocation<u8>> data;
	Optional<dma::CoherentAllocation<u64>> prp_list;
	if (user.data_len > 0) {
		data = TRY(dma::CoherentAllocation<u8>::alloc(ctrl.device(), pages * PAGE, gfp::KERNEL | gfp::ZERO));
		if (to_device)
			TRY(UserSlice(user.addr, user.data_len).reader().read_raw(data->data(), user.data_len));
		cmd.prp1 = data->dma_handle();
		if (pages == 2) {
			cmd.prp2 = data->dma_handle(PAGE);
		} else if (pages > 2) {
			prp_list = TRY(dma::CoherentAllocation<u64>::alloc(ctrl.device(), pages - 1, gfp::KERNEL));
			for (usize i = 1; i < pages; ++i)
				(*prp_list)[i - 1] = data->dma_handle(i * PAGE);
			cmd.prp2 = prp_list->dma_handle();
		}
	}

	const AdminResult r = TRY(ctrl.admin_raw(cmd, user.timeout_ms));
	if (from_device && user.data_len > 0)
		TRY(UserSlice(user.addr, user.data_len).writer().write_raw(data->data(), user.data_len));
	user.result = r.result;
	// Only the result field goes back, as the C driver writes only that.
	TRY(UserSlice(arg + __builtin_offsetof(Cmd, result), sizeof(user.result)).writer().write(user.result));
	return static_cast<long>(nvme::status_code(r.status));
}

} // namespace

Result<long> CtrlDev::ioctl(File &f, u32 cmd, uptr arg)
{
	return f.ctrl->try_access([&](Controller &ctrl) -> Result<long> {
		switch (cmd) {
		case nvme::uapi::IOCTL_ADMIN_CMD:
			return admin_passthru<nvme::uapi::PassthruCmd>(ctrl, arg);
		case nvme::uapi::IOCTL_ADMIN64_CMD:
			return admin_passthru<nvme::uapi::PassthruCmd64>(ctrl, arg);
		case nvme::uapi::IOCTL_RESET:
			if (!miscdev::caller_is_admin())
				return code::EACCES;
			ctrl.device().warn("resetting controller (NVME_IOCTL_RESET)");
			TRY(ctrl.reset_sync());
			return 0;
		default:
			return code::ENOTTY;
		}
	});
}

} // namespace kcpp_nvme
