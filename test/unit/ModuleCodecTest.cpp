// The facts cache's codec: every module survives a round trip unchanged,
// and corrupt bytes are rejected (or decode to something valid), never
// crash or yield dangling indices.
#include "python/ModuleCodec.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

#include <gtest/gtest.h>

using namespace mpguard;
using namespace mpguard::python;

namespace {

std::unique_ptr<PythonModule> build(const std::string &Source) {
  auto File = std::make_shared<const SourceFile>("t.py", "/t.py", Source);
  ParseFailure Error;
  auto M = buildPythonModule(File, Error);
  EXPECT_TRUE(M) << Error.Message;
  return M;
}

std::string encode(const PythonModule &M) {
  std::string Out;
  encodeModuleFacts(M, Out);
  return Out;
}

bool decodeInto(const PythonModule &Like, std::string_view Bytes,
                PythonModule &Out) {
  Out.File = Like.File;
  return decodeModuleFacts(Bytes, Out);
}

const char *const Sample =
    "import multiprocessing as mp\n"
    "from concurrent.futures import ProcessPoolExecutor\n"
    "class W(mp.Process):\n"
    "    def run(self):\n"
    "        print([x for x in range(3)], lambda y: y)\n"
    "def work(n, *, k=1):\n"
    "    global G\n"
    "    G = n\n"
    "    return n\n"
    "mp.set_start_method('spawn', force=True)\n"
    "with mp.Pool(2) as p:\n"
    "    p.map(work, [1, 2])\n"
    "if __name__ == '__main__':\n"
    "    W().start()\n"
    "    s = '''a\nb'''\n"
    "else:\n"
    "    ProcessPoolExecutor().submit(work, 1)\n";

} // namespace

TEST(ModuleCodec, RoundTripsEveryExampleUnchanged) {
  std::vector<std::string> Files;
  for (const char *Dir : {"rules/python", "test/rules"}) {
    std::error_code EC;
    llvm::SmallString<256> Root(MPGUARD_SOURCE_ROOT);
    llvm::sys::path::append(Root, Dir);
    for (llvm::sys::fs::recursive_directory_iterator It(Root, EC), End;
         It != End && !EC; It.increment(EC))
      if (llvm::sys::path::extension(It->path()) == ".py")
        Files.push_back(It->path());
  }
  ASSERT_GE(Files.size(), 4u);
  size_t Checked = 0;
  for (const std::string &F : Files) {
    auto Buf = llvm::MemoryBuffer::getFile(F);
    ASSERT_TRUE(bool(Buf)) << F;
    auto File = std::make_shared<const SourceFile>(
        F, F, std::string((*Buf)->getBuffer()));
    ParseFailure Error;
    auto M = buildPythonModule(File, Error);
    if (!M)
      continue; // inputs with deliberate syntax errors
    std::string Bytes = encode(*M);
    PythonModule D;
    ASSERT_TRUE(decodeInto(*M, Bytes, D)) << F;
    EXPECT_EQ(encode(D), Bytes) << F;
    EXPECT_EQ(D.Events.size(), M->Events.size()) << F;
    ++Checked;
  }
  EXPECT_GE(Checked, 4u);
}

TEST(ModuleCodec, RoundTripsTheSample) {
  auto M = build(Sample);
  std::string Bytes = encode(*M);
  PythonModule D;
  ASSERT_TRUE(decodeInto(*M, Bytes, D));
  EXPECT_EQ(encode(D), Bytes);
  ASSERT_FALSE(D.Events.empty());
  EXPECT_EQ(D.Events[0].What, M->Events[0].What);
  EXPECT_EQ(D.Scopes.size(), M->Scopes.size());
}

TEST(ModuleCodec, KeepsForkContextEventsAndRejectsUnknownKinds) {
  auto M = build("import multiprocessing as mp\n"
                 "ctx = mp.get_context('fork')\n");
  ASSERT_EQ(M->Events.size(), 1u);
  ASSERT_EQ(M->Events[0].Kind, EventKind::ForkContext);
  PythonModule D;
  ASSERT_TRUE(decodeInto(*M, encode(*M), D));
  EXPECT_EQ(D.Events[0].Kind, EventKind::ForkContext);
  EXPECT_EQ(D.Events[0].Target, "fork");
  PythonModule Bad = *M;
  Bad.Events[0].Kind = EventKind(UINT8_MAX); // past the last kind
  PythonModule B;
  EXPECT_FALSE(decodeInto(*M, encode(Bad), B));
}

TEST(ModuleCodec, RejectsEveryTruncation) {
  auto M = build(Sample);
  std::string Bytes = encode(*M);
  for (size_t N = 0; N < Bytes.size(); ++N) {
    PythonModule D;
    EXPECT_FALSE(decodeInto(*M, std::string_view(Bytes).substr(0, N), D))
        << "accepted a prefix of " << N << " bytes";
  }
  PythonModule D;
  EXPECT_FALSE(decodeInto(*M, Bytes + "x", D)) << "accepted trailing bytes";
}

TEST(ModuleCodec, SurvivesEveryByteFlip) {
  auto M = build(Sample);
  std::string Bytes = encode(*M);
  size_t Accepted = 0;
  for (size_t I = 0; I < Bytes.size(); ++I)
    for (uint8_t Mask : {0x01, 0x80, 0xff}) {
      std::string Bad = Bytes;
      Bad[I] = char(uint8_t(Bad[I]) ^ Mask);
      PythonModule D;
      Accepted += decodeInto(*M, Bad, D); // must not crash either way
    }
  // Some flips (a flag, a character of a name) still decode to valid facts.
  EXPECT_LT(Accepted, Bytes.size() * 3);
}

TEST(ModuleCodec, RejectsDanglingIndicesAndCycles) {
  auto M = build(Sample);
  ASSERT_GE(M->Exprs.size(), 2u);
  {
    PythonModule Bad = *M;
    Bad.Exprs[1].Base = 1; // an expression that is its own operand
    PythonModule D;
    EXPECT_FALSE(decodeInto(*M, encode(Bad), D));
  }
  {
    PythonModule Bad = *M;
    Bad.Exprs[0].Args.push_back(ExprId(Bad.Exprs.size()));
    PythonModule D;
    EXPECT_FALSE(decodeInto(*M, encode(Bad), D));
  }
  {
    PythonModule Bad = *M;
    Bad.Events[0].SiteIndex = uint32_t(Bad.Calls.size() + 5);
    PythonModule D;
    EXPECT_FALSE(decodeInto(*M, encode(Bad), D));
  }
  {
    PythonModule Bad = *M;
    Bad.Scopes[1].Parent = 1;
    PythonModule D;
    EXPECT_FALSE(decodeInto(*M, encode(Bad), D));
  }
  {
    PythonModule Bad = *M;
    Bad.Exprs[0].Range.End = uint32_t(M->File->text().size() + 1);
    PythonModule D;
    EXPECT_FALSE(decodeInto(*M, encode(Bad), D));
  }
}
