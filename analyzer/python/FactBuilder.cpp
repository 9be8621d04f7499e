//===- FactBuilder.cpp - One traversal from syntax tree to facts ----------===//
//
// Walks the tree-sitter-python tree once, statement by statement, carrying
// the execution context (which scope's code runs, whether we are inside a
// main guard, which if-arms enclose us) and records the facts declared in
// PythonModule.h. Node kinds it does not know are walked generically, so new
// grammar constructs never hide a call.
//
//===----------------------------------------------------------------------===//
#include "python/PythonModule.h"
#include "python/TreeSitter.h"

#include <algorithm>
#include <cctype>
#include <cstring>
#include <unordered_set>

namespace mpguard {
namespace python {

namespace {

/// Trees deeper than this are refused: the walk is recursive, and CPython
/// itself rejects far shallower nesting (200 parentheses).
constexpr unsigned MaxDepth = 1000;

/// What a condition tells about the main run.
struct Cond {
  bool TrueMeansMain = false;  // the test passing implies the main run
  bool FalseMeansMain = false; // the test failing implies the main run
  GuardKind Kind = GuardKind::NameEqualsMain;
};

struct Ctx {
  ScopeId In = ModuleScope;
  ScopeId Exec = ModuleScope;
  bool Guarded = false;
  bool CatchesRuntimeError = false;
  std::vector<BranchStep> Branches;
  std::vector<ExprId> With;
};

class FactBuilder {
public:
  FactBuilder(PythonModule &M, const char *Src) : M(M), Src(Src), S(syms()) {}

  void run(TSNode Root) {
    Scope Mod;
    Mod.Kind = ScopeKind::Module;
    Mod.Name = "<module>";
    Mod.Exec = ModuleScope;
    Mod.Range = span(Root);
    M.Scopes.push_back(std::move(Mod));
    Ctx C;
    visitBlock(Root, C, /*TopLevel=*/true);
    keepFreeNames();
  }

  bool tooDeep() const { return TooDeep; }
  bool emptyBlock() const { return EmptyBlock; }
  uint32_t emptyBlockOffset() const { return EmptyBlockAt; }
  /// tree-sitter-python's scanner tolerates indentation CPython rejects
  /// (an indented first line, a dedent to no enclosing level, a clause not
  /// aligned with its statement, tabs and spaces mixed inconsistently).
  const char *badIndent() const { return BadIndent; }
  uint32_t badIndentOffset() const { return BadIndentAt; }
  uint32_t tooDeepOffset() const { return TooDeepAt; }

private:
  PythonModule &M;
  const char *Src;
  const Syms &S;
  unsigned Depth = 0;
  bool TooDeep = false;
  uint32_t TooDeepAt = 0;
  bool EmptyBlock = false;
  uint32_t EmptyBlockAt = 0;
  const char *BadIndent = nullptr;
  uint32_t BadIndentAt = 0;

  /// Names read by functions and lambdas, first use per scope, before the
  /// bound ones are dropped (keepFreeNames).
  struct ScopeName {
    ScopeId In;
    std::string Name;
    bool operator==(const ScopeName &O) const {
      return In == O.In && Name == O.Name;
    }
  };
  struct ScopeNameHash {
    size_t operator()(const ScopeName &K) const {
      return std::hash<std::string>()(K.Name) * 31 + size_t(K.In);
    }
  };
  std::unordered_set<ScopeName, ScopeNameHash> Read;

  /// Set while visiting what a function never evaluates.
  bool SilentReads = false;

  void noteRead(const Ctx &C, TSNode Id) {
    if (SilentReads)
      return;
    Scope &Sc = M.Scopes[size_t(C.In)];
    if (Sc.Kind != ScopeKind::Function && Sc.Kind != ScopeKind::Lambda)
      return;
    std::string Name = text(Id);
    if (Read.insert({C.In, Name}).second)
      Sc.FreeNames.push_back({std::move(Name), span(Id)});
  }

  /// `name.attr` read by a function or lambda, first use per scope.
  std::unordered_set<ScopeName, ScopeNameHash> ReadAttr;

  void noteAttributeRead(const Ctx &C, TSNode Object, TSNode Attr, TSNode N) {
    if (SilentReads || ts_node_is_null(Attr) || !is(Object, S.Identifier))
      return;
    Scope &Sc = M.Scopes[size_t(C.In)];
    if (Sc.Kind != ScopeKind::Function && Sc.Kind != ScopeKind::Lambda)
      return;
    std::string Base = text(Object), Name = text(Attr);
    if (ReadAttr.insert({C.In, Base + "." + Name}).second)
      Sc.FreeAttributes.push_back({std::move(Base), std::move(Name), span(N)});
  }

  /// `name.attr = ...` (and augmented): an AttributeAssign.
  void noteAttributeAssign(const Ctx &C, TSNode Target) {
    TSNode Object = field(Target, S.FObject),
           Attr = field(Target, S.FAttribute);
    if (!is(Object, S.Identifier) || ts_node_is_null(Attr))
      return;
    AttributeAssign A;
    A.Base = text(Object);
    A.Attr = text(Attr);
    A.Range = span(Target);
    A.In = C.In;
    A.Guarded = C.Guarded;
    M.AttributeAssigns.push_back(std::move(A));
  }

  /// Drops the names a function binds itself (a `global` name is bound in
  /// the module) or that an enclosing function binds (closures): what is
  /// left is read from the module's globals or the builtins.
  void keepFreeNames() {
    std::unordered_set<ScopeName, ScopeNameHash> Bound;
    for (const Binding &B : M.Bindings)
      if (B.In != ModuleScope)
        Bound.insert({B.In, B.Name});
    for (Scope &Sc : M.Scopes) {
      if (Sc.FreeNames.empty()) {
        Sc.FreeAttributes.clear();
        continue;
      }
      ScopeId Self = ScopeId(&Sc - M.Scopes.data());
      auto Local = [&](const NameUse &U) {
        for (ScopeId S = Self; S != NoScope && S != ModuleScope;
             S = M.Scopes[size_t(S)].Parent) {
          ScopeKind K = M.Scopes[size_t(S)].Kind;
          // Class bodies are not visible from the functions they define.
          if (K != ScopeKind::Class && Bound.count({S, U.Name}))
            return true;
        }
        return false;
      };
      Sc.FreeNames.erase(
          std::remove_if(Sc.FreeNames.begin(), Sc.FreeNames.end(), Local),
          Sc.FreeNames.end());
      // Only attributes of the names that stay free.
      Sc.FreeAttributes.erase(
          std::remove_if(Sc.FreeAttributes.begin(), Sc.FreeAttributes.end(),
                         [&](const AttributeUse &A) {
                           return std::none_of(Sc.FreeNames.begin(),
                                               Sc.FreeNames.end(),
                                               [&](const NameUse &U) {
                                                 return U.Name == A.Base;
                                               });
                         }),
          Sc.FreeAttributes.end());
    }
    Read.clear();
    ReadAttr.clear();
  }

  /// Indentation as CPython's tokenizer measures it: the column with tabs
  /// to multiples of 8 and with tabs as 1 (both must agree between lines of
  /// one block, or it raises TabError); a form feed resets both.
  struct Indent {
    uint32_t Tab8 = 0, Tab1 = 0;
    bool operator==(const Indent &O) const {
      return Tab8 == O.Tab8 && Tab1 == O.Tab1;
    }
  };
  /// The indentation of the line \p N starts on, if \p N is the first
  /// token of that line (not after `;` or a block header's colon).
  bool lineIndent(TSNode N, Indent &Out) const {
    uint32_t Begin = ts_node_start_byte(N), Start = Begin;
    while (Start > 0 && Src[Start - 1] != '\n' && Src[Start - 1] != '\r')
      --Start;
    Indent I;
    for (uint32_t P = Start; P < Begin; ++P) {
      char Ch = Src[P];
      if (Ch == ' ') {
        ++I.Tab8;
        ++I.Tab1;
      } else if (Ch == '\t') {
        I.Tab8 = (I.Tab8 / 8 + 1) * 8;
        ++I.Tab1;
      } else if (Ch == '\f') {
        I = Indent();
      } else {
        return false;
      }
    }
    Out = I;
    return true;
  }
  void badIndentAt(TSNode N, const char *Message) {
    if (!BadIndent) {
      BadIndent = Message;
      BadIndentAt = ts_node_start_byte(N);
    }
  }
  /// Indentation of the enclosing blocks, innermost last.
  std::vector<Indent> Indents{Indent()};
  /// Indentation of the last statement that started a line.
  Indent LastLine;

