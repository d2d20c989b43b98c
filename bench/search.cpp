// Catalogue search benchmark: N generated documents (default 100,000, ~5 KB of Chinese text
// each) indexed straight through the catalogue API (no OCFL objects: generating 100k OCFL objects
// would time the store, not the index), then 1,000 mixed queries for the top 20 with snippets.
// Created times come in groups of 1,000 per second, as batch ingests write them, so the build is
// one transaction per 1,000 documents (catalogue.h); the cost of one transaction per document is
// measured on the first PER_DOC documents (default 5,000; 0 skips it).
// Usage: bench_search [N] [DIR] [PER_DOC]   (DIR: where the catalogue file goes; default /tmp)
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "archive/catalogue/catalogue.h"

using namespace gk::catalogue;
using Clock = std::chrono::steady_clock;

namespace {

struct Rng {
  unsigned long long x;
  explicit Rng(unsigned long long s) : x(s * 2654435761ull + 1) {}
  unsigned long long next() {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return x;
  }
  size_t below(size_t n) { return static_cast<size_t>(next() % n); }
};

// Vocabulary of government prose; a Zipf-like pick makes common words common.
const std::vector<std::string> kWords{
    "的", "和", "工作", "推进", "加强", "建设", "管理", "服务", "发展", "落实", "政务公开", "扶贫", "帮扶", "贫困",
    "乡村振兴", "营商环境", "优化", "审批", "事项", "办理", "安全生产", "专项整治", "实施方案", "财政资金",
    "管理办法", "疫情防控", "教育", "医疗保障", "住房公积金", "交通运输", "城市更新", "生态环境保护", "河长制",
    "防汛抗旱", "应急管理", "社会救助", "养老服务", "就业创业", "补贴", "申请条件", "标准", "程序", "监督检查",
    "考核评估", "年度", "工作要点", "责任", "完善", "建立健全", "机制", "制度体系", "各县区", "人民政府",
    "有关部门", "认真贯彻执行", "进一步", "提升", "水平", "人民群众", "企业", "政务服务中心", "12345热线", "APP",
    "5G", "GDP", "按照", "要求", "做好", "相关", "农村人居环境", "整治", "信息平台", "数据共享", "统计报表",
    "低保", "特困人员", "高质量发展", "数字政府", "一网通办", "放管服", "改革", "基层治理", "网格化", "志愿服务",
    "文明城市", "创建", "食品安全", "药品监管", "市场监督", "知识产权", "科技创新", "人才引进", "招商引资",
    "项目建设", "重点工程", "产业园区", "现代农业", "粮食安全", "耕地保护", "森林防火", "水土保持", "污染防治"};
const std::vector<std::string> kPunct{"，", "，", "，", "。", "、", "；", "："};

// The lexicon: the words above plus 6,000 generated words of 2-4 characters drawn (Zipf) from
// 3,500 CJK characters, so that bigram frequencies look like real prose: a few very common,
// a long tail of rare ones. Word use is Zipf-distributed too.
struct Lexicon {
  std::vector<std::string> words;
  std::vector<double> cdf;
  explicit Lexicon(Rng& r) {
    std::vector<double> ccdf;
    double acc = 0;
    for (int k = 1; k <= 3500; ++k) ccdf.push_back(acc += 1.0 / k);
    auto pick_char = [&]() {
      double u = static_cast<double>(r.next() % 1000000007) / 1000000007.0 * acc;
      size_t k = static_cast<size_t>(std::lower_bound(ccdf.begin(), ccdf.end(), u) - ccdf.begin());
      char32_t c = 0x4E00 + static_cast<char32_t>((k * 2654435761u) % 20900);
      std::string o;
      o += static_cast<char>(0xE0 | (c >> 12));
      o += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
      o += static_cast<char>(0x80 | (c & 0x3F));
      return o;
    };
    words = kWords;
    for (int i = 0; i < 6000; ++i) {
      std::string w;
      int len = 2 + static_cast<int>(r.below(3));
      for (int k = 0; k < len; ++k) w += pick_char();
      words.push_back(w);
    }
    double t = 0;
    for (size_t k = 1; k <= words.size(); ++k) cdf.push_back(t += 1.0 / static_cast<double>(k));
    for (double& c : cdf) c /= t;
  }
  const std::string& pick(Rng& r) const {
    double u = static_cast<double>(r.next() % 1000000007) / 1000000007.0;
    size_t k = static_cast<size_t>(std::lower_bound(cdf.begin(), cdf.end(), u) - cdf.begin());
    return words[std::min(k, words.size() - 1)];
  }
};

const Lexicon* g_lex = nullptr;
const std::string& zipf(Rng& r) { return g_lex->pick(r); }

Entry make_entry(Rng& r, int i) {
  Entry e;
  char id[32];
  std::snprintf(id, sizeof id, "bench-%07d", i);  // zero-padded: ids sort in append order
  e.object_id = id;
  e.version = 1;
  int year = 2015 + static_cast<int>(r.below(10));
  char created[40], date[16], idx[64];
  std::snprintf(created, sizeof created, "2024-01-01T%02d:%02d:%02d+08:00", i / 1000 / 3600, i / 1000 / 60 % 60, i / 1000 % 60);
  std::snprintf(date, sizeof date, "%d-%02d-%02d", year, 1 + static_cast<int>(r.below(12)), 1 + static_cast<int>(r.below(28)));
  std::snprintf(idx, sizeof idx, "11519900008452170L/%d-%05d", year, i % 100000);
  e.created = created;
  e.key = order_key(e.created, e.object_id, 1);
  e.index_no = idx;
  e.title = "青川市" + zipf(r) + "关于" + zipf(r) + zipf(r) + "的通知";
  e.issuer = "青川市人民政府";
  e.doc_number = "青府办〔" + std::to_string(year) + "〕" + std::to_string(1 + r.below(300)) + "号";
  e.genre = "通知";
  e.subject = "综合政务\\政务公开";
  e.keywords = {zipf(r), zipf(r)};
  e.written_date = e.published_date = date;
  e.mode = "主动公开";
  e.validity = "有效";
  e.status = "发布";
  // ~5 KB: paragraphs of words and punctuation.
  while (e.body.size() < 5000) {
    for (int k = 0; k < 25; ++k) {
      e.body += zipf(r);
      if (r.below(3) == 0) e.body += kPunct[r.below(kPunct.size())];
    }
    e.body += "。\n";
  }
  return e;
}

std::vector<std::string> make_queries(Rng& r, int n) {
  std::vector<std::string> q;
  const std::vector<std::string> fixed{"扶贫", "帮扶贫困", "政务公开", "〔2021〕12号", "12345", "APP", "5G", "的",
                                       "乡村振兴 营商环境", "扶贫 OR 低保", "政务 -政务公开", "\"政务服务中心\"",
                                       "数字政府", "放管服改革", "一网通办", "重点工程", "污染防治", "粮食安全"};
  for (int i = 0; i < n; ++i) {
    switch (i % 6) {
      case 0: q.push_back(fixed[r.below(fixed.size())]); break;
      case 1: q.push_back(g_lex->words[r.below(g_lex->words.size())]); break;  // any word, rare ones too
      case 2: {  // 2 characters from inside a word: straddles word boundaries in the text
        const std::string& w = kWords[10 + r.below(kWords.size() - 10)];
        size_t from = 0, k = 0;
        while (from < w.size() && k < 1) from += (static_cast<unsigned char>(w[from]) >= 0xE0 ? 3 : 1), ++k;
        size_t to = from;
        for (k = 0; to < w.size() && k < 2; ++k) to += (static_cast<unsigned char>(w[to]) >= 0xE0 ? 3 : 1);
        q.push_back(w.size() > 6 && to > from ? w.substr(from, to - from) : w);
        break;
      }
      case 3: q.push_back(kWords[r.below(kWords.size())] + " " + kWords[r.below(kWords.size())]); break;
      case 4: q.push_back("青府办〔" + std::to_string(2015 + r.below(10)) + "〕" + std::to_string(1 + r.below(300)) + "号"); break;
      default: q.push_back(zipf(r) + zipf(r)); break;  // two words as one term: straddles words
    }
  }
  return q;
}

double cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) + static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

