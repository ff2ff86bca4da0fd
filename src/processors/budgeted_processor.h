#pragma once

#include <memory>
#include <optional>
#include <string>

#include "common/memory_budget.h"
#include "common/processing_slots.h"
#include "processors/processor.h"

namespace s3proc {

// A decorator that runs a processor within the budgets shared by every processor of a run:
// each Process() call first reserves the processor's WorkingMemory() for its input, waiting
// while that does not fit beside the calls in progress, then (when slots are given) a
// processing slot, and gives both back when it returns. So concurrency never multiplies a
// per-object cost past the memory budget (what does not fit waits, and an input whose estimate
// exceeds the whole budget is processed alone, never refused), and no more objects are
// processed at once than there are slots (the cores), however many are in flight.
// Thread-safe if the inner processor is.
class BudgetedProcessor : public Processor {
 public:
  // REQUIRES: inner != nullptr, budget != nullptr; slots may be null (no limit).
  BudgetedProcessor(std::unique_ptr<Processor> inner, std::shared_ptr<MemoryBudget> budget,
                    std::shared_ptr<ProcessingSlots> slots = nullptr)
      : inner_(std::move(inner)), budget_(std::move(budget)), slots_(std::move(slots)) {}

  Status Process(const std::string& input_path, const std::string& output_path,
                 const ProcessContext& context) override {
    MemoryBudget::Reservation memory = budget_->Reserve(inner_->WorkingMemory(context));
    // After the memory: a slot is never held while waiting for memory.
    std::optional<ProcessingSlots::Slot> slot;
    if (slots_ != nullptr) slot.emplace(slots_->Take());
    return inner_->Process(input_path, output_path, context);
  }
  std::string name() const override { return inner_->name(); }
  std::string content_type(std::string_view source_key) const override {
    return inner_->content_type(source_key);
  }
  uint64_t WorkingMemory(const ProcessContext& context) const override {
    return inner_->WorkingMemory(context);
  }

 private:
  std::unique_ptr<Processor> inner_;
  std::shared_ptr<MemoryBudget> budget_;
  std::shared_ptr<ProcessingSlots> slots_;
};

}  // namespace s3proc
