//===- LspServer.cpp - `mpguard lsp` --------------------------------------===//
//
// One thread, one message at a time. Every open document's text is kept
// as the editor has it; diagnostics are computed from that text on open,
// change and save, and code actions recompute the findings from the
// current text when they are asked for, so nothing stale is ever offered.
// Positions are converted between LSP's (line, character in the negotiated
// encoding) and mpguard's byte offsets by SourceFile.
//
//===----------------------------------------------------------------------===//
#include "lsp/LspServer.h"

#include "core/SourceFile.h"
#include "driver/AddSuppressions.h"
#include "driver/Config.h"
#include "driver/Discovery.h"
#include "driver/Runner.h"
#include "lsp/JsonRpc.h"
#include "output/Uri.h"
#include "rules/Registry.h"
#include "rules/meta/unused-suppression/UnusedSuppressionRule.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <csignal>
#include <cstdint>
#include <map>
#include <optional>
#include <utility>

namespace mpguard {

std::optional<std::set<std::string>>
lspEnabledCodes(const std::string &DocumentPath, std::string &ConfigError,
                Targets &T) {
  // The configuration `mpguard check` would read for this file, resolved on
  // every check: an edited pyproject.toml takes effect on the next change.
  Options O;
  O.Paths = {DocumentPath.empty() ? "." : DocumentPath};
  Configuration C;
  ConfigError.clear();
  if (!resolveConfiguration(O, configStartDirectory(O), C, ConfigError)) {
    // Checked with the defaults meanwhile; the client is told why.
    Options Isolated;
    Isolated.Isolated = true;
    std::string Ignored;
    resolveConfiguration(Isolated, "", C, Ignored);
  }
  T = C.targets();
  if (DocumentPath.empty())
    return C.Enabled;
  // As with --force-exclude: an excluded file gets no diagnostics.
  if (C.excluded(DocumentPath, /*Ancestors=*/true))
    return std::nullopt;
  return C.enabledFor(DocumentPath);
}

namespace lsp {

namespace {

using llvm::json::Array;
using llvm::json::Object;
using llvm::json::Value;

/// llvm::json strings must be UTF-8; a message quoting source text cut in
/// the middle of a character must not trip that.
std::string utf8(std::string S) {
  if (!llvm::json::isUTF8(S))
    return llvm::json::fixUTF8(S);
  return S;
}

void log(const llvm::Twine &Message) {
  llvm::errs() << "mpguard lsp: " << Message << "\n";
}

const Object *objectAt(const Object *O, llvm::StringRef Key) {
  const Value *V = O ? O->get(Key) : nullptr;
  return V ? V->getAsObject() : nullptr;
}

std::optional<llvm::StringRef> stringAt(const Object *O, llvm::StringRef Key) {
  const Value *V = O ? O->get(Key) : nullptr;
  return V ? V->getAsString() : std::nullopt;
}

std::optional<int64_t> integerAt(const Object *O, llvm::StringRef Key) {
  const Value *V = O ? O->get(Key) : nullptr;
  return V ? V->getAsInteger() : std::nullopt;
}

bool arrayHasString(const Object *O, llvm::StringRef Key,
                    llvm::StringRef Wanted) {
  const Value *V = O ? O->get(Key) : nullptr;
  const Array *A = V ? V->getAsArray() : nullptr;
  if (!A)
    return false;
  return std::any_of(A->begin(), A->end(), [&](const Value &E) {
    return E.getAsString() == std::optional<llvm::StringRef>(Wanted);
  });
}

/// An LSP Position as given: (line, character), both >= 0 after clamping.
struct Position {
  int64_t Line = 0;
  int64_t Character = 0;
};

std::optional<Position> parsePosition(const Value *V) {
  const Object *O = V ? V->getAsObject() : nullptr;
  std::optional<int64_t> Line = integerAt(O, "line");
  std::optional<int64_t> Char = integerAt(O, "character");
  if (!Line || !Char)
    return std::nullopt;
  return Position{std::max<int64_t>(*Line, 0), std::max<int64_t>(*Char, 0)};
}

std::optional<std::pair<Position, Position>> parseRange(const Value *V) {
  const Object *O = V ? V->getAsObject() : nullptr;
  if (!O)
    return std::nullopt;
  std::optional<Position> Start = parsePosition(O->get("start"));
  std::optional<Position> End = parsePosition(O->get("end"));
  if (!Start || !End)
    return std::nullopt;
  return std::make_pair(*Start, *End);
}

bool isPythonPath(llvm::StringRef Path) {
  return Path.ends_with(".py") || Path.ends_with(".pyw");
}

struct Document {
  std::string Uri;
  std::string Path; // the decoded file path; empty if the URI is not file:
  std::string Text;
  std::optional<int64_t> Version;
  bool Python = false;
};

/// A request's outcome: a result, or an error code and message.
struct Reply {
  Value Result = nullptr;
  int Code = 0;
  std::string Message;

