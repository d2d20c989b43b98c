#include "archive/ocfl/layout.h"

#include "archive/ocfl/digests.h"

namespace gk::ocfl {

std::string HashedNTupleLayout::object_path(const std::string& id) const {
  std::string d = digest_bytes(digest_algorithm, id);
  std::string out;
  for (int i = 0; i < number_of_tuples; ++i) {
    out += d.substr(static_cast<size_t>(i * tuple_size), static_cast<size_t>(tuple_size));
    out += '/';
  }
  out += short_object_root ? d.substr(static_cast<size_t>(tuple_size * number_of_tuples)) : d;
  return out;
}

Json HashedNTupleLayout::config_json() const {
  Json::Object o;
  o["extensionName"] = kLayout0004;
  o["digestAlgorithm"] = digest_algorithm;
  o["tupleSize"] = static_cast<double>(tuple_size);
  o["numberOfTuples"] = static_cast<double>(number_of_tuples);
  o["shortObjectRoot"] = short_object_root;
  return Json(std::move(o));
}

Result<HashedNTupleLayout> HashedNTupleLayout::from_config(const std::string& text, const std::string& where) {
  auto j = parse_json(text);
  if (!j) return make_error(j.error().message, where);
  if (!j->is_object()) return make_error("layout config is not a JSON object", where);
  HashedNTupleLayout l;
  if (const Json* n = j->find("extensionName"); n && (!n->is_string() || n->str() != kLayout0004))
    return make_error("extensionName is not " + std::string(kLayout0004), where);
  if (const Json* a = j->find("digestAlgorithm")) {
    if (!a->is_string() || !digest_supported(a->str())) return make_error("unsupported layout digestAlgorithm", where);
    l.digest_algorithm = a->str();
  }
  if (const Json* t = j->find("tupleSize")) {
    if (t->type() != Json::Type::number) return make_error("tupleSize is not a number", where);
    l.tuple_size = static_cast<int>(t->number());
  }
  if (const Json* t = j->find("numberOfTuples")) {
    if (t->type() != Json::Type::number) return make_error("numberOfTuples is not a number", where);
    l.number_of_tuples = static_cast<int>(t->number());
  }
  if (const Json* s = j->find("shortObjectRoot")) {
    if (s->type() != Json::Type::boolean) return make_error("shortObjectRoot is not a boolean", where);
    l.short_object_root = s->boolean();
  }
  size_t hex = digest_hex_length(l.digest_algorithm);
  if (l.tuple_size < 0 || l.tuple_size > 32 || l.number_of_tuples < 0 || l.number_of_tuples > 32 ||
      (l.tuple_size == 0) != (l.number_of_tuples == 0) ||
      static_cast<size_t>(l.tuple_size * l.number_of_tuples) > hex ||
      (l.short_object_root && static_cast<size_t>(l.tuple_size * l.number_of_tuples) == hex))
    return make_error("invalid tupleSize/numberOfTuples/shortObjectRoot combination", where);
  return l;
}

}  // namespace gk::ocfl
