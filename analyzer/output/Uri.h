//===- Uri.h - Paths as URIs and back ---------------------------*- C++ -*-===//
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

/// Decodes %XX escapes (either case). Returns false, leaving \p Out
/// unspecified, when a '%' is not followed by two hex digits.
bool percentDecode(std::string_view Encoded, std::string &Out);

/// The absolute path a "file:" URI names: "file:///a%20b/c.py" and
/// "file://localhost/a%20b/c.py" give "/a b/c.py". Returns false for other
/// schemes, other hosts, a query or fragment, a bad escape or a path that
/// is not absolute or contains a NUL byte.
bool pathFromFileUri(std::string_view Uri, std::string &Path);

/// \p AbsolutePath relative to the working directory when it lies below
/// it (as discovery names files on the command line), else unchanged.
std::string displayPath(std::string_view AbsolutePath);

/// If \p AbsolutePath lies under \p Root, sets \p Relative to the path below
/// it and returns true.
bool relativeTo(std::string_view AbsolutePath, std::string_view Root,
                std::string &Relative);

} // namespace mpguard

#endif
