#include "generator/pdf/cid_encoder.h"

#include <hpdf_doc.h>
#include <hpdf_encoder.h>
#include <hpdf_utils.h>

#include <algorithm>

namespace gk::pdf {
namespace {

HPDF_BOOL any_byte(HPDF_Encoder, HPDF_BYTE) { return HPDF_TRUE; }  // every code is two bytes
HPDF_STATUS no_init(HPDF_Encoder) { return HPDF_OK; }

}  // namespace

CidEncoding::CidEncoding(const std::vector<char32_t>& chars) {
  codes_.reserve(chars.size());
  for (size_t k = 0; k < chars.size(); ++k) {
    auto code = static_cast<uint16_t>(((1 + k / 255) << 8) | (1 + k % 255));
    codes_.emplace_back(code, chars[k]);
    code_of_[chars[k]] = code;
  }
}

std::string CidEncoding::encode(const std::u32string& text) const {
  std::string out;
  out.reserve(text.size() * 2);
  for (char32_t c : text) {
    uint16_t code = code_of_.at(c);
    out.push_back(static_cast<char>(code >> 8));
    out.push_back(static_cast<char>(code & 0xFF));
  }
  return out;
}

Status CidEncoding::register_with(HPDF_Doc pdf, const std::string& name) const {
  if (codes_.size() > 255 * 255) return make_error("too many distinct characters in one font");
  HPDF_Encoder enc = HPDF_CMapEncoder_New(pdf->mmgr, const_cast<char*>(name.c_str()), no_init);
  if (!enc || HPDF_CMapEncoder_InitAttr(enc) != HPDF_OK) return make_error("libharu: cannot create encoder");
  auto* attr = static_cast<HPDF_CMapEncoderAttr>(enc->attr);

  std::vector<HPDF_CidRange_Rec> ranges;
  for (size_t k = 0; k < codes_.size(); k += 255) {
    uint16_t from = codes_[k].first;
    uint16_t to = codes_[std::min(codes_.size(), k + 255) - 1].first;
    ranges.push_back({from, to, from});
  }
  // libharu writes /W for CIDs below the largest one only: one unused code past the end makes
  // the last real character get its width.
  size_t n = codes_.size();
  auto sentinel = static_cast<uint16_t>(((1 + n / 255) << 8) | (1 + n % 255));
  ranges.push_back({sentinel, sentinel, sentinel});
  ranges.push_back({0xFFFF, 0xFFFF, 0});
  if (HPDF_CMapEncoder_AddCMap(enc, ranges.data()) != HPDF_OK) return make_error("libharu: encoder ranges");

  std::vector<HPDF_UnicodeMap_Rec> uni;
  uni.reserve(codes_.size() + 1);
  for (auto& [code, c] : codes_) uni.push_back({code, static_cast<HPDF_UINT16>(c)});
  uni.push_back({0xFFFF, 0xFFFF});
  HPDF_CMapEncoder_SetUnicodeArray(enc, uni.data());

  HPDF_CMapEncoder_AddCodeSpaceRange(enc, HPDF_CidRange_Rec{0x0101, 0xFFFF, 0});
  attr->is_lead_byte_fn = any_byte;
  attr->is_trial_byte_fn = any_byte;
  HPDF_StrCpy(attr->registry, "Adobe", attr->registry + HPDF_LIMIT_MAX_NAME_LEN);
  HPDF_StrCpy(attr->ordering, "Identity", attr->ordering + HPDF_LIMIT_MAX_NAME_LEN);
  attr->suppliment = 0;
  attr->writing_mode = HPDF_WMODE_HORIZONTAL;
  enc->type = HPDF_ENCODER_TYPE_DOUBLE_BYTE;
  if (HPDF_Doc_RegisterEncoder(pdf, enc) != HPDF_OK) return make_error("libharu: cannot register encoder");
  return {};
}

}  // namespace gk::pdf
