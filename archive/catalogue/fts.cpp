#include "archive/catalogue/fts.h"

#include <string>
#include <string_view>

#include "archive/catalogue/text.h"

namespace gk::catalogue {

namespace {

struct Tokenizer {};  // stateless: FTS5 wants an object per table

int tk_create(void*, const char**, int, Fts5Tokenizer** out) {
  *out = reinterpret_cast<Fts5Tokenizer*>(new Tokenizer);
  return SQLITE_OK;
}

void tk_delete(Fts5Tokenizer* t) { delete reinterpret_cast<Tokenizer*>(t); }

int tk_tokenize(Fts5Tokenizer*, void* ctx, int flags, const char* text, int n,
                int (*emit)(void*, int, const char*, int, int, int)) {
  const bool document = (flags & FTS5_TOKENIZE_DOCUMENT) || (flags & FTS5_TOKENIZE_AUX);
  std::string_view s(text, static_cast<size_t>(n));
  // Start offsets of the characters of the current run (at most 3 kept) and a folded buffer.
  char buf[8];
  size_t prev_start = 0, prev_end = 0;
  bool have_prev = false;
  int run_len = 0;
  auto fold_copy = [&](size_t from, size_t to, char* out) {
    int k = 0;
    for (size_t i = from; i < to; ++i) {
      char c = s[i];
      out[k++] = (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
    }
    return k;
  };
  auto end_run = [&]() -> int {
    if (!have_prev) return SQLITE_OK;
    int rc = SQLITE_OK;
    if (document || run_len == 1) {
      int k = fold_copy(prev_start, prev_end, buf);
      rc = emit(ctx, 0, buf, k, static_cast<int>(prev_start), static_cast<int>(prev_end));
    }
    have_prev = false;
    run_len = 0;
    return rc;
  };
  for (size_t i = 0; i < s.size();) {
    size_t start = i;
    char32_t c = next_char(s, i);
    if (!is_word_char(c)) {
      if (int rc = end_run(); rc != SQLITE_OK) return rc;
      continue;
    }
    if (have_prev) {
      int k = fold_copy(prev_start, prev_end, buf);
      k += fold_copy(start, i, buf + k);
      if (int rc = emit(ctx, 0, buf, k, static_cast<int>(prev_start), static_cast<int>(i)); rc != SQLITE_OK)
        return rc;
    }
    prev_start = start;
    prev_end = i;
    have_prev = true;
    ++run_len;
  }
  return end_run();
}

fts5_api* get_fts5_api(sqlite3* db) {
  fts5_api* api = nullptr;
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &st, nullptr) != SQLITE_OK) return nullptr;
  sqlite3_bind_pointer(st, 1, reinterpret_cast<void*>(&api), "fts5_api_ptr", nullptr);
  sqlite3_step(st);
  sqlite3_finalize(st);
  return api;
}

// gk_contains(text, folded_term): 1 if the term occurs in the text as written (ASCII-folded).
void contains_fn(sqlite3_context* ctx, int, sqlite3_value** argv) {
  auto* h = reinterpret_cast<const char*>(sqlite3_value_text(argv[0]));
  int hn = sqlite3_value_bytes(argv[0]);
  auto* n = reinterpret_cast<const char*>(sqlite3_value_text(argv[1]));
  int nn = sqlite3_value_bytes(argv[1]);
  if (!h || !n) {
    sqlite3_result_int(ctx, 0);
    return;
  }
  sqlite3_result_int(ctx, contains_folded({h, static_cast<size_t>(hn)}, {n, static_cast<size_t>(nn)}) ? 1 : 0);
}

}  // namespace

Status register_sqlite_extensions(sqlite3* db) {
  fts5_api* api = get_fts5_api(db);
  if (!api || api->iVersion < 2) return make_error("this SQLite has no FTS5");
  static fts5_tokenizer tk{tk_create, tk_delete, tk_tokenize};
  if (api->xCreateTokenizer(api, "gk_bigram", nullptr, &tk, nullptr) != SQLITE_OK)
    return make_error("cannot register the gk_bigram tokenizer");
  if (sqlite3_create_function(db, "gk_contains", 2, SQLITE_UTF8 | SQLITE_DETERMINISTIC, nullptr, contains_fn,
                              nullptr, nullptr) != SQLITE_OK)
    return make_error("cannot register gk_contains");
  return {};
}

}  // namespace gk::catalogue
