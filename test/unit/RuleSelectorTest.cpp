#include "core/RuleSelector.h"
#include "rules/Registry.h"

#include <gtest/gtest.h>

using namespace mpguard;

static std::set<std::string> select(std::vector<std::string> Sel,
                                    std::vector<std::string> Ign,
                                    bool *Ok = nullptr) {
  std::set<std::string> Out;
  std::string Error;
  bool R = resolveRuleSelection(ruleCatalogue(), Sel, Ign, Out, Error);
  if (Ok)
    *Ok = R;
  return Out;
}

TEST(RuleSelector, DefaultIsEverything) {
  EXPECT_EQ(select({}, {}).size(), ruleCatalogue().size());
}

TEST(RuleSelector, CodeSlugPrefixAndAll) {
  EXPECT_EQ(select({"MPG001"}, {}), std::set<std::string>{"MPG001"});
  EXPECT_EQ(select({"mpg002"}, {}), std::set<std::string>{"MPG002"});
  EXPECT_EQ(select({"unguarded-set-start-method"}, {}),
            std::set<std::string>{"MPG002"});
  EXPECT_EQ(select({"MPG00"}, {}), (std::set<std::string>{"MPG001", "MPG002"}));
  EXPECT_EQ(select({"ALL"}, {"MPG001"}), std::set<std::string>{"MPG002"});
  EXPECT_TRUE(select({}, {"MPG"}).empty());
}

TEST(RuleSelector, UnknownSelectorIsAnError) {
  bool Ok = true;
  select({"MPG999"}, {}, &Ok);
  EXPECT_FALSE(Ok);
  select({}, {"no-such-rule"}, &Ok);
  EXPECT_FALSE(Ok);
}

TEST(Registry, FindsByCodeOrSlugAndHasPages) {
  for (const RuleInfo *R : ruleCatalogue()) {
    EXPECT_EQ(findRule(R->Code), R);
    EXPECT_EQ(findRule(R->Slug), R);
    std::string_view Page = rulePage(*R);
    for (const char *Heading :
         {"## What it does", "## Why is this bad?", "## Example",
          "## Use instead", "## Fix safety", "## References"})
      EXPECT_NE(Page.find(Heading), std::string_view::npos)
          << R->Code << " page lacks " << Heading;
  }
  EXPECT_EQ(findRule("MPG999"), nullptr);
}
