// gongkai report annual | compliance: the statutory annual report (国办公开办函〔2021〕30号) and the
// compliance work report, computed from the records and rendered through a template.
#include <filesystem>
#include <iostream>

#include "cli/command.h"
#include "cli/options.h"
#include "common/files.h"
#include "generator/report/annual.h"
#include "generator/report/compliance.h"
#include "generator/report/pipeline.h"

using namespace gk;

namespace {

const char* kAnnualHelp =
    "usage: gongkai report annual --year Y --records DIR --requests DIR --extra FILE --out FILE.pdf\n"
    "                             [--previous DUMP.json] [--dump FILE.json] [--template T] [--fonts MAP]\n"
    "\n"
    "Computes the three tables of the 政府信息公开工作年度报告 (2021 format) from the disclosure records\n"
    "(DIR of record XML) and the request records (依申请公开), checks every identity of the format (and,\n"
    "with --previous, the carry-over from last year's --dump), then renders templates/annual-report.xml.\n"
    "--dump writes the computed tables as JSON: the same figures the PDF shows. Nothing is written if\n"
    "anything fails.\n";

const char* kComplianceHelp =
    "usage: gongkai report compliance --year Y --records DIR --requests DIR --out FILE.pdf\n"
    "                                 [--calendar FILE] [--template T] [--fonts MAP]\n"
    "\n"
    "The compliance work report: disclosures per category and month (table and chart), active\n"
    "disclosures published more than 20 working days after 成文日期, and requests answered after\n"
    "their deadline (20 working days, 40 with an extension, consultation not counted). Working days\n"
    "come from data/calendar.xml; a year it does not cover is an error.\n";

struct Common {
  int year = 0;
  std::string out;
  std::vector<std::shared_ptr<const record::Record>> records;
  std::vector<report::Request> requests;
  std::shared_ptr<const tmpl::Template> tmpl;
  std::shared_ptr<const font::FontMap> fonts;
};

// "missing option --a" or "missing options --a, --b" naming every one absent; "" if none.
std::string missing_options(const cli::Options& o, std::initializer_list<const char*> names) {
  std::string list;
  int n = 0;
  for (const char* name : names)
    if (!o.get(name)) list += std::string(n++ ? ", " : "") + "--" + name;
  return n == 0 ? "" : (n == 1 ? "missing option " : "missing options ") + list;
}

// Loads what both reports need; returns an exit code, or -1 to go on.
int load_common(const cli::Options& o, const char* help, const char* tmpl_file, Common& c) {
  auto y = o.get("year"), rec = o.get("records"), req = o.get("requests"), out = o.get("out");
  if (std::string m = missing_options(o, {"year", "records", "requests", "out"}); !m.empty())
    return cli::fail(m + "\n" + help, cli::kUsage);
  c.year = std::atoi(y->c_str());
  if (c.year < 2000 || c.year > 2100 || std::to_string(c.year) != *y) return cli::fail("--year must be a year like 2024", cli::kUsage);
  c.out = *out;
  std::vector<std::pair<std::string, std::string>> inputs{{"--records", *rec}, {"--requests", *req}};
  for (const char* name : {"template", "extra", "previous", "calendar", "fonts"})
    if (auto v = o.get(name)) inputs.emplace_back(std::string("--") + name, *v);
  for (auto target : {o.get("out"), o.get("dump")})
    if (target)
      if (auto s = refuse_overwriting_input(*target, inputs); !s) return cli::fail(s.error().str(), cli::kUsage);
  if (auto d = o.get("dump")) {
    std::error_code ec;
    if (*d == *out || std::filesystem::equivalent(*d, *out, ec)) return cli::fail("--dump and --out name the same file", cli::kUsage);
  }
  auto t = tmpl::Template::load(o.get("template") ? *o.get("template") : report::template_path(tmpl_file));
  if (!t) return cli::fail(t.error().str());
  c.tmpl = *t;
  auto fm = o.get("fonts") ? font::FontMap::load(*o.get("fonts")) : font::FontMap::load_default();
  if (!fm) return cli::fail(fm.error().str());
  c.fonts = *fm;
  auto records = report::load_records(*rec);
  if (!records) return cli::fail(records.error().str());
  c.records = std::move(*records);
  auto requests = report::load_requests(*req);
  if (!requests) return cli::fail(requests.error().str());
  if (requests->empty()) std::cerr << "gongkai: note: no request records (*.xml) in " << *req << ": the report counts none\n";
  c.requests = std::move(*requests);
  return -1;
}

int annual(const cli::Args& args) {
  std::string err;
  auto o = cli::parse_options(args, {"year", "records", "requests", "extra", "previous", "out", "dump", "template", "fonts"},
                              {"help"}, err);
  if (!o) return cli::fail(err + "\n" + kAnnualHelp, cli::kUsage);
  if (o->has("help")) return std::cout << kAnnualHelp, cli::kOk;
  if (std::string m = missing_options(*o, {"year", "records", "requests", "extra", "out"}); !m.empty())
    return cli::fail(m + "\n" + kAnnualHelp, cli::kUsage);
  Common c;
  if (int rc = load_common(*o, kAnnualHelp, "annual-report.xml", c); rc >= 0) return rc;
  auto extra = report::load_extra(*o->get("extra"));
  if (!extra) return cli::fail(extra.error().str());
  std::optional<report::Previous> prev;
  if (auto p = o->get("previous")) {
    auto text = read_file(*p);
    if (!text) return cli::fail(text.error().str());
    auto v = report::read_previous(*text, *p);
    if (!v) return cli::fail(v.error().str());
    prev = *v;
  }
  auto a = report::compute_annual(c.year, c.records, c.requests, *extra, prev);
  if (!a) return cli::fail(a.error().str());
  pugi::xml_document figures;
  report::figures_xml(*a, figures);
  auto pdf = report::render_figures(*c.tmpl, figures, "annual-report figures", *c.fonts);
  if (!pdf) return cli::fail(pdf.error().str());
  // The PDF first: should it fail, no dump is left behind; should the dump fail, the PDF just
  // written goes too ("nothing is written unless everything succeeded").
  if (auto s = write_file_atomic(c.out, *pdf); !s) return cli::fail(s.error().str());
  if (auto d = o->get("dump"))
    if (auto s = write_file_atomic(*d, report::to_json(*a)); !s) {
      std::error_code ec;
      std::filesystem::remove(c.out, ec);
      return cli::fail(s.error().str());
    }
  for (auto& w : a->warnings) std::cerr << "gongkai: warning: " << w << "\n";
  std::cout << "annual report " << c.year << ": " << c.out << "\n";
  return cli::kOk;
}

int compliance(const cli::Args& args) {
  std::string err;
  auto o = cli::parse_options(args, {"year", "records", "requests", "out", "calendar", "template", "fonts"}, {"help"}, err);
  if (!o) return cli::fail(err + "\n" + kComplianceHelp, cli::kUsage);
  if (o->has("help")) return std::cout << kComplianceHelp, cli::kOk;
  Common c;
  if (int rc = load_common(*o, kComplianceHelp, "work-report.xml", c); rc >= 0) return rc;
  auto cal = report::Calendar::load(o->get("calendar") ? *o->get("calendar") : report::Calendar::default_path());
  if (!cal) return cli::fail(cal.error().str());
  auto r = report::compute_compliance(c.year, c.records, c.requests, *cal);
  if (!r) return cli::fail(r.error().str());
  pugi::xml_document figures;
  report::compliance_xml(*r, figures);
  auto pdf = report::render_figures(*c.tmpl, figures, "work-report figures", *c.fonts);
  if (!pdf) return cli::fail(pdf.error().str());
  if (auto s = write_file_atomic(c.out, *pdf); !s) return cli::fail(s.error().str());
  std::cout << "compliance report " << c.year << ": " << c.out << " (" << r->late_disclosures.size()
            << " late disclosures, " << r->late_requests.size() << " late requests)\n";
  return cli::kOk;
}

}  // namespace

GK_SUBCOMMAND("report", "annual", "the 政府信息公开工作年度报告 (2021 format) from records, identities checked", annual);
GK_SUBCOMMAND("report", "compliance", "the compliance work report: per category and month, late disclosures and replies",
              compliance);
