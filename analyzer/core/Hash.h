//===- Hash.h - Content hashes and their hex form --------------*- C++ -*-===//
#ifndef MPGUARD_CORE_HASH_H
#define MPGUARD_CORE_HASH_H

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace mpguard {

/// 128 bits of BLAKE3: the facts cache's content keys, GitLab and baseline
/// fingerprints.
using ContentHash = std::array<uint8_t, 16>;
ContentHash hashContent(std::string_view Bytes);

/// Lower-case hex of \p N bytes.
std::string toHex(const uint8_t *Data, size_t N);
inline std::string toHex(const ContentHash &H) {
  return toHex(H.data(), H.size());
}

} // namespace mpguard

#endif
