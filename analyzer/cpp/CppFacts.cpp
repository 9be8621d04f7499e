//===- CppFacts.cpp - C/C++ facts to JSON and back ------------------------===//
#include "cpp/CppFacts.h"

#include "llvm/Support/JSON.h"

namespace mpguard {
namespace cpp {

using llvm::json::Array;
using llvm::json::Object;
using llvm::json::Value;

const char *eventKindName(EventKind K) {
  switch (K) {
  case EventKind::ThreadStart:
    return "thread";
  case EventKind::ThreadJoin:
    return "join";
  case EventKind::Fork:
    return "fork";
  case EventKind::Call:
    return "call";
  }
  return "?";
}

static Value rangeJson(const Range &R) { return Array{R.File, R.Begin, R.End}; }

Value toJson(const TranslationUnit &TU) {
  Array Functions;
  for (const Function &F : TU.Functions) {
    Array Blocks;
    for (const Block &B : F.Blocks) {
      Array Events;
      for (const Event &E : B.Events) {
        Object O{{"k", eventKindName(E.Kind)},
                 {"at", rangeJson(E.Where)},
                 {"api", E.Api}};
        if (!E.Var.empty())
          O["var"] = E.Var;
        if (!E.Callee.empty())
          O["callee"] = E.Callee;
        if (E.System)
          O["sys"] = true;
        if (E.Child >= 0)
          O["child"] = E.Child;
        Events.push_back(std::move(O));
      }
      Array Succs;
      for (uint32_t S : B.Succs)
        Succs.push_back(S);
      Blocks.push_back(
          Object{{"events", std::move(Events)}, {"succs", std::move(Succs)}});
    }
    Functions.push_back(Object{{"name", F.Name},
                               {"usr", F.Usr},
                               {"at", rangeJson(F.Where)},
                               {"entry", F.Entry},
                               {"exit", F.Exit},
                               {"blocks", std::move(Blocks)}});
  }
  Array Errors;
  for (const Diagnostic &D : TU.Errors)
    Errors.push_back(Object{{"file", D.File},
                            {"line", D.Line},
                            {"column", D.Column},
                            {"message", D.Message}});
  Array Files;
  for (const std::string &F : TU.Files)
    Files.push_back(F);
  return Object{{"format", FactsFormat},
                {"tu", TU.MainFile},
                {"compiled", TU.Compiled},
                {"listed", TU.Listed},
                {"files", std::move(Files)},
                {"errors", std::move(Errors)},
                {"functions", std::move(Functions)}};
}

namespace {

struct Reader {
  std::string &Error;
  size_t FileCount = 0;

  bool fail(const std::string &Why) {
    Error = Why;
    return false;
  }

  bool u32(const Value *V, uint32_t &Out) {
    std::optional<int64_t> I = V ? V->getAsInteger() : std::nullopt;
    if (!I || *I < 0 || *I > int64_t(UINT32_MAX))
      return false;
    Out = uint32_t(*I);
    return true;
  }

  bool range(const Value *V, Range &R) {
    const Array *A = V ? V->getAsArray() : nullptr;
    if (!A || A->size() != 3 || !u32(&(*A)[0], R.File) ||
        !u32(&(*A)[1], R.Begin) || !u32(&(*A)[2], R.End) ||
        R.File >= FileCount || R.Begin > R.End)
      return fail("a bad range");
    return true;
  }

  bool str(const Object &O, const char *Key, std::string &Out,
           bool Required = true) {
    std::optional<llvm::StringRef> S = O.getString(Key);
    if (!S)
      return !Required || fail(std::string("no \"") + Key + "\"");
    Out = S->str();
    return true;
  }

