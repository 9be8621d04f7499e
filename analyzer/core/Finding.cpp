//===- Finding.cpp --------------------------------------------------------===//
#include "core/Finding.h"

#include <cstring>
#include <tuple>

namespace mpguard {

const char *severityName(Severity S) {
  switch (S) {
  case Severity::Note:
    return "note";
  case Severity::Warning:
    return "warning";
  case Severity::Error:
    return "error";
  }
  return "error";
}

const char *applicabilityName(Applicability A) {
  switch (A) {
  case Applicability::Safe:
    return "safe";
  case Applicability::Unsafe:
    return "unsafe";
  case Applicability::DisplayOnly:
    return "display-only";
  }
  return "display-only";
}

const char *toolErrorKindName(ToolError::Kind K) {
  switch (K) {
  case ToolError::Io:
    return "io-error";
  case ToolError::Encoding:
    return "encoding-error";
  case ToolError::Syntax:
    return "syntax-error";
  case ToolError::Limit:
    return "limit-exceeded";
  case ToolError::Internal:
    return "internal-error";
  }
  return "internal-error";
}

bool findingLess(const Finding &A, const Finding &B) {
  int PathCmp = A.Loc.File->path().compare(B.Loc.File->path());
  if (PathCmp != 0)
    return PathCmp < 0;
  if (A.Loc.Begin != B.Loc.Begin)
    return A.Loc.Begin < B.Loc.Begin;
  int CodeCmp = std::strcmp(A.Rule->Code, B.Rule->Code);
  if (CodeCmp != 0)
    return CodeCmp < 0;
  return A.Message < B.Message;
}

} // namespace mpguard
