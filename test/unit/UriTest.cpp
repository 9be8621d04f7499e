#include "output/Uri.h"

#include <gtest/gtest.h>

using namespace mpguard;

TEST(Uri, PercentEncodesSpacesAndNonAscii) {
  EXPECT_EQ(percentEncodePath("dir with space/caf\xC3\xA9.py"),
            "dir%20with%20space/caf%C3%A9.py");
  EXPECT_EQ(percentEncodePath("a-b_c.d~e/f%g#h"), "a-b_c.d~e/f%25g%23h");
  EXPECT_EQ(fileUri("/tmp/x y"), "file:///tmp/x%20y");
}

TEST(Uri, RelativeToRoot) {
  std::string Rel;
  EXPECT_TRUE(relativeTo("/repo/src/a.py", "/repo", Rel));
  EXPECT_EQ(Rel, "src/a.py");
  EXPECT_FALSE(relativeTo("/repository/a.py", "/repo", Rel));
  EXPECT_FALSE(relativeTo("/other/a.py", "/repo", Rel));
  EXPECT_TRUE(relativeTo("/repo/a.py", "/", Rel));
  EXPECT_EQ(Rel, "repo/a.py");
}
