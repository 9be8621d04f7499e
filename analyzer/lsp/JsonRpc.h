//===- JsonRpc.h - LSP base protocol framing --------------------*- C++ -*-===//
//
// The LSP base protocol: each message is a header block (`Content-Length:
// N`, optionally `Content-Type: ...`, each line ending in CRLF) followed by
// an empty line and N bytes of JSON. Reading tolerates bare LF line ends,
// blank lines between messages and unknown headers; a header block that is
// malformed (no usable Content-Length, a line that is not `Name: value`) is
// reported and skipped up to the next `Content-Length:`, so one bad message
// does not end the session.
//
//===----------------------------------------------------------------------===//
#ifndef MPGUARD_LSP_JSONRPC_H
#define MPGUARD_LSP_JSONRPC_H

#include "llvm/Support/JSON.h"

#include <cstddef>
#include <string>

namespace mpguard {
namespace lsp {

/// JSON-RPC 2.0 and LSP error codes.
enum ErrorCode : int {
  ParseError = -32700,
  InvalidRequest = -32600,
  MethodNotFound = -32601,
  InvalidParams = -32602,
  InternalError = -32603,
  ServerNotInitialized = -32002,
};

class MessageReader {
public:
  explicit MessageReader(int Fd) : Fd(Fd) {}

  enum class Result {
    Message,   // Body holds one message's bytes
    Malformed, // the header was malformed (Error says how); skipped
    Eof,       // end of input (or a read error), possibly mid-message
  };
  Result read(std::string &Body, std::string &Error);

private:
  int Fd;
  std::string Buf;
  size_t Pos = 0; // first unconsumed byte of Buf
  bool AtEof = false;
  /// After a malformed header: skip to the next "Content-Length:" from
  /// Pos at the next read (not before the error was answered: the next
  /// message may not have been sent yet).
  bool Resync = false;

  bool fill();
  void compact();
  Result malformed(size_t ResyncFrom, std::string Why, std::string &Error);
  bool resync();
};

/// Parses a message body. llvm::json::parse recurses once per nesting
/// level, so bodies nested deeper than any LSP message (256 levels) are
/// refused before it sees them rather than allowed to exhaust the stack.
llvm::Expected<llvm::json::Value> parseMessage(llvm::StringRef Body);

/// Writes one framed message. Returns false when the output is gone.
bool writeMessage(int Fd, const llvm::json::Value &Message);

} // namespace lsp
} // namespace mpguard

#endif