double thread_cpu_ms() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) * 1e3 + static_cast<double>(t.tv_nsec) / 1e6;
}

struct Built {
  double wall = 0, cpu = 0;  // excluding text generation
};

// Appends n generated documents: one transaction per group of equal created time (as rebuild
// and index_versions do), or one per document.
Built build(const std::string& path, int n, bool per_doc) {
  std::filesystem::remove(path);
  Rng r(42);
  Built b;
  double gen_wall = 0, gen_cpu = 0;
  auto t0 = Clock::now();
  double c0 = cpu_seconds();
  auto ix = Index::create(path, /*durable=*/false);
  if (!ix) {
    std::fprintf(stderr, "%s\n", ix.error().str().c_str());
    std::exit(1);
  }
  // A group (equal created time) is added newest first (index.h): generated, then added backwards.
  std::vector<Entry> group;
  for (int i = 0; i < n; ++i) {
    auto g0 = Clock::now();
    double gc = thread_cpu_ms();
    Entry e = make_entry(r, i);
    gen_cpu += (thread_cpu_ms() - gc) / 1e3;
    gen_wall += std::chrono::duration<double>(Clock::now() - g0).count();
    gk::Status s;
    if (per_doc) {
      s = ix->append(e);
    } else {
      auto group_of = [](const Entry& x) { return x.key.substr(0, x.key.find('\x1f')); };
      auto flush = [&]() {
        gk::Status st = ix->begin_group(group.size());
        for (size_t k = group.size(); st && k-- > 0;) st = ix->add(group[k]);
        if (st) st = ix->commit_group();
        group.clear();
        return st;
      };
      if (!group.empty() && group_of(group.back()) != group_of(e)) s = flush();
      group.push_back(std::move(e));
      if (s && i == n - 1) s = flush();
    }
    if (!s) {
      std::fprintf(stderr, "%s\n", s.error().str().c_str());
      std::exit(1);
    }
  }
  ix = gk::make_error("closed");
  b.wall = std::chrono::duration<double>(Clock::now() - t0).count() - gen_wall;
  b.cpu = cpu_seconds() - c0 - gen_cpu;
  return b;
}

}  // namespace

