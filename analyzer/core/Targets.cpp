//===- Targets.cpp --------------------------------------------------------===//
#include "core/Targets.h"

namespace mpguard {

const char *platformName(Platform P) {
  switch (P) {
  case Platform::Linux:
    return "linux";
  case Platform::MacOS:
    return "macos";
  case Platform::Windows:
    return "windows";
  }
  return "?";
}

const char *defaultStartMethod(Platform P, unsigned Minor) {
  switch (P) {
  case Platform::Linux:
    return Minor >= 14 ? "forkserver" : "fork";
  case Platform::MacOS:
    return Minor >= 8 ? "spawn" : "fork";
  case Platform::Windows:
    return "spawn";
  }
  return "?";
}

std::string defaultStartMethods(Platform P, unsigned Minor) {
  std::string Out;
  unsigned From = Minor;
  for (unsigned M = Minor; M <= MaxTargetMinor; ++M) {
    const char *Method = defaultStartMethod(P, M);
    if (M < MaxTargetMinor &&
        std::string_view(Method) == defaultStartMethod(P, M + 1))
      continue;
    if (!Out.empty())
      Out += ", ";
    Out += Method;
    if (From != Minor || M != MaxTargetMinor)
      Out += " (3." + std::to_string(From) +
             (M == From ? "" : "-3." + std::to_string(M)) + ")";
    From = M + 1;
  }
  return Out;
}

bool Targets::defaultMayBe(std::string_view Method) const {
  for (Platform P : Platforms)
    for (unsigned M = TargetMinor; M <= MaxTargetMinor; ++M)
      if (Method == defaultStartMethod(P, M))
        return true;
  return false;
}

std::string Targets::whereDefault(std::string_view Method) const {
  std::vector<std::string> Parts;
  for (Platform P : Platforms) {
    unsigned First = 0, Last = 0;
    for (unsigned M = TargetMinor; M <= MaxTargetMinor; ++M)
      if (Method == defaultStartMethod(P, M)) {
        if (!First)
          First = M;
        Last = M;
      }
    if (!First)
      continue;
    std::string Part = platformName(P);
    if (First != TargetMinor || Last != MaxTargetMinor)
      Part += First == Last ? ", Python 3." + std::to_string(First)
                            : ", Python 3." + std::to_string(First) + "-3." +
                                  std::to_string(Last);
    Parts.push_back(std::move(Part));
  }
  std::string Out;
  for (size_t I = 0; I < Parts.size(); ++I)
    Out += (I == 0 ? "" : I + 1 == Parts.size() ? " and " : "; ") + Parts[I];
  return Out;
}

std::string Targets::defaultsThatPickle() const {
  std::string Out;
  for (const char *Method : {"spawn", "forkserver"}) {
    std::string Where = whereDefault(Method);
    if (Where.empty())
      continue;
    Out += (Out.empty() ? "" : "; ") + std::string(Method) + " on " + Where;
  }
  return Out;
}

const Targets &Targets::everywhere() {
  static const Targets T;
  return T;
}

} // namespace mpguard
