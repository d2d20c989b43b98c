#include "generator/pdf/pdf_fixups.h"

#include <hpdf_doc.h>
#include <hpdf_font.h>
#include <hpdf_fontdef.h>
#include <hpdf_objects.h>
#include <hpdf_pdfa.h>
#include <hpdf_utils.h>

#include <libdeflate.h>

#include <cstdio>
#include <memory>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "common/digest.h"
#include "generator/text/utf.h"

namespace gk::pdf {
namespace {

// libdeflate level 6 measured 2x slower than level 4 for 1% smaller fonts (UMing subsets).
constexpr int kFontDeflateLevel = 4;

std::string hex4(unsigned v) {
  char b[8];
  std::snprintf(b, sizeof b, "%04X", v);
  return b;
}

// A ToUnicode CMap from each two-byte code (= CID) to its character.
std::string to_unicode_cmap(const std::vector<std::pair<uint16_t, char32_t>>& codes) {
  std::string s =
      "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
      "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
      "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
      "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n";
  for (size_t i = 0; i < codes.size(); i += 100) {
    size_t n = std::min<size_t>(100, codes.size() - i);
    s += std::to_string(n) + " beginbfchar\n";
    for (size_t k = i; k < i + n; ++k) s += "<" + hex4(codes[k].first) + "> <" + hex4(codes[k].second) + ">\n";
    s += "endbfchar\n";
  }
  s += "endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n";
  return s;
}

// libharu drops any /Filter key of an unfiltered stream; its on-write hook runs after that.
HPDF_STATUS write_flate_filter(HPDF_Dict, HPDF_Stream out) { return HPDF_Stream_WriteStr(out, "/Filter /FlateDecode\012"); }

std::string deflate_fast(const std::string& in) {
  thread_local std::unique_ptr<libdeflate_compressor, void (*)(libdeflate_compressor*)> c(
      libdeflate_alloc_compressor(kFontDeflateLevel), libdeflate_free_compressor);
  std::string out(libdeflate_zlib_compress_bound(c.get(), in.size()), '\0');
  size_t n = libdeflate_zlib_compress(c.get(), in.data(), in.size(), out.data(), out.size());
  out.resize(n);
  return out;
}

std::string xml_escape(const std::string& in) {
  std::string out;
  for (char c : in) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out.push_back(c);
    }
  }
  return out;
}

std::string data_dir() {
  const char* env = std::getenv("GONGKAI_DATA");
  return env && *env ? env : GK_DATA_DIR;
}

}  // namespace

