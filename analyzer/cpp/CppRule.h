//===- CppRule.h - C/C++ rules and the facts they read ---------*- C++ -*-===//
#ifndef MPGUARD_CPP_CPPRULE_H
#define MPGUARD_CPP_CPPRULE_H

#include "core/Finding.h"
#include "cpp/CppFacts.h"

#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

namespace mpguard {
namespace cpp {

/// The texts of the files findings point into, read on first use and
/// shared by the programs of a run.
struct SourceCache {
  std::mutex Lock;
  std::map<std::string, SourceFileRef> Files;
};

/// The C/C++ facts of one program: its translation units, their functions
/// (a definition in a header that several TUs include is one function:
/// same USR, same file and offset), calls resolved by USR (to the TU's own
/// definition first, else to another TU's), calls through function
/// pointers resolved by type, and the files' texts for findings.
class Program {
public:
  static constexpr size_t MaxIndirectTargets = 8;

  /// \p Units (owned by the caller, alive as long as the Program) make one
  /// program.
  Program(std::vector<const TranslationUnit *> Units,
          std::shared_ptr<SourceCache> Sources);

  /// A run's TUs as programs: a tree may hold several programs (a server,
  /// its client, its tests), each TU with a `main` and what does not
  /// define one. One program with every TU when at most one defines main.
  /// Without link information this is a guess, but it keeps a callback of
  /// one program from being called by another's function pointer.
  static std::vector<std::vector<const TranslationUnit *>>
  programsOf(const std::vector<TranslationUnit> &All);

  const std::vector<const TranslationUnit *> &units() const { return TUs; }
  /// The function a call in \p From names by \p Usr, with its TU; null if
  /// no TU of the run defines it.
  const Function *function(const std::string &Usr, const TranslationUnit *From,
                           const TranslationUnit **TU = nullptr) const;
  /// The functions an indirect call of function type \p Signature may
  /// reach: the program functions of that type whose address some TU of
  /// the run takes, with their TUs; none when more than MaxIndirectTargets
  /// functions have that type.
  const std::vector<std::pair<const TranslationUnit *, const Function *>> &
  indirectTargets(const std::string &Signature) const;
  /// Every function once (the first TU that defines it), with its TU.
  const std::vector<std::pair<const TranslationUnit *, const Function *>> &
  functions() const {
    return All;
  }
  /// A location in \p TU's file R.File; the file is read on first use.
  /// Null File when it cannot be read.
  Location location(const TranslationUnit &TU, const Range &R) const;
  /// Appends a related note at \p R to \p Out, unless its file cannot be
  /// read.
  void addNote(const TranslationUnit &TU, const Range &R, std::string Message,
               std::vector<Note> &Out) const;

  /// What the run is configured for, for rules that analyze embedded
  /// Python (MPG105): the enabled rule codes (the Python rules among them
  /// run on the embedded source), and the configured platforms whose
  /// default start method is not fork for the targeted Python versions
  /// ("macos: spawn (3.9-3.14)"; empty when fork everywhere).
  std::set<std::string> Enabled;
  std::vector<std::string> NonForkDefaults;

private:
  std::vector<const TranslationUnit *> TUs;
  std::map<std::string,
           std::vector<std::pair<const TranslationUnit *, const Function *>>>
      ByUsr;
  std::vector<std::pair<const TranslationUnit *, const Function *>> All;
  std::map<std::string,
           std::vector<std::pair<const TranslationUnit *, const Function *>>>
      BySignature;
  std::shared_ptr<SourceCache> Sources;
};

class CppRule {
public:
  virtual ~CppRule() = default;
  virtual const RuleInfo &info() const = 0;
  virtual void check(const Program &P, std::vector<Finding> &Out) const = 0;

protected:
  /// A finding of this rule at \p At in \p TU with the rule's default
  /// severity; false when the file cannot be read (no finding then).
  bool finding(const Program &P, const TranslationUnit &TU, const Range &At,
               std::string Message, Finding &F) const {
    F.Rule = &info();
    F.Level = info().DefaultSeverity;
    F.Loc = P.location(TU, At);
    F.Message = std::move(Message);
    return F.Loc.File != nullptr;
  }
};

} // namespace cpp
} // namespace mpguard

#endif
