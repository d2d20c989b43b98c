#include <iostream>

#include "cli/command.h"

GK_COMMAND("version", "print the version", [](const gk::cli::Args&) {
  std::cout << "gongkai 0.1.0\n";
  return gk::cli::kOk;
});
