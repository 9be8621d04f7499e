//===- RulePages.h - Rule pages embedded at build time ---------*- C++ -*-===//
#ifndef MPGUARD_CORE_RULEPAGES_H
#define MPGUARD_CORE_RULEPAGES_H

#include <string_view>
#include <vector>

namespace mpguard {

/// rules/<lang>/<slug>/README.md, embedded by cmake/EmbedRulePages.cmake.
struct RulePage {
  std::string_view Slug;
  std::string_view RepoPath; // "rules/python/<slug>/README.md"
  std::string_view Markdown;
};

const std::vector<RulePage> &rulePages();

} // namespace mpguard

#endif
