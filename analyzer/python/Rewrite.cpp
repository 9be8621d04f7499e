//===- Rewrite.cpp - Planning the guard fixes -----------------------------===//
#include "python/Rewrite.h"

#include <algorithm>
#include <set>

namespace mpguard {
namespace python {

namespace {

/// Line-level view of the module's text for rewrites.
class Layout {
public:
  explicit Layout(const PythonModule &M) : M(M), Text(M.File->text()) {
    Strings = M.MultilineStrings;
    std::sort(Strings.begin(), Strings.end(),
              [](Span A, Span B) { return A.Begin < B.Begin; });
  }

  uint32_t lineBegin(uint32_t Offset) const {
    return M.File->lineStart(M.File->lineOf(Offset));
  }

  /// Just past the line terminator of the line holding byte \p Last.
  uint32_t lineEndAfter(uint32_t Last) const {
    size_t NL = Text.find('\n', Last);
    return NL == std::string_view::npos ? uint32_t(Text.size())
                                        : uint32_t(NL + 1);
  }

  /// The statement's own lines: from the start of its first line to the end
  /// of its last line.
  Span lines(Span Stmt) const {
    return {lineBegin(Stmt.Begin),
            lineEndAfter(Stmt.End > Stmt.Begin ? Stmt.End - 1 : Stmt.Begin)};
  }

  bool insideString(uint32_t Offset) const {
    auto It = std::upper_bound(Strings.begin(), Strings.end(), Offset,
                               [](uint32_t O, Span S) { return O < S.Begin; });
    while (It != Strings.begin()) {
      --It;
      if (It->Begin < Offset && Offset < It->End)
        return true;
      if (It->End <= Offset && It->Begin + 1 < Offset)
        break;
    }
    return false;
  }

  std::string leadingWhitespace(uint32_t LineStart) const {
    size_t I = LineStart;
    while (I < Text.size() && (Text[I] == ' ' || Text[I] == '\t'))
      ++I;
    return std::string(Text.substr(LineStart, I - LineStart));
  }

  /// The indentation step the file uses: the smallest indentation of a code
  /// line (tabs win), four spaces when nothing is indented.
  std::string indentUnit() const {
    size_t Best = 0;
    for (uint32_t L = 1; L <= M.File->lineCount(); ++L) {
      uint32_t Start = M.File->lineStart(L);
      if (insideString(Start))
        continue;
      std::string WS = leadingWhitespace(Start);
      std::string_view Line = M.File->lineText(L);
      if (WS.empty() || WS.size() == Line.size() || Line[WS.size()] == '#')
        continue;
      if (WS[0] == '\t')
        return "\t";
      if (!Best || WS.size() < Best)
        Best = WS.size();
    }
    return std::string(Best ? Best : 4, ' ');
  }

  /// Text [Begin, End) with \p Old removed from and \p New put before every
  /// code line; lines inside multi-line strings are copied as they are and
  /// blank lines stay empty.
  std::string reindent(uint32_t Begin, uint32_t End, const std::string &Old,
                       const std::string &New) const {
    std::string Out;
    uint32_t L = Begin;
    while (L < End) {
      uint32_t E = lineEndAfter(L);
      if (E > End)
        E = End;
      std::string_view Line = Text.substr(L, E - L);
      if (insideString(L)) {
        Out += Line;
      } else if (Line.find_first_not_of(" \t\r\n\f") ==
                 std::string_view::npos) {
        Out += Line.substr(Line.find_first_of("\r\n") == std::string_view::npos
                               ? Line.size()
                               : Line.find_first_of("\r\n"));
      } else {
        std::string_view Rest = Line;
        if (Rest.substr(0, Old.size()) == Old)
          Rest.remove_prefix(Old.size());
        Out += New;
        Out += Rest;
      }
      L = E;
    }
    if (!Out.empty() && Out.back() != '\n')
      Out += '\n';
    return Out;
  }

