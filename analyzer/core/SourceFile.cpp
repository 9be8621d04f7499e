//===- SourceFile.cpp -----------------------------------------------------===//
#include "core/SourceFile.h"

#include <algorithm>

namespace mpguard {

SourceFile::SourceFile(std::string DisplayPath, std::string AbsolutePath,
                       std::string Text)
    : DisplayPath(std::move(DisplayPath)),
      AbsolutePath(std::move(AbsolutePath)), Text(std::move(Text)) {
  LineStarts.push_back(0);
  // A lone CR ends a line too, as it does for Python's tokenizer.
  for (uint32_t I = 0, E = uint32_t(this->Text.size()); I < E; ++I) {
    char C = this->Text[I];
    if (C == '\n') {
      LineStarts.push_back(I + 1);
    } else if (C == '\r') {
      if (I + 1 < E && this->Text[I + 1] == '\n')
        ++I;
      LineStarts.push_back(I + 1);
    }
  }
}

uint32_t SourceFile::lineOf(uint32_t Offset) const {
  auto It = std::upper_bound(LineStarts.begin(), LineStarts.end(), Offset);
  return uint32_t(It - LineStarts.begin());
}

uint32_t SourceFile::lineStart(uint32_t Line) const {
  if (Line == 0)
    return 0;
  if (Line > LineStarts.size())
    return uint32_t(Text.size());
  return LineStarts[Line - 1];
}

std::string_view SourceFile::lineText(uint32_t Line) const {
  if (Line == 0 || Line > LineStarts.size())
    return {};
  uint32_t Begin = LineStarts[Line - 1];
  uint32_t End =
      Line < LineStarts.size() ? LineStarts[Line] : uint32_t(Text.size());
  while (End > Begin && (Text[End - 1] == '\n' || Text[End - 1] == '\r'))
    --End;
  return std::string_view(Text).substr(Begin, End - Begin);
}

static std::string_view prefixOfLine(const SourceFile &F, uint32_t Offset) {
  Offset = std::min<uint32_t>(Offset, uint32_t(F.text().size()));
  uint32_t Begin = F.lineStart(F.lineOf(Offset));
  return F.text().substr(Begin, Offset - Begin);
}

uint32_t SourceFile::codePointColumn(uint32_t Offset) const {
  return countCodePoints(prefixOfLine(*this, Offset)) + 1;
}

uint32_t SourceFile::utf16Column(uint32_t Offset) const {
  return countUtf16Units(prefixOfLine(*this, Offset)) + 1;
}

static uint32_t countUnits(std::string_view Utf8, ColumnUnit Unit) {
  switch (Unit) {
  case ColumnUnit::Utf8Bytes:
    return uint32_t(Utf8.size());
  case ColumnUnit::Utf16Units:
    return countUtf16Units(Utf8);
  case ColumnUnit::CodePoints:
    return countCodePoints(Utf8);
  }
  return 0;
}

uint32_t SourceFile::columnIn(uint32_t Offset, ColumnUnit Unit) const {
  return countUnits(prefixOfLine(*this, Offset), Unit);
}

/// Length of the UTF-8 sequence starting with \p Lead, or 1 if it is not a
/// valid lead byte.
static unsigned sequenceLength(unsigned char Lead) {
  if (Lead < 0x80)
    return 1;
  if ((Lead & 0xE0) == 0xC0)
    return 2;
  if ((Lead & 0xF0) == 0xE0)
    return 3;
  if ((Lead & 0xF8) == 0xF0)
    return 4;
  return 1;
}

template <typename Fn> static void forEachSequence(std::string_view S, Fn F) {
  size_t I = 0;
  while (I < S.size()) {
    unsigned Len = sequenceLength((unsigned char)S[I]);
    bool Valid = I + Len <= S.size();
    for (unsigned K = 1; Valid && K < Len; ++K)
      Valid = ((unsigned char)S[I + K] & 0xC0) == 0x80;
    if (!Valid)
      Len = 1;
    F(Len);
    I += Len;
  }
}

uint32_t SourceFile::offsetAt(uint32_t Line, uint32_t Column,
                              ColumnUnit Unit) const {
  if (Line == 0)
    return 0;
  if (Line > LineStarts.size())
    return uint32_t(Text.size());
  std::string_view L = lineText(Line);
  uint32_t Bytes = 0, Units = 0;
  bool Done = false;
  forEachSequence(L, [&](unsigned Len) {
    if (Done)
      return;
    uint32_t Width = Unit == ColumnUnit::Utf8Bytes    ? Len
                     : Unit == ColumnUnit::Utf16Units ? (Len == 4 ? 2 : 1)
                                                      : 1;
    if (Units + Width > Column) {
      Done = true;
      return;
    }
    Units += Width;
    Bytes += Len;
  });
  return LineStarts[Line - 1] + Bytes;
}

uint32_t countCodePoints(std::string_view Utf8) {
  uint32_t N = 0;
  forEachSequence(Utf8, [&](unsigned) { ++N; });
  return N;
}

uint32_t countUtf16Units(std::string_view Utf8) {
  uint32_t N = 0;
  // Four-byte sequences are astral code points: a surrogate pair in UTF-16.
  forEachSequence(Utf8, [&](unsigned Len) { N += Len == 4 ? 2 : 1; });
  return N;
}

} // namespace mpguard
