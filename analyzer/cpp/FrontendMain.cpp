//===- FrontendMain.cpp - mpguard-cxx, the C/C++ frontend process ---------===//
//
// Usage: mpguard-cxx [-p BUILD_DIR] FILE... [-- FLAGS...]
//
// Parses each FILE as one translation unit with Clang LibTooling and writes
// its facts (cpp/CppFacts.h) as one JSON line to stdout, in the order given.
// The compile command comes from BUILD_DIR/compile_commands.json; else from
// FLAGS after `--`; else from a compile_commands.json found in the file's
// directory or an ancestor (or their build/ subdirectory), with commands
// for files it does not list inferred from their neighbours; else no flags.
// `-resource-dir` is always injected (clang's builtin headers are found
// from it, not from this binary's path), GCC-only flags that clang refuses
// are dropped, and -Werror is undone. A TU that does not compile is written
// with `"compiled": false` and its errors; the next one is still parsed.
// Exit status: 0, or 2 for a usage error or an unreadable BUILD_DIR.
//
// It is a separate process because it links the shared clang-cpp and
// libLLVM, whose LLVM Support must not meet mpguard's static one.
//
//===----------------------------------------------------------------------===//
#include "cpp/CppFacts.h"
#include "cpp/FactExtractor.h"

#include "clang/AST/ASTConsumer.h"
#include "clang/AST/ASTContext.h"
#include "clang/Basic/Diagnostic.h"
#include "clang/Frontend/CompilerInstance.h"
#include "clang/Frontend/FrontendAction.h"
#include "clang/Tooling/ArgumentsAdjusters.h"
#include "clang/Tooling/CompilationDatabase.h"
#include "clang/Tooling/JSONCompilationDatabase.h"
#include "clang/Tooling/Tooling.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

using namespace clang;
using namespace clang::tooling;
namespace cpp = mpguard::cpp;

namespace {

/// Collects the errors of one TU; warnings and notes are dropped.
class ErrorCollector : public DiagnosticConsumer {
public:
  std::vector<cpp::Diagnostic> Errors;

  void HandleDiagnostic(DiagnosticsEngine::Level Level,
                        const Diagnostic &Info) override {
    DiagnosticConsumer::HandleDiagnostic(Level, Info);
    if (Level < DiagnosticsEngine::Error || Errors.size() >= 20)
      return;
    cpp::Diagnostic D;
    llvm::SmallString<256> Message;
    Info.FormatDiagnostic(Message);
    D.Message = std::string(Message.str());
    if (Info.hasSourceManager() && Info.getLocation().isValid()) {
      PresumedLoc P =
          Info.getSourceManager().getPresumedLoc(Info.getLocation());
      if (P.isValid()) {
        // Absolute, as the facts' files are: the command's directory may
        // not be the working directory.
        llvm::SmallString<256> Abs(P.getFilename());
        Info.getSourceManager().getFileManager().makeAbsolutePath(Abs);
        llvm::sys::path::remove_dots(Abs, /*remove_dot_dot=*/true);
        D.File = std::string(Abs.str());
        D.Line = P.getLine();
        D.Column = P.getColumn();
      }
    }
    Errors.push_back(std::move(D));
  }
};

class Consumer : public ASTConsumer {
public:
  explicit Consumer(cpp::TranslationUnit &TU) : TU(TU) {}
  void HandleTranslationUnit(ASTContext &Ctx) override {
    if (Ctx.getDiagnostics().hasErrorOccurred())
      return;
    cpp::extractFacts(Ctx, TU);
  }

private:
  cpp::TranslationUnit &TU;
};

class Action : public ASTFrontendAction {
public:
  explicit Action(cpp::TranslationUnit &TU) : TU(TU) {}
  std::unique_ptr<ASTConsumer> CreateASTConsumer(CompilerInstance &,
                                                 llvm::StringRef) override {
    return std::make_unique<Consumer>(TU);
  }

private:
  cpp::TranslationUnit &TU;
};

class Factory : public FrontendActionFactory {
public:
  explicit Factory(cpp::TranslationUnit &TU) : TU(TU) {}
  std::unique_ptr<FrontendAction> create() override {
    return std::make_unique<Action>(TU);
  }

private:
  cpp::TranslationUnit &TU;
};

/// Flags GCC takes and clang refuses ("unknown argument"), as kernel and
/// distribution builds pass them.
bool isGccOnly(llvm::StringRef A) {
  static const char *const Exact[] = {
      "-fconserve-stack",
      "-fno-var-tracking-assignments",
      "-fmerge-constants",
      "-fno-allow-store-data-races",
      "-mindirect-branch-register",
      "-fno-tree-loop-im",
      "-fno-ipa-sra",
      "-fno-ipa-cp-clone",
      "-fno-partial-inlining",
      "-fsched-pressure",
      "-fno-inline-small-functions",
      "-fno-reorder-blocks-and-partition",
  };
  for (const char *E : Exact)
    if (A == E)
      return true;
  return A.starts_with("-mindirect-branch=") ||
         A.starts_with("-mpreferred-stack-boundary=") ||
         A.starts_with("-fplugin") || A.starts_with("-fmacro-prefix-map") ||
         A.starts_with("-fno-ipa-") || A.starts_with("-fcf-protection=branch");
}

ArgumentsAdjuster mpguardAdjuster() {
  return [](const CommandLineArguments &Args, llvm::StringRef) {
    CommandLineArguments Out;
    for (size_t I = 0; I < Args.size(); ++I) {
      llvm::StringRef A = Args[I];
      if (I > 0 &&
          (isGccOnly(A) || A == "-Werror" || A.starts_with("-Werror=")))
        continue;
      Out.push_back(Args[I]);
    }
    // After the compiler name: ClangTool does not override an explicit
    // -resource-dir.
    Out.insert(Out.begin() + (Out.empty() ? 0 : 1),
               "-resource-dir=" MPGUARD_CLANG_RESOURCE_DIR);
    // Before a `--` that ends the options (inferred commands have one).
    auto End = std::find(Out.begin(), Out.end(), "--");
    Out.insert(End, {"-Wno-unknown-warning-option", "-Wno-error",
                     // No "N errors generated." on stderr: the errors go
                     // into the facts.
                     "-fno-caret-diagnostics"});
    return Out;
  };
}

/// compile_commands.json in \p File's directory or an ancestor, or in their
/// build/ subdirectory; \p Listed says whether it lists \p File.
std::unique_ptr<CompilationDatabase> discoverDatabase(llvm::StringRef File,
                                                      bool &Listed) {
  llvm::SmallString<256> Dir(File);
  llvm::sys::fs::make_absolute(Dir);
  llvm::sys::path::remove_filename(Dir);
  for (int Depth = 0; Depth < 128 && !Dir.empty(); ++Depth) {
    for (const char *Sub : {"", "build"}) {
      llvm::SmallString<256> Db(Dir);
      llvm::sys::path::append(Db, Sub, "compile_commands.json");
      std::string Error;
      if (llvm::sys::fs::exists(Db))
        if (auto D = JSONCompilationDatabase::loadFromFile(
                Db, Error, JSONCommandLineSyntax::AutoDetect)) {
          Listed = !D->getCompileCommands(File).empty();
          return inferMissingCompileCommands(std::move(D));
        }
    }
    llvm::StringRef Parent = llvm::sys::path::parent_path(Dir);
    if (Parent == Dir)
      break;
    Dir = Parent.str();
  }
  return nullptr;
}

} // namespace

