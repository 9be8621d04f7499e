//===- ts_parse.cpp - Baseline (a): tree-sitter parse, no analysis --------===//
//
// What any tree-sitter based analyzer must pay at least: read every file of
// the list, parse it with tree-sitter-python, delete the tree. Nothing else
// (no prefilter, no traversal, no facts). Single thread, one parser reused,
// the same runtime and grammar static libraries that build/mpguard links.
//
//   ts_parse LISTFILE      (paths relative to the working directory)
//
// Prints one JSON object: files, bytes, error_trees, read_errors and
// loop_seconds (steady clock around the whole read+parse loop).
//
//===----------------------------------------------------------------------===//
#include <tree_sitter/api.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

extern "C" const TSLanguage *tree_sitter_python(void);

static bool readAll(const std::string &Path, std::string &Out) {
  FILE *F = std::fopen(Path.c_str(), "rb");
  if (!F)
    return false;
  Out.clear();
  char Buf[1 << 16];
  size_t N;
  while ((N = std::fread(Buf, 1, sizeof Buf, F)) > 0)
    Out.append(Buf, N);
  bool Ok = !std::ferror(F);
  std::fclose(F);
  return Ok;
}

int main(int argc, char **argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: ts_parse LISTFILE\n");
    return 2;
  }
  std::vector<std::string> Paths;
  {
    std::ifstream List(argv[1]);
    if (!List) {
      std::fprintf(stderr, "ts_parse: cannot read %s\n", argv[1]);
      return 2;
    }
    std::string Line;
    while (std::getline(List, Line))
      if (!Line.empty())
        Paths.push_back(Line);
  }

  TSParser *Parser = ts_parser_new();
  if (!ts_parser_set_language(Parser, tree_sitter_python())) {
    std::fprintf(stderr, "ts_parse: incompatible grammar ABI\n");
    return 2;
  }
  unsigned long long Bytes = 0, ErrorTrees = 0, ReadErrors = 0;
  std::string Text;
  auto Start = std::chrono::steady_clock::now();
  for (const std::string &P : Paths) {
    if (!readAll(P, Text)) {
      ++ReadErrors;
      continue;
    }
    Bytes += Text.size();
    TSTree *Tree = ts_parser_parse_string(Parser, nullptr, Text.data(),
                                          static_cast<uint32_t>(Text.size()));
    if (!Tree) {
      ++ErrorTrees;
      continue;
    }
    if (ts_node_has_error(ts_tree_root_node(Tree)))
      ++ErrorTrees;
    ts_tree_delete(Tree);
  }
  double Secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - Start)
          .count();
  ts_parser_delete(Parser);
  std::printf("{\"files\": %zu, \"bytes\": %llu, \"error_trees\": %llu, "
              "\"read_errors\": %llu, \"loop_seconds\": %.6f}\n",
              Paths.size(), Bytes, ErrorTrees, ReadErrors, Secs);
  return ReadErrors ? 1 : 0;
}
