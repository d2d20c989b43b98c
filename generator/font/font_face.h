// One font face (a TrueType file, or one face of a .ttc), read through HarfBuzz: character
// coverage, advance widths for layout, vertical metrics, and per-document subsetting for the PDF.
// Thread-safe after load: layout threads share faces.
#pragma once
#include <array>
#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "common/status.h"

struct hb_face_t;
struct hb_font_t;

namespace gk::font {

class FontFace {
 public:
  static Result<std::shared_ptr<FontFace>> load(const std::string& path, unsigned index);
  ~FontFace();

  const std::string& path() const { return path_; }
  unsigned index() const { return index_; }
  const std::string& family() const { return family_; }  // from the name table, for messages

  // Characters outside the BMP are never covered: libharu 2.3.0 cannot encode them.
  bool has_glyph(char32_t c) const;
  // Advance width in em (1.0 = font size); 0 for a character without glyph.
  double advance(char32_t c) const;
  double ascender() const { return ascender_; }    // em, positive
  double descender() const { return descender_; }  // em, negative
  double cap_height() const { return cap_height_; }

  // A TrueType font with only the glyphs of `chars` (plus .notdef), from hb-subset.
  Result<std::string> subset(const std::vector<char32_t>& chars) const;

 private:
  FontFace() = default;
  std::string path_, family_;
  unsigned index_ = 0;
  hb_face_t* face_ = nullptr;        // original
  // hb_subset_preprocess'd copy: subsetting 4-6x faster, but ~60 MB per CJK face, so it is made
  // only once a face is subset a second time (batches), never for a single document.
  mutable std::atomic<hb_face_t*> prepared_{nullptr};
  mutable std::atomic<int> subsets_{0};
  mutable std::mutex prepare_mu_;
  hb_font_t* font_ = nullptr;
  unsigned upem_ = 1000;
  double ascender_ = 0.88, descender_ = -0.12, cap_height_ = 0.7;
  // BMP advance cache in font units, filled at load: layout asks for every character.
  std::vector<int32_t> advances_;    // -1 = no glyph
};

}  // namespace gk::font