int main(int Argc, char **Argv) {
  std::string BuildDir;
  std::vector<std::string> Files, Flags;
  bool HaveFlags = false;
  for (int I = 1; I < Argc; ++I) {
    llvm::StringRef A = Argv[I];
    if (HaveFlags) {
      Flags.push_back(A.str());
    } else if (A == "--") {
      HaveFlags = true;
    } else if (A == "-p" && I + 1 < Argc) {
      BuildDir = Argv[++I];
    } else if (A.starts_with("-p") && A.size() > 2) {
      BuildDir = A.drop_front(2).str();
    } else if (A.starts_with("-")) {
      llvm::errs() << "mpguard-cxx: error: unknown option '" << A << "'\n";
      return 2;
    } else {
      Files.push_back(A.str());
    }
  }

  std::unique_ptr<CompilationDatabase> Explicit, Raw;
  if (!BuildDir.empty()) {
    std::string Error;
    Explicit = CompilationDatabase::loadFromDirectory(BuildDir, Error);
    if (!Explicit) {
      llvm::errs() << "mpguard-cxx: error: no compilation database in '"
                   << BuildDir << "': " << Error << "\n";
      return 2;
    }
    // The plain JSON (loadFromDirectory's plugin already infers commands
    // for files it does not list), to tell listed files from the others.
    llvm::SmallString<256> Json(BuildDir);
    llvm::sys::path::append(Json, "compile_commands.json");
    Raw = JSONCompilationDatabase::loadFromFile(
        Json, Error, JSONCommandLineSyntax::AutoDetect);
    Explicit = inferMissingCompileCommands(std::move(Explicit));
  } else if (HaveFlags) {
    Explicit = std::make_unique<FixedCompilationDatabase>(".", Flags);
  }

  for (const std::string &File : Files) {
    cpp::TranslationUnit TU;
    llvm::SmallString<256> Abs(File);
    llvm::sys::fs::make_absolute(Abs);
    llvm::sys::path::remove_dots(Abs, /*remove_dot_dot=*/true);
    TU.MainFile = std::string(Abs.str());
    std::unique_ptr<CompilationDatabase> Found;
    CompilationDatabase *Db = Explicit.get();
    if (Raw)
      TU.Listed = !Raw->getCompileCommands(TU.MainFile).empty();
    if (!Db) {
      Found = discoverDatabase(TU.MainFile, TU.Listed);
      if (!Found)
        Found = std::make_unique<FixedCompilationDatabase>(
            ".", std::vector<std::string>());
      Db = Found.get();
    }
    ClangTool Tool(*Db, {TU.MainFile});
    Tool.appendArgumentsAdjuster(mpguardAdjuster());
    ErrorCollector Errors;
    Tool.setDiagnosticConsumer(&Errors);
    Tool.setPrintErrorMessage(false);
    Factory F(TU);
    int Status = Tool.run(&F);
    if (Status != 0 || !Errors.Errors.empty()) {
      TU.Compiled = false;
      TU.Functions.clear();
      TU.Errors = std::move(Errors.Errors);
      if (TU.Errors.empty())
        TU.Errors.push_back(
            {TU.MainFile, 0, 0, "the file could not be parsed"});
    }
    llvm::outs() << llvm::json::Value(cpp::toJson(TU)) << "\n";
    llvm::outs().flush();
  }
  return 0;
}