  struct DepthGuard {
    FactBuilder &B;
    bool Ok;
    DepthGuard(FactBuilder &B, TSNode N) : B(B) {
      Ok = ++B.Depth <= MaxDepth && !B.TooDeep;
      if (!Ok && !B.TooDeep) {
        B.TooDeep = true;
        B.TooDeepAt = ts_node_start_byte(N);
      }
    }
    ~DepthGuard() { --B.Depth; }
  };

  static Span span(TSNode N) {
    return {ts_node_start_byte(N), ts_node_end_byte(N)};
  }
  std::string text(TSNode N) const {
    return std::string(Src + ts_node_start_byte(N),
                       ts_node_end_byte(N) - ts_node_start_byte(N));
  }
  bool is(TSNode N, TSSymbol Sym) const {
    return !ts_node_is_null(N) && ts_node_symbol(N) == Sym;
  }
  TSNode field(TSNode N, TSFieldId F) const {
    return ts_node_child_by_field_id(N, F);
  }

  ExprId addExpr(ExprKind K, TSNode N, std::string Text = {},
                 ExprId Base = NoExpr) {
    Expr E;
    E.Kind = K;
    E.Range = span(N);
    E.Text = std::move(Text);
    E.Base = Base;
    M.Exprs.push_back(std::move(E));
    return ExprId(M.Exprs.size() - 1);
  }

  void bind(const Ctx &C, std::string Name, BindingKind K, Span Range,
            uint32_t Pos, ExprId Value = NoExpr, ScopeId Target = NoScope) {
    Binding B;
    B.Name = std::move(Name);
    B.Kind = K;
    B.In = C.In;
    B.From = C.In;
    B.Pos = Pos;
    B.Value = Value;
    B.Target = Target;
    B.Guarded = C.Guarded;
    B.Range = Range;
    // `global x` in a function: the name lives in the module, assigned when
    // the function runs (visible to later-running code only).
    const Scope &Sc = M.Scopes[size_t(C.In)];
    for (const std::string &G : Sc.Globals)
      if (G == B.Name) {
        B.In = ModuleScope;
        B.Pos = UINT32_MAX;
      }
    M.Bindings.push_back(std::move(B));
  }

  // --- statements ---------------------------------------------------------

  void visitBlock(TSNode Block, Ctx C, bool TopLevel = false) {
    DepthGuard G(*this, Block);
    if (!G.Ok)
      return;
    // tree-sitter-python accepts a block without statements (`def f():`
    // then a dedent); CPython does not.
    if (!TopLevel && !EmptyBlock) {
      bool Any = false;
      for (uint32_t I = 0, E = ts_node_named_child_count(Block); I < E && !Any;
           ++I)
        Any = !is(ts_node_named_child(Block, I), S.Comment);
      if (!Any) {
        EmptyBlock = true;
        EmptyBlockAt = ts_node_start_byte(Block);
      }
    }
    // Every statement that starts a line has the block's indentation: the
    // module's is 0, a nested block's is its first line's and deeper than
    // the enclosing block's.
    bool HaveIndent = TopLevel;
    Indent BlockIndent;
    struct PopIndent {
      std::vector<Indent> &Stack;
      size_t Size;
      ~PopIndent() { Stack.resize(Size); }
    } Pop{Indents, Indents.size()};
    TSTreeCursor Cur = ts_tree_cursor_new(Block);
    if (ts_tree_cursor_goto_first_child(&Cur)) {
      do {
        TSNode N = ts_tree_cursor_current_node(&Cur);
        if (!ts_node_is_named(N) || is(N, S.Comment))
          continue;
        Indent I;
        if (lineIndent(N, I)) {
          if (!HaveIndent) {
            HaveIndent = true;
            BlockIndent = I;
            const Indent &Outer = Indents.back();
            if (I.Tab8 <= Outer.Tab8 || I.Tab1 <= Outer.Tab1)
              badIndentAt(N, "syntax error: expected an indented block");
            Indents.push_back(I);
          } else if (!(I == BlockIndent)) {
            // As CPython words it: deeper than the line before is an
            // unexpected indent, shallower a dedent to no enclosing level.
            badIndentAt(N, I.Tab8 == BlockIndent.Tab8
                               ? "syntax error: inconsistent use of tabs "
                                 "and spaces in indentation"
                           : I.Tab8 > LastLine.Tab8
                               ? "syntax error: unexpected indent"
                               : "syntax error: unindent does not match any "
                                 "outer indentation level");
          }
          LastLine = I;
          checkClauses(N, I);
        }
        if (ts_node_start_point(N).row != ts_node_end_point(N).row &&
            ts_node_is_null(field(N, S.FBody)) && !is(N, S.DecoratedDefinition))
          M.MultilineStatements.push_back(span(N));
        bool WasGuarded = C.Guarded;
        bool ExitsUnlessMain = visitStatement(N, C);
        if (TopLevel)
          M.TopLevel.push_back({stmtKind(N), span(N), WasGuarded});
        if (ExitsUnlessMain && !C.Guarded) {
          // `if __name__ != "__main__": sys.exit()` — everything after it
          // in this block runs only in the main process.
          C.Guarded = true;
          GuardRegion R;
          R.Kind = GuardKind::EarlyExit;
          R.In = C.In;
          R.Condition = span(N);
          R.Body = {ts_node_end_byte(N), ts_node_end_byte(Block)};
          R.Statement = span(N);
          M.Guards.push_back(R);
        }
      } while (ts_tree_cursor_goto_next_sibling(&Cur) && !TooDeep);
    }
    ts_tree_cursor_delete(&Cur);
  }

  /// elif/else/except/finally (and match cases) that start a line line up
  /// with their statement (or, for cases, with each other).
  void checkClauses(TSNode Stmt, const Indent &StmtIndent) {
    if (is(Stmt, S.DecoratedDefinition))
      return;
    for (uint32_t I = 0, E = ts_node_named_child_count(Stmt); I < E; ++I) {
      TSNode Ch = ts_node_named_child(Stmt, I);
      if (!is(Ch, S.ElifClause) && !is(Ch, S.ElseClause) &&
          !is(Ch, S.ExceptClause) && !is(Ch, S.FinallyClause))
        continue;
      Indent CI;
      if (lineIndent(Ch, CI) && !(CI == StmtIndent))
        badIndentAt(Ch, "syntax error: clause not aligned with its "
                        "statement (invalid indentation)");
    }
  }

  StmtKind stmtKind(TSNode N) const {
    TSSymbol K = ts_node_symbol(N);
    if (K == S.ImportStatement || K == S.ImportFromStatement ||
        K == S.FutureImportStatement)
      return StmtKind::Import;
    if (K == S.DecoratedDefinition)
      return stmtKind(field(N, S.FDefinition));
    if (K == S.FunctionDefinition)
      return StmtKind::FunctionDef;
    if (K == S.ClassDefinition)
      return StmtKind::ClassDef;
    if (K == S.ExpressionStatement) {
      TSNode First = ts_node_named_child(N, 0);
      if (is(First, S.Assignment) || is(First, S.AugmentedAssignment))
        return StmtKind::Assign;
      return StmtKind::Expression;
    }
    if (K == S.IfStatement || K == S.MatchStatement) {
      for (const GuardRegion &R : M.Guards)
        if (R.Condition.Begin >= ts_node_start_byte(N) &&
            R.Condition.End <= ts_node_end_byte(N))
          return StmtKind::Guard;
    }
    return StmtKind::Other;
  }

