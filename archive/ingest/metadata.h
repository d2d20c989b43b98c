// metadata.json of an archived version: what an archivist reads without opening the record.
// Written deterministically (sorted keys, 2-space JSON, trailing LF) so that an unchanged
// metadata file deduplicates and equal inputs give equal bytes. Format in docs/archive.md.
#pragma once
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "generator/record/record.h"

namespace gk::ingest {

// Status values of a version (docs/archive.md, "Statuses").
inline constexpr const char* kPublished = "发布";   // first publication (or re-publication)
inline constexpr const char* kCorrected = "修改";   // a correction: a changed record or PDF
inline constexpr const char* kRepealed = "废止";    // repealed by the issuer
inline constexpr const char* kExpired = "失效";     // no longer in force
inline constexpr const char* kWithdrawn = "撤回";   // withdrawn from publication
bool valid_status(std::string_view s);
const std::vector<std::string>& all_statuses();

// Logical paths inside a version.
inline constexpr const char* kRecordFile = "record.xml";
inline constexpr const char* kDocumentFile = "document.pdf";
inline constexpr const char* kMetadataFile = "metadata.json";
inline constexpr const char* kAttachmentDir = "attachments/";
inline constexpr const char* kMetadataFormat = "gongkai-version-metadata/1";

struct FileDigests {
  std::string sha512, sm3;
  bool operator==(const FileDigests&) const = default;
};
FileDigests digest_of(std::string_view bytes);

struct Metadata {
  record::Catalogue catalogue;
  std::string status;
  int version = 0;                             // N of vN
  std::map<std::string, FileDigests> files;    // every logical path but metadata.json
  std::string template_file, template_sha512;  // empty when the PDF was not rendered by gongkai
  std::string time;                            // = the OCFL version's created (RFC 3339, offset)
  std::string user_name, user_address;
  std::string message;

  std::string to_json() const;
  // Strict enough to refuse files that are not ours; `where` names the file in errors.
  static Result<Metadata> from_json(std::string_view text, const std::string& where);
};

// Catalogue fields as (key, value) pairs in a fixed order, keys as in the record XML
// ("index-no", "title", ...); keywords joined by "；". For display and diffs.
std::vector<std::pair<std::string, std::string>> catalogue_fields(const record::Catalogue& c);

}  // namespace gk::ingest
