#include <algorithm>
#include <iostream>

#include "archive/ocfl/fsutil.h"
#include "cli/command.h"

namespace gk::cli {

std::vector<Command>& registry() {
  static std::vector<Command> commands;
  return commands;
}

std::vector<Subcommand>& subregistry() {
  static std::vector<Subcommand> commands;
  return commands;
}

int fail(const std::string& message, int code) {
  std::cerr << "gongkai: " << message << "\n";
  return code;
}

static std::string pad(const std::string& s, size_t n) { return s + std::string(s.size() < n ? n - s.size() : 1, ' '); }

static void print_help(std::ostream& out) {
  auto cmds = registry();
  std::sort(cmds.begin(), cmds.end(), [](auto& a, auto& b) { return a.name < b.name; });
  auto subs = subregistry();
  std::sort(subs.begin(), subs.end(), [](auto& a, auto& b) { return a.group + a.name < b.group + b.name; });
  out << "gongkai: generate and archive government disclosure documents (政务公开)\n\n"
         "usage: gongkai <command> [options]\n"
         "       gongkai <command> --help\n\ncommands:\n";
  for (auto& c : cmds) out << "  " << pad(c.name, 22) << c.summary << "\n";
  for (auto& c : subs) out << "  " << pad(c.group + " " + c.name, 22) << c.summary << "\n";
}

static int run_group(const std::string& group, const Args& args) {
  std::vector<Subcommand> subs;
  for (auto& c : subregistry())
    if (c.group == group) subs.push_back(c);
  std::sort(subs.begin(), subs.end(), [](auto& a, auto& b) { return a.name < b.name; });
  auto usage = [&](std::ostream& out) {
    out << "usage: gongkai " << group << " <subcommand> [options]\n\nsubcommands:\n";
    for (auto& c : subs) out << "  " << pad(c.name, 14) << c.summary << "\n";
  };
  if (args.empty()) {
    usage(std::cerr);
    return kUsage;
  }
  if (args[0] == "--help" || args[0] == "-h") {
    usage(std::cout);
    return kOk;
  }
  for (auto& c : subs)
    if (c.name == args[0]) return c.run(Args(args.begin() + 1, args.end()));
  return fail("unknown subcommand '" + group + " " + args[0] + "' (see gongkai " + group + " --help)", kUsage);
}

}  // namespace gk::cli

int main(int argc, char** argv) {
  using namespace gk::cli;
  if (argc < 2) {
    print_help(std::cerr);
    return kUsage;
  }
  std::string name = argv[1];
  // A command that waits seconds for another one (an export selecting, a verify re-checking)
  // says so instead of seeming to hang.
  gk::ocfl::fsx::set_lock_wait_notice([](const std::string& path) {
    std::cerr << "gongkai: waiting for " << path
              << " (another gongkai command holds it: a write, an export selecting its versions, a verify re-checking "
                 "or keygen)\n";
  });
  if (name == "--help" || name == "-h" || name == "help") {
    print_help(std::cout);
    return kOk;
  }
  if (name == "--version" || name == "-V") name = "version";  // what other tools answer to
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
  for (auto& c : subregistry()) {
    if (c.group == name) {
      try {
        return run_group(name, Args(argv + 2, argv + argc));
      } catch (const std::exception& e) {
        return fail(std::string("internal error: ") + e.what());
      }
    }
  }
  return fail("unknown command '" + name + "' (see gongkai --help)", kUsage);
}
