// A progress bar on stderr, drawn only when stderr is a terminal (never in logs or pipes).
#pragma once
#include <atomic>
#include <cstddef>
#include <mutex>
#include <string>

namespace gk::cli {

class Progress {
 public:
  Progress(std::string label, size_t total);
  ~Progress();
  void tick(size_t n = 1);  // thread-safe
  void finish();

 private:
  void draw(size_t done);
  std::string label_;
  size_t total_;
  std::atomic<size_t> done_{0};
  bool tty_;
  std::mutex mu_;
  size_t last_drawn_ = static_cast<size_t>(-1);
  bool finished_ = false;
};

}  // namespace gk::cli
