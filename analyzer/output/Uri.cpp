//===- Uri.cpp ------------------------------------------------------------===//
#include "output/Uri.h"

#include <cctype>

namespace mpguard {

std::string percentEncodePath(std::string_view Path) {
  static const char Hex[] = "0123456789ABCDEF";
  std::string Out;
  Out.reserve(Path.size());
  for (unsigned char C : Path) {
    if (std::isalnum(C) || C == '-' || C == '.' || C == '_' || C == '~' ||
        C == '/') {
      Out += char(C);
    } else {
      Out += '%';
      Out += Hex[C >> 4];
      Out += Hex[C & 15];
    }
  }
  return Out;
}

std::string fileUri(std::string_view AbsolutePath) {
  return "file://" + percentEncodePath(AbsolutePath);
}

bool relativeTo(std::string_view AbsolutePath, std::string_view Root,
                std::string &Relative) {
  if (Root.empty() || AbsolutePath.size() <= Root.size() ||
      AbsolutePath.compare(0, Root.size(), Root) != 0)
    return false;
  if (Root.back() != '/' && AbsolutePath[Root.size()] != '/')
    return false;
  std::string_view Rest = AbsolutePath.substr(Root.size());
  while (!Rest.empty() && Rest.front() == '/')
    Rest.remove_prefix(1);
  Relative = std::string(Rest);
  return !Relative.empty();
}

} // namespace mpguard
