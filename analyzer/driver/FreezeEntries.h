//===- FreezeEntries.h - Which scripts a freeze tool builds -----*- C++ -*-===//
//
// MPG008 (missing-freeze-support) asks a project-level question of a single
// module: does a PyInstaller spec or a cx_Freeze setup of the analyzed
// project build an executable from this script? This pre-pass answers it
// once per run, before the per-file loop: it reads the freeze configurations
// that discovery met (`*.spec`, `setup.py` importing cx_Freeze,
// `pyproject.toml` with [tool.cxfreeze]) with the Python frontend (or
// toml++), takes the string literals naming entry scripts, and resolves
// them against the configuration's directory. The Runner then hands each
// entry module its FreezeConfig (PythonModule::FrozenEntry).
//
//===----------------------------------------------------------------------===//
#ifndef MPGUARD_DRIVER_FREEZEENTRIES_H
#define MPGUARD_DRIVER_FREEZEENTRIES_H

#include "python/PythonModule.h"

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace mpguard {

using FreezeConfigRef =
    std::shared_ptr<const python::PythonModule::FreezeConfig>;

/// Entry script (absolute, normalized path) -> the configuration naming it.
struct FreezeEntries {
  std::map<std::string, FreezeConfigRef> ByScript;

  FreezeConfigRef lookup(const std::string &AbsScript) const {
    auto It = ByScript.find(AbsScript);
    return It == ByScript.end() ? nullptr : It->second;
  }
};

/// Whether a file name may be a freeze configuration: `*.spec`, `setup.py`,
/// `pyproject.toml`.
bool mayBeFreezeConfig(const std::string &Path);

/// Reads the freeze configuration at \p Abs (shown as \p Display) and adds
/// the scripts it builds; anything unreadable, unparsable or not a freeze
/// configuration adds nothing.
void readFreezeConfig(const std::string &Abs, const std::string &Display,
                      FreezeEntries &Out);

/// The files directly in directory \p Dir (not below it) that may be
/// freeze configurations, sorted, as absolute paths when \p Dir is.
void listFreezeConfigsIn(const std::string &Dir, std::vector<std::string> &Out);

/// The run's entries, set by runCheck before any file is checked, so that
/// the --fix rounds after it (checkPythonText) see the same. Outside a run
/// (the language server, `mpguard verify`), lookups read the script's own
/// directory instead.
void setRunFreezeEntries(std::shared_ptr<const FreezeEntries> E);
FreezeConfigRef frozenEntryFor(const std::string &AbsScript);

} // namespace mpguard

#endif
