//===- Discovery.h - Which files a run analyzes ----------------*- C++ -*-===//
#ifndef MPGUARD_DRIVER_DISCOVERY_H
#define MPGUARD_DRIVER_DISCOVERY_H

#include "core/FileIdentity.h"
#include "core/Finding.h"

#include <string>
#include <utility>
#include <vector>

namespace mpguard {

struct Configuration;

struct InputFile {
  InputFile() = default;
  InputFile(std::string Display, std::string Absolute, bool Stdin)
      : DisplayPath(std::move(Display)), AbsolutePath(std::move(Absolute)),
        IsStdin(Stdin) {}

  std::string DisplayPath;  // as the user would write it, relative if given so
  std::string AbsolutePath; // normalized
  bool IsStdin = false;
  /// Files named on the command line were stat'ed by discovery; the cache
  /// lookup reuses that instead of asking again.
  bool HasIdentity = false;
  FileIdentity Identity;
};

/// Expands the command-line paths into a sorted, de-duplicated list of
/// Python and C/C++ files. Directories are walked recursively without following
/// symlinked directories (no loops); VCS folders, virtualenvs (a pyvenv.cfg
/// or a conventional name), caches, node_modules and build outputs are
/// skipped, as are paths the configuration excludes. Paths given explicitly
/// are always analyzed, unless force-exclude is on and they or a directory
/// holding them is excluded. Missing or unreadable paths become ToolErrors.
/// With \p FreezeConfigs, the walk also collects the files in the walked
/// directories that may be freeze configurations (FreezeEntries.h), by the
/// same exclusions, as display paths.
void discoverFiles(const std::vector<std::string> &Paths,
                   const Configuration &Config,
                   const std::string &StdinFilename,
                   std::vector<InputFile> &Files,
                   std::vector<ToolError> &Errors,
                   std::vector<std::string> *FreezeConfigs = nullptr);

/// True for the file names mpguard analyzes as Python.
bool isPythonPath(const std::string &Path);

} // namespace mpguard

#endif
