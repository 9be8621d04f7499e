//===- SourceCheck.cpp ----------------------------------------------------===//
#include "python/SourceCheck.h"

#include "core/SourceFile.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <iconv.h>

namespace mpguard {
namespace python {

namespace {

void position(const std::string &Text, size_t Offset, ToolError &E) {
  SourceFile F("", "", Text.substr(0, Offset + 1));
  E.Line = F.lineOf(uint32_t(Offset));
  E.Column = F.codePointColumn(uint32_t(Offset));
  E.Utf16Column = F.utf16Column(uint32_t(Offset));
}

/// Binary data rather than text with a stray NUL: many control bytes early
/// on, as `file`/git heuristics do.
bool looksBinary(const std::string &Bytes) {
  size_t N = std::min<size_t>(Bytes.size(), 8192), Control = 0;
  for (size_t I = 0; I < N; ++I) {
    unsigned char C = Bytes[I];
    if (C < 0x20 && C != '\n' && C != '\r' && C != '\t' && C != '\f')
      ++Control;
  }
  return N && Control * 10 > N;
}

/// PEP 263: `coding[:=]\s*([-\w.]+)` in a comment on line 1 or 2.
std::string codingDeclaration(const std::string &Bytes) {
  size_t LineBegin = 0;
  for (int Line = 0; Line < 2 && LineBegin < Bytes.size(); ++Line) {
    size_t LineEnd = Bytes.find('\n', LineBegin);
    if (LineEnd == std::string::npos)
      LineEnd = Bytes.size();
    std::string L = Bytes.substr(LineBegin, LineEnd - LineBegin);
    size_t I = L.find_first_not_of(" \t\f");
    if (I == std::string::npos || L[I] != '#') {
      if (I != std::string::npos)
        return {}; // code on line 1 ends the search
      LineBegin = LineEnd + 1;
      continue;
    }
    size_t C = L.find("coding", I);
    if (C != std::string::npos && C + 6 < L.size() &&
        (L[C + 6] == ':' || L[C + 6] == '=')) {
      size_t J = C + 7;
      while (J < L.size() && (L[J] == ' ' || L[J] == '\t'))
        ++J;
      size_t K = J;
      while (K < L.size() && (std::isalnum((unsigned char)L[K]) ||
                              L[K] == '-' || L[K] == '_' || L[K] == '.'))
        ++K;
      return L.substr(J, K - J);
    }
    LineBegin = LineEnd + 1;
  }
  return {};
}

bool isUtf8Name(std::string Enc) {
  for (char &C : Enc)
    C = char(std::tolower((unsigned char)C));
  return Enc == "utf-8" || Enc == "utf8" || Enc == "utf_8" ||
         Enc.rfind("utf-8-", 0) == 0 || Enc.rfind("utf_8_", 0) == 0;
}

/// Offset of the first byte that is not part of valid UTF-8, or npos.
size_t firstInvalidUtf8(const std::string &S) {
  size_t I = 0, N = S.size();
  while (I < N) {
    unsigned char C = S[I];
    if (C < 0x80) {
      ++I;
      continue;
    }
    unsigned Len;
    uint32_t Min;
    if (C >= 0xC2 && C <= 0xDF) {
      Len = 2;
      Min = 0x80;
    } else if ((C & 0xF0) == 0xE0) {
      Len = 3;
      Min = 0x800;
    } else if (C >= 0xF0 && C <= 0xF4) {
      Len = 4;
      Min = 0x10000;
    } else {
      return I;
    }
    if (I + Len > N)
      return I;
    uint32_t CP = C & (0x7F >> Len);
    for (unsigned K = 1; K < Len; ++K) {
      unsigned char X = S[I + K];
      if ((X & 0xC0) != 0x80)
        return I;
      CP = (CP << 6) | (X & 0x3F);
    }
    if (CP < Min || CP > 0x10FFFF || (CP >= 0xD800 && CP <= 0xDFFF))
      return I;
    I += Len;
  }
  return std::string::npos;
}

/// Python codec names as iconv knows them: Python normalizes case, '_' and
/// '-' and has its own aliases ("latin-1", "l1", "iso8859_15"), glibc does
/// not.
std::string iconvName(std::string Enc) {
  for (char &C : Enc)
    C = C == '_' ? '-' : char(std::tolower((unsigned char)C));
  static const char *const Latin1[] = {"latin-1",     "latin1",    "l1",
                                       "iso-latin-1", "iso8859-1", "iso-8859-1",
                                       "8859",        "cp819",     "latin"};
  for (const char *A : Latin1)
    if (Enc == A)
      return "ISO-8859-1";
  if (Enc.rfind("iso8859-", 0) == 0)
    return "ISO-8859-" + Enc.substr(8);
  if (Enc == "ascii" || Enc == "us-ascii" || Enc == "646")
    return "ASCII";
  for (char &C : Enc)
    C = char(std::toupper((unsigned char)C));
  return Enc;
}

bool convertToUtf8(const std::string &Enc, std::string &Bytes) {
  iconv_t Cd = iconv_open("UTF-8", iconvName(Enc).c_str());
  if (Cd == (iconv_t)-1)
    return false;
  std::string Out(Bytes.size() * 4 + 16, '\0');
  char *In = Bytes.data();
  size_t InLeft = Bytes.size();
  char *OutP = Out.data();
  size_t OutLeft = Out.size();
  size_t R = iconv(Cd, &In, &InLeft, &OutP, &OutLeft);
  iconv_close(Cd);
  if (R == (size_t)-1 || InLeft != 0)
    return false;
  Out.resize(Out.size() - OutLeft);
  Bytes.swap(Out);
  return true;
}

} // namespace

bool decodePythonSource(std::string &Bytes, ToolError &Error) {
  if (Bytes.size() >= 3 && Bytes.compare(0, 3, "\xEF\xBB\xBF") == 0)
    Bytes.erase(0, 3);
  size_t Nul = Bytes.find('\0');
  if (Nul != std::string::npos) {
    Error.K = ToolError::Encoding;
    if (looksBinary(Bytes)) {
      Error.Message = "binary file, not Python source";
    } else {
      position(Bytes, Nul, Error);
      Error.Message = "source contains a NUL byte (CPython rejects it)";
    }
    return false;
  }
  std::string Enc = codingDeclaration(Bytes);
  if (!Enc.empty() && !isUtf8Name(Enc)) {
    if (!convertToUtf8(Enc, Bytes)) {
      Error.K = ToolError::Encoding;
      Error.Message =
          "cannot decode the file with its declared encoding '" + Enc + "'";
      return false;
    }
    return true;
  }
  size_t Bad = firstInvalidUtf8(Bytes);
  if (Bad != std::string::npos) {
    Error.K = ToolError::Encoding;
    position(Bytes, Bad, Error);
    char Hex[8];
    std::snprintf(Hex, sizeof(Hex), "0x%02X", (unsigned char)Bytes[Bad]);
    Error.Message = std::string("invalid UTF-8 (byte ") + Hex +
                    ") and no coding declaration";
    return false;
  }
  return true;
}

} // namespace python
} // namespace mpguard
