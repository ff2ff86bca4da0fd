#pragma once

#include <condition_variable>
#include <cstdint>
#include <mutex>

namespace s3proc {

// A budget of bytes that work is admitted within: Reserve() waits until the bytes asked for fit
// beside those already reserved, and the Reservation it returns holds them until it is
// destroyed. Requests are served in arrival order, so a large one is not overtaken for ever by
// small ones. A request larger than the whole budget is admitted once nothing else is reserved
// and holds everything while it lasts: such work runs alone, it is never refused.
// Thread-safe. A thread must not ask for a second reservation while it holds one (it could
// wait for itself).
class MemoryBudget {
 public:
  class Reservation {
   public:
    Reservation() = default;
    Reservation(Reservation&& other) noexcept : budget_(other.budget_), bytes_(other.bytes_) {
      other.budget_ = nullptr;
    }
    Reservation& operator=(Reservation&& other) noexcept;
    Reservation(const Reservation&) = delete;
    Reservation& operator=(const Reservation&) = delete;
    ~Reservation() { Release(); }

    uint64_t bytes() const { return budget_ != nullptr ? bytes_ : 0; }
    // Gives the bytes back now (the destructor does it otherwise).
    void Release();

   private:
    friend class MemoryBudget;
    Reservation(MemoryBudget* budget, uint64_t bytes) : budget_(budget), bytes_(bytes) {}

    MemoryBudget* budget_ = nullptr;
    uint64_t bytes_ = 0;
  };

  // REQUIRES: bytes > 0.
  explicit MemoryBudget(uint64_t bytes) : budget_(bytes) {}
  MemoryBudget(const MemoryBudget&) = delete;
  MemoryBudget& operator=(const MemoryBudget&) = delete;

  // Blocks until `bytes` fit (see above). The budget must outlive the reservation.
  Reservation Reserve(uint64_t bytes);

  uint64_t budget() const { return budget_; }
  uint64_t reserved();
  // How many Reserve calls are waiting (for tests and logs).
  int waiting();

 private:
  void Give(uint64_t bytes);

  const uint64_t budget_;
  std::mutex mu_;
  std::condition_variable changed_;
  uint64_t reserved_ = 0;
  uint64_t next_ticket_ = 0;  // handed to each Reserve call in arrival order
  uint64_t serving_ = 0;      // the ticket whose turn it is
};

}  // namespace s3proc
