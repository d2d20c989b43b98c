#include "generator/model/page.h"

namespace gk::model {

int Document::face_index(const std::shared_ptr<const font::FontFace>& f) {
  for (size_t i = 0; i < faces.size(); ++i)
    if (faces[i] == f) return static_cast<int>(i);
  faces.push_back(f);
  return static_cast<int>(faces.size() - 1);
}

}  // namespace gk::model
