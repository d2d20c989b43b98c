#include "generator/font/font_map.h"

#include <pugixml.hpp>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <mutex>
#include <set>

namespace gk::font {

std::string data_dir() {
  const char* env = std::getenv("GONGKAI_DATA");
  return env && *env ? env : GK_DATA_DIR;
}

namespace {

int line_of(const std::string& text, ptrdiff_t offset) {
  if (offset < 0) return 0;
  int line = 1;
  for (ptrdiff_t i = 0; i < offset && i < static_cast<ptrdiff_t>(text.size()); ++i)
    if (text[i] == '\n') ++line;
  return line;
}

}  // namespace

Result<std::shared_ptr<const FontMap>> FontMap::load(const std::string& path) {
  std::string text;
  {
    FILE* f = std::fopen(path.c_str(), "rb");
    if (!f) return make_error(std::string("cannot read font map: ") + std::strerror(errno), path);
    char buf[4096];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) text.append(buf, n);
    std::fclose(f);
  }
  pugi::xml_document doc;
  auto parsed = doc.load_buffer(text.data(), text.size());
  if (!parsed) return make_error(std::string("malformed XML: ") + parsed.description(), path, line_of(text, parsed.offset));
  auto root = doc.child("fontmap");
  if (!root) return make_error("root element must be <fontmap>", path, 1);

  auto map = std::make_shared<FontMap>();
  map->path_ = path;
  namespace fs = std::filesystem;
  fs::path base = fs::path(path).parent_path();
  std::map<std::string, std::shared_ptr<const FontFace>> faces;
  for (auto f : root.children("face")) {
    int line = line_of(text, f.offset_debug());
    std::string id = f.attribute("id").value();
    std::string file = f.attribute("file").value();
    if (id.empty() || file.empty()) return make_error("<face> needs id and file", path, line);
    fs::path fp(file);
    if (fp.is_relative()) fp = base / fp;
    auto face = FontFace::load(fp.string(), f.attribute("index").as_uint(0));
    if (!face) return make_error("face '" + id + "': " + face.error().message + ": " + fp.string(), path, line);
    faces[id] = *face;
  }
  for (auto r : root.children("role")) {
    int line = line_of(text, r.offset_debug());
    std::string name = r.attribute("name").value(), face = r.attribute("face").value();
    auto it = faces.find(face);
    if (name.empty() || it == faces.end())
      return make_error("<role> '" + name + "' names unknown face '" + face + "'", path, line);
    map->roles_[name] = Role{it->second, r.attribute("embolden").as_double(0)};
  }
  for (auto fb : root.children("fallback")) {
    auto it = faces.find(fb.attribute("face").value());
    if (it == faces.end())
      return make_error(std::string("<fallback> names unknown face '") + fb.attribute("face").value() + "'", path,
                        line_of(text, fb.offset_debug()));
    map->fallbacks_.push_back(it->second);
  }
  if (map->roles_.empty()) return make_error("font map defines no roles", path);
  return std::shared_ptr<const FontMap>(map);
}

Result<std::shared_ptr<const FontMap>> FontMap::load_default() {
  static std::mutex mu;
  static std::shared_ptr<const FontMap> cached;
  std::lock_guard lock(mu);
  if (cached) return cached;
  auto m = load(data_dir() + "/fonts/fontmap.xml");
  if (!m) return m.error();
  cached = *m;
  return cached;
}

const Role* FontMap::role(const std::string& name) const {
  auto it = roles_.find(name);
  return it == roles_.end() ? nullptr : &it->second;
}

std::vector<std::string> FontMap::files() const {
  std::set<std::string> out{path_};
  for (auto& [n, r] : roles_) out.insert(r.face->path());
  for (auto& f : fallbacks_) out.insert(f->path());
  return {out.begin(), out.end()};
}

std::vector<std::string> FontMap::role_names() const {
  std::vector<std::string> names;
  for (auto& [n, r] : roles_) names.push_back(n);
  return names;
}

std::shared_ptr<const FontFace> FontMap::shared_face_for(const Role& role, char32_t c) const {
  if (role.face->has_glyph(c)) return role.face;
  for (auto& f : fallbacks_)
    if (f->has_glyph(c)) return f;
  return nullptr;
}

const FontFace* FontMap::face_for(const Role& role, char32_t c) const { return shared_face_for(role, c).get(); }

std::string FontMap::describe_faces(const Role& role) const {
  std::string s = role.face->family();
  for (auto& f : fallbacks_)
    if (f != role.face) s += ", " + f->family();
  return s;
}

}  // namespace gk::font