  /// Visits one statement. Returns true if it is an early exit that only the
  /// main process survives.
  bool visitStatement(TSNode N, Ctx &C) {
    DepthGuard G(*this, N);
    if (!G.Ok)
      return false;
    TSSymbol K = ts_node_symbol(N);
    if (K == S.ExpressionStatement) {
      visitChildrenAsExprs(N, C);
    } else if (K == S.ImportStatement) {
      visitImport(N, C);
    } else if (K == S.ImportFromStatement) {
      visitImportFrom(N, C);
    } else if (K == S.FunctionDefinition || K == S.ClassDefinition) {
      visitDefinition(N, C, {});
    } else if (K == S.DecoratedDefinition) {
      visitDecorated(N, C);
    } else if (K == S.IfStatement) {
      return visitIf(N, C);
    } else if (K == S.ForStatement) {
      visitFor(N, C);
    } else if (K == S.TryStatement) {
      visitTry(N, C);
    } else if (K == S.WithStatement) {
      visitWith(N, C);
    } else if (K == S.MatchStatement) {
      visitMatch(N, C);
    } else if (K == S.GlobalStatement) {
      TSTreeCursor Cur = ts_tree_cursor_new(N);
      if (ts_tree_cursor_goto_first_child(&Cur))
        do {
          TSNode Id = ts_tree_cursor_current_node(&Cur);
          if (is(Id, S.Identifier))
            M.Scopes[size_t(C.In)].Globals.push_back(text(Id));
        } while (ts_tree_cursor_goto_next_sibling(&Cur));
      ts_tree_cursor_delete(&Cur);
    } else {
      visitGeneric(N, C);
    }
    return false;
  }

  /// Statements and expressions mpguard has no special knowledge of: every
  /// block is walked as statements, everything else as expressions.
  void visitGeneric(TSNode N, Ctx &C) {
    TSTreeCursor Cur = ts_tree_cursor_new(N);
    if (ts_tree_cursor_goto_first_child(&Cur))
      do {
        TSNode Ch = ts_tree_cursor_current_node(&Cur);
        if (!ts_node_is_named(Ch) || is(Ch, S.Comment))
          continue;
        if (is(Ch, S.Block))
          visitBlock(Ch, C);
        else if (is(Ch, S.ElseClause) || is(Ch, S.FinallyClause) ||
                 is(Ch, S.ExceptClause))
          visitGeneric(Ch, C);
        else
          visitExpr(Ch, C);
      } while (ts_tree_cursor_goto_next_sibling(&Cur) && !TooDeep);
    ts_tree_cursor_delete(&Cur);
  }

  void visitChildrenAsExprs(TSNode N, Ctx &C) {
    TSTreeCursor Cur = ts_tree_cursor_new(N);
    if (ts_tree_cursor_goto_first_child(&Cur))
      do {
        TSNode Ch = ts_tree_cursor_current_node(&Cur);
        if (ts_node_is_named(Ch) && !is(Ch, S.Comment))
          visitExpr(Ch, C);
      } while (ts_tree_cursor_goto_next_sibling(&Cur) && !TooDeep);
    ts_tree_cursor_delete(&Cur);
  }

  void visitImport(TSNode N, Ctx &C) {
    TSTreeCursor Cur = ts_tree_cursor_new(N);
    if (ts_tree_cursor_goto_first_child(&Cur))
      do {
        TSNode Ch = ts_tree_cursor_current_node(&Cur);
        if (is(Ch, S.DottedName)) {
          // `import a.b.c` binds `a`.
          std::string Full = text(Ch);
          std::string First = Full.substr(0, Full.find('.'));
          size_t Idx = M.Bindings.size();
          bind(C, First, BindingKind::Import, span(Ch), ts_node_start_byte(N));
          M.Bindings[Idx].Module = First;
        } else if (is(Ch, S.AliasedImport)) {
          size_t Idx = M.Bindings.size();
          bind(C, text(field(Ch, S.FAlias)), BindingKind::Import, span(Ch),
               ts_node_start_byte(N));
          M.Bindings[Idx].Module = text(field(Ch, S.FName));
        }
      } while (ts_tree_cursor_goto_next_sibling(&Cur));
    ts_tree_cursor_delete(&Cur);
  }

  void visitImportFrom(TSNode N, Ctx &C) {
    TSNode ModNode = field(N, S.FModuleName);
    std::string Module = ts_node_is_null(ModNode) ? "" : text(ModNode);
    // Relative imports keep their dots; whitespace inside is dropped.
    std::string Clean;
    for (char Ch : Module)
      if (Ch != ' ' && Ch != '\t' && Ch != '\\' && Ch != '\n' && Ch != '\r')
        Clean += Ch;
    Module = Clean;
    TSTreeCursor Cur = ts_tree_cursor_new(N);
    if (ts_tree_cursor_goto_first_child(&Cur))
      do {
        TSNode Ch = ts_tree_cursor_current_node(&Cur);
        if (ts_tree_cursor_current_field_id(&Cur) != S.FName) {
          if (is(Ch, S.WildcardImport)) {
            size_t Idx = M.Bindings.size();
            bind(C, "*", BindingKind::Wildcard, span(Ch),
                 ts_node_start_byte(N));
            M.Bindings[Idx].Module = Module;
          }
          continue;
        }
        std::string Member, Local;
        if (is(Ch, S.AliasedImport)) {
          Member = text(field(Ch, S.FName));
          Local = text(field(Ch, S.FAlias));
        } else {
          Member = Local = text(Ch);
        }
        size_t Idx = M.Bindings.size();
        bind(C, Local, BindingKind::ImportFrom, span(Ch),
             ts_node_start_byte(N));
        M.Bindings[Idx].Module = Module;
        M.Bindings[Idx].Member = Member;
      } while (ts_tree_cursor_goto_next_sibling(&Cur));
    ts_tree_cursor_delete(&Cur);
  }

  void visitDecorated(TSNode N, Ctx &C) {
    std::vector<ExprId> Decorators;
    TSTreeCursor Cur = ts_tree_cursor_new(N);
    if (ts_tree_cursor_goto_first_child(&Cur))
      do {
        TSNode Ch = ts_tree_cursor_current_node(&Cur);
        if (!is(Ch, S.Decorator))
          continue;
        TSNode E = ts_node_named_child(Ch, 0);
        ExprId D = visitExpr(E, C);
        // `@deco` calls deco(f) at definition time: record it as a call.
        if (D != NoExpr && M.expr(D).Kind != ExprKind::Call) {
          ExprId Call = addExpr(ExprKind::Call, E, {}, D);
          recordCall(Call, C);
        }
        if (D != NoExpr)
          Decorators.push_back(D);
      } while (ts_tree_cursor_goto_next_sibling(&Cur));
    ts_tree_cursor_delete(&Cur);
    TSNode Def = field(N, S.FDefinition);
    if (!ts_node_is_null(Def))
      visitDefinition(Def, C, Decorators, span(N));
  }

