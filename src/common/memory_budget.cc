#include "common/memory_budget.h"

namespace s3proc {

MemoryBudget::Reservation& MemoryBudget::Reservation::operator=(Reservation&& other) noexcept {
  if (this != &other) {
    Release();
    budget_ = other.budget_;
    bytes_ = other.bytes_;
    other.budget_ = nullptr;
  }
  return *this;
}

void MemoryBudget::Reservation::Release() {
  if (budget_ == nullptr) return;
  budget_->Give(bytes_);
  budget_ = nullptr;
}

MemoryBudget::Reservation MemoryBudget::Reserve(uint64_t bytes) {
  std::unique_lock<std::mutex> lock(mu_);
  const uint64_t ticket = next_ticket_++;
  changed_.wait(
      lock, [&] { return serving_ == ticket && (reserved_ == 0 || reserved_ + bytes <= budget_); });
  reserved_ += bytes;
  ++serving_;
  changed_.notify_all();  // the next in line may fit too
  return Reservation(this, bytes);
}

void MemoryBudget::Give(uint64_t bytes) {
  std::lock_guard<std::mutex> lock(mu_);
  reserved_ -= bytes;
  changed_.notify_all();
}

uint64_t MemoryBudget::reserved() {
  std::lock_guard<std::mutex> lock(mu_);
  return reserved_;
}

int MemoryBudget::waiting() {
  std::lock_guard<std::mutex> lock(mu_);
  return static_cast<int>(next_ticket_ - serving_);
}

}  // namespace s3proc
