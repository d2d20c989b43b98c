#include "cli/options.h"

#include <iostream>

namespace gk::cli {

std::optional<std::string> Options::get(const std::string& name) const {
  auto it = values.find(name);
  if (it == values.end() || it->second.empty()) return std::nullopt;
  return it->second.back();
}

std::vector<std::string> Options::all(const std::string& name) const {
  auto it = values.find(name);
  return it == values.end() ? std::vector<std::string>{} : it->second;
}

namespace {

// Options that may be given more than once (read with Options::all); any other given twice is an
// error rather than a silent "last one wins".
const std::set<std::string> kRepeatable{"key", "attach", "head"};

std::string option_name(const std::string& a) {
  if (a.size() <= 2 || a.rfind("--", 0) != 0) return {};
  return a.substr(2, a.find('=') == std::string::npos ? std::string::npos : a.find('=') - 2);
}

}  // namespace

std::optional<Options> parse_options(const Args& args, const std::set<std::string>& with_value,
                                     const std::set<std::string>& flag_names, std::string& error) {
  Options o;
  bool options_end = false;  // after "--" everything is positional
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (!options_end && a == "--") {
      options_end = true;
    } else if (!options_end && a.size() > 2 && a.rfind("--", 0) == 0) {
      std::string name = a.substr(2), inline_value;
      bool has_inline = false;
      if (auto eq = name.find('='); eq != std::string::npos) {
        inline_value = name.substr(eq + 1);
        name = name.substr(0, eq);
        has_inline = true;
      }
      if (with_value.count(name)) {
        if (o.values.count(name) && !kRepeatable.count(name)) {
          error = "option --" + name + " given twice";
          return std::nullopt;
        }
        if (has_inline) {
          o.values[name].push_back(inline_value);
        } else if (i + 1 < args.size()) {
          // "--issuer --json": the option's value is missing, not "--json".
          std::string next = option_name(args[i + 1]);
          if (!next.empty() && (with_value.count(next) || flag_names.count(next) || next == "help")) {
            error = "option --" + name + " needs a value (" + args[i + 1] + " is an option)";
            return std::nullopt;
          }
          o.values[name].push_back(args[++i]);
        } else {
          error = "option --" + name + " needs a value";
          return std::nullopt;
        }
      } else if (flag_names.count(name) && !has_inline) {
        o.flags.insert(name);
      } else if (flag_names.count(name)) {
        error = "option --" + name + " takes no value (" + a + ")";
        return std::nullopt;
      } else {
        error = "unknown option --" + name;
        return std::nullopt;
      }
    } else {
      o.positional.push_back(a);
    }
  }
  return o;
}

std::optional<Options> parse_command(const Args& args, const std::set<std::string>& with_value,
                                     std::set<std::string> flag_names, const char* help, size_t min_positional,
                                     size_t max_positional, int& code) {
  std::string err;
  flag_names.insert("help");
  auto o = parse_options(args, with_value, flag_names, err);
  if (!o) {
    code = fail(err + "\n" + help, kUsage);
    return std::nullopt;
  }
  if (o->has("help")) {
    std::cout << help;
    code = kOk;
    return std::nullopt;
  }
  if (o->positional.size() < min_positional || o->positional.size() > max_positional) {
    std::string extra = extra_argument(*o, max_positional);
    code = fail((extra.empty() ? std::string("wrong number of arguments") : extra) + "\n" + help, kUsage);
    return std::nullopt;
  }
  return o;
}

std::string extra_argument(const Options& o, size_t max) {
  return o.positional.size() > max ? "unexpected argument '" + o.positional[max] + "'" : "";
}

std::optional<int> number_option(const Options& o, const std::string& name, int lo, int hi, int fallback,
                                 std::string& error) {
  auto v = o.get(name);
  if (!v) return fallback;
  if (!v->empty() && v->size() <= 9 && v->find_first_not_of("0123456789") == std::string::npos) {
    int n = std::stoi(*v);
    if (n >= lo && n <= hi) return n;
  }
  error = "--" + name + " '" + *v + "' is not a number from " + std::to_string(lo) + " to " + std::to_string(hi);
  return std::nullopt;
}

std::string empty_value(const Options& o) {
  for (const auto& [name, values] : o.values)
    for (const auto& v : values)
      if (v.empty()) return "--" + name + " needs a value, not an empty one";
  return "";
}

}  // namespace gk::cli
