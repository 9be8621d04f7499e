//===- JsonRpc.cpp - LSP base protocol framing ----------------------------===//
#include "lsp/JsonRpc.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <unistd.h>

namespace mpguard {
namespace lsp {

namespace {

constexpr size_t MaxHeaderLine = 4096;
constexpr unsigned MaxHeaderLines = 64;
/// Larger bodies are refused (and skipped): a Python file over 64 MiB is
/// not analyzed anyway.
constexpr size_t MaxBody = 256u << 20;
constexpr llvm::StringLiteral ContentLength = "Content-Length:";

/// RFC 7230 token characters, what a header name is made of.
bool isTokenChar(char C) {
  return (C >= 'a' && C <= 'z') || (C >= 'A' && C <= 'Z') ||
         (C >= '0' && C <= '9') || std::strchr("!#$%&'*+-.^_`|~", C);
}

} // namespace

bool MessageReader::fill() {
  if (AtEof)
    return false;
  char Chunk[65536];
  for (;;) {
    ssize_t N = ::read(Fd, Chunk, sizeof(Chunk));
    if (N > 0) {
      Buf.append(Chunk, size_t(N));
      return true;
    }
    if (N < 0 && errno == EINTR)
      continue;
    if (N < 0)
      llvm::errs() << "mpguard lsp: cannot read input: " << std::strerror(errno)
                   << "\n";
    AtEof = true;
    return false;
  }
}

void MessageReader::compact() {
  if (Pos > 65536 && Pos * 2 > Buf.size()) {
    Buf.erase(0, Pos);
    Pos = 0;
  }
}

MessageReader::Result MessageReader::malformed(size_t ResyncFrom,
                                               std::string Why,
                                               std::string &Error) {
  Error = std::move(Why);
  Pos = std::min(ResyncFrom, Buf.size());
  Resync = true;
  return Result::Malformed;
}

bool MessageReader::resync() {
  for (;;) {
    size_t At = llvm::StringRef(Buf).find(ContentLength, Pos);
    if (At != llvm::StringRef::npos) {
      Pos = At;
      Resync = false;
      return true;
    }
    // Keep a tail that may be the start of a split "Content-Length:".
    if (Buf.size() - Pos >= ContentLength.size())
      Pos = Buf.size() - (ContentLength.size() - 1);
    compact();
    if (!fill()) {
      Pos = Buf.size();
      return false;
    }
  }
}

MessageReader::Result MessageReader::read(std::string &Body,
                                          std::string &Error) {
  if (Resync && !resync())
    return Result::Eof;
  compact();
  size_t P = Pos, BlockStart = Pos;
  unsigned Lines = 0;
  bool HaveLength = false;
  size_t Length = 0;
  auto Bad = [&](size_t ResyncFrom, std::string Why) {
    return malformed(ResyncFrom, std::move(Why), Error);
  };
  for (;;) {
    size_t NL;
    while ((NL = Buf.find('\n', P)) == std::string::npos) {
      if (Buf.size() - P > MaxHeaderLine)
        return Bad(P + 1, "header line longer than " +
                              std::to_string(MaxHeaderLine) + " bytes");
      if (!fill()) {
        if (Buf.size() > Pos)
          llvm::errs() << "mpguard lsp: input ended inside a message "
                          "header\n";
        Pos = Buf.size();
        return Result::Eof;
      }
    }
    size_t LineStart = P;
    llvm::StringRef Line(Buf.data() + P, NL - P);
    P = NL + 1;
    if (Line.ends_with("\r"))
      Line = Line.drop_back();
    if (Line.empty()) {
      if (Lines == 0) { // blank lines between messages
        Pos = BlockStart = P;
        continue;
      }
      break;
    }
    if (++Lines > MaxHeaderLines)
      return Bad(LineStart + 1, "too many header lines");
    size_t Colon = Line.find(':');
    llvm::StringRef Name = Line.take_front(Colon);
    if (Colon == llvm::StringRef::npos || Name.empty() ||
        !llvm::all_of(Name, isTokenChar))
      return Bad(LineStart + 1,
                 "malformed header line '" + Line.take_front(80).str() + "'");
    llvm::StringRef Value = Line.drop_front(Colon + 1).trim(" \t");
    if (!Name.equals_insensitive("Content-Length"))
      continue; // Content-Type and anything else: ignored
    unsigned long long N = 0;
    if (Value.empty() || Value.getAsInteger(10, N) || HaveLength)
      return Bad(LineStart + 1, HaveLength
                                    ? "duplicate Content-Length header"
                                    : "invalid Content-Length '" +
                                          Value.take_front(40).str() + "'");
    if (N > MaxBody)
      return Bad(P, "Content-Length " + std::to_string(N) +
                        " is larger than the limit of " +
                        std::to_string(MaxBody) + " bytes");
    HaveLength = true;
    Length = size_t(N);
  }
  if (!HaveLength)
    return Bad(BlockStart + 1, "message header without Content-Length");
  while (Buf.size() - P < Length)
    if (!fill()) {
      llvm::errs() << "mpguard lsp: input ended inside a message body\n";
      Pos = Buf.size();
      return Result::Eof;
    }
  Body.assign(Buf, P, Length);
  Pos = P + Length;
  return Result::Message;
}

llvm::Expected<llvm::json::Value> parseMessage(llvm::StringRef Body) {
  constexpr unsigned MaxDepth = 256;
  unsigned Depth = 0;
  bool InString = false;
  for (size_t I = 0; I < Body.size(); ++I) {
    char C = Body[I];
    if (InString) {
      if (C == '\\')
        ++I;
      else if (C == '"')
        InString = false;
    } else if (C == '"') {
      InString = true;
    } else if (C == '[' || C == '{') {
      if (++Depth > MaxDepth)
        return llvm::createStringError("JSON nested deeper than " +
                                       std::to_string(MaxDepth) +
                                       " levels at byte " + std::to_string(I));
    } else if ((C == ']' || C == '}') && Depth) {
      --Depth;
    }
  }
  return llvm::json::parse(Body);
}

bool writeMessage(int Fd, const llvm::json::Value &Message) {
  std::string Body;
  llvm::raw_string_ostream(Body) << Message;
  std::string Out =
      "Content-Length: " + std::to_string(Body.size()) + "\r\n\r\n" + Body;
  const char *Data = Out.data();
  size_t Left = Out.size();
  while (Left) {
    ssize_t N = ::write(Fd, Data, Left);
    if (N < 0 && errno == EINTR)
      continue;
    if (N <= 0) {
      llvm::errs() << "mpguard lsp: cannot write output: "
                   << std::strerror(errno) << "\n";
      return false;
    }
    Data += N;
    Left -= size_t(N);
  }
  return true;
}

} // namespace lsp
} // namespace mpguard
