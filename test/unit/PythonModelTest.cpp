// The facts the frontend records, checked directly (the lit tests check the
// rules built on them).
#include "project/Project.h"
#include "python/PythonModule.h"

#include <gtest/gtest.h>

using namespace mpguard;
using namespace mpguard::python;

static std::unique_ptr<PythonModule> build(const std::string &Source) {
  auto File = std::make_shared<const SourceFile>("t.py", "/t.py", Source);
  ParseFailure Error;
  auto M = buildPythonModule(File, Error);
  EXPECT_TRUE(M) << Error.Message;
  return M;
}

TEST(PythonModel, GuardRegionsAndTopLevelStatements) {
  auto M = build("import multiprocessing as mp\n"
                 "def f():\n"
                 "    pass\n"
                 "x = 1\n"
                 "if __name__ == '__main__':\n"
                 "    mp.Pool()\n");
  ASSERT_EQ(M->Guards.size(), 1u);
  EXPECT_EQ(M->Guards[0].Kind, GuardKind::NameEqualsMain);
  ASSERT_EQ(M->TopLevel.size(), 4u);
  EXPECT_EQ(M->TopLevel[0].Kind, StmtKind::Import);
  EXPECT_EQ(M->TopLevel[1].Kind, StmtKind::FunctionDef);
  EXPECT_EQ(M->TopLevel[2].Kind, StmtKind::Assign);
  EXPECT_EQ(M->TopLevel[3].Kind, StmtKind::Guard);
  ASSERT_EQ(M->Events.size(), 1u);
  EXPECT_EQ(M->Events[0].Kind, EventKind::ProcessStart);
  EXPECT_TRUE(M->Events[0].Guarded);
}

TEST(PythonModel, FreeNamesAreTheGlobalsAFunctionReads) {
  auto M = build("import os\n"
                 "X = 1\n"
                 "def f(p):\n"
                 "    local: Hint = p + X\n"
                 "    try:\n"
                 "        pass\n"
                 "    except OSError as err:\n"
                 "        print(err)\n"
                 "    return len(local) + os.getpid() + X + Y\n"
                 "def g():\n"
                 "    global Z\n"
                 "    Z = 1\n"
                 "    return Z\n"
                 "def outer():\n"
                 "    c = 1\n"
                 "    def inner():\n"
                 "        return c + X\n"
                 "    return inner\n"
                 "class K:\n"
                 "    attr = 1\n"
                 "    def m(self):\n"
                 "        return attr\n");
  auto Names = [&](const char *Qual) {
    std::string Out;
    for (const Scope &S : M->Scopes)
      if (S.QualName == Qual)
        for (const NameUse &U : S.FreeNames)
          Out += (Out.empty() ? "" : " ") + U.Name;
    return Out;
  };
  // In order of first use; parameters and locals (an `except` alias
  // too) are not free, nor are local annotations, never evaluated.
  EXPECT_EQ(Names("f"), "X OSError print len os Y");
  // A `global` name is the module's, even where the function assigns it.
  EXPECT_EQ(Names("g"), "Z");
  // Closure variables are not globals; class bodies are not enclosing.
  EXPECT_EQ(Names("outer.<locals>.inner"), "X");
  EXPECT_EQ(Names("K.m"), "attr");
  // The first use's span.
  for (const Scope &S : M->Scopes) {
    if (S.QualName == "f") {
      EXPECT_EQ(M->text(S.FreeNames[0].First), "X");
    }
  }
}

TEST(PythonModel, ModuleAttributesReadAndAssigned) {
  auto M = build("import config\n"
                 "def f(config2):\n"
                 "    return config.SCALE + config.SCALE + config2.X\n"
                 "def g():\n"
                 "    config = object()\n"
                 "    return config.SCALE\n"
                 "config.SCALE = 2\n"
                 "if __name__ == '__main__':\n"
                 "    config.SCALE += 1\n"
                 "    a.b.c = 3\n");
  for (const Scope &S : M->Scopes) {
    if (S.QualName == "f") {
      // First use only; a parameter's attributes are not free.
      ASSERT_EQ(S.FreeAttributes.size(), 1u);
      EXPECT_EQ(S.FreeAttributes[0].Base, "config");
      EXPECT_EQ(S.FreeAttributes[0].Attr, "SCALE");
      EXPECT_EQ(M->text(S.FreeAttributes[0].First), "config.SCALE");
    }
    if (S.QualName == "g") {
      EXPECT_TRUE(S.FreeAttributes.empty());
    }
  }
  // `a.b.c` has no plain name as its base: not recorded.
  ASSERT_EQ(M->AttributeAssigns.size(), 2u);
  EXPECT_FALSE(M->AttributeAssigns[0].Guarded);
  EXPECT_TRUE(M->AttributeAssigns[1].Guarded);
  EXPECT_EQ(M->AttributeAssigns[1].Attr, "SCALE");
  EXPECT_EQ(M->text(M->AttributeAssigns[1].Range), "config.SCALE");
}

