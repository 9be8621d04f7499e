//===- FactsCache.cpp - Per-file facts on disk between runs ---------------===//
#include "cache/FactsCache.h"

#include "core/FileRead.h"
#include "driver/AtomicWrite.h"
#include "generated/FactsVersion.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/Support/xxhash.h"

#include <cstdlib>
#include <cstring>
#include <ctime>

#include <sys/stat.h>

namespace mpguard {

namespace fs = llvm::sys::fs;
namespace path = llvm::sys::path;

namespace {

constexpr char IndexMagic[4] = {'M', 'P', 'G', 'I'};
constexpr char EntryMagic[4] = {'M', 'P', 'G', 'F'};
constexpr uint32_t FileFormat = 4;
constexpr size_t MaxIndexEntries = 500000;
constexpr uint64_t MaxEntryBytes = 256ull << 20;

void put64(std::string &Out, uint64_t V) {
  for (int I = 0; I < 8; ++I)
    Out.push_back(char(uint8_t(V >> (8 * I))));
}
void put32(std::string &Out, uint32_t V) {
  for (int I = 0; I < 4; ++I)
    Out.push_back(char(uint8_t(V >> (8 * I))));
}

/// Bounds-checked little-endian reads over an untrusted buffer.
struct In {
  std::string_view B;
  size_t P = 0;
  bool Ok = true;
  bool need(size_t N) {
    if (!Ok || N > B.size() - P)
      Ok = false;
    return Ok;
  }
  uint64_t get64() {
    if (!need(8))
      return 0;
    uint64_t V = 0;
    for (int I = 0; I < 8; ++I)
      V |= uint64_t(uint8_t(B[P + size_t(I)])) << (8 * I);
    P += 8;
    return V;
  }
  uint32_t get32() {
    if (!need(4))
      return 0;
    uint32_t V = 0;
    for (int I = 0; I < 4; ++I)
      V |= uint32_t(uint8_t(B[P + size_t(I)])) << (8 * I);
    P += 4;
    return V;
  }
  std::string_view bytes(size_t N) {
    if (!need(N))
      return {};
    std::string_view V = B.substr(P, N);
    P += N;
    return V;
  }
};

uint64_t checksum(std::string_view Bytes) {
  return llvm::xxh3_64bits(llvm::StringRef(Bytes.data(), Bytes.size()));
}

/// A whole small file; false if it is missing, unreadable or too large.
bool slurp(const std::string &Path, std::string &Out) {
  struct stat St;
  return readWholeFile(Path, Out, St, MaxEntryBytes) == 0;
}

bool writeAtomically(const std::string &Path, std::string_view Bytes,
                     std::string &Error) {
  return writeFileAtomically(
      Path, [&](llvm::raw_ostream &OS) { OS << Bytes; }, Error);
}

void parseIndex(std::string_view Bytes,
                std::unordered_map<std::string, FactsCache::IndexEntry> &Out) {
  In R{Bytes};
  std::string_view Magic = R.bytes(4);
  if (!R.Ok || Magic != std::string_view(IndexMagic, 4) ||
      R.get32() != FileFormat)
    return;
  uint64_t Count = R.get64();
  uint64_t Sum = R.get64();
  if (!R.Ok || Sum != checksum(Bytes.substr(R.P)) || Count > MaxIndexEntries)
    return;
  std::unordered_map<std::string, FactsCache::IndexEntry> Parsed;
  Parsed.reserve(size_t(Count));
  for (uint64_t I = 0; I < Count && R.Ok; ++I) {
    uint32_t Len = R.get32();
    std::string Path(R.bytes(Len));
    FactsCache::IndexEntry E;
    E.Id.Size = R.get64();
    E.Id.Inode = R.get64();
    E.Id.Device = R.get64();
    E.Id.MtimeNs = int64_t(R.get64());
    E.Id.CtimeNs = int64_t(R.get64());
    std::string_view H = R.bytes(E.Hash.size());
    std::string_view V = R.bytes(1);
    E.Events = R.get32();
    uint32_t Imports = R.get32();
    if (Imports > 4096)
      return;
    for (uint32_t J = 0; J < Imports && R.Ok; ++J) {
      uint32_t N = R.get32();
      std::string_view B = R.bytes(N);
      if (R.Ok)
        E.Imports.emplace_back(B);
    }
    if (!R.Ok || uint8_t(V[0]) > uint8_t(FactsCache::Verdict::Facts))
      return;
    std::memcpy(E.Hash.data(), H.data(), E.Hash.size());
    E.V = FactsCache::Verdict(uint8_t(V[0]));
    Parsed[std::move(Path)] = E;
  }
  if (R.Ok && R.P == Bytes.size())
    Out = std::move(Parsed);
}

} // namespace

std::string FactsCache::defaultDirectory() {
  if (const char *D = std::getenv("MPGUARD_CACHE_DIR"); D && *D)
    return D;
  llvm::SmallString<256> P;
  if (const char *X = std::getenv("XDG_CACHE_HOME"); X && *X == '/')
    P = X;
  else if (const char *H = std::getenv("HOME"); H && *H == '/')
    path::append(P, H, ".cache");
  else
    return "";
  path::append(P, "mpguard");
  return std::string(P.str());
}

std::unique_ptr<FactsCache> FactsCache::open(const std::string &Dir,
                                             const std::string &Root,
                                             std::string &Error) {
  std::unique_ptr<FactsCache> C(new FactsCache());
  llvm::SmallString<256> Base(Dir);
  fs::make_absolute(Base);
  llvm::SmallString<256> NS(Base);
  path::append(NS, std::string("facts-") + MPGUARD_VERSION + "-" +
                       std::string(MPGUARD_FACTS_ID).substr(0, 16));
  if (std::error_code EC = fs::create_directories(NS)) {
    Error = "cannot create cache directory '" + std::string(NS.str()) +
            "': " + EC.message();
    return nullptr;
  }
  // Mark the directory as a cache for backup tools and keep it out of git
  // when it lives inside a work tree (--cache-dir .mpguard_cache).
  llvm::SmallString<256> Tag(Base);
  path::append(Tag, "CACHEDIR.TAG");
  if (!fs::exists(Tag)) {
    std::string Ignored;
    writeAtomically(std::string(Tag.str()),
                    "Signature: 8a477f597d28d172789f06886806bc55\n"
                    "# This file is a cache directory tag created by "
                    "mpguard.\n",
                    Ignored);
    llvm::SmallString<256> Git(Base);
    path::append(Git, ".gitignore");
    writeAtomically(std::string(Git.str()), "*\n", Ignored);
  }
  C->NamespaceDir = std::string(NS.str());
  uint64_t RootHash = checksum(Root);
  uint8_t RootBytes[8];
  for (int I = 0; I < 8; ++I)
    RootBytes[I] = uint8_t(RootHash >> (8 * I));
  llvm::SmallString<256> Idx(NS);
  path::append(Idx, "index-" + toHex(RootBytes, 8) + ".bin");
  C->IndexPath = std::string(Idx.str());

  struct timespec Now;
  clock_gettime(CLOCK_REALTIME, &Now);
  C->RacyAfterNs = (int64_t(Now.tv_sec) - 2) * 1000000000 + Now.tv_nsec;
  C->loadIndex();
  return C;
}

void FactsCache::loadIndex() {
  std::string Bytes;
  if (slurp(IndexPath, Bytes))
    parseIndex(Bytes, Index);
}

const FactsCache::IndexEntry *FactsCache::lookup(const std::string &AbsPath,
                                                 const FileIdentity &Id) const {
  auto It = Index.find(AbsPath);
  if (It == Index.end() || !(It->second.Id == Id))
    return nullptr;
  return &It->second;
}

void FactsCache::record(const std::string &AbsPath, const FileIdentity &Id,
                        const ContentHash &Hash, Verdict V, uint32_t Events,
                        std::vector<std::string> Imports) {
  if (Id.MtimeNs > RacyAfterNs || Id.CtimeNs > RacyAfterNs)
    return; // racily clean: hash it again next time
  auto It = Index.find(AbsPath);
  if (It != Index.end() && It->second.Id == Id && It->second.Hash == Hash &&
      It->second.V == V && It->second.Events == Events &&
      It->second.Imports == Imports)
    return; // unchanged
  std::lock_guard<std::mutex> Lock(Mu);
  Updates[AbsPath] = IndexEntry{Id, Hash, V, Events, std::move(Imports)};
}

std::string FactsCache::entryPath(const ContentHash &Hash) const {
  std::string H = toHex(Hash);
  llvm::SmallString<256> P(NamespaceDir);
  path::append(P, H.substr(0, 2), H.substr(2));
  return std::string(P.str());
}

FactsCache::Load FactsCache::loadFacts(const ContentHash &Hash,
                                       std::string &Payload) const {
  std::string Bytes;
  if (!slurp(entryPath(Hash), Bytes))
    return Load::Missing;
  In R{Bytes};
  std::string_view Magic = R.bytes(4);
  if (!R.Ok || Magic != std::string_view(EntryMagic, 4) ||
      R.get32() != FileFormat)
    return Load::Corrupt;
  std::string_view H = R.bytes(Hash.size());
  uint64_t Size = R.get64();
  uint64_t Sum = R.get64();
  if (!R.Ok || std::memcmp(H.data(), Hash.data(), Hash.size()) != 0 ||
      Size != Bytes.size() - R.P)
    return Load::Corrupt;
  std::string_view Body = std::string_view(Bytes).substr(R.P);
  if (checksum(Body) != Sum)
    return Load::Corrupt;
  Payload.assign(Body.data(), Body.size());
  return Load::Ok;
}

void FactsCache::storeFacts(const ContentHash &Hash, std::string_view Payload) {
  std::string Bytes(EntryMagic, 4);
  put32(Bytes, FileFormat);
  Bytes.append(reinterpret_cast<const char *>(Hash.data()), Hash.size());
  put64(Bytes, Payload.size());
  put64(Bytes, checksum(Payload));
  Bytes.append(Payload);
  std::string Path = entryPath(Hash);
  std::string Ignored;
  if (!writeAtomically(Path, Bytes, Ignored)) {
    fs::create_directories(path::parent_path(Path));
    writeAtomically(Path, Bytes, Ignored);
  }
}

bool FactsCache::save(std::string &Error) {
  std::lock_guard<std::mutex> Lock(Mu);
  if (Updates.empty())
    return true;
  // Merge into what is on disk now: another run may have saved meanwhile.
  std::unordered_map<std::string, IndexEntry> Merged;
  std::string Bytes;
  if (slurp(IndexPath, Bytes))
    parseIndex(Bytes, Merged);
  if (Merged.size() + Updates.size() > MaxIndexEntries)
    Merged.clear();
  for (auto &[Path, E] : Updates)
    Merged[Path] = E;
  std::string Body;
  for (const auto &[Path, E] : Merged) {
    put32(Body, uint32_t(Path.size()));
    Body.append(Path);
    put64(Body, E.Id.Size);
    put64(Body, E.Id.Inode);
    put64(Body, E.Id.Device);
    put64(Body, uint64_t(E.Id.MtimeNs));
    put64(Body, uint64_t(E.Id.CtimeNs));
    Body.append(reinterpret_cast<const char *>(E.Hash.data()), E.Hash.size());
    Body.push_back(char(E.V));
    put32(Body, E.Events);
    put32(Body, uint32_t(E.Imports.size()));
    for (const std::string &Name : E.Imports) {
      put32(Body, uint32_t(Name.size()));
      Body.append(Name);
    }
  }
  std::string Out(IndexMagic, 4);
  put32(Out, FileFormat);
  put64(Out, Merged.size());
  put64(Out, checksum(Body));
  Out.append(Body);
  if (!writeAtomically(IndexPath, Out, Error))
    return false;
  Updates.clear();
  return true;
}

} // namespace mpguard
