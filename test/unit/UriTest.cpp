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

TEST(Uri, FileUriToPath) {
  std::string Path;
  EXPECT_TRUE(pathFromFileUri("file:///tmp/x%20y/caf%C3%A9.py", Path));
  EXPECT_EQ(Path, "/tmp/x y/caf\xC3\xA9.py");
  EXPECT_TRUE(pathFromFileUri("file://localhost/a%2fb", Path));
  EXPECT_EQ(Path, "/a/b");
  EXPECT_TRUE(pathFromFileUri("FILE:///a", Path));
  EXPECT_EQ(Path, "/a");
  EXPECT_TRUE(pathFromFileUri(fileUri("/d i r/%#?.py"), Path));
  EXPECT_EQ(Path, "/d i r/%#?.py");
  EXPECT_FALSE(pathFromFileUri("untitled:Untitled-1", Path));
  EXPECT_FALSE(pathFromFileUri("file://server/share/a.py", Path));
  EXPECT_FALSE(pathFromFileUri("file:///a%2", Path));
  EXPECT_FALSE(pathFromFileUri("file:///a%zz", Path));
  EXPECT_FALSE(pathFromFileUri("file:///a%00b", Path));
  EXPECT_FALSE(pathFromFileUri("file:///a?x=1", Path));
  EXPECT_FALSE(pathFromFileUri("file://", Path));
}
