//===- ExtensionThreadsAtImportRule.cpp - MPG106 --------------------------===//
//
/// A Python extension module's init function (PyInit_<name>, which
/// PYBIND11_MODULE and NB_MODULE define too), or the dynamic initializer of
/// a static object in the same translation unit (it runs when the
/// extension is loaded), that returns with a thread running: the thread
/// lives in every Python process that imports the extension, so each later
/// os.fork() there, and every fork-start Process or Pool, forks with it.
//
//===----------------------------------------------------------------------===//
#include "cpp/ThreadFlow.h"

#include <set>

namespace mpguard {
namespace {

using namespace cpp;

class ExtensionThreadsAtImportRule final : public CppRule {
public:
  const RuleInfo &info() const override {
    static const RuleInfo Info{
        "MPG106", "extension-threads-at-import", Language::Cpp,
        Severity::Warning,
        "a Python extension whose module init or static initializer leaves a "
        "thread running: every later fork in Python forks with it"};
    return Info;
  }

  void check(const Program &P, std::vector<Finding> &Out) const override {
    std::set<const TranslationUnit *> Extensions;
    for (const TranslationUnit *TU : P.units())
      for (const Function &F : TU->Functions)
        if (F.Role == FunctionRole::ModuleInit)
          Extensions.insert(TU);
    if (Extensions.empty())
      return;
    ThreadFlow Flow(P);
    for (auto [TU, Fn] : P.functions()) {
      bool Init =
          Fn->Role == FunctionRole::ModuleInit ||
          (Fn->Role == FunctionRole::StaticInit && Extensions.count(TU));
      const Witness *Thread = Init ? Flow.leftRunning(Fn) : nullptr;
      if (!Thread)
        continue;
      std::string Where = placeOf(P, *Thread);
      Finding F;
      if (!finding(P, *TU, Fn->Where,
                   (Fn->Role == FunctionRole::ModuleInit
                        ? "module init `" + Fn->Name + "` returns with a thread"
                        : "the initializer of `" + Fn->Name +
                              "` in a Python extension leaves a thread") +
                       " running" +
                       (Where.empty() ? "" : " (started at " + Where + ")") +
                       ": every process that imports the extension has it, so "
                       "each later os.fork() or fork-start Process/Pool forks "
                       "with a thread whose locks stay locked in the child; "
                       "start it on first use instead",
                   F))
        continue;
      addWitnessNotes(P, *Thread, "thread started here", F.Related);
      Out.push_back(std::move(F));
    }
  }
};

} // namespace

const cpp::CppRule &extensionThreadsAtImportRule() {
  static const ExtensionThreadsAtImportRule R;
  return R;
}

} // namespace mpguard
