#pragma once

#include <condition_variable>
#include <mutex>

namespace s3proc {

// At most `slots` pieces of processing run at once, however many objects are in flight. A
// run holds many objects at a time because transfers mostly wait on the network; processing
// needs a core, and more of it at once than there are cores only makes the pieces time-slice
// each other (and each other's caches). Take() waits for a free slot; the Slot it returns holds
// it until destroyed. Thread-safe.
class ProcessingSlots {
 public:
  class Slot {
   public:
    explicit Slot(ProcessingSlots* slots) : slots_(slots) {}
    Slot(Slot&& other) noexcept : slots_(other.slots_) { other.slots_ = nullptr; }
    Slot& operator=(Slot&&) = delete;
    Slot(const Slot&) = delete;
    Slot& operator=(const Slot&) = delete;
    ~Slot() {
      if (slots_ != nullptr) slots_->Give();
    }

   private:
    ProcessingSlots* slots_;
  };

  // REQUIRES: slots > 0.
  explicit ProcessingSlots(int slots) : free_(slots) {}

  Slot Take() {
    std::unique_lock<std::mutex> lock(mu_);
    ++waiting_;
    freed_.wait(lock, [&] { return free_ > 0; });
    --waiting_;
    --free_;
    return Slot(this);
  }

  // Take() calls waiting for a slot now (for tests and diagnostics).
  int waiting() {
    std::lock_guard<std::mutex> lock(mu_);
    return waiting_;
  }

 private:
  void Give() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      ++free_;
    }
    freed_.notify_one();
  }

  std::mutex mu_;
  std::condition_variable freed_;
  int free_;
  int waiting_ = 0;
};

}  // namespace s3proc
