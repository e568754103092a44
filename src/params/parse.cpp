// SPDX-License-Identifier: GPL-2.0
// Module parameter parsing (kstrto*() and kstrtobool() rules) and the C glue's callbacks.
#include <kcpp/format.h>
#include <kcpp/params.h>

namespace kcpp::param {

namespace {

// Digits of s in the given base (0: auto, as kstrtoull), allowing one trailing newline.
int parse_magnitude(const char *s, unsigned long long *out)
{
	unsigned base = 10;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	} else if (s[0] == '0' && s[1] != '\0' && s[1] != '\n') {
		base = 8;
		++s;
	}
	unsigned long long v = 0;
	bool any = false;
	for (; *s && *s != '\n'; ++s) {
		unsigned d;
		if (*s >= '0' && *s <= '9')
			d = static_cast<unsigned>(*s - '0');
		else if (*s >= 'a' && *s <= 'f')
			d = static_cast<unsigned>(*s - 'a' + 10);
		else if (*s >= 'A' && *s <= 'F')
			d = static_cast<unsigned>(*s - 'A' + 10);
		else
			return code::EINVAL.to_errno();
		if (d >= base)
			return code::EINVAL.to_errno();
		if (__builtin_mul_overflow(v, base, &v) || __builtin_add_overflow(v, d, &v))
			return code::ERANGE.to_errno();
		any = true;
	}
	if (!any || (*s == '\n' && s[1] != '\0'))
		return code::EINVAL.to_errno();
	*out = v;
	return 0;
}

} // namespace

int parse_unsigned(const char *s, unsigned long long max, unsigned long long *out)
{
	if (s == nullptr)
		return code::EINVAL.to_errno();
	if (*s == '+')
		++s;
	unsigned long long v;
	int err = parse_magnitude(s, &v);
	if (err)
		return err;
	if (v > max)
		return code::ERANGE.to_errno();
	*out = v;
	return 0;
}

int parse_signed(const char *s, long long min, long long max, long long *out)
{
	if (s == nullptr)
		return code::EINVAL.to_errno();
	bool negative = false;
	if (*s == '-' || *s == '+')
		negative = *s++ == '-';
	unsigned long long mag;
	int err = parse_magnitude(s, &mag);
	if (err)
		return err;
	long long v;
	if (negative) {
		if (mag > static_cast<unsigned long long>(max) + 1)
			return code::ERANGE.to_errno();
		v = static_cast<long long>(0ULL - mag);
	} else {
		if (mag > static_cast<unsigned long long>(max))
			return code::ERANGE.to_errno();
		v = static_cast<long long>(mag);
	}
	if (v < min || v > max)
		return code::ERANGE.to_errno();
	*out = v;
	return 0;
}

int parse_bool(const char *s, bool *out)
{
	if (s == nullptr) { // "insmod m.ko flag" with no value means true, as for C bool params
		*out = true;
		return 0;
	}
	switch (s[0]) {
	case 'y': case 'Y': case '1':
		*out = true;
		return 0;
	case 'n': case 'N': case '0':
		*out = false;
		return 0;
	case 'o': case 'O':
		if (s[1] == 'n' || s[1] == 'N') {
			*out = true;
			return 0;
		}
		if (s[1] == 'f' || s[1] == 'F') {
			*out = false;
			return 0;
		}
		break;
	}
	return code::EINVAL.to_errno();
}

int format_value(char *buf, usize size, long long v)
{
	FormatBuffer out(buf, size);
	format_to(out, "{}\n", v);
	return static_cast<int>(out.len());
}
int format_value(char *buf, usize size, unsigned long long v)
{
	FormatBuffer out(buf, size);
	format_to(out, "{}\n", v);
	return static_cast<int>(out.len());
}
int format_value(char *buf, usize size, const char *s)
{
	FormatBuffer out(buf, size);
	format_to(out, "{}\n", s);
	return static_cast<int>(out.len());
}

} // namespace kcpp::param

extern "C" int kcpp_param_set(void *arg, const char *, const char *val) noexcept
{
	// SAFETY: arg is kernel_param.arg, which KCPP_MODULE_PARAM set to a param::Base.
	auto *p = static_cast<kcpp::param::Base *>(arg);
	return p->set(p, val);
}

extern "C" int kcpp_param_get(void *arg, char *buf, kcpp::usize size) noexcept
{
	// SAFETY: as above; buf is the kernel's PAGE_SIZE sysfs buffer.
	auto *p = static_cast<const kcpp::param::Base *>(arg);
	return p->get(p, buf, size);
}
