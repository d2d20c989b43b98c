#include "archive/catalogue/checksum_vfs.h"

#include <xxhash.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <vector>

#include "common/text_input.h"

namespace gk::catalogue {

namespace {

thread_local std::string t_failure;

sqlite3_vfs* g_base = nullptr;
sqlite3_vfs g_vfs;
sqlite3_io_methods g_methods;

// Header facts, from bytes 16-17 (page size) and 20 (reserved bytes) of page 1.
struct CkFile {
  sqlite3_file base;
  sqlite3_file* real;    // the base VFS's file, allocated right after this struct
  const char* name;
  bool main_db = false;
  int checked = -1;      // -1: header not read yet; 0: not a checksummed file; 1: checksummed
  int page_size = 0;
  // Pages verified since the file last changed (one bit per page, malloc'd): a page read again
  // after SQLite's cache dropped it is not hashed again (a search re-reads many: p99 +50 %).
  // Cleared when the header's change counter moves (every commit changes it), as SQLite's own
  // cache is.
  uint64_t* verified = nullptr;
  size_t verified_words = 0;
  uint32_t change_counter = 0;
  bool counter_known = false;
};

CkFile* ck(sqlite3_file* f) { return reinterpret_cast<CkFile*>(f); }

uint64_t page_sum(const unsigned char* page, int size, sqlite3_int64 pgno) {
  return XXH3_64bits_withSeed(page, static_cast<size_t>(size - kChecksumReserve), static_cast<XXH64_hash_t>(pgno));
}

void learn_header(CkFile* f, const unsigned char* h) {
  int size = (h[16] << 8) | h[17];
  if (size == 1) size = 65536;
  bool valid = size >= 512 && size <= 65536 && (size & (size - 1)) == 0;
  f->checked = valid && h[20] == kChecksumReserve ? 1 : 0;
  f->page_size = valid ? size : 0;
}

// Whether the file is checksummed, reading its header from disk the first time (a first
// access need not be page 1). A file too short for a header is not (yet) checksummed.
bool checksummed(CkFile* f) {
  if (!f->main_db) return false;
  if (f->checked < 0) {
    unsigned char h[100];
    if (f->real->pMethods->xRead(f->real, h, sizeof h, 0) != SQLITE_OK) return false;  // not decided yet
    learn_header(f, h);
  }
  return f->checked == 1;
}

bool is_page(const CkFile* f, int amount, sqlite3_int64 offset) {
  return amount == f->page_size && offset % f->page_size == 0;
}

void forget_verified(CkFile* f) {
  if (f->verified) std::memset(f->verified, 0, f->verified_words * sizeof(uint64_t));
}

bool was_verified(const CkFile* f, sqlite3_int64 pgno) {
  auto w = static_cast<size_t>(pgno >> 6);
  return w < f->verified_words && (f->verified[w] >> (pgno & 63) & 1);
}

void mark_verified(CkFile* f, sqlite3_int64 pgno) {
  auto w = static_cast<size_t>(pgno >> 6);
  if (w >= f->verified_words) {
    size_t n = std::max(w + 1, f->verified_words * 2);
    auto* grown = static_cast<uint64_t*>(std::realloc(f->verified, n * sizeof(uint64_t)));
    if (!grown) return;  // not remembered: verified again next time
    std::memset(grown + f->verified_words, 0, (n - f->verified_words) * sizeof(uint64_t));
    f->verified = grown;
    f->verified_words = n;
  }
  f->verified[w] |= uint64_t{1} << (pgno & 63);
}

// A full page as read or mapped: SQLITE_OK when it was verified since the last change or its
// checksum matches; SQLITE_IOERR_DATA (and t_failure when `report`) when not.
int verify_page(CkFile* c, const unsigned char* page, int amount, sqlite3_int64 offset, bool report = true) {
  sqlite3_int64 pgno = offset / c->page_size + 1;
  if (was_verified(c, pgno)) return SQLITE_OK;
  uint64_t stored;
  std::memcpy(&stored, page + amount - kChecksumReserve, sizeof stored);
  if (stored == page_sum(page, amount, pgno)) {
    mark_verified(c, pgno);
    return SQLITE_OK;
  }
  if (!report) return SQLITE_IOERR_DATA;
  t_failure = "page " + std::to_string(pgno) + " of " + (c->name ? c->name : "the catalogue") + " fails its checksum";
  return SQLITE_IOERR_DATA;
}

int ck_close(sqlite3_file* f) {
  std::free(ck(f)->verified);
  ck(f)->verified = nullptr;
  int rc = ck(f)->real->pMethods ? ck(f)->real->pMethods->xClose(ck(f)->real) : SQLITE_OK;
  return rc;
}

int ck_read(sqlite3_file* f, void* buf, int amount, sqlite3_int64 offset) {
  CkFile* c = ck(f);
  int rc = c->real->pMethods->xRead(c->real, buf, amount, offset);
  if (rc != SQLITE_OK || !c->main_db) return rc;
  if (offset == 0 && amount >= 100) learn_header(c, static_cast<const unsigned char*>(buf));
  if (!checksummed(c) || !is_page(c, amount, offset)) return rc;
  return verify_page(c, static_cast<const unsigned char*>(buf), amount, offset);
}

int ck_write(sqlite3_file* f, const void* buf, int amount, sqlite3_int64 offset) {
  CkFile* c = ck(f);
  if (c->main_db && offset == 0 && amount >= 100) learn_header(c, static_cast<const unsigned char*>(buf));
  if (!checksummed(c) || !is_page(c, amount, offset)) return c->real->pMethods->xWrite(c->real, buf, amount, offset);
  thread_local std::vector<unsigned char> copy;
  copy.assign(static_cast<const unsigned char*>(buf), static_cast<const unsigned char*>(buf) + amount);
  sqlite3_int64 pgno = offset / c->page_size + 1;
  uint64_t sum = page_sum(copy.data(), amount, pgno);
  std::memcpy(copy.data() + amount - kChecksumReserve, &sum, sizeof sum);
  int rc = c->real->pMethods->xWrite(c->real, copy.data(), amount, offset);
  if (rc == SQLITE_OK) mark_verified(c, pgno);
  return rc;
}

int ck_truncate(sqlite3_file* f, sqlite3_int64 size) {
  forget_verified(ck(f));
  return ck(f)->real->pMethods->xTruncate(ck(f)->real, size);
}
int ck_sync(sqlite3_file* f, int flags) { return ck(f)->real->pMethods->xSync(ck(f)->real, flags); }
int ck_file_size(sqlite3_file* f, sqlite3_int64* size) { return ck(f)->real->pMethods->xFileSize(ck(f)->real, size); }
int ck_lock(sqlite3_file* f, int level) {
  CkFile* c = ck(f);
  int rc = c->real->pMethods->xLock(c->real, level);
  if (rc != SQLITE_OK || level != SQLITE_LOCK_SHARED || !c->main_db) return rc;
  // A read transaction starts: another process may have committed since the pages were verified.
  unsigned char counter[4];
  if (c->real->pMethods->xRead(c->real, counter, sizeof counter, 24) != SQLITE_OK) {
    forget_verified(c);
    c->counter_known = false;
    return rc;
  }
  uint32_t now = (uint32_t{counter[0]} << 24) | (uint32_t{counter[1]} << 16) | (uint32_t{counter[2]} << 8) | counter[3];
  if (!c->counter_known || now != c->change_counter) forget_verified(c);
  c->change_counter = now;
  c->counter_known = true;
  return rc;
}
int ck_unlock(sqlite3_file* f, int level) { return ck(f)->real->pMethods->xUnlock(ck(f)->real, level); }
int ck_check_reserved_lock(sqlite3_file* f, int* out) {
  return ck(f)->real->pMethods->xCheckReservedLock(ck(f)->real, out);
}
int ck_file_control(sqlite3_file* f, int op, void* arg) {
  CkFile* c = ck(f);
  // A page size or reserve set on an empty database shows in the header of its first write.
  if (op == SQLITE_FCNTL_RESERVE_BYTES) c->checked = -1;
  return c->real->pMethods->xFileControl(c->real, op, arg);
}
int ck_sector_size(sqlite3_file* f) { return ck(f)->real->pMethods->xSectorSize(ck(f)->real); }
int ck_device_characteristics(sqlite3_file* f) {
  return ck(f)->real->pMethods->xDeviceCharacteristics(ck(f)->real);
}
int ck_shm_map(sqlite3_file* f, int pg, int size, int extend, void volatile** out) {
  return ck(f)->real->pMethods->xShmMap(ck(f)->real, pg, size, extend, out);
}
int ck_shm_lock(sqlite3_file* f, int offset, int n, int flags) {
  return ck(f)->real->pMethods->xShmLock(ck(f)->real, offset, n, flags);
}
void ck_shm_barrier(sqlite3_file* f) { ck(f)->real->pMethods->xShmBarrier(ck(f)->real); }
int ck_shm_unmap(sqlite3_file* f, int del) { return ck(f)->real->pMethods->xShmUnmap(ck(f)->real, del); }
// Memory-mapped pages are checked on first use, as ck_read checks read ones (a search scanning
// big doclists: p99 30 % slower through read() and SQLite's cache than from the mapping).
// A page that fails is not mapped, and SQLite reads it instead (ck_read reports it then): SQLite
// fetches a page from the mapping before looking in its cache, and inside a write transaction
// may discard the mapped bytes for a newer cached copy, as of a page freed unwritten (never
// zeroed without secure_delete) and reused since.
int ck_fetch(sqlite3_file* f, sqlite3_int64 offset, int amount, void** pp) {
  CkFile* c = ck(f);
  *pp = nullptr;
  if (c->real->pMethods->iVersion < 3 || !c->real->pMethods->xFetch) return SQLITE_OK;
  int rc = c->real->pMethods->xFetch(c->real, offset, amount, pp);
  if (rc != SQLITE_OK || !*pp || !checksummed(c) || !is_page(c, amount, offset)) return rc;
  if (verify_page(c, static_cast<const unsigned char*>(*pp), amount, offset, /*report=*/false) != SQLITE_OK) {
    c->real->pMethods->xUnfetch(c->real, offset, *pp);
    *pp = nullptr;
  }
  return SQLITE_OK;
}
int ck_unfetch(sqlite3_file* f, sqlite3_int64 offset, void* p) {
  CkFile* c = ck(f);
  if (c->real->pMethods->iVersion < 3 || !c->real->pMethods->xUnfetch) return SQLITE_OK;
  return c->real->pMethods->xUnfetch(c->real, offset, p);
}

int ck_open(sqlite3_vfs*, sqlite3_filename name, sqlite3_file* f, int flags, int* out_flags) {
  CkFile* c = ck(f);
  c->real = reinterpret_cast<sqlite3_file*>(c + 1);
  c->name = name;
  c->main_db = (flags & SQLITE_OPEN_MAIN_DB) != 0;
  c->checked = -1;
  c->page_size = 0;
  c->verified = nullptr;
  c->verified_words = 0;
  c->counter_known = false;
  std::memset(c->real, 0, static_cast<size_t>(g_base->szOsFile));
  int rc = g_base->xOpen(g_base, name, c->real, flags, out_flags);
  // pMethods set means the file must be closed, even when the open failed.
  f->pMethods = c->real->pMethods ? &g_methods : nullptr;
  return rc;
}

int ck_delete(sqlite3_vfs*, const char* name, int sync_dir) { return g_base->xDelete(g_base, name, sync_dir); }
int ck_access(sqlite3_vfs*, const char* name, int flags, int* out) { return g_base->xAccess(g_base, name, flags, out); }
int ck_full_pathname(sqlite3_vfs*, const char* name, int n, char* out) {
  return g_base->xFullPathname(g_base, name, n, out);
}
void* ck_dl_open(sqlite3_vfs*, const char* path) { return g_base->xDlOpen(g_base, path); }
void ck_dl_error(sqlite3_vfs*, int n, char* out) { g_base->xDlError(g_base, n, out); }
void (*ck_dl_sym(sqlite3_vfs*, void* h, const char* sym))(void) { return g_base->xDlSym(g_base, h, sym); }
void ck_dl_close(sqlite3_vfs*, void* h) { g_base->xDlClose(g_base, h); }
int ck_randomness(sqlite3_vfs*, int n, char* out) { return g_base->xRandomness(g_base, n, out); }
int ck_sleep(sqlite3_vfs*, int us) { return g_base->xSleep(g_base, us); }
int ck_current_time(sqlite3_vfs*, double* out) { return g_base->xCurrentTime(g_base, out); }
int ck_last_error(sqlite3_vfs*, int n, char* out) { return g_base->xGetLastError(g_base, n, out); }
int ck_current_time_int64(sqlite3_vfs*, sqlite3_int64* out) { return g_base->xCurrentTimeInt64(g_base, out); }

}  // namespace

Status register_checksum_vfs() {
  static std::once_flag once;
  static int rc = SQLITE_OK;
  std::call_once(once, [] {
    g_base = sqlite3_vfs_find(nullptr);
    if (!g_base || g_base->iVersion < 2) {
      rc = SQLITE_ERROR;
      return;
    }
    g_methods = sqlite3_io_methods{};
    g_methods.iVersion = 3;
    g_methods.xClose = ck_close;
    g_methods.xRead = ck_read;
    g_methods.xWrite = ck_write;
    g_methods.xTruncate = ck_truncate;
    g_methods.xSync = ck_sync;
    g_methods.xFileSize = ck_file_size;
    g_methods.xLock = ck_lock;
    g_methods.xUnlock = ck_unlock;
    g_methods.xCheckReservedLock = ck_check_reserved_lock;
    g_methods.xFileControl = ck_file_control;
    g_methods.xSectorSize = ck_sector_size;
    g_methods.xDeviceCharacteristics = ck_device_characteristics;
    g_methods.xShmMap = ck_shm_map;
    g_methods.xShmLock = ck_shm_lock;
    g_methods.xShmBarrier = ck_shm_barrier;
    g_methods.xShmUnmap = ck_shm_unmap;
    g_methods.xFetch = ck_fetch;
    g_methods.xUnfetch = ck_unfetch;
    g_vfs = sqlite3_vfs{};
    g_vfs.iVersion = 2;
    g_vfs.szOsFile = static_cast<int>(sizeof(CkFile)) + g_base->szOsFile;
    g_vfs.mxPathname = g_base->mxPathname;
    g_vfs.zName = kChecksumVfs;
    g_vfs.xOpen = ck_open;
    g_vfs.xDelete = ck_delete;
    g_vfs.xAccess = ck_access;
    g_vfs.xFullPathname = ck_full_pathname;
    g_vfs.xDlOpen = ck_dl_open;
    g_vfs.xDlError = ck_dl_error;
    g_vfs.xDlSym = ck_dl_sym;
    g_vfs.xDlClose = ck_dl_close;
    g_vfs.xRandomness = ck_randomness;
    g_vfs.xSleep = ck_sleep;
    g_vfs.xCurrentTime = ck_current_time;
    g_vfs.xGetLastError = ck_last_error;
    g_vfs.xCurrentTimeInt64 = ck_current_time_int64;
    rc = sqlite3_vfs_register(&g_vfs, /*makeDflt=*/0);
  });
  if (rc != SQLITE_OK) return make_error("cannot register the catalogue's checksum VFS");
  return {};
}

std::string last_checksum_failure() { return for_terminal(t_failure); }
void forget_checksum_failure() { t_failure.clear(); }

std::string db_error(sqlite3* db) {
  if (db && sqlite3_extended_errcode(db) == SQLITE_IOERR_DATA && !t_failure.empty()) return last_checksum_failure();
  return for_terminal(db ? sqlite3_errmsg(db) : "out of memory");
}

}  // namespace gk::catalogue
