//===- Config.cpp - Configuration files and the effective settings --------===//
//
// toml++ (Debian's libtomlplusplus-dev) is used header-only and without
// exceptions, in this one translation unit: parse errors and every node
// carry a source position, so each complaint names the file, line, column
// and key.
//
//===----------------------------------------------------------------------===//
#define TOML_EXCEPTIONS 0
#define TOML_HEADER_ONLY 1
#include <toml++/toml.h>

#include "driver/Config.h"

#include "core/FileRead.h"
#include "core/RuleSelector.h"
#include "output/Uri.h"
#include "rules/Registry.h"
#include "rules/meta/unused-suppression/UnusedSuppressionRule.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/GlobPattern.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <cstring>
#include <map>
#include <optional>
#include <tuple>

namespace mpguard {

namespace fs = llvm::sys::fs;
namespace path = llvm::sys::path;

namespace {

struct KeyInfo {
  const char *Name;
  const char *Value;
  const char *Help;
};

const KeyInfo Keys[] = {
    {"select", "[RULES]",
     "rules to enable: codes, slugs, code prefixes or \"ALL\" (default: "
     "every rule but MPG900)"},
    {"extend-select", "[RULES]", "rules to enable on top of select"},
    {"ignore", "[RULES]", "rules to disable"},
    {"exclude", "[GLOBS]",
     "files and directories to skip, relative to the configuration file; a "
     "name without '/' matches a file or directory name anywhere below it"},
    {"force-exclude", "BOOL",
     "apply exclude to files named on the command line too (pre-commit passes "
     "every staged file; default: false)"},
    {"per-file-ignores", "{GLOB = [RULES]}",
     "rules to disable in the files a glob matches, globs as in exclude"},
    {"target-python", "\"3.N\"",
     "the oldest Python 3 the code runs on, \"3.8\" to \"3.14\" (default: "
     "the pyproject's requires-python, else \"3.9\"); with platforms, "
     "decides the default start method"},
    {"platforms", "[NAMES]",
     "where the code runs: \"linux\", \"macos\", \"windows\" (default: all "
     "three)"},
};

/// The settings one file gives, still unresolved.
struct FileSettings {
  std::optional<std::vector<std::string>> Select;
  std::vector<std::string> ExtendSelect, Ignore;
  std::vector<PathGlob> Exclude;
  std::optional<bool> ForceExclude;
  std::vector<Configuration::PerFile> PerFileIgnores;
  std::optional<unsigned> TargetMinor;
  std::optional<std::vector<Platform>> Platforms;
};

/// The working directory, for display paths.
std::string cwd() {
  llvm::SmallString<256> S;
  if (fs::current_path(S))
    return "";
  return std::string(S.str());
}

std::string absolutePath(llvm::StringRef P) {
  llvm::SmallString<256> S(P);
  fs::make_absolute(S);
  path::remove_dots(S, /*remove_dot_dot=*/true);
  return std::string(S.str());
}

size_t editDistance(llvm::StringRef A, llvm::StringRef B) {
  return A.edit_distance(B, /*AllowReplacements=*/true, /*MaxEditDistance=*/3);
}

class FileReader {
public:
  FileReader(std::string Abs, std::string &Errors)
      : Abs(std::move(Abs)), Display(displayPath(this->Abs)), Errors(Errors),
        Dir(path::parent_path(this->Abs).str()) {}