  static Reply error(int Code, std::string Message) {
    Reply R;
    R.Code = Code;
    R.Message = std::move(Message);
    return R;
  }
};

class Server {
public:
  explicit Server(int OutFd) : OutFd(OutFd) {}

  /// Handles one message; returns the exit status once `exit` arrived.
  std::optional<int> handle(const Value &Message);
  void replyError(const Value &Id, int Code, const std::string &Message);
  bool outputOk() const { return !WriteFailed; }
  /// The exit status when the input ends without `exit`.
  int statusAtEnd() const { return ShutdownRequested ? 0 : 1; }

private:
  int OutFd;
  bool WriteFailed = false;
  bool Initialized = false;
  bool ShutdownRequested = false;
  ColumnUnit Encoding = ColumnUnit::Utf16Units;
  bool DocumentChanges = false; // the client takes versioned edits
  std::map<std::string, Document> Docs;
  std::string ShownConfigError; // the last configuration error shown

  void send(Value Message);
  void request(const Value &Id, llvm::StringRef Method, const Object *Params);
  std::optional<int> notification(llvm::StringRef Method, const Object *Params);

  Reply initialize(const Object *Params);
  Reply codeAction(const Object *Params);
  void didOpen(const Object *Params);
  void didChange(const Object *Params);
  void didSave(const Object *Params);
  void didClose(const Object *Params);

  Document *document(const Object *Params, const char *Method);
  BufferCheck check(const Document &D);
  void publish(const Document &D);

