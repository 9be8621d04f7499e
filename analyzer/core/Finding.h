//===- Finding.h - The language-neutral result model -----------*- C++ -*-===//
//
// Frontends and rules produce Findings; output/ turns them into text, JSON
// and SARIF. Nothing here knows about tree-sitter or clang.
//
//===----------------------------------------------------------------------===//
#ifndef MPGUARD_CORE_FINDING_H
#define MPGUARD_CORE_FINDING_H

#include "core/SourceFile.h"

#include <string>
#include <vector>

namespace mpguard {

enum class Severity { Note, Warning, Error };
const char *severityName(Severity S);

enum class Language { Python, Cpp };

/// Static description of a rule: its identity, default severity and the
/// one-line summary shown by `mpguard rules`. The long text is the rule's
/// README.md page (see RulePages.h).
struct RuleInfo {
  const char *Code; // "MPG001": SARIF ruleId, stable forever
  const char *Slug; // "unguarded-process-start"
  Language Lang;
  Severity DefaultSeverity;
  const char *Summary; // one sentence, shown in `mpguard rules` and SARIF
  /// Whether the rule runs when nothing selects rules. Off for rules about
  /// mpguard itself (MPG900), which `--select`, `ALL` or a flag turn on.
  bool OnByDefault = true;
};

/// A byte range in one file.
struct Location {
  SourceFileRef File;
  uint32_t Begin = 0;
  uint32_t End = 0;

  uint32_t line() const { return File->lineOf(Begin); }
  uint32_t endLine() const { return File->lineOf(End); }
};

/// One step of a multi-step hazard: "Pool created here", "called here".
struct Note {
  Location Loc;
  std::string Message;
  /// The SARIF threadFlow the step belongs to. 0: the finding's own flow,
  /// which starts at the finding's location. A finding whose notes use
  /// other values gets one threadFlow per value, the others (ascending)
  /// before its own: what another thread did leading up to the finding
  /// (fork-after-thread: "thread started here", then "fork here").
  uint8_t Flow = 0;
};

/// ruff's fix applicability: Safe fixes keep the program's meaning and are
/// applied by --fix; Unsafe ones may change it (the rule page says how) and
/// need --unsafe-fixes; DisplayOnly ones are shown, never applied.
enum class Applicability { Safe, Unsafe, DisplayOnly };
const char *applicabilityName(Applicability A);

/// Replace bytes [Begin, End) of the finding's file with Replacement.
struct Edit {
  uint32_t Begin = 0;
  uint32_t End = 0;
  std::string Replacement;
};

struct Fix {
  std::string Message; // "Move the call under `if __name__ == "__main__":`"
  Applicability Applic = Applicability::Safe;
  std::vector<Edit> Edits; // sorted, non-overlapping, same file
};

struct Finding {
  const RuleInfo *Rule = nullptr;
  Severity Level = Severity::Error;
  Location Loc;
  std::string Message;
  /// Related locations, in the order of the hazard (call site first, the
  /// process start last). Emitted as SARIF relatedLocations and codeFlows.
  std::vector<Note> Related;
  /// GitHub's primaryLocationLineHash of the primary line, computed while the
  /// file's text is at hand.
  std::string LineHash;
  /// At most one fix; none when the rule cannot offer a correct rewrite.
  std::vector<Fix> Fixes;
};

/// A file the run could not analyze: reported, never silently passed.
struct ToolError {
  enum Kind { Io, Encoding, Syntax, Limit, Internal };
  Kind K;
  std::string Path;         // display path
  std::string Message;      // says what and where, without the path
  uint32_t Line = 0;        // 1-based, 0 when the error is about the whole file
  uint32_t Column = 0;      // 1-based code points (text, JSON)
  uint32_t Utf16Column = 0; // 1-based UTF-16 code units (SARIF)
};
const char *toolErrorKindName(ToolError::Kind K);

/// Deterministic report order: path, line, column, rule code, message.
bool findingLess(const Finding &A, const Finding &B);

} // namespace mpguard

#endif
