// SPDX-License-Identifier: GPL-2.0
// kcpp_nvme's passthrough ioctls, with the C driver's numbers, structures and permission
// rules (drivers/nvme/host/ioctl.c), so nvme-cli works against our device nodes.
#include "controller.h"
#include "passthru.h"

namespace kcpp_nvme {

namespace {

// The submission queue entry a passthrough structure describes (the data pointer and
// command id are the driver's to fill).
template <typename Cmd> nvme::Command command_from_user(const Cmd &user)
{
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
	return cmd;
}

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

	nvme::Command cmd = command_from_user(user);

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

// Checks a user command meant for namespace `ns` and builds it (EINVAL with a log line for
// what this driver does not take: flags, metadata, another namespace's id).
template <typename Cmd> Result<nvme::Command> user_io_command(Controller &ctrl, const NvmeOps::QueueData &ns, const Cmd &user)
{
	if (user.flags != 0 || user.metadata_len != 0 || user.metadata != 0) {
		ctrl.device().warn("passthrough: flags and metadata are not supported (opcode {:#x})", user.opcode);
		return code::EINVAL;
	}
	if (user.nsid != ns.nsid) {
		ctrl.device().err("passthrough: nsid {} in the command does not match namespace {}", user.nsid, ns.nsid);
		return code::EINVAL;
	}
	return command_from_user(user);
}

// Runs an I/O command from user space on the namespace's queues, as a passthrough request
// through blk-mq (so it gets a tag like any other I/O); data moves straight between the
// user's buffer and the device (blk_rq_map_user; buffers not 4-byte aligned are bounced, and
// unlike the C driver a failed copy back is reported, EFAULT). Returns the NVMe status (0 on success),
// EINTR if a controller reset cancelled it, and the completion's result in *result.
Result<long> run_io(block::Queue q, const nvme::Command &cmd, uptr addr, u32 len, u32 timeout_ms, u32 *result)
{
	block::PassthroughRequest rq = TRY(q.alloc_passthrough(cmd.opcode & 1));
	if (len > 0)
		TRY(rq.map_user(addr, len));
	if (timeout_ms)
		rq.set_timeout_ms(timeout_ms);
	NvmeOps::RequestData &pdu = rq.data<NvmeOps::RequestData>();
	pdu.cmd = cmd;
	pdu.result = 0;
	pdu.status = 0;
	const block::Status st = rq.execute();
	*result = pdu.result;
	TRY(rq.unmap_user()); // a bounced read reaches the user's buffer only here
	if (pdu.status == nvme::status::HOST_ABORTED)
		return code::EINTR;
	if (pdu.status != 0)
		return static_cast<long>(pdu.status);
	if (st != block::Status::Ok)
		return code::EIO; // never reached the controller (mapping failed, controller dead)
	return 0;
}

template <typename Cmd>
Result<long> io_passthru(Controller &ctrl, const NvmeOps::QueueData &ns, block::Queue q,
			 const block::IoctlContext &ctx, uptr arg)
{
	Cmd user = TRY(UserSlice(arg, sizeof(Cmd)).reader().template read<Cmd>());
	const bool admin = miscdev::caller_is_admin();
	if (ctx.partition ? !admin : !nvme::passthru_allowed(true, user.opcode, user.cdw10, ctx.open_for_write, admin))
		return code::EACCES;
	const nvme::Command cmd = TRY(user_io_command(ctrl, ns, user));
	u32 result = 0;
	const long status = TRY(run_io(q, cmd, user.addr, user.data_len, user.timeout_ms, &result));
	user.result = result;
	TRY(UserSlice(arg + __builtin_offsetof(Cmd, result), sizeof(user.result)).writer().write(user.result));
	return status;
}

// NVME_IOCTL_SUBMIT_IO: read, write or compare `nblocks + 1` blocks at `slba`.
Result<long> submit_io(Controller &ctrl, const NvmeOps::QueueData &ns, block::Queue q,
		       const block::IoctlContext &ctx, uptr arg, usize size)
{
	nvme::uapi::UserIo io{};
	TRY(UserSlice(arg, size).reader().read_raw(&io, size));
	if (io.flags != 0)
		return code::EINVAL;
	if (io.opcode != nvme::io::READ && io.opcode != nvme::io::WRITE && io.opcode != nvme::io::COMPARE)
		return code::EINVAL;
	nvme::Command cmd{};
	cmd.opcode = io.opcode;
	cmd.nsid = ns.nsid;
	cmd.cdw10 = static_cast<u32>(io.slba);
	cmd.cdw11 = static_cast<u32>(io.slba >> 32);
	cmd.cdw12 = io.nblocks | (u32(io.control) << 16);
	cmd.cdw13 = io.dsmgmt;
	cmd.cdw14 = io.reftag;
	cmd.cdw15 = io.apptag | (u32(io.appmask) << 16);
	const bool admin = miscdev::caller_is_admin();
	if (ctx.partition ? !admin : !nvme::passthru_allowed(true, cmd.opcode, 0, ctx.open_for_write, admin))
		return code::EACCES;
	const u64 length = u64(io.nblocks + 1) << ns.lba_shift;
	if (length > MAX_TRANSFER) {
		ctrl.device().warn("submit_io: {} bytes, at most {}", length, MAX_TRANSFER);
		return code::EINVAL;
	}
	u32 result = 0;
	return run_io(q, cmd, io.addr, static_cast<u32>(length), 0, &result);
}

} // namespace

// The disk's ioctls (/dev/kcppnvme<C>n<N>), as the C driver's nvme_ioctl().
Result<long> NvmeOps::ioctl(QueueData &ns, block::Queue q, const block::IoctlContext &ctx, u32 cmd, uptr arg)
{
	if (cmd == nvme::uapi::IOCTL_ID)
		return static_cast<long>(ns.nsid);
	return ns.link->try_access([&](Controller &ctrl) -> Result<long> {
		switch (cmd) {
		case nvme::uapi::IOCTL_ADMIN_CMD:
			return admin_passthru<nvme::uapi::PassthruCmd>(ctrl, arg);
		case nvme::uapi::IOCTL_ADMIN64_CMD:
			return admin_passthru<nvme::uapi::PassthruCmd64>(ctrl, arg);
		case nvme::uapi::IOCTL_IO_CMD:
			return io_passthru<nvme::uapi::PassthruCmd>(ctrl, ns, q, ctx, arg);
		case nvme::uapi::IOCTL_IO64_CMD:
			return io_passthru<nvme::uapi::PassthruCmd64>(ctrl, ns, q, ctx, arg);
		case nvme::uapi::IOCTL_SUBMIT_IO:
			return submit_io(ctrl, ns, q, ctx, arg, sizeof(nvme::uapi::UserIo));
		case nvme::uapi::IOCTL_SUBMIT_IO32:
			return submit_io(ctrl, ns, q, ctx, arg, nvme::uapi::USER_IO32_SIZE);
		default:
			return code::ENOTTY;
		}
	});
}

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
