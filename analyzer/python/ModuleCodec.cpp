//===- ModuleCodec.cpp - PythonModule facts to bytes and back -------------===//
//
// Unsigned integers are LEB128 varints, signed ones zigzag-encoded, strings
// a length and the bytes, vectors a count and the elements; fields go in
// declaration order. The Reader never reads past its input, refuses counts
// larger than the bytes left, and the validation pass after decoding checks
// every index and span before anything else sees the module.
//
//===----------------------------------------------------------------------===//
#include "python/ModuleCodec.h"

#include <cstring>

namespace mpguard {
namespace python {

namespace {

class Writer {
public:
  explicit Writer(std::string &Out) : Out(Out) {}

  void u(uint64_t V) {
    while (V >= 0x80) {
      Out.push_back(char(uint8_t(V) | 0x80));
      V >>= 7;
    }
    Out.push_back(char(V));
  }
  void s(int64_t V) { u((uint64_t(V) << 1) ^ uint64_t(V >> 63)); }
  void b(bool V) { Out.push_back(V ? 1 : 0); }
  void str(const std::string &V) {
    u(V.size());
    Out.append(V);
  }
  void span(Span S) {
    u(S.Begin);
    u(S.End);
  }
  template <typename T, typename Fn>
  void vec(const std::vector<T> &V, Fn Each) {
    u(V.size());
    for (const T &X : V)
      Each(X);
  }

private:
  std::string &Out;
};

class Reader {
public:
  explicit Reader(std::string_view In) : In(In) {}

  bool ok() const { return Ok; }
  void invalidate() { fail(); }
  bool atEnd() const { return Pos == In.size(); }

  uint64_t u() {
    uint64_t V = 0;
    for (unsigned Shift = 0; Shift < 64; Shift += 7) {
      if (Pos >= In.size())
        return fail();
      uint8_t Byte = uint8_t(In[Pos++]);
      V |= uint64_t(Byte & 0x7f) << Shift;
      if (!(Byte & 0x80))
        return V;
    }
    return fail();
  }
  int64_t s() {
    uint64_t V = u();
    return int64_t(V >> 1) ^ -int64_t(V & 1);
  }
  uint32_t u32() {
    uint64_t V = u();
    if (V > UINT32_MAX)
      return uint32_t(fail());
    return uint32_t(V);
  }
  int32_t s32() {
    int64_t V = s();
    if (V < INT32_MIN || V > INT32_MAX)
      return int32_t(fail());
    return int32_t(V);
  }
  bool b() {
    uint64_t V = u();
    if (V > 1)
      fail();
    return V == 1;
  }
  template <typename E> E enumerator(E Last) {
    uint64_t V = u();
    if (V > uint64_t(Last))
      fail();
    return Ok ? E(V) : E(0);
  }
  std::string str() {
    uint64_t N = u();
    if (!Ok || N > In.size() - Pos) {
      fail();
      return {};
    }
    std::string V(In.substr(Pos, size_t(N)));
    Pos += size_t(N);
    return V;
  }
  Span span() {
    Span S;
    S.Begin = u32();
    S.End = u32();
    return S;
  }
  /// A count of elements that take at least one byte each.
  size_t count() {
    uint64_t N = u();
    if (!Ok || N > In.size() - Pos) {
      fail();
      return 0;
    }
    return size_t(N);
  }
  template <typename T, typename Fn> void vec(std::vector<T> &V, Fn Each) {
    size_t N = count();
    V.clear();
    V.reserve(N);
    for (size_t I = 0; I < N && Ok; ++I) {
      V.emplace_back();
      Each(V.back());
    }
  }

private:
  uint64_t fail() {
    Ok = false;
    Pos = In.size();
    return 0;
  }

