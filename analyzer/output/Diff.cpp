//===- Diff.cpp - Myers line diff, printed as a unified diff
//---------------===//
#include "output/Diff.h"

#include <algorithm>
#include <vector>

namespace mpguard {

namespace {

std::vector<std::string_view> splitLines(std::string_view S) {
  std::vector<std::string_view> Lines;
  size_t Begin = 0;
  while (Begin < S.size()) {
    size_t NL = S.find('\n', Begin);
    size_t End = NL == std::string_view::npos ? S.size() : NL + 1;
    Lines.push_back(S.substr(Begin, End - Begin));
    Begin = End;
  }
  return Lines;
}

enum class Op { Keep, Del, Add };

/// Myers' O(ND) shortest edit script.
std::vector<Op> editScript(const std::vector<std::string_view> &A,
                           const std::vector<std::string_view> &B) {
  int N = int(A.size()), M = int(B.size()), Max = N + M;
  std::vector<int> V(2 * size_t(Max) + 2, 0);
  std::vector<std::vector<int>> Trace;
  int Offset = Max + 1;
  for (int D = 0; D <= Max; ++D) {
    Trace.push_back(V);
    bool Done = false;
    for (int K = -D; K <= D; K += 2) {
      int X;
      if (K == -D || (K != D && V[K - 1 + Offset] < V[K + 1 + Offset]))
        X = V[K + 1 + Offset];
      else
        X = V[K - 1 + Offset] + 1;
      int Y = X - K;
      while (X < N && Y < M && A[size_t(X)] == B[size_t(Y)])
        ++X, ++Y;
      V[K + Offset] = X;
      if (X >= N && Y >= M) {
        Done = true;
        break;
      }
    }
    if (Done)
      break;
  }
  // Walk back through the trace.
  std::vector<Op> Ops;
  int X = N, Y = M;
  for (int D = int(Trace.size()) - 1; D >= 0; --D) {
    const std::vector<int> &VD = Trace[size_t(D)];
    int K = X - Y;
    int PrevK;
    if (K == -D || (K != D && VD[K - 1 + Offset] < VD[K + 1 + Offset]))
      PrevK = K + 1;
    else
      PrevK = K - 1;
    int PrevX = VD[PrevK + Offset], PrevY = PrevX - PrevK;
    while (X > PrevX && Y > PrevY) {
      Ops.push_back(Op::Keep);
      --X, --Y;
    }
    if (D > 0) {
      if (X == PrevX)
        Ops.push_back(Op::Add), --Y;
      else
        Ops.push_back(Op::Del), --X;
    }
  }
  std::reverse(Ops.begin(), Ops.end());
  return Ops;
}

void appendLine(std::string &Out, char Mark, std::string_view Line) {
  Out += Mark;
  Out += Line;
  if (Line.empty() || Line.back() != '\n')
    Out += "\n\\ No newline at end of file\n";
}

} // namespace

std::string unifiedDiff(std::string_view Old, std::string_view New,
                        const std::string &Path) {
  if (Old == New)
    return {};
  auto A = splitLines(Old), B = splitLines(New);
  // Fixes leave most of a file alone: diff only the middle that differs,
  // which keeps Myers' trace small.
  size_t Prefix = 0;
  while (Prefix < A.size() && Prefix < B.size() && A[Prefix] == B[Prefix])
    ++Prefix;
  size_t Suffix = 0;
  while (Suffix < A.size() - Prefix && Suffix < B.size() - Prefix &&
         A[A.size() - 1 - Suffix] == B[B.size() - 1 - Suffix])
    ++Suffix;
  std::vector<std::string_view> MidA(A.begin() + long(Prefix),
                                     A.end() - long(Suffix));
  std::vector<std::string_view> MidB(B.begin() + long(Prefix),
                                     B.end() - long(Suffix));
  std::vector<Op> Ops(Prefix, Op::Keep);
  std::vector<Op> Mid = editScript(MidA, MidB);
  Ops.insert(Ops.end(), Mid.begin(), Mid.end());
  Ops.insert(Ops.end(), Suffix, Op::Keep);
  const int Context = 3;
  std::string Out = "--- a/" + Path + "\n+++ b/" + Path + "\n";
  size_t I = 0;
  while (I < Ops.size()) {
    // Find the next change.
    size_t Change = I;
    while (Change < Ops.size() && Ops[Change] == Op::Keep)
      ++Change;
    if (Change == Ops.size())
      break;
    // Hunk: from Context lines before the change to Context lines after the
    // last change that is within 2*Context of the previous one.
    size_t Start = Change >= size_t(Context) ? Change - Context : 0;
    if (Start < I)
      Start = I;
    size_t End = Change;
    size_t Quiet = 0;
    for (size_t J = Change; J < Ops.size(); ++J) {
      if (Ops[J] == Op::Keep) {
        if (++Quiet > size_t(2 * Context))
          break;
      } else {
        Quiet = 0;
        End = J + 1;
      }
    }
    size_t Stop = std::min(Ops.size(), End + Context);
    // Line numbers at Start.
    int OldLine = 0, NewLine = 0;
    for (size_t J = 0; J < Start; ++J) {
      if (Ops[J] != Op::Add)
        ++OldLine;
      if (Ops[J] != Op::Del)
        ++NewLine;
    }
    int OldCount = 0, NewCount = 0;
    for (size_t J = Start; J < Stop; ++J) {
      if (Ops[J] != Op::Add)
        ++OldCount;
      if (Ops[J] != Op::Del)
        ++NewCount;
    }
    Out += "@@ -" + std::to_string(OldCount ? OldLine + 1 : OldLine) + "," +
           std::to_string(OldCount) + " +" +
           std::to_string(NewCount ? NewLine + 1 : NewLine) + "," +
           std::to_string(NewCount) + " @@\n";
    int OI = OldLine, NI = NewLine;
    for (size_t J = Start; J < Stop; ++J) {
      switch (Ops[J]) {
      case Op::Keep:
        appendLine(Out, ' ', A[size_t(OI)]);
        ++OI, ++NI;
        break;
      case Op::Del:
        appendLine(Out, '-', A[size_t(OI)]);
        ++OI;
        break;
      case Op::Add:
        appendLine(Out, '+', B[size_t(NI)]);
        ++NI;
        break;
      }
    }
    I = Stop;
  }
  return Out;
}

} // namespace mpguard
