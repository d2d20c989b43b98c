// verify_archive: the log read once, then objects in parallel (validator and digests from one
// snapshot of each), each replayed against the log as it is done.
#include "archive/verify/verify.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <condition_variable>
#include <future>
#include <filesystem>
#include <mutex>
#include <optional>
#include <set>
#include <thread>
#include <unordered_map>

#include "archive/audit/keys.h"
#include "archive/audit/log.h"
#include "archive/audit/scan.h"
#include "archive/ocfl/json.h"
#include "archive/ocfl/store.h"
#include "archive/ocfl/validator_snapshot.h"
#include "archive/verify/entries.h"
#include "archive/verify/trust.h"
#include "archive/verify/verify_internal.h"
#include "common/digest.h"
#include "common/files.h"

namespace fs = std::filesystem;

namespace gk::verify {

namespace {

constexpr const char* kMetadataFile = "metadata.json";  // archive/ingest/metadata.h

// Entries read back by the offset the single log pass recorded: one pread each.
class EntryReader {
 public:
  explicit EntryReader(const std::string& path) : path_(path), fd_(::open(path.c_str(), O_RDONLY | O_CLOEXEC)) {}
  ~EntryReader() {
    if (fd_ >= 0) ::close(fd_);
  }
  Result<audit::Entry> read(const LogIndex::Located& at) const {
    std::string line(at.length, '\0');
    ssize_t n = fd_ < 0 ? -1 : ::pread(fd_, line.data(), line.size(), static_cast<off_t>(at.offset));
    if (n != static_cast<ssize_t>(line.size())) return make_error("cannot read the entry back: the log changed", path_, static_cast<int>(at.seq + 1));
    auto e = audit::parse_entry(line);
    if (!e) return make_error(e.error().message, path_, static_cast<int>(at.seq + 1));
    if (e->seq != at.seq) return make_error("the log changed while it was verified", path_, static_cast<int>(at.seq + 1));
    return e;
  }

 private:
  std::string path_;
  int fd_;
};

// Complete lines of a file (0 when unreadable): the heads a damaged log still holds.
uint64_t count_lines(const std::string& path) {
  auto text = read_file(path);
  return text ? static_cast<uint64_t>(std::count(text->begin(), text->end(), '\n')) : 0;
}

struct Run {
  Run(std::string r, const VerifyOptions& o) : root(std::move(r)), opt(o) {}
  std::string root;
  const VerifyOptions& opt;
  VerifyReport report;
  std::mutex mu;  // guards the index's marks (replay runs on every worker)
  std::optional<LogIndex> index;
  std::optional<EntryReader> reader;
  std::shared_future<void> log_checked;  // index and reader are set once this is ready
  // Entries a verified signature covers (the log passed verify_log; its latest head's size): as
  // signed. 0 when the log failed its checks.
  uint64_t signed_entries = 0;

  void add(Problem p) { report.problems.push_back(std::move(p)); }

