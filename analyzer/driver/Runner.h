//===- Runner.h - One analysis run, from paths to a Report -----*- C++ -*-===//
#ifndef MPGUARD_DRIVER_RUNNER_H
#define MPGUARD_DRIVER_RUNNER_H

#include "driver/Options.h"
#include "output/Report.h"

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
                     std::vector<Finding> &Out);

/// Whether a Python file's bytes mention anything the enabled rules look
/// for. Files that do not are counted but never parsed.
bool pythonPrefilter(std::string_view Bytes);

} // namespace mpguard

#endif
