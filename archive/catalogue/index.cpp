#include "archive/catalogue/index.h"

#include <mimalloc.h>

#include <filesystem>
#include <mutex>

#include "archive/catalogue/checksum_vfs.h"
#include "archive/catalogue/fts.h"
#include "common/dates.h"
#include "common/text_input.h"

namespace gk::catalogue {

namespace {

constexpr int kApplicationId = 0x676b6361;  // "gkca"
// 10: text read as the templates draw it (text/reading.h: no space between Han characters across
// a line break in the record, no invisible characters), so catalogues of 9 are rebuilt.
// 12: every page carries a checksum (checksum_vfs.h): a changed bit inside an FTS5 leaf or a
// stored text gave wrong results that quick_check did not see. And objects.inventory: the head's
// inventory digest, so a catalogue of another store with the same directories is found.
// 13: FTS5 automerge 8 instead of 4: each row is rewritten by fewer merges (build 11-20 % faster at
// 100k, side by side) for about the same query time (docs/search.md).
// 14: the catalogue lines also hold the 主题分类 and the 成文日期 as the PDF prints it (2023年12月8日):
// both are on the page or in the 公开目录, and searching them found nothing.
// 15: versions.damage names the files a version was indexed without (extract.cpp): one damaged
// content file used to stop every search and reindex of the archive.
// 16: table `unreadable`: object directories whose inventory could not be read at the rebuild
// (catalogue.cpp): one flipped byte in an inventory stopped every rebuild.
constexpr int kFormatVersion = 16;  // also PRAGMA user_version in kSchema

// Settings that decide the file's bytes are fixed here, before the first table exists.
const char* kSchema = R"sql(
PRAGMA page_size=4096;
PRAGMA auto_vacuum=NONE;
PRAGMA encoding='UTF-8';
PRAGMA application_id=1735091041;
PRAGMA user_version=16;
BEGIN;
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE objects(dir TEXT PRIMARY KEY, object_id TEXT NOT NULL, head INTEGER NOT NULL, inventory TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE unreadable(dir TEXT PRIMARY KEY, why TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE versions(
  seq INTEGER PRIMARY KEY, object_id TEXT NOT NULL, version INTEGER NOT NULL,
  created TEXT NOT NULL, created_date TEXT NOT NULL, until_date TEXT,
  index_no TEXT, title TEXT, issuer TEXT, doc_number TEXT, genre TEXT, subject TEXT,
  keywords TEXT, summary TEXT, written_date TEXT, published_date TEXT, mode TEXT, scope TEXT,
  validity TEXT, status TEXT NOT NULL, digest TEXT, damage TEXT);
CREATE UNIQUE INDEX versions_by_object ON versions(object_id, version);
-- Rows the default search leaves out (superseded or withdrawn): read whole per query, kept small.
CREATE INDEX versions_hidden ON versions(seq) WHERE until_date IS NOT NULL OR status IN ('撤回', '');
CREATE INDEX versions_damaged ON versions(seq) WHERE damage IS NOT NULL;
CREATE TABLE texts(seq INTEGER PRIMARY KEY, text TEXT NOT NULL);
-- Body first: column 0 needs no column header in a poslist (2 bytes less per body term and
-- document: 21 % of the file at 100k).
CREATE VIRTUAL TABLE fts USING fts5(body, meta, title, content='', tokenize='gk_bigram', detail=full);
-- pgsz: a leaf and its record header fit the 4,088 usable bytes of a page (8 are the checksum's);
-- 4050 spilled leaves to overflow pages (9 % more file).
INSERT INTO fts(fts, rank) VALUES('pgsz', 4042);
-- Merge 8 segments of a level at a time: at 100k rows, 4 rewrote each row about 3 times; the
-- queries read a few more segments (measured the same within noise).
INSERT INTO fts(fts, rank) VALUES('automerge', 8);
INSERT INTO fts(fts, rank) VALUES('crisismerge', 16);
INSERT INTO fts(fts, rank) VALUES('hashsize', 67108864);
-- The titles again, alone: title matches are found in short doclists (search.cpp, tier 1).
CREATE VIRTUAL TABLE titles USING fts5(title, content='', tokenize='gk_bigram', detail=full);
INSERT INTO titles(titles, rank) VALUES('pgsz', 4042);
INSERT INTO titles(titles, rank) VALUES('automerge', 4);
INSERT INTO titles(titles, rank) VALUES('crisismerge', 16);
INSERT INTO titles(titles, rank) VALUES('hashsize', 1048576);
INSERT INTO meta(key, value) VALUES('last_key', '');
COMMIT;
)sql";

// quick_check's first finding as one line ("*** in database main ***\nOn tree page 9 ...": its
// lines joined by "; "), at most 200 bytes, cut at a character boundary.
std::string one_line(const std::string& raw) {
  std::string out;
  // Per line: a damaged schema's bytes may reach the message, and must not reach a terminal.
  for (size_t a = 0; a <= raw.size();) {
    size_t b = std::min(raw.find('\n', a), raw.size());
    std::string line = for_terminal(std::string_view(raw).substr(a, b - a));
    if (!line.empty()) out += (out.empty() ? "" : "; ") + line;
    a = b + 1;
  }
  if (out.size() > 200) {
    size_t cut = 200;
    while (cut > 0 && (static_cast<unsigned char>(out[cut]) & 0xC0) == 0x80) --cut;
    out = out.substr(0, cut) + " ...";
  }
  return out;
}

std::string join(const std::vector<std::string>& v, const char* sep) {
  std::string out;
  for (size_t i = 0; i < v.size(); ++i) out += (i ? sep : "") + v[i];
  return out;
}

// "2023-12-08" as GB/T 9704 prints a 成文日期: 2023年12月8日 (no leading zeros); "" if not a date.
std::string printed_date(const std::string& iso) {
  if (!is_calendar_date(iso)) return "";
  return iso.substr(0, 4) + "年" + std::to_string(std::stoi(iso.substr(5, 2))) + "月" + std::to_string(std::stoi(iso.substr(8, 2))) + "日";
}

std::string meta_text(const Entry& e) {
  std::vector<std::string> parts;
  const std::string written = printed_date(e.written_date);
  for (const std::string* s : {&e.index_no, &e.doc_number, &e.issuer, &e.subject, &written})
    if (!s->empty()) parts.push_back(*s);
  for (const auto& k : e.keywords) parts.push_back(k);
  if (!e.summary.empty()) parts.push_back(e.summary);
  return join(parts, "\n");
}

Result<sqlite3*> open_db(const std::string& path, int flags) {
  // FTS5 builds its pending index in a hash table of small blocks touched at random; on 4 KiB
  // pages nearly every touch misses the TLB. mimalloc, the process allocator (linked in by
  // CMake), can back its segments with 2 MiB pages: the 100k-document bench built in 125 s
  // instead of 198 s with glibc malloc, to the same bytes (docs/search.md).
  static std::once_flag large_pages;
  std::call_once(large_pages, [] {
    mi_option_enable(mi_option_large_os_pages);
    // No memory statistics: each SQLite allocation took a global mutex for them (2-3 % of a
    // query). Too late (SQLITE_MISUSE) when something initialised SQLite first: harmless.
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
  });
  if (auto s = register_checksum_vfs(); !s) return s.error();
  sqlite3* db = nullptr;
  // One connection is used by one thread at a time: no per-call mutex.
  int rc = sqlite3_open_v2(path.c_str(), &db, flags | SQLITE_OPEN_NOMUTEX, kChecksumVfs);
  if (rc != SQLITE_OK) {
    std::string msg = db ? db_error(db) : std::string(sqlite3_errstr(rc));
    sqlite3_close(db);
    return make_error("cannot open catalogue: " + msg, path);
  }
  sqlite3_busy_timeout(db, 10000);
  // Cache and mmap sizes change speed only, never the file's bytes. Mapped pages are checked
  // too (checksum_vfs.h). secure_delete does change them (freed pages zeroed or left as they
  // were) and its default is a compile-time choice (ON in Debian's SQLite): set, so that a
  // catalogue checked by a gongkai linked to another SQLite build is rebuilt to the same bytes.
  sqlite3_exec(db, "PRAGMA cache_size=-262144; PRAGMA mmap_size=4294967296; PRAGMA secure_delete=ON", nullptr, nullptr, nullptr);
  sqlite3_extended_result_codes(db, 1);
  if (auto s = register_sqlite_extensions(db); !s) {
    sqlite3_close(db);
    return s.error();
  }
  return db;
}

}  // namespace

std::string searchable_text(const Entry& e) {
  std::string m = meta_text(e);
  // The blank line marks where the body starts (title and catalogue lines are never blank).
  return e.title + "\n" + m + "\n\n" + e.body;
}

Status exec(sqlite3* db, const std::string& sql) {
  char* err = nullptr;
  if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
    std::string msg = for_terminal(err ? err : "unknown error");
    sqlite3_free(err);
    return make_error("catalogue database error: " + msg);
  }
  return {};
}

Stmt::Stmt(sqlite3* db, const std::string& sql) {
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &st_, nullptr) != SQLITE_OK) {
    // A page failing its checksum, or corrupt, while preparing (FTS5 reads its config and
    // structure then): damage, so that callers rebuild rather than fail until the next writer.
    int code = sqlite3_extended_errcode(db);
    bool damage = code == SQLITE_IOERR_DATA || (code & 0xff) == SQLITE_CORRUPT || (code & 0xff) == SQLITE_NOTADB;
    error_ = std::string(damage ? "damaged: " : "catalogue database error: ") + db_error(db);
    st_ = nullptr;
  }
}
Stmt::~Stmt() { sqlite3_finalize(st_); }
Stmt& Stmt::bind(int i, const std::string& v) {
  sqlite3_bind_text(st_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
  return *this;
}
Stmt& Stmt::bind(int i, int64_t v) {
  sqlite3_bind_int64(st_, i, v);
  return *this;
}
Stmt& Stmt::bind_null(int i) {
  sqlite3_bind_null(st_, i);
  return *this;
}
int Stmt::step() { return sqlite3_step(st_); }
std::string Stmt::text(int col) const {
  auto* p = reinterpret_cast<const char*>(sqlite3_column_text(st_, col));
  return p ? std::string(p, static_cast<size_t>(sqlite3_column_bytes(st_, col))) : std::string();
}
int64_t Stmt::integer(int col) const { return sqlite3_column_int64(st_, col); }
double Stmt::real(int col) const { return sqlite3_column_double(st_, col); }
bool Stmt::is_null(int col) const { return sqlite3_column_type(st_, col) == SQLITE_NULL; }

Stmt& Index::prepared(const char* sql) const {
  auto& slot = cache_[sql];
  if (!slot) slot = std::make_unique<Stmt>(db(), sql);
  if (slot->ok()) {
    sqlite3_reset(slot->raw());
    sqlite3_clear_bindings(slot->raw());
  }
  return *slot;
}

void Index::reset_statements() const {
  for (auto& [sql, st] : cache_)
    if (st && st->ok()) sqlite3_reset(st->raw());
}

Result<Index> Index::create(const std::string& path, bool durable) {
  std::error_code ec;
  if (std::filesystem::exists(path, ec)) return make_error("catalogue file already exists", path);
  auto db = open_db(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  if (!db) return db.error();
  Index ix(*db, path);
  // journal_mode and synchronous change how a commit reaches the disk, not the bytes committed.
  if (auto s = exec(ix.db(), std::string("PRAGMA journal_mode=") + (durable ? "DELETE" : "MEMORY") +
                                ";PRAGMA synchronous=" + (durable ? "FULL" : "OFF"));
      !s)
    return s.error();
  // Room for each page's checksum (checksum_vfs.h), fixed before the first page is written.
  int reserve = kChecksumReserve;
  if (sqlite3_file_control(ix.db(), "main", SQLITE_FCNTL_RESERVE_BYTES, &reserve) != SQLITE_OK)
    return make_error("cannot reserve room for page checksums", path);
  if (auto s = exec(ix.db(), kSchema); !s) return Error{path, 0, s.error().message};
  return ix;
}

Status Index::roll_back_hot_journal(const std::string& path) {
  std::error_code ec;
  // SQLite follows a symlink to the catalogue, and keeps the journal beside the target.
  std::string real = std::filesystem::is_symlink(path, ec) ? std::filesystem::canonical(path, ec).string() : path;
  if (ec || std::filesystem::file_size(real + "-journal", ec) == 0 || ec) return {};
  auto db = open_db(path, SQLITE_OPEN_READWRITE);
  if (!db) return db.error();
  Index ix(*db, path);
  // Any read makes SQLite check for a hot journal and roll it back (under its exclusive lock;
  // a journal of a writer still running is not hot, and is left alone).
  Stmt s(ix.db(), "SELECT count(*) FROM sqlite_master");
  if (!s.ok() || s.step() != SQLITE_ROW) return make_error("damaged: " + (s.ok() ? db_error(ix.db()) : s.error()), path);
  return {};
}

Result<Index> Index::open(const std::string& path, bool writable, bool check) {
  auto db = open_db(path, writable ? SQLITE_OPEN_READWRITE : SQLITE_OPEN_READONLY);
  if (!db) return db.error();
  Index ix(*db, path);
  if (writable) {
    if (auto s = exec(ix.db(), "PRAGMA journal_mode=DELETE;PRAGMA synchronous=FULL"); !s)
      return make_error("damaged: " + s.error().message, path);
  }
  Stmt h(ix.db(), "PRAGMA application_id");
  if (!h.ok() || h.step() != SQLITE_ROW) return make_error("damaged: " + (h.ok() ? db_error(ix.db()) : h.error()), path);
  if (h.integer(0) != kApplicationId) return make_error("damaged: not a gongkai catalogue", path);
  Stmt u(ix.db(), "PRAGMA user_version");
  if (!u.ok() || u.step() != SQLITE_ROW) return make_error("damaged: cannot read the format version", path);
  if (u.integer(0) != kFormatVersion)
    return make_error("damaged: " + std::string(kOtherFormat) + " (format " + std::to_string(u.integer(0)) + "; this gongkai reads " +
                          std::to_string(kFormatVersion) + ")",
                      path);
  int reserve = -1;  // -1 reads the current value
  if (sqlite3_file_control(ix.db(), "main", SQLITE_FCNTL_RESERVE_BYTES, &reserve) != SQLITE_OK || reserve != kChecksumReserve)
    return make_error("damaged: its pages carry no checksums (reserved bytes " + std::to_string(reserve) + ")", path);
  if (check) {
    forget_checksum_failure();
    Stmt q(ix.db(), "PRAGMA quick_check");
    if (!q.ok()) return make_error("damaged: " + q.error(), path);
    int rc = q.step();
    if (rc != SQLITE_ROW) return make_error(std::string("damaged: ") + db_error(ix.db()), path);
    if (q.text(0) != "ok") {
      // quick_check says "unable to get the page. error code=8202" for a page failing its checksum.
      bool checksum = q.text(0).find("error code=" + std::to_string(SQLITE_IOERR_DATA)) != std::string::npos;
      return make_error("damaged: " + (checksum && !last_checksum_failure().empty() ? last_checksum_failure() : one_line(q.text(0))), path);
    }
  }
  return ix;
}

Status Index::begin_group(size_t count) {
  if (in_group_) return make_error("catalogue group already open", path_);
  if (count == 0) return make_error("catalogue group of no entries", path_);
  if (auto s = exec(db(), "BEGIN IMMEDIATE"); !s) return s;
  in_group_ = true;
  group_floor_ = last_key();
  group_last_.clear();
  group_prev_.clear();
  Stmt& m = prepared("SELECT coalesce(max(seq), 0) FROM versions");
  if (!m.ok() || m.step() != SQLITE_ROW) {
    std::string msg = std::string("catalogue database error: ") + db_error(db());
    abort_group();
    return make_error(msg, path_);
  }
  group_first_ = next_seq_ = m.integer(0) + 1;
  sqlite3_reset(m.raw());
  if (next_seq_ + static_cast<int64_t>(count) >= (int64_t{1} << 31)) {
    abort_group();
    return make_error("catalogue is full (2^31 versions)", path_);
  }
  left_ = count;
  return {};
}

void Index::abort_group() {
  if (in_group_) exec(db(), "ROLLBACK");
  in_group_ = false;
}

Status Index::commit_group() {
  if (!in_group_) return make_error("no catalogue group open", path_);
  if (left_ != 0) {
    abort_group();
    return make_error("catalogue group ended " + std::to_string(left_) + " entries short", path_);
  }
  Stmt& s = prepared("UPDATE meta SET value = ? WHERE key = 'last_key'");
  s.bind(1, group_last_);
  if (!s.ok() || s.step() != SQLITE_DONE) {
    std::string msg = std::string("catalogue database error: ") + db_error(db());
    abort_group();
    return make_error(msg, path_);
  }
  if (auto st = exec(db(), "COMMIT"); !st) {
    abort_group();
    return make_error(st.error().message, path_);
  }
  in_group_ = false;
  lengths_.reset();
  hidden_.reset();
  return {};
}

namespace {

// Sum of the SQLite varints (one per column) of an FTS5 docsize blob; false if malformed.
bool sum_varints(const unsigned char* p, int n, uint64_t& total) {
  total = 0;
  for (int i = 0; i < n;) {
    uint64_t v = 0;
    for (int k = 0;; ++k) {
      if (i >= n) return false;
      unsigned char b = p[i++];
      if (k == 8) {
        v = (v << 8) | b;
        break;
      }
      v = (v << 7) | (b & 0x7F);
      if (!(b & 0x80)) break;
    }
    total += v;
  }
  return true;
}

Status read_docsizes(sqlite3* db, const std::string& table, std::vector<uint32_t>& out) {
  Stmt st(db, "SELECT id, sz FROM " + table + "_docsize");
  if (!st.ok()) return make_error("damaged: " + st.error());
  int rc;
  while ((rc = st.step()) == SQLITE_ROW) {
    int64_t id = seq_of_rowid(st.integer(0));
    uint64_t total = 0;
    auto* p = static_cast<const unsigned char*>(sqlite3_column_blob(st.raw(), 1));
    if (id < 0 || id > (int64_t{1} << 32) || !sum_varints(p, sqlite3_column_bytes(st.raw(), 1), total) || total > UINT32_MAX)
      return make_error("damaged: bad " + table + "_docsize row " + std::to_string(id));
    if (static_cast<size_t>(id) >= out.size()) out.resize(static_cast<size_t>(id) + 1, 0);
    out[static_cast<size_t>(id)] = static_cast<uint32_t>(total);
  }
  if (rc != SQLITE_DONE) return make_error(std::string("damaged: ") + db_error(db));
  return {};
}

}  // namespace

Status Index::drop_stale_caches() const {
  Stmt& v = prepared("PRAGMA data_version");
  if (!v.ok() || v.step() != SQLITE_ROW) return make_error(std::string("damaged: ") + db_error(db()), path_);
  int64_t version = v.integer(0);
  sqlite3_reset(v.raw());
  if (version != cache_version_) {
    lengths_.reset();
    hidden_.reset();
    cache_version_ = version;
  }
  return {};
}

Result<const DocLengths*> Index::doc_lengths() const {
  if (auto s = drop_stale_caches(); !s) return s.error();
  if (!lengths_) {
    auto fresh = std::make_unique<DocLengths>();
    if (auto s = read_docsizes(db(), "fts", fresh->fts); !s) return Error{path_, 0, s.error().message};
    if (auto s = read_docsizes(db(), "titles", fresh->titles); !s) return Error{path_, 0, s.error().message};
    lengths_ = std::move(fresh);
  }
  return lengths_.get();
}

Result<const HiddenRows*> Index::hidden_rows() const {
  if (auto s = drop_stale_caches(); !s) return s.error();
  if (!hidden_) {
    auto fresh = std::make_unique<HiddenRows>();
    Stmt& h = prepared("SELECT seq FROM versions WHERE until_date IS NOT NULL OR status IN ('撤回', '')");
    if (!h.ok()) return make_error("damaged: " + h.error(), path_);
    int rc;
    while ((rc = h.step()) == SQLITE_ROW) {
      int64_t seq = h.integer(0);
      if (seq < 0 || seq > (int64_t{1} << 32)) return make_error("damaged: bad versions row " + std::to_string(seq), path_);
      auto i = static_cast<uint64_t>(seq);
      if (i / 64 >= fresh->bits.size()) fresh->bits.resize(i / 64 + 1, 0);
      fresh->bits[i / 64] |= uint64_t{1} << (i % 64);
    }
    sqlite3_reset(h.raw());
    if (rc != SQLITE_DONE) return make_error(std::string("damaged: ") + db_error(db()), path_);
    hidden_ = std::move(fresh);
  }
  return hidden_.get();
}

Status Index::set_unreadable(const std::vector<std::pair<std::string, std::string>>& objects) {
  if (objects.empty()) return {};
  if (auto s = exec(db(), "BEGIN"); !s) return s;
  for (const auto& [dir, why] : objects) {
    Stmt& st = prepared("INSERT INTO unreadable(dir, why) VALUES(?, ?)");
    st.bind(1, dir).bind(2, why);
    if (!st.ok() || st.step() != SQLITE_DONE) {
      (void)exec(db(), "ROLLBACK");
      return make_error(std::string("catalogue database error: ") + db_error(db()), path_);
    }
  }
  return exec(db(), "COMMIT");
}

Result<std::vector<std::pair<std::string, std::string>>> Index::unreadable_objects() const {
  Stmt& st = prepared("SELECT dir, why FROM unreadable ORDER BY dir");
  if (!st.ok()) return make_error("damaged: " + st.error(), path_);
  std::vector<std::pair<std::string, std::string>> out;
  int rc;
  while ((rc = st.step()) == SQLITE_ROW) out.emplace_back(st.text(0), st.text(1));
  sqlite3_reset(st.raw());
  if (rc != SQLITE_DONE) return make_error(std::string("damaged: ") + db_error(db()), path_);
  return out;
}

Result<std::vector<DamagedVersion>> Index::damaged_versions() const {
  Stmt& st = prepared("SELECT object_id, version, damage FROM versions WHERE damage IS NOT NULL ORDER BY object_id, version");
  if (!st.ok()) return make_error("damaged: " + st.error(), path_);
  std::vector<DamagedVersion> out;
  int rc;
  while ((rc = st.step()) == SQLITE_ROW) out.push_back({st.text(0), static_cast<int>(st.integer(1)), st.text(2)});
  sqlite3_reset(st.raw());
  if (rc != SQLITE_DONE) return make_error(std::string("damaged: ") + db_error(db()), path_);
  return out;
}

Status Index::append(const Entry& e) {
  if (auto s = begin_group(1); !s) return s;
  if (auto s = add(e); !s) return s;
  return commit_group();
}

Status Index::add(const Entry& e) {
  if (!in_group_) return make_error("catalogue add outside a group", path_);
  auto fail = [&](const std::string& msg) -> Status {
    abort_group();
    return make_error(msg, path_);
  };
  if (e.key <= group_floor_ || (!group_prev_.empty() && e.key >= group_prev_))
    return fail("catalogue append out of order: " + e.key);
  if (left_ == 0) return fail("catalogue group has more entries than announced: " + e.key);
  std::string created_date = e.created.substr(0, 10);
  const int64_t seq = next_seq_;
  {
    // A version is current until a later one takes effect: the earliest creation day of the
    // later versions (as `archive get --as-of`: the highest version created by that day). Days
    // are written in each writer's own offset, so a later version can carry an earlier day.
    // Within a group later versions are added first (newest first): looked up here; an earlier
    // group's are set below.
    Stmt& s = prepared("INSERT INTO versions(seq, object_id, version, created, created_date, until_date, index_no, title, "
           "issuer, doc_number, genre, subject, keywords, summary, written_date, published_date, mode, scope, "
           "validity, status, digest, damage) VALUES(?,?,?,?,?,(SELECT min(n.created_date) FROM versions n WHERE n.object_id = ?2 AND n.version > ?3),?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
    if (!s.ok()) return fail(s.error());
    s.bind(1, seq).bind(2, e.object_id).bind(3, static_cast<int64_t>(e.version)).bind(4, e.created).bind(5, created_date);
    s.bind(6, e.index_no).bind(7, e.title).bind(8, e.issuer).bind(9, e.doc_number).bind(10, e.genre);
    s.bind(11, e.subject).bind(12, join(e.keywords, "\n")).bind(13, e.summary).bind(14, e.written_date);
    s.bind(15, e.published_date).bind(16, e.mode).bind(17, e.scope).bind(18, e.validity).bind(19, e.status);
    s.bind(20, e.digest);
    if (e.damage.empty()) s.bind_null(21);
    else s.bind(21, e.damage);
    if (s.step() != SQLITE_DONE) return fail(std::string("catalogue database error: ") + db_error(db()));
  }
  if (e.version > 1) {
    Stmt& s = prepared("UPDATE versions SET until_date = ?1 WHERE object_id = ?2 AND version < ?3 "
                       "AND (until_date IS NULL OR until_date > ?1)");
    s.bind(1, created_date).bind(2, e.object_id).bind(3, static_cast<int64_t>(e.version));
    if (!s.ok() || s.step() != SQLITE_DONE) return fail(std::string("catalogue database error: ") + db_error(db()));
  }
  {
    Stmt& s = prepared("INSERT INTO texts(seq, text) VALUES(?, ?)");
    s.bind(1, seq).bind(2, searchable_text(e));
    if (!s.ok() || s.step() != SQLITE_DONE) return fail(std::string("catalogue database error: ") + db_error(db()));
  }
  {
    Stmt& s = prepared("INSERT INTO fts(rowid, body, meta, title) VALUES(?, ?, ?, ?)");
    s.bind(1, fts_rowid(group_first_, seq)).bind(2, e.body).bind(3, meta_text(e)).bind(4, e.title);
    if (!s.ok() || s.step() != SQLITE_DONE) return fail(std::string("catalogue database error: ") + db_error(db()));
  }
  {
    Stmt& s = prepared("INSERT INTO titles(rowid, title) VALUES(?, ?)");
    s.bind(1, fts_rowid(group_first_, seq)).bind(2, e.title);
    if (!s.ok() || s.step() != SQLITE_DONE) return fail(std::string("catalogue database error: ") + db_error(db()));
  }
  {
    Stmt& s = prepared("INSERT INTO objects(dir, object_id, head, inventory) VALUES(?, ?, ?, ?) "
           "ON CONFLICT(dir) DO UPDATE SET inventory = CASE WHEN excluded.head > head THEN excluded.inventory ELSE inventory END, "
           "head = max(head, excluded.head)");
    s.bind(1, e.object_dir.empty() ? e.object_id : e.object_dir).bind(2, e.object_id).bind(3, static_cast<int64_t>(e.version));
    s.bind(4, e.inventory_digest);
    if (!s.ok() || s.step() != SQLITE_DONE) return fail(std::string("catalogue database error: ") + db_error(db()));
  }
  if (group_last_.empty()) group_last_ = e.key;
  group_prev_ = e.key;
  ++next_seq_;
  --left_;
  return {};
}

int Index::head_of(const std::string& object_dir) const {
  Stmt& s = prepared("SELECT head FROM objects WHERE dir = ?");
  s.bind(1, object_dir);
  if (!s.ok() || s.step() != SQLITE_ROW) return 0;
  int head = static_cast<int>(s.integer(0));
  sqlite3_reset(s.raw());
  return head;
}

std::string Index::identity_of(const std::string& object_id, int version) const {
  Stmt& s = prepared("SELECT coalesce(digest, '') || '|' || created FROM versions WHERE object_id = ? AND version = ?");
  s.bind(1, object_id).bind(2, int64_t{version});
  if (!s.ok() || s.step() != SQLITE_ROW) return {};
  std::string d = s.text(0);
  sqlite3_reset(s.raw());
  return d;
}

std::string Index::last_key() const {
  Stmt& s = prepared("SELECT value FROM meta WHERE key = 'last_key'");
  if (!s.ok() || s.step() != SQLITE_ROW) return {};
  std::string key = s.text(0);
  sqlite3_reset(s.raw());
  return key;
}

Result<std::map<std::string, ObjectState>> Index::objects() const {
  std::map<std::string, ObjectState> out;
  Stmt s(db(), "SELECT dir, object_id, head, inventory FROM objects");
  if (!s.ok()) return make_error(s.error(), path_);
  int rc;
  while ((rc = s.step()) == SQLITE_ROW) out[s.text(0)] = {s.text(1), static_cast<int>(s.integer(2)), s.text(3)};
  if (rc != SQLITE_DONE) return make_error(std::string("damaged: ") + db_error(db()), path_);
  return out;
}

Result<int64_t> Index::version_count() const {
  Stmt s(db(), "SELECT count(*) FROM versions");
  if (!s.ok() || s.step() != SQLITE_ROW) return make_error(std::string("damaged: ") + db_error(db()), path_);
  return s.integer(0);
}

}  // namespace gk::catalogue