  bool event(const Value &V, Event &E) {
    const Object *O = V.getAsObject();
    if (!O)
      return fail("an event is not an object");
    std::string K;
    if (!str(*O, "k", K))
      return false;
    if (K == "thread")
      E.Kind = EventKind::ThreadStart;
    else if (K == "join")
      E.Kind = EventKind::ThreadJoin;
    else if (K == "fork")
      E.Kind = EventKind::Fork;
    else if (K == "call")
      E.Kind = EventKind::Call;
    else
      return fail("an unknown event kind '" + K + "'");
    E.System = O->getBoolean("sys").value_or(false);
    if (const Value *C = O->get("child")) {
      uint32_t Child;
      if (!u32(C, Child) || Child > uint32_t(INT32_MAX))
        return fail("a bad child block");
      E.Child = int32_t(Child);
    }
    return range(O->get("at"), E.Where) && str(*O, "api", E.Api) &&
           str(*O, "var", E.Var, false) && str(*O, "callee", E.Callee, false);
  }

  bool function(const Value &V, Function &F) {
    const Object *O = V.getAsObject();
    if (!O || !str(*O, "name", F.Name) || !str(*O, "usr", F.Usr) ||
        !range(O->get("at"), F.Where) || !u32(O->get("entry"), F.Entry) ||
        !u32(O->get("exit"), F.Exit))
      return Error.empty() ? fail("a bad function") : false;
    const Array *Blocks = O->getArray("blocks");
    if (!Blocks || F.Entry >= Blocks->size() || F.Exit >= Blocks->size())
      return fail("a function without its blocks");
    for (const Value &BV : *Blocks) {
      const Object *BO = BV.getAsObject();
      const Array *Events = BO ? BO->getArray("events") : nullptr;
      const Array *Succs = BO ? BO->getArray("succs") : nullptr;
      if (!Events || !Succs)
        return fail("a bad block");
      Block B;
      for (const Value &EV : *Events) {
        Event E;
        if (!event(EV, E))
          return false;
        B.Events.push_back(std::move(E));
      }
      for (const Value &SV : *Succs) {
        uint32_t S;
        if (!u32(&SV, S) || S >= Blocks->size())
          return fail("a successor out of range");
        B.Succs.push_back(S);
      }
      for (const Event &E : B.Events)
        if (E.Child >= int32_t(Blocks->size()))
          return fail("a child block out of range");
      F.Blocks.push_back(std::move(B));
    }
    return true;
  }
};

} // namespace

bool fromJson(const Value &V, TranslationUnit &TU, std::string &Error) {
  Reader R{Error};
  const Object *O = V.getAsObject();
  if (!O)
    return R.fail("not an object");
  if (O->getInteger("format") != FactsFormat)
    return R.fail("facts of another format");
  if (!R.str(*O, "tu", TU.MainFile))
    return false;
  TU.Compiled = O->getBoolean("compiled").value_or(false);
  TU.Listed = O->getBoolean("listed").value_or(true);
  const Array *Files = O->getArray("files");
  const Array *Errors = O->getArray("errors");
  const Array *Functions = O->getArray("functions");
  if (!Files || !Errors || !Functions)
    return R.fail("no files, errors or functions");
  for (const Value &F : *Files) {
    std::optional<llvm::StringRef> S = F.getAsString();
    if (!S)
      return R.fail("a file name is not a string");
    TU.Files.push_back(S->str());
  }
  R.FileCount = TU.Files.size();
  for (const Value &D : *Errors) {
    const Object *DO = D.getAsObject();
    Diagnostic Diag;
    if (!DO || !R.str(*DO, "file", Diag.File) ||
        !R.str(*DO, "message", Diag.Message) ||
        !R.u32(DO->get("line"), Diag.Line) ||
        !R.u32(DO->get("column"), Diag.Column))
      return Error.empty() ? R.fail("a bad diagnostic") : false;
    TU.Errors.push_back(std::move(Diag));
  }
  for (const Value &F : *Functions) {
    Function Fn;
    if (!R.function(F, Fn))
      return false;
    TU.Functions.push_back(std::move(Fn));
  }
  return true;
}

} // namespace cpp
} // namespace mpguard