  /// Reads the table \p Where ("tool.mpguard" or "" for the top level) of
  /// the parsed document. Returns false after reporting a problem; reports
  /// every problem, not only the first.
  bool read(const toml::table &T, FileSettings &S) {
    bool Ok = true;
    for (auto &&[K, V] : T) {
      std::string Key(K.str());
      const toml::source_region &At = K.source();
      if (Key == "select" || Key == "extend-select" || Key == "ignore") {
        std::vector<std::string> Rules;
        if (!selectors(Key, V, Rules)) {
          Ok = false;
          continue;
        }
        if (Key == "select")
          S.Select = std::move(Rules);
        else
          (Key == "ignore" ? S.Ignore : S.ExtendSelect) = std::move(Rules);
      } else if (Key == "exclude") {
        const toml::array *A = V.as_array();
        if (!A) {
          Ok = error(V.source(), Key, "must be an array of glob strings");
          continue;
        }
        for (const toml::node &E : *A) {
          PathGlob G;
          if (!glob(Key, E, G))
            Ok = false;
          else
            S.Exclude.push_back(std::move(G));
        }
      } else if (Key == "force-exclude") {
        if (std::optional<bool> B = V.value_exact<bool>())
          S.ForceExclude = *B;
        else
          Ok = error(V.source(), Key, "must be true or false");
      } else if (Key == "per-file-ignores") {
        const toml::table *Tab = V.as_table();
        if (!Tab) {
          Ok = error(V.source(), Key,
                     "must be a table of glob = [rules], e.g. "
                     "{ \"tests/*\" = [\"MPG001\"] }");
          continue;
        }
        for (auto &&[GK, GV] : *Tab) {
          Configuration::PerFile P;
          std::vector<std::string> Rules;
          std::string What =
              "per-file-ignores.\"" + std::string(GK.str()) + "\"";
          if (!makeGlob(std::string(GK.str()), GK.source(), What, P.Glob) ||
              !selectors(What, GV, Rules)) {
            Ok = false;
            continue;
          }
          for (const std::string &R : Rules)
            for (const RuleInfo *Rule : matchSelector(ruleCatalogue(), R))
              P.Codes.insert(Rule->Code);
          S.PerFileIgnores.push_back(std::move(P));
        }
      } else if (Key == "target-python") {
        std::optional<std::string> Str = V.value_exact<std::string>();
        if (!Str) {
          Ok = error(V.source(), Key,
                     V.is_floating_point()
                         ? "must be a string such as \"3.12\" (as a TOML "
                           "float 3.10 would be 3.1)"
                         : "must be a string such as \"3.12\"");
          continue;
        }
        unsigned Minor = 0;
        llvm::StringRef R(*Str);
        if (!R.consume_front("3.") || R.getAsInteger(10, Minor) ||
            Minor < MinTargetMinor || Minor > MaxTargetMinor) {
          Ok = error(V.source(), Key,
                     "'" + *Str +
                         "' is not a Python version mpguard knows "
                         "(\"3.8\" to \"3.14\")");
          continue;
        }
        S.TargetMinor = Minor;
      } else if (Key == "platforms") {
        std::vector<Platform> Ps;
        const toml::array *A = V.as_array();
        if (!A || A->empty()) {
          Ok = error(V.source(), Key,
                     "must be a non-empty array of \"linux\", \"macos\", "
                     "\"windows\"");
          continue;
        }
        bool Good = true;
        for (const toml::node &E : *A) {
          std::optional<std::string> N = E.value_exact<std::string>();
          std::optional<Platform> P;
          if (N)
            P = parsePlatform(*N);
          if (!P) {
            Good = error(E.source(), Key,
                         (N ? "unknown platform '" + *N + "'"
                            : std::string("a platform must be a string")) +
                             " (expected \"linux\", \"macos\" or "
                             "\"windows\")");
            continue;
          }
          if (std::find(Ps.begin(), Ps.end(), *P) == Ps.end())
            Ps.push_back(*P);
        }
        if (!Good) {
          Ok = false;
          continue;
        }
        S.Platforms = std::move(Ps);
      } else {
        std::string Msg = "unknown key";
        const KeyInfo *Best = nullptr;
        size_t BestD = 4;
        for (const KeyInfo &KI : Keys)
          if (size_t D = editDistance(Key, KI.Name); D < BestD) {
            BestD = D;
            Best = &KI;
          }
        if (Best)
          Msg += std::string("; did you mean '") + Best->Name + "'?";
        else
          Msg += " (see 'mpguard config' for the keys)";
        Ok = error(At, Key, Msg);
      }
    }
    // In file order (the table iterates its keys sorted).
    std::stable_sort(
        Pending.begin(), Pending.end(), [](const auto &A, const auto &B) {
          return std::tie(A.Line, A.Column) < std::tie(B.Line, B.Column);
        });
    for (const Problem &P : Pending)
      Errors += P.Text;
    Pending.clear();
    return Ok;
  }

