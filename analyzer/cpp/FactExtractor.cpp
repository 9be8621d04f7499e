//===- FactExtractor.cpp - One AST pass per TU into CppFacts --------------===//
//
// For every function with a body: clang's CFG, each element classified
// once (thread start, join, fork, call of a function defined in the TU),
// blocks and edges kept. Which variable a thread lives in is found from
// the declarations (`std::thread t(f)`, `pthread_create(&tid, ...)`,
// `threads.emplace_back(f)`, `auto fut = std::async(...)`), so that a
// join of the same variable ends it. A loop that joins the elements of a
// container or array also joins them at the loop's head, so the path that
// skips the loop (zero iterations) does not keep them alive.
//
//===----------------------------------------------------------------------===//
#include "cpp/FactExtractor.h"

#include "clang/AST/ASTContext.h"
#include "clang/AST/ParentMap.h"
#include "clang/AST/RecursiveASTVisitor.h"
#include "clang/Analysis/CFG.h"
#include "clang/Basic/SourceManager.h"
#include "clang/Index/USRGeneration.h"
#include "clang/Lex/Lexer.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/SmallString.h"

#include <deque>
#include <map>
#include <set>

namespace mpguard {
namespace cpp {

using namespace clang;

namespace {

const Expr *strip(const Expr *E) {
  while (E) {
    const Expr *Next = E->IgnoreImplicit()->IgnoreParens();
    if (const auto *C = dyn_cast<CXXFunctionalCastExpr>(Next))
      Next = C->getSubExpr();
    else if (const auto *C = dyn_cast<CXXConstructExpr>(Next);
             C && C->getNumArgs() == 1 &&
             (C->getConstructor()->isCopyOrMoveConstructor()))
      Next = C->getArg(0);
    if (Next == E)
      return E;
    E = Next;
  }
  return E;
}

bool isStd(const NamedDecl *D, llvm::StringRef Name) {
  return D && D->getIdentifier() && D->getName() == Name &&
         D->isInStdNamespace();
}

const CXXRecordDecl *recordOf(QualType T) {
  T = T.getNonReferenceType();
  if (const auto *PT = T->getAs<PointerType>())
    T = PT->getPointeeType();
  return T->getAsCXXRecordDecl();
}

bool isThreadType(QualType T) {
  const CXXRecordDecl *RD = recordOf(T);
  return RD && (isStd(RD, "thread") || isStd(RD, "jthread"));
}

bool isFutureType(QualType T) {
  const CXXRecordDecl *RD = recordOf(T);
  return RD && (isStd(RD, "future") || isStd(RD, "shared_future"));
}

/// A container (vector, list, deque, array...) of std::thread.
bool isThreadContainer(QualType T) {
  const CXXRecordDecl *RD = recordOf(T);
  const auto *Spec = dyn_cast_or_null<ClassTemplateSpecializationDecl>(RD);
  if (!Spec || Spec->getTemplateArgs().size() == 0)
    return false;
  const TemplateArgument &A = Spec->getTemplateArgs()[0];
  return A.getKind() == TemplateArgument::Type && isThreadType(A.getAsType());
}

bool isCFunction(const FunctionDecl *FD, llvm::StringRef Name) {
  if (!FD || !FD->getIdentifier() || FD->getName() != Name)
    return false;
  const SourceManager &SM = FD->getASTContext().getSourceManager();
  return FD->isExternC() || SM.isInSystemHeader(FD->getLocation()) ||
         FD->getDeclContext()->isTranslationUnit();
}

std::string usrOf(const Decl *D) {
  llvm::SmallString<128> Buf;
  if (!D || index::generateUSRForDecl(D, Buf))
    return "";
  return std::string(Buf.str());
}

/// The variable an expression names: `t`, `tid` in `&tid`, `tids` in
/// `tids[i]` or `&tids[i]`, the field in `w->tid`.
const ValueDecl *varOf(const Expr *E) {
  E = strip(E);
  if (const auto *U = dyn_cast<UnaryOperator>(E))
    if (U->getOpcode() == UO_AddrOf || U->getOpcode() == UO_Deref)
      return varOf(U->getSubExpr());
  if (const auto *A = dyn_cast<ArraySubscriptExpr>(E))
    return varOf(A->getBase());
  if (const auto *Op = dyn_cast<CXXOperatorCallExpr>(E))
    if (Op->getOperator() == OO_Subscript && Op->getNumArgs() >= 1)
      return varOf(Op->getArg(0));
  if (const auto *D = dyn_cast<DeclRefExpr>(E))
    return D->getDecl();
  if (const auto *M = dyn_cast<MemberExpr>(E))
    return M->getMemberDecl();
  return nullptr;
}

class Extractor {
public:
  Extractor(ASTContext &Ctx, TranslationUnit &TU)
      : Ctx(Ctx), SM(Ctx.getSourceManager()), TU(TU) {}

