//===- Verify.h - `mpguard verify`: run code to prove a diagnosis -*- C++
//-*-===//
//
// The C++ side of the runtime shim. It finds the launcher
// (mpguard_shim.py) and the rule examples next to the binary, runs each
// example under each start method through the launcher (which contains the
// run: own session, timeout, process cap, everything killed at the end),
// and compares what happened with what the example's symptom.txt records.
// C/C++ examples are compiled with the system compiler first and run once,
// as `native` executables, through the same launcher.
//
//===----------------------------------------------------------------------===//
#ifndef MPGUARD_SHIM_VERIFY_H
#define MPGUARD_SHIM_VERIFY_H

#include "driver/Options.h"

namespace mpguard {

/// Runs `mpguard verify` and returns its exit status. \p Argv0 locates the
/// shim and the examples.
int runVerify(const Options &O, const char *Argv0);

} // namespace mpguard

#endif
