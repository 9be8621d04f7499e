//===- RuleSelector.h - --select / --ignore resolution ---------*- C++ -*-===//
#ifndef MPGUARD_CORE_RULESELECTOR_H
#define MPGUARD_CORE_RULESELECTOR_H

#include "core/Finding.h"

#include <set>
#include <string>
#include <vector>

namespace mpguard {

/// Resolves ruff-style selectors against the catalogue. A selector is a full
/// code ("MPG001"), a slug ("unguarded-process-start"), a code prefix
/// ("MPG0", "MPG") or "ALL". Starting from \p Select (everything when empty)
/// minus \p Ignore. Returns false and sets \p Error for a selector that
/// matches no rule, so a typo never silently disables checking.
bool resolveRuleSelection(const std::vector<const RuleInfo *> &Catalogue,
                          const std::vector<std::string> &Select,
                          const std::vector<std::string> &Ignore,
                          std::set<std::string> &EnabledCodes,
                          std::string &Error);

/// The rules one selector names (empty if none).
std::vector<const RuleInfo *>
matchSelector(const std::vector<const RuleInfo *> &Catalogue,
              const std::string &Selector);

} // namespace mpguard

#endif
