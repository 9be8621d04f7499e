//===- Fingerprint.h - GitHub code scanning line hashes --------*- C++ -*-===//
#ifndef MPGUARD_CORE_FINGERPRINT_H
#define MPGUARD_CORE_FINGERPRINT_H

#include <string>
#include <string_view>
#include <vector>

namespace mpguard {

/// primaryLocationLineHash values for every line of \p Text, computed the way
/// GitHub's codeql-action does when it fingerprints an uploaded SARIF file:
/// a rolling hash (base 37, 64-bit wrap-around) over the next 100 UTF-16 code
/// units of the file starting at each line, ignoring spaces and tabs, with
/// CR/CRLF read as LF, and ":N" counting earlier lines with the same hash.
/// Element 0 is line 1. Matching codeql-action means an upload by either tool
/// keeps alerts stable.
std::vector<std::string> lineHashes(std::string_view Text);

} // namespace mpguard

#endif
