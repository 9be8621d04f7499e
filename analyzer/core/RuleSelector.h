//===- RuleSelector.h - --select / --ignore resolution ---------*- C++ -*-===//
#ifndef MPGUARD_CORE_RULESELECTOR_H
#define MPGUARD_CORE_RULESELECTOR_H

#include "core/Finding.h"

#include <set>
#include <string>
#include <vector>

namespace mpguard {

/// The rules that run when nothing selects rules: every rule that is
/// OnByDefault (all but MPG900).
std::set<std::string>
defaultRules(const std::vector<const RuleInfo *> &Catalogue);

/// Applies one layer of ruff-style rule selection (the configuration file,
/// then the command line) to \p Enabled: \p Select, when given (not null),
/// replaces it, \p ExtendSelect adds to it, \p Ignore removes from it. A
/// selector is a full code ("MPG001", any case), a slug
/// ("unguarded-process-start"), a code prefix ("MPG0", "MPG") or "ALL".
/// Returns false with \p Unknown set to the first selector that matches no
/// rule, so a typo never silently disables checking.
bool applyRuleSelection(const std::vector<const RuleInfo *> &Catalogue,
                        const std::vector<std::string> *Select,
                        const std::vector<std::string> &ExtendSelect,
                        const std::vector<std::string> &Ignore,
                        std::set<std::string> &Enabled, std::string &Unknown);

/// The rules one selector names (empty if none).
std::vector<const RuleInfo *>
matchSelector(const std::vector<const RuleInfo *> &Catalogue,
              const std::string &Selector);

} // namespace mpguard

#endif
