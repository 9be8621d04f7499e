//===- Fixer.h - Applying fixes: --fix, --unsafe-fixes, --diff -*- C++ -*-===//
#ifndef MPGUARD_DRIVER_FIXER_H
#define MPGUARD_DRIVER_FIXER_H

#include "core/Targets.h"
#include "driver/Discovery.h"

#include <set>
#include <string>

namespace mpguard {

struct FixOutcome {
  std::string Fixed;    // the new text (== original when nothing applied)
  unsigned Applied = 0; // fixes applied over all rounds
  unsigned Before = 0;  // findings before
  unsigned After = 0;   // findings left in Fixed
};

/// Applies the fixes of the enabled rules to \p Text (Safe ones, and Unsafe
/// ones with \p Unsafe) in rounds: each round re-parses and re-checks the
/// text, applies every fix that does not overlap an earlier one (lowest rule
/// code first: the whole-module MPG001 rewrite wins over the MPG002 move it
/// subsumes), and keeps the result only if it still parses. Stops when no
/// fix applies, after 10 rounds, or when a round would break the file.
FixOutcome fixText(const InputFile &In, const std::string &Text,
                   const std::set<std::string> &EnabledCodes, bool Unsafe,
                   const Targets &T = Targets::everywhere());

/// What a command that rewrites source files (--fix, --add-suppressions)
/// may do with a file: Ok with its bytes in \p Text; Unreadable (an error
/// was printed); NotPlainUtf8 (a warning saying \p Skipped was printed:
/// writing a latin-1 or BOM file back as decoded text would change bytes
/// nobody meant to touch).
enum class RewriteRead { Ok, Unreadable, NotPlainUtf8 };
RewriteRead readForRewrite(const std::string &Absolute,
                           const std::string &Display, const char *Skipped,
                           std::string &Text);

} // namespace mpguard

#endif