  void function(const FunctionDecl *FD) {
    if (!FD->doesThisDeclarationHaveABody() || FD->isDependentContext() ||
        FD->isInvalidDecl())
      return;
    SourceLocation Loc = SM.getExpansionLoc(FD->getLocation());
    if (Loc.isInvalid() || SM.isInSystemHeader(Loc))
      return;
    if (!Done.insert(FD->getCanonicalDecl()).second)
      return;
    CFG::BuildOptions BO;
    BO.AddImplicitDtors = true;
    BO.setAllAlwaysAdd();
    std::unique_ptr<CFG> G = CFG::buildCFG(FD, FD->getBody(), &Ctx, BO);
    if (!G)
      return;
    Parents = std::make_unique<ParentMap>(FD->getBody());
    LoopJoins.clear();
    Forks.clear();

    Function F;
    F.Name = FD->getQualifiedNameAsString();
    F.Usr = usrOf(FD->getCanonicalDecl());
    F.Where = range(FD->getLocation(), FD->getLocation());
    F.Entry = G->getEntry().getBlockID();
    F.Exit = G->getExit().getBlockID();
    F.Blocks.resize(G->getNumBlockIDs());
    std::map<const Stmt *, unsigned> HeadOf; // loop statement -> its block
    for (const CFGBlock *B : *G) {
      Block &Out = F.Blocks[B->getBlockID()];
      CurrentBlock = B->getBlockID();
      for (const CFGElement &E : *B) {
        if (std::optional<CFGStmt> S = E.getAs<CFGStmt>())
          classify(S->getStmt(), Out.Events);
        else if (std::optional<CFGAutomaticObjDtor> D =
                     E.getAs<CFGAutomaticObjDtor>())
          if (const VarDecl *V = D->getVarDecl();
              V && recordOf(V->getType()) &&
              isStd(recordOf(V->getType()), "jthread"))
            Out.Events.push_back(event(EventKind::ThreadJoin, V->getLocation(),
                                       V->getLocation(), "std::jthread", V));
      }
      if (const Stmt *T = B->getTerminatorStmt())
        if (isa<ForStmt, WhileStmt, DoStmt, CXXForRangeStmt>(T))
          HeadOf.emplace(T, B->getBlockID());
      for (const CFGBlock::AdjacentBlock &S : B->succs())
        if (const CFGBlock *SB = S.getReachableBlock())
          Out.Succs.push_back(SB->getBlockID());
    }
    for (const PendingFork &PF : Forks)
      F.Blocks[PF.Block].Events[PF.Index].Child = childEntry(*G, PF);
    for (auto &[Loop, Joins] : LoopJoins) {
      auto It = HeadOf.find(Loop);
      if (It == HeadOf.end())
        continue;
      for (Event &J : Joins)
        F.Blocks[It->second].Events.push_back(std::move(J));
    }
    TU.Functions.push_back(std::move(F));
  }

private:
  ASTContext &Ctx;
  SourceManager &SM;
  TranslationUnit &TU;
  llvm::DenseSet<const Decl *> Done;
  std::map<std::string, uint32_t> FileIndex;
  std::unique_ptr<ParentMap> Parents;
  std::map<const Stmt *, std::vector<Event>> LoopJoins;
  struct PendingFork {
    unsigned Block;
    size_t Index; // in the block's events
    const CallExpr *Call;
    const ValueDecl *Pid; // the variable the result is stored in
  };
  std::vector<PendingFork> Forks;
  unsigned CurrentBlock = 0;

  uint32_t fileIndex(FileID FID) {
    OptionalFileEntryRef FE = SM.getFileEntryRefForID(FID);
    std::string Name =
        FE ? std::string(FE->getName()) : std::string("<unknown>");
    llvm::SmallString<256> Abs(Name);
    if (FE)
      SM.getFileManager().makeAbsolutePath(Abs);
    auto [It, New] =
        FileIndex.emplace(std::string(Abs.str()), uint32_t(TU.Files.size()));
    if (New)
      TU.Files.push_back(It->first);
    return It->second;
  }

