// gongkai search / gongkai catalogue / gongkai archive reindex: the catalogue of an archive
// (archive/catalogue, docs/search.md).
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <vector>

#include "archive/catalogue/catalogue.h"
#include "archive/catalogue/query.h"
#include "archive/ingest/audit_hook.h"
#include "archive/ocfl/json.h"
#include "cli/command.h"
#include "cli/options.h"
#include "common/files.h"
#include "common/text_input.h"

using namespace gk;
using ocfl::Json;

namespace {

const char* kSearchHelp =
    "usage: gongkai search ROOT QUERY... [filters] [--page N] [--per-page N] [--json]\n"
    "\n"
    "Finds disclosures in the archive at ROOT whose title, catalogue fields or text contain every\n"
    "term of QUERY exactly as written. \"a b\" (quoted for the shell: '\"a b\"') or “a b” is one\n"
    "phrase; A OR B matches either; -term excludes. Best matches first (BM25, title matches weigh\n"
    "most).\n"
    "\n"
    "  --year YYYY        发布日期 in that year      --from / --to DATE   发布日期 range (inclusive)\n"
    "  --issuer TEXT      发布机构 contains TEXT     --category C         主题分类 C or below it\n"
    "  --genre G          体裁 (通知, 公告, ...)      --mode M             公开方式 (主动公开, ...)\n"
    "  --validity V       有效性 (有效, 失效, 废止)   --status S           发布, 修改, 废止, 失效, 撤回\n"
    "  --as-of DATE       the versions current at the end of that day, as archive get --as-of\n"
    "                     (default: the newest)\n"
    "  --include-withdrawn  show withdrawn (撤回) items too\n"
    "  --exact-total      count every match (by default counting stops at 1,000: \"1000+\")\n"
    "  --catalogue FILE   catalogue file (default: ROOT's parent/<name>.catalogue.sqlite)\n";

const char* kCatalogueHelp =
    "usage: gongkai catalogue ROOT [--as-of DATE] [--include-withdrawn] [--json] [--catalogue FILE]\n"
    "\n"
    "Prints the 公开目录 of the archive at ROOT as a tree: 主题分类, then year of 发布日期, with counts.\n";

const char* kReindexHelp =
    "usage: gongkai archive reindex ROOT [--catalogue FILE] [--check]\n"
    "\n"
    "Rebuilds the catalogue of the archive at ROOT from its OCFL objects alone. The result is\n"
    "byte-for-byte the file the incremental updates produce. --check rebuilds into a scratch file\n"
    "and only reports whether the current catalogue equals it (exit 1 if not, with the cause when it\n"
    "can be told). Writers may go on meanwhile: a check that saw the store or the catalogue change\n"
    "runs again (up to 3 times).\n";

const std::set<std::string> kFilterOptions{"year", "from", "to", "issuer", "category", "genre", "mode",
                                           "validity", "status", "as-of", "catalogue"};

int usage_error(const std::string& msg, const char* help) { return cli::fail(msg + "\n" + help, cli::kUsage); }

// An option given an empty value (`--as-of ""`, an unset shell variable) is a usage error: taken
// as absent it would answer another question (the newest versions instead of that day's).
// Filters from options; a usage error message in `err` when a value is malformed.
catalogue::Filters filters_from(const cli::Options& o, std::string& err) {
  catalogue::Filters f;
  if (err = cli::empty_value(o); !err.empty()) return f;
  if (auto y = o.get("year")) {
    if (y->size() != 4 || y->find_first_not_of("0123456789") != std::string::npos) err = "--year '" + *y + "' is not a year";
    else f.year = std::stoi(*y);
  }
  f.from = o.get("from").value_or("");
  f.to = o.get("to").value_or("");
  f.issuer = o.get("issuer").value_or("");
  f.category = o.get("category").value_or("");
  f.genre = o.get("genre").value_or("");
  f.mode = o.get("mode").value_or("");
  f.validity = o.get("validity").value_or("");
  f.status = o.get("status").value_or("");
  f.as_of = o.get("as-of").value_or("");
  f.include_withdrawn = o.has("include-withdrawn");
  if (err.empty())
    if (auto s = catalogue::validate_filters(f); !s) err = s.error().message.substr(7);  // drop "query: "
  return f;
}

bool damaged(const Error& e) { return e.message.rfind("damaged: ", 0) == 0; }

// Opens the store and a trusted catalogue, printing what had to be repaired.
Result<catalogue::Index> open_catalogue(const std::string& root, const std::string& path, std::optional<ocfl::Store>& store) {
  ocfl::StoreOptions read_only;  // searching never writes to the archive (the catalogue is beside it)
  read_only.read_only = true;
  auto s = ocfl::Store::open(root, read_only);
  if (!s) return s.error();
  store.emplace(std::move(*s));
  catalogue::OpenReport rep;
  auto ix = catalogue::open_checked(*store, path, rep);
  for (const auto& n : rep.notices) std::cerr << "gongkai: " << n << "\n";
  return ix;
}

// A damaged page found while answering: rebuild once and say so, never answer from it.
Result<catalogue::Index> rebuild_after(const ocfl::Store& store, const std::string& path, const Error& e) {
  std::string p = path.empty() ? catalogue::default_path(store.root()) : path;
  std::cerr << "gongkai: catalogue " << p << " is damaged (" << e.message.substr(9) << "); rebuilding it from the store\n";
  auto r = catalogue::rebuild(store, p);
  if (!r) return r.error();
  return catalogue::Index::open(p, false, true);
}

Json hit_json(const catalogue::Hit& h) {
  Json::Object o;
  o["object_id"] = h.object_id;
  o["version"] = static_cast<double>(h.version);
  o["created"] = h.created;
  o["index_no"] = h.index_no;
  o["title"] = h.title;
  o["issuer"] = h.issuer;
  o["doc_number"] = h.doc_number;
  o["genre"] = h.genre;
  o["subject"] = h.subject;
  o["published_date"] = h.published_date;
  o["mode"] = h.mode;
  o["validity"] = h.validity;
  o["status"] = h.status;
  o["score"] = h.score;
  // The snippet comes marked with \x01 ... \x02 (never in the text: for_terminal made control
  // characters U+FFFD). "snippet" marks with 【】 for display; a program gets "snippet_text" and
  // "marks", [start, end) in code points, since 【 may be in the text itself.
  std::string shown, plain;
  Json::Array marks;
  size_t cps = 0, open_at = 0;
  for (unsigned char c : h.snippet) {
    if (c == 0x01) {
      shown += "【";
      open_at = cps;
    } else if (c == 0x02) {
      shown += "】";
      marks.push_back(Json(Json::Array{Json(static_cast<double>(open_at)), Json(static_cast<double>(cps))}));
    } else {
      shown += static_cast<char>(c);
      plain += static_cast<char>(c);
      cps += (c & 0xC0) != 0x80;
    }
  }
  o["snippet"] = shown;
  o["snippet_text"] = plain;
  o["marks"] = Json(std::move(marks));
  return Json(std::move(o));
}

int run_search(const cli::Args& args) {
  std::string err;
  auto with_value = kFilterOptions;
  with_value.insert({"page", "per-page"});
  auto o = cli::parse_options(args, with_value, {"json", "include-withdrawn", "exact-total", "help"}, err);
  if (!o) return usage_error(err, kSearchHelp);
  if (o->has("help")) {
    std::cout << kSearchHelp;
    return cli::kOk;
  }
  if (o->positional.empty()) return usage_error("search needs ROOT and QUERY", kSearchHelp);
  catalogue::SearchRequest req;
  for (size_t i = 1; i < o->positional.size(); ++i) req.query += (i > 1 ? " " : "") + o->positional[i];
  req.filters = filters_from(*o, err);
  if (!err.empty()) return cli::fail(err, cli::kUsage);
  auto page = cli::number_option(*o, "page", 1, 999999, req.page, err);
  auto per_page = page ? cli::number_option(*o, "per-page", 1, 1000, req.per_page, err) : std::nullopt;
  if (!page || !per_page) return cli::fail(err, cli::kUsage);
  req.page = *page;
  req.per_page = *per_page;
  // The query is checked before the archive is touched: a typo never triggers a rebuild.
  if (auto q = catalogue::parse_query(req.query); !q) return cli::fail(q.error().message, cli::kUsage);
  if (o->has("exact-total")) req.count_limit = 0;
  bool json = o->has("json");
  bool tty = !json && ::isatty(1);
  if (tty) req.mark_open = "\033[1m", req.mark_close = "\033[0m";
  if (json) req.mark_open = "\x01", req.mark_close = "\x02";  // hit_json

  std::string path = o->get("catalogue").value_or("");
  std::optional<ocfl::Store> store;
  auto ix = open_catalogue(o->positional[0], path, store);
  if (!ix) return cli::fail(ix.error().str());
  auto res = catalogue::search(*ix, req);
  if (!res && damaged(res.error())) {
    ix = rebuild_after(*store, path, res.error());
    if (!ix) return cli::fail(ix.error().str());
    res = catalogue::search(*ix, req);
  }
  if (!res) {
    if (res.error().message.rfind("query: ", 0) == 0) return cli::fail(res.error().message.substr(7), cli::kUsage);
    return cli::fail(res.error().str());
  }
  // Nothing found for a 文号 typed with [2022] or (2022), for full-width digits, or for a
  // phrase whose Chinese quotation mark was never closed: the same search as documents write it.
  std::optional<catalogue::SearchResult> hint;
  std::string hint_query, hint_why;
  if (res->total == 0) {
    hint_query = req.query;
    auto apply = [&](std::string changed, const char* why) {
      if (changed.empty()) return;
      hint_query = std::move(changed);
      hint_why += (hint_why.empty() ? "" : "，") + std::string(why);
    };
    apply(catalogue::without_stray_quotes(hint_query), "引号未成对");
    apply(catalogue::with_halfwidth_alphanumerics(hint_query), "数字和字母用半角");  // before: （２０２２）
    apply(catalogue::with_doc_number_brackets(hint_query), "文号中的年份写作〔〕");
    if (hint_why.empty()) hint_query.clear();
    if (!hint_query.empty()) {
      catalogue::SearchRequest again = req;
      again.query = hint_query;
      again.page = 1;
      if (auto r = catalogue::search(*ix, again); r && r->total > 0) hint = std::move(*r);
    }
  }
  // Nothing found, but withdrawn (撤回) items match, as typed or in the form above: say so, so
  // that a clerk looking for what was withdrawn is not told it never existed (a black-box review).
  bool hint_withdrawn = false;
  if (res->total == 0 && !hint && !req.filters.include_withdrawn && req.filters.status.empty()) {
    catalogue::SearchRequest again = req;
    again.filters.include_withdrawn = true;
    again.page = 1;
    for (const std::string& q : {req.query, hint_query}) {
      if (q.empty() || hint) continue;
      again.query = q;
      if (auto r = catalogue::search(*ix, again); r && r->total > 0) {
        hint = std::move(*r);
        hint_withdrawn = true;
        if (q == req.query) hint_why.clear();
        hint_query = q;
      }
    }
  }
  if (json) {
    Json::Object out;
    out["query"] = req.query;
    if (hint) {
      Json::Object h;
      h["query"] = hint_query;
      if (hint_withdrawn) h["include_withdrawn"] = true;
      h["total"] = static_cast<double>(hint->total);
      h["total_exact"] = hint->total_exact;
      out["suggestion"] = Json(std::move(h));
    }
    out["total"] = static_cast<double>(res->total);
    out["total_exact"] = res->total_exact;  // false: total is a lower bound (counting stopped)
    out["page"] = static_cast<double>(res->page);
    out["per_page"] = static_cast<double>(res->per_page);
    // As the table says "第 4 页超出范围（共 3 页）": a program paging on needs the count too (a
    // lower bound, as total, when total_exact is false).
    out["pages"] = static_cast<double>((res->total + res->per_page - 1) / res->per_page);
    Json::Array hits;
    for (const auto& h : res->hits) hits.push_back(hit_json(h));
    out["hits"] = Json(std::move(hits));
    // What the stderr warning says, for a program (a portal) that reads only this: the versions
    // indexed from part of their files (black-box review).
    if (auto d = ix->damaged_versions(); d && !d->empty()) {
      Json::Array damaged;
      for (const auto& v : *d) {
        Json::Object o;
        o["object_id"] = v.object_id;
        o["version"] = static_cast<double>(v.version);
        o["damage"] = v.damage;
        damaged.push_back(Json(std::move(o)));
      }
      out["damaged"] = Json(std::move(damaged));
    }
    if (auto u = ix->unreadable_objects(); u && !u->empty()) {  // objects left out altogether
      Json::Array left_out;
      for (const auto& [dir, why] : *u) {
        Json::Object o;
        o["dir"] = dir;
        o["why"] = why;
        left_out.push_back(Json(std::move(o)));
      }
      out["unreadable"] = Json(std::move(left_out));
    }
    std::cout << ocfl::write_json(Json(std::move(out)));
    return cli::kOk;
  }
  int64_t pages = (res->total + res->per_page - 1) / res->per_page;
  // Counting stops at 1,000 results unless --exact-total: the total is then "N+" (a lower bound).
  const char* more = res->total_exact ? "" : "+";
  std::cout << "共 " << res->total << more << " 条结果";
  if (res->total > 0 && res->hits.empty() && res->page > pages)
    std::cout << "，第 " << res->page << " 页超出范围（共 " << pages << more << " 页）";
  else if (res->total > 0)
    std::cout << "，第 " << res->page << "/" << pages << more << " 页";
  std::cout << "\n";
  if (hint && hint_withdrawn && hint_why.empty())
    std::cout << "提示：另有 " << hint->total << (hint->total_exact ? "" : "+")
              << " 条已撤回的结果，加 --include-withdrawn 查看\n";
  else if (hint && hint_withdrawn)
    std::cout << "提示：" << hint_why << "，搜索 " << for_terminal(hint_query) << " 有 " << hint->total
              << (hint->total_exact ? "" : "+") << " 条已撤回的结果，加 --include-withdrawn 查看\n";
  else if (hint)
    std::cout << "提示：" << hint_why << "，搜索 " << for_terminal(hint_query) << " 有 " << hint->total
              << (hint->total_exact ? "" : "+") << " 条结果\n";
  int i = (res->page - 1) * res->per_page;
  for (const auto& h : res->hits) {
    std::cout << "\n" << ++i << ". " << for_terminal(h.title) << "\n";
    std::cout << "   " << for_terminal(h.published_date) << "  " << for_terminal(h.issuer);
    if (!h.doc_number.empty()) std::cout << "  " << for_terminal(h.doc_number);
    std::cout << "\n   索引号 " << for_terminal(h.index_no) << " · " << for_terminal(h.genre) << " · " << for_terminal(h.subject)
              << " · " << for_terminal(h.validity)
              << " · v" << h.version << " " << for_terminal(h.status) << "\n";
    std::cout << "   " << h.snippet << "\n";
  }
  return cli::kOk;
}

struct Node {
  int64_t count = 0;
  std::map<std::string, Node> children;  // sub-classes of 主题分类
  std::map<std::string, int64_t> years;
};

Json node_json(const std::string& name, const Node& n) {
  Json::Object o;
  o["name"] = name;
  o["count"] = static_cast<double>(n.count);
  Json::Object years;
  for (const auto& [y, c] : n.years) years[y] = static_cast<double>(c);
  o["years"] = Json(std::move(years));
  Json::Array kids;
  for (const auto& [k, c] : n.children) kids.push_back(node_json(k, c));
  o["children"] = Json(std::move(kids));
  return Json(std::move(o));
}

void print_node(const std::string& name, const Node& n, int depth) {
  std::string pad(static_cast<size_t>(depth) * 2, ' ');
  std::cout << pad << for_terminal(name) << " (" << n.count << ")\n";
  for (const auto& [k, c] : n.children) print_node(k, c, depth + 1);
  for (const auto& [y, c] : n.years) std::cout << pad << "  " << y << "年 (" << c << ")\n";
}

int run_catalogue(const cli::Args& args) {
  std::string err;
  auto o = cli::parse_options(args, {"as-of", "catalogue"}, {"json", "include-withdrawn", "help"}, err);
  if (!o) return usage_error(err, kCatalogueHelp);
  if (o->has("help")) {
    std::cout << kCatalogueHelp;
    return cli::kOk;
  }
  if (o->positional.empty()) return usage_error("catalogue needs ROOT", kCatalogueHelp);
  if (o->positional.size() > 1)
    return usage_error("catalogue takes one ROOT; unexpected '" + o->positional[1] + "'", kCatalogueHelp);
  auto f = filters_from(*o, err);
  if (!err.empty()) return cli::fail(err, cli::kUsage);
  std::string path = o->get("catalogue").value_or("");
  std::optional<ocfl::Store> store;
  auto ix = open_catalogue(o->positional[0], path, store);
  if (!ix) return cli::fail(ix.error().str());
  auto counts = catalogue::browse(*ix, f);
  if (!counts && damaged(counts.error())) {
    ix = rebuild_after(*store, path, counts.error());
    if (!ix) return cli::fail(ix.error().str());
    counts = catalogue::browse(*ix, f);
  }
  if (!counts) return cli::fail(counts.error().str());
  Node root;
  for (const auto& c : *counts) {
    Node* n = &root;
    root.count += c.count;
    std::string rest = c.subject.empty() ? "(未分类)" : c.subject;
    for (size_t pos; !rest.empty();) {
      pos = rest.find('\\');
      std::string part = rest.substr(0, pos);
      rest = pos == std::string::npos ? "" : rest.substr(pos + 1);
      n = &n->children[part];
      n->count += c.count;
    }
    n->years[c.year] += c.count;
  }
  if (o->has("json")) {
    std::cout << ocfl::write_json(node_json("公开目录", root));
    return cli::kOk;
  }
  std::cout << "公开目录 (" << root.count << ")\n";
  for (const auto& [k, c] : root.children) print_node(k, c, 1);
  return cli::kOk;
}

int run_reindex(const cli::Args& args) {
  std::string err;
  auto o = cli::parse_options(args, {"catalogue"}, {"check", "help"}, err);
  if (!o) return usage_error(err, kReindexHelp);
  if (o->has("help")) {
    std::cout << kReindexHelp;
    return cli::kOk;
  }
  if (o->positional.size() != 1) {
    std::string extra = cli::extra_argument(*o, 1);
    return usage_error(extra.empty() ? "reindex needs ROOT" : extra, kReindexHelp);
  }
  if (err = cli::empty_value(*o); !err.empty()) return cli::fail(err, cli::kUsage);
  ocfl::StoreOptions so;
  // --check only compares, and a rebuild only reads the store: a read-only root is fine (an
  // archive handed over on read-only media, rebuilt with --catalogue FILE elsewhere).
  const bool root_writable = ::access(o->positional[0].c_str(), W_OK) == 0;
  so.read_only = o->has("check") || !root_writable;
  auto s = ocfl::Store::open(o->positional[0], so);
  if (!s) return cli::fail(s.error().str());
  std::string path = o->get("catalogue").value_or(catalogue::default_path(s->root()));
  if (auto c = catalogue::check_catalogue_path(*s, path); !c) return cli::fail(c.error().str());
  if (o->has("check")) {
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) return cli::fail("catalogue " + path + " is missing; run gongkai archive reindex");
    auto r = catalogue::check_rebuild(*s, path);
    if (!r) return cli::fail(r.error().str());
    if (r->current) {
      std::cout << "catalogue " << path << " is current (" << r->versions << (r->versions == 1 ? " version)\n" : " versions)\n");
      return cli::kOk;
    }
    // A catalogue holding damaged versions differs once their files are restored: say so.
    std::string why = r->why;
    if (why.empty())
      if (auto ix = catalogue::Index::open(path, false, false))
        if (auto d = ix->damaged_versions(); d && !d->empty())
          why = "it holds " + std::to_string(d->size()) + " damaged version(s) as they were indexed; restored files read otherwise";
    return cli::fail("catalogue " + path + " differs from a rebuild from the store" + (why.empty() ? "" : " (" + why + ")") +
                     "; run gongkai archive reindex");
  }
  auto r = catalogue::rebuild(*s, path);
  if (!r) return cli::fail(r.error().str());
  std::cout << "indexed " << r->versions << " versions of " << r->objects << " objects into " << path << "\n";
  if (auto ix = catalogue::Index::open(path, false, false))
    if (std::string n = catalogue::damage_notice(*ix, s->root()); !n.empty()) std::cerr << "gongkai: " << n << "\n";
  // Logged like every write (signed when the archive has a key); the catalogue is derived data,
  // so a failure to log is a note, not a failed reindex.
  if (!root_writable) {
    std::cerr << "gongkai: note: the reindex was not logged (the storage root is not writable)\n";
    return cli::kOk;
  }
  auto key = ingest::load_signing_key(s->root());
  if (!key) {
    std::cerr << "gongkai: note: the reindex was not logged: " << key.error().str() << "\n";
    return cli::kOk;
  }
  audit::Entry e;
  e.action = audit::kActionReindex;
  e.detail = {{"catalogue", std::filesystem::path(path).filename().string()},
              {"objects", std::to_string(r->objects)},
              {"versions", std::to_string(r->versions)}};
  if (auto l = ingest::log_operation(s->root(), std::move(e), *key ? &**key : nullptr); !l)
    std::cerr << "gongkai: note: the reindex was not logged: " << l.error().str() << "\n";
  return cli::kOk;
}

}  // namespace

GK_COMMAND("search", "search the archive's catalogue (exact Chinese substring search)", run_search);
GK_COMMAND("catalogue", "browse the archive's 公开目录 by category and year", run_catalogue);
GK_SUBCOMMAND("archive", "reindex", "rebuild the search catalogue from the OCFL objects", run_reindex);
