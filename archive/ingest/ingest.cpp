#include "archive/ingest/ingest.h"

#include "archive/catalogue/catalogue.h"

#include <pwd.h>
#include <unistd.h>

#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <map>
#include <set>

#include "archive/audit/entry.h"
#include "archive/ocfl/fsutil.h"
#include "archive/ocfl/rules.h"
#include "common/files.h"
#include "generator/xml/schema.h"

namespace fs = std::filesystem;

namespace gk::ingest {

struct Prepared {
  ocfl::NewVersion nv;
  Metadata meta;
  AddOutcome outcome;
  std::string action;
  FileDigests metadata_digests;
  size_t request = 0;  // index of the request in a batch
  size_t bytes = 0;
};

namespace {

constexpr size_t kGroupBytes = 64u << 20;

// What a writer needs to know about an object: its head and the identity of its first version.
struct ObjectState {
  bool exists = false;
  int head = 0;
  Metadata head_meta;
  std::string first_issuer, first_written_date;
};

Result<ObjectState> load_state(const ocfl::Store& st, const std::string& id) {
  ObjectState s;
  if (!st.has_object(id)) return s;
  auto inv = st.inventory(id);  // read once for both metadata files
  if (!inv) return inv.error();
  auto head = read_metadata(st, *inv);
  if (!head) return head.error();
  s.exists = true;
  s.head_meta = std::move(*head);
  s.head = s.head_meta.version;
  const Metadata* first = &s.head_meta;
  Result<Metadata> v1 = s.head_meta;
  if (s.head > 1) {
    v1 = read_metadata(st, *inv, "v1");
    if (!v1) return v1.error();
    first = &*v1;
  }
  s.first_issuer = first->catalogue.issuer;
  s.first_written_date = first->catalogue.written_date;
  return s;
}

std::string login_name() {
  if (const char* u = std::getenv("USER"); u && *u) return u;
  if (const passwd* pw = ::getpwuid(::getuid()); pw && pw->pw_name) return pw->pw_name;
  return "gongkai";
}

Actor effective(Actor a) {
  if (a.name.empty()) a.name = login_name();
  return a;
}

// The file a user gave: present, a regular file, readable.
Result<std::string> read_input(const std::string& path, const std::string& what) {
  std::error_code ec;
  if (!fs::exists(path, ec)) return make_error(what + " does not exist", path);
  if (!fs::is_regular_file(path, ec)) return make_error(what + " is not a regular file", path);
  return gk::read_file(path);
}

void finish_version(Prepared& p, const ObjectState& st, const Actor& user, const std::string& message,
                    const std::string& time) {
  Metadata& m = p.meta;
  m.version = st.exists ? st.head + 1 : 1;
  m.time = time;
  m.user_name = user.name;
  m.user_address = user.address;
  m.message = message.empty() ? m.status + "：" + m.catalogue.title : message;
  std::string json = m.to_json();
  p.bytes += json.size();
  p.metadata_digests = digest_of(json);
  p.nv.files.push_back(ocfl::NewFile::from_bytes(kMetadataFile, std::move(json)));
  p.nv.files.back().sha512 = p.metadata_digests.sha512;
  p.nv.files.back().sm3 = p.metadata_digests.sm3;
  p.nv.object_id = m.catalogue.index_no;
  p.nv.meta = {time, m.message, user.name, user.address};
  p.nv.expected_number = m.version;
  p.outcome.object_id = m.catalogue.index_no;
  p.outcome.status = m.status;
}

// The state an object will have once `p` is committed (for later records of the same batch).
void advance(ObjectState& st, const Prepared& p) {
  if (!st.exists) {
    st.first_issuer = p.meta.catalogue.issuer;
    st.first_written_date = p.meta.catalogue.written_date;
  }
  st.exists = true;
  st.head = p.meta.version;
  st.head_meta = p.meta;
}

// The 主题分类 of a record coming in: levels from the top separated by '\', none empty or with
// spaces at its ends, no full-width '＼' (\综合政务 made a nameless class in the 公开目录 tree,
// 综合政务＼政务公开 a second top class). Checked here, not in record.xsd: archived records are
// read with that schema, and a tighter one would make the reindex of such an archive fail.
Status check_subject(const record::Record& rec, const std::string& path) {
  const std::string& s = rec.catalogue().subject;
  bool ok = s.find("\uFF3C") == std::string::npos;
  for (size_t a = 0; ok && a <= s.size();) {
    size_t b = std::min(s.find('\\', a), s.size());
    std::string_view level = std::string_view(s).substr(a, b - a);
    ok = !level.empty() && !level.starts_with(' ') && !level.ends_with(' ') && !level.starts_with("\u3000") &&
         !level.ends_with("\u3000");
    a = b + 1;
  }
  if (ok) return {};
  auto node = rec.doc().child("record").child("catalogue").child("subject");
  const ptrdiff_t off = node.offset_debug();
  return Error{path, off < 0 ? 0 : xml::line_at(rec.bytes(), static_cast<size_t>(off)),
               "element 'subject': '" + s + "' is not a 主题分类 (levels from the top separated by \\, none empty or with "
               "spaces at its ends: 综合政务\\政务公开)"};
}

Result<Prepared> prepare_add(const ocfl::Store& store, const AddRequest& rq, std::map<std::string, ObjectState>& known,
                             const std::string& now) {
  auto rec = record::load_record(rq.record_path);
  if (!rec) return rec.error();
  if (auto s = check_subject(**rec, rq.record_path); !s) return s.error();
  const record::Catalogue& cat = (*rec)->catalogue();
  Prepared p;
  p.outcome.name = rq.record_path;
  p.meta.catalogue = cat;
  std::vector<std::pair<std::string, std::string>> files;  // logical path, bytes
  files.emplace_back(kRecordFile, (*rec)->bytes());
  if (rq.pdf_bytes) {
    files.emplace_back(kDocumentFile, *rq.pdf_bytes);
  } else if (!rq.pdf_path.empty()) {
    auto pdf = read_input(rq.pdf_path, "PDF file");
    if (!pdf) return pdf.error();
    if (pdf->rfind("%PDF-", 0) != 0) return make_error("not a PDF file (no %PDF- header)", rq.pdf_path);
    files.emplace_back(kDocumentFile, std::move(*pdf));
  }
  std::set<std::string> names;
  for (const auto& a : rq.attachment_paths) {
    std::string name = fs::path(a).filename().string();
    if (name.empty() || !names.insert(name).second)
      return make_error("two attachments have the same file name '" + name + "'", a);
    auto bytes = read_input(a, "attachment");
    if (!bytes) return bytes.error();
    files.emplace_back(kAttachmentDir + name, std::move(*bytes));
  }

  auto it = known.find(cat.index_no);
  if (it == known.end()) {
    auto st = load_state(store, cat.index_no);
    if (!st) return st.error();
    it = known.emplace(cat.index_no, std::move(*st)).first;
  }
  ObjectState& st = it->second;
  if (!rq.status.empty() && !valid_status(rq.status))
    return make_error("unknown status '" + rq.status + "' (one of 发布, 修改, 废止, 失效, 撤回)");
  if (!st.exists && (rq.status == kCorrected || rq.status == kWithdrawn))
    return make_error("索引号 " + cat.index_no + " is not in the archive yet: its first version cannot be " + rq.status,
                      rq.record_path);
  // 发布 again is a re-publication: only a withdrawn (撤回) document can have one. Otherwise a
  // later version is a correction (修改) or a change of status, and the history must say which.
  if (st.exists && rq.status == kPublished && st.head_meta.status != kWithdrawn)
    return make_error("索引号 " + cat.index_no + " is already in the archive (v" + std::to_string(st.head) + ", " +
                          st.head_meta.status + "): --status 发布 re-publishes a withdrawn (撤回) document only; "
                          "a new version of a published one is 修改 (the default)",
                      rq.record_path);
  if (st.exists && rq.status != kCorrected &&
      (cat.issuer != st.first_issuer || cat.written_date != st.first_written_date))
    return make_error("id collision: 索引号 " + cat.index_no + " is already used by another document (发布机构 " +
                          st.first_issuer + ", 成文日期 " + st.first_written_date + "; this record: " + cat.issuer + ", " +
                          cat.written_date + "); if this record corrects those fields, add it with --status 修改",
                      rq.record_path);
  p.meta.status = !rq.status.empty() ? rq.status : st.exists ? kCorrected : kPublished;
  for (auto& [path, bytes] : files) {
    p.meta.files[path] = digest_of(bytes);
    p.bytes += bytes.size();
  }
  if (st.exists && p.meta.files == st.head_meta.files && (rq.status.empty() || rq.status == st.head_meta.status)) {
    p.outcome.object_id = cat.index_no;
    p.outcome.status = st.head_meta.status;
    p.outcome.unchanged = true;
    return p;
  }
  for (auto& [path, bytes] : files) {
    const FileDigests& d = p.meta.files[path];
    p.nv.files.push_back(ocfl::NewFile::from_bytes(path, std::move(bytes)));
    p.nv.files.back().sha512 = d.sha512;  // already computed for metadata.json
    p.nv.files.back().sm3 = d.sm3;
  }
  p.meta.template_file = rq.template_file;
  p.meta.template_sha512 = rq.template_sha512;
  p.action = audit::kActionVersionAdd;
  finish_version(p, st, effective(rq.user), rq.message, rq.time.empty() ? now : rq.time);
  advance(st, p);
  return p;
}

bool is_conflict(const Error& e) { return e.message.find(ocfl::kConcurrentChange) != std::string::npos; }

}  // namespace

std::string now_local_rfc3339() {
  // CLOCK_REALTIME, not time(): glibc's time() reads a coarse clock that can still show the last
  // second a few milliseconds into the next (created_after_catalogue waits for that next second).
  timespec now{};
  clock_gettime(CLOCK_REALTIME, &now);
  std::time_t t = now.tv_sec;
  std::tm tm{};
  localtime_r(&t, &tm);
  char buf[40];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S%z", &tm);  // +0800
  std::string s = buf;
  if (s.size() >= 5 && (s[s.size() - 5] == '+' || s[s.size() - 5] == '-')) s.insert(s.size() - 2, ":");
  if (s.size() >= 6 && s.compare(s.size() - 6, 6, "+00:00") == 0) s = s.substr(0, s.size() - 6) + "Z";
  return s;
}

namespace {

// A version without metadata.json was not written by gongkai; one whose inventory lists it but
// whose file cannot be read (changed, removed, the version directory gone) is damage.
Error unreadable_metadata(const ocfl::Store& store, const ocfl::Inventory* inv, const std::string& id,
                          const std::string& version, const Error& why) {
  const ocfl::Version* v = inv ? inv->find_version(version.empty() ? inv->head : version) : nullptr;
  const std::string where = version.empty() ? "its head" : version;
  if (v && v->logical_state().count(kMetadataFile))
    return make_error("object '" + id + "' " + (version.empty() ? "head " + inv->head : version) + ": " + kMetadataFile +
                      ", listed in its inventory, cannot be read (" + why.message +
                      "): the store is damaged; `gongkai archive verify " + store.root() + "` names what is wrong");
  return make_error("object '" + id + "' has no readable " + kMetadataFile + " in " + where + " (not archived by gongkai?): " +
                    why.message);
}

}  // namespace

Result<Metadata> read_metadata(const ocfl::Store& store, const ocfl::Inventory& inv, const std::string& version) {
  auto text = store.read_file(inv, version, kMetadataFile);
  if (!text && !version.empty() && !inv.find_version(version))
    return make_error("object '" + inv.id + "' has no version " + version + " (its versions are v1 to " + inv.head + ")");
  if (!text) return unreadable_metadata(store, &inv, inv.id, version, text.error());
  return Metadata::from_json(*text, inv.id + " " + (version.empty() ? "head" : version) + "/" + kMetadataFile);
}

Result<Metadata> read_metadata(const ocfl::Store& store, const std::string& id, const std::string& version) {
  auto text = store.read_file(id, version, kMetadataFile);
  if (!text) {
    if (!store.has_object(id)) return make_error("no object with id '" + id + "' in this archive", store.root());
    if (text.error().message.find("' has no version ") != std::string::npos) return text.error();
    auto inv = store.inventory(id);
    return unreadable_metadata(store, inv ? &*inv : nullptr, id, version, text.error());
  }
  return Metadata::from_json(*text, id + " " + (version.empty() ? "head" : version) + "/" + kMetadataFile);
}

Archive::Archive(ocfl::Store s) : store_(std::move(s)) {
  std::error_code ec;
  keyless_archive_ = !std::filesystem::exists(store_.root() + "/" + audit::kSigningConfig, ec);
}

Result<Archive> Archive::open(const std::string& root, ocfl::StoreOptions options) {
  auto st = ocfl::Store::open(root, options);
  if (!st) return st.error();
  return Archive(std::move(*st));
}

Status Archive::commit(std::vector<Prepared>& group, std::vector<AddOutcome>& out, std::optional<Error>& audit_error,
                       std::vector<std::pair<std::string, int>>* to_index) {
  std::vector<ocfl::NewVersion> batch;
  std::vector<Prepared*> order;
  for (auto& p : group) {
    if (p.outcome.unchanged) continue;
    batch.push_back(std::move(p.nv));
    order.push_back(&p);
  }
  // Shared from before the commit until its entries are appended: `archive verify` re-checks what
  // looks wrong while holding it exclusively, so it never takes a version whose entry is still
  // on its way for an unlogged one; keygen holds it exclusively while it makes the key.
  std::optional<ocfl::fsx::FileLock> writing;
  if (!batch.empty()) {
    auto l = ocfl::fsx::FileLock::acquire(ocfl::Store::write_lock_path(store_.root()), false, true);
    if (!l) {
      for (size_t i = 0; i < batch.size(); ++i) order[i]->nv = std::move(batch[i]);
      return l.error();
    }
    writing.emplace(std::move(*l));
    // keygen ran since this writer looked for a key (it holds the write lock while it makes one):
    // unsigned entries now would make every signed writer after this one refuse.
    std::error_code ec;
    if (audit_ && !key_ && keyless_archive_ && std::filesystem::exists(store_.root() + "/" + audit::kSigningConfig, ec)) {
      for (size_t i = 0; i < batch.size(); ++i) order[i]->nv = std::move(batch[i]);
      return make_error("a signing key was made for this archive after this command started; nothing was written: run "
                        "it again",
                        store_.root());
    }
    if (audit_) {
      Status s = check_log_before_write(store_.root(), key_ ? &*key_ : nullptr);
      if (s) s = check_versions_not_logged(store_, batch);
      if (!s) {
        for (size_t i = 0; i < batch.size(); ++i) order[i]->nv = std::move(batch[i]);
        return s;
      }
    }
    auto infos = store_.add_versions(batch);
    if (!infos) {
      for (size_t i = 0; i < batch.size(); ++i) order[i]->nv = std::move(batch[i]);  // for a retry
      return infos.error();
    }
    for (size_t i = 0; i < infos->size(); ++i) {
      const ocfl::VersionInfo& vi = (*infos)[i];
      order[i]->outcome.version = vi.version;
      order[i]->outcome.files_stored = vi.files_stored;
      order[i]->outcome.files_deduplicated = vi.files_deduplicated;
    }
  }
  for (auto& p : group) out.push_back(p.outcome);  // in request order
  std::vector<CommittedVersion> committed;
  for (size_t i = 0; i < order.size() && audit_; ++i) {
    const Prepared& p = *order[i];
    const AddOutcome& vi = p.outcome;
    committed.push_back(committed_version(vi.object_id, vi.version, p.action, p.meta, p.metadata_digests));
  }
  if (audit_)
    if (auto s = after_commit(store_.root(), committed, key_ ? &*key_ : nullptr); !s)
      audit_error = make_error(std::to_string(committed.size()) + " version(s) committed, but the audit log was not written: " +
                               s.error().str());
  writing.reset();
  // The catalogue is derived data, updated in the same step. Should this fail (say the disk
  // filled up), the version stays committed and the next search finds the catalogue stale and
  // brings it up to date (catalogue::open_checked), so no result is ever silently wrong.
  std::vector<std::pair<std::string, int>> indexed;
  for (const Prepared* p : order) indexed.emplace_back(p->outcome.object_id, std::stoi(p->outcome.version.substr(1)));
  if (to_index) {
    to_index->insert(to_index->end(), indexed.begin(), indexed.end());
    return {};
  }
  update_catalogue(indexed);
  return {};
}

void Archive::update_catalogue(const std::vector<std::pair<std::string, int>>& versions) {
  catalogue_error_.reset();
  if (versions.empty() || !catalogue_) return;
  if (auto s = catalogue::index_versions(store_, versions); !s) catalogue_error_ = s.error();
}

std::string Archive::created_after_catalogue() const {
  if (catalogue_) {
    // Two writes in one second (a script adding records one by one, two clerks at once) made the
    // second continue the first's catalogue group: a full rebuild (5 s at 5,000 documents, minutes
    // at 100,000). Waiting for the next second (at most one) keeps it an append, where a rebuild
    // would cost more (about 1 ms per version: from 1,000 versions). Not when the catalogue is
    // ahead by more (a clock set back): that is a rebuild anyway.
    auto tail = catalogue::catalogue_tail(store_);
    int64_t last = tail.last_second;
    timespec now{};
    clock_gettime(CLOCK_REALTIME, &now);
    if (tail.versions >= wait_from_versions_ && last >= now.tv_sec && last - now.tv_sec < 2) {
      double wait = static_cast<double>(last + 1 - now.tv_sec) - static_cast<double>(now.tv_nsec) / 1e9;
      timespec w{static_cast<time_t>(wait), static_cast<long>((wait - static_cast<double>(static_cast<time_t>(wait))) * 1e9) + 1000000};
      if (w.tv_nsec >= 1000000000L) w = {w.tv_sec + 1, w.tv_nsec - 1000000000L};
      nanosleep(&w, nullptr);
    }
  }
  return now_local_rfc3339();
}

Result<AddOutcome> Archive::add(const AddRequest& request) {
  for (int attempt = 0;; ++attempt) {
    std::map<std::string, ObjectState> known;
    auto p = prepare_add(store_, request, known, created_after_catalogue());
    if (!p) return p.error();
    if (auto r = commit_one(std::move(*p), attempt)) return std::move(*r);
  }
}

std::optional<Result<AddOutcome>> Archive::commit_one(Prepared p, int attempt) {
  std::vector<Prepared> group;
  group.push_back(std::move(p));
  std::vector<AddOutcome> out;
  std::optional<Error> audit_error;
  Status s = commit(group, out, audit_error);
  if (!s && is_conflict(s.error()) && attempt < 3) return std::nullopt;
  if (!s) return Result<AddOutcome>(s.error());
  if (audit_error) return Result<AddOutcome>(*audit_error);
  return Result<AddOutcome>(out.front());
}

BatchReport Archive::add_batch(const std::vector<AddRequest>& requests, const std::function<void()>& tick) {
  BatchReport report;
  std::map<std::string, ObjectState> known;
  std::vector<Prepared> group;
  size_t group_bytes = 0;
  // One time for the whole call: its versions share their OCFL `created`, so the catalogue
  // indexes them as one group (one transaction, catalogue.h), once, after the last commit.
  const std::string now = created_after_catalogue();
  std::vector<std::pair<std::string, int>> to_index;
  auto flush = [&]() {
    if (group.empty()) return;
    Status s = commit(group, report.added, report.audit_error, &to_index);
    if (!s && is_conflict(s.error())) {
      // Another writer committed to one of these objects: forget what we predicted, prepare again.
      std::vector<size_t> again;
      for (auto& p : group) {
        known.erase(p.outcome.object_id);
        if (!p.outcome.unchanged) again.push_back(p.request);
      }
      group.clear();
      for (size_t i : again) {
        auto p = prepare_add(store_, requests[i], known, now);
        if (!p) {
          report.failed.push_back(p.error());
          continue;
        }
        p->request = i;
        group.push_back(std::move(*p));
      }
      s = commit(group, report.added, report.audit_error, &to_index);
    }
    if (!s) {
      report.commit_error = s.error();
      for (auto& p : group) known.erase(p.outcome.object_id);
    }
    // Once committed, the store itself knows these objects' heads: forgetting them keeps memory
    // to one group's worth (a record of the same object later in the batch reads the store).
    known.clear();
    group.clear();
    group_bytes = 0;
  };
  auto index_all = [&]() {
    // Derived data: should this fail, the next search finds the catalogue stale and heals it.
    update_catalogue(to_index);
  };
  for (size_t i = 0; i < requests.size(); ++i) {
    auto p = prepare_add(store_, requests[i], known, now);
    if (tick) tick();
    if (!p) {
      report.failed.push_back(p.error());
      continue;
    }
    p->request = i;
    group_bytes += p->bytes;
    group.push_back(std::move(*p));
    if (group.size() >= group_versions_ || group_bytes >= kGroupBytes) {
      flush();
      if (report.commit_error) {  // the store refuses writes: stop here
        index_all();
        return report;
      }
    }
  }
  flush();
  index_all();
  return report;
}

Status check_status_change(const std::string& status) {
  if (status != kCorrected && status != kRepealed && status != kExpired && status != kWithdrawn)
    return make_error("a status change takes --status 废止, 失效, 撤回 or 修改, not '" + status + "'");
  return {};
}

Result<AddOutcome> Archive::change_status(const std::string& id, const std::string& status, const std::string& message,
                                          const Actor& user, const std::string& time) {
  if (auto s = check_status_change(status); !s) return s.error();
  for (int attempt = 0;; ++attempt) {
    auto st = load_state(store_, id);
    if (!st) return st.error();
    if (!st->exists) return make_error("no object with id '" + id + "' in this archive", store_.root());
    if (st->head_meta.status == status && status != kCorrected)
      return make_error("object '" + id + "' already has status " + status + " (v" + std::to_string(st->head) + ")");
    Prepared p;
    p.outcome.name = id;
    p.meta = st->head_meta;
    p.meta.status = status;
    for (auto& [path, d] : st->head_meta.files) {
      auto bytes = store_.read_file(id, "", path);
      if (!bytes) return bytes.error();
      p.nv.files.push_back(ocfl::NewFile::from_bytes(path, std::move(*bytes)));
      p.nv.files.back().sha512 = d.sha512;  // read_file checked the bytes against the inventory
      p.nv.files.back().sm3 = d.sm3;
    }
    p.action = audit::kActionStatusChange;
    finish_version(p, *st, effective(user), message, time.empty() ? created_after_catalogue() : time);
    if (auto r = commit_one(std::move(p), attempt)) return std::move(*r);
  }
}

}  // namespace gk::ingest