  const PythonModule &M;
  std::string_view Text;
  std::vector<Span> Strings;
};

bool within(Span Inner, Span Outer) {
  return Inner.Begin >= Outer.Begin && Inner.End <= Outer.End;
}

/// A guard the rewrites can merge into: `if __name__ == "__main__":` with no
/// elif/else, its body on lines of its own.
bool isSimple(const PythonModule &M, const GuardRegion &G) {
  return G.Kind == GuardKind::NameEqualsMain && G.Body.End == G.Statement.End &&
         M.File->lineOf(G.Body.Begin) > M.File->lineOf(G.Statement.Begin);
}

/// The simple top-level guard that is statement \p St, if it is one.
const GuardRegion *simpleGuard(const PythonModule &M, const Statement &St) {
  for (const GuardRegion &G : M.Guards)
    if (G.In == ModuleScope && G.Statement.Begin == St.Range.Begin &&
        G.Statement.End == St.Range.End)
      return isSimple(M, G) ? &G : nullptr;
  return nullptr;
}

/// Whether every top-level guard is a simple one (the rewrites merge only
/// those; early exits, match and else-arms are left to the user).
bool onlySimpleGuards(const PythonModule &M) {
  for (const GuardRegion &G : M.Guards) {
    if (G.In != ModuleScope)
      continue;
    bool TopLevel = false;
    for (const Statement &St : M.TopLevel)
      TopLevel |= G.Statement.Begin == St.Range.Begin &&
                  G.Statement.End == St.Range.End;
    if (!TopLevel || !isSimple(M, G))
      return false;
  }
  return true;
}

bool eventHasAnyEffect(const PythonModule &M, const project::ModuleSummary &S,
                       const Event &Ev) {
  using project::Effect;
  for (Effect E : {Effect::StartsProcess, Effect::SetsStartMethodRaising}) {
    if (project::eventHasEffect(M, Ev, E))
      return true;
    if (S.callHas(Ev, E))
      return true;
  }
  return false;
}

std::string freshName(const PythonModule &M) {
  for (const char *Candidate : {"main", "_main", "_mpguard_main"}) {
    bool Used = false;
    for (const Binding &B : M.Bindings)
      Used |= B.In == ModuleScope && B.Name == Candidate;
    if (!Used)
      return Candidate;
  }
  return "_mpguard_main_";
}

} // namespace

/// The rewrites work on '\n'-terminated lines; a file with CR line endings
/// (CRLF or a lone CR, both line breaks for Python) is left alone.
bool lfOnly(const PythonModule &M) {
  return M.File->text().find('\r') == std::string_view::npos;
}

std::optional<Fix> planMainExtraction(const PythonModule &M,
                                      const project::ModuleSummary &S) {
  if (M.TopLevel.empty() || !onlySimpleGuards(M) || !lfOnly(M))
    return std::nullopt;
  Layout Lay(M);
  size_t N = M.TopLevel.size();
  // The rewrite moves whole lines: statements sharing a line (`a; b`)
  // cannot be told apart.
  for (size_t I = 0; I + 1 < N; ++I)
    if (Lay.lines(M.TopLevel[I].Range).End > M.TopLevel[I + 1].Range.Begin)
      return std::nullopt;

  enum Role { Keep, KeepForWorkers, Move, GuardBody };
  std::vector<Role> Roles(N, Keep);
  std::vector<std::set<std::string>> Binds(N), Reads(N);
  std::vector<bool> HasCall(N, false), Effectful(N, false);
  std::set<std::string> FunctionReads;

  // Top-level statements are in source order: binary search.
  auto StatementOf = [&](uint32_t Offset) -> int {
    auto It = std::upper_bound(
        M.TopLevel.begin(), M.TopLevel.end(), Offset,
        [](uint32_t O, const Statement &St) { return O < St.Range.Begin; });
    if (It == M.TopLevel.begin())
      return -1;
    --It;
    return Offset < It->Range.End ? int(It - M.TopLevel.begin()) : -1;
  };
  for (const Binding &B : M.Bindings) {
    if (B.In != ModuleScope || B.Pos == UINT32_MAX)
      continue;
    int I = StatementOf(B.Range.Begin);
    if (I >= 0)
      Binds[size_t(I)].insert(B.Name);
  }
  // Names read inside definitions are read when they run. Worker code runs
  // in children too, so what it reads must still be defined at import time:
  // functions handed to a call as an argument (Pool.map(work, ...),
  // Process(target=work)), class bodies and methods (Process subclasses),
  // and what those call.
  std::set<std::string> Referenced;
  for (const Expr &E : M.Exprs) {
    if (E.Kind != ExprKind::Call)
      continue;
    for (ExprId A : E.Args)
      if (A != NoExpr && M.expr(A).Kind == ExprKind::Name)
        Referenced.insert(M.expr(A).Text);
    for (const Keyword &K : E.Keywords)
      if (K.Value != NoExpr && M.expr(K.Value).Kind == ExprKind::Name)
        Referenced.insert(M.expr(K.Value).Text);
  }
  std::vector<bool> Worker(N, false);
  for (size_t I = 0; I < N; ++I)
    Worker[I] = M.TopLevel[I].Kind == StmtKind::ClassDef;
  for (const Scope &Sc : M.Scopes) {
    if (Sc.Parent != ModuleScope || Sc.Kind != ScopeKind::Function ||
        !Referenced.count(Sc.Name))
      continue;
    int I = StatementOf(Sc.Range.Begin);
    if (I >= 0 && M.TopLevel[size_t(I)].Kind == StmtKind::FunctionDef)
      Worker[size_t(I)] = true;
  }
  for (bool Grew = true; Grew;) {
    Grew = false;
    for (const Event &Ev : M.Events) {
      if (Ev.Kind != EventKind::LocalCall)
        continue;
      int From = StatementOf(M.Scopes[size_t(Ev.Exec)].Range.Begin);
      int To = StatementOf(M.Scopes[size_t(Ev.Callee)].Range.Begin);
      if (Ev.Exec != ModuleScope && From >= 0 && To >= 0 &&
          Worker[size_t(From)] && !Worker[size_t(To)])
        Worker[size_t(To)] = Grew = true;
    }
  }
  std::set<std::string> AllFunctionReads;
  for (const Expr &E : M.Exprs) {
    if (E.Kind != ExprKind::Name)
      continue;
    int I = StatementOf(E.Range.Begin);
    if (I < 0)
      continue;
    StmtKind K = M.TopLevel[size_t(I)].Kind;
    if (K == StmtKind::FunctionDef || K == StmtKind::ClassDef) {
      AllFunctionReads.insert(E.Text);
      if (Worker[size_t(I)])
        FunctionReads.insert(E.Text);
    } else {
      Reads[size_t(I)].insert(E.Text);
    }
  }
  for (const Site &C : M.Calls) {
    if (C.Exec != ModuleScope)
      continue;
    int I = StatementOf(M.expr(C.E).Range.Begin);
    if (I >= 0)
      HasCall[size_t(I)] = true;
  }
  for (const Event &Ev : M.Events) {
    if (Ev.Exec != ModuleScope || Ev.Guarded || !eventHasAnyEffect(M, S, Ev))
      continue;
    int I = StatementOf(Ev.Range.Begin);
    if (I >= 0)
      Effectful[size_t(I)] = true;
  }

  for (size_t I = 0; I < N; ++I) {
    const Statement &St = M.TopLevel[I];
    if (St.Kind == StmtKind::Guard) {
      if (!simpleGuard(M, St))
        return std::nullopt;
      Roles[I] = GuardBody;
      continue;
    }
    bool Definition = St.Kind == StmtKind::Import ||
                      St.Kind == StmtKind::FunctionDef ||
                      St.Kind == StmtKind::ClassDef;
    if (Definition) {
      if (Effectful[I])
        return std::nullopt; // a class body or decorator starts processes
      Roles[I] = Keep;
      continue;
    }
    if (!HasCall[I]) {
      Roles[I] = Keep;
      continue;
    }
    bool Needed = false;
    for (const std::string &Name : Binds[I])
      Needed |= FunctionReads.count(Name) > 0;
    Roles[I] = Needed ? KeepForWorkers : Move;
    if (Needed && Effectful[I])
      return std::nullopt; // workers need a name bound by a process start
  }

  // Kept code must not read names that only moved code binds: move a plain
  // statement after its inputs; keep the inputs of what workers need.
  for (int Round = 0; Round < 64; ++Round) {
    bool Changed = false;
    std::set<std::string> KeptNames, MovedNames;
    for (size_t I = 0; I < N; ++I)
      for (const std::string &Name : Binds[I])
        (Roles[I] == Keep || Roles[I] == KeepForWorkers ? KeptNames
                                                        : MovedNames)
            .insert(Name);
    for (size_t I = 0; I < N; ++I) {
      if (Roles[I] != Keep && Roles[I] != KeepForWorkers)
        continue;
      StmtKind K = M.TopLevel[I].Kind;
      if (K == StmtKind::Import || K == StmtKind::FunctionDef ||
          K == StmtKind::ClassDef)
        continue;
      for (const std::string &Name : Reads[I]) {
        if (!MovedNames.count(Name) || KeptNames.count(Name))
          continue;
        if (Roles[I] == Keep) {
          Roles[I] = Move;
        } else {
          // Pull the inputs back to module level.
          for (size_t J = 0; J < N; ++J)
            if (Roles[J] == Move && Binds[J].count(Name)) {
              if (Effectful[J])
                return std::nullopt;
              Roles[J] = KeepForWorkers;
            }
        }
        Changed = true;
        break;
      }
    }
    if (!Changed)
      break;
  }

  // `from m import *` is only allowed at module level: code that holds one
  // cannot move into main().
  for (const Binding &B : M.Bindings) {
    if (B.Kind != BindingKind::Wildcard || B.From != ModuleScope)
      continue;
    int I = StatementOf(B.Range.Begin);
    if (I >= 0 && (Roles[size_t(I)] == Move || Roles[size_t(I)] == GuardBody))
      return std::nullopt;
  }

  size_t First = N;
  for (size_t I = 0; I < N; ++I)
    if (Roles[I] == Move || Roles[I] == GuardBody) {
      First = I;
      break;
    }
  if (First == N)
    return std::nullopt;

  // Names main() assigns that the rest of the module uses stay globals.
  std::set<std::string> KeptUse = AllFunctionReads;
  for (size_t I = 0; I < N; ++I)
    if (Roles[I] == Keep || Roles[I] == KeepForWorkers) {
      KeptUse.insert(Reads[I].begin(), Reads[I].end());
      KeptUse.insert(Binds[I].begin(), Binds[I].end());
    }
  std::set<std::string> Globals;
  for (size_t I = 0; I < N; ++I)
    if (Roles[I] == Move || Roles[I] == GuardBody)
      for (const std::string &Name : Binds[I])
        if (KeptUse.count(Name))
          Globals.insert(Name);

  // Segments: each statement with the comments and blank lines above it.
  // The first moved statement takes the comments above it along, except at
  // the top of the file (shebang, encoding line, license header).
  std::vector<Span> Seg(N);
  uint32_t Cursor = First > 0 ? Lay.lines(M.TopLevel[First - 1].Range).End
                              : Lay.lineBegin(M.TopLevel[0].Range.Begin);
  for (size_t I = First; I < N; ++I) {
    uint32_t End = Lay.lines(M.TopLevel[I].Range).End;
    Seg[I] = {Cursor, End};
    Cursor = End;
  }
  std::string Tail(Lay.Text.substr(Cursor));

  std::string Unit = Lay.indentUnit();
  std::string Kept, Body;
  auto IsDef = [&](size_t I) {
    return M.TopLevel[I].Kind == StmtKind::FunctionDef ||
           M.TopLevel[I].Kind == StmtKind::ClassDef;
  };
  bool PrevDef = First > 0 && IsDef(First - 1);
  for (size_t I = First; I < N; ++I) {
    if (Roles[I] == Keep || Roles[I] == KeepForWorkers) {
      // Statements that now meet get PEP 8 spacing: two blank lines around
      // definitions, none otherwise.
      std::string_view Piece =
          Lay.Text.substr(Seg[I].Begin, Seg[I].End - Seg[I].Begin);
      size_t Lead = 0;
      while (Lead < Piece.size() &&
             (Piece[Lead] == '\n' || Piece[Lead] == '\r'))
        ++Lead;
      Piece.remove_prefix(Lead);
      if (PrevDef || IsDef(I))
        Kept += Kept.empty() && Seg[First].Begin == 0 ? "" : "\n\n";
      Kept += Piece;
      if (Kept.back() != '\n')
        Kept += '\n';
      PrevDef = IsDef(I);
    } else if (Roles[I] == Move) {
      Body += Lay.reindent(Seg[I].Begin, Seg[I].End, "", Unit);
    } else {
      const GuardRegion *G = simpleGuard(M, M.TopLevel[I]);
      // Comments above the guard, then its body one level in.
      uint32_t BodyLine = Lay.lineBegin(G->Body.Begin);
      uint32_t HeadLine = Lay.lineBegin(M.TopLevel[I].Range.Begin);
      Body += Lay.reindent(Seg[I].Begin, HeadLine, "", Unit);
      Body += Lay.reindent(BodyLine, Seg[I].End,
                           Lay.leadingWhitespace(BodyLine), Unit);
    }
  }
  auto TrimBlankEdges = [](std::string &S) {
    size_t A = 0;
    while (A < S.size() && S[A] == '\n')
      ++A;
    S.erase(0, A);
    while (S.size() >= 2 && S[S.size() - 1] == '\n' && S[S.size() - 2] == '\n')
      S.pop_back();
  };
  TrimBlankEdges(Body);
  while (!Kept.empty() && Kept.back() == '\n' && Kept.size() >= 2 &&
         Kept[Kept.size() - 2] == '\n')
    Kept.pop_back();

  std::string Main = freshName(M);
  std::string Out = Kept;
  if (!Kept.empty() || Seg[First].Begin > 0)
    Out += "\n\n"; // two blank lines before the new def
  Out += "def " + Main + "():\n";
  if (!Globals.empty()) {
    Out += Unit + "global ";
    bool FirstName = true;
    for (const std::string &G : Globals) {
      Out += (FirstName ? "" : ", ") + G;
      FirstName = false;
    }
    Out += "\n";
  }
  Out += Body;
  Out += "\n\nif __name__ == \"__main__\":\n" + Unit + Main + "()\n";
  if (!Tail.empty() && Tail.find_first_not_of(" \t\r\n") != std::string::npos)
    Out += "\n" + Tail;

  Fix F;
  F.Message = "Move module-level code with side effects into `" + Main +
              "()`, called under `if __name__ == \"__main__\":`";
  // In a package the module is imported by others, who may use the names
  // and effects that now happen only under the guard.
  bool InPackage = M.ModuleName.find('.') != std::string::npos;
  F.Applic = InPackage ? Applicability::Unsafe : Applicability::Safe;
  F.Edits.push_back({Seg[First].Begin, uint32_t(Lay.Text.size()), Out});
  return F;
}

std::optional<Fix> planMoveUnderGuard(const PythonModule &M,
                                      const project::ModuleSummary &S,
                                      const Event &Call) {
  if (!onlySimpleGuards(M) || !lfOnly(M))
    return std::nullopt;
  unsigned Setters = 0;
  for (const Event &Ev : M.Events)
    Setters += Ev.Exec == ModuleScope &&
               (Ev.Kind == EventKind::SetStartMethod ||
                S.callHas(Ev, project::Effect::SetsStartMethod));
  if (Setters > 1)
    return std::nullopt;
  Layout Lay(M);
  const Statement *Own = nullptr;
  for (const Statement &St : M.TopLevel)
    if (St.Range.Begin == Call.Range.Begin && St.Range.End == Call.Range.End &&
        St.Kind == StmtKind::Expression)
      Own = &St;
  if (!Own)
    return std::nullopt;
  // Only a statement alone on its lines can move (`a; set_start_method()`).
  for (const Statement &St : M.TopLevel)
    if (&St != Own && St.Range.Begin < Lay.lines(Own->Range).End &&
        Lay.lines(Own->Range).Begin < St.Range.End)
      return std::nullopt;
  const GuardRegion *Guard = nullptr;
  for (const Statement &St : M.TopLevel)
    if (St.Kind == StmtKind::Guard && !Guard)
      Guard = simpleGuard(M, St);

  Span Lines = Lay.lines(Own->Range);
  std::string Stmt(M.text(Own->Range));
  // Code that now runs before the call: any call between the two places
  // could depend on the start method.
  auto CallsBetween = [&](uint32_t From, uint32_t To) {
    for (const Site &C : M.Calls)
      if (C.Exec == ModuleScope && !C.Guarded &&
          M.expr(C.E).Range.Begin >= From && M.expr(C.E).Range.Begin < To &&
          !within(M.expr(C.E).Range, Own->Range))
        return true;
    return false;
  };

  // Take one blank line along when the statement stood between blank lines
  // (or at the top), so the move leaves no widened gap.
  auto BlankAt = [&](uint32_t Off) {
    if (Off >= Lay.Text.size())
      return false;
    uint32_t E = Lay.lineEndAfter(Off);
    return Lay.Text.substr(Off, E - Off).find_first_not_of(" \t\r\n") ==
           std::string_view::npos;
  };
  bool BlankBefore =
      Lines.Begin == 0 || BlankAt(Lay.lineBegin(Lines.Begin - 1));
  if (BlankBefore && BlankAt(Lines.End))
    Lines.End = Lay.lineEndAfter(Lines.End);

  Fix F;
  F.Message = "Move the call under `if __name__ == \"__main__\":`";
  F.Edits.push_back({Lines.Begin, Lines.End, ""});
  if (Guard) {
    uint32_t BodyLine = Lay.lineBegin(Guard->Body.Begin);
    std::string Indent = Lay.leadingWhitespace(BodyLine);
    bool Before = Guard->Statement.Begin < Own->Range.Begin;
    F.Applic = !Before && !CallsBetween(Own->Range.End, Guard->Statement.Begin)
                   ? Applicability::Safe
                   : Applicability::Unsafe;
    Edit Insert{BodyLine, BodyLine, Indent + Stmt + "\n"};
    if (Before)
      F.Edits.insert(F.Edits.begin(), Insert);
    else
      F.Edits.push_back(Insert);
    return F;
  }
  std::string Append;
  uint32_t End = uint32_t(Lay.Text.size());
  // The call was the last thing in the file: take the blank lines above it
  // too, so that the new guard follows the code after two blank lines.
  if (Lay.Text.substr(F.Edits[0].End).find_first_not_of(" \t\r\n") ==
      std::string_view::npos)
    while (F.Edits[0].Begin > 0 && BlankAt(Lay.lineBegin(F.Edits[0].Begin - 1)))
      F.Edits[0].Begin = Lay.lineBegin(F.Edits[0].Begin - 1);
  if (End && Lay.Text.back() != '\n')
    Append += "\n";
  Append +=
      "\n\nif __name__ == \"__main__\":\n" + Lay.indentUnit() + Stmt + "\n";
  F.Applic = CallsBetween(Own->Range.End, End) ? Applicability::Unsafe
                                               : Applicability::Safe;
  F.Edits.push_back({End, End, Append});
  return F;
}

std::optional<Fix> planFreezeSupport(const PythonModule &M,
                                     const GuardRegion &G) {
  if (!isSimple(M, G) || !lfOnly(M))
    return std::nullopt;
  // A module-level name that is an import of multiprocessing (or of a
  // drop-in that re-exports freeze_support), or of freeze_support itself,
  // and never bound to anything else.
  auto OnlyImport = [&](const std::string &Name) -> const Binding * {
    const Binding *Import = nullptr;
    for (const Binding &B : M.Bindings) {
      if (B.Name != Name)
        continue;
      if (B.In != ModuleScope || Import || B.Pos > G.Statement.Begin)
        return nullptr;
      Import = &B;
    }
    return Import;
  };
  static const char *const Modules[] = {
      "multiprocessing", "torch.multiprocessing", "multiprocess", "billiard"};
  std::string Call;
  for (const Binding &B : M.Bindings) {
    if (B.In != ModuleScope || !OnlyImport(B.Name) || !Call.empty())
      continue;
    for (const char *Mod : Modules) {
      // `import multiprocessing` / `import torch.multiprocessing as mp`
      // (a plain `import torch.multiprocessing` binds `torch`, Module
      // "torch").
      if (B.Kind == BindingKind::Import && B.Module == Mod)
        Call = B.Name + ".freeze_support()";
      if (B.Kind == BindingKind::ImportFrom && B.Module == Mod &&
          B.Member == "freeze_support")
        Call = B.Name + "()";
    }
  }
  Layout Lay(M);
  Fix F;
  F.Message = "Call `multiprocessing.freeze_support()` first under the guard";
  if (Call.empty()) {
    for (const Binding &B : M.Bindings)
      if (B.Name == "multiprocessing")
        return std::nullopt; // bound, but not to the module
    Call = "multiprocessing.freeze_support()";
    const Statement *LastImport = nullptr;
    for (const Statement &St : M.TopLevel)
      if (St.Kind == StmtKind::Import && St.Range.End <= G.Statement.Begin)
        LastImport = &St;
    if (LastImport) {
      uint32_t At = Lay.lines(LastImport->Range).End;
      F.Edits.push_back({At, At, "import multiprocessing\n"});
    } else {
      uint32_t At = Lay.lineBegin(G.Statement.Begin);
      F.Edits.push_back({At, At, "import multiprocessing\n\n"});
    }
  }
  uint32_t BodyLine = Lay.lineBegin(G.Body.Begin);
  std::string Indent = Lay.leadingWhitespace(BodyLine);
  F.Edits.push_back({BodyLine, BodyLine, Indent + Call + "\n"});
  // freeze_support() fixes the start method as a side effect in CPython
  // 3.13.4 and later until gh-140814: a set_start_method() without
  // force=True after it then raises "context has already been set".
  for (const Event &Ev : M.Events)
    if (Ev.Kind == EventKind::SetStartMethod && !Ev.Force)
      F.Applic = Applicability::Unsafe;
  return F;
}

} // namespace python
} // namespace mpguard
