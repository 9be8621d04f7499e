//===- Uri.cpp ------------------------------------------------------------===//
#include "output/Uri.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"

#include <algorithm>
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

bool percentDecode(std::string_view Encoded, std::string &Out) {
  auto HexValue = [](char C) -> int {
    if (C >= '0' && C <= '9')
      return C - '0';
    if (C >= 'a' && C <= 'f')
      return C - 'a' + 10;
    if (C >= 'A' && C <= 'F')
      return C - 'A' + 10;
    return -1;
  };
  Out.clear();
  Out.reserve(Encoded.size());
  for (size_t I = 0; I < Encoded.size(); ++I) {
    if (Encoded[I] != '%') {
      Out += Encoded[I];
      continue;
    }
    if (I + 2 >= Encoded.size())
      return false;
    int Hi = HexValue(Encoded[I + 1]), Lo = HexValue(Encoded[I + 2]);
    if (Hi < 0 || Lo < 0)
      return false;
    Out += char(Hi * 16 + Lo);
    I += 2;
  }
  return true;
}

bool pathFromFileUri(std::string_view Uri, std::string &Path) {
  // The scheme is case-insensitive (RFC 3986 section 3.1).
  if (Uri.size() < 7 ||
      !std::equal(Uri.begin(), Uri.begin() + 7, "file://", [](char A, char B) {
        return std::tolower((unsigned char)A) == B;
      }))
    return false;
  std::string_view Rest = Uri.substr(7);
  size_t Slash = Rest.find('/');
  if (Slash == std::string_view::npos)
    return false;
  std::string_view Host = Rest.substr(0, Slash);
  if (!Host.empty() && Host != "localhost")
    return false;
  Rest = Rest.substr(Slash);
  if (Rest.find_first_of("?#") != std::string_view::npos)
    return false;
  if (!percentDecode(Rest, Path) || Path.empty() || Path[0] != '/' ||
      Path.find('\0') != std::string::npos)
    return false;
  return true;
}

std::string displayPath(std::string_view AbsolutePath) {
  llvm::SmallString<256> Cwd;
  std::string Relative;
  if (!llvm::sys::fs::current_path(Cwd) &&
      relativeTo(AbsolutePath, Cwd.str(), Relative))
    return Relative;
  return std::string(AbsolutePath);
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
