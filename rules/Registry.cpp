//===- Registry.cpp - One explicit, sorted list of rules ------------------===//
//
// Adding a rule: write rules/<lang>/<slug>/<Name>Rule.cpp defining
// `const python::PythonRule &<name>Rule()`, declare it below and add it to
// the list, in code order. No static registration, no linker tricks.
//
//===----------------------------------------------------------------------===//
#include "rules/Registry.h"

#include "core/RulePages.h"
#include "cpp/CppRule.h"
#include "rules/meta/unused-suppression/UnusedSuppressionRule.h"

#include <algorithm>
#include <cctype>

namespace mpguard {

const python::PythonRule &unguardedProcessStartRule();    // MPG001
const python::PythonRule &unguardedSetStartMethodRule();  // MPG002
const python::PythonRule &forkAfterThreadRule();          // MPG003
const python::PythonRule &unpicklableProcessTargetRule(); // MPG004
const python::PythonRule &mainGuardGlobalRule();          // MPG005
const python::PythonRule &mainModuleWorkerRule();         // MPG006
const python::PythonRule &explicitForkMethodRule();       // MPG007
const python::PythonRule &missingFreezeSupportRule();     // MPG008

const std::vector<const python::PythonRule *> &pythonRules() {
  static const std::vector<const python::PythonRule *> Rules = {
      &unguardedProcessStartRule(), &unguardedSetStartMethodRule(),
      &forkAfterThreadRule(),       &unpicklableProcessTargetRule(),
      &mainGuardGlobalRule(),       &mainModuleWorkerRule(),
      &explicitForkMethodRule(),    &missingFreezeSupportRule(),
  };
  return Rules;
}

const cpp::CppRule &cxxForkAfterThreadRule();            // MPG101
const cpp::CppRule &forkChildUnsafeCallRule();           // MPG102
const cpp::CppRule &exitInForkChildRule();               // MPG103
const cpp::CppRule &vforkChildMisuseRule();              // MPG104
const cpp::CppRule &embeddedPythonMultiprocessingRule(); // MPG105
const cpp::CppRule &extensionThreadsAtImportRule();      // MPG106
const cpp::CppRule &atforkHandlerUnsafeRule();           // MPG107

const std::vector<const cpp::CppRule *> &cppRules() {
  static const std::vector<const cpp::CppRule *> Rules = {
      &cxxForkAfterThreadRule(),
      &forkChildUnsafeCallRule(),
      &exitInForkChildRule(),
      &vforkChildMisuseRule(),
      &embeddedPythonMultiprocessingRule(),
      &extensionThreadsAtImportRule(),
      &atforkHandlerUnsafeRule(),
  };
  return Rules;
}

const std::vector<const RuleInfo *> &ruleCatalogue() {
  static const std::vector<const RuleInfo *> Catalogue = [] {
    std::vector<const RuleInfo *> C;
    for (const python::PythonRule *R : pythonRules())
      C.push_back(&R->info());
    for (const cpp::CppRule *R : cppRules())
      C.push_back(&R->info());
    C.push_back(&unusedSuppressionRule());
    std::sort(C.begin(), C.end(), [](const RuleInfo *A, const RuleInfo *B) {
      return std::string_view(A->Code) < std::string_view(B->Code);
    });
    return C;
  }();
  return Catalogue;
}

const RuleInfo *findRule(std::string_view CodeOrSlug) {
  for (const RuleInfo *R : ruleCatalogue()) {
    std::string_view Code = R->Code;
    bool SameCode = Code.size() == CodeOrSlug.size() &&
                    std::equal(Code.begin(), Code.end(), CodeOrSlug.begin(),
                               [](char A, char B) {
                                 return std::toupper((unsigned char)A) ==
                                        std::toupper((unsigned char)B);
                               });
    if (SameCode || CodeOrSlug == R->Slug)
      return R;
  }
  return nullptr;
}

static const RulePage *pageOf(const RuleInfo &Rule) {
  for (const RulePage &P : rulePages())
    if (P.Slug == Rule.Slug)
      return &P;
  return nullptr;
}

std::string_view rulePage(const RuleInfo &Rule) {
  const RulePage *P = pageOf(Rule);
  return P ? P->Markdown : std::string_view();
}

std::string_view rulePagePath(const RuleInfo &Rule) {
  const RulePage *P = pageOf(Rule);
  return P ? P->RepoPath : std::string_view();
}

std::string ruleHelpUri(const RuleInfo &Rule) {
  return std::string(MPGUARD_HOMEPAGE) + "/blob/main/" +
         std::string(rulePagePath(Rule));
}

} // namespace mpguard
