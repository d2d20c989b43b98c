// The catalogue's storage: one SQLite file holding every indexed version's catalogue fields, its
// searchable text and an FTS5 index over it. This is the narrow interface a server database
// would replace; nothing outside archive/catalogue/ sees SQLite.
//
// Determinism contract: the file's bytes are a function of the sequence of groups of entries
// appended. A file is created with fixed settings (page size, encoding, journal mode, FTS5
// options), each group (begin_group .. add .. commit_group) is exactly one write transaction, and
// nothing else writes (no wall-clock times, no VACUUM, no ANALYZE). Callers append in canonical
// order and group by the same rule (catalogue.h), so the incremental path and a rebuild execute
// the same statements in the same transactions and produce the same bytes.
//
// Rows: a group's entries are added newest first (descending keys) and numbered in the order
// added (versions.seq 1, 2, ...; appended, so B-tree pages fill). The FTS5 tables use rowid
// fts_rowid(first seq of the group, seq): ascending within a group, as FTS5 wants them within a
// transaction, and below every older group's, so FTS5's fast ascending scan reads newest first
// (its descending scan re-reads every leaf page: ~18 % of query time).
#pragma once
#include <sqlite3.h>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"

namespace gk::catalogue {

// One version of one object, as the catalogue stores it.
struct Entry {
  std::string object_id;
  std::string object_dir;  // object root relative to the storage root ("" outside OCFL)
  int version = 0;
  std::string created;  // RFC 3339 of the OCFL version
  std::string key;      // canonical order key (catalogue.h); appends must be strictly increasing
  // Catalogue fields (docs/record-format.md) and the disclosure status of this version.
  std::string index_no, title, issuer, doc_number, genre, subject;
  std::vector<std::string> keywords;
  std::string summary, written_date, published_date, mode, scope, validity;
  std::string status;  // 发布 | 修改 | 废止 | 失效 | 撤回
  std::string digest;  // digest of record.xml (or of the PDF when there is no record) in the inventory
  // sha512 of the object's inventory as of this version (its vN/inventory.json.sha512), "" when
  // absent: the full check compares the head's with the root sidecar (catalogue.cpp).
  std::string inventory_digest;
  std::string body;    // searchable text besides the title and the catalogue fields
  // Files of the version the store could not give back as its inventory says ("record.xml:
  // content does not match its sha512 digest (corrupted?)"), "; "-separated; "" when none. The
  // entry holds what the other files say (extract.cpp).
  std::string damage;
};

// A version indexed from part of its files (Entry::damage).
struct DamagedVersion {
  std::string object_id;
  int version = 0;
  std::string damage;
};

// The searchable text of an entry, as the exact check and snippets see it: title, then 索引号,
// 文号, 发布机构, 主题词 and 内容概述 (one per line), a blank line, then the body.
std::string searchable_text(const Entry& e);

class Stmt;

// FTS5 rowid of version `seq` whose group starts at `group_first` (both < 2^31); seq is its low
// 32 bits.
inline int64_t fts_rowid(int64_t group_first, int64_t seq) { return -group_first * (int64_t{1} << 32) + seq; }
inline int64_t seq_of_rowid(int64_t rowid) { return rowid & 0xFFFFFFFF; }
// The first seq of the group of an FTS5 rowid.
inline int64_t group_first_of_rowid(int64_t rowid) { return (seq_of_rowid(rowid) - rowid) >> 32; }

// BM25 document lengths: the token counts FTS5 keeps per row (all columns of `fts`, and the
// `titles` table), by rowid. Read in one scan of each docsize table (about 4 ms each at 100,000
// rows) instead of one lookup through FTS5 per scored row (0.6 µs: 0.6 ms per ranked window).
struct DocLengths {
  std::vector<uint32_t> fts, titles;
};

// The versions the default rule hides (superseded: until_date set; withdrawn, 撤回; or of unknown
// status, "": metadata.json damaged), one bit
// per seq. Read in one scan of the partial index versions_hidden: a search used to read it per
// query, 1.5-2 ms at 10,000 such versions (p50 2.0-2.8 -> 4.1-4.3 ms at 100k documents).
struct HiddenRows {
  std::vector<uint64_t> bits;
  bool has(int64_t seq) const {
    auto i = static_cast<uint64_t>(seq);
    return i / 64 < bits.size() && (bits[i / 64] >> (i % 64) & 1);
  }
};

struct ObjectState {
  std::string object_id;
  int head = 0;
  std::string inventory;  // Entry::inventory_digest of the head version
};

// The start of an open error for a catalogue of another format (after "damaged: "): it is rebuilt
// like a damaged one, and said so in other words.
constexpr const char* kOtherFormat = "written by another version of gongkai";

class Index {
 public:
  ~Index() = default;
  Index(Index&&) noexcept = default;  // (a moved-from Index holds no database)
  Index& operator=(Index&&) noexcept = default;
  Index(const Index&) = delete;

