//===- CppRunner.h - C/C++ files through mpguard-cxx -----------*- C++ -*-===//
#ifndef MPGUARD_CPP_CPPRUNNER_H
#define MPGUARD_CPP_CPPRUNNER_H

#include "core/Finding.h"

#include <set>
#include <string>
#include <vector>

namespace mpguard {

struct InputFile;

/// True for the file names mpguard analyzes as C or C++ (.c .cc .cpp .cxx
/// .c++ and the headers .h .hh .hpp .hxx).
bool isCppPath(const std::string &Path);
/// Headers are analyzed through the translation units that include them.
bool isCppHeader(const std::string &Path);

/// Whether a C/C++ file's bytes mention anything the C/C++ rules look for.
bool cppPrefilter(std::string_view Bytes);

struct CppRunOptions {
  std::string CompileCommandsDir; // -p DIR
  bool HaveFlags = false;         // `--` given
  std::vector<std::string> Flags; // after `--`
  unsigned Jobs = 1;              // frontend processes at once
  /// Platforms whose default start method is not fork for the targeted
  /// Python versions (Program::NonForkDefaults).
  std::vector<std::string> NonForkDefaults;
};

struct CppRunResult {
  size_t Analyzed = 0; // translation units parsed
  std::vector<Finding> Findings;
  std::vector<ToolError> Errors;
};

/// Runs the enabled C/C++ rules over \p Files (sources and headers): the
/// sources the prefilter admits are parsed by mpguard-cxx processes (found
/// next to the mpguard binary, or in ../lib/mpguard when installed;
/// $MPGUARD_CXX overrides), the rules read their facts, and NOLINT comments
/// (`// NOLINT(mpguard-MPG101)`, NOLINTNEXTLINE, NOLINTBEGIN/END) are
/// applied. A TU that does not compile, or a frontend that cannot run,
/// becomes a ToolError; the rest goes on.
void runCppRules(const std::vector<const InputFile *> &Files,
                 const std::set<std::string> &Enabled,
                 const CppRunOptions &Options, CppRunResult &Out);

} // namespace mpguard

#endif