Status fix_cid_font(HPDF_Doc pdf, HPDF_Font font, const std::vector<std::pair<uint16_t, char32_t>>& codes,
                    double cap_height_em, const std::string& font_file) {
  auto* attr = static_cast<HPDF_FontAttr>(font->attr);
  HPDF_FontDef def = attr->fontdef;
  auto* def_attr = static_cast<HPDF_TTFontDefAttr>(def->attr);
  HPDF_MMgr mmgr = font->mmgr;

  HPDF_Dict tu = HPDF_DictStream_New(mmgr, attr->xref);
  if (!tu) return make_error("libharu: cannot create ToUnicode stream");
  tu->filter = HPDF_STREAM_FILTER_FLATE_DECODE;
  std::string cmap = to_unicode_cmap(codes);
  HPDF_Stream_Write(tu->stream, reinterpret_cast<const HPDF_BYTE*>(cmap.data()), static_cast<HPDF_UINT>(cmap.size()));
  HPDF_Dict_Add(font, "ToUnicode", tu);

  // Build the descriptor now (libharu only builds it while saving, too late to add entries).
  if (!def->descriptor) {
    HPDF_Dict desc = HPDF_Dict_New(mmgr);
    HPDF_Dict data = HPDF_DictStream_New(mmgr, attr->xref);
    if (!desc || !data) return make_error("libharu: cannot create font descriptor");
    // hb-subset already made a minimal, valid font: embed its bytes instead of libharu's
    // re-serialisation, deflated here with libdeflate (several times faster than zlib).
    std::string packed = deflate_fast(font_file);
    HPDF_Stream_Write(data->stream, reinterpret_cast<const HPDF_BYTE*>(packed.data()),
                      static_cast<HPDF_UINT>(packed.size()));
    data->write_fn = write_flate_filter;  // already deflated: libharu must only declare it
    HPDF_Dict_Add(desc, "FontFile2", data);
    HPDF_Dict_AddNumber(data, "Length1", static_cast<HPDF_INT32>(font_file.size()));
    HPDF_Xref_Add(attr->xref, desc);
    HPDF_Dict_AddName(desc, "Type", "FontDescriptor");
    HPDF_Dict_AddNumber(desc, "Ascent", def->ascent);
    HPDF_Dict_AddNumber(desc, "Descent", def->descent);
    HPDF_Dict_AddNumber(desc, "CapHeight", static_cast<HPDF_INT32>(cap_height_em * 1000));
    HPDF_Dict_AddNumber(desc, "Flags", def->flags);
    HPDF_Dict_Add(desc, "FontBBox", HPDF_Box_Array_New(mmgr, def->font_bbox));
    HPDF_Dict_AddName(desc, "FontName", def_attr->base_font);
    HPDF_Dict_AddNumber(desc, "ItalicAngle", def->italic_angle);
    HPDF_Dict_AddNumber(desc, "StemV", def->stemv ? def->stemv : 80);
    // CIDSet: one bit per CID present (PDF/A-1 requires it for subset CID fonts).
    unsigned max_cid = 0;
    for (auto& [cid, c] : codes) max_cid = std::max<unsigned>(max_cid, cid);
    std::string bits(max_cid / 8 + 1, '\0');
    bits[0] = static_cast<char>(0x80);  // CID 0 (.notdef)
    for (auto& [cid, c] : codes) bits[cid / 8] = static_cast<char>(bits[cid / 8] | (0x80 >> (cid % 8)));
    HPDF_Dict set = HPDF_DictStream_New(mmgr, attr->xref);
    set->filter = HPDF_STREAM_FILTER_FLATE_DECODE;
    HPDF_Stream_Write(set->stream, reinterpret_cast<const HPDF_BYTE*>(bits.data()), static_cast<HPDF_UINT>(bits.size()));
    HPDF_Dict_Add(desc, "CIDSet", set);
    def->descriptor = desc;
  }

  // CIDToGIDMap: libharu writes it only for fonts it embeds itself.
  unsigned max_cid = 0;
  for (auto& [cid, c] : codes) max_cid = std::max<unsigned>(max_cid, cid);
  std::string map(2 * (max_cid + 1), '\0');
  for (auto& [cid, c] : codes) {
    HPDF_UINT16 gid = HPDF_TTFontDef_GetGlyphid(def, static_cast<HPDF_UINT16>(c));
    map[2 * cid] = static_cast<char>(gid >> 8);
    map[2 * cid + 1] = static_cast<char>(gid & 0xFF);
  }
  HPDF_Dict gmap = HPDF_DictStream_New(mmgr, attr->xref);
  if (!gmap) return make_error("libharu: cannot create CIDToGIDMap");
  gmap->filter = HPDF_STREAM_FILTER_FLATE_DECODE;
  HPDF_Stream_Write(gmap->stream, reinterpret_cast<const HPDF_BYTE*>(map.data()), static_cast<HPDF_UINT>(map.size()));
  HPDF_Dict_Add(attr->descendant_font, "CIDToGIDMap", gmap);
  return {};
}

std::string subset_tag(size_t face) {
  std::string tag = "GKAAAA";
  for (int k = 5; k >= 2 && face > 0; --k, face /= 26) tag[k] = static_cast<char>('A' + face % 26);
  return tag;
}

