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