  Range range(SourceLocation B, SourceLocation E) {
    B = SM.getExpansionLoc(B);
    E = SM.getExpansionLoc(E);
    Range R;
    R.File = fileIndex(SM.getFileID(B));
    R.Begin = SM.getFileOffset(B);
    R.End = SM.getFileID(E) == SM.getFileID(B)
                ? SM.getFileOffset(E) +
                      Lexer::MeasureTokenLength(E, SM, Ctx.getLangOpts())
                : R.Begin;
    if (R.End < R.Begin)
      R.End = R.Begin;
    return R;
  }

  Event event(EventKind K, SourceLocation B, SourceLocation E, std::string Api,
              const ValueDecl *Var = nullptr) {
    Event Ev;
    Ev.Kind = K;
    Ev.Where = range(B, E);
    Ev.Api = std::move(Api);
    if (Var)
      Ev.Var = usrOf(Var);
    return Ev;
  }

  /// The variable a thread-making expression initializes: `std::thread t(f)`
  /// `auto fut = std::async(...)`, or the container it is pushed into.
  const ValueDecl *initializedVar(const Stmt *S) {
    const Stmt *Child = S;
    for (const Stmt *P = Parents->getParent(S); P;
         Child = P, P = Parents->getParent(P)) {
      if (const auto *DS = dyn_cast<DeclStmt>(P)) {
        for (const Decl *D : DS->decls())
          if (const auto *V = dyn_cast<VarDecl>(D))
            if (V->getInit() && strip(V->getInit()) == strip(cast<Expr>(S)))
              return V;
        return nullptr;
      }
      if (const auto *M = dyn_cast<CXXMemberCallExpr>(P)) {
        // threads.push_back(std::thread(f))
        if (const CXXMethodDecl *MD = M->getMethodDecl();
            MD && MD->getIdentifier() &&
            (MD->getName() == "push_back" || MD->getName() == "emplace_back"))
          return varOf(M->getImplicitObjectArgument());
        return nullptr;
      }
      if (const auto *B = dyn_cast<BinaryOperator>(P)) {
        // t = std::thread(f)
        if (B->getOpcode() == BO_Assign && B->getRHS() == Child)
          return varOf(B->getLHS());
        return nullptr;
      }
      if (const auto *Op = dyn_cast<CXXOperatorCallExpr>(P)) {
        if (Op->getOperator() == OO_Equal && Op->getNumArgs() == 2 &&
            strip(Op->getArg(1)) == strip(cast<Expr>(S)))
          return varOf(Op->getArg(0));
        return nullptr;
      }
      if (!isa<Expr>(P))
        return nullptr;
    }
    return nullptr;
  }

  /// A join of the elements of a container or array inside a loop: also at
  /// the loop's head.
  void noteLoopJoin(const Stmt *S, const Event &J, const ValueDecl *Elements) {
    if (!Elements)
      return;
    for (const Stmt *P = Parents->getParent(S); P; P = Parents->getParent(P))
      if (isa<ForStmt, WhileStmt, DoStmt, CXXForRangeStmt>(P)) {
        Event Hoisted = J;
        Hoisted.Var = usrOf(Elements);
        LoopJoins[P].push_back(std::move(Hoisted));
        return;
      }
  }

