//===- Registry.h - The rule catalogue --------------------------*- C++ -*-===//
#ifndef MPGUARD_RULES_REGISTRY_H
#define MPGUARD_RULES_REGISTRY_H

#include "core/Finding.h"
#include "python/PythonRule.h"

#include <string>
#include <string_view>
#include <vector>

namespace mpguard {

/// Every Python rule, sorted by code.
const std::vector<const python::PythonRule *> &pythonRules();

namespace cpp {
class CppRule;
}
/// Every C/C++ rule, sorted by code.
const std::vector<const cpp::CppRule *> &cppRules();

/// Every rule of every language, sorted by code.
const std::vector<const RuleInfo *> &ruleCatalogue();

/// The rule with this exact code or slug, or null.
const RuleInfo *findRule(std::string_view CodeOrSlug);

/// The rule's README.md page (embedded at build time); empty if missing.
std::string_view rulePage(const RuleInfo &Rule);
/// "rules/python/<slug>/README.md"
std::string_view rulePagePath(const RuleInfo &Rule);
/// The rule page's URL on the project's site (SARIF helpUri, LSP
/// codeDescription.href): MPGUARD_HOMEPAGE/blob/main/<rulePagePath>.
std::string ruleHelpUri(const RuleInfo &Rule);

} // namespace mpguard

#endif
