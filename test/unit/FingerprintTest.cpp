// Expected values come from an independent BigInt re-implementation of
// codeql-action's fingerprints.ts hash (run under node), not from mpguard.
#include "core/Fingerprint.h"

#include <gtest/gtest.h>

using mpguard::lineHashes;

TEST(Fingerprint, MatchesCodeqlActionOnSimpleFile) {
  auto H =
      lineHashes("import multiprocessing\npool = multiprocessing.Pool(2)\n");
  ASSERT_EQ(H.size(), 3u);
  EXPECT_EQ(H[0], "7399eb35a8f22140:1");
  EXPECT_EQ(H[1], "36127785dc0cd757:1");
  EXPECT_EQ(H[2], "c129715d7a2bc9a3:1");
}

TEST(Fingerprint, CrLfAndBlankLines) {
  auto H = lineHashes("a = 1\r\nb = 2\r\n\r\nb = 2\r\n");
  ASSERT_EQ(H.size(), 5u);
  EXPECT_EQ(H[0], "d4719479464028e4:1");
  EXPECT_EQ(H[1], "9e1d461d45266623:1");
  EXPECT_EQ(H[2], "c397dd4aeb345990:1");
  EXPECT_EQ(H[3], "4cd2d5cdff705f66:1");
}

TEST(Fingerprint, TabsIgnoredAstralCharactersAreTwoUnits) {
  auto H = lineHashes("x = '\xF0\x9F\x98\x80'\n\tpool = Pool()\n");
  ASSERT_EQ(H.size(), 3u);
  EXPECT_EQ(H[0], "20081cb7a58e89c9:1");
  EXPECT_EQ(H[1], "7c6a64eb75f0ae8f:1");
}

TEST(Fingerprint, IndentationDoesNotChangeTheHash) {
  auto A = lineHashes("pool = Pool()\n");
  auto B = lineHashes("    pool  =  Pool()\n");
  EXPECT_EQ(A[0], B[0]);
}