TEST(PythonModel, ImportsAreRecordedWithTheirModules) {
  auto M = build("import a.b.c\n"
                 "import multiprocessing.pool as mpp\n"
                 "from ..pkg import helpers as h\n");
  ASSERT_EQ(M->Bindings.size(), 3u);
  EXPECT_EQ(M->Bindings[0].Name, "a");
  EXPECT_EQ(M->Bindings[0].Module, "a");
  EXPECT_EQ(M->Bindings[1].Name, "mpp");
  EXPECT_EQ(M->Bindings[1].Module, "multiprocessing.pool");
  EXPECT_EQ(M->Bindings[2].Name, "h");
  EXPECT_EQ(M->Bindings[2].Module, "..pkg");
  EXPECT_EQ(M->Bindings[2].Member, "helpers");
}

TEST(PythonModel, UnresolvedImportsBecomeExternalCalls) {
  auto M = build("import multiprocessing\n"
                 "from helpers import run_all\n"
                 "run_all()\n");
  ASSERT_EQ(M->Events.size(), 1u);
  EXPECT_EQ(M->Events[0].Kind, EventKind::ExternalCall);
  EXPECT_EQ(M->Events[0].Target, "helpers.run_all");

  M = build("import multiprocessing\n"
            "from . import helpers\n"
            "from ..pkg.mod import go\n"
            "helpers.run_all()\n"
            "go()\n");
  ASSERT_EQ(M->Events.size(), 2u);
  EXPECT_EQ(M->Events[0].Target, ".helpers.run_all");
  EXPECT_EQ(M->Events[1].Target, "..pkg.mod.go");
}

TEST(PythonModel, GetContextForkIsAnEventWithoutEffects) {
  auto M = build("import multiprocessing as mp\n"
                 "import billiard\n"
                 "def f():\n"
                 "    return mp.get_context('fork')\n"
                 "f()\n"
                 "billiard.get_context(method='fork').Pool()\n"
                 "mp.get_context('spawn')\n"
                 "mp.get_context()\n");
  std::vector<const Event *> Forks;
  for (const Event &Ev : M->Events)
    if (Ev.Kind == EventKind::ForkContext)
      Forks.push_back(&Ev);
  ASSERT_EQ(Forks.size(), 2u);
  EXPECT_EQ(Forks[0]->What, "mp.get_context");
  EXPECT_EQ(Forks[0]->Target, "fork");
  EXPECT_NE(Forks[0]->Exec, ModuleScope);
  EXPECT_EQ(Forks[1]->What, "billiard.get_context");
  EXPECT_EQ(Forks[1]->Exec, ModuleScope);
  // A fork context is not a process start or a start method: no effect,
  // in its scope or through the call of f().
  auto S = project::summarize(*M);
  for (size_t E = 0; E < project::EffectCount; ++E) {
    EXPECT_FALSE(project::eventHasEffect(*M, *Forks[0], project::Effect(E)));
    EXPECT_FALSE(S.has(Forks[0]->Exec, project::Effect(E)));
  }
}

TEST(PythonModel, SummariesFollowCallsToAFixpoint) {
  auto M = build("import multiprocessing as mp\n"
                 "def a():\n"
                 "    b()\n"
                 "def b():\n"
                 "    a()\n"
                 "    mp.Pool()\n"
                 "def c():\n"
                 "    pass\n");
  auto S = project::summarize(*M);
  auto ScopeNamed = [&](const char *N) {
    for (size_t I = 0; I < M->Scopes.size(); ++I)
      if (M->Scopes[I].Name == N)
        return ScopeId(I);
    return NoScope;
  };
  EXPECT_TRUE(S.has(ScopeNamed("a"), project::Effect::StartsProcess));
  EXPECT_TRUE(S.has(ScopeNamed("b"), project::Effect::StartsProcess));
  EXPECT_FALSE(S.has(ScopeNamed("c"), project::Effect::StartsProcess));
  EXPECT_FALSE(S.has(ModuleScope, project::Effect::StartsProcess));
}