  bool error(const toml::source_region &At, const std::string &Key,
             const std::string &Message) {
    Pending.push_back(
        {At.begin.line, At.begin.column,
         llvm::formatv("{0}:{1}:{2}: error: '{3}': {4}\n", Display,
                       At.begin.line, At.begin.column, Key, Message)
             .str()});
    return false;
  }

  static std::optional<Platform> parsePlatform(llvm::StringRef N) {
    if (N == "linux")
      return Platform::Linux;
    if (N == "macos" || N == "darwin")
      return Platform::MacOS;
    if (N == "windows" || N == "win32")
      return Platform::Windows;
    return std::nullopt;
  }

private:
  bool selectors(const std::string &Key, const toml::node &V,
                 std::vector<std::string> &Out) {
    const toml::array *A = V.as_array();
    if (!A)
      return error(V.source(), Key,
                   "must be an array of rule codes, slugs or prefixes, e.g. "
                   "[\"MPG001\"]");
    bool Ok = true;
    for (const toml::node &E : *A) {
      std::optional<std::string> S = E.value_exact<std::string>();
      if (!S) {
        Ok = error(E.source(), Key, "a rule selector must be a string");
        continue;
      }
      if (matchSelector(ruleCatalogue(), *S).empty()) {
        Ok = error(E.source(), Key,
                   "unknown rule selector '" + *S + "' (see 'mpguard rules')");
        continue;
      }
      Out.push_back(*S);
    }
    return Ok;
  }

  bool glob(const std::string &Key, const toml::node &E, PathGlob &G) {
    std::optional<std::string> S = E.value_exact<std::string>();
    if (!S)
      return error(E.source(), Key, "a glob must be a string");
    return makeGlob(*S, E.source(), Key, G);
  }

  bool makeGlob(const std::string &Pattern, const toml::source_region &At,
                const std::string &Key, PathGlob &G) {
    std::string Message;
    if (!PathGlob::create(Pattern, Dir,
                          Display + ":" + std::to_string(At.begin.line), G,
                          Message))
      return error(At, Key, Message);
    return true;
  }

