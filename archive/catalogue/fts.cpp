#include "archive/catalogue/fts.h"

#include <string>
#include <string_view>
#include <vector>

#include "archive/catalogue/index.h"
#include "archive/catalogue/text.h"

namespace gk::catalogue {

namespace {

// First byte of a marker token: not a byte of any UTF-8 word character, so markers never mix
// with bigrams.
constexpr char kMarker = '\x01';
// First byte of a separator token: one position between the bigrams of two runs, so that the
// last bigram of one run and the first of the next are never at consecutive positions ("甲乙，乙丙"
// must not match the phrase 甲乙 乙丙 of "甲乙丙"). The next run's first character follows, so a
// phrase across runs (〔2022〕12号) reads a short doclist, not every boundary of every document.
constexpr char kSeparator = '\x02';

struct Tokenizer {};  // stateless: FTS5 wants an object per table

int tk_create(void*, const char**, int, Fts5Tokenizer** out) {
  *out = reinterpret_cast<Fts5Tokenizer*>(new Tokenizer);
  return SQLITE_OK;
}

void tk_delete(Fts5Tokenizer* t) { delete reinterpret_cast<Tokenizer*>(t); }

bool ascii_word(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

// One character of the text being tokenized: its bytes and its ASCII-folded code point, 0 when
// it is not a word character (NUL is not one either).
struct Char {
  uint32_t start, end;
  char32_t key;
};

int tk_tokenize(Fts5Tokenizer*, void* ctx, int flags, const char* text, int n,
                int (*emit)(void*, int, const char*, int, int, int)) {
  const bool document = (flags & FTS5_TOKENIZE_DOCUMENT) || (flags & FTS5_TOKENIZE_AUX);
  std::string_view s(text, static_cast<size_t>(n));
  char buf[16];
  // The text is decoded once (the markers and the bigrams each walked it: 8 % of a build).
  thread_local std::vector<Char> chars;
  chars.clear();
  const unsigned char* bmp = word_bits_bmp();
  for (size_t i = 0; i < s.size();) {
    size_t start = i;
    char32_t c = next_char(s, i);
    bool word = c < 0x80 ? ascii_word(static_cast<char>(c)) : c < 0x10000 ? ((bmp[c >> 3] >> (c & 7)) & 1) != 0 : is_word_char(c);
    chars.push_back({static_cast<uint32_t>(start), static_cast<uint32_t>(i), word ? ((c >= 'A' && c <= 'Z') ? c + 32 : c) : 0});
  }
  size_t prev_start = 0, prev_end = 0;
  bool have_prev = false, marked = false, separate = false;
  int run_len = 0;
  // Distinct characters of this text, in order of first appearance, for the marker tokens; `seen`
  // is one bit per code point, cleared again below (a hash set cost an allocation per character).
  thread_local std::vector<uint64_t> seen((0x10FFFF >> 6) + 1, 0);
  std::vector<char32_t> keys;
  struct Clear {  // on every return, errors too: the next text starts with no bit set
    std::vector<char32_t>& keys;
    ~Clear() {
      for (char32_t key : keys) seen[key >> 6] = 0;
      if (chars.capacity() > (size_t{1} << 20)) std::vector<Char>().swap(chars);  // a huge PDF's text: not kept
    }
  } clear{keys};
  auto fold_copy = [&](size_t from, size_t to, char* out) {
    int k = 0;
    for (size_t i = from; i < to; ++i) {
      char c = s[i];
      out[k++] = (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c;
    }
    return k;
  };
  auto marker = [&](size_t from, size_t to, int tflags) {
    buf[0] = kMarker;
    int k = 1 + fold_copy(from, to, buf + 1);
    return emit(ctx, tflags, buf, k, static_cast<int>(from), static_cast<int>(to));
  };
  // Markers first, all at position 0 (the bigrams follow from position 1): a position below 126
  // is one byte in each marker's poslist, where the last bigram's was two (format 8 put them
  // there; 4 % of the file at 100k).
  if (document) {
    for (const Char& ch : chars) {
      char32_t key = ch.key;
      if (!key) continue;
      uint64_t& word = seen[key >> 6];
      if (!(word & (uint64_t{1} << (key & 63)))) {
        word |= uint64_t{1} << (key & 63);
        keys.push_back(key);
        if (int rc = marker(ch.start, ch.end, marked ? FTS5_TOKEN_COLOCATED : 0); rc != SQLITE_OK) return rc;
        marked = true;
      }
    }
  }
  for (const Char& ch : chars) {
    const size_t start = ch.start, i = ch.end;
    if (!ch.key) {
      // A query's 1-character run is looked up by its marker.
      if (!document && run_len == 1)
        if (int rc = marker(prev_start, prev_end, 0); rc != SQLITE_OK) return rc;
      separate |= run_len >= 2;
      have_prev = false;
      run_len = 0;
      continue;
    }
    if (have_prev && separate) {
      // Emitted lazily, before the next bigram: runs of one character emit nothing, and nothing
      // follows the last run. A run starting with ASCII letters or digits also gets, colocated,
      // separators with its first 2 and 3 such characters: the run after 〕 in 青府办〔2020〕212号
      // is then found by "\x02212" (a few hundred documents), not "\x022" (nearly all). A query
      // uses the longest its own run shows: a doc run continuing past it has the shorter ones too.
      size_t ends[3] = {prev_end, 0, 0};
      int variants = 1;
      if (ascii_word(s[prev_start]) && i == start + 1 && ascii_word(s[start])) {
        ends[variants++] = i;
        if (i < s.size() && ascii_word(s[i])) ends[variants++] = i + 1;
      }
      buf[0] = kSeparator;
      for (int v = document ? 0 : variants - 1; v < variants; ++v) {
        int k = 1 + fold_copy(prev_start, ends[v], buf + 1);
        int tflags = document && v > 0 ? FTS5_TOKEN_COLOCATED : 0;
        if (int rc = emit(ctx, tflags, buf, k, static_cast<int>(prev_start), static_cast<int>(ends[v])); rc != SQLITE_OK)
          return rc;
      }
      separate = false;
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
  return !document && run_len == 1 ? marker(prev_start, prev_end, 0) : SQLITE_OK;
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

// gk_score(fts, args): for the phrases of the MATCH expression named by args (ScoreArgs, fts.h),
// the number of query groups with a phrase in the title column, times 1e6, plus BM25 (k1 1.2,
// b 0.75; column weights 10, 4, 1 for title, catalogue lines, body) with the caller's idf per
// phrase. The caller computes idf so that no call scans whole doclists (FTS5's bm25() counts
// every phrase's documents on its first call: 17 ms for 乡村振兴 at 100k).
void score_fn(const Fts5ExtensionApi* api, Fts5Context* fts, sqlite3_context* ctx, int argc, sqlite3_value** argv) {
  auto* args = argc == 1 ? static_cast<const ScoreArgs*>(sqlite3_value_pointer(argv[0], kScoreArgsType)) : nullptr;
  if (!args || args->phrases > static_cast<size_t>(api->xPhraseCount(fts)))
    return sqlite3_result_error(ctx, "gk_score: wrong arguments", -1);
  const RowLengths* lengths = &args->lengths;
  const int n = static_cast<int>(args->phrases);
  // Columns: fts is (body, meta, title), body first because column 0 costs no column header in
  // a poslist (index.cpp); titles is (title).
  const int title_col = api->xColumnCount(fts) == 1 ? 0 : 2;
  constexpr double k1 = 1.2, b = 0.75;
  auto weight = [title_col](int col) { return col == title_col ? 10.0 : col == 1 ? 4.0 : 1.0; };
  if (args->avg_length < 0) {
    sqlite3_int64 rows = 0, tokens = 0;
    if (api->xRowCount(fts, &rows) != SQLITE_OK || api->xColumnTotalSize(fts, -1, &tokens) != SQLITE_OK)
      return sqlite3_result_error(ctx, "gk_score: cannot read sizes", -1);
    args->avg_length = rows > 0 && tokens > 0 ? static_cast<double>(tokens) / static_cast<double>(rows) : 1.0;
  }
  const double avg = args->avg_length;
  int len = 0;
  sqlite3_int64 seq = seq_of_rowid(api->xRowid(fts));
  if (seq >= 0 && static_cast<uint64_t>(seq) < lengths->size) len = static_cast<int>(lengths->len[seq]);
  else if (api->xColumnSize(fts, -1, &len) != SQLITE_OK) return sqlite3_result_error(ctx, "gk_score: cannot read sizes", -1);
  double norm = k1 * (1 - b + b * len / avg);
  double score = 0;
  uint64_t title_groups = 0;  // bit g: group g has a phrase in the title (groups beyond 63: ignored)
  for (int i = 0; i < n; ++i) {
    int group = args->group[i];
    double idf = args->idf[i];
    if (group < 0) continue;
    Fts5PhraseIter it;
    int col = -1, off = 0;
    double tf = 0;
    if (api->xPhraseFirst(fts, i, &it, &col, &off) != SQLITE_OK) return sqlite3_result_error(ctx, "gk_score: phrase", -1);
    for (; col >= 0; api->xPhraseNext(fts, &it, &col, &off)) {
      tf += weight(col);
      if (col == title_col && group < 64) title_groups |= uint64_t{1} << group;
    }
    score += idf * tf * (k1 + 1) / (tf + norm);
  }
  sqlite3_result_double(ctx, static_cast<double>(__builtin_popcountll(title_groups)) * 1e6 + score);
}

}  // namespace

Status register_sqlite_extensions(sqlite3* db) {
  fts5_api* api = get_fts5_api(db);
  if (!api || api->iVersion < 2) return make_error("this SQLite has no FTS5");
  static fts5_tokenizer tk{tk_create, tk_delete, tk_tokenize};
  if (api->xCreateTokenizer(api, "gk_bigram", nullptr, &tk, nullptr) != SQLITE_OK)
    return make_error("cannot register the gk_bigram tokenizer");
  if (api->xCreateFunction(api, "gk_score", nullptr, score_fn, nullptr) != SQLITE_OK)
    return make_error("cannot register gk_score");
  if (sqlite3_create_function(db, "gk_contains", 2, SQLITE_UTF8 | SQLITE_DETERMINISTIC, nullptr, contains_fn,
                              nullptr, nullptr) != SQLITE_OK)
    return make_error("cannot register gk_contains");
  return {};
}

}  // namespace gk::catalogue
