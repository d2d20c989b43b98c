// A per-document, per-font libharu CMap encoder that numbers the characters a document uses
// 1..N (two non-zero bytes each, since libharu treats text as C strings). libharu's stock UTF-8
// encoder makes every CID font cover all 65,536 BMP code points: a 128 KB CIDToGIDMap and a
// 65,536-step glyph lookup per font and document (about 6 ms). With this encoder both shrink to
// the characters actually used.
#pragma once
#include <hpdf.h>

#include <string>
#include <unordered_map>
#include <vector>

#include "common/status.h"

namespace gk::pdf {

class CidEncoding {
 public:
  explicit CidEncoding(const std::vector<char32_t>& chars);  // BMP characters, sorted, unique

  // Registers the encoder under `name` with the document (libharu owns and frees it).
  Status register_with(HPDF_Doc pdf, const std::string& name) const;
  // The code bytes for a run of characters (each must be one of `chars`).
  std::string encode(const std::u32string& text) const;
  // (code, character) pairs, for ToUnicode and CIDSet.
  const std::vector<std::pair<uint16_t, char32_t>>& codes() const { return codes_; }

 private:
  std::vector<std::pair<uint16_t, char32_t>> codes_;
  std::unordered_map<char32_t, uint16_t> code_of_;
};

}  // namespace gk::pdf
