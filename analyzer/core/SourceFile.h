//===- SourceFile.h - A file's text and its line table ---------*- C++ -*-===//
//
// Every location in mpguard is a byte offset into a SourceFile. Lines are
// 1-based; columns are derived on demand in the unit each consumer needs
// (bytes for editors that count bytes, code points for text output, UTF-16
// code units for SARIF), so that frontends never have to agree on one.
//
//===----------------------------------------------------------------------===//
#ifndef MPGUARD_CORE_SOURCEFILE_H
#define MPGUARD_CORE_SOURCEFILE_H

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace mpguard {

/// The unit a column is counted in: bytes (LSP "utf-8"), UTF-16 code units
/// (SARIF, LSP "utf-16"), or code points (text output, LSP "utf-32").
enum class ColumnUnit { Utf8Bytes, Utf16Units, CodePoints };

class SourceFile {
public:
  /// \p DisplayPath is the path as the user gave it (relative stays relative).
  SourceFile(std::string DisplayPath, std::string AbsolutePath,
             std::string Text);

  const std::string &path() const { return DisplayPath; }
  const std::string &absolutePath() const { return AbsolutePath; }
  std::string_view text() const { return Text; }

  /// 1-based line containing byte \p Offset (offsets past the end clamp).
  uint32_t lineOf(uint32_t Offset) const;
  /// Byte offset of the first byte of 1-based \p Line.
  uint32_t lineStart(uint32_t Line) const;
  /// Text of 1-based \p Line without its line terminator.
  std::string_view lineText(uint32_t Line) const;
  uint32_t lineCount() const { return uint32_t(LineStarts.size()); }

  /// 1-based column of \p Offset counted in Unicode code points.
  uint32_t codePointColumn(uint32_t Offset) const;
  /// 1-based column of \p Offset counted in UTF-16 code units (SARIF).
  uint32_t utf16Column(uint32_t Offset) const;

  /// 0-based column of \p Offset in \p Unit (LSP's Position.character);
  /// offsets past the end clamp to the end.
  uint32_t columnIn(uint32_t Offset, ColumnUnit Unit) const;
  /// The byte offset of 0-based \p Column (counted in \p Unit) on 1-based
  /// \p Line, as LSP positions need: a column past the line's end clamps to
  /// the end of the line (before its terminator), a line past the last one
  /// to the end of the text, and a column inside a character (half of a
  /// surrogate pair, a byte inside a UTF-8 sequence) to that character's
  /// start.
  uint32_t offsetAt(uint32_t Line, uint32_t Column, ColumnUnit Unit) const;

private:
  std::string DisplayPath;
  std::string AbsolutePath;
  std::string Text;
  std::vector<uint32_t> LineStarts;
};

using SourceFileRef = std::shared_ptr<const SourceFile>;

/// Counts code points / UTF-16 units in a UTF-8 byte range. Invalid bytes
/// count as one unit each (they are replaced by U+FFFD when decoded).
uint32_t countCodePoints(std::string_view Utf8);
uint32_t countUtf16Units(std::string_view Utf8);

} // namespace mpguard

#endif