  void visitDefinition(TSNode N, Ctx &C, const std::vector<ExprId> &Decorators,
                       Span Whole = {}) {
    bool IsClass = is(N, S.ClassDefinition);
    TSNode NameNode = field(N, S.FName);
    Scope Sc;
    Sc.Kind = IsClass ? ScopeKind::Class : ScopeKind::Function;
    Sc.Name = ts_node_is_null(NameNode) ? "?" : text(NameNode);
    // By value: visiting defaults may add scopes and move the table.
    const ScopeKind ParentKind = M.Scopes[size_t(C.In)].Kind;
    const std::string &ParentQual = M.Scopes[size_t(C.In)].QualName;
    if (C.In == ModuleScope)
      Sc.QualName = Sc.Name;
    else if (ParentKind == ScopeKind::Class)
      Sc.QualName = ParentQual + "." + Sc.Name;
    else
      Sc.QualName = ParentQual + ".<locals>." + Sc.Name;
    Sc.Parent = C.In;
    Sc.NameRange = ts_node_is_null(NameNode) ? span(N) : span(NameNode);
    Sc.Range = Whole.End ? Whole : span(N);
    for (ExprId D : Decorators) {
      const Expr &E = M.expr(D);
      if (E.Kind == ExprKind::Name &&
          (E.Text == "staticmethod" || E.Text == "classmethod")) {
        Sc.IsStaticOrClassMethod = true;
        Sc.IsClassMethod = Sc.IsClassMethod || E.Text == "classmethod";
      }
    }

    if (IsClass) {
      TSNode Supers = field(N, S.FSuperclasses);
      ScopeId Id = ScopeId(M.Scopes.size());
      Sc.Exec = C.Exec;
      M.Scopes.push_back(std::move(Sc));
      if (!ts_node_is_null(Supers)) {
        std::vector<ExprId> Pos;
        std::vector<Keyword> Kw;
        visitArguments(Supers, C, Pos, Kw);
        M.Scopes[size_t(Id)].Bases = Pos;
      }
      bind(C, M.Scopes[size_t(Id)].Name, BindingKind::Def,
           M.Scopes[size_t(Id)].NameRange, ts_node_start_byte(N), NoExpr, Id);
      // The class body runs now, in the enclosing execution scope.
      Ctx Body = C;
      Body.In = Id;
      TSNode B = field(N, S.FBody);
      if (!ts_node_is_null(B))
        visitBlock(B, Body);
      return;
    }

    // Defaults and annotations are evaluated at definition time.
    TSNode Params = field(N, S.FParameters);
    std::vector<std::pair<std::string, Span>> ParamNames;
    if (!ts_node_is_null(Params))
      visitParameters(Params, C, ParamNames, &Sc);
    TSNode Ret = field(N, S.FReturnType);
    if (!ts_node_is_null(Ret))
      visitExpr(Ret, C);

    ScopeId Id = ScopeId(M.Scopes.size());
    Sc.Exec = Id;
    bool Method = ParentKind == ScopeKind::Class && !Sc.IsStaticOrClassMethod;
    M.Scopes.push_back(std::move(Sc));
    bind(C, M.Scopes[size_t(Id)].Name, BindingKind::Def,
         M.Scopes[size_t(Id)].NameRange, ts_node_start_byte(N), NoExpr, Id);

    Ctx Body;
    Body.In = Id;
    Body.Exec = Id;
    for (size_t I = 0; I < ParamNames.size(); ++I) {
      size_t Idx = M.Bindings.size();
      bind(Body, ParamNames[I].first, BindingKind::Param, ParamNames[I].second,
           0);
      M.Bindings[Idx].FirstOfMethod = Method && I == 0;
    }
    TSNode B = field(N, S.FBody);
    if (!ts_node_is_null(B))
      visitBlock(B, Body);
  }

  /// The parameters' names in \p Names; \p Sc gets their order and how a
  /// call may pass them (Params, PositionalParams, PositionalOnlyParams).
  void visitParameters(TSNode Params, Ctx &C,
                       std::vector<std::pair<std::string, Span>> &Names,
                       Scope *Sc) {
    // Names before a bare `*` or `*args` can be passed by position.
    size_t Positional = SIZE_MAX, PositionalOnly = 0;
    struct Fill {
      std::vector<std::pair<std::string, Span>> &Names;
      Scope *Sc;
      size_t &Positional, &PositionalOnly;
      ~Fill() {
        if (!Sc)
          return;
        constexpr size_t Max = UINT16_MAX;
        for (size_t I = 0; I < Names.size() && I < Max; ++I)
          Sc->Params.push_back(Names[I].first);
        Sc->PositionalParams =
            uint16_t(std::min({Positional, Names.size(), Max}));
        Sc->PositionalOnlyParams =
            uint16_t(std::min({PositionalOnly, Names.size(), Max}));
      }
    } Done{Names, Sc, Positional, PositionalOnly};
    TSTreeCursor Cur = ts_tree_cursor_new(Params);
    if (ts_tree_cursor_goto_first_child(&Cur))
      do {
        TSNode P = ts_tree_cursor_current_node(&Cur);
        if (!ts_node_is_named(P))
          continue;
        bool Splat = is(P, S.ListSplatPattern) || is(P, S.KeywordSeparator);
        if (is(P, S.TypedParameter) && ts_node_named_child_count(P) > 0)
          Splat = is(ts_node_named_child(P, 0), S.ListSplatPattern);
        if (Splat && Positional == SIZE_MAX)
          Positional = Names.size();
        if (is(P, S.PositionalSeparator))
          PositionalOnly = Names.size();
        if (is(P, S.Identifier)) {
          Names.push_back({text(P), span(P)});
          continue;
        }
        TSNode Name = field(P, S.FName);
        TSNode Value = field(P, S.FValue);
        TSNode Type = field(P, S.FType);
        if (!ts_node_is_null(Value))
          visitExpr(Value, C);
        if (!ts_node_is_null(Type))
          visitExpr(Type, C);
        if (!ts_node_is_null(Name) && is(Name, S.Identifier)) {
          Names.push_back({text(Name), span(Name)});
        } else if (is(P, S.TypedParameter)) {
          TSNode Id = ts_node_named_child(P, 0);
          if (is(Id, S.Identifier))
            Names.push_back({text(Id), span(Id)});
        }
      } while (ts_tree_cursor_goto_next_sibling(&Cur));
    ts_tree_cursor_delete(&Cur);
  }

  bool visitIf(TSNode N, Ctx &C) {
    uint32_t IfId = ts_node_start_byte(N);
    uint16_t Arm = 0;
    bool PriorFalseMeansMain = false;
    bool AnyAlternative = false;
    bool ExitsUnlessMain = false;
    bool HasElse = false;

    auto VisitArm = [&](TSNode Condition, TSNode Body) {
      Cond Co;
      if (!ts_node_is_null(Condition)) {
        visitExpr(Condition, C);
        Co = classify(Condition);
      }
      Ctx A = C;
      A.Branches.push_back({IfId, Arm++});
      bool OwnGuard = Co.TrueMeansMain || PriorFalseMeansMain;
      if (OwnGuard && !C.Guarded && !ts_node_is_null(Body)) {
        GuardRegion R;
        R.Kind = Co.TrueMeansMain ? Co.Kind : GuardKind::ElseOfNotMain;
        R.In = C.In;
        R.Condition = ts_node_is_null(Condition) ? span(Body) : span(Condition);
        R.Body = span(Body);
        R.Statement = span(N);
        M.Guards.push_back(R);
      }
      A.Guarded = C.Guarded || OwnGuard;
      if (!ts_node_is_null(Body))
        visitBlock(Body, A);
      PriorFalseMeansMain = PriorFalseMeansMain || Co.FalseMeansMain;
      return Co;
    };

    Cond First = VisitArm(field(N, S.FCondition), field(N, S.FConsequence));
    TSTreeCursor Cur = ts_tree_cursor_new(N);
    if (ts_tree_cursor_goto_first_child(&Cur))
      do {
        if (ts_tree_cursor_current_field_id(&Cur) != S.FAlternative)
          continue;
        TSNode Alt = ts_tree_cursor_current_node(&Cur);
        AnyAlternative = true;
        if (is(Alt, S.ElifClause))
          VisitArm(field(Alt, S.FCondition), field(Alt, S.FConsequence));
        else {
          VisitArm(TSNode{}, field(Alt, S.FBody));
          HasElse = true;
        }
      } while (ts_tree_cursor_goto_next_sibling(&Cur));
    ts_tree_cursor_delete(&Cur);

    if (HasElse)
      M.ExhaustiveIfs.push_back({IfId, Arm});
    if (First.FalseMeansMain && !AnyAlternative)
      ExitsUnlessMain = blockAlwaysExits(field(N, S.FConsequence));
    return ExitsUnlessMain;
  }

  /// The block ends in raise, return, or a call of sys.exit/exit/quit/
  /// os._exit.
  bool blockAlwaysExits(TSNode Block) const {
    if (ts_node_is_null(Block))
      return false;
    uint32_t Count = ts_node_named_child_count(Block);
    TSNode Last{};
    for (uint32_t I = Count; I > 0; --I) {
      TSNode Ch = ts_node_named_child(Block, I - 1);
      if (!is(Ch, S.Comment)) {
        Last = Ch;
        break;
      }
    }
    if (ts_node_is_null(Last))
      return false;
    if (is(Last, S.RaiseStatement) || is(Last, S.ReturnStatement))
      return true;
    if (!is(Last, S.ExpressionStatement))
      return false;
    TSNode Call = ts_node_named_child(Last, 0);
    if (!is(Call, S.Call))
      return false;
    std::string Fn = text(field(Call, S.FFunction));
    return Fn == "sys.exit" || Fn == "exit" || Fn == "quit" ||
           Fn == "os._exit" || Fn == "_exit";
  }

