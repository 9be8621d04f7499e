//===- Hash.cpp - Content hashes and their hex form -----------------------===//
#include "core/Hash.h"

#include "llvm/Support/BLAKE3.h"

#include <cstring>

namespace mpguard {

ContentHash hashContent(std::string_view Bytes) {
  auto R = llvm::BLAKE3::hash<16>(llvm::ArrayRef<uint8_t>(
      reinterpret_cast<const uint8_t *>(Bytes.data()), Bytes.size()));
  ContentHash H;
  std::memcpy(H.data(), R.data(), H.size());
  return H;
}

std::string toHex(const uint8_t *Data, size_t N) {
  static const char Digits[] = "0123456789abcdef";
  std::string Out;
  Out.reserve(2 * N);
  for (size_t I = 0; I < N; ++I) {
    Out.push_back(Digits[Data[I] >> 4]);
    Out.push_back(Digits[Data[I] & 15]);
  }
  return Out;
}

} // namespace mpguard