  /// `t` in `for (auto &t : threads)` stands for the container.
  const ValueDecl *containerOfLoopVar(const ValueDecl *V) {
    const auto *VD = dyn_cast_or_null<VarDecl>(V);
    auto It = VD ? LoopVarOwner.find(VD) : LoopVarOwner.end();
    if (It == LoopVarOwner.end())
      return nullptr;
    return varOf(It->second->getRangeInit());
  }

public:
  /// Range-for loop variables of the TU, from the traversal.
  llvm::DenseMap<const VarDecl *, const CXXForRangeStmt *> LoopVarOwner;

private:
  void classify(const Stmt *S, std::vector<Event> &Out) {
    if (const auto *N = dyn_cast<CXXNewExpr>(S)) {
      Event Ev =
          event(EventKind::Call, N->getBeginLoc(), N->getEndLoc(), "new");
      Ev.System = true;
      Out.push_back(std::move(Ev));
      return;
    }
    if (const auto *T = dyn_cast<CXXThrowExpr>(S)) {
      Event Ev =
          event(EventKind::Call, T->getBeginLoc(), T->getEndLoc(), "throw");
      Ev.System = true;
      Out.push_back(std::move(Ev));
      return;
    }
    if (const auto *CE = dyn_cast<CXXConstructExpr>(S)) {
      const CXXConstructorDecl *Ctor = CE->getConstructor();
      if (isThreadType(CE->getType())) {
        if (CE->getNumArgs() >= 1 && !Ctor->isCopyOrMoveConstructor() &&
            !Ctor->isDefaultConstructor())
          Out.push_back(event(EventKind::ThreadStart, CE->getBeginLoc(),
                              CE->getEndLoc(),
                              "std::" + Ctor->getParent()->getNameAsString(),
                              initializedVar(CE)));
        return;
      }
      call(CE, Ctor, CE->getBeginLoc(), CE->getEndLoc(), Out);
      return;
    }
    const auto *Call = dyn_cast<CallExpr>(S);
    if (!Call)
      return;
    const FunctionDecl *FD = Call->getDirectCallee();
    if (!FD)
      return;
    if (const auto *M = dyn_cast<CXXMemberCallExpr>(Call)) {
      const Expr *Obj = M->getImplicitObjectArgument();
      const CXXMethodDecl *MD = M->getMethodDecl();
      llvm::StringRef Name =
          MD && MD->getIdentifier() ? MD->getName() : llvm::StringRef();
      if (Obj && isThreadType(Obj->getType()) && Name == "join") {
        const ValueDecl *V = varOf(Obj);
        const ValueDecl *Container = containerOfLoopVar(V);
        const Expr *Base = strip(Obj);
        if (!Container)
          if (const auto *Op = dyn_cast<CXXOperatorCallExpr>(Base);
              Op && Op->getOperator() == OO_Subscript)
            Container = V;
        Event J =
            event(EventKind::ThreadJoin, Call->getBeginLoc(), Call->getEndLoc(),
                  "std::thread::join", Container ? Container : V);
        noteLoopJoin(Call, J, Container);
        Out.push_back(std::move(J));
        return;
      }
      if (Obj && isFutureType(Obj->getType()) &&
          (Name == "get" || Name == "wait")) {
        Out.push_back(event(EventKind::ThreadJoin, Call->getBeginLoc(),
                            Call->getEndLoc(), "std::future::" + Name.str(),
                            varOf(Obj)));
        return;
      }
      if (Obj && isThreadContainer(Obj->getType()) && Name == "emplace_back" &&
          M->getNumArgs() >= 1 && !isThreadType(M->getArg(0)->getType())) {
        Out.push_back(event(EventKind::ThreadStart, Call->getBeginLoc(),
                            Call->getEndLoc(), "std::thread", varOf(Obj)));
        return;
      }
    }
    if (isCFunction(FD, "pthread_create") && Call->getNumArgs() >= 1) {
      Out.push_back(event(EventKind::ThreadStart, Call->getBeginLoc(),
                          Call->getEndLoc(), "pthread_create",
                          varOf(Call->getArg(0))));
      return;
    }
    if (isCFunction(FD, "pthread_join") && Call->getNumArgs() >= 1) {
      const ValueDecl *V = varOf(Call->getArg(0));
      Event J = event(EventKind::ThreadJoin, Call->getBeginLoc(),
                      Call->getEndLoc(), "pthread_join", V);
      const Expr *A = strip(Call->getArg(0));
      if (isa<ArraySubscriptExpr>(A) || isa<CXXOperatorCallExpr>(A))
        noteLoopJoin(Call, J, V);
      Out.push_back(std::move(J));
      return;
    }
    for (const char *Fork : {"fork", "vfork", "_Fork", "daemon"})
      if (isCFunction(FD, Fork)) {
        Out.push_back(event(EventKind::Fork, Call->getBeginLoc(),
                            Call->getEndLoc(), Fork));
        if (std::string(Fork) != "daemon")
          Forks.push_back(
              {CurrentBlock, Out.size() - 1, Call, initializedVar(Call)});
        return;
      }
    if (isStd(FD, "async") && Call->getNumArgs() >= 2) {
      const auto *Policy = dyn_cast<DeclRefExpr>(strip(Call->getArg(0)));
      const auto *EC =
          Policy ? dyn_cast<EnumConstantDecl>(Policy->getDecl()) : nullptr;
      if (EC && EC->getName() == "async") {
        // A discarded future joins at once (its destructor waits).
        if (const ValueDecl *V = initializedVar(Call))
          Out.push_back(event(EventKind::ThreadStart, Call->getBeginLoc(),
                              Call->getEndLoc(), "std::async", V));
      }
      return;
    }
    call(Call, FD, Call->getBeginLoc(), Call->getEndLoc(), Out);
  }

