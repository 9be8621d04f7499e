//===- UnusedSuppressionRule.h - MPG900 ------------------------*- C++ -*-===//
//
// Not a PythonRule: whether a suppression comment was used is known only
// after every other rule has run on the module, so the runner calls this
// once the findings are filtered.
//
//===----------------------------------------------------------------------===//
#ifndef MPGUARD_RULES_META_UNUSEDSUPPRESSIONRULE_H
#define MPGUARD_RULES_META_UNUSEDSUPPRESSIONRULE_H

#include "core/Finding.h"
#include "python/PythonModule.h"

#include <set>
#include <string>
#include <vector>

namespace mpguard {

const RuleInfo &unusedSuppressionRule(); // MPG900

/// What each suppression comment of a module silenced: Used[I][J] for
/// Codes[J] of Suppressions[I]; Used[I].back() for a bare `mpguard: ignore`.
using SuppressionUse = std::vector<std::vector<bool>>;

/// Reports, once per comment, the codes of enabled rules (and unknown MPG
/// codes) that silenced nothing, with a safe fix that removes them (the
/// whole comment when nothing else is left in it).
void reportUnusedSuppressions(const python::PythonModule &M,
                              const SuppressionUse &Used,
                              const std::set<std::string> &Enabled,
                              std::vector<Finding> &Out);

} // namespace mpguard

#endif