void rename_font(HPDF_Doc pdf, const char* old_name, const std::string& new_name) {
  HPDF_FontDef def = HPDF_Doc_FindFontDef(pdf, old_name);
  if (!def) return;
  auto* attr = static_cast<HPDF_TTFontDefAttr>(def->attr);
  HPDF_StrCpy(def->base_font, new_name.c_str(), def->base_font + HPDF_LIMIT_MAX_NAME_LEN);
  HPDF_StrCpy(attr->base_font, new_name.c_str(), attr->base_font + HPDF_LIMIT_MAX_NAME_LEN);
}

void fix_annotation(HPDF_Annotation a) { HPDF_Dict_AddNumber(a, "F", 4); }  // Print

Status add_outline(HPDF_Doc pdf, const model::Document& d) {
  if (d.outline.empty()) return {};
  HPDF_Encoder enc = HPDF_GetEncoder(pdf, "UTF-8");
  std::vector<HPDF_Outline> parents{nullptr};  // parents[level-1]
  for (auto& e : d.outline) {
    int level = std::max(1, e.level);
    if (static_cast<int>(parents.size()) > level) parents.resize(level);
    while (static_cast<int>(parents.size()) < level) parents.push_back(parents.back());
    HPDF_Outline o = HPDF_CreateOutline(pdf, parents[level - 1], e.title.c_str(), enc);
    if (!o) return make_error("libharu: cannot create bookmark (error " + std::to_string(HPDF_GetError(pdf)) + ") for '" + e.title + "'");
    HPDF_Page page = HPDF_GetPageByIndex(pdf, static_cast<HPDF_UINT>(e.page));
    if (page) {
      // A direct [page /FitH top] array: PDFBox Preflight rejects libharu's indirect destinations.
      HPDF_Array dst = HPDF_Array_New(pdf->mmgr);
      HPDF_Array_Add(dst, page);
      HPDF_Array_AddName(dst, "FitH");
      HPDF_Array_AddReal(dst, static_cast<HPDF_REAL>(HPDF_Page_GetHeight(page) - e.y));
      HPDF_Dict_Add(o, "Dest", dst);
    }
    HPDF_Outline_SetOpened(o, HPDF_FALSE);
    parents.push_back(o);
  }
  return {};
}