  /// `pid`, `fork()` itself, or `(pid = fork())`.
  bool isPid(const Expr *E, const PendingFork &F) {
    E = E->IgnoreParenImpCasts();
    if (E == F.Call)
      return true;
    if (const auto *B = dyn_cast<BinaryOperator>(E))
      if (B->getOpcode() == BO_Assign)
        return isPid(B->getRHS(), F) || isPid(B->getLHS(), F);
    if (const auto *D = dyn_cast<DeclRefExpr>(E))
      return F.Pid && D->getDecl() == F.Pid;
    return false;
  }

  static bool isZero(const Expr *E, const ASTContext &Ctx) {
    Expr::EvalResult R;
    return !E->isValueDependent() && E->EvaluateAsInt(R, Ctx) &&
           R.Val.getInt() == 0;
  }

  enum class Test { None, ChildIfTrue, ChildIfFalse };

  /// What a branch condition says about the fork's result.
  Test test(const Expr *Cond, const PendingFork &F) {
    if (!Cond)
      return Test::None;
    Cond = Cond->IgnoreParenImpCasts();
    if (const auto *U = dyn_cast<UnaryOperator>(Cond))
      if (U->getOpcode() == UO_LNot && isPid(U->getSubExpr(), F))
        return Test::ChildIfTrue;
    if (isPid(Cond, F))
      return Test::ChildIfFalse;
    const auto *B = dyn_cast<BinaryOperator>(Cond);
    if (!B)
      return Test::None;
    const Expr *L = B->getLHS(), *R = B->getRHS();
    bool PidLeft = isPid(L, F) && isZero(R, Ctx);
    bool PidRight = isPid(R, F) && isZero(L, Ctx);
    if (!PidLeft && !PidRight)
      return Test::None;
    switch (B->getOpcode()) {
    case BO_EQ:
      return Test::ChildIfTrue;
    case BO_NE:
      return Test::ChildIfFalse;
    case BO_GT: // pid > 0: the parent; 0 > pid: the error
      return PidLeft ? Test::ChildIfFalse : Test::None;
    case BO_LT: // 0 < pid: the parent
      return PidRight ? Test::ChildIfFalse : Test::None;
    default:
      return Test::None;
    }
  }

  /// The first block after the fork that tests its result for zero decides
  /// where the child's path starts: the branch taken for 0, or `case 0:`.
  int32_t childEntry(const CFG &G, const PendingFork &F) {
    std::vector<const CFGBlock *> Blocks(G.getNumBlockIDs(), nullptr);
    for (const CFGBlock *B : G)
      Blocks[B->getBlockID()] = B;
    std::deque<unsigned> Work{F.Block};
    std::set<unsigned> Seen{F.Block};
    for (int Steps = 0; !Work.empty() && Steps < 64; ++Steps) {
      const CFGBlock *B = Blocks[Work.front()];
      Work.pop_front();
      if (!B)
        continue;
      auto Succ = [&](unsigned I) -> int32_t {
        if (I >= B->succ_size())
          return -1;
        const CFGBlock::AdjacentBlock &A = *(B->succ_begin() + I);
        const CFGBlock *S = A.getReachableBlock();
        if (!S)
          S = A.getPossiblyUnreachableBlock();
        return S ? int32_t(S->getBlockID()) : -1;
      };
      const Stmt *T = B->getTerminatorStmt();
      if (const auto *Sw = dyn_cast_or_null<SwitchStmt>(T)) {
        if (isPid(Sw->getCond(), F))
          for (const CFGBlock::AdjacentBlock &A : B->succs())
            if (const CFGBlock *S = A.getReachableBlock())
              if (const auto *C = dyn_cast_or_null<CaseStmt>(S->getLabel()))
                if (isZero(C->getLHS(), Ctx))
                  return int32_t(S->getBlockID());
      } else if (T && (isa<IfStmt>(T) || isa<ConditionalOperator>(T) ||
                       isa<WhileStmt>(T))) {
        switch (test(dyn_cast_or_null<Expr>(B->getTerminatorCondition()), F)) {
        case Test::ChildIfTrue:
          return Succ(0);
        case Test::ChildIfFalse:
          return Succ(1);
        case Test::None:
          break;
        }
      }
      for (const CFGBlock::AdjacentBlock &A : B->succs())
        if (const CFGBlock *S = A.getReachableBlock())
          if (Seen.insert(S->getBlockID()).second)
            Work.push_back(S->getBlockID());
    }
    return -1;
  }

