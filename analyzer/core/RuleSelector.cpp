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

std::set<std::string>
defaultRules(const std::vector<const RuleInfo *> &Catalogue) {
  std::set<std::string> Out;
  for (const RuleInfo *R : Catalogue)
    if (R->OnByDefault)
      Out.insert(R->Code);
  return Out;
}

bool applyRuleSelection(const std::vector<const RuleInfo *> &Catalogue,
                        const std::vector<std::string> *Select,
                        const std::vector<std::string> &ExtendSelect,
                        const std::vector<std::string> &Ignore,
                        std::set<std::string> &Enabled, std::string &Unknown) {
  std::set<std::string> Out = Select ? std::set<std::string>() : Enabled;
  auto Apply = [&](const std::vector<std::string> &Selectors, bool Add) {
    for (const std::string &S : Selectors) {
      auto Rules = matchSelector(Catalogue, S);
      if (Rules.empty()) {
        Unknown = S;
        return false;
      }
      for (const RuleInfo *R : Rules) {
        if (Add)
          Out.insert(R->Code);
        else
          Out.erase(R->Code);
      }
    }
    return true;
  };
  if ((Select && !Apply(*Select, true)) || !Apply(ExtendSelect, true) ||
      !Apply(Ignore, false))
    return false;
  Enabled = std::move(Out);
  return true;
}

} // namespace mpguard