int main(int argc, char** argv) {
  int n = argc > 1 ? std::atoi(argv[1]) : 100000;
  std::string dir = argc > 2 ? argv[2] : "/tmp";
  int per_doc = std::min(n, argc > 3 ? std::atoi(argv[3]) : 5000);
  std::string path = dir + "/gk_bench_catalogue_" + std::to_string(::getpid()) + ".sqlite";
  // GK_BENCH_KEEP=FILE: build into FILE and keep it; when FILE exists, time the queries only.
  const char* keep = std::getenv("GK_BENCH_KEEP");
  bool reuse = keep && std::filesystem::exists(keep);
  if (keep) path = keep;
  if (reuse) per_doc = 0;

  Rng lr(7);
  Lexicon lex(lr);
  g_lex = &lex;
  double load[3] = {0, 0, 0};
  if (per_doc > 0) {
    std::string scratch = path + ".per-doc";
    Built one = build(scratch, per_doc, true);
    Built grouped = build(scratch, per_doc, false);
    std::filesystem::remove(scratch);
    std::printf("first %d documents: %.3f ms CPU per document one transaction each, %.3f ms grouped by 1,000\n", per_doc,
                one.cpu * 1e3 / per_doc, grouped.cpu * 1e3 / per_doc);
  }
  Built b = reuse ? Built{} : build(path, n, false);
  getloadavg(load, 3);
  auto size = std::filesystem::file_size(path);
  std::printf("documents:        %d (~5 KB of text each; created times 1,000 per second, one transaction each)\n", n);
  std::printf("index build:      %.1f s wall, %.1f s CPU (excluding generating text); load average %.1f\n", b.wall, b.cpu, load[0]);
  std::printf("catalogue size:   %.1f MB\n", static_cast<double>(size) / 1e6);

  auto ix = Index::open(path, false, false);
  if (!ix) return 1;
  Rng r(43);
  auto queries = make_queries(r, 1000);
  // GK_BENCH_WINDOW / GK_BENCH_LIMIT: rank_window and count_limit other than the defaults (what-if
  // measurements only; the figures in docs/search.md use the defaults).
  const char* env_window = std::getenv("GK_BENCH_WINDOW");
  const char* env_limit = std::getenv("GK_BENCH_LIMIT");
  // GK_BENCH_QUERIES="q1|q2|...": time only these (3 runs each, CPU ms of the last), for profiling.
  if (const char* only = std::getenv("GK_BENCH_QUERIES")) {
    std::string list = only;
    for (size_t a = 0; a <= list.size();) {
      size_t b = std::min(list.find('|', a), list.size());
      SearchRequest req;
      req.query = list.substr(a, b - a);
      if (env_window) req.rank_window = static_cast<size_t>(std::atol(env_window));
      if (env_limit) req.count_limit = std::atol(env_limit);
      double c = 0;
      gk::Result<SearchResult> res = gk::make_error("not run");
      for (int k = 0; k < 3; ++k) {
        double t0 = thread_cpu_ms();
        res = search(*ix, req);
        c = thread_cpu_ms() - t0;
      }
      std::printf("%8.2f ms CPU  %s  (%s)\n", c, req.query.c_str(),
                  res ? (std::to_string(res->total) + (res->total_exact ? "" : "+") + " results").c_str() : res.error().str().c_str());
      a = b + 1;
    }
    return 0;
  }
  std::vector<double> ms, cpu_ms;
  int64_t total_hits = 0;
  int capped = 0;
  for (const auto& q : queries) {
    SearchRequest req;
    req.query = q;
    req.per_page = 20;
    if (env_window) req.rank_window = static_cast<size_t>(std::atol(env_window));
    if (env_limit) req.count_limit = std::atol(env_limit);
    auto a = Clock::now();
    timespec ca{}, cb{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ca);
    auto res = search(*ix, req);
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &cb);
    ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - a).count());
    cpu_ms.push_back((static_cast<double>(cb.tv_sec - ca.tv_sec) * 1e3 + static_cast<double>(cb.tv_nsec - ca.tv_nsec) / 1e6));
    if (!res) {
      std::fprintf(stderr, "%s: %s\n", q.c_str(), res.error().str().c_str());
      return 1;
    }
    total_hits += res->total;
    capped += !res->total_exact;
  }
  std::vector<double> sorted = ms;
  std::sort(sorted.begin(), sorted.end());
  std::printf("queries:          1000 mixed (1-6 chars, Latin/digits, 文号, AND/OR/NOT), top 20 + snippets\n");
  std::vector<double> csorted = cpu_ms;
  std::sort(csorted.begin(), csorted.end());
  std::printf("latency p50:      %.2f ms wall, %.2f ms CPU\n", sorted[sorted.size() / 2], csorted[csorted.size() / 2]);
  std::printf("latency p99:      %.2f ms wall, %.2f ms CPU\n", sorted[sorted.size() * 99 / 100], csorted[csorted.size() * 99 / 100]);
  std::printf("latency max:      %.2f ms\n", sorted.back());
  std::printf("mean matches:     %.0f per query (counted up to %lld; %d queries had more)\n",
              static_cast<double>(total_hits) / 1000.0, static_cast<long long>(env_limit ? std::atol(env_limit) : SearchRequest{}.count_limit), capped);
  getloadavg(load, 3);
  std::printf("load average:     %.1f after the queries\n", load[0]);
  // CPU time per kind of query (make_queries cycles through six kinds), and the slowest queries.
  const char* kinds[6] = {"fixed list", "any word", "2 chars inside a word", "two words (AND)", "文号", "two words as one term"};
  for (int k = 0; k < 6; ++k) {
    std::vector<double> v;
    for (size_t i = static_cast<size_t>(k); i < cpu_ms.size(); i += 6) v.push_back(cpu_ms[i]);
    std::sort(v.begin(), v.end());
    std::printf("  %-24s p50 %6.2f  p90 %6.2f  max %6.2f ms CPU\n", kinds[k], v[v.size() / 2], v[v.size() * 9 / 10], v.back());
  }
  std::vector<size_t> idx(cpu_ms.size());
  for (size_t i = 0; i < idx.size(); ++i) idx[i] = i;
  std::sort(idx.begin(), idx.end(), [&](size_t a, size_t b) { return cpu_ms[a] > cpu_ms[b]; });
  for (size_t k = 0; k < 10; ++k) std::printf("  slow: %7.2f ms CPU  %s\n", cpu_ms[idx[k]], queries[idx[k]].c_str());
  if (!keep) std::filesystem::remove(path);
  return 0;
}