  Cond classify(TSNode N) const {
    Cond R;
    if (ts_node_is_null(N))
      return R;
    TSSymbol K = ts_node_symbol(N);
    if (K == S.ParenthesizedExpression)
      return classify(ts_node_named_child(N, 0));
    if (K == S.NotOperator) {
      Cond A = classify(field(N, S.FArgument));
      std::swap(A.TrueMeansMain, A.FalseMeansMain);
      return A;
    }
    if (K == S.BooleanOperator) {
      Cond A = classify(field(N, S.FLeft));
      Cond B = classify(field(N, S.FRight));
      std::string Op = text(field(N, S.FOperator));
      if (Op == "and") {
        R.TrueMeansMain = A.TrueMeansMain || B.TrueMeansMain;
        R.FalseMeansMain = A.FalseMeansMain && B.FalseMeansMain;
      } else {
        R.TrueMeansMain = A.TrueMeansMain && B.TrueMeansMain;
        R.FalseMeansMain = A.FalseMeansMain || B.FalseMeansMain;
      }
      R.Kind = A.TrueMeansMain || A.FalseMeansMain ? A.Kind : B.Kind;
      return R;
    }
    if (K != S.ComparisonOperator || ts_node_named_child_count(N) != 2)
      return R;
    TSNode L = ts_node_named_child(N, 0);
    TSNode Rt = ts_node_named_child(N, 1);
    // The operator is the anonymous child(ren) between the operands.
    std::string Op;
    for (uint32_t I = 0, E = ts_node_child_count(N); I < E; ++I) {
      TSNode Ch = ts_node_child(N, I);
      if (!ts_node_is_named(Ch))
        Op += (Op.empty() ? "" : " ") + text(Ch);
    }
    auto IsDunderName = [&](TSNode X) {
      return is(X, S.Identifier) && text(X) == "__name__";
    };
    auto IsStr = [&](TSNode X, const char *V) {
      return is(X, S.String) && stringValue(X) == V;
    };
    bool Positive;
    if (Op == "==" || Op == "is")
      Positive = true;
    else if (Op == "!=" || Op == "is not")
      Positive = false;
    else if (Op == "in" || Op == "not in") {
      if (!IsDunderName(L))
        return R;
      bool HasMain = false;
      if (is(Rt, S.Tuple) || is(Rt, S.List) || is(Rt, S.Set) ||
          is(Rt, S.ParenthesizedExpression)) {
        for (uint32_t I = 0, E = ts_node_named_child_count(Rt); I < E; ++I)
          HasMain |= IsStr(ts_node_named_child(Rt, I), "__main__");
      }
      if (!HasMain)
        return R;
      R.Kind = GuardKind::NameEqualsMain;
      (Op == "in" ? R.TrueMeansMain : R.FalseMeansMain) = true;
      return R;
    } else {
      return R;
    }
    bool Match = false;
    if ((IsDunderName(L) && IsStr(Rt, "__main__")) ||
        (IsDunderName(Rt) && IsStr(L, "__main__"))) {
      Match = Op == "==" || Op == "!=";
      R.Kind = GuardKind::NameEqualsMain;
    } else if ((IsStr(Rt, "MainProcess") &&
                isProcessName(L, "current_process")) ||
               (IsStr(L, "MainProcess") &&
                isProcessName(Rt, "current_process"))) {
      Match = Op == "==" || Op == "!=";
      R.Kind = GuardKind::MainProcessName;
    } else if (is(Rt, S.None) && isCallOf(L, "parent_process")) {
      Match = Op == "is" || Op == "is not" || Op == "==" || Op == "!=";
      R.Kind = GuardKind::NoParentProcess;
    }
    if (!Match)
      return R;
    (Positive ? R.TrueMeansMain : R.FalseMeansMain) = true;
    return R;
  }

  /// `<...>current_process().name`
  bool isProcessName(TSNode N, const char *Fn) const {
    return is(N, S.Attribute) && text(field(N, S.FAttribute)) == "name" &&
           isCallOf(field(N, S.FObject), Fn);
  }
  /// `<...>.fn()` or `fn()`
  bool isCallOf(TSNode N, const char *Fn) const {
    if (!is(N, S.Call))
      return false;
    TSNode F = field(N, S.FFunction);
    if (is(F, S.Identifier))
      return text(F) == Fn;
    return is(F, S.Attribute) && text(field(F, S.FAttribute)) == Fn;
  }

  void visitFor(TSNode N, Ctx &C) {
    TSNode Left = field(N, S.FLeft);
    TSNode Right = field(N, S.FRight);
    ExprId Iter = ts_node_is_null(Right) ? NoExpr : visitExpr(Right, C);
    if (Iter != NoExpr)
      recordSite(M.Iterations, Iter, C);
    bindTarget(Left, C, BindingKind::Loop, Iter, ts_node_start_byte(N));
    TSNode Body = field(N, S.FBody);
    if (!ts_node_is_null(Body))
      visitBlock(Body, C);
    TSNode Alt = field(N, S.FAlternative);
    if (!ts_node_is_null(Alt))
      visitGeneric(Alt, C);
  }

  void visitTry(TSNode N, Ctx &C) {
    bool Catches = false;
    TSTreeCursor Cur = ts_tree_cursor_new(N);
    if (ts_tree_cursor_goto_first_child(&Cur))
      do {
        TSNode Ch = ts_tree_cursor_current_node(&Cur);
        if (is(Ch, S.ExceptClause))
          Catches |= handlerCatchesRuntimeError(Ch);
      } while (ts_tree_cursor_goto_next_sibling(&Cur));
    ts_tree_cursor_delete(&Cur);

    Ctx Body = C;
    Body.CatchesRuntimeError = C.CatchesRuntimeError || Catches;
    TSNode B = field(N, S.FBody);
    if (!ts_node_is_null(B))
      visitBlock(B, Body);
    Cur = ts_tree_cursor_new(N);
    if (ts_tree_cursor_goto_first_child(&Cur))
      do {
        TSNode Ch = ts_tree_cursor_current_node(&Cur);
        if (ts_tree_cursor_current_field_id(&Cur) == S.FBody)
          continue;
        if (is(Ch, S.ExceptClause)) {
          // `except E as err:` binds err (visited below as an expression).
          // (Parsed as an alias field, or as an as_pattern value.)
          TSNode Alias = field(Ch, S.FAlias);
          TSNode Value = field(Ch, S.FValue);
          if (ts_node_is_null(Alias) && is(Value, S.AsPattern))
            Alias = field(Value, S.FAlias);
          if (is(Alias, S.AsPatternTarget))
            Alias = ts_node_named_child(Alias, 0);
          if (is(Alias, S.Identifier))
            bind(C, text(Alias), BindingKind::Assign, span(Alias),
                 ts_node_end_byte(Alias));
        }
        if (is(Ch, S.ExceptClause) || is(Ch, S.ElseClause) ||
            is(Ch, S.FinallyClause))
          visitGeneric(Ch, C);
      } while (ts_tree_cursor_goto_next_sibling(&Cur));
    ts_tree_cursor_delete(&Cur);
  }

  bool handlerCatchesRuntimeError(TSNode Clause) const {
    TSNode Value = field(Clause, S.FValue);
    if (ts_node_is_null(Value)) {
      // Older grammars: the type is the first named non-block child.
      for (uint32_t I = 0, E = ts_node_named_child_count(Clause); I < E; ++I) {
        TSNode Ch = ts_node_named_child(Clause, I);
        if (!is(Ch, S.Block) && !is(Ch, S.Comment)) {
          Value = Ch;
          break;
        }
      }
    }
    if (ts_node_is_null(Value))
      return true; // bare except
    // Any named class, alone or in a tuple, that is RuntimeError or one of
    // its bases (compared by the last dotted component: builtins.Exception).
    std::string T = text(Value);
    size_t I = 0;
    while (I < T.size()) {
      if (!(std::isalnum((unsigned char)T[I]) || T[I] == '_')) {
        ++I;
        continue;
      }
      size_t J = I;
      while (J < T.size() && (std::isalnum((unsigned char)T[J]) || T[J] == '_'))
        ++J;
      std::string Word = T.substr(I, J - I);
      bool Qualified = J < T.size() && T[J] == '.';
      if (!Qualified && (Word == "RuntimeError" || Word == "Exception" ||
                         Word == "BaseException"))
        return true;
      I = J;
    }
    return false;
  }