  std::string_view In;
  size_t Pos = 0;
  bool Ok = true;
};

/// Version of the layout below; bump on any change to it.
constexpr uint64_t LayoutVersion = 8;

// One function per fact kind, used for both directions: IO is Writer (with
// const facts) or Reader (with mutable facts).
void io(Writer &W, const Expr &E) {
  W.u(uint64_t(E.Kind));
  W.span(E.Range);
  W.str(E.Text);
  W.s(E.Base);
  W.vec(E.Args, [&](ExprId A) { W.s(A); });
  W.vec(E.Keywords, [&](const Keyword &K) {
    W.str(K.Name);
    W.s(K.Value);
  });
  W.s(E.LambdaScope);
  W.s(E.FirstStarred);
}
void io(Reader &R, Expr &E) {
  E.Kind = R.enumerator(ExprKind::Lambda);
  E.Range = R.span();
  E.Text = R.str();
  E.Base = R.s32();
  R.vec(E.Args, [&](ExprId &A) { A = R.s32(); });
  R.vec(E.Keywords, [&](Keyword &K) {
    K.Name = R.str();
    K.Value = R.s32();
  });
  E.LambdaScope = R.s32();
  E.FirstStarred = R.s32();
}

void io(Writer &W, const Scope &S) {
  W.u(uint64_t(S.Kind));
  W.str(S.Name);
  W.str(S.QualName);
  W.s(S.Parent);
  W.s(S.Exec);
  W.span(S.NameRange);
  W.span(S.Range);
  W.vec(S.Bases, [&](ExprId B) { W.s(B); });
  W.vec(S.Globals, [&](const std::string &G) { W.str(G); });
  W.b(S.IsStaticOrClassMethod);
  W.b(S.IsClassMethod);
  W.vec(S.Params, [&](const std::string &P) { W.str(P); });
  W.u(S.PositionalParams);
  W.u(S.PositionalOnlyParams);
  W.vec(S.FreeNames, [&](const NameUse &U) {
    W.str(U.Name);
    W.span(U.First);
  });
  W.vec(S.FreeAttributes, [&](const AttributeUse &U) {
    W.str(U.Base);
    W.str(U.Attr);
    W.span(U.First);
  });
}
void io(Reader &R, Scope &S) {
  S.Kind = R.enumerator(ScopeKind::Lambda);
  S.Name = R.str();
  S.QualName = R.str();
  S.Parent = R.s32();
  S.Exec = R.s32();
  S.NameRange = R.span();
  S.Range = R.span();
  R.vec(S.Bases, [&](ExprId &B) { B = R.s32(); });
  R.vec(S.Globals, [&](std::string &G) { G = R.str(); });
  S.IsStaticOrClassMethod = R.b();
  S.IsClassMethod = R.b();
  R.vec(S.Params, [&](std::string &P) { P = R.str(); });
  uint32_t Positional = R.u32(), PositionalOnly = R.u32();
  if (Positional > S.Params.size() || PositionalOnly > S.Params.size())
    R.invalidate();
  S.PositionalParams = uint16_t(Positional);
  S.PositionalOnlyParams = uint16_t(PositionalOnly);
  R.vec(S.FreeNames, [&](NameUse &U) {
    U.Name = R.str();
    U.First = R.span();
  });
  R.vec(S.FreeAttributes, [&](AttributeUse &U) {
    U.Base = R.str();
    U.Attr = R.str();
    U.First = R.span();
  });
}

void io(Writer &W, const Binding &B) {
  W.str(B.Name);
  W.u(uint64_t(B.Kind));
  W.s(B.In);
  W.s(B.From);
  W.u(B.Pos);
  W.str(B.Module);
  W.str(B.Member);
  W.s(B.Value);
  W.s(B.Target);
  W.b(B.FirstOfMethod);
  W.b(B.Guarded);
  W.span(B.Range);
}
void io(Reader &R, Binding &B) {
  B.Name = R.str();
  B.Kind = R.enumerator(BindingKind::Param);
  B.In = R.s32();
  B.From = R.s32();
  B.Pos = R.u32();
  B.Module = R.str();
  B.Member = R.str();
  B.Value = R.s32();
  B.Target = R.s32();
  B.FirstOfMethod = R.b();
  B.Guarded = R.b();
  B.Range = R.span();
}

void io(Writer &W, const Site &S) {
  W.s(S.E);
  W.s(S.In);
  W.s(S.Exec);
  W.b(S.Guarded);
  W.b(S.CatchesRuntimeError);
  W.vec(S.Branches, [&](const BranchStep &B) {
    W.u(B.If);
    W.u(B.Arm);
  });
  W.vec(S.WithItems, [&](ExprId E) { W.s(E); });
}
void io(Reader &R, Site &S) {
  S.E = R.s32();
  S.In = R.s32();
  S.Exec = R.s32();
  S.Guarded = R.b();
  S.CatchesRuntimeError = R.b();
  R.vec(S.Branches, [&](BranchStep &B) {
    B.If = R.u32();
    uint32_t Arm = R.u32();
    if (Arm > UINT16_MAX)
      R.invalidate();
    B.Arm = uint16_t(Arm);
  });
  R.vec(S.WithItems, [&](ExprId &E) { E = R.s32(); });
}

void io(Writer &W, const GuardRegion &G) {
  W.u(uint64_t(G.Kind));
  W.s(G.In);
  W.span(G.Condition);
  W.span(G.Body);
  W.span(G.Statement);
}
void io(Reader &R, GuardRegion &G) {
  G.Kind = R.enumerator(GuardKind::NoParentProcess);
  G.In = R.s32();
  G.Condition = R.span();
  G.Body = R.span();
  G.Statement = R.span();
}

void io(Writer &W, const Statement &S) {
  W.u(uint64_t(S.Kind));
  W.span(S.Range);
  W.b(S.Guarded);
}
void io(Reader &R, Statement &S) {
  S.Kind = R.enumerator(StmtKind::Other);
  S.Range = R.span();
  S.Guarded = R.b();
}

void io(Writer &W, const Event &E) {
  W.u(uint64_t(E.Kind));
  W.span(E.Range);
  W.s(E.Exec);
  W.u(E.SiteIndex);
  W.b(E.IsIteration);
  W.b(E.Guarded);
  W.b(E.Force);
  W.str(E.What);
  W.str(E.Target);
  W.s(E.Callee);
  W.b(E.EveryMethod);
  W.b(E.OfInstance);
  W.s(E.With);
  W.s(E.Param);
  W.str(E.ParamName);
  W.vec(E.Args, [&](const CallArgument &A) {
    W.span(A.Range);
    W.s(A.Position);
    W.str(A.Keyword);
    W.s(A.Code);
    W.b(A.OfInstance);
    W.s(A.Param);
  });
  W.str(E.QName);
}
void io(Reader &R, Event &E) {
  E.Kind = R.enumerator(EventKind::PickledExternal);
  E.Range = R.span();
  E.Exec = R.s32();
  E.SiteIndex = R.u32();
  E.IsIteration = R.b();
  E.Guarded = R.b();
  E.Force = R.b();
  E.What = R.str();
  E.Target = R.str();
  E.Callee = R.s32();
  E.EveryMethod = R.b();
  E.OfInstance = R.b();
  E.With = R.s32();
  E.Param = R.s32();
  E.ParamName = R.str();
  R.vec(E.Args, [&](CallArgument &A) {
    A.Range = R.span();
    A.Position = R.s32();
    A.Keyword = R.str();
    A.Code = R.s32();
    A.OfInstance = R.b();
    A.Param = R.s32();
  });
  E.QName = R.str();
}

/// Every index in range, every span inside the text, scope parents before
/// their children, and no cycle through expression operands.
bool validate(const PythonModule &M) {
  const size_t NE = M.Exprs.size(), NS = M.Scopes.size();
  const uint64_t TextSize = M.File->text().size();
  auto SpanOk = [&](Span S) { return S.Begin <= S.End && S.End <= TextSize; };
  auto ExprOk = [&](ExprId E) {
    return E == NoExpr || (E >= 0 && size_t(E) < NE);
  };
  auto ExprReq = [&](ExprId E) { return E >= 0 && size_t(E) < NE; };
  auto ScopeOk = [&](ScopeId S) {
    return S == NoScope || (S >= 0 && size_t(S) < NS);
  };
  auto ScopeReq = [&](ScopeId S) { return S >= 0 && size_t(S) < NS; };

  if (NS == 0 || M.Scopes[0].Kind != ScopeKind::Module ||
      M.Scopes[0].Parent != NoScope || M.Scopes[0].Exec != ModuleScope)
    return false;
  for (size_t I = 1; I < NS; ++I) {
    const Scope &S = M.Scopes[I];
    if (S.Kind == ScopeKind::Module || S.Parent < 0 || size_t(S.Parent) >= I ||
        S.Exec < 0 || size_t(S.Exec) > I)
      return false;
  }
  for (const Scope &S : M.Scopes) {
    if (!SpanOk(S.NameRange) || !SpanOk(S.Range))
      return false;
    for (ExprId B : S.Bases)
      if (!ExprOk(B))
        return false;
    for (const NameUse &U : S.FreeNames)
      if (!SpanOk(U.First))
        return false;
    for (const AttributeUse &U : S.FreeAttributes)
      if (!SpanOk(U.First))
        return false;
  }
  for (const Expr &E : M.Exprs) {
    if (!SpanOk(E.Range) || !ExprOk(E.Base) || !ScopeOk(E.LambdaScope))
      return false;
    for (ExprId A : E.Args)
      if (!ExprOk(A))
        return false;
    for (const Keyword &K : E.Keywords)
      if (!ExprOk(K.Value))
        return false;
  }
  // Cycle check (iterative DFS, three colours) over Base, Args, Keywords.
  std::vector<uint8_t> Colour(NE, 0);
  std::vector<std::pair<ExprId, size_t>> Stack;
  auto Operand = [&](const Expr &E, size_t K) -> ExprId {
    if (K == 0)
      return E.Base;
    if (K - 1 < E.Args.size())
      return E.Args[K - 1];
    size_t W = K - 1 - E.Args.size();
    return W < E.Keywords.size() ? E.Keywords[W].Value : NoExpr - 1;
  };
  for (size_t Root = 0; Root < NE; ++Root) {
    if (Colour[Root])
      continue;
    Colour[Root] = 1;
    Stack.push_back({ExprId(Root), 0});
    while (!Stack.empty()) {
      auto &[Id, Next] = Stack.back();
      ExprId Op = Operand(M.Exprs[size_t(Id)], Next++);
      if (Op == NoExpr - 1) { // no operands left
        Colour[size_t(Id)] = 2;
        Stack.pop_back();
        continue;
      }
      if (Op == NoExpr)
        continue;
      if (Colour[size_t(Op)] == 1)
        return false; // back edge: a cycle
      if (Colour[size_t(Op)] == 0) {
        Colour[size_t(Op)] = 1;
        Stack.push_back({Op, 0});
      }
    }
  }
  for (const Binding &B : M.Bindings)
    if (!ScopeReq(B.In) || !ScopeReq(B.From) ||
        (B.Pos > TextSize && B.Pos != UINT32_MAX) || // MAX: `global x`
        !ExprOk(B.Value) || !ScopeOk(B.Target) || !SpanOk(B.Range))
      return false;
  for (const std::vector<Site> *Sites : {&M.Calls, &M.Iterations})
    for (const Site &S : *Sites) {
      if (!ExprReq(S.E) || !ScopeReq(S.In) || !ScopeReq(S.Exec))
        return false;
      for (ExprId W : S.WithItems)
        if (!ExprOk(W))
          return false;
    }
  for (const GuardRegion &G : M.Guards)
    if (!ScopeReq(G.In) || !SpanOk(G.Condition) || !SpanOk(G.Body) ||
        !SpanOk(G.Statement))
      return false;
  for (const Statement &S : M.TopLevel)
    if (!SpanOk(S.Range))
      return false;
  for (Span S : M.MultilineStrings)
    if (!SpanOk(S))
      return false;
  for (const AttributeAssign &A : M.AttributeAssigns)
    if (!SpanOk(A.Range) || !ScopeReq(A.In))
      return false;
  for (Span S : M.MultilineStatements)
    if (!SpanOk(S))
      return false;
  for (const Suppression &S : M.Suppressions)
    if (!SpanOk(S.Range) || S.Line == 0)
      return false;
  for (const Event &E : M.Events) {
    size_t Sites = E.IsIteration ? M.Iterations.size() : M.Calls.size();
    if (!SpanOk(E.Range) || !ScopeReq(E.Exec) || E.SiteIndex >= Sites ||
        !ScopeOk(E.Callee) || !ExprOk(E.With))
      return false;
    // Rules index the scopes with it.
    if (E.Kind == EventKind::PickledArgument && !ScopeReq(E.Callee))
      return false;
    // Summaries index the function's parameters with it.
    const Scope &In = M.Scopes[size_t(E.Exec)];
    if (E.Kind == EventKind::PickledParameter &&
        (E.Param < 0 || size_t(E.Param) >= In.Params.size()))
      return false;
    for (const CallArgument &A : E.Args)
      if (!SpanOk(A.Range) || !ScopeOk(A.Code) ||
          (A.Param >= 0 && size_t(A.Param) >= In.Params.size()))
        return false;
  }
  return true;
}

} // namespace

void encodeModuleFacts(const PythonModule &M, std::string &Out) {
  Writer W(Out);
  W.u(LayoutVersion);
  W.u(M.File->text().size());
  W.vec(M.Exprs, [&](const Expr &E) { io(W, E); });
  W.vec(M.Scopes, [&](const Scope &S) { io(W, S); });
  W.vec(M.Bindings, [&](const Binding &B) { io(W, B); });
  W.vec(M.Calls, [&](const Site &S) { io(W, S); });
  W.vec(M.Iterations, [&](const Site &S) { io(W, S); });
  W.vec(M.Guards, [&](const GuardRegion &G) { io(W, G); });
  W.vec(M.ExhaustiveIfs, [&](const ExhaustiveIf &I) {
    W.u(I.If);
    W.u(I.Arms);
  });
  W.vec(M.TopLevel, [&](const Statement &S) { io(W, S); });
  W.vec(M.AttributeAssigns, [&](const AttributeAssign &A) {
    W.str(A.Base);
    W.str(A.Attr);
    W.span(A.Range);
    W.s(A.In);
    W.b(A.Guarded);
  });
  W.vec(M.MultilineStrings, [&](Span S) { W.span(S); });
  W.vec(M.MultilineStatements, [&](Span S) { W.span(S); });
  W.vec(M.Suppressions, [&](const Suppression &S) {
    W.u(S.Line);
    W.span(S.Range);
    W.b(S.All);
    W.vec(S.Codes, [&](const std::string &C) { W.str(C); });
  });
  W.vec(M.Events, [&](const Event &E) { io(W, E); });
}

bool decodeModuleFacts(std::string_view Bytes, PythonModule &M) {
  if (!M.File)
    return false;
  Reader R(Bytes);
  if (R.u() != LayoutVersion || R.u() != M.File->text().size() || !R.ok())
    return false;
  R.vec(M.Exprs, [&](Expr &E) { io(R, E); });
  R.vec(M.Scopes, [&](Scope &S) { io(R, S); });
  R.vec(M.Bindings, [&](Binding &B) { io(R, B); });
  R.vec(M.Calls, [&](Site &S) { io(R, S); });
  R.vec(M.Iterations, [&](Site &S) { io(R, S); });
  R.vec(M.Guards, [&](GuardRegion &G) { io(R, G); });
  R.vec(M.ExhaustiveIfs, [&](ExhaustiveIf &I) {
    I.If = R.u32();
    uint32_t Arms = R.u32();
    if (Arms > UINT16_MAX)
      R.invalidate();
    I.Arms = uint16_t(Arms);
  });
  R.vec(M.TopLevel, [&](Statement &S) { io(R, S); });
  R.vec(M.AttributeAssigns, [&](AttributeAssign &A) {
    A.Base = R.str();
    A.Attr = R.str();
    A.Range = R.span();
    A.In = R.s32();
    A.Guarded = R.b();
  });
  R.vec(M.MultilineStrings, [&](Span &S) { S = R.span(); });
  R.vec(M.MultilineStatements, [&](Span &S) { S = R.span(); });
  R.vec(M.Suppressions, [&](Suppression &S) {
    S.Line = R.u32();
    S.Range = R.span();
    S.All = R.b();
    R.vec(S.Codes, [&](std::string &C) { C = R.str(); });
  });
  R.vec(M.Events, [&](Event &E) { io(R, E); });
  return R.ok() && R.atEnd() && validate(M);
}

} // namespace python
} // namespace mpguard
