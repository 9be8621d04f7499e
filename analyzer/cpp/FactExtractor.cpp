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
#include "clang/AST/StmtOpenMP.h"
#include "clang/Analysis/CFG.h"
#include "clang/Basic/OpenMPKinds.h"
#include "clang/Basic/SourceManager.h"
#include "clang/Basic/TargetInfo.h"
#include "clang/Index/USRGeneration.h"
#include "clang/Lex/Lexer.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/Support/JSON.h"

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

/// Library thread pools whose constructor starts the worker threads, and
/// whose destructor or join() ends them.
bool isThreadPoolType(QualType T) {
  const CXXRecordDecl *RD = recordOf(T);
  if (!RD || !RD->getIdentifier())
    return false;
  static const char *const Pools[] = {"boost::asio::thread_pool",
                                      "boost::asio::static_thread_pool",
                                      "BS::thread_pool",
                                      "BS::light_thread_pool",
                                      "BS::priority_thread_pool",
                                      "folly::CPUThreadPoolExecutor",
                                      "folly::IOThreadPoolExecutor"};
  std::string Name = RD->getQualifiedNameAsString();
  for (const char *P : Pools)
    if (Name == P)
      return true;
  return false;
}

bool isMutexType(QualType T) {
  const CXXRecordDecl *RD = recordOf(T);
  if (!RD)
    return false;
  for (const char *M :
       {"mutex", "recursive_mutex", "timed_mutex", "recursive_timed_mutex",
        "shared_mutex", "shared_timed_mutex"})
    if (isStd(RD, M))
      return true;
  return false;
}