  // The entry of a version records (archive/ingest) the digests of its metadata.json, and in
  // `detail` "sha512:<path>" / "sm3:<path>" for each other file. Each must be that file's digest.
  // `log_verified`: a verified signature covers the entry, so a difference is the inventory's;
  // otherwise either side may be the altered one (a review found an edited entry blamed on the
  // inventory, also one after the last head).
  static void compare_entry(const audit::Entry& e, const detail::ObjectOutcome& o, const detail::VersionDigests& v,
                            bool log_verified, std::vector<Problem>& out) {
    auto add = [&](Problem p) { out.push_back(std::move(p)); };
    std::string where = "log entry " + std::to_string(e.seq);
    auto mismatch = [&](const std::string& what, const std::string& rec, const std::string& have) {
      add({"changed", o.id, v.name, "",
           where + " records " + what + " " + rec.substr(0, 16) + "..., the archive has " +
               (have.empty() ? "none" : have.substr(0, 16) + "...") + " (content or log entry altered)"});
    };
    for (auto& [alg, hex] : e.digests) {
      const auto& by_path = alg == "sha512" ? v.sha512_by_path : v.sm3_by_path;
      if (alg != "sha512" && alg != "sm3") continue;  // not recorded by the store: cannot compare
      auto m = by_path.find(kMetadataFile);
      if (m != by_path.end()) {
        if (m->second != hex) mismatch(alg + " of metadata.json", hex, m->second);
      } else {
        auto have = v.by_algorithm.find(alg);
        if (have == v.by_algorithm.end() || !have->second.count(hex)) mismatch(alg + " of a file", hex, "");
      }
    }
    std::set<std::string> named;
    for (auto& [k, hex] : e.detail) {
      size_t colon = k.find(':');
      if (colon == std::string::npos) continue;
      std::string alg = k.substr(0, colon), path = k.substr(colon + 1);
      if (alg != "sha512" && alg != "sm3") continue;
      named.insert(path);
      const auto& by_path = alg == "sha512" ? v.sha512_by_path : v.sm3_by_path;
      auto f = by_path.find(path);
      if (f == by_path.end()) {
        if (alg == "sha512" || v.sha512_by_path.count(path) == 0)
          add({"missing", o.id, v.name, path, where + " records this file but the version does not have it"});
      } else if (f->second != hex) {
        mismatch(alg + " of " + path, hex, f->second);
      }
    }
    if (!named.empty())
      for (auto& [path, d] : v.sha512_by_path)
        if (path != kMetadataFile && !named.count(path))
          add({"extra", o.id, v.name, path, "file of the version that its " + where + " does not record"});
    // The inventory's user and message against the entry (the write path records both in detail).
    for (auto [key, have] : {std::pair<const char*, const std::string*>{"user", &v.user_name}, {"message", &v.message}}) {
      auto rec = e.detail.find(key);
      if (rec != e.detail.end() && rec->second != *have)
        add({"changed", o.id, v.name, o.rel_path + "/inventory.json",
             std::string("the inventory's ") + key + " of this version is '" + *have + "', " + where + " records '" +
                 rec->second + (log_verified ? "' (inventory altered)" : "' (inventory or log entry altered: no verified signature covers the entry)")});
    }
  }

  // The inventory's created time against the version's metadata.json "time" (equal by
  // construction; metadata.json's digest is pinned by the log entry, checked above).
  void compare_created(const detail::VersionDigests& v, const detail::ObjectOutcome& o, std::vector<Problem>& out) const {
    if (v.metadata_content.empty()) return;
    auto text = read_file(root + "/" + v.metadata_content);
    if (!text) return;  // unreadable content is reported by the object check
    auto j = ocfl::parse_json(*text);
    const ocfl::Json* t = j && j->is_object() ? j->find("time") : nullptr;
    if (t && t->is_string() && t->str() != v.created)
      out.push_back({"changed", o.id, v.name, o.rel_path + "/inventory.json",
                     "the inventory says this version was created " + v.created + ", its metadata.json says " + t->str() +
                         " (inventory altered)"});
  }

  // Replays one object's versions against the log; problems go to `out` (the object's own list,
  // so that the report does not depend on which thread finished first).
  void replay(const detail::ObjectOutcome& o, std::vector<Problem>& out) {
    if (o.id.empty()) return;
    log_checked.wait();
    if (!index) return;
    for (auto& v : o.versions) {
      std::vector<LogIndex::Located> at;
      {
        std::lock_guard lock(mu);
        at = index->find_located(o.id, v.name);
        index->mark(o.id, v.name);
      }
      if (at.empty()) out.push_back({"unlogged", o.id, v.name, "", "version has no entry in the audit log (`gongkai audit recover` logs it)"});
      else if (at.size() > 1)
        out.push_back({"log", o.id, v.name, audit::kLogFile,
                       "version has " + std::to_string(at.size()) + " version entries (seq " + std::to_string(at[0].seq) + ", " +
                           std::to_string(at[1].seq) + ")"});
      else if (auto e = reader->read(at[0]); !e)
        out.push_back({"log", o.id, v.name, audit::kLogFile, e.error().str()});
      else {
        compare_entry(*e, o, v, e->seq < signed_entries, out);
        compare_created(v, o, out);
      }
    }
  }

  // config.json against the digests its key-rotate entry records: a changed signing_key path is
  // caught too, which the form check of verify_object.cpp cannot see.
  template <class Add>
  void check_signing_config(const audit::Entry& e, const std::string& rel, Add& add) {
    std::error_code ec;
    // Without it writers sign nothing and keygen would make another key: the log says it exists.
    if (!fs::exists(root + "/" + rel, ec))
      return add({"missing", "", "", rel, "its key-rotate entry (seq " + std::to_string(e.seq) + ") records its digests"});
    auto text = read_file(root + "/" + rel);
    auto want = e.digests.find("sha512");
    if (!text || want == e.digests.end()) return;
    std::string have = digest_hex(DigestAlgorithm::sha512, *text);
    if (have != want->second)
      add({"changed", "", "", rel,
           "differs from the digests its key-rotate entry (seq " + std::to_string(e.seq) + ") records: sha512 " +
               want->second.substr(0, 16) + "..., the archive has " + have.substr(0, 16) + "..."});
  }