  /// Any other call. Callee: the function's USR when its definition is
  /// outside system headers (rules follow it through its summary).
  void call(const Expr *E, const FunctionDecl *FD, SourceLocation B,
            SourceLocation End, std::vector<Event> &Out) {
    (void)E;
    if (!FD || FD->isImplicit() || FD->isTrivial())
      return;
    if (const auto *Ctor = dyn_cast<CXXConstructorDecl>(FD);
        Ctor && Ctor->isTrivial())
      return;
    Event Ev = event(EventKind::Call, B, End, FD->getQualifiedNameAsString());
    Ev.System = SM.isInSystemHeader(SM.getExpansionLoc(FD->getLocation()));
    const FunctionDecl *Def = nullptr;
    if (FD->hasBody(Def) && Def && !Def->isImplicit() &&
        !SM.isInSystemHeader(SM.getExpansionLoc(Def->getLocation())))
      Ev.Callee = usrOf(Def->getCanonicalDecl());
    Out.push_back(std::move(Ev));
  }
};

class Visitor : public RecursiveASTVisitor<Visitor> {
public:
  explicit Visitor(Extractor &X) : X(X) {}
  bool shouldVisitTemplateInstantiations() const { return true; }
  bool shouldVisitLambdaBody() const { return true; }

  bool VisitCXXForRangeStmt(CXXForRangeStmt *S) {
    X.LoopVarOwner[S->getLoopVariable()] = S;
    return true;
  }
  bool TraverseFunctionDecl(FunctionDecl *FD) { return traverse(FD); }
  bool TraverseCXXMethodDecl(CXXMethodDecl *FD) { return traverse(FD); }
  bool TraverseCXXConstructorDecl(CXXConstructorDecl *FD) {
    return traverse(FD);
  }
  bool TraverseCXXDestructorDecl(CXXDestructorDecl *FD) { return traverse(FD); }
  bool TraverseCXXConversionDecl(CXXConversionDecl *FD) { return traverse(FD); }
  bool TraverseLambdaExpr(LambdaExpr *L) {
    RecursiveASTVisitor::TraverseLambdaExpr(L);
    Pending.push_back(L->getCallOperator());
    return true;
  }

  /// Functions are extracted after the traversal of their body filled
  /// LoopVarOwner.
  std::vector<const FunctionDecl *> Pending;

private:
  Extractor &X;

  template <typename D> bool traverse(D *FD) {
    bool R;
    if constexpr (std::is_same_v<D, FunctionDecl>)
      R = RecursiveASTVisitor::TraverseFunctionDecl(FD);
    else if constexpr (std::is_same_v<D, CXXMethodDecl>)
      R = RecursiveASTVisitor::TraverseCXXMethodDecl(FD);
    else if constexpr (std::is_same_v<D, CXXConstructorDecl>)
      R = RecursiveASTVisitor::TraverseCXXConstructorDecl(FD);
    else if constexpr (std::is_same_v<D, CXXDestructorDecl>)
      R = RecursiveASTVisitor::TraverseCXXDestructorDecl(FD);
    else
      R = RecursiveASTVisitor::TraverseCXXConversionDecl(FD);
    Pending.push_back(FD);
    return R;
  }
};

} // namespace

void extractFacts(ASTContext &Ctx, TranslationUnit &TU) {
  Extractor X(Ctx, TU);
  Visitor V(X);
  V.TraverseDecl(Ctx.getTranslationUnitDecl());
  for (const FunctionDecl *FD : V.Pending)
    X.function(FD);
}

} // namespace cpp
} // namespace mpguard