  void visitWith(TSNode N, Ctx &C) {
    Ctx Body = C;
    TSTreeCursor Cur = ts_tree_cursor_new(N);
    if (ts_tree_cursor_goto_first_child(&Cur))
      do {
        TSNode Clause = ts_tree_cursor_current_node(&Cur);
        if (!is(Clause, S.WithClause))
          continue;
        for (uint32_t I = 0, E = ts_node_named_child_count(Clause); I < E;
             ++I) {
          TSNode Item = ts_node_named_child(Clause, I);
          if (!is(Item, S.WithItem))
            continue;
          TSNode Value = field(Item, S.FValue);
          TSNode Target{};
          if (is(Value, S.AsPattern)) {
            Target = field(Value, S.FAlias);
            Value = ts_node_named_child(Value, 0);
          }
          ExprId V = ts_node_is_null(Value) ? NoExpr : visitExpr(Value, Body);
          if (V != NoExpr)
            Body.With.push_back(V);
          if (!ts_node_is_null(Target)) {
            if (is(Target, S.AsPatternTarget))
              Target = ts_node_named_child(Target, 0);
            bindTarget(Target, Body, BindingKind::With, V,
                       ts_node_end_byte(Item));
          }
        }
      } while (ts_tree_cursor_goto_next_sibling(&Cur));
    ts_tree_cursor_delete(&Cur);
    TSNode B = field(N, S.FBody);
    if (!ts_node_is_null(B))
      visitBlock(B, Body);
  }

  void visitMatch(TSNode N, Ctx &C) {
    TSNode Subject = field(N, S.FSubject);
    if (!ts_node_is_null(Subject))
      visitExpr(Subject, C);
    bool OnName = is(Subject, S.Identifier) && text(Subject) == "__name__";
    TSNode Body = field(N, S.FBody);
    if (ts_node_is_null(Body))
      return;
    uint32_t MatchId = ts_node_start_byte(N);
    uint16_t Arm = 0;
    for (uint32_t I = 0, E = ts_node_named_child_count(Body); I < E; ++I) {
      TSNode Case = ts_node_named_child(Body, I);
      if (!is(Case, S.CaseClause))
        continue;
      bool MainCase = false;
      for (uint32_t J = 0, F = ts_node_named_child_count(Case); J < F; ++J) {
        TSNode P = ts_node_named_child(Case, J);
        if (is(P, S.CasePattern) && OnName)
          MainCase |= patternMatchesMain(P);
      }
      TSNode Guard = field(Case, S.FGuard);
      if (!ts_node_is_null(Guard))
        visitExpr(Guard, C);
      Ctx A = C;
      A.Branches.push_back({MatchId, Arm++});
      TSNode Cons = field(Case, S.FConsequence);
      if (MainCase && !C.Guarded && !ts_node_is_null(Cons))
        M.Guards.push_back(
            {GuardKind::MatchCase, C.In, span(Case), span(Cons), span(N)});
      A.Guarded = C.Guarded || MainCase;
      if (!ts_node_is_null(Cons))
        visitBlock(Cons, A);
    }
  }

  /// A case pattern that is the string "__main__" (alone or in an or-pattern
  /// whose every alternative is that string).
  bool patternMatchesMain(TSNode P) const {
    bool Any = false, All = true;
    std::vector<TSNode> Stack{P};
    while (!Stack.empty()) {
      TSNode X = Stack.back();
      Stack.pop_back();
      if (is(X, S.String)) {
        bool Main = stringValue(X) == "__main__";
        Any |= Main;
        All &= Main;
        continue;
      }
      uint32_t Count = ts_node_named_child_count(X);
      if (Count == 0) {
        All = false;
        continue;
      }
      for (uint32_t I = 0; I < Count; ++I)
        Stack.push_back(ts_node_named_child(X, I));
    }
    return Any && All;
  }

  // --- bindings -----------------------------------------------------------

  void bindTarget(TSNode Target, Ctx &C, BindingKind K, ExprId Value,
                  uint32_t Pos) {
    if (ts_node_is_null(Target))
      return;
    if (is(Target, S.Identifier)) {
      bind(C, text(Target), K, span(Target), Pos, Value);
      return;
    }
    if (is(Target, S.PatternList) || is(Target, S.TuplePattern) ||
        is(Target, S.ListPattern) || is(Target, S.Tuple) ||
        is(Target, S.List) || is(Target, S.ParenthesizedExpression)) {
      // `a, b = X, Y` binds pairwise when the shapes agree. (A copy: the
      // recursion may add expressions and move the table.)
      std::vector<ExprId> Parts;
      if (Value != NoExpr && M.expr(Value).Kind == ExprKind::Sequence)
        Parts = M.expr(Value).Args;
      uint32_t Count = ts_node_named_child_count(Target);
      for (uint32_t I = 0; I < Count; ++I) {
        ExprId Part = NoExpr;
        if (Parts.size() == Count && K == BindingKind::Assign)
          Part = Parts[I];
        bindTarget(ts_node_named_child(Target, I), C, K, Part, Pos);
      }
      return;
    }
    if (is(Target, S.ListSplatPattern))
      bindTarget(ts_node_named_child(Target, 0), C, K, NoExpr, Pos);
    // Attributes and subscripts: evaluate for calls inside them.
    if (is(Target, S.Attribute))
      noteAttributeAssign(C, Target);
    if (is(Target, S.Attribute) || is(Target, S.Subscript))
      visitExpr(Target, C);
  }

  ExprId visitAssignment(TSNode N, Ctx &C) {
    TSNode Right = field(N, S.FRight);
    ExprId Value = NoExpr;
    if (is(Right, S.Assignment))
      Value = visitAssignment(Right, C); // a = b = value
    else if (!ts_node_is_null(Right))
      Value = visitExpr(Right, C);
    TSNode Type = field(N, S.FType);
    if (!ts_node_is_null(Type)) {
      // A function never evaluates the annotations of its local variables.
      ScopeKind K = M.Scopes[size_t(C.In)].Kind;
      bool WasSilent = SilentReads;
      SilentReads = K == ScopeKind::Function || K == ScopeKind::Lambda;
      visitExpr(Type, C);
      SilentReads = WasSilent;
    }
    bindTarget(field(N, S.FLeft), C, BindingKind::Assign, Value,
               ts_node_end_byte(N));
    return Value;
  }

  // --- expressions --------------------------------------------------------

  void recordSite(std::vector<Site> &Into, ExprId E, const Ctx &C) {
    Site St;
    St.E = E;
    St.In = C.In;
    St.Exec = C.Exec;
    St.Guarded = C.Guarded;
    St.CatchesRuntimeError = C.CatchesRuntimeError;
    St.Branches = C.Branches;
    St.WithItems = C.With;
    Into.push_back(std::move(St));
  }
  void recordCall(ExprId Call, const Ctx &C) { recordSite(M.Calls, Call, C); }

  void noteMultiline(TSNode N) {
    uint32_t B = ts_node_start_byte(N), E = ts_node_end_byte(N);
    if (std::memchr(Src + B, '\n', E - B))
      M.MultilineStrings.push_back({B, E});
  }

  std::string stringValue(TSNode N) const {
    // Plain literals only: f-strings have interpolations and no fixed value.
    std::string V;
    for (uint32_t I = 0, E = ts_node_named_child_count(N); I < E; ++I) {
      TSNode Ch = ts_node_named_child(N, I);
      if (is(Ch, S.Interpolation))
        return "\x01<f-string>";
      if (is(Ch, S.StringContent))
        V += text(Ch);
    }
    return V;
  }