  struct Problem {
    uint32_t Line, Column;
    std::string Text;
  };
  std::string Abs, Display;
  std::string &Errors;
  std::string Dir;
  std::vector<Problem> Pending;
};

/// Reads and parses \p Abs. \p Table is set to the table the settings are
/// in, or null for a pyproject.toml without [tool.mpguard].
bool parseFile(const std::string &Abs, toml::table &Doc, std::string &Errors) {
  std::string Text;
  struct stat St;
  if (int E = readWholeFile(Abs, Text, St, 16u << 20)) {
    Errors += "mpguard: error: cannot read configuration file '" +
              displayPath(Abs) + "': " + std::strerror(E) + "\n";
    return false;
  }
  toml::parse_result R = toml::parse(Text, Abs);
  if (!R) {
    const toml::parse_error &E = R.error();
    Errors += llvm::formatv("{0}:{1}:{2}: error: invalid TOML: {3}\n",
                            displayPath(Abs), E.source().begin.line,
                            E.source().begin.column, E.description())
                  .str();
    return false;
  }
  Doc = std::move(R).table();
  return true;
}

bool isPyproject(const std::string &Abs) {
  return path::filename(Abs) == "pyproject.toml";
}

/// The nearest mpguard.toml, .mpguard.toml, or pyproject.toml with a
/// [tool.mpguard] table, from \p Dir up. Empty when there is none.
std::string findConfigFile(const std::string &Dir) {
  llvm::SmallString<256> D(Dir);
  for (int Depth = 0; Depth < 256 && !D.empty(); ++Depth) {
    for (const char *Name :
         {"mpguard.toml", ".mpguard.toml", "pyproject.toml"}) {
      llvm::SmallString<256> F(D);
      path::append(F, Name);
      if (!fs::is_regular_file(F))
        continue;
      if (std::string(Name) != "pyproject.toml")
        return std::string(F.str());
      // A pyproject.toml counts only with a [tool.mpguard] table; one that
      // never says "mpguard" is not parsed (nor blamed if it is broken).
      std::string Text;
      struct stat St;
      if (readWholeFile(std::string(F.str()), Text, St, 16u << 20) != 0 ||
          Text.find("mpguard") == std::string::npos)
        continue;
      toml::parse_result R = toml::parse(Text, std::string(F.str()));
      if (!R || R.table().at_path("tool.mpguard").as_table())
        return std::string(F.str()); // a broken one is reported by the read
    }
    std::string Parent = path::parent_path(D).str();
    if (Parent == D.str() || Parent.empty())
      break;
    D = Parent;
  }
  return "";
}

/// The lowest Python 3 minor version a requires-python specifier admits
/// (">=3.10", "~=3.11", ">=3.9,<4", "==3.12.*"), clamped to what mpguard
/// knows; nothing for a specifier without a lower bound.
std::optional<unsigned> lowerBoundMinor(llvm::StringRef Spec) {
  llvm::SmallVector<llvm::StringRef, 4> Parts;
  Spec.split(Parts, ',');
  std::optional<unsigned> Out;
  for (llvm::StringRef P : Parts) {
    P = P.trim();
    if (!(P.consume_front(">=") || P.consume_front("~=") ||
          P.consume_front("==")))
      continue;
    P = P.trim();
    unsigned Minor = 0;
    if (!P.consume_front("3."))
      continue;
    llvm::StringRef Digits = P.take_while(llvm::isDigit);
    if (Digits.empty() || Digits.getAsInteger(10, Minor))
      continue;
    Minor = std::clamp(Minor, MinTargetMinor, MaxTargetMinor);
    Out = Out ? std::max(*Out, Minor) : Minor;
  }
  return Out;
}

} // namespace

struct PathGlob::Compiled {
  std::string Text; // what Pattern points into
  std::optional<llvm::GlobPattern> Pattern;
};

bool PathGlob::create(std::string Pattern, std::string Base, std::string Origin,
                      PathGlob &Out, std::string &Error) {
  llvm::StringRef Pat(Pattern);
  Out.IsPath = Pat.contains('/');
  std::string Full = Pattern;
  if (Out.IsPath && !path::is_absolute(Pat)) {
    while (Pat.consume_front("./")) {
    }
    Full = Base + (Base == "/" ? "" : "/") + Pat.rtrim('/').str();
  }
  auto C = std::make_shared<Compiled>();
  C->Text = std::move(Full);
  auto P = llvm::GlobPattern::create(C->Text);
  if (!P) {
    Error = "invalid glob '" + Pattern + "': " + llvm::toString(P.takeError());
    return false;
  }
  C->Pattern.emplace(std::move(*P));
  Out.Glob = std::move(C);
  Out.Pattern = std::move(Pattern);
  Out.Base = std::move(Base);
  Out.Origin = std::move(Origin);
  return true;
}

bool PathGlob::matches(const std::string &Abs, bool Ancestors) const {
  if (!Glob)
    return false;
  const llvm::GlobPattern &Compiled = *Glob->Pattern;
  if (IsPath) {
    for (llvm::StringRef A(Abs); !A.empty() && A != "/";
         A = path::parent_path(A)) {
      if (Compiled.match(A))
        return true;
      if (!Ancestors)
        break;
    }
    return false;
  }
  if (Compiled.match(path::filename(Abs)))
    return true;
  bool Below = Abs.size() > Base.size() &&
               Abs.compare(0, Base.size(), Base) == 0 &&
               (Base == "/" || Abs[Base.size()] == '/');
  if (!Ancestors || !Below)
    return false;
  // The names of the directories between the base and the file.
  llvm::StringRef Rel =
      llvm::StringRef(Abs).drop_front(Base.size() + (Base == "/" ? 0 : 1));
  for (llvm::StringRef Dir = path::parent_path(Rel); !Dir.empty();
       Dir = path::parent_path(Dir))
    if (Compiled.match(path::filename(Dir)))
      return true;
  return false;
}

std::set<std::string>
Configuration::enabledFor(const std::string &AbsolutePath) const {
  std::set<std::string> Out = Enabled;
  for (const PerFile &P : PerFileIgnores)
    if (P.Glob.matches(AbsolutePath, /*Ancestors=*/true))
      for (const std::string &C : P.Codes)
        Out.erase(C);
  return Out;
}

bool Configuration::excluded(const std::string &AbsolutePath,
                             bool Ancestors) const {
  return std::any_of(Exclude.begin(), Exclude.end(), [&](const PathGlob &G) {
    return G.matches(AbsolutePath, Ancestors);
  });
}

std::string configStartDirectory(const Options &O) {
  std::string Common;
  bool First = true;
  for (const std::string &P : O.Paths) {
    std::string Dir;
    if (P == "-") {
      if (O.StdinFilename.empty())
        Dir = cwd();
      else
        Dir = path::parent_path(absolutePath(O.StdinFilename)).str();
    } else {
      std::string Abs = absolutePath(P);
      Dir = fs::is_directory(Abs) ? Abs : path::parent_path(Abs).str();
    }
    if (First) {
      Common = Dir;
      First = false;
      continue;
    }
    // The longest common directory prefix.
    while (!Common.empty() &&
           !(Dir == Common || (Dir.size() > Common.size() &&
                               Dir.compare(0, Common.size(), Common) == 0 &&
                               (Common == "/" || Dir[Common.size()] == '/'))))
      Common = path::parent_path(Common).str();
  }
  return Common.empty() ? cwd() : Common;
}

bool resolveConfiguration(const Options &O, const std::string &StartDir,
                          Configuration &C, std::string &Error) {
  C = Configuration();
  FileSettings S;
  if (!O.Isolated) {
    std::string File;
    if (!O.ConfigFile.empty()) {
      File = absolutePath(O.ConfigFile);
      if (!fs::exists(File)) {
        Error = "mpguard: error: configuration file '" + O.ConfigFile +
                "' does not exist\n";
        return false;
      }
    } else {
      File = findConfigFile(StartDir);
    }
    if (!File.empty()) {
      toml::table Doc;
      if (!parseFile(File, Doc, Error))
        return false;
      const toml::table *T = &Doc;
      if (isPyproject(File)) {
        T = Doc.at_path("tool.mpguard").as_table();
        C.Table = "tool.mpguard";
        if (!T) {
          Error = "mpguard: error: " + displayPath(File) +
                  " has no [tool.mpguard] table\n";
          return false;
        }
      }
      C.File = File;
      FileReader Reader(File, Error);
      if (!Reader.read(*T, S))
        return false;
      // Without target-python, a pyproject's requires-python lower bound
      // (as ruff does for its target-version).
      if (!S.TargetMinor && isPyproject(File))
        if (std::optional<std::string> Req =
                Doc.at_path("project.requires-python").value<std::string>())
          S.TargetMinor = lowerBoundMinor(*Req);
    }
  }

  // Rules: the file's select (else the default rules), its extend-select
  // and ignore, then the command line's, each layer over the last (as ruff
  // does). The file's selectors were checked as it was read.
  C.Enabled = defaultRules(ruleCatalogue());
  std::string Unknown;
  applyRuleSelection(ruleCatalogue(), S.Select ? &*S.Select : nullptr,
                     S.ExtendSelect, S.Ignore, C.Enabled, Unknown);
  if (!applyRuleSelection(ruleCatalogue(),
                          O.Select.empty() ? nullptr : &O.Select,
                          O.ExtendSelect, O.Ignore, C.Enabled, Unknown)) {
    const char *Flag =
        std::find(O.Select.begin(), O.Select.end(), Unknown) != O.Select.end()
            ? "select"
        : std::find(O.ExtendSelect.begin(), O.ExtendSelect.end(), Unknown) !=
                O.ExtendSelect.end()
            ? "extend-select"
            : "ignore";
    Error = "mpguard: error: unknown rule selector '" + Unknown + "' in --" +
            Flag + "\n";
    return false;
  }
  if (O.ReportUnusedSuppressions)
    C.Enabled.insert(unusedSuppressionRule().Code);

  C.Exclude = std::move(S.Exclude);
  std::string Cwd = cwd();
  for (const std::string &G : O.Exclude) {
    PathGlob P;
    std::string Message;
    if (!PathGlob::create(G, Cwd, "--exclude", P, Message)) {
      Error = "mpguard: error: invalid --exclude pattern: " + Message + "\n";
      return false;
    }
    C.Exclude.push_back(std::move(P));
  }
  C.ForceExclude = O.ForceExclude || S.ForceExclude.value_or(false);
  C.PerFileIgnores = std::move(S.PerFileIgnores);

  if (S.TargetMinor)
    C.TargetMinor = *S.TargetMinor;
  if (!O.TargetPython.empty()) {
    unsigned Minor = 0;
    llvm::StringRef R(O.TargetPython);
    if (!R.consume_front("3.") || R.getAsInteger(10, Minor) ||
        Minor < MinTargetMinor || Minor > MaxTargetMinor) {
      Error = "mpguard: error: invalid --target-python '" + O.TargetPython +
              "' (expected 3.8 to 3.14)\n";
      return false;
    }
    C.TargetMinor = Minor;
  }
  if (S.Platforms)
    C.Platforms = *S.Platforms;
  if (!O.Platforms.empty()) {
    C.Platforms.clear();
    for (const std::string &N : O.Platforms) {
      std::optional<Platform> P = FileReader::parsePlatform(N);
      if (!P) {
        Error = "mpguard: error: invalid --platforms '" + N +
                "' (expected linux, macos or windows)\n";
        return false;
      }
      if (std::find(C.Platforms.begin(), C.Platforms.end(), *P) ==
          C.Platforms.end())
        C.Platforms.push_back(*P);
    }
  }
  return true;
}

namespace {

std::string tomlString(llvm::StringRef S) {
  std::string Out = "\"";
  for (char Ch : S) {
    if (Ch == '"' || Ch == '\\')
      Out += '\\';
    Out += Ch;
  }
  return Out + "\"";
}

std::string tomlArray(const std::vector<std::string> &Items) {
  std::string Out = "[";
  for (size_t I = 0; I < Items.size(); ++I)
    Out += (I ? ", " : "") + tomlString(Items[I]);
  return Out + "]";
}

/// A glob as it would be written in a configuration file at the top of
/// the run: anchored patterns keep their base explicit.
std::string globText(const PathGlob &G, const std::string &Dir) {
  if (!llvm::StringRef(G.Pattern).contains('/') || G.Base == Dir ||
      path::is_absolute(G.Pattern))
    return G.Pattern;
  return G.Base + "/" + G.Pattern;
}

} // namespace

void printConfiguration(const Configuration &C, bool Json,
                        llvm::raw_ostream &OS) {
  std::vector<std::string> Enabled(C.Enabled.begin(), C.Enabled.end());
  std::string Dir = C.File.empty() ? cwd() : path::parent_path(C.File).str();
  std::vector<std::string> Exclude, Platforms, StartMethods;
  for (const PathGlob &G : C.Exclude)
    Exclude.push_back(globText(G, Dir));
  for (Platform P : C.Platforms) {
    Platforms.push_back(platformName(P));
    StartMethods.push_back(std::string(platformName(P)) + ": " +
                           defaultStartMethods(P, C.TargetMinor));
  }
  std::string Target = "3." + std::to_string(C.TargetMinor);
  if (Json) {
    llvm::json::Object PerFile;
    for (const Configuration::PerFile &P : C.PerFileIgnores) {
      std::vector<std::string> Codes(P.Codes.begin(), P.Codes.end());
      PerFile[globText(P.Glob, Dir)] = llvm::json::Array(Codes);
    }
    llvm::json::Object Root{
        {"file", C.File.empty() ? llvm::json::Value(nullptr)
                                : llvm::json::Value(C.File)},
        {"table", C.Table},
        {"select", llvm::json::Array(Enabled)},
        {"exclude", llvm::json::Array(Exclude)},
        {"force-exclude", C.ForceExclude},
        {"per-file-ignores", std::move(PerFile)},
        {"target-python", Target},
        {"platforms", llvm::json::Array(Platforms)},
        {"default-start-methods", llvm::json::Array(StartMethods)}};
    OS << llvm::formatv("{0:2}", llvm::json::Value(std::move(Root))) << "\n";
    return;
  }
  if (C.File.empty())
    OS << "# No configuration file: defaults and the command line.\n";
  else
    OS << "# From " << C.File << (C.Table.empty() ? "" : " [" + C.Table + "]")
       << " and the command line.\n";
  OS << "# Relative globs are relative to " << Dir << ".\n";
  OS << "select = " << tomlArray(Enabled) << "\n";
  OS << "exclude = " << tomlArray(Exclude) << "\n";
  OS << "force-exclude = " << (C.ForceExclude ? "true" : "false") << "\n";
  OS << "target-python = " << tomlString(Target) << "\n";
  OS << "platforms = " << tomlArray(Platforms) << "\n";
  OS << "# default start method: " << llvm::join(StartMethods, "; ") << "\n";
  OS << "\n[per-file-ignores]\n";
  for (const Configuration::PerFile &P : C.PerFileIgnores)
    OS << tomlString(globText(P.Glob, Dir)) << " = "
       << tomlArray(std::vector<std::string>(P.Codes.begin(), P.Codes.end()))
       << "\n";
}

void printConfigurationKeys(llvm::raw_ostream &OS) {
  OS << "Keys of [tool.mpguard] in pyproject.toml, or of mpguard.toml:\n\n";
  for (const KeyInfo &K : Keys)
    OS << llvm::formatv("  {0,-17} {1,-17} ", K.Name, K.Value) << K.Help
       << "\n";
  OS << "\nmpguard config --show prints the effective configuration.\n";
}

std::vector<TomlString> cxfreezeScripts(const std::string &Text) {
  std::vector<TomlString> Out;
  toml::parse_result R = toml::parse(Text);
  if (!R)
    return Out;
  const toml::array *Exes =
      R.table()["tool"]["cxfreeze"]["executables"].as_array();
  if (!Exes)
    return Out;
  // Byte offsets of the lines, for toml++'s 1-based line and column.
  std::vector<uint32_t> Lines{0};
  for (size_t I = 0; I < Text.size(); ++I)
    if (Text[I] == '\n')
      Lines.push_back(uint32_t(I + 1));
  auto Offset = [&](const toml::source_position &P) {
    if (P.line == 0 || P.line > Lines.size())
      return uint32_t(0);
    return std::min<uint32_t>(Lines[P.line - 1] + P.column - 1,
                              uint32_t(Text.size()));
  };
  for (const toml::node &E : *Exes) {
    const toml::table *T = E.as_table();
    if (!T)
      continue;
    const toml::node *Script = T->get("script");
    if (!Script || !Script->is_string())
      continue;
    TomlString S;
    S.Value = Script->value_or(std::string());
    S.Begin = Offset(Script->source().begin);
    S.End = std::max(S.Begin, Offset(Script->source().end));
    Out.push_back(std::move(S));
  }
  return Out;
}

} // namespace mpguard