TEST(PythonModel, ParametersKeepTheirOrderAndKinds) {
  auto M = build("def f(a, /, b, c=1, *args, d, e: int = 2, **kw):\n"
                 "    pass\n"
                 "def g(x, *, y):\n"
                 "    pass\n"
                 "class C:\n"
                 "    @classmethod\n"
                 "    def make(cls, *xs: int):\n"
                 "        pass\n"
                 "h = lambda p, q=0: p\n");
  auto Named = [&](const char *N) -> const Scope & {
    for (const Scope &S : M->Scopes)
      if (S.Name == N)
        return S;
    ADD_FAILURE() << N;
    return M->Scopes[0];
  };
  const Scope &F = Named("f");
  EXPECT_EQ(F.Params, (std::vector<std::string>{"a", "b", "c", "d", "e"}));
  EXPECT_EQ(F.PositionalParams, 3u);
  EXPECT_EQ(F.PositionalOnlyParams, 1u);
  EXPECT_EQ(Named("g").PositionalParams, 1u);
  EXPECT_TRUE(Named("make").IsClassMethod);
  EXPECT_EQ(Named("make").Params, (std::vector<std::string>{"cls"}));
  EXPECT_EQ(Named("make").PositionalParams, 1u);
  EXPECT_EQ(Named("<lambda>").Params, (std::vector<std::string>{"p", "q"}));
}

TEST(PythonModel, PickledParametersFollowCallsThatPassThemOn) {
  auto M = build("import multiprocessing as mp\n"
                 "def run(fn, items):\n"
                 "    with mp.Pool() as pool:\n"
                 "        return pool.map(fn, items)\n"
                 "def relay(items, f):\n"
                 "    return run(f, items)\n"
                 "def rebinds(f):\n"
                 "    f = print\n"
                 "    return run(f, [])\n"
                 "def main():\n"
                 "    relay([1], f=lambda x: x)\n"
                 "    run(*[print], [])\n");
  auto ScopeNamed = [&](const char *N) {
    for (size_t I = 0; I < M->Scopes.size(); ++I)
      if (M->Scopes[I].Name == N)
        return ScopeId(I);
    return NoScope;
  };
  const Event *Pickled = nullptr;
  for (const Event &Ev : M->Events)
    if (Ev.Kind == EventKind::PickledParameter)
      Pickled = &Ev;
  ASSERT_TRUE(Pickled);
  EXPECT_EQ(Pickled->Param, 0);
  EXPECT_EQ(Pickled->ParamName, "fn");
  EXPECT_TRUE(Pickled->EveryMethod);
  EXPECT_EQ(Pickled->Exec, ScopeNamed("run"));
  auto S = project::summarize(*M);
  EXPECT_TRUE(S.pickles(ScopeNamed("run"), 0));
  EXPECT_FALSE(S.pickles(ScopeNamed("run"), 1));
  ASSERT_TRUE(S.pickles(ScopeNamed("relay"), 1));
  EXPECT_EQ(S.pickles(ScopeNamed("relay"), 1)->Next, 0u);
  EXPECT_FALSE(S.has(ScopeNamed("rebinds"), project::Effect::PicklesParameter));
  // main passes code, not a parameter of its own: it pickles nothing.
  EXPECT_FALSE(S.has(ScopeNamed("main"), project::Effect::PicklesParameter));
  auto Through = project::codePickledThroughCalls(S);
  ASSERT_EQ(Through.size(), 1u);
  EXPECT_EQ(Through[0].ParamName, "f");
  ASSERT_EQ(Through[0].Chain.size(), 3u);
  EXPECT_EQ(&Through[0].pickledAt(), Pickled);
}

TEST(PythonModel, SyntaxErrorsAndDeepNestingAreRefused) {
  auto File = std::make_shared<const SourceFile>("t.py", "/t.py", "def (:\n");
  ParseFailure Error;
  EXPECT_FALSE(buildPythonModule(File, Error));
  EXPECT_EQ(Error.K, ParseFailure::Syntax);

  std::string Deep =
      "x = " + std::string(5000, '(') + "1" + std::string(5000, ')') + "\n";
  File = std::make_shared<const SourceFile>("t.py", "/t.py", Deep);
  EXPECT_FALSE(buildPythonModule(File, Error));
  EXPECT_EQ(Error.K, ParseFailure::TooDeep);
}