  void visitArguments(TSNode Args, Ctx &C, std::vector<ExprId> &Pos,
                      std::vector<Keyword> &Kw,
                      int32_t *FirstStarred = nullptr) {
    TSTreeCursor Cur = ts_tree_cursor_new(Args);
    if (ts_tree_cursor_goto_first_child(&Cur))
      do {
        TSNode A = ts_tree_cursor_current_node(&Cur);
        if (!ts_node_is_named(A) || is(A, S.Comment))
          continue;
        if (is(A, S.KeywordArgument)) {
          TSNode Name = field(A, S.FName);
          TSNode Value = field(A, S.FValue);
          ExprId V = ts_node_is_null(Value) ? NoExpr : visitExpr(Value, C);
          Kw.push_back({ts_node_is_null(Name) ? "" : text(Name), V});
        } else if (is(A, S.ListSplat) || is(A, S.DictionarySplat)) {
          if (FirstStarred && *FirstStarred < 0 && is(A, S.ListSplat))
            *FirstStarred = int32_t(Pos.size());
          visitExpr(A, C);
        } else {
          Pos.push_back(visitExpr(A, C));
        }
      } while (ts_tree_cursor_goto_next_sibling(&Cur) && !TooDeep);
    ts_tree_cursor_delete(&Cur);
  }

  /// Comprehension: the for/if clauses run first (binding their targets in
  /// the current scope, a simplification), then the element.
  ExprId visitComprehension(TSNode N, Ctx &C) {
    TSNode Body = field(N, S.FBody);
    TSTreeCursor Cur = ts_tree_cursor_new(N);
    if (ts_tree_cursor_goto_first_child(&Cur))
      do {
        TSNode Ch = ts_tree_cursor_current_node(&Cur);
        if (is(Ch, S.ForInClause)) {
          TSNode Right = field(Ch, S.FRight);
          ExprId Iter = ts_node_is_null(Right) ? NoExpr : visitExpr(Right, C);
          if (Iter != NoExpr)
            recordSite(M.Iterations, Iter, C);
          bindTarget(field(Ch, S.FLeft), C, BindingKind::Loop, Iter,
                     ts_node_start_byte(N));
        } else if (is(Ch, S.IfClause)) {
          visitGeneric(Ch, C);
        }
      } while (ts_tree_cursor_goto_next_sibling(&Cur));
    ts_tree_cursor_delete(&Cur);
    ExprId Elem = ts_node_is_null(Body) ? NoExpr : visitExpr(Body, C);
    ExprId Seq = addExpr(ExprKind::Sequence, N);
    if (Elem != NoExpr)
      M.Exprs[size_t(Seq)].Args.push_back(Elem);
    return Seq;
  }

  ExprId visitLambda(TSNode N, Ctx &C) {
    Scope Sc;
    Sc.Kind = ScopeKind::Lambda;
    Sc.Name = "<lambda>";
    Sc.QualName = M.Scopes[size_t(C.In)].QualName + ".<lambda>";
    Sc.Parent = C.In;
    Sc.NameRange = span(N);
    Sc.Range = span(N);
    std::vector<std::pair<std::string, Span>> Names;
    TSNode Params = field(N, S.FParameters);
    if (!ts_node_is_null(Params))
      visitParameters(Params, C, Names, &Sc);
    ScopeId Id = ScopeId(M.Scopes.size());
    Sc.Exec = Id;
    M.Scopes.push_back(std::move(Sc));
    Ctx Body;
    Body.In = Id;
    Body.Exec = Id;
    for (auto &P : Names)
      bind(Body, P.first, BindingKind::Param, P.second, 0);
    TSNode B = field(N, S.FBody);
    if (!ts_node_is_null(B))
      visitExpr(B, Body);
    ExprId E = addExpr(ExprKind::Lambda, N);
    M.Exprs[size_t(E)].LambdaScope = Id;
    return E;
  }