  // Rolls back what a writer killed mid-commit left in "<path>-journal" (a hot journal), by
  // opening the file for writing once. A read-only open cannot (SQLite: "attempt to write a
  // readonly database"), so every reader failed until the next writer. Nothing to do: ok.
  static Status roll_back_hot_journal(const std::string& path);
  // Creates a new empty catalogue file (the path must not exist).
  static Result<Index> create(const std::string& path, bool durable = true);
  // Opens an existing file. A file that is not a catalogue of this format, or fails SQLite's
  // quick_check when `check` is set, is reported as damaged (Error message starts "damaged: ").
  static Result<Index> open(const std::string& path, bool writable, bool check);

  // One write transaction appending `count` entries, all with keys above last_key(), added in
  // strictly decreasing key order (newest first). On an error the group is rolled back and the
  // Index should be dropped.
  Status begin_group(size_t count);
  Status add(const Entry& e);
  Status commit_group();
  void abort_group();
  Status append(const Entry& e);  // a group of one entry

  std::string last_key() const;                                // "" when empty
  int head_of(const std::string& object_dir) const;            // 0 when not indexed
  // version_identity (catalogue.h) of an indexed version; "" when not indexed.
  std::string identity_of(const std::string& object_id, int version) const;
  Result<std::map<std::string, ObjectState>> objects() const;  // by object_dir
  Result<int64_t> version_count() const;

  sqlite3* db() const { return db_.get(); }
  const std::string& path() const { return path_; }
  Stmt& prepared(const char* sql) const;  // cached per call site, reset, bindings cleared
  // Resets every cached statement: one left mid-scan holds a read lock that blocks writers.
  void reset_statements() const;
  // Read on first use; read again after a commit here or by another connection.
  Result<const DocLengths*> doc_lengths() const;
  Result<const HiddenRows*> hidden_rows() const;
  // Object directories (relative to the root) whose inventory a rebuild could not read, with why:
  // their objects are not in the catalogue. Written once, by the rebuild, after its entries.
  Status set_unreadable(const std::vector<std::pair<std::string, std::string>>& objects);
  Result<std::vector<std::pair<std::string, std::string>>> unreadable_objects() const;
  // The damaged versions (Entry::damage) by object id and version.
  Result<std::vector<DamagedVersion>> damaged_versions() const;

 private:
  struct Close {
    void operator()(sqlite3* db) const { sqlite3_close_v2(db); }  // after the statements (_v2)
  };
  Index(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}
  std::unique_ptr<sqlite3, Close> db_;  // declared first: closed after cache_'s statements
  std::string path_;
  mutable std::map<const char*, std::unique_ptr<Stmt>> cache_;
  std::string group_last_;   // the group's newest key (its first): the new last_key()
  std::string group_floor_;  // last_key() before the group: every key must be above it
  std::string group_prev_;   // key added last: the next must be below it
  int64_t group_first_ = 0;  // seq of the group's first entry
  int64_t next_seq_ = 0;     // seq of the next entry
  size_t left_ = 0;          // entries still expected in the open group
  bool in_group_ = false;
  // Whole-table reads cached per connection, dropped when PRAGMA data_version moves (a commit
  // by another connection) or this one commits (data_version stays).
  Status drop_stale_caches() const;
  mutable std::unique_ptr<DocLengths> lengths_;
  mutable std::unique_ptr<HiddenRows> hidden_;
  mutable int64_t cache_version_ = -1;  // PRAGMA data_version they were read at
};

// Runs `sql` (no results). Errors carry SQLite's message.
Status exec(sqlite3* db, const std::string& sql);

// A prepared statement that finalizes itself.
class Stmt {
 public:
  Stmt(sqlite3* db, const std::string& sql);
  ~Stmt();
  Stmt(const Stmt&) = delete;
  bool ok() const { return st_ != nullptr; }
  std::string error() const { return error_; }
  Stmt& bind(int i, const std::string& v);
  Stmt& bind(int i, int64_t v);
  Stmt& bind_null(int i);
  int step();  // SQLITE_ROW, SQLITE_DONE or an error code
  std::string text(int col) const;
  int64_t integer(int col) const;
  double real(int col) const;
  bool is_null(int col) const;
  sqlite3_stmt* raw() const { return st_; }

 private:
  sqlite3_stmt* st_ = nullptr;
  std::string error_;
};

}  // namespace gk::catalogue
