//===- Uri.h - Paths as SARIF URIs -----------------------------*- C++ -*-===//
#ifndef MPGUARD_OUTPUT_URI_H
#define MPGUARD_OUTPUT_URI_H

#include <string>
#include <string_view>

namespace mpguard {

/// RFC 3986 percent-encoding of a path: every byte outside the unreserved
/// set (ALPHA DIGIT - . _ ~) and '/' becomes %XX, so spaces and non-ASCII
/// (UTF-8) names survive as valid URI references.
std::string percentEncodePath(std::string_view Path);

/// "file:///abs/path" for an absolute path.
std::string fileUri(std::string_view AbsolutePath);

/// If \p AbsolutePath lies under \p Root, sets \p Relative to the path below
/// it and returns true.
bool relativeTo(std::string_view AbsolutePath, std::string_view Root,
                std::string &Relative);

} // namespace mpguard

#endif
