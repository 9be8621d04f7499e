//===- PythonFuzzer.cpp - libFuzzer target over the whole Python path -----===//
//
// Input: the bytes of a Python file. Exercised: decoding, the tree-sitter
// frontend and fact builder, resolution, summaries, every rule, the text,
// JSON and SARIF writers, and the fixer. Properties checked beyond "no
// crash, no sanitizer report": a fixed text parses, reports no finding that
// a fix was offered for... (only what the fixer promises: it parses), and a
// second --fix changes nothing (idempotence).
//
//===----------------------------------------------------------------------===//
#include "driver/Discovery.h"
#include "driver/Fixer.h"
#include "driver/Runner.h"
#include "output/Report.h"
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

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *Data, size_t Size) {
  std::string Bytes(reinterpret_cast<const char *>(Data), Size);
  ToolError Err;
  if (!python::decodePythonSource(Bytes, Err))
    return 0;
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