  // One pass over the log: verify_log's checks, and the version index with each line's offset.
  void check_log(std::vector<Problem>& problems) {
    auto add = [&](Problem p) { problems.push_back(std::move(p)); };
    std::string dir = audit::audit_dir(root);
    std::string rel = audit::kAuditExtensionDir;
    std::error_code ec;
    if (!fs::exists(dir + "/" + audit::kLogFile, ec) && !fs::exists(dir + "/" + audit::kHeadsFile, ec)) {
      add({"missing", "", "", rel + "/" + audit::kLogFile, "the archive has no audit log"});
      return;
    }
    // The archive's key files are candidates; the head visitor below trusts a signer only once a
    // key-rotate entry the head covers introduced it. An inspector's --key is trusted as given.
    std::optional<KeyTrust> trust;
    if (auto t = KeyTrust::load(root); !t) add({"changed", "", "", t.error().file, "public key unreadable: " + t.error().message});
    else trust.emplace(std::move(*t));
    std::vector<audit::PublicKey> trusted = opt.trusted;
    audit::HeadVisitor on_head;
    if (trusted.empty() && trust) {
      trusted = trust->candidates();
      on_head = [&](const audit::Head& h, const std::string& path, int line) { return trust->check_head(h, path, line); };
    }
    LogIndex idx;
    uint64_t entries = 0;
    // The latest key-rotate entry pins the bytes of the signing configuration (archive keygen).
    const std::string signing_config = audit::kSigningConfig;
    std::optional<audit::Entry> key_entry;
    auto each = [&](const audit::Entry& e, std::string_view line, uint64_t offset) -> Status {
      idx.add(e, offset, static_cast<uint32_t>(line.size()));
      entries = e.seq + 1;
      if (trust) trust->see(e);
      if (e.action == audit::kActionKeyRotate) {
        auto of = e.detail.find("digests-of");
        if (of != e.detail.end() && of->second == signing_config) key_entry = e;
      }
      return {};
    };
    bool indexed = false;
    if (trusted.empty()) {
      add({"log", "", "", rel, "no public key to check the tree heads' signatures (pass --key PUB)"});
    } else {
      auto v = audit::verify_log(dir, trusted, each, on_head);
      if (!v) {
        // Named like every problem: the file relative to the root (with the line), then the cause.
        const Error& err = v.error();
        std::string file = err.file.rfind(root + "/", 0) == 0 ? err.file.substr(root.size() + 1) : err.file;
        if (err.line > 0) file += ":" + std::to_string(err.line);
        add({"log", "", "", file, err.message});
      } else {
        indexed = true;
        signed_entries = v->latest ? v->latest->size : 0;
        report.heads = v->heads;
        report.unsigned_entries = v->unsigned_entries;
        if (v->unsigned_entries)
          add({"log", "", "", rel + "/" + audit::kLogFile,
               std::to_string(v->unsigned_entries) + " entries after the latest signed tree head are not protected by a signature"});
      }
    }
    if (!opt.kept_head.empty()) detail::check_kept_head(dir, opt.kept_head, trusted, problems);
    if (!indexed) {
      // The log failed its checks (reported above): replay what its lines say anyway, so that
      // versions and entries are still matched up; only a line that is no entry stops that.
      // The summary counts the heads the file holds (they could not all be checked).
      idx = LogIndex();
      entries = 0;
      report.heads = count_lines(dir + "/" + audit::kHeadsFile);
      std::error_code ec;
      if (!std::filesystem::exists(dir + "/" + audit::kLogFile, ec)) return;  // said above: no log to replay
      if (Status st = audit::scan_entries(dir, each); !st) {
        add({"log", "", "", rel, "cannot replay the log: " + st.error().str()});
        return;
      }
    }
    idx.finish();
    report.entries = entries;
    if (key_entry) check_signing_config(*key_entry, signing_config, add);
    if (trust)
      for (auto& p : trust->extra_keys()) add(std::move(p));
    index.emplace(std::move(idx));
    reader.emplace(dir + "/" + audit::kLogFile);
  }
};

ocfl::ValidatorOptions validator_options(const std::string& root) {
  ocfl::ValidatorOptions vo;
  vo.check_digests = false;  // digests are verify's own pass: content is read once
  std::error_code ec;
  for (auto& e : fs::directory_iterator(root + "/extensions", ec))
    if (e.path().filename().string().rfind("gongkai-", 0) == 0) vo.local_extensions.insert(e.path().filename());
  return vo;
}

using SoundObjects = std::unordered_map<std::string, detail::SoundObject>;  // by object path

// One reading of the whole archive. Pass 1 records the objects it found sound in `record`; pass
// 2 (the re-check, under the write lock) does not hash their content again while their inventory
// is unchanged.
VerifyReport read_archive(const std::string& root, const VerifyOptions& opt, int pass, const SoundObjects* sound,
                          SoundObjects* record) {
  Run run(root, opt);
  detail::check_root(root, run.report.problems, pass == 2);
  // The log pass runs beside the walk and the first objects; replays wait for it. Its problems
  // go to their own list (the workers' go to theirs).
  std::vector<Problem> log_problems;
  run.log_checked = std::async(std::launch::async, [&] {
                      if (opt.test_hook) opt.test_hook("log", pass);
                      run.check_log(log_problems);
                    }).share();

  // One walk of the object hierarchy finds the objects for both the validator and verify; the
  // workers start on the first objects while it goes on.
  ocfl::ValidatorOptions vo = validator_options(root);
  ocfl::StorageRootWalk walk(root, vo);
  ocfl::ValidationReport root_findings;
  struct Slot {
    std::vector<Problem> problems;
    ocfl::ObjectSummary summary;
  };
  std::mutex qmu;  // guards queue, walked, results, reported
  std::condition_variable qcv;
  std::vector<std::string> queue;
  bool walked = false;
  size_t next = 0, done = 0, reported = 0;
  std::vector<std::pair<size_t, Slot>> results;  // in completion order; sorted below
  uint64_t files = 0, bytes = 0, versions = 0;
  // The progress callback wants the total, known when the walk ends: objects done before then are
  // reported then, one call each.
  auto report_progress = [&] {  // with qmu held
    if (!opt.progress || !walked) return;
    while (reported < done) opt.progress(++reported, queue.size());
  };

  auto work = [&] {
    detail::FileHasher hasher(opt.buffer_size);
    for (;;) {
      size_t i;
      std::string rel;
      {
        std::unique_lock lock(qmu);
        qcv.wait(lock, [&] { return next < queue.size() || walked; });
        if (next >= queue.size()) return;
        i = next++;
        rel = queue[i].substr(root.size() + 1);
      }
      const detail::SoundObject* known = nullptr;
      if (sound)
        if (auto it = sound->find(rel); it != sound->end()) known = &it->second;
      auto o = detail::verify_object(root, rel, hasher, opt.run_ocfl_validator ? &vo : nullptr, known);
      if (opt.test_hook) opt.test_hook("object", pass);
      run.replay(o, o.problems);
      o.summary.root_inventory.reset();  // only id and declaration are kept per object
      std::lock_guard lock(qmu);
      if (record && o.problems.empty() && !o.id.empty()) (*record)[rel] = {o.inventory_sha512, o.files, o.bytes};
      files += o.files;
      bytes += o.bytes;
      versions += o.versions.size();
      results.push_back({i, Slot{std::move(o.problems), std::move(o.summary)}});
      ++done;
      report_progress();
    }
  };
  int n = opt.threads > 0 ? opt.threads : std::max(1u, std::thread::hardware_concurrency());
  std::vector<std::thread> pool;
  for (int i = 1; i < n; ++i) pool.emplace_back(work);
  try {
    walk.walk(root_findings, /*inventory_marks_object=*/true, [&](const std::string& object_root) {
      std::lock_guard lock(qmu);
      queue.push_back(object_root);
      qcv.notify_one();
    });
  } catch (const std::exception& e) {  // the workers must still be released below
    run.add({"ocfl", "", "", "", std::string("the storage root could not be walked to the end: ") + e.what()});
  }
  {
    std::lock_guard lock(qmu);
    walked = true;
    report_progress();
  }
  qcv.notify_all();
  work();
  for (auto& t : pool) t.join();
  run.log_checked.wait();
  for (auto& p : log_problems) run.add(std::move(p));
  const auto& objects = walk.objects();
  run.report.objects = objects.size();
  run.report.files = files;
  run.report.bytes = bytes;
  run.report.versions = versions;
  for (auto& f : walk.stray_files())
    run.add({"extra", "", "", f.substr(root.size() + 1), "file in the object hierarchy outside any object"});

  std::sort(results.begin(), results.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  for (auto& [i, slot] : results) {
    if (opt.run_ocfl_validator) walk.object_checked(objects[i], slot.summary, root_findings);
    for (auto& p : slot.problems) run.add(std::move(p));
  }
  if (opt.run_ocfl_validator)
    for (auto& f : root_findings.findings) {
      if (f.severity != ocfl::Severity::error) continue;
      std::string p = f.path.rfind(root, 0) == 0 ? f.path.substr(std::min(f.path.size(), root.size() + 1)) : f.path;
      run.add({"ocfl", "", "", p, f.code + " " + f.message});
    }
  if (run.index) {
    for (auto& at : run.index->unmarked_located()) {
      auto e = run.reader->read(at);
      if (e) run.add({"orphan-entry", e->object, e->version, "",
                      "log entry " + std::to_string(at.seq) + " (" + e->action + ") names a version the archive does not have"});
      else run.add({"log", "", "", audit::kLogFile, e.error().str()});
    }
  }
  auto& ps = run.report.problems;
  std::stable_sort(ps.begin(), ps.end(), [](const Problem& a, const Problem& b) {
    return std::tie(a.object, a.version, a.file) < std::tie(b.object, b.version, b.file);
  });
  ps.erase(std::unique(ps.begin(), ps.end(),
                       [](const Problem& a, const Problem& b) { return a.str() == b.str(); }),
           ps.end());
  return std::move(run.report);
}

}  // namespace

Result<VerifyReport> verify_archive(const std::string& root_in, const VerifyOptions& opt) {
  std::error_code ec;
  std::string root = fs::absolute(root_in, ec).lexically_normal().string();
  if (!root.empty() && root.back() == '/') root.pop_back();
  if (!fs::is_directory(root, ec)) return make_error("not an archive: no such directory", root_in);
  if (!fs::exists(root + "/0=ocfl_1.1", ec) && !fs::exists(root + "/ocfl_layout.json", ec))
    return make_error("not an OCFL storage root (no 0=ocfl_1.1)", root_in);

  // Unlocked first: a sound archive is read once and writers never wait for verify.
  SoundObjects sound;
  VerifyReport first = read_archive(root, opt, 1, nullptr, &sound);
  if (first.ok()) return first;
  // What looks wrong may be a write in progress (a version whose entry is on its way, an
  // inventory switched between two reads). Held exclusively, the write lock waits for writes in
  // progress to be logged and holds new ones back before they commit; read-only media are fine
  // (flock needs no write access).
  if (opt.test_hook) opt.test_hook("recheck", 2);
  struct Held {  // closing the descriptor drops the lock
    int fd;
    ~Held() {
      if (fd >= 0) ::close(fd);
    }
  } lock{::open(ocfl::Store::write_lock_path(root).c_str(), O_RDONLY | O_CLOEXEC)};
  // Without the lock file no writer of this protocol can be running (writers create it): the
  // first reading stands, and is not called re-checked.
  if (lock.fd < 0) return first;
  // Polled, not blocking: a writer stuck while holding the lock must not hang verify for ever.
  for (int waited_ms = 0;; waited_ms += 50) {
    if (::flock(lock.fd, LOCK_EX | LOCK_NB) == 0) break;
    if (errno != EWOULDBLOCK && errno != EINTR) return first;
    if (waited_ms >= opt.lock_wait_seconds * 1000) {
      first.recheck_skipped = true;
      return first;
    }
    ::usleep(50000);
  }
  VerifyOptions again = opt;
  again.progress = nullptr;  // the bar of the first reading is finished
  VerifyReport second = read_archive(root, again, 2, &sound, nullptr);
  second.rechecked = true;
  std::set<std::string> confirmed;
  for (auto& p : second.problems) confirmed.insert(p.str());
  for (auto& p : first.problems) second.unconfirmed += confirmed.count(p.str()) ? 0 : 1;
  return second;
}

audit::Entry run_entry(const VerifyReport& r) {
  audit::Entry e;
  e.action = audit::kActionVerify;
  e.detail = {{"result", r.ok() ? "passed" : "failed"},    {"problems", std::to_string(r.problems.size())},
              {"objects", std::to_string(r.objects)},       {"versions", std::to_string(r.versions)},
              {"files", std::to_string(r.files)},           {"bytes", std::to_string(r.bytes)},
              {"log-entries", std::to_string(r.entries)}};
  // Read again under the write lock: how many problems of the first reading were writes in progress.
  if (r.rechecked) e.detail["rechecked"] = std::to_string(r.unconfirmed);
  return e;
}

}  // namespace gk::verify
