//===- FreezeEntries.cpp --------------------------------------------------===//
#include "driver/FreezeEntries.h"

#include "core/FileRead.h"
#include "driver/Config.h"
#include "output/Uri.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

#include <algorithm>
#include <mutex>

#include <sys/stat.h>

namespace mpguard {

namespace fs = llvm::sys::fs;
namespace path = llvm::sys::path;
using namespace python;

namespace {

/// Freeze configurations are small; anything larger is not one.
constexpr uint64_t MaxConfigBytes = 1u << 20;

std::string resolveAgainst(const std::string &Dir, const std::string &P) {
  llvm::SmallString<256> S;
  if (path::is_absolute(P)) {
    S = P;
  } else {
    S = Dir;
    path::append(S, P);
  }
  path::remove_dots(S, /*remove_dot_dot=*/true);
  return std::string(S.str());
}

/// The callee's last name: `Analysis` for Analysis(...) and
/// PyInstaller.building.build_main.Analysis(...).
std::string_view calleeName(const PythonModule &M, const Expr &Call) {
  if (Call.Base == NoExpr)
    return {};
  const Expr &B = M.expr(Call.Base);
  if (B.Kind == ExprKind::Name || B.Kind == ExprKind::Attribute)
    return B.Text;
  return {};
}

ExprId argument(const Expr &Call, size_t Position, const char *Name) {
  for (const Keyword &K : Call.Keywords)
    if (K.Name == Name)
      return K.Value;
  return Position < Call.Args.size() ? Call.Args[Position] : NoExpr;
}

void add(FreezeEntries &Out, const std::string &Script, Location At,
         const std::string &Describe) {
  auto C = std::make_shared<PythonModule::FreezeConfig>();
  C->Names = std::move(At);
  C->Describe = Describe;
  // The first configuration naming a script keeps it (sorted discovery
  // makes that deterministic).
  Out.ByScript.emplace(Script, std::move(C));
}

/// PyInstaller's spec: `Analysis(['app.py', ...])`, paths relative to the
/// spec's directory (SPECPATH). cx_Freeze's setup.py:
/// `Executable("app.py")` / `Executable(script="app.py")`.
void readPythonConfig(SourceFileRef File, bool Spec, FreezeEntries &Out) {
  if (!Spec && File->text().find("cx_Freeze") == std::string_view::npos)
    return;
  ParseFailure PF;
  std::unique_ptr<PythonModule> M = buildPythonModule(File, PF);
  if (!M)
    return;
  std::string Dir = path::parent_path(File->absolutePath()).str();
  std::string Describe =
      (Spec ? "PyInstaller spec " : "cx_Freeze setup ") + File->path();
  for (const Site &S : M->Calls) {
    const Expr &Call = M->expr(S.E);
    std::string_view Name = calleeName(*M, Call);
    ExprId Arg = NoExpr;
    if (Spec && Name == "Analysis")
      Arg = argument(Call, 0, "scripts");
    else if (!Spec && Name == "Executable")
      Arg = argument(Call, 0, "script");
    if (Arg == NoExpr)
      continue;
    std::vector<ExprId> Strings{Arg};
    if (M->expr(Arg).Kind == ExprKind::Sequence)
      Strings = M->expr(Arg).Args;
    for (ExprId E : Strings) {
      if (E == NoExpr || M->expr(E).Kind != ExprKind::String ||
          M->expr(E).Text.empty())
        continue;
      const Expr &Str = M->expr(E);
      add(Out, resolveAgainst(Dir, Str.Text),
          Location{File, Str.Range.Begin, Str.Range.End}, Describe);
    }
  }
}

void readTomlConfig(SourceFileRef File, FreezeEntries &Out) {
  if (File->text().find("cxfreeze") == std::string_view::npos)
    return;
  std::string Dir = path::parent_path(File->absolutePath()).str();
  for (const TomlString &S : cxfreezeScripts(std::string(File->text())))
    if (!S.Value.empty())
      add(Out, resolveAgainst(Dir, S.Value), Location{File, S.Begin, S.End},
          "cx_Freeze configuration " + File->path());
}

std::mutex RunMutex;
std::shared_ptr<const FreezeEntries> RunEntries;

} // namespace

bool mayBeFreezeConfig(const std::string &P) {
  llvm::StringRef Name = path::filename(P);
  return Name.ends_with(".spec") || Name == "setup.py" ||
         Name == "pyproject.toml";
}

void readFreezeConfig(const std::string &Abs, const std::string &Display,
                      FreezeEntries &Out) {
  if (!mayBeFreezeConfig(Abs))
    return;
  std::string Text;
  struct stat St;
  if (readWholeFile(Abs, Text, St, MaxConfigBytes))
    return;
  auto File = std::make_shared<const SourceFile>(Display, Abs, std::move(Text));
  llvm::StringRef Name = path::filename(Abs);
  if (Name == "pyproject.toml")
    readTomlConfig(File, Out);
  else
    readPythonConfig(File, Name.ends_with(".spec"), Out);
}

void listFreezeConfigsIn(const std::string &Dir,
                         std::vector<std::string> &Out) {
  std::error_code EC;
  size_t First = Out.size();
  for (fs::directory_iterator It(Dir, EC), End; It != End && !EC;
       It.increment(EC))
    if (It->type() != fs::file_type::directory_file &&
        mayBeFreezeConfig(It->path()))
      Out.push_back(It->path());
  std::sort(Out.begin() + First, Out.end());
}

void setRunFreezeEntries(std::shared_ptr<const FreezeEntries> E) {
  std::lock_guard<std::mutex> Lock(RunMutex);
  RunEntries = std::move(E);
}

FreezeConfigRef frozenEntryFor(const std::string &AbsScript) {
  if (AbsScript.empty())
    return nullptr;
  std::shared_ptr<const FreezeEntries> Run;
  {
    std::lock_guard<std::mutex> Lock(RunMutex);
    Run = RunEntries;
  }
  if (Run)
    return Run->lookup(AbsScript);
  FreezeEntries Local;
  std::vector<std::string> Configs;
  listFreezeConfigsIn(path::parent_path(AbsScript).str(), Configs);
  for (const std::string &P : Configs)
    readFreezeConfig(P, displayPath(P), Local);
  return Local.lookup(AbsScript);
}

} // namespace mpguard
