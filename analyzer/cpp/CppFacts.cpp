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
  case EventKind::Write:
    return "write";
  case EventKind::Lock:
    return "lock";
  case EventKind::Unlock:
    return "unlock";
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
        if (!E.Signature.empty())
          O["sig"] = E.Signature;
        if (!E.Refs.empty()) {
          Array Refs;
          for (const std::string &R : E.Refs)
            Refs.push_back(R);
          O["refs"] = std::move(Refs);
        }
        if (!E.Text.empty()) {
          O["text"] = E.Text;
          Array Pieces;
          for (const TextPiece &P : E.Pieces)
            Pieces.push_back(Array{P.Offset, rangeJson(P.Where)});
          O["pieces"] = std::move(Pieces);
        }
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
                               {"role", int64_t(F.Role)},
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
  Array Taken;
  for (const auto &[Usr, Sig] : TU.AddressTaken)
    Taken.push_back(Array{Usr, Sig});
  return Object{{"format", FactsFormat},
                {"tu", TU.MainFile},
                {"compiled", TU.Compiled},
                {"listed", TU.Listed},
                {"files", std::move(Files)},
                {"errors", std::move(Errors)},
                {"functions", std::move(Functions)},
                {"taken", std::move(Taken)}};
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
    else if (K == "write")
      E.Kind = EventKind::Write;
    else if (K == "lock")
      E.Kind = EventKind::Lock;
    else if (K == "unlock")
      E.Kind = EventKind::Unlock;
    else
      return fail("an unknown event kind '" + K + "'");
    E.System = O->getBoolean("sys").value_or(false);
    if (const Value *C = O->get("child")) {
      uint32_t Child;
      if (!u32(C, Child) || Child > uint32_t(INT32_MAX))
        return fail("a bad child block");
      E.Child = int32_t(Child);
    }
    if (const Value *RV = O->get("refs")) {
      const Array *Refs = RV->getAsArray();
      if (!Refs)
        return fail("bad refs");
      for (const Value &R : *Refs) {
        std::optional<llvm::StringRef> S = R.getAsString();
        if (!S)
          return fail("bad refs");
        E.Refs.push_back(S->str());
      }
    }
    if (!str(*O, "text", E.Text, false))
      return false;
    if (const Value *PV = O->get("pieces")) {
      const Array *Pieces = PV->getAsArray();
      if (!Pieces)
        return fail("bad pieces");
      for (const Value &P : *Pieces) {
        const Array *A = P.getAsArray();
        TextPiece Piece;
        if (!A || A->size() != 2 || !u32(&(*A)[0], Piece.Offset) ||
            Piece.Offset > E.Text.size() ||
            (!E.Pieces.empty() && Piece.Offset < E.Pieces.back().Offset))
          return fail("bad pieces");
        if (!range(&(*A)[1], Piece.Where))
          return false;
        E.Pieces.push_back(Piece);
      }
    }
    return range(O->get("at"), E.Where) && str(*O, "api", E.Api) &&
           str(*O, "var", E.Var, false) && str(*O, "callee", E.Callee, false) &&
           str(*O, "sig", E.Signature, false);
  }

  bool function(const Value &V, Function &F) {
    const Object *O = V.getAsObject();
    if (!O || !str(*O, "name", F.Name) || !str(*O, "usr", F.Usr) ||
        !range(O->get("at"), F.Where) || !u32(O->get("entry"), F.Entry) ||
        !u32(O->get("exit"), F.Exit))
      return Error.empty() ? fail("a bad function") : false;
    uint32_t Role = 0;
    if (const Value *RV = O->get("role"))
      if (!u32(RV, Role) || Role > uint32_t(FunctionRole::StaticInit))
        return fail("a bad function role");
    F.Role = FunctionRole(Role);
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
  if (const Array *Taken = O->getArray("taken"))
    for (const Value &T : *Taken) {
      const Array *Pair = T.getAsArray();
      std::optional<llvm::StringRef> Usr, Sig;
      if (Pair && Pair->size() == 2) {
        Usr = (*Pair)[0].getAsString();
        Sig = (*Pair)[1].getAsString();
      }
      if (!Usr || !Sig)
        return R.fail("a bad address-taken function");
      TU.AddressTaken.emplace_back(Usr->str(), Sig->str());
    }
  return true;
}

} // namespace cpp
} // namespace mpguard
