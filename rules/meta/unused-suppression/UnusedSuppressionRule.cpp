//===- UnusedSuppressionRule.cpp - MPG900 ---------------------------------===//
//
/// A `# mpguard: ignore[...]` or `# noqa: ...` comment that names an enabled
/// mpguard rule with no finding to silence on its line(s), a bare
/// `# mpguard: ignore` that silences nothing, or an MPG code that names no
/// rule. Codes of other linters in a noqa list, and codes of rules that are
/// not enabled for the file, are not judged.
//
//===----------------------------------------------------------------------===//
#include "rules/meta/unused-suppression/UnusedSuppressionRule.h"

#include "rules/Registry.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringRef.h"

#include <cctype>

namespace mpguard {

const RuleInfo &unusedSuppressionRule() {
  static const RuleInfo Info{
      "MPG900",
      "unused-suppression",
      Language::Python,
      Severity::Warning,
      "a suppression comment that silences no finding, or names no rule",
      /*OnByDefault=*/false};
  return Info;
}

namespace {

bool isWordChar(char C) {
  return std::isalnum(uint8_t(C)) || C == '_' || C == '-';
}

/// "MPG" followed by digits, any case: meant for mpguard.
bool looksLikeOurCode(llvm::StringRef C) {
  return C.size() > 3 && C.take_front(3).equals_insensitive("MPG") &&
         llvm::all_of(C.drop_front(3),
                      [](char D) { return std::isdigit(uint8_t(D)) != 0; });
}

size_t skipSpaces(const std::string &T, size_t P) {
  while (P < T.size() && (T[P] == ' ' || T[P] == '\t'))
    ++P;
  return P;
}

/// Removes the first whole-word \p Word from \p T with the separator that
/// joined it to its list.
void removeWord(std::string &T, const std::string &Word) {
  for (size_t At = T.find(Word); At != std::string::npos;
       At = T.find(Word, At + 1)) {
    size_t End = At + Word.size();
    if ((At > 0 && isWordChar(T[At - 1])) ||
        (End < T.size() && isWordChar(T[End])))
      continue;
    size_t R = skipSpaces(T, End);
    if (R < T.size() && T[R] == ',') {
      T.erase(At, skipSpaces(T, R + 1) - At); // "A, B" -> "B"
      return;
    }
    size_t L = At;
    while (L > 0 && (T[L - 1] == ' ' || T[L - 1] == '\t'))
      --L;
    if (L > 0 && T[L - 1] == ',') {
      T.erase(L - 1, End - (L - 1)); // "A, B" -> "A"
      return;
    }
    T.erase(At, R - At);
    return;
  }
}

/// Removes `mpguard: ignore` directives left without content, and `noqa:`
/// lists left empty (an empty `noqa:` would read as a bare noqa to other
/// linters and silence everything).
void removeEmptyDirectives(std::string &T, bool DropBareIgnore) {
  for (size_t At = T.find("mpguard:"); At != std::string::npos;) {
    size_t P = skipSpaces(T, At + 8);
    if (T.compare(P, 6, "ignore") != 0) {
      At = T.find("mpguard:", At + 1);
      continue;
    }
    P += 6;
    size_t End = std::string::npos;
    if (P < T.size() && T[P] == '[') {
      size_t Q = skipSpaces(T, P + 1);
      if (Q < T.size() && T[Q] == ']')
        End = Q + 1;
    } else if (DropBareIgnore && (P >= T.size() || !isWordChar(T[P]))) {
      End = P;
    }
    if (End == std::string::npos) {
      At = T.find("mpguard:", At + 1);
      continue;
    }
    T.erase(At, End - At);
    At = T.find("mpguard:", At);
  }
  for (size_t At = T.find("noqa:"); At != std::string::npos;) {
    size_t P = skipSpaces(T, At + 5);
    if (P < T.size() && T[P] != '#') {
      At = T.find("noqa:", At + 1);
      continue;
    }
    T.erase(At, P - At);
    At = T.find("noqa:", At);
  }
}

/// The comment rebuilt from its '#'-separated parts that still say
/// something; empty when none does.
std::string rebuild(const std::string &T) {
  std::string Out;
  size_t B = 0;
  while (B < T.size()) {
    size_t E = T.find('#', B + 1);
    if (E == std::string::npos)
      E = T.size();
    llvm::StringRef Part = llvm::StringRef(T).slice(B, E);
    Part.consume_front("#");
    Part = Part.trim();
    if (!Part.empty())
      Out += (Out.empty() ? "# " : "  # ") + Part.str();
    B = E;
  }
  return Out;
}

} // namespace

void reportUnusedSuppressions(const python::PythonModule &M,
                              const SuppressionUse &Used,
                              const std::set<std::string> &Enabled,
                              std::vector<Finding> &Out) {
  const RuleInfo &Self = unusedSuppressionRule();
  std::string_view Text = M.File->text();
  for (size_t I = 0; I < M.Suppressions.size() && I < Used.size(); ++I) {
    const python::Suppression &S = M.Suppressions[I];
    const std::vector<bool> &U = Used[I];
    std::vector<std::string> Unused, Unknown;
    bool BareUnused = S.All && !U.back();
    for (size_t J = 0; J < S.Codes.size(); ++J) {
      const std::string &C = S.Codes[J];
      const RuleInfo *R = findRule(C);
      if (!R) {
        if (looksLikeOurCode(C))
          Unknown.push_back(C);
        continue;
      }
      if (R == &Self || !Enabled.count(R->Code) || U[J])
        continue;
      Unused.push_back(C);
    }
    if (Unused.empty() && Unknown.empty() && !BareUnused)
      continue;

    std::string Message;
    auto List = [](const std::vector<std::string> &L) {
      std::string Out;
      for (size_t K = 0; K < L.size(); ++K)
        Out += (K ? ", `" : "`") + L[K] + "`";
      return Out;
    };
    if (BareUnused)
      Message = "unused `mpguard: ignore`: no finding to silence here";
    if (!Unused.empty())
      Message += std::string(Message.empty() ? "" : "; ") +
                 "unused suppression of " + List(Unused) +
                 ": no such finding here";
    if (!Unknown.empty())
      Message += std::string(Message.empty() ? "" : "; ") +
                 (Unknown.size() == 1 ? "unknown rule code "
                                      : "unknown rule "
                                        "codes ") +
                 List(Unknown);

    // The fix: the comment without what it silences for nothing.
    uint32_t Begin = S.Range.Begin, End = S.Range.End;
    std::string T(Text.substr(Begin, End - Begin));
    for (const std::string &C : Unused)
      removeWord(T, C);
    for (const std::string &C : Unknown)
      removeWord(T, C);
    removeEmptyDirectives(T, BareUnused);
    std::string New = rebuild(T);
    Fix X;
    X.Message = New.empty() ? "Remove the comment" : "Remove the unused codes";
    if (New.empty()) {
      // The comment and the blanks before it; a line holding nothing else
      // goes whole.
      uint32_t LineStart = M.File->lineStart(M.File->lineOf(Begin));
      uint32_t B = Begin;
      while (B > LineStart && (Text[B - 1] == ' ' || Text[B - 1] == '\t'))
        --B;
      if (B == LineStart && End < Text.size() && Text[End] == '\n')
        ++End;
      else if (B == LineStart && End + 1 < Text.size() && Text[End] == '\r' &&
               Text[End + 1] == '\n')
        End += 2;
      X.Edits.push_back({B, End, ""});
    } else {
      X.Edits.push_back({Begin, End, New});
    }

    Finding F;
    F.Rule = &Self;
    F.Level = Self.DefaultSeverity;
    F.Loc = {M.File, S.Range.Begin, S.Range.End};
    F.Message = std::move(Message);
    F.Fixes.push_back(std::move(X));
    Out.push_back(std::move(F));
  }
}

} // namespace mpguard