  ExprId visitExpr(TSNode N, Ctx &C) {
    DepthGuard G(*this, N);
    if (!G.Ok || ts_node_is_null(N))
      return NoExpr;
    TSSymbol K = ts_node_symbol(N);
    if (K == S.Identifier) {
      noteRead(C, N);
      return addExpr(ExprKind::Name, N, text(N));
    }
    if (K == S.Attribute) {
      ExprId Base = visitExpr(field(N, S.FObject), C);
      TSNode Attr = field(N, S.FAttribute);
      noteAttributeRead(C, field(N, S.FObject), Attr, N);
      return addExpr(ExprKind::Attribute, N,
                     ts_node_is_null(Attr) ? "" : text(Attr), Base);
    }
    if (K == S.Call) {
      ExprId Callee = visitExpr(field(N, S.FFunction), C);
      std::vector<ExprId> Pos;
      std::vector<Keyword> Kw;
      int32_t FirstStarred = -1;
      TSNode Args = field(N, S.FArguments);
      if (is(Args, S.ArgumentList))
        visitArguments(Args, C, Pos, Kw, &FirstStarred);
      else if (!ts_node_is_null(Args))
        Pos.push_back(visitExpr(Args, C)); // f(x for x in y)
      ExprId Call = addExpr(ExprKind::Call, N, {}, Callee);
      M.Exprs[size_t(Call)].Args = std::move(Pos);
      M.Exprs[size_t(Call)].FirstStarred = FirstStarred;
      M.Exprs[size_t(Call)].Keywords = std::move(Kw);
      recordCall(Call, C);
      return Call;
    }
    if (K == S.String) {
      noteMultiline(N);
      std::string V = stringValue(N);
      if (!V.empty() && V[0] == '\x01') {
        visitGeneric(N, C); // f-string: calls inside interpolations
        return NoExpr;
      }
      return addExpr(ExprKind::String, N, std::move(V));
    }
    if (K == S.ConcatenatedString) {
      std::string V;
      for (uint32_t I = 0, E = ts_node_named_child_count(N); I < E; ++I)
        noteMultiline(ts_node_named_child(N, I));
      for (uint32_t I = 0, E = ts_node_named_child_count(N); I < E; ++I) {
        std::string Part = stringValue(ts_node_named_child(N, I));
        if (!Part.empty() && Part[0] == '\x01') {
          visitGeneric(N, C);
          return NoExpr;
        }
        V += Part;
      }
      return addExpr(ExprKind::String, N, std::move(V));
    }
    if (K == S.Integer || K == S.Float)
      return addExpr(ExprKind::Number, N, text(N));
    if (K == S.True)
      return addExpr(ExprKind::True, N);
    if (K == S.False)
      return addExpr(ExprKind::False, N);
    if (K == S.None)
      return addExpr(ExprKind::None, N);
    if (K == S.List || K == S.Tuple || K == S.Set || K == S.ExpressionList) {
      std::vector<ExprId> Elems;
      TSTreeCursor Cur = ts_tree_cursor_new(N);
      if (ts_tree_cursor_goto_first_child(&Cur))
        do {
          TSNode Ch = ts_tree_cursor_current_node(&Cur);
          if (ts_node_is_named(Ch) && !is(Ch, S.Comment))
            Elems.push_back(visitExpr(Ch, C));
        } while (ts_tree_cursor_goto_next_sibling(&Cur) && !TooDeep);
      ts_tree_cursor_delete(&Cur);
      ExprId Seq = addExpr(ExprKind::Sequence, N);
      M.Exprs[size_t(Seq)].Args = std::move(Elems);
      return Seq;
    }
    if (K == S.ListComprehension || K == S.SetComprehension ||
        K == S.GeneratorExpression)
      return visitComprehension(N, C);
    if (K == S.ParenthesizedExpression) {
      ExprId Inner = NoExpr;
      for (uint32_t I = 0, E = ts_node_named_child_count(N); I < E; ++I) {
        TSNode Ch = ts_node_named_child(N, I);
        if (!is(Ch, S.Comment))
          Inner = visitExpr(Ch, C);
      }
      return Inner;
    }
    if (K == S.Await)
      return visitExpr(ts_node_named_child(N, 0), C);
    if (K == S.Lambda)
      return visitLambda(N, C);
    if (K == S.Assignment)
      return visitAssignment(N, C);
    if (K == S.AugmentedAssignment) {
      visitExpr(field(N, S.FRight), C);
      TSNode Left = field(N, S.FLeft);
      if (is(Left, S.Attribute))
        noteAttributeAssign(C, Left);
      if (!is(Left, S.Identifier))
        visitExpr(Left, C);
      return NoExpr;
    }
    if (K == S.NamedExpression) {
      ExprId V = visitExpr(field(N, S.FValue), C);
      bindTarget(field(N, S.FName), C, BindingKind::Assign, V,
                 ts_node_end_byte(N));
      return V;
    }
    if (K == S.Comment)
      return NoExpr;
    visitGeneric(N, C);
    return NoExpr;
  }
};

/// First ERROR or MISSING node, for the syntax error message.
bool firstError(TSNode Root, uint32_t &Offset, bool &Missing) {
  TSTreeCursor Cur = ts_tree_cursor_new(Root);
  bool Found = false;
  while (true) {
    TSNode N = ts_tree_cursor_current_node(&Cur);
    if (ts_node_is_error(N) || ts_node_is_missing(N)) {
      Offset = ts_node_start_byte(N);
      Missing = ts_node_is_missing(N);
      Found = true;
      break;
    }
    // Descend only into subtrees that contain the error.
    bool Moved = false;
    if (ts_node_has_error(N) && ts_tree_cursor_goto_first_child(&Cur)) {
      Moved = true;
    } else {
      while (!ts_tree_cursor_goto_next_sibling(&Cur)) {
        if (!ts_tree_cursor_goto_parent(&Cur))
          goto done;
      }
      Moved = true;
    }
    if (!Moved)
      break;
  }
done:
  ts_tree_cursor_delete(&Cur);
  return Found;
}

} // namespace

/// Parses one comment's suppressions into \p Out (see Suppression).
void parseSuppression(std::string_view Comment, Suppression &Out, bool &Found) {
  auto SkipSpace = [&](size_t &P) {
    while (P < Comment.size() && (Comment[P] == ' ' || Comment[P] == '\t'))
      ++P;
  };
  auto ReadList = [&](size_t P, const char *Stop) {
    // Items: letters, digits, '-', '_'; separated by ',' or spaces.
    while (P < Comment.size() && !std::strchr(Stop, Comment[P])) {
      size_t B = P;
      while (P < Comment.size() && (std::isalnum(uint8_t(Comment[P])) ||
                                    Comment[P] == '-' || Comment[P] == '_'))
        ++P;
      if (P > B)
        Out.Codes.emplace_back(Comment.substr(B, P - B));
      if (P < Comment.size() &&
          (Comment[P] == ',' || Comment[P] == ' ' || Comment[P] == '\t'))
        ++P;
      else if (P == B)
        break;
    }
  };
  for (size_t At = Comment.find("mpguard:"); At != std::string_view::npos;
       At = Comment.find("mpguard:", At + 1)) {
    size_t P = At + 8;
    SkipSpace(P);
    if (Comment.compare(P, 6, "ignore") != 0)
      continue;
    P += 6;
    if (P < Comment.size() && Comment[P] == '[') {
      ReadList(P + 1, "]#");
    } else if (P < Comment.size() &&
               (std::isalnum(uint8_t(Comment[P])) || Comment[P] == '_')) {
      continue; // `ignored`, `ignore_me`: not ours
    } else {
      Out.All = true;
    }
    Found = true;
  }
  for (size_t At = Comment.find("noqa"); At != std::string_view::npos;
       At = Comment.find("noqa", At + 1)) {
    size_t P = At + 4;
    if (P < Comment.size() && Comment[P] == ':') {
      ++P;
      SkipSpace(P);
      size_t Before = Out.Codes.size();
      ReadList(P, "#");
      Found |= Out.Codes.size() > Before;
    }
  }
}

/// Every comment that suppresses something, in order. Comments are not
/// part of the statement walk (they may sit anywhere), so this is a second,
/// cheap pass, run only when the text mentions either marker.
void collectSuppressions(TSNode Root, const char *Src, TSSymbol CommentSym,
                         PythonModule &M) {
  std::string_view Text = M.File->text();
  if (!mayHoldSuppressions(Text))
    return;
  TSTreeCursor Cur = ts_tree_cursor_new(Root);
  for (;;) {
    TSNode N = ts_tree_cursor_current_node(&Cur);
    if (ts_node_symbol(N) == CommentSym) {
      uint32_t B = ts_node_start_byte(N), E = ts_node_end_byte(N);
      Suppression S;
      bool Found = false;
      parseSuppression(std::string_view(Src + B, E - B), S, Found);
      if (Found) {
        S.Line = ts_node_start_point(N).row + 1;
        S.Range = {B, E};
        M.Suppressions.push_back(std::move(S));
      }
    }
    if (ts_tree_cursor_goto_first_child(&Cur))
      continue;
    bool Moved = false;
    while (!Moved) {
      if (ts_tree_cursor_goto_next_sibling(&Cur)) {
        Moved = true;
      } else if (!ts_tree_cursor_goto_parent(&Cur)) {
        ts_tree_cursor_delete(&Cur);
        std::sort(M.Suppressions.begin(), M.Suppressions.end(),
                  [](const Suppression &A, const Suppression &B) {
                    return A.Range.Begin < B.Range.Begin;
                  });
        return;
      }
    }
  }
}

std::unique_ptr<PythonModule> buildPythonModule(SourceFileRef File,
                                                ParseFailure &Error) {
  auto M = std::make_unique<PythonModule>();
  M->File = File;
  std::string_view Text = File->text();
  TSTree *Tree;
  {
    ParserHandle Parser; // freed as soon as the tree exists
    Tree = ts_parser_parse_string(Parser.get(), nullptr, Text.data(),
                                  uint32_t(Text.size()));
  }
  if (!Tree) {
    Error = {ParseFailure::Syntax, "the parser gave up on this file", 0};
    return nullptr;
  }
  TreeHandle Owner(Tree);
  TSNode Root = ts_tree_root_node(Tree);
  if (ts_node_has_error(Root)) {
    uint32_t Offset = 0;
    bool Missing = false;
    firstError(Root, Offset, Missing);
    Error = {ParseFailure::Syntax,
             Missing ? "syntax error: incomplete statement"
                     : "syntax error: invalid syntax",
             Offset};
    return nullptr;
  }
  // Rough sizes for typical Python (about one named expression per 40
  // bytes): fewer reallocations on big files without holding ~6 bytes of
  // Expr capacity per source byte, as /16 did.
  M->Exprs.reserve(Text.size() / 64);
  M->Bindings.reserve(Text.size() / 128);
  M->Calls.reserve(Text.size() / 128);
  FactBuilder B(*M, Text.data());
  B.run(Root);
  collectSuppressions(Root, Text.data(), syms().Comment, *M);
  // The tree is not needed past the walk: free it before resolution so the
  // two never occupy memory together.
  ts_tree_delete(Owner.release());
  if (B.tooDeep()) {
    Error = {ParseFailure::TooDeep,
             "syntax tree nested deeper than " + std::to_string(MaxDepth) +
                 " levels; not analyzed (CPython itself rejects nesting "
                 "this deep)",
             B.tooDeepOffset()};
    return nullptr;
  }
  if (B.emptyBlock() &&
      (!B.badIndent() || B.emptyBlockOffset() <= B.badIndentOffset())) {
    Error = {ParseFailure::Syntax, "syntax error: expected an indented block",
             B.emptyBlockOffset()};
    return nullptr;
  }
  if (B.badIndent()) {
    Error = {ParseFailure::Syntax, B.badIndent(), B.badIndentOffset()};
    return nullptr;
  }
  resolveEvents(*M);
  return M;
}

bool mayRunTogether(const Site &A, const Site &B) {
  for (const BranchStep &X : A.Branches)
    for (const BranchStep &Y : B.Branches)
      if (X.If == Y.If && X.Arm != Y.Arm)
        return false;
  return true;
}

} // namespace python
} // namespace mpguard
