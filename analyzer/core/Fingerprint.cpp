//===- Fingerprint.cpp ----------------------------------------------------===//
#include "core/Fingerprint.h"

#include <array>
#include <cstdint>
#include <cstdio>
#include <unordered_map>

namespace mpguard {

namespace {

constexpr unsigned Window = 100;
constexpr uint64_t Base = 37;
constexpr uint32_t EndOfFile = 0xFFFF;

/// Decodes UTF-8 into UTF-16 code units as Node's utf8 decoder does (invalid
/// bytes become U+FFFD) and hands each unit to \p F.
template <typename Fn> void forEachUtf16Unit(std::string_view S, Fn F) {
  size_t I = 0;
  while (I < S.size()) {
    unsigned char C = S[I];
    uint32_t CP;
    unsigned Len;
    if (C < 0x80) {
      CP = C;
      Len = 1;
    } else if ((C & 0xE0) == 0xC0) {
      CP = C & 0x1F;
      Len = 2;
    } else if ((C & 0xF0) == 0xE0) {
      CP = C & 0x0F;
      Len = 3;
    } else if ((C & 0xF8) == 0xF0) {
      CP = C & 0x07;
      Len = 4;
    } else {
      F(0xFFFD);
      ++I;
      continue;
    }
    bool Valid = I + Len <= S.size();
    for (unsigned K = 1; Valid && K < Len; ++K) {
      unsigned char Cont = S[I + K];
      Valid = (Cont & 0xC0) == 0x80;
      CP = (CP << 6) | (Cont & 0x3F);
    }
    if (!Valid) {
      F(0xFFFD);
      ++I;
      continue;
    }
    if (CP >= 0x10000) {
      CP -= 0x10000;
      F(0xD800 + (CP >> 10));
      F(0xDC00 + (CP & 0x3FF));
    } else {
      F(CP);
    }
    I += Len;
  }
}

class LineHasher {
public:
  explicit LineHasher(std::vector<std::string> &Out) : Out(Out) {
    FirstMod = 1;
    for (unsigned I = 0; I < Window; ++I)
      FirstMod *= Base;
    Chars.fill(0);
    LineAt.fill(-1);
  }

  void feed(uint32_t C) {
    // Spaces and tabs do not count; CRLF and CR both read as one LF.
    if (C == ' ' || C == '\t' || (PrevCR && C == '\n')) {
      PrevCR = false;
      return;
    }
    PrevCR = C == '\r';
    if (PrevCR)
      C = '\n';
    if (LineAt[Index] != -1)
      emit();
    if (AtLineStart) {
      AtLineStart = false;
      LineAt[Index] = ++Line;
    }
    if (C == '\n')
      AtLineStart = true;
    roll(C);
  }

  void finish() {
    feed(EndOfFile);
    for (unsigned I = 0; I < Window; ++I) {
      if (LineAt[Index] != -1)
        emit();
      roll(0);
    }
  }

private:
  void roll(uint32_t C) {
    uint64_t Leaving = Chars[Index];
    Chars[Index] = C;
    Hash = Base * Hash + C - FirstMod * Leaving;
    Index = (Index + 1) % Window;
  }

  void emit() {
    char Hex[17];
    std::snprintf(Hex, sizeof(Hex), "%llx", (unsigned long long)Hash);
    unsigned N = ++Seen[Hash];
    size_t LineNo = size_t(LineAt[Index]);
    if (Out.size() < LineNo)
      Out.resize(LineNo);
    Out[LineNo - 1] = std::string(Hex) + ":" + std::to_string(N);
    LineAt[Index] = -1;
  }

  std::vector<std::string> &Out;
  std::array<uint32_t, Window> Chars;
  std::array<int64_t, Window> LineAt;
  std::unordered_map<uint64_t, unsigned> Seen;
  uint64_t FirstMod;
  uint64_t Hash = 0;
  unsigned Index = 0;
  int64_t Line = 0;
  bool AtLineStart = true;
  bool PrevCR = false;
};

} // namespace

std::vector<std::string> lineHashes(std::string_view Text) {
  std::vector<std::string> Out;
  LineHasher H(Out);
  forEachUtf16Unit(Text, [&](uint32_t U) { H.feed(U); });
  H.finish();
  return Out;
}

} // namespace mpguard
