#include "core/SourceFile.h"

#include <gtest/gtest.h>

using mpguard::SourceFile;

TEST(SourceFile, LinesAndTerminators) {
  SourceFile F("a.py", "/a.py", "one\r\ntwo\rthree\nfour");
  EXPECT_EQ(F.lineCount(), 4u);
  EXPECT_EQ(F.lineText(1), "one");
  EXPECT_EQ(F.lineText(2), "two");
  EXPECT_EQ(F.lineText(3), "three");
  EXPECT_EQ(F.lineText(4), "four");
  EXPECT_EQ(F.lineOf(0), 1u);
  EXPECT_EQ(F.lineOf(5), 2u);
  EXPECT_EQ(F.lineOf(9), 3u);
}

TEST(SourceFile, ColumnsCountTabsAsOneAndAstralAsTwoUtf16Units) {
  // "\tx = '😀' + Pool()": the emoji is 4 UTF-8 bytes, 1 code point, 2 UTF-16
  // units.
  std::string Text = "\tx = '\xF0\x9F\x98\x80' + Pool()\n";
  SourceFile F("a.py", "/a.py", Text);
  uint32_t PoolOffset = uint32_t(Text.find("Pool"));
  EXPECT_EQ(F.codePointColumn(PoolOffset), 12u);
  EXPECT_EQ(F.utf16Column(PoolOffset), 13u);
  EXPECT_EQ(F.utf16Column(0), 1u);
}

TEST(SourceFile, TwoAndThreeByteCharacters) {
  std::string Text = "s = '\xC3\xA9\xE2\x82\xAC'; Pool()";
  SourceFile F("a.py", "/a.py", Text);
  uint32_t PoolOffset = uint32_t(Text.find("Pool"));
  EXPECT_EQ(F.codePointColumn(PoolOffset), 11u);
  EXPECT_EQ(F.utf16Column(PoolOffset), 11u);
}

TEST(SourceFile, LspColumnsAndOffsetsRoundTrip) {
  // 'é' is 2 bytes / 1 unit; the emoji 4 bytes / 2 UTF-16 units / 1 code
  // point.
  std::string Text = "a\xC3\xA9\xF0\x9F\x98\x80z\r\nsecond\n";
  SourceFile F("a.py", "/a.py", Text);
  using mpguard::ColumnUnit;
  uint32_t Z = uint32_t(Text.find('z'));
  EXPECT_EQ(F.columnIn(Z, ColumnUnit::Utf8Bytes), 7u);
  EXPECT_EQ(F.columnIn(Z, ColumnUnit::Utf16Units), 4u);
  EXPECT_EQ(F.columnIn(Z, ColumnUnit::CodePoints), 3u);
  EXPECT_EQ(F.offsetAt(1, 7, ColumnUnit::Utf8Bytes), Z);
  EXPECT_EQ(F.offsetAt(1, 4, ColumnUnit::Utf16Units), Z);
  EXPECT_EQ(F.offsetAt(1, 3, ColumnUnit::CodePoints), Z);
  // Inside a character: its start.
  EXPECT_EQ(F.offsetAt(1, 3, ColumnUnit::Utf16Units), 3u);
  EXPECT_EQ(F.offsetAt(1, 2, ColumnUnit::Utf8Bytes), 1u);
  // Past the line's end: before its CR LF; past the last line: the end.
  EXPECT_EQ(F.offsetAt(1, 99, ColumnUnit::Utf16Units), Z + 1);
  EXPECT_EQ(F.offsetAt(2, 3, ColumnUnit::Utf16Units), Z + 6);
  EXPECT_EQ(F.offsetAt(3, 0, ColumnUnit::Utf16Units), uint32_t(Text.size()));
  EXPECT_EQ(F.offsetAt(9, 9, ColumnUnit::Utf16Units), uint32_t(Text.size()));
}