Status add_pdfa_metadata(HPDF_Doc pdf, const model::Document& d) {
  const model::Info& info = d.info;
  std::string producer = "gongkai (libharu 2.3.0)";
  HPDF_SetInfoAttr(pdf, HPDF_INFO_TITLE, info.title.c_str());
  if (!info.author.empty()) HPDF_SetInfoAttr(pdf, HPDF_INFO_AUTHOR, info.author.c_str());
  if (!info.subject.empty()) HPDF_SetInfoAttr(pdf, HPDF_INFO_SUBJECT, info.subject.c_str());
  if (!info.keywords.empty()) HPDF_SetInfoAttr(pdf, HPDF_INFO_KEYWORDS, info.keywords.c_str());
  HPDF_SetInfoAttr(pdf, HPDF_INFO_CREATOR, info.creator.c_str());
  HPDF_SetInfoAttr(pdf, HPDF_INFO_PRODUCER, producer.c_str());
  int y = 2000, m = 1, day = 1;
  if (info.created.size() == 10) std::sscanf(info.created.c_str(), "%d-%d-%d", &y, &m, &day);
  HPDF_Date date{y, m, day, 0, 0, 0, '+', 8, 0};
  HPDF_SetInfoDateAttr(pdf, HPDF_INFO_CREATION_DATE, date);
  HPDF_SetInfoDateAttr(pdf, HPDF_INFO_MOD_DATE, date);
  char iso[40];
  std::snprintf(iso, sizeof iso, "%04d-%02d-%02dT00:00:00+08:00", y, m, day);

  std::string xmp =
      "<?xpacket begin=\"\xEF\xBB\xBF\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\n"
      "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\">\n"
      "<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">\n"
      "<rdf:Description rdf:about=\"\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\">\n"
      "<dc:format>application/pdf</dc:format>\n"
      "<dc:title><rdf:Alt><rdf:li xml:lang=\"x-default\">" + xml_escape(info.title) + "</rdf:li></rdf:Alt></dc:title>\n";
  if (!info.author.empty())
    xmp += "<dc:creator><rdf:Seq><rdf:li>" + xml_escape(info.author) + "</rdf:li></rdf:Seq></dc:creator>\n";
  if (!info.subject.empty())
    xmp += "<dc:description><rdf:Alt><rdf:li xml:lang=\"x-default\">" + xml_escape(info.subject) +
           "</rdf:li></rdf:Alt></dc:description>\n";
  xmp += "</rdf:Description>\n"
         "<rdf:Description rdf:about=\"\" xmlns:xmp=\"http://ns.adobe.com/xap/1.0/\">\n"
         "<xmp:CreatorTool>" + xml_escape(info.creator) + "</xmp:CreatorTool>\n"
         "<xmp:CreateDate>" + iso + "</xmp:CreateDate>\n<xmp:ModifyDate>" + iso + "</xmp:ModifyDate>\n"
         "</rdf:Description>\n"
         "<rdf:Description rdf:about=\"\" xmlns:pdf=\"http://ns.adobe.com/pdf/1.3/\">\n"
         "<pdf:Producer>" + xml_escape(producer) + "</pdf:Producer>\n";
  if (!info.keywords.empty()) xmp += "<pdf:Keywords>" + xml_escape(info.keywords) + "</pdf:Keywords>\n";
  xmp += "</rdf:Description>\n"
         "<rdf:Description rdf:about=\"\" xmlns:pdfaid=\"http://www.aiim.org/pdfa/ns/id/\">\n"
         "<pdfaid:part>1</pdfaid:part>\n<pdfaid:conformance>B</pdfaid:conformance>\n"
         "</rdf:Description>\n</rdf:RDF>\n</x:xmpmeta>\n<?xpacket end=\"w\"?>";

  HPDF_Dict meta = HPDF_DictStream_New(pdf->mmgr, pdf->xref);
  if (!meta) return make_error("libharu: cannot create metadata stream");
  meta->filter = HPDF_STREAM_FILTER_NONE;  // PDF/A: XMP must be readable without filters
  HPDF_Dict_AddName(meta, "Type", "Metadata");
  HPDF_Dict_AddName(meta, "Subtype", "XML");
  HPDF_Stream_Write(meta->stream, reinterpret_cast<const HPDF_BYTE*>(xmp.data()), static_cast<HPDF_UINT>(xmp.size()));
  HPDF_Dict_Add(pdf->catalog, "Metadata", meta);

  std::string icc_path = data_dir() + "/fonts/sRGB.icc";
  if (!std::filesystem::exists(icc_path)) icc_path = "/usr/share/color/icc/sRGB.icc";
  HPDF_OutputIntent icc = HPDF_LoadIccProfileFromFile(pdf, icc_path.c_str(), 3);
  if (!icc) return make_error("cannot load the sRGB ICC profile (package icc-profiles-free)", icc_path);
  HPDF_PDFA_AppendOutputIntents(pdf, "sRGB IEC61966-2.1", icc);
  pdf->pdf_version = HPDF_VER_14;

  // /ID: two copies of a digest of the document's identity, stable for identical input.
  std::string seed = info.title + "\n" + info.author + "\n" + info.created + "\n" + std::to_string(d.pages.size());
  for (auto& p : d.pages)
    for (auto& t : p.texts) seed += text::to_utf8(t.text);
  std::string id = digest_binary(DigestAlgorithm::sha256, seed).substr(0, 16);
  HPDF_Array ids = HPDF_Array_New(pdf->mmgr);
  HPDF_Array_Add(ids, HPDF_Binary_New(pdf->mmgr, reinterpret_cast<HPDF_BYTE*>(id.data()), 16));
  HPDF_Array_Add(ids, HPDF_Binary_New(pdf->mmgr, reinterpret_cast<HPDF_BYTE*>(id.data()), 16));
  HPDF_Dict_Add(pdf->trailer, "ID", ids);
  return {};
}

}  // namespace gk::pdf
