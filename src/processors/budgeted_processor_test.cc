#include "processors/budgeted_processor.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#include "processors/registry.h"

namespace s3proc {
namespace {

constexpr uint64_t kMiB = 1 << 20;

// Needs 1 MiB per stored MiB, and counts how many of its calls run at once.
class CountingProcessor : public Processor {
 public:
  Status Process(const std::string&, const std::string&, const ProcessContext&) override {
    int now = ++running_;
    int seen = most_.load();
    while (now > seen && !most_.compare_exchange_weak(seen, now)) {
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    --running_;
    return Status::Ok();
  }
  std::string name() const override { return "counting"; }
  uint64_t WorkingMemory(const ProcessContext& context) const override {
    return context.source_size;
  }
  int most() const { return most_; }

 private:
  std::atomic<int> running_{0};
  std::atomic<int> most_{0};
};

// Eight workers at once, each processing `objects` objects of `size` bytes.
int MostAtOnce(uint64_t budget_bytes, uint64_t size, int objects = 3) {
  auto inner = std::make_unique<CountingProcessor>();
  CountingProcessor* counting = inner.get();
  BudgetedProcessor processor(std::move(inner), std::make_shared<MemoryBudget>(budget_bytes));
  std::vector<std::thread> workers;
  workers.reserve(8);
  for (int w = 0; w < 8; ++w) {
    workers.emplace_back([&] {
      ProcessContext context;
      context.source_size = size;
      for (int i = 0; i < objects; ++i) EXPECT_TRUE(processor.Process("in", "out", context).ok());
    });
  }
  for (auto& t : workers) t.join();
  return counting->most();
}

TEST(BudgetedProcessorTest, ConcurrencyStaysWithinTheBudget) {
  EXPECT_EQ(MostAtOnce(100 * kMiB, 40 * kMiB), 2);  // two fit, a third does not
  EXPECT_EQ(MostAtOnce(100 * kMiB, 60 * kMiB), 1);
  EXPECT_GT(MostAtOnce(100 * kMiB, 1 * kMiB), 1);  // small ones all run (up to the workers)
}

TEST(BudgetedProcessorTest, ObjectsLargerThanTheBudgetRunOneAtATimeAndSucceed) {
  EXPECT_EQ(MostAtOnce(100 * kMiB, 500 * kMiB, 2), 1);
}

TEST(BudgetedProcessorTest, SaysWhatTheInnerProcessorSays) {
  BudgetedProcessor processor(std::make_unique<CountingProcessor>(),
                              std::make_shared<MemoryBudget>(kMiB));
  ProcessContext context;
  context.source_size = 7;
  EXPECT_EQ(processor.name(), "counting");
  EXPECT_EQ(processor.WorkingMemory(context), 7u);
  EXPECT_EQ(processor.content_type("a.json"), "application/octet-stream");
}

// Holds every call until the gate opens, counting the calls inside.
class GatedProcessor : public Processor {
 public:
  Status Process(const std::string&, const std::string&, const ProcessContext&) override {
    ++inside_;
    std::unique_lock<std::mutex> lock(mu_);
    opened_.wait(lock, [&] { return open_; });
    return Status::Ok();
  }
  std::string name() const override { return "gated"; }
  uint64_t WorkingMemory(const ProcessContext&) const override { return 1; }
  void Open() {
    std::lock_guard<std::mutex> lock(mu_);
    open_ = true;
    opened_.notify_all();
  }
  int inside() const { return inside_; }

 private:
  std::atomic<int> inside_{0};
  std::mutex mu_;
  std::condition_variable opened_;
  bool open_ = false;
};

// However many workers call it, no more calls run at once than there are slots: the others
// wait for a slot (not for memory: the budget has room for all of them), then all finish.
TEST(BudgetedProcessorTest, NoMoreCallsRunAtOnceThanThereAreSlots) {
  auto inner = std::make_unique<GatedProcessor>();
  GatedProcessor* gated = inner.get();
  auto slots = std::make_shared<ProcessingSlots>(2);
  BudgetedProcessor processor(std::move(inner), std::make_shared<MemoryBudget>(kMiB), slots);
  std::atomic<int> done{0};
  std::vector<std::thread> workers;
  workers.reserve(5);
  for (int w = 0; w < 5; ++w) {
    workers.emplace_back([&] {
      if (processor.Process("in", "out", ProcessContext{}).ok()) ++done;
    });
  }
  for (int i = 0; i < 10000 && (slots->waiting() != 3 || gated->inside() != 2); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  EXPECT_EQ(gated->inside(), 2);
  EXPECT_EQ(slots->waiting(), 3);
  gated->Open();
  for (auto& t : workers) t.join();
  EXPECT_EQ(done.load(), 5);
  EXPECT_EQ(gated->inside(), 5);
}

uint64_t WorkingMemoryOf(const std::string& name, const std::string& key, uint64_t size) {
  ProcessorSpec spec;
  spec.name = name;
  if (name == "exec") spec.exec_argv = {"cat"};
  spec.memory_budget = std::make_shared<MemoryBudget>(256 * kMiB);
  auto processor = CreateProcessor(spec);
  EXPECT_TRUE(processor.ok()) << processor.status().ToString();
  ProcessContext context;
  context.source_key = key;
  context.source_size = size;
  return (*processor)->WorkingMemory(context);
}

// What each processor reserves: fixed buffers where it streams, more where it holds a
// document, a line, a record or a command's input.
TEST(BudgetedProcessorTest, WorkingMemoryOfEachProcessor) {
  const uint64_t kBuffers = kBufferedWorkingMemory;
  EXPECT_EQ(WorkingMemoryOf("json", "a.json", 1000), kBuffers + 3000);  // loaded: simdjson
  EXPECT_EQ(WorkingMemoryOf("json", "a.json", 150 * kMiB), kBuffers + 3 * (kMiB - 1));
  EXPECT_EQ(WorkingMemoryOf("json", "a.json", 2048 * kMiB), kBuffers + 3 * (kMiB - 1));
  EXPECT_EQ(WorkingMemoryOf("passthrough", "a.json", 2048 * kMiB), kBuffers);
  EXPECT_EQ(WorkingMemoryOf("ndjson", "a.ndjson", 10 * kMiB), kBuffers + 25 * kMiB);
  EXPECT_EQ(WorkingMemoryOf("ndjson", "a.ndjson", 1024 * kMiB), kBuffers + 160 * kMiB);
  EXPECT_EQ(WorkingMemoryOf("csv", "a.csv", 10 * kMiB), kBuffers + 40 * kMiB);
  EXPECT_EQ(WorkingMemoryOf("csv", "a.csv", 1024 * kMiB), kBuffers + 256 * kMiB);
  EXPECT_EQ(WorkingMemoryOf("exec", "a.bin", 100 * kMiB), kBuffers + 100 * kMiB);
  // .gz: what it decompresses to is not known, up to max_decompressed_bytes (1 GiB).
  EXPECT_EQ(WorkingMemoryOf("json", "a.json.gz", kMiB), kBuffers + 3 * (kMiB - 1));
  EXPECT_EQ(WorkingMemoryOf("exec", "a.bin.gz", kMiB), kBuffers + 1024 * kMiB);
}

}  // namespace
}  // namespace s3proc
