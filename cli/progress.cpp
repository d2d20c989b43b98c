#include "cli/progress.h"

#include <unistd.h>

#include <cstdio>

namespace gk::cli {

Progress::Progress(std::string label, size_t total) : label_(std::move(label)), total_(total), tty_(isatty(2) == 1) {}

Progress::~Progress() { finish(); }

void Progress::tick(size_t n) {
  size_t d = done_.fetch_add(n) + n;
  if (tty_) draw(d);
}

void Progress::draw(size_t done) {
  std::lock_guard lock(mu_);
  if (finished_ || total_ == 0) return;
  size_t pct = done * 100 / total_;
  if (pct == last_drawn_ && done != total_) return;
  last_drawn_ = pct;
  const int width = 30;
  int filled = static_cast<int>(done * width / total_);
  std::fprintf(stderr, "\r%s [%.*s%*s] %zu/%zu", label_.c_str(), filled, "==============================",
               width - filled, "", done, total_);
  std::fflush(stderr);
}

void Progress::finish() {
  std::lock_guard lock(mu_);
  if (finished_) return;
  finished_ = true;
  if (tty_ && last_drawn_ != static_cast<size_t>(-1)) std::fprintf(stderr, "\n");
}

}  // namespace gk::cli
