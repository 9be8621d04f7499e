//===- FactsCache.h - Per-file facts on disk between runs ------*- C++ -*-===//
//
// A warm run should cost little more than a stat per file. Two layers:
//
//  - Content entries, keyed by the BLAKE3 hash of a file's bytes, hold the
//    encoded facts of a module that passed the prefilter (ModuleCodec).
//    Valid for any path with those bytes.
//  - A stat index per project root maps an absolute path and its
//    (size, mtime, ctime, inode, device) to the content hash and a verdict:
//    Skipped (the prefilter rejected it) or Facts. A file whose stat
//    matches is not even read when Skipped; a Facts file is read (its
//    findings point into its text) and its hash checked against the index.
//    Files modified in the last two seconds are not indexed ("racily
//    clean", as git calls it): a timestamp cannot tell two writes within
//    one clock tick apart, so such files are hashed again next run.
//
// Everything is namespaced by the tool version and a hash of the sources
// that produce facts (generated/FactsVersion.h), so a new build never reads
// an old build's facts. Every file carries a checksum; a corrupt or
// truncated one is ignored and rewritten, never trusted. Writes go through
// a temporary file and a rename, so concurrent runs cannot corrupt the
// cache (the last index written wins).
//
//===----------------------------------------------------------------------===//
#ifndef MPGUARD_CACHE_FACTSCACHE_H
#define MPGUARD_CACHE_FACTSCACHE_H

#include "core/FileIdentity.h"
#include "core/Hash.h"

#include <array>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace mpguard {

class FactsCache {
public:
  enum class Verdict : uint8_t { Skipped, Facts };
  struct IndexEntry {
    FileIdentity Id;
    ContentHash Hash;
    Verdict V;
    uint32_t Events = 0; // Facts: the module's event kinds (eventsOf)
    /// Skipped: the modules the file's import statements name, so a warm
    /// run knows which files may import a module with an effect without
    /// reading them.
    std::vector<std::string> Imports;
  };

  /// The default directory: $MPGUARD_CACHE_DIR, else $XDG_CACHE_HOME/mpguard,
  /// else ~/.cache/mpguard; empty if none can be determined.
  static std::string defaultDirectory();

  /// Opens the cache under \p Dir for the project at \p Root, creating
  /// directories as needed. Returns null with \p Error set if the directory
  /// cannot be used; the run then goes on without a cache.
  static std::unique_ptr<FactsCache>
  open(const std::string &Dir, const std::string &Root, std::string &Error);

  /// Whether the index has an entry for \p AbsPath at all (worth a stat).
  bool knows(const std::string &AbsPath) const {
    return Index.count(AbsPath) != 0;
  }
  /// The index entry of \p AbsPath if its identity still matches.
  const IndexEntry *lookup(const std::string &AbsPath,
                           const FileIdentity &Id) const;

  /// Records what this run learned about a file (thread-safe).
  void record(const std::string &AbsPath, const FileIdentity &Id,
              const ContentHash &Hash, Verdict V, uint32_t Events = 0,
              std::vector<std::string> Imports = {});

  /// The encoded facts stored for \p Hash. Corrupt: an entry exists but
  /// fails its checks (it is overwritten when the facts are stored again).
  enum class Load { Missing, Corrupt, Ok };
  Load loadFacts(const ContentHash &Hash, std::string &Payload) const;
  /// Stores encoded facts (thread-safe, atomic; failures are ignored: the
  /// cache is an optimization).
  void storeFacts(const ContentHash &Hash, std::string_view Payload);

  /// Writes the index if this run changed it. Returns false with \p Error
  /// set if it could not be written.
  bool save(std::string &Error);

  const std::string &directory() const { return NamespaceDir; }

private:
  FactsCache() = default;
  std::string entryPath(const ContentHash &Hash) const;
  void loadIndex();

  std::string NamespaceDir, IndexPath;
  int64_t RacyAfterNs = 0; // files changed after this are not indexed
  std::unordered_map<std::string, IndexEntry> Index;
  std::unordered_map<std::string, IndexEntry> Updates;
  mutable std::mutex Mu;
};

} // namespace mpguard

#endif
