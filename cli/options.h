// A small option parser shared by the subcommands: --name value, --flag, and positionals.
#pragma once
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "cli/command.h"

namespace gk::cli {

struct Options {
  std::vector<std::string> positional;
  std::map<std::string, std::vector<std::string>> values;  // --name value (repeatable)
  std::set<std::string> flags;                             // --flag

  bool has(const std::string& flag) const { return flags.count(flag) > 0; }
  std::optional<std::string> get(const std::string& name) const;
  std::vector<std::string> all(const std::string& name) const;
};

// `with_value` lists options that take a value, `flag_names` those that don't. Unknown options,
// or a missing value, give an error message (return nullopt and set `error`).
std::optional<Options> parse_options(const Args& args, const std::set<std::string>& with_value,
                                     const std::set<std::string>& flag_names, std::string& error);

// parse_options plus --help (printed, exit 0) and a check of the number of positionals (a usage
// error, exit 2). Returns nullopt with `code` set when the command should stop there.
std::optional<Options> parse_command(const Args& args, const std::set<std::string>& with_value,
                                     std::set<std::string> flag_names, const char* help, size_t min_positional,
                                     size_t max_positional, int& code);

// The value of --name as a whole number from lo to hi (digits only), or nullopt with `error` set
// to "--name 'V' is not a number from LO to HI". An absent option gives `fallback`.
std::optional<int> number_option(const Options& o, const std::string& name, int lo, int hi, int fallback,
                                 std::string& error);

// "unexpected argument 'X'" for the first positional beyond `max`, "" if none: a command's own
// "needs ROOT" read wrong when ROOT was given, with something more (a review found it).
std::string extra_argument(const Options& o, size_t max);

// "--name needs a value, not an empty one" for the first option given as '' (an unset shell
// variable: taken as given it would mean no filter, or fail far from the option); "" if none.
std::string empty_value(const Options& o);

}  // namespace gk::cli
