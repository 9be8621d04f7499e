//===- Runner.h - One analysis run, from paths to a Report -----*- C++ -*-===//
#ifndef MPGUARD_DRIVER_RUNNER_H
#define MPGUARD_DRIVER_RUNNER_H

#include "core/Targets.h"
#include "driver/Options.h"
#include "output/Report.h"
#include "python/PythonModule.h"

#include <memory>
#include <set>
#include <string>

namespace mpguard {

struct Configuration;

/// Runs `mpguard check`: discovery, prefilter, parse and facts (in
/// parallel), summaries, rules, sorting. Fills \p R; never throws.
void runCheck(const Options &O, const Configuration &Config, Report &R);

struct InputFile;

/// Parses and checks one Python text held in memory, as --fix does after
/// each round of edits. Returns false if the text does not parse.
bool checkPythonText(const InputFile &In, std::string Text,
                     const std::set<std::string> &EnabledCodes,
                     std::vector<Finding> &Out,
                     const Targets &T = Targets::everywhere());

/// What checking an editor's unsaved buffer gives (the language server):
/// the per-file pipeline of `mpguard check` on text in memory, without the
/// cache.
struct BufferCheck {
  /// The prefilter rejected the text: no rule can fire, nothing to report.
  bool Skipped = false;
  /// The parsed module (its File is the checked text); null when the text
  /// does not parse or was skipped.
  std::unique_ptr<python::PythonModule> Module;
  /// Why the text does not parse (a syntax error, too deep, a NUL byte),
  /// when neither skipped nor parsed.
  python::ParseFailure Failure;
  std::vector<Finding> Findings; // sorted with findingLess
};
BufferCheck checkPythonBuffer(const InputFile &In, std::string Text,
                              const std::set<std::string> &EnabledCodes,
                              const Targets &T = Targets::everywhere());

/// Whether a Python file's bytes mention anything the enabled rules look
/// for. Files that do not are counted but never parsed.
bool pythonPrefilter(std::string_view Bytes);

} // namespace mpguard

#endif