/// std::lock_guard, unique_lock, scoped_lock, shared_lock: they lock what
/// they are constructed with and unlock it when destroyed.
bool isLockGuardType(QualType T) {
  const CXXRecordDecl *RD = recordOf(T);
  return RD && (isStd(RD, "lock_guard") || isStd(RD, "unique_lock") ||
                isStd(RD, "scoped_lock") || isStd(RD, "shared_lock"));
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
    BO.AddInitializers = true; // member initializers start threads too
    BO.setAllAlwaysAdd();
    std::unique_ptr<CFG> G = CFG::buildCFG(FD, FD->getBody(), &Ctx, BO);
    if (!G)
      return;
    Parents = std::make_unique<ParentMap>(FD->getBody());
    LoopJoins.clear();
    Forks.clear();
    HasVfork = false;
    for (const CFGBlock *B : *G)
      for (const CFGElement &E : *B)
        if (std::optional<CFGStmt> S = E.getAs<CFGStmt>())
          if (const auto *C = dyn_cast<CallExpr>(S->getStmt()))
            HasVfork |= isCFunction(C->getDirectCallee(), "vfork");

    Function F;
    F.Name = FD->getQualifiedNameAsString();
    F.Usr = usrOf(FD->getCanonicalDecl());
    if (FD->getIdentifier() && FD->getName().starts_with("PyInit_") &&
        FD->isExternC())
      F.Role = FunctionRole::ModuleInit;
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
          destroyed(D->getVarDecl(), Out.Events);
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

  /// The dynamic initializer of a variable with static storage (a global,
  /// a namespace member, a static data member; not a function's static,
  /// which runs on first use): one block holding the initializer's events,
  /// kept when there are any.
  void staticInit(const VarDecl *V) {
    const Expr *Init = V->getInit();
    if (!Init || !V->hasGlobalStorage() || V->isStaticLocal() ||
        V->getDeclContext()->isDependentContext() || V->isInvalidDecl() ||
        Init->isValueDependent() || V->hasConstantInitialization())
      return;
    SourceLocation Loc = SM.getExpansionLoc(V->getLocation());
    if (Loc.isInvalid() || SM.isInSystemHeader(Loc))
      return;
    if (!Done.insert(V->getCanonicalDecl()).second)
      return;
    std::vector<const Stmt *> Order; // post-order: operands before operators
    postOrder(Init, Order);
    Parents = std::make_unique<ParentMap>(const_cast<Expr *>(Init));
    Forks.clear();
    HasVfork = false;
    Block B;
    for (const Stmt *S : Order)
      classify(S, B.Events);
    if (B.Events.empty())
      return;
    Function F;
    F.Name = V->getQualifiedNameAsString();
    F.Usr = "static-init:" + usrOf(V->getCanonicalDecl());
    F.Role = FunctionRole::StaticInit;
    F.Where = range(V->getLocation(), V->getLocation());
    B.Succs.push_back(1);
    F.Blocks.push_back(std::move(B));
    F.Blocks.emplace_back();
    F.Entry = 0;
    F.Exit = 1;
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
  bool HasVfork = false; // writes are recorded (MPG104)

  static void postOrder(const Stmt *S, std::vector<const Stmt *> &Out) {
    if (!S)
      return;
    if (!isa<LambdaExpr>(S)) // a lambda's body is a function of its own
      for (const Stmt *C : S->children())
        postOrder(C, Out);
    Out.push_back(S);
  }

  /// A variable leaving scope: a jthread or a thread pool joins, a lock
  /// guard unlocks.
  void destroyed(const VarDecl *V, std::vector<Event> &Out) {
    if (!V)
      return;
    const CXXRecordDecl *RD = recordOf(V->getType());
    if (!RD || V->getType()->isPointerType() || V->getType()->isReferenceType())
      return;
    if (isStd(RD, "jthread") || isThreadPoolType(V->getType())) {
      Out.push_back(event(EventKind::ThreadJoin, V->getLocation(),
                          V->getLocation(),
                          isStd(RD, "jthread") ? "std::jthread"
                                               : RD->getQualifiedNameAsString(),
                          V));
      return;
    }
    if (isLockGuardType(V->getType()) && V->getInit())
      if (const auto *CE = dyn_cast<CXXConstructExpr>(strip(V->getInit())))
        for (const ValueDecl *M : guardedMutexes(CE))
          Out.push_back(event(EventKind::Unlock, V->getLocation(),
                              V->getLocation(),
                              "~" + RD->getQualifiedNameAsString(), M));
  }

  /// The mutexes a lock guard's construction locks (none for
  /// std::defer_lock, std::adopt_lock, std::try_to_lock).
  std::vector<const ValueDecl *> guardedMutexes(const CXXConstructExpr *CE) {
    std::vector<const ValueDecl *> Out;
    for (const Expr *A : CE->arguments()) {
      const CXXRecordDecl *Tag = recordOf(A->getType());
      if (Tag && (isStd(Tag, "defer_lock_t") || isStd(Tag, "adopt_lock_t") ||
                  isStd(Tag, "try_to_lock_t")))
        return {};
      if (const ValueDecl *M = varOf(A))
        Out.push_back(M);
    }
    return Out;
  }

  /// The program function an argument names: `f`, `&f`, or a lambda
  /// converted to a function pointer.
  const FunctionDecl *functionRef(const Expr *E) {
    for (int Depth = 0; E && Depth < 8; ++Depth) {
      E = E->IgnoreParenImpCasts();
      if (const auto *U = dyn_cast<UnaryOperator>(E);
          U && U->getOpcode() == UO_AddrOf) {
        E = U->getSubExpr();
        continue;
      }
      if (const auto *D = dyn_cast<DeclRefExpr>(E))
        return dyn_cast<FunctionDecl>(D->getDecl());
      if (const auto *L = dyn_cast<LambdaExpr>(E))
        return L->getCallOperator();
      if (const auto *M = dyn_cast<CXXMemberCallExpr>(E)) {
        // The lambda's conversion to a function pointer.
        if (isa_and_nonnull<CXXConversionDecl>(M->getMethodDecl())) {
          E = M->getImplicitObjectArgument();
          continue;
        }
        return nullptr;
      }
      if (const auto *C = dyn_cast<CXXConstructExpr>(E);
          C && C->getNumArgs() == 1) {
        E = C->getArg(0);
        continue;
      }
      if (const auto *C = dyn_cast<MaterializeTemporaryExpr>(E)) {
        E = C->getSubExpr();
        continue;
      }
      return nullptr;
    }
    return nullptr;
  }

  /// A call through a pointer to a function: its type, which the
  /// address-taken functions of the run are matched against.
  void indirectCall(const CallExpr *Call, std::vector<Event> &Out) {
    const Expr *Callee = Call->getCallee();
    if (!Callee || isa<CXXMemberCallExpr>(Call) ||
        Callee->getType()->isDependentType())
      return;
    QualType T = Callee->getType();
    if (const auto *PT = T->getAs<PointerType>())
      T = PT->getPointeeType();
    if (!T->isFunctionType())
      return;
    CharSourceRange R = CharSourceRange::getTokenRange(
        SM.getExpansionRange(Callee->getSourceRange()).getAsRange());
    std::string Text =
        Lexer::getSourceText(R, SM, Ctx.getLangOpts()).trim().str();
    if (Text.empty() || Text.size() > 60 ||
        Text.find('\n') != std::string::npos)
      Text = "a function pointer";
    Event Ev =
        event(EventKind::Call, Call->getBeginLoc(), Call->getEndLoc(), Text);
    Ev.Signature = signature(T);
    Out.push_back(std::move(Ev));
  }

public:
  /// The canonical spelling of a function type: what an indirect call and
  /// the functions it may reach agree on.
  std::string signature(QualType T) {
    return T.getCanonicalType().getUnqualifiedType().getAsString();
  }

  /// A program function whose address is taken (not in a system header).
  void addressTaken(const FunctionDecl *FD) {
    if (!FD || FD->isImplicit() || FD->getType()->isDependentType() ||
        FD->isDependentContext())
      return;
    if (const auto *M = dyn_cast<CXXMethodDecl>(FD); M && !M->isStatic())
      return; // a pointer to member is called another way
    if (SM.isInSystemHeader(SM.getExpansionLoc(FD->getLocation())))
      return;
    std::string Usr = usrOf(FD->getCanonicalDecl());
    if (!Usr.empty() && Taken.insert(Usr).second)
      TU.AddressTaken.emplace_back(Usr, signature(FD->getType()));
  }

private:
  std::set<std::string> Taken;

  /// The USR a call names: the definition's when this TU has it, else the
  /// declaration's when it is the program's (another TU may define it);
  /// "" for the libraries' functions.
  std::string calleeUsr(const FunctionDecl *FD) {
    std::string Usr = definitionUsr(FD);
    if (!Usr.empty() || !FD || FD->isImplicit() ||
        SM.isInSystemHeader(SM.getExpansionLoc(FD->getLocation())))
      return Usr;
    return usrOf(FD->getCanonicalDecl());
  }

  /// The USR of a program function's definition (not in a system header).
  std::string definitionUsr(const FunctionDecl *FD) {
    const FunctionDecl *Def = nullptr;
    if (!FD || !FD->hasBody(Def) || !Def || Def->isImplicit() ||
        SM.isInSystemHeader(SM.getExpansionLoc(Def->getLocation())))
      return "";
    return usrOf(Def->getCanonicalDecl());
  }

  /// The string literal an argument is (through conversions to
  /// pybind11::str and the like).
  const StringLiteral *literalArg(const Expr *E) {
    for (int Depth = 0; E && Depth < 8; ++Depth) {
      E = E->IgnoreParenImpCasts();
      if (const auto *L = dyn_cast<StringLiteral>(E))
        return L;
      if (const auto *C = dyn_cast<CXXConstructExpr>(E);
          C && C->getNumArgs() >= 1) {
        E = C->getArg(0);
        continue;
      }
      if (const auto *C = dyn_cast<MaterializeTemporaryExpr>(E)) {
        E = C->getSubExpr();
        continue;
      }
      if (const auto *C = dyn_cast<CXXBindTemporaryExpr>(E)) {
        E = C->getSubExpr();
        continue;
      }
      if (const auto *C = dyn_cast<CXXFunctionalCastExpr>(E)) {
        E = C->getSubExpr();
        continue;
      }
      return nullptr;
    }
    return nullptr;
  }

  /// Python source handed to the interpreter as a literal: the text, with
  /// a piece at each literal token and each line start.
  void embeddedSource(const StringLiteral *L, Event &Ev) {
    if (!L || !(L->isOrdinary() || L->isUTF8()))
      return;
    std::string Text = L->getString().str();
    if (Text.empty() || !llvm::json::isUTF8(Text) ||
        Text.find('\0') != std::string::npos)
      return;
    const LangOptions &LO = Ctx.getLangOpts();
    const TargetInfo &TI = Ctx.getTargetInfo();
    std::vector<uint32_t> Starts{0};
    for (uint32_t I = 0; I + 1 < Text.size(); ++I)
      if (Text[I] == '\n')
        Starts.push_back(I + 1);
    // Token starts: the first byte of each token, found by bisection.
    unsigned Tokens = L->getNumConcatenated();
    if (Tokens > 1 && Tokens < 4096) {
      auto TokenOf = [&](uint32_t Byte) {
        unsigned Tok = 0, TokByte = 0;
        L->getLocationOfByte(Byte, SM, LO, TI, &Tok, &TokByte);
        return Tok;
      };
      uint32_t Lo = 0;
      for (unsigned T = 1; T < Tokens; ++T) {
        uint32_t A = Lo, B = uint32_t(Text.size());
        while (A < B) {
          uint32_t Mid = A + (B - A) / 2;
          if (TokenOf(Mid) < T)
            A = Mid + 1;
          else
            B = Mid;
        }
        if (A >= Text.size())
          break;
        Starts.push_back(A);
        Lo = A;
      }
    }
    std::sort(Starts.begin(), Starts.end());
    Starts.erase(std::unique(Starts.begin(), Starts.end()), Starts.end());
    for (uint32_t Off : Starts) {
      // Where the literal is written, also as a macro's argument.
      SourceLocation At = SM.getFileLoc(L->getLocationOfByte(Off, SM, LO, TI));
      if (At.isInvalid())
        return;
      TextPiece P;
      P.Offset = Off;
      P.Where.File = fileIndex(SM.getFileID(At));
      P.Where.Begin = P.Where.End = SM.getFileOffset(At);
      Ev.Pieces.push_back(P);
    }
    Ev.Text = std::move(Text);
  }

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
    if (const auto *D = dyn_cast<OMPExecutableDirective>(S)) {
      // The OpenMP runtime keeps the team's threads after the region: they
      // are never joined.
      if (isOpenMPParallelDirective(D->getDirectiveKind()))
        Out.push_back(event(EventKind::ThreadStart, D->getBeginLoc(),
                            D->getBeginLoc(), "#pragma omp parallel"));
      return;
    }
    if (HasVfork) {
      const Expr *Target = nullptr;
      if (const auto *B = dyn_cast<BinaryOperator>(S); B && B->isAssignmentOp())
        Target = B->getLHS();
      else if (const auto *U = dyn_cast<UnaryOperator>(S);
               U && U->isIncrementDecrementOp())
        Target = U->getSubExpr();
      if (Target) {
        const ValueDecl *V = varOf(Target);
        Event Ev = event(EventKind::Write, S->getBeginLoc(), S->getEndLoc(),
                         V && V->getIdentifier() ? V->getName().str() : "", V);
        Out.push_back(std::move(Ev));
        return;
      }
    }
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
      if (isThreadPoolType(CE->getType()) && !Ctor->isCopyOrMoveConstructor()) {
        Out.push_back(event(
            EventKind::ThreadStart, CE->getBeginLoc(), CE->getEndLoc(),
            Ctor->getParent()->getQualifiedNameAsString(), initializedVar(CE)));
        return;
      }
      if (isLockGuardType(CE->getType()) && !Ctor->isCopyOrMoveConstructor()) {
        for (const ValueDecl *M : guardedMutexes(CE))
          Out.push_back(event(EventKind::Lock, CE->getBeginLoc(),
                              CE->getEndLoc(), Ctor->getQualifiedNameAsString(),
                              M));
        return;
      }
      call(CE, Ctor, CE->getBeginLoc(), CE->getEndLoc(), Out);
      return;
    }
    const auto *Call = dyn_cast<CallExpr>(S);
    if (!Call)
      return;
    const FunctionDecl *FD = Call->getDirectCallee();
    if (!FD) {
      indirectCall(Call, Out);
      return;
    }
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
      if (Obj && isThreadPoolType(Obj->getType()) && Name == "join") {
        Out.push_back(event(EventKind::ThreadJoin, Call->getBeginLoc(),
                            Call->getEndLoc(), MD->getQualifiedNameAsString(),
                            varOf(Obj)));
        return;
      }
      if (Obj && isMutexType(Obj->getType()) &&
          (Name == "lock" || Name == "try_lock" || Name == "lock_shared" ||
           Name == "try_lock_shared" || Name == "unlock" ||
           Name == "unlock_shared")) {
        Out.push_back(event(Name.starts_with("unlock") ? EventKind::Unlock
                                                       : EventKind::Lock,
                            Call->getBeginLoc(), Call->getEndLoc(),
                            MD->getQualifiedNameAsString(), varOf(Obj)));
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
    for (const char *Lock :
         {"pthread_mutex_lock", "pthread_mutex_trylock",
          "pthread_mutex_timedlock", "pthread_rwlock_rdlock",
          "pthread_rwlock_wrlock", "pthread_rwlock_tryrdlock",
          "pthread_rwlock_trywrlock", "pthread_spin_lock"})
      if (isCFunction(FD, Lock) && Call->getNumArgs() >= 1) {
        Out.push_back(event(EventKind::Lock, Call->getBeginLoc(),
                            Call->getEndLoc(), Lock, varOf(Call->getArg(0))));
        return;
      }
    for (const char *Unlock :
         {"pthread_mutex_unlock", "pthread_mutex_init", "pthread_rwlock_unlock",
          "pthread_rwlock_init", "pthread_spin_unlock", "pthread_spin_init"})
      if (isCFunction(FD, Unlock) && Call->getNumArgs() >= 1) {
        Out.push_back(event(EventKind::Unlock, Call->getBeginLoc(),
                            Call->getEndLoc(), Unlock, varOf(Call->getArg(0))));
        return;
      }
    for (const char *Fork : {"fork", "vfork", "_Fork", "daemon"})
      if (isCFunction(FD, Fork)) {
        const ValueDecl *Pid =
            std::string(Fork) == "daemon" ? nullptr : initializedVar(Call);
        Out.push_back(event(EventKind::Fork, Call->getBeginLoc(),
                            Call->getEndLoc(), Fork, Pid));
        if (std::string(Fork) != "daemon")
          Forks.push_back({CurrentBlock, Out.size() - 1, Call, Pid});
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
    if (!FD || FD->isImplicit() || FD->isTrivial())
      return;
    if (const auto *Ctor = dyn_cast<CXXConstructorDecl>(FD);
        Ctor && Ctor->isTrivial())
      return;
    std::string Name = FD->getQualifiedNameAsString();
    Event Ev = event(EventKind::Call, B, End, Name);
    Ev.System = SM.isInSystemHeader(SM.getExpansionLoc(FD->getLocation()));
    Ev.Callee = calleeUsr(FD);
    llvm::ArrayRef<const Expr *> Args;
    if (const auto *C = dyn_cast<CallExpr>(E))
      Args = llvm::ArrayRef(C->getArgs(), C->getNumArgs());
    else if (const auto *C = dyn_cast<CXXConstructExpr>(E))
      Args = llvm::ArrayRef(C->getArgs(), C->getNumArgs());
    bool AnyRef = false;
    for (const Expr *A : Args) {
      std::string Usr = definitionUsr(functionRef(A));
      AnyRef |= !Usr.empty();
      Ev.Refs.push_back(std::move(Usr));
    }
    if (!AnyRef)
      Ev.Refs.clear();
    llvm::StringRef Short =
        FD->getIdentifier() ? FD->getName() : llvm::StringRef();
    bool RunsPython = (Short.starts_with("PyRun_Simple") ||
                       Short.starts_with("PyRun_String")) ||
                      ((Short == "exec" || Short == "eval") &&
                       llvm::StringRef(Name).starts_with("pybind11::"));
    if (RunsPython && !Args.empty())
      embeddedSource(literalArg(Args[0]), Ev);
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
  /// A function named other than as the callee of a call: its address is
  /// taken (`f` or `&f` passed, stored, put in a table).
  bool VisitCallExpr(CallExpr *C) {
    if (const auto *D = dyn_cast_or_null<DeclRefExpr>(
            C->getCallee() ? C->getCallee()->IgnoreParenImpCasts() : nullptr))
      Callees.insert(D);
    return true;
  }
  bool VisitDeclRefExpr(DeclRefExpr *D) {
    if (!Callees.count(D))
      X.addressTaken(dyn_cast<FunctionDecl>(D->getDecl()));
    return true;
  }
  bool VisitVarDecl(VarDecl *V) {
    if (V->hasGlobalStorage() && !V->isStaticLocal() && V->getInit())
      StaticInits.push_back(V);
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
  std::vector<const VarDecl *> StaticInits;

private:
  Extractor &X;
  llvm::DenseSet<const DeclRefExpr *> Callees;

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
  for (const VarDecl *VD : V.StaticInits)
    X.staticInit(VD);
}

} // namespace cpp
} // namespace mpguard
