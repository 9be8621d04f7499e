//===- RuleSelector.cpp ---------------------------------------------------===//
#include "core/RuleSelector.h"

#include <algorithm>
#include <cctype>

namespace mpguard {

static std::string upper(std::string S) {
  for (char &C : S)
    C = char(std::toupper((unsigned char)C));
  return S;
}

std::vector<const RuleInfo *>
matchSelector(const std::vector<const RuleInfo *> &Catalogue,
              const std::string &Selector) {
  std::vector<const RuleInfo *> Out;
  std::string Up = upper(Selector);
  for (const RuleInfo *R : Catalogue) {
    std::string Code = R->Code;
    bool Match = Up == "ALL" || Selector == R->Slug ||
                 (!Up.empty() && Code.compare(0, Up.size(), Up) == 0);
    if (Match)
      Out.push_back(R);
  }
  return Out;
}

bool resolveRuleSelection(const std::vector<const RuleInfo *> &Catalogue,
                          const std::vector<std::string> &Select,
                          const std::vector<std::string> &Ignore,
                          std::set<std::string> &EnabledCodes,
                          std::string &Error) {
  EnabledCodes.clear();
  if (Select.empty()) {
    for (const RuleInfo *R : Catalogue)
      EnabledCodes.insert(R->Code);
  }
  for (const std::string &S : Select) {
    auto Rules = matchSelector(Catalogue, S);
    if (Rules.empty()) {
      Error = "unknown rule selector '" + S + "' in --select";
      return false;
    }
    for (const RuleInfo *R : Rules)
      EnabledCodes.insert(R->Code);
  }
  for (const std::string &S : Ignore) {
    auto Rules = matchSelector(Catalogue, S);
    if (Rules.empty()) {
      Error = "unknown rule selector '" + S + "' in --ignore";
      return false;
    }
    for (const RuleInfo *R : Rules)
      EnabledCodes.erase(R->Code);
  }
  return true;
}

} // namespace mpguard
