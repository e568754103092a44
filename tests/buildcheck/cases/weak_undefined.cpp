// A weak undefined reference resolves to NULL instead of failing at modpost.
// expect: weak undefined symbol maybe_there
extern "C" void maybe_there() __attribute__((weak));
void call_it();
void call_it()
{
	if (maybe_there)
		maybe_there();
}
