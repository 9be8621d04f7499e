#include "core/RuleSelector.h"
#include "rules/Registry.h"

#include <gtest/gtest.h>

using namespace mpguard;

/// One layer over the default rules: select (if non-empty) then ignore.
static std::set<std::string> select(std::vector<std::string> Sel,
                                    std::vector<std::string> Ign,
                                    bool *Ok = nullptr) {
  std::set<std::string> Out = defaultRules(ruleCatalogue());
  std::string Unknown;
  bool R = applyRuleSelection(ruleCatalogue(), Sel.empty() ? nullptr : &Sel, {},
                              Ign, Out, Unknown);
  if (Ok)
    *Ok = R;
  return Out;
}

TEST(RuleSelector, DefaultIsEveryRuleOnByDefault) {
  std::set<std::string> Default = select({}, {});
  for (const RuleInfo *R : ruleCatalogue())
    EXPECT_EQ(Default.count(R->Code), R->OnByDefault ? 1u : 0u) << R->Code;
  EXPECT_EQ(Default.count("MPG900"), 0u);
}

TEST(RuleSelector, CodeSlugPrefixAndAll) {
  EXPECT_EQ(select({"MPG001"}, {}), std::set<std::string>{"MPG001"});
  EXPECT_EQ(select({"mpg002"}, {}), std::set<std::string>{"MPG002"});
  EXPECT_EQ(select({"unguarded-set-start-method"}, {}),
            std::set<std::string>{"MPG002"});
  EXPECT_EQ(select({"MPG00"}, {}),
            (std::set<std::string>{"MPG001", "MPG002", "MPG003", "MPG004",
                                   "MPG005", "MPG006", "MPG007", "MPG008"}));
  // ALL is every rule, the off-by-default ones too.
  EXPECT_EQ(select({"ALL"}, {"MPG001"}),
            (std::set<std::string>{"MPG002", "MPG003", "MPG004", "MPG005",
                                   "MPG006", "MPG007", "MPG008", "MPG101",
                                   "MPG102", "MPG103", "MPG104", "MPG105",
                                   "MPG106", "MPG107", "MPG900"}));
  EXPECT_EQ(select({"MPG1"}, {}),
            (std::set<std::string>{"MPG101", "MPG102", "MPG103", "MPG104",
                                   "MPG105", "MPG106", "MPG107"}));
  EXPECT_EQ(select({"cxx-fork-after-thread"}, {}),
            std::set<std::string>{"MPG101"});
  EXPECT_TRUE(select({}, {"MPG"}).empty());
}

TEST(RuleSelector, LayersReplaceExtendAndIgnore) {
  std::set<std::string> E = defaultRules(ruleCatalogue());
  std::string Unknown;
  // The configuration file: ignore MPG002 and the C/C++ rules.
  ASSERT_TRUE(applyRuleSelection(ruleCatalogue(), nullptr, {},
                                 {"MPG002", "MPG1"}, E, Unknown));
  EXPECT_EQ(E, (std::set<std::string>{"MPG001", "MPG003", "MPG004", "MPG005",
                                      "MPG006", "MPG007", "MPG008"}));
  // The command line: extend-select turns it back on, with MPG900.
  ASSERT_TRUE(applyRuleSelection(ruleCatalogue(), nullptr,
                                 {"MPG002", "unused-suppression"}, {}, E,
                                 Unknown));
  EXPECT_EQ(E, (std::set<std::string>{"MPG001", "MPG002", "MPG003", "MPG004",
                                      "MPG005", "MPG006", "MPG007", "MPG008",
                                      "MPG900"}));
  // A select replaces whatever came before; an empty one selects nothing.
  std::vector<std::string> Sel{"MPG002"}, None;
  ASSERT_TRUE(applyRuleSelection(ruleCatalogue(), &Sel, {}, {}, E, Unknown));
  EXPECT_EQ(E, std::set<std::string>{"MPG002"});
  ASSERT_TRUE(applyRuleSelection(ruleCatalogue(), &None, {}, {}, E, Unknown));
  EXPECT_TRUE(E.empty());
}

TEST(RuleSelector, UnknownSelectorIsAnError) {
  bool Ok = true;
  select({"MPG999"}, {}, &Ok);
  EXPECT_FALSE(Ok);
  select({}, {"no-such-rule"}, &Ok);
  EXPECT_FALSE(Ok);
  // A failed layer leaves the set as it was.
  std::set<std::string> E{"MPG001"};
  std::string Unknown;
  EXPECT_FALSE(
      applyRuleSelection(ruleCatalogue(), nullptr, {"MPG7"}, {}, E, Unknown));
  EXPECT_EQ(Unknown, "MPG7");
  EXPECT_EQ(E, std::set<std::string>{"MPG001"});
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
