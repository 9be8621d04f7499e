//===- Config.h - Configuration files and the effective settings -*- C++ -*-=//
//
// mpguard reads `[tool.mpguard]` from the nearest pyproject.toml, or the top
// level of the nearest mpguard.toml / .mpguard.toml, searching from the
// directory the run is about up to the filesystem root; `--config FILE`
// names the file, `--isolated` reads none. The command line is applied on
// top. Every check of a file (CLI, --fix, the language server) asks the one
// resolved Configuration which rules apply to it and whether it is
// excluded.
//
//===----------------------------------------------------------------------===//
#ifndef MPGUARD_DRIVER_CONFIG_H
#define MPGUARD_DRIVER_CONFIG_H

#include "driver/Options.h"

#include <memory>
#include <set>
#include <string>
#include <vector>

#include "core/Targets.h"

namespace llvm {
class GlobPattern;
class raw_ostream;
} // namespace llvm

namespace mpguard {

/// A path glob and the directory its relative form is anchored to (the
/// configuration file's directory, or the working directory for --exclude).
/// A pattern with a '/' is a path: relative ones are joined to the base,
/// then matched against the file and each of its directories. A pattern
/// without one is a name: matched against the file name and the names of
/// its directories below the base. `*` crosses '/'.
struct PathGlob {
  std::string Pattern; // as written
  std::string Base;    // absolute
  std::string Origin;  // "pyproject.toml:12" or "--exclude", for messages
  /// Pattern compiled: a path pattern joined to Base, or a name pattern.
  /// (A GlobPattern points into the text it was made from, so the two live
  /// together.)
  struct Compiled;
  std::shared_ptr<const Compiled> Glob;
  bool IsPath = false;

  /// Compiles \p Pattern; false with \p Error set for an invalid one.
  static bool create(std::string Pattern, std::string Base, std::string Origin,
                     PathGlob &Out, std::string &Error);
  /// Whether the glob matches \p Abs (a file or directory), or, with
  /// \p Ancestors, one of the directories holding it.
  bool matches(const std::string &Abs, bool Ancestors) const;
};

struct Configuration {
  /// The configuration file read (absolute); empty when none was.
  std::string File;
  /// "tool.mpguard" for a pyproject.toml, "" for mpguard.toml.
  std::string Table;

  std::set<std::string> Enabled; // rule codes, after select/ignore
  std::vector<PathGlob> Exclude;
  bool ForceExclude = false;
  struct PerFile {
    PathGlob Glob;
    std::set<std::string> Codes;
  };
  std::vector<PerFile> PerFileIgnores;
  unsigned TargetMinor = DefaultTargetMinor;
  std::vector<Platform> Platforms{Platform::Linux, Platform::MacOS,
                                  Platform::Windows};
  /// Platforms and version as the rules read them.
  Targets targets() const {
    Targets T;
    T.Platforms = Platforms;
    T.TargetMinor = TargetMinor;
    return T;
  }

  /// The rules that apply to the file at \p AbsolutePath: Enabled minus its
  /// per-file-ignores.
  std::set<std::string> enabledFor(const std::string &AbsolutePath) const;
  /// Whether an Exclude glob matches the file or directory at
  /// \p AbsolutePath, or with \p Ancestors one of the directories holding
  /// it (--force-exclude for a path named on the command line).
  bool excluded(const std::string &AbsolutePath, bool Ancestors) const;
};

/// Resolves the configuration of a run: the file (from --config, else the
/// nearest one above \p StartDir, none with --isolated), then the command
/// line's --select/--extend-select/--ignore/--exclude/--force-exclude/
/// --target-python/--platforms. Returns false with \p Error set ("FILE:LINE:
/// COL: message naming the key", one per line) for a file that cannot be
/// read or parsed, an unknown key, a value of the wrong type or an unknown
/// rule selector, pattern, version or platform.
bool resolveConfiguration(const Options &O, const std::string &StartDir,
                          Configuration &C, std::string &Error);

/// The directory configuration discovery starts from for `check`: the
/// deepest directory holding every PATH (a file's parent), or the working
/// directory for stdin without --stdin-filename.
std::string configStartDirectory(const Options &O);

/// `mpguard config --show`: the effective configuration as TOML that, put
/// in mpguard.toml, gives the same run; `mpguard config`: every key with
/// its meaning.
void printConfiguration(const Configuration &C, bool Json,
                        llvm::raw_ostream &OS);
void printConfigurationKeys(llvm::raw_ostream &OS);

/// A string of a TOML document and the bytes of its literal.
struct TomlString {
  std::string Value;
  uint32_t Begin = 0;
  uint32_t End = 0;
};
/// The `script` of each [[tool.cxfreeze.executables]] entry of a
/// pyproject.toml's text (cx_Freeze 7); empty if the text is not TOML or
/// has none. Here because toml++ is used in this one translation unit.
std::vector<TomlString> cxfreezeScripts(const std::string &Text);

} // namespace mpguard

#endif
