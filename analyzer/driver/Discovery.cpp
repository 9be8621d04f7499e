//===- Discovery.cpp ------------------------------------------------------===//
#include "driver/Discovery.h"

#include "cpp/CppRunner.h"
#include "driver/Config.h"
#include "driver/FreezeEntries.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

#include <algorithm>
#include <cerrno>
#include <functional>
#include <set>
#include <system_error>

#include <sys/stat.h>

namespace mpguard {

namespace fs = llvm::sys::fs;
namespace path = llvm::sys::path;

namespace {

/// ruff's default exclusions, plus the usual build folders.
const char *const SkippedDirs[] = {
    ".bzr",
    ".direnv",
    ".eggs",
    ".git",
    ".git-rewrite",
    ".hg",
    ".ipynb_checkpoints",
    ".mypy_cache",
    ".nox",
    ".pants.d",
    ".pyenv",
    ".pytest_cache",
    ".pytype",
    ".ruff_cache",
    ".svn",
    ".tox",
    ".venv",
    ".vscode",
    "__pycache__",
    "__pypackages__",
    "_build",
    "buck-out",
    "build",
    "dist",
    "node_modules",
    "site-packages",
    "venv",
    ".cache",
};

bool isSkippedDir(llvm::StringRef Dir) {
  llvm::StringRef Name = path::filename(Dir);
  for (const char *S : SkippedDirs)
    if (Name == S)
      return true;
  llvm::SmallString<256> Cfg(Dir);
  path::append(Cfg, "pyvenv.cfg");
  return fs::exists(Cfg);
}

std::string normalize(llvm::StringRef P) {
  llvm::SmallString<256> S(P);
  path::remove_dots(S, /*remove_dot_dot=*/false);
  std::string Out(S.str());
  while (Out.size() > 2 && Out.compare(0, 2, "./") == 0)
    Out.erase(0, 2);
  return Out.empty() ? "." : Out;
}

/// The working directory, asked once: make_absolute() without it calls
/// getcwd() for every file.
const std::string &workingDirectory() {
  static const std::string Cwd = [] {
    llvm::SmallString<256> S;
    if (fs::current_path(S))
      return std::string();
    return std::string(S.str());
  }();
  return Cwd;
}

std::string absolute(llvm::StringRef P) {
  llvm::SmallString<256> S(P);
  if (workingDirectory().empty())
    fs::make_absolute(S);
  else
    fs::make_absolute(workingDirectory(), S);
  path::remove_dots(S, /*remove_dot_dot=*/true);
  return std::string(S.str());
}

bool excludedEntry(const Configuration &C, const std::string &Entry) {
  return !C.Exclude.empty() && C.excluded(absolute(Entry), false);
}

/// Walks \p Root depth-first with an explicit stack: a directory that
/// cannot be listed is reported and skipped, and the walk goes on.
void walk(const std::string &Root, const Configuration &Ex,
          const std::function<void(const std::string &)> &Add,
          std::vector<std::string> *Configs, std::vector<ToolError> &Errors) {
  std::vector<std::string> Stack{Root};
  while (!Stack.empty()) {
    std::string Dir = std::move(Stack.back());
    Stack.pop_back();
    std::error_code EC;
    std::vector<std::string> Subdirs;
    for (fs::directory_iterator It(Dir, EC, /*follow_symlinks=*/false), End;
         It != End && !EC; It.increment(EC)) {
      const std::string &Entry = It->path();
      fs::file_type Type = It->type();
      if (Type == fs::file_type::directory_file) {
        if (!isSkippedDir(Entry) && !excludedEntry(Ex, Entry))
          Subdirs.push_back(Entry);
        continue;
      }
      if (Type == fs::file_type::symlink_file) {
        // Follow symlinked files, never symlinked directories (loops).
        fs::file_status Target;
        if (fs::status(Entry, Target, true) || !fs::is_regular_file(Target))
          continue;
      } else if (Type != fs::file_type::regular_file) {
        continue;
      }
      if (Configs && mayBeFreezeConfig(Entry) && !excludedEntry(Ex, Entry))
        Configs->push_back(normalize(Entry));
      if ((isPythonPath(Entry) || isCppPath(Entry)) &&
          !excludedEntry(Ex, Entry))
        Add(Entry);
    }
    if (EC)
      Errors.push_back({ToolError::Io, normalize(Dir),
                        "cannot read directory: " + EC.message(), 0, 0});
    // Reverse so that the stack pops them in listing order.
    Stack.insert(Stack.end(), Subdirs.rbegin(), Subdirs.rend());
  }
}

} // namespace

bool isPythonPath(const std::string &P) {
  llvm::StringRef Ext = path::extension(P);
  return Ext == ".py" || Ext == ".pyw";
}

void discoverFiles(const std::vector<std::string> &Paths,
                   const Configuration &Config,
                   const std::string &StdinFilename,
                   std::vector<InputFile> &Files,
                   std::vector<ToolError> &Errors,
                   std::vector<std::string> *FreezeConfigs) {
  std::set<std::string> Seen;
  auto Add = [&](const std::string &Display, const struct stat *St) {
    std::string Abs = absolute(Display);
    if (Seen.insert(Abs).second) {
      Files.push_back({normalize(Display), Abs, false});
      if (St) {
        Files.back().HasIdentity = true;
        Files.back().Identity = identityOf(*St);
      }
    }
  };
  auto AddWalked = [&](const std::string &Display) { Add(Display, nullptr); };

  for (const std::string &P : Paths) {
    if (P == "-") {
      std::string Name = StdinFilename.empty() ? "-" : StdinFilename;
      Files.push_back({normalize(Name),
                       StdinFilename.empty() ? "" : absolute(StdinFilename),
                       true});
      continue;
    }
    if (P.empty()) {
      Errors.push_back({ToolError::Io, "\"\"", "empty path", 0, 0});
      continue;
    }
    // One stat per explicit path (a pre-commit hook passes thousands), kept
    // for the cache's lookup so the file is not stat'ed twice.
    struct stat St;
    if (::stat(P.c_str(), &St) != 0) {
      int E = errno;
      Errors.push_back({ToolError::Io, normalize(P),
                        std::error_code(E, std::generic_category()).message(),
                        0, 0});
      continue;
    }
    if (Config.ForceExclude && Config.excluded(absolute(P), true))
      continue;
    if (S_ISREG(St.st_mode)) {
      Add(P, &St); // explicit files are analyzed whatever their name
      continue;
    }
    if (!S_ISDIR(St.st_mode)) {
      Errors.push_back({ToolError::Io, normalize(P),
                        "not a regular file or directory", 0, 0});
      continue;
    }
    walk(P, Config, AddWalked, FreezeConfigs, Errors);
  }
  std::sort(Files.begin(), Files.end(),
            [](const InputFile &A, const InputFile &B) {
              return A.DisplayPath < B.DisplayPath;
            });
}

} // namespace mpguard
