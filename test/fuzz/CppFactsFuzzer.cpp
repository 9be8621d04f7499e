//===- CppFactsFuzzer.cpp - libFuzzer target over the C/C++ facts ---------===//
//
// Input: one line of the JSON facts mpguard-cxx writes for a translation
// unit (the seeds are real ones, from the C/C++ rule tests and examples).
// Exercised: the JSON parser, the facts reader (cpp::fromJson), and, for
// facts it accepts, the programs of a run and every C/C++ rule over them
// (ThreadFlow's fixpoints, the child walks, the embedded-Python analysis).
// Properties checked beyond "no crash, no sanitizer report": what the
// reader accepts survives a write/read round trip unchanged, and the rules
// report only at places inside the files the facts name.
//
//===----------------------------------------------------------------------===//
#include "cpp/CppFacts.h"
#include "cpp/CppRule.h"
#include "rules/Registry.h"

#include "llvm/Support/JSON.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdio>
#include <cstdlib>

using namespace mpguard;

static std::string written(const cpp::TranslationUnit &TU) {
  std::string S;
  llvm::raw_string_ostream OS(S);
  OS << cpp::toJson(TU);
  return S;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *Data, size_t Size) {
  llvm::StringRef Text(reinterpret_cast<const char *>(Data), Size);
  llvm::Expected<llvm::json::Value> V = llvm::json::parse(Text);
  if (!V) {
    llvm::consumeError(V.takeError());
    return 0;
  }
  std::vector<cpp::TranslationUnit> Units(1);
  std::string Error;
  if (!cpp::fromJson(*V, Units[0], Error))
    return 0;

  // What the reader accepts, the writer writes back the same.
  std::string Once = written(Units[0]);
  llvm::Expected<llvm::json::Value> Again = llvm::json::parse(Once);
  cpp::TranslationUnit Back;
  if (!Again || !cpp::fromJson(*Again, Back, Error) || written(Back) != Once) {
    if (!Again)
      llvm::consumeError(Again.takeError());
    std::fprintf(stderr, "facts do not survive a write/read round trip: %s\n",
                 Error.c_str());
    std::abort();
  }

  // Two copies make a run with two TUs (and two mains, when it has one).
  Units.push_back(Units[0]);
  auto Texts = std::make_shared<cpp::SourceCache>();
  std::set<std::string> Enabled;
  for (const RuleInfo *R : ruleCatalogue())
    Enabled.insert(R->Code);
  for (auto &Members : cpp::Program::programsOf(Units)) {
    cpp::Program P(std::move(Members), Texts);
    P.Enabled = Enabled;
    P.NonForkDefaults = {"macos: spawn"};
    std::vector<Finding> Found;
    for (const cpp::CppRule *R : cppRules())
      R->check(P, Found);
    for (const Finding &F : Found)
      if (!F.Loc.File || F.Loc.Begin > F.Loc.End ||
          F.Loc.End > F.Loc.File->text().size()) {
        std::fprintf(stderr, "%s reported outside its file\n", F.Rule->Code);
        std::abort();
      }
  }
  return 0;
}