  Value position(const SourceFile &F, uint32_t Offset) const;
  Value range(const SourceFile &F, uint32_t Begin, uint32_t End) const;
  uint32_t offsetOf(const SourceFile &F, Position P) const;
  Value diagnostic(const Document &D, const Finding &F) const;
  Value workspaceEdit(const Document &D, const SourceFile &F,
                      const std::vector<Edit> &Edits) const;
};

void Server::send(Value Message) {
  if (!WriteFailed && !writeMessage(OutFd, Message))
    WriteFailed = true;
}

void Server::replyError(const Value &Id, int Code, const std::string &Message) {
  send(Object{{"jsonrpc", "2.0"},
              {"id", Id},
              {"error", Object{{"code", Code}, {"message", utf8(Message)}}}});
}

std::optional<int> Server::handle(const Value &Message) {
  const Object *O = Message.getAsObject();
  if (!O) {
    replyError(nullptr, InvalidRequest, "a message must be a JSON object");
    return std::nullopt;
  }
  const Value *Id = O->get("id");
  if (Id && Id->kind() != Value::Number && Id->kind() != Value::String) {
    replyError(nullptr, InvalidRequest, "an id must be a number or a string");
    return std::nullopt;
  }
  const Value *MethodValue = O->get("method");
  if (!MethodValue) {
    // A response: mpguard sends no requests, so there is nothing to match.
    if (Id && (O->get("result") || O->get("error")))
      return std::nullopt;
    replyError(Id ? *Id : Value(nullptr), InvalidRequest,
               "a message without a method");
    return std::nullopt;
  }
  std::optional<llvm::StringRef> Method = MethodValue->getAsString();
  if (!Method) {
    replyError(Id ? *Id : Value(nullptr), InvalidRequest,
               "the method must be a string");
    return std::nullopt;
  }
  const Value *ParamsValue = O->get("params");
  const Object *Params = ParamsValue ? ParamsValue->getAsObject() : nullptr;
  if (!Id)
    return notification(*Method, Params);
  request(*Id, *Method, Params);
  return std::nullopt;
}

void Server::request(const Value &Id, llvm::StringRef Method,
                     const Object *Params) {
  Reply R;
  if (Method == "initialize") {
    if (Initialized)
      R = Reply::error(InvalidRequest, "initialize was already received");
    else
      R = initialize(Params);
  } else if (!Initialized) {
    R = Reply::error(ServerNotInitialized, "the server is not initialized: '" +
                                               Method.str() +
                                               "' before 'initialize'");
  } else if (ShutdownRequested) {
    R = Reply::error(InvalidRequest, "'" + Method.str() +
                                         "' after 'shutdown': only 'exit' "
                                         "is accepted now");
  } else if (Method == "shutdown") {
    ShutdownRequested = true;
  } else if (Method == "textDocument/codeAction") {
    R = codeAction(Params);
  } else {
    R = Reply::error(MethodNotFound, "unknown method '" + Method.str() + "'");
  }
  if (R.Code)
    replyError(Id, R.Code, R.Message);
  else
    send(Object{
        {"jsonrpc", "2.0"}, {"id", Id}, {"result", std::move(R.Result)}});
}

std::optional<int> Server::notification(llvm::StringRef Method,
                                        const Object *Params) {
  if (Method == "exit")
    return ShutdownRequested ? 0 : 1;
  if (!Initialized) {
    log("dropped '" + Method + "' before 'initialize'");
    return std::nullopt;
  }
  if (ShutdownRequested)
    return std::nullopt;
  if (Method == "textDocument/didOpen")
    didOpen(Params);
  else if (Method == "textDocument/didChange")
    didChange(Params);
  else if (Method == "textDocument/didSave")
    didSave(Params);
  else if (Method == "textDocument/didClose")
    didClose(Params);
  // Anything else (initialized, $/cancelRequest, $/setTrace,
  // workspace/didChangeConfiguration, ...) needs nothing from mpguard.
  return std::nullopt;
}

Reply Server::initialize(const Object *Params) {
  const Object *Caps = objectAt(Params, "capabilities");
  bool Utf8 =
      arrayHasString(objectAt(Caps, "general"), "positionEncodings", "utf-8");
  // clangd's extension, which neovim before 0.9 offers when configured to.
  bool OffsetEncoding = Caps && Caps->get("offsetEncoding");
  Utf8 |= arrayHasString(Caps, "offsetEncoding", "utf-8");
  Encoding = Utf8 ? ColumnUnit::Utf8Bytes : ColumnUnit::Utf16Units;
  const Object *WorkspaceEdit =
      objectAt(objectAt(Caps, "workspace"), "workspaceEdit");
  const Value *DocChanges =
      WorkspaceEdit ? WorkspaceEdit->get("documentChanges") : nullptr;
  DocumentChanges = DocChanges && DocChanges->getAsBoolean().value_or(false);
  Initialized = true;

  const char *EncodingName = Utf8 ? "utf-8" : "utf-16";
  Object Result{
      {"capabilities",
       Object{
           {"positionEncoding", EncodingName},
           {"textDocumentSync",
            Object{{"openClose", true},
                   {"change", 2}, // incremental
                   {"save", Object{{"includeText", true}}}}},
           {"codeActionProvider",
            Object{{"codeActionKinds", Array{"quickfix"}}}},
       }},
      {"serverInfo", Object{{"name", "mpguard"}, {"version", MPGUARD_VERSION}}},
  };
  if (OffsetEncoding)
    Result["offsetEncoding"] = EncodingName;
  Reply R;
  R.Result = std::move(Result);
  return R;
}

Document *Server::document(const Object *Params, const char *Method) {
  std::optional<llvm::StringRef> Uri =
      stringAt(objectAt(Params, "textDocument"), "uri");
  if (!Uri) {
    log(llvm::Twine(Method) + ": no textDocument.uri; ignored");
    return nullptr;
  }
  auto It = Docs.find(Uri->str());
  if (It == Docs.end()) {
    log(llvm::Twine(Method) + ": " + *Uri + " is not open; ignored");
    return nullptr;
  }
  return &It->second;
}

void Server::didOpen(const Object *Params) {
  const Object *TD = objectAt(Params, "textDocument");
  std::optional<llvm::StringRef> Uri = stringAt(TD, "uri");
  std::optional<llvm::StringRef> Text = stringAt(TD, "text");
  if (!Uri || !Text) {
    log("textDocument/didOpen without textDocument.uri and .text; ignored");
    return;
  }
  Document D;
  D.Uri = Uri->str();
  D.Text = Text->str();
  D.Version = integerAt(TD, "version");
  if (!pathFromFileUri(D.Uri, D.Path))
    D.Path.clear();
  llvm::StringRef NamePart =
      D.Path.empty() ? llvm::StringRef(D.Uri) : llvm::StringRef(D.Path);
  D.Python =
      stringAt(TD, "languageId") == std::optional<llvm::StringRef>("python") ||
      isPythonPath(NamePart);
  std::string Key = D.Uri;
  Document &Stored = Docs[Key];
  Stored = std::move(D);
  publish(Stored);
}

void Server::didChange(const Object *Params) {
  Document *D = document(Params, "textDocument/didChange");
  if (!D)
    return;
  const Value *Changes = Params->get("contentChanges");
  const Array *List = Changes ? Changes->getAsArray() : nullptr;
  if (!List) {
    log("textDocument/didChange without contentChanges; ignored");
    return;
  }
  for (const Value &C : *List) {
    const Object *Change = C.getAsObject();
    std::optional<llvm::StringRef> Text = stringAt(Change, "text");
    if (!Text) {
      log("textDocument/didChange: a change without text; skipped");
      continue;
    }
    const Value *RangeValue = Change->get("range");
    if (!RangeValue || RangeValue->kind() == Value::Null) {
      D->Text = Text->str(); // the whole document
      continue;
    }
    std::optional<std::pair<Position, Position>> R = parseRange(RangeValue);
    if (!R) {
      log("textDocument/didChange: a change with an invalid range; skipped");
      continue;
    }
    // Each change applies to the text the previous one left.
    SourceFile Current("", "", D->Text);
    uint32_t Begin = offsetOf(Current, R->first);
    uint32_t End = offsetOf(Current, R->second);
    if (Begin > End)
      std::swap(Begin, End);
    D->Text.replace(Begin, End - Begin, Text->str());
  }
  if (std::optional<int64_t> Version =
          integerAt(objectAt(Params, "textDocument"), "version"))
    D->Version = Version;
  publish(*D);
}

void Server::didSave(const Object *Params) {
  Document *D = document(Params, "textDocument/didSave");
  if (!D)
    return;
  if (std::optional<llvm::StringRef> Text = stringAt(Params, "text"))
    D->Text = Text->str();
  publish(*D);
}

void Server::didClose(const Object *Params) {
  std::optional<llvm::StringRef> Uri =
      stringAt(objectAt(Params, "textDocument"), "uri");
  if (!Uri) {
    log("textDocument/didClose without textDocument.uri; ignored");
    return;
  }
  Docs.erase(Uri->str());
  send(Object{{"jsonrpc", "2.0"},
              {"method", "textDocument/publishDiagnostics"},
              {"params", Object{{"uri", *Uri}, {"diagnostics", Array{}}}}});
}

BufferCheck Server::check(const Document &D) {
  InputFile In(D.Path.empty() ? D.Uri : D.Path, D.Path, false);
  std::string ConfigError;
  Targets T;
  std::optional<std::set<std::string>> Codes =
      lspEnabledCodes(D.Path, ConfigError, T);
  if (!ConfigError.empty() && ConfigError != ShownConfigError) {
    // Once per distinct problem, not on every keystroke.
    llvm::errs() << ConfigError;
    send(Object{
        {"jsonrpc", "2.0"},
        {"method", "window/showMessage"},
        {"params",
         Object{{"type", 1},
                {"message", utf8("mpguard: the configuration is not valid; "
                                 "checking with the defaults:\n" +
                                 ConfigError)}}}});
  }
  ShownConfigError = ConfigError;
  if (!Codes) {
    BufferCheck Excluded;
    Excluded.Skipped = true;
    return Excluded;
  }
  return checkPythonBuffer(In, D.Text, *Codes, T);
}

void Server::publish(const Document &D) {
  if (!D.Python)
    return; // not ours: no diagnostics at all
  Array Diagnostics;
  BufferCheck C = check(D);
  if (!C.Skipped && !C.Module) {
    // The text does not parse: one error where the parser gave up.
    SourceFile F("", "", D.Text);
    uint32_t Begin = std::min<uint32_t>(C.Failure.Offset, D.Text.size());
    uint32_t LineEnd = F.lineStart(F.lineOf(Begin)) +
                       uint32_t(F.lineText(F.lineOf(Begin)).size());
    // One character wide when there is one before the line's end.
    uint32_t End = Begin;
    if (End < LineEnd)
      ++End;
    while (End < LineEnd && (uint8_t(D.Text[End]) & 0xC0) == 0x80)
      ++End;
    const char *Code = toolErrorKindName(
        C.Failure.K == python::ParseFailure::Syntax ? ToolError::Syntax
                                                    : ToolError::Limit);
    Diagnostics.push_back(Object{{"range", range(F, Begin, End)},
                                 {"severity", 1},
                                 {"code", Code},
                                 {"source", "mpguard"},
                                 {"message", utf8(C.Failure.Message)}});
  }
  for (const Finding &F : C.Findings)
    Diagnostics.push_back(diagnostic(D, F));
  Object Params{{"uri", D.Uri}, {"diagnostics", std::move(Diagnostics)}};
  if (D.Version)
    Params["version"] = *D.Version;
  send(Object{{"jsonrpc", "2.0"},
              {"method", "textDocument/publishDiagnostics"},
              {"params", std::move(Params)}});
}

Value Server::position(const SourceFile &F, uint32_t Offset) const {
  Offset = std::min<uint32_t>(Offset, uint32_t(F.text().size()));
  return Object{{"line", int64_t(F.lineOf(Offset)) - 1},
                {"character", int64_t(F.columnIn(Offset, Encoding))}};
}

Value Server::range(const SourceFile &F, uint32_t Begin, uint32_t End) const {
  return Object{{"start", position(F, Begin)}, {"end", position(F, End)}};
}

uint32_t Server::offsetOf(const SourceFile &F, Position P) const {
  if (P.Line >= int64_t(F.lineCount()))
    return uint32_t(F.text().size());
  return F.offsetAt(uint32_t(P.Line) + 1,
                    uint32_t(std::min<int64_t>(P.Character, UINT32_MAX)),
                    Encoding);
}

Value Server::diagnostic(const Document &D, const Finding &F) const {
  const SourceFile &File = *F.Loc.File;
  int Level = F.Level == Severity::Error     ? 1
              : F.Level == Severity::Warning ? 2
                                             : 3;
  const char *FixKind = "none";
  for (const Fix &X : F.Fixes)
    FixKind = applicabilityName(X.Applic);
  Object Diag{
      {"range", range(File, F.Loc.Begin, F.Loc.End)},
      {"severity", Level},
      {"code", F.Rule->Code},
      {"codeDescription", Object{{"href", ruleHelpUri(*F.Rule)}}},
      {"source", "mpguard"},
      {"message", utf8(F.Message)},
      // What the code actions offer for it, for clients that look; the
      // actions themselves are recomputed from the text they are asked on.
      {"data", Object{{"rule", F.Rule->Slug}, {"fix", FixKind}}},
  };
  if (!F.Related.empty()) {
    Array Related;
    for (const Note &N : F.Related) {
      const SourceFile &NF = *N.Loc.File;
      bool Same = &NF == &File || NF.absolutePath().empty() ||
                  NF.absolutePath() == D.Path;
      Related.push_back(
          Object{{"location",
                  Object{{"uri", Same ? D.Uri : fileUri(NF.absolutePath())},
                         {"range", range(NF, N.Loc.Begin, N.Loc.End)}}},
                 {"message", utf8(N.Message)}});
    }
    Diag["relatedInformation"] = std::move(Related);
  }
  return Diag;
}

Value Server::workspaceEdit(const Document &D, const SourceFile &F,
                            const std::vector<Edit> &Edits) const {
  // All ranges refer to the text before the edit, as LSP wants; insertions
  // at one position keep their order.
  Array TextEdits;
  for (const Edit &E : Edits)
    TextEdits.push_back(Object{{"range", range(F, E.Begin, E.End)},
                               {"newText", utf8(E.Replacement)}});
  if (DocumentChanges)
    return Object{
        {"documentChanges",
         Array{Object{
             {"textDocument", Object{{"uri", D.Uri},
                                     {"version", D.Version ? Value(*D.Version)
                                                           : Value(nullptr)}}},
             {"edits", std::move(TextEdits)}}}}};
  return Object{{"changes", Object{{D.Uri, std::move(TextEdits)}}}};
}

Reply Server::codeAction(const Object *Params) {
  const Object *TD = objectAt(Params, "textDocument");
  std::optional<llvm::StringRef> Uri = stringAt(TD, "uri");
  std::optional<std::pair<Position, Position>> Requested =
      parseRange(Params ? Params->get("range") : nullptr);
  if (!Uri || !Requested)
    return Reply::error(InvalidParams, "textDocument/codeAction needs "
                                       "textDocument.uri and a range");
  Reply R;
  R.Result = Array{};
  const Object *Context = objectAt(Params, "context");
  if (const Value *Only = Context ? Context->get("only") : nullptr) {
    const Array *Kinds = Only->getAsArray();
    bool Wanted =
        !Kinds || std::any_of(Kinds->begin(), Kinds->end(), [](const Value &K) {
          std::optional<llvm::StringRef> S = K.getAsString();
          return S && (S->empty() || *S == "quickfix");
        });
    if (!Wanted)
      return R;
  }
  auto It = Docs.find(Uri->str());
  if (It == Docs.end() || !It->second.Python)
    return R;
  const Document &D = It->second;
  BufferCheck C = check(D);
  if (!C.Module)
    return R;
  const SourceFile &File = *C.Module->File;
  uint32_t Begin = offsetOf(File, Requested->first);
  uint32_t End = offsetOf(File, Requested->second);
  if (Begin > End)
    std::swap(Begin, End);
  // The client's diagnostics for the range (neovim sends the cursor line's)
  // select findings too, matched by code and range in the current text.
  std::vector<std::pair<std::string, std::pair<uint32_t, uint32_t>>> Given;
  if (const Value *Diags = Context ? Context->get("diagnostics") : nullptr)
    if (const Array *List = Diags->getAsArray())
      for (const Value &V : *List) {
        const Object *Diag = V.getAsObject();
        std::optional<llvm::StringRef> Code = stringAt(Diag, "code");
        std::optional<std::pair<Position, Position>> DR =
            parseRange(Diag ? Diag->get("range") : nullptr);
        if (stringAt(Diag, "source") !=
                std::optional<llvm::StringRef>("mpguard") ||
            !Code || !DR)
          continue;
        Given.push_back(
            {Code->str(),
             {offsetOf(File, DR->first), offsetOf(File, DR->second)}});
      }
  Array Actions;
  std::set<std::pair<std::string, uint32_t>> Suppressing;
  for (const Finding &F : C.Findings) {
    bool Selected = F.Loc.Begin <= End && Begin <= F.Loc.End;
    for (const auto &G : Given)
      Selected |= G.first == F.Rule->Code &&
                  G.second == std::make_pair(F.Loc.Begin, F.Loc.End);
    if (!Selected)
      continue;
    Value Diag = diagnostic(D, F);
    std::string Code = F.Rule->Code;
    for (const Fix &X : F.Fixes) {
      if (X.Edits.empty() || X.Applic == Applicability::DisplayOnly)
        continue;
      bool Safe = X.Applic == Applicability::Safe;
      Actions.push_back(Object{{"title", utf8("Fix " + Code + ": " + X.Message +
                                              (Safe ? "" : " (unsafe)"))},
                               {"kind", "quickfix"},
                               {"diagnostics", Array{Diag}},
                               {"isPreferred", Safe},
                               {"edit", workspaceEdit(D, File, X.Edits)}});
    }
    uint32_t Line = F.Loc.line();
    Edit E;
    // MPG900 is about the comment itself: a comment cannot silence it.
    if (F.Rule != &unusedSuppressionRule() &&
        Suppressing.insert({Code, Line}).second &&
        suppressionEdit(*C.Module, Line, {Code}, E))
      Actions.push_back(Object{{"title", "Suppress " + Code + " on this line"},
                               {"kind", "quickfix"},
                               {"diagnostics", Array{Diag}},
                               {"edit", workspaceEdit(D, File, {E})}});
  }
  R.Result = std::move(Actions);
  return R;
}

} // namespace

} // namespace lsp

int runLanguageServer(int InFd, int OutFd) {
  // A client that goes away makes write() fail with EPIPE, which ends the
  // server, instead of a SIGPIPE that kills it.
  std::signal(SIGPIPE, SIG_IGN);
  lsp::MessageReader Reader(InFd);
  lsp::Server S(OutFd);
  std::string Body, Error;
  for (;;) {
    lsp::MessageReader::Result R = Reader.read(Body, Error);
    if (R == lsp::MessageReader::Result::Eof)
      return S.statusAtEnd();
    if (R == lsp::MessageReader::Result::Malformed) {
      lsp::log("malformed message: " + Error);
      S.replyError(nullptr, lsp::ParseError, Error);
    } else if (llvm::Expected<llvm::json::Value> V = lsp::parseMessage(Body)) {
      if (std::optional<int> Exit = S.handle(*V))
        return *Exit;
    } else {
      std::string Why = llvm::toString(V.takeError());
      lsp::log("unparsable message: " + Why);
      S.replyError(nullptr, lsp::ParseError, "invalid JSON: " + Why);
    }
    if (!S.outputOk())
      return 1;
  }
}

} // namespace mpguard
