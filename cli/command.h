// Subcommand registry of the `gongkai` executable. Each cli/cmd_*.cpp registers its commands with
// GK_COMMAND; main.cpp dispatches. Exit codes: 0 ok, 1 failure (bad input, I/O), 2 usage error.
#pragma once
#include <functional>
#include <string>
#include <vector>

namespace gk::cli {

using Args = std::vector<std::string>;  // arguments after the command name

struct Command {
  std::string name;     // e.g. "render", "archive"
  std::string summary;  // one line for `gongkai --help`
  std::function<int(const Args&)> run;
};

std::vector<Command>& registry();

// Subcommands: `gongkai archive add ...` is the subcommand "add" of the group "archive". A group
// needs no Command of its own: main.cpp dispatches to its subcommands and lists them in help.
struct Subcommand {
  std::string group, name, summary;
  std::function<int(const Args&)> run;
};
std::vector<Subcommand>& subregistry();
struct SubRegistrar {
  SubRegistrar(Subcommand c) { subregistry().push_back(std::move(c)); }
};

struct Registrar {
  Registrar(Command c) { registry().push_back(std::move(c)); }
};

constexpr int kOk = 0;
constexpr int kFailed = 1;
constexpr int kUsage = 2;

// Prints "gongkai: <message>" to stderr and returns the code.
int fail(const std::string& message, int code = kFailed);

}  // namespace gk::cli

#define GK_CONCAT2(a, b) a##b
#define GK_CONCAT(a, b) GK_CONCAT2(a, b)
#define GK_COMMAND(name, summary, fn) \
  static ::gk::cli::Registrar GK_CONCAT(gk_command_, __LINE__)({name, summary, fn})
#define GK_SUBCOMMAND(group, name, summary, fn) \
  static ::gk::cli::SubRegistrar GK_CONCAT(gk_subcommand_, __LINE__)({group, name, summary, fn})
