//===- Diff.h - Unified diffs for --diff -----------------------*- C++ -*-===//
#ifndef MPGUARD_OUTPUT_DIFF_H
#define MPGUARD_OUTPUT_DIFF_H

#include <string>
#include <string_view>

namespace mpguard {

/// A unified diff (3 lines of context) from \p Old to \p New, labelled
/// "--- a/<Path>" / "+++ b/<Path>"; empty when the texts are equal.
std::string unifiedDiff(std::string_view Old, std::string_view New,
                        const std::string &Path);

} // namespace mpguard

#endif
