// The font map: typographic roles (title, body, heading1 ...) to font faces, plus a fallback
// chain for characters a role's face lacks. Loaded from an XML file (fonts/fontmap.xml by
// default); faces are loaded once and shared. Thread-safe after load.
#pragma once
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "common/status.h"
#include "generator/font/font_face.h"

namespace gk::font {

struct Role {
  std::shared_ptr<const FontFace> face;
  double embolden = 0;  // stroke width in em (0 = none)
};

class FontMap {
 public:
  // Errors name the map file and line: unknown face, missing font file, bad index.
  static Result<std::shared_ptr<const FontMap>> load(const std::string& path);
  // The default map: $GONGKAI_DATA/fonts/fontmap.xml; loaded once per process.
  static Result<std::shared_ptr<const FontMap>> load_default();

  const Role* role(const std::string& name) const;  // nullptr if unknown
  std::vector<std::string> role_names() const;
  // The face that draws `c` for `role`: the role's own face, else the first fallback that has
  // it; nullptr if none does.
  const FontFace* face_for(const Role& role, char32_t c) const;
  std::shared_ptr<const FontFace> shared_face_for(const Role& role, char32_t c) const;
  std::string describe_faces(const Role& role) const;  // for messages
  const std::string& path() const { return path_; }
  // The map file and every font file it names (outputs must not overwrite them).
  std::vector<std::string> files() const;

 private:
  std::string path_;
  std::map<std::string, Role> roles_;
  std::vector<std::shared_ptr<const FontFace>> fallbacks_;
};

std::string data_dir();  // $GONGKAI_DATA, else the source tree the program was built from

}  // namespace gk::font
