#include <algorithm>
#include <iostream>

#include "cli/command.h"

namespace gk::cli {

std::vector<Command>& registry() {
  static std::vector<Command> commands;
  return commands;
}

int fail(const std::string& message, int code) {
  std::cerr << "gongkai: " << message << "\n";
  return code;
}

static void print_help(std::ostream& out) {
  auto cmds = registry();
  std::sort(cmds.begin(), cmds.end(), [](auto& a, auto& b) { return a.name < b.name; });
  out << "gongkai: generate and archive government disclosure documents (政务公开)\n\n"
         "usage: gongkai <command> [options]\n"
         "       gongkai <command> --help\n\ncommands:\n";
  for (auto& c : cmds) out << "  " << c.name << std::string(c.name.size() < 12 ? 12 - c.name.size() : 1, ' ') << c.summary << "\n";
}

}  // namespace gk::cli

int main(int argc, char** argv) {
  using namespace gk::cli;
  if (argc < 2) {
    print_help(std::cerr);
    return kUsage;
  }
  std::string name = argv[1];
  if (name == "--help" || name == "-h" || name == "help") {
    print_help(std::cout);
    return kOk;
  }
  for (auto& c : registry()) {
    if (c.name == name) {
      Args args(argv + 2, argv + argc);
      try {
        return c.run(args);
      } catch (const std::exception& e) {
        return fail(std::string("internal error: ") + e.what());
      }
    }
  }
  return fail("unknown command '" + name + "' (see gongkai --help)", kUsage);
}
