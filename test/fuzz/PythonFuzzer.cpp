//===- PythonFuzzer.cpp - libFuzzer target over the whole Python path -----===//
//
// Input: the bytes of a Python file. Exercised: decoding, the tree-sitter
// frontend and fact builder, resolution, summaries, every rule, the text,
// JSON, SARIF, GitHub, GitLab and JUnit writers, the fixer and the facts
// cache's codec. Properties checked beyond "no crash, no sanitizer report": a
// fixed text parses (what the fixer promises) and a second --fix changes
// nothing (idempotence); the facts survive an encode/decode round trip byte for
// byte; a rule reports nothing in a module without the events it declares
// it needs (PythonRule::neededEvents, which warm runs rely on); and the
// encoded facts with bytes flipped (positions and masks taken from the
// input) are either rejected by the decoder or safe to run every rule on.
//
//===----------------------------------------------------------------------===//
#include "driver/Discovery.h"
#include "driver/Fixer.h"
#include "driver/Runner.h"
#include "output/Report.h"
#include "project/Project.h"
#include "python/ModuleCodec.h"
#include "python/PythonRule.h"
#include "python/SourceCheck.h"
#include "rules/Registry.h"

#include "llvm/Support/raw_ostream.h"

#include <cstdio>
#include <cstdlib>

using namespace mpguard;

static const std::set<std::string> &allCodes() {
  static const std::set<std::string> Codes = [] {
    std::set<std::string> C;
    for (const RuleInfo *R : ruleCatalogue())
      C.insert(R->Code);
    return C;
  }();
  return Codes;
}

static void runRules(const python::PythonModule &M, std::vector<Finding> &Out) {
  project::ModuleSummary S = project::summarize(M);
  for (const python::PythonRule *Rule : pythonRules()) {
    python::PythonCheck C(M, S, Rule->info(), Out);
    Rule->check(C);
  }
}

static void checkCodec(const std::string &Bytes, const uint8_t *Data,
                       size_t Size) {
  auto File = std::make_shared<const SourceFile>(
      "fuzz.py", "/nonexistent-mpguard-fuzz/fuzz.py", Bytes);
  python::ParseFailure PF;
  auto M = python::buildPythonModule(File, PF);
  if (!M)
    return;
  // neededEvents is a promise the warm path depends on.
  python::EventMask Present = python::eventsOf(*M);
  project::ModuleSummary S = project::summarize(*M);
  for (const python::PythonRule *Rule : pythonRules()) {
    if (Present & Rule->neededEvents())
      continue;
    std::vector<Finding> Out;
    python::PythonCheck C(*M, S, Rule->info(), Out);
    Rule->check(C);
    if (!Out.empty()) {
      std::fprintf(stderr, "%s reported in a module without its events\n",
                   Rule->info().Code);
      std::abort();
    }
  }
  std::string Enc;
  python::encodeModuleFacts(*M, Enc);
  python::PythonModule D;
  D.File = File;
  std::string Again;
  if (!python::decodeModuleFacts(Enc, D) ||
      (python::encodeModuleFacts(D, Again), Again != Enc)) {
    std::fprintf(stderr, "facts do not survive an encode/decode round trip\n");
    std::abort();
  }
  // Flip up to four bytes of the encoding, chosen by the input's tail.
  std::string Bad = Enc;
  for (size_t I = 0; I < 4 && I * 2 + 1 < Size && !Bad.empty(); ++I) {
    size_t Pos = (size_t(Data[Size - 1 - I * 2]) * 131 + I * 977) % Bad.size();
    Bad[Pos] = char(uint8_t(Bad[Pos]) ^ (Data[Size - 2 - I * 2] | 1));
  }
  python::PythonModule Mutant;
  Mutant.File = File;
  if (python::decodeModuleFacts(Bad, Mutant)) {
    std::vector<Finding> Out;
    runRules(Mutant, Out);
  }
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *Data, size_t Size) {
  std::string Bytes(reinterpret_cast<const char *>(Data), Size);
  ToolError Err;
  if (!python::decodePythonSource(Bytes, Err))
    return 0;
  checkCodec(Bytes, Data, Size);
  InputFile In{"fuzz.py", "/nonexistent-mpguard-fuzz/fuzz.py", false};
  Report R;
  if (!checkPythonText(In, Bytes, allCodes(), R.Findings))
    return 0;
  R.Rules = ruleCatalogue();
  R.FilesChecked = R.FilesAnalyzed = 1;
  R.SourceRoot = "/nonexistent-mpguard-fuzz";
  R.WorkingDirectory = "/nonexistent-mpguard-fuzz";
  std::string Sink;
  llvm::raw_string_ostream OS(Sink);
  writeSarif(R, OS);
  writeJson(R, OS);
  writeText(R, TextOptions{}, OS);
  writeGithub(R, OS);
  writeGitlab(R, OS);
  writeJunit(R, OS);

  FixOutcome First = fixText(In, Bytes, allCodes(), /*Unsafe=*/true);
  if (!First.Applied)
    return 0;
  std::vector<Finding> Left;
  if (!checkPythonText(In, First.Fixed, allCodes(), Left)) {
    std::fprintf(stderr, "fixed text does not parse\n");
    std::abort();
  }
  FixOutcome Second = fixText(In, First.Fixed, allCodes(), /*Unsafe=*/true);
  if (Second.Fixed != First.Fixed) {
    std::fprintf(stderr,
                 "--fix is not idempotent\n--- first:\n%s\n--- second:\n%s\n",
                 First.Fixed.c_str(), Second.Fixed.c_str());
    std::abort();
  }
  return 0;
}
