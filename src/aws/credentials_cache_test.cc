#include "aws/credentials_cache.h"

#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

namespace s3proc {
namespace {

using Clock = std::chrono::system_clock;
using std::chrono::minutes;
using std::chrono::seconds;

// Hands out credentials "K1", "K2", ... valid for `lifetime` from the fake clock's now.
class CountingProvider : public CredentialsProvider {
 public:
  CountingProvider(const Clock::time_point* now, std::optional<Clock::duration> lifetime)
      : now_(now), lifetime_(lifetime) {}

  Result<Credentials> GetCredentials() override {
    int n = ++calls;
    if (fail) return Status::Transient("source down");
    Credentials c;
    c.access_key_id = "K" + std::to_string(n);
    c.secret_access_key = "s";
    if (lifetime_) c.expiration = *now_ + *lifetime_;
    return c;
  }
  void Invalidate() override { ++invalidations; }

  std::atomic<int> calls{0};
  std::atomic<int> invalidations{0};
  std::atomic<bool> fail{false};

 private:
  const Clock::time_point* now_;
  std::optional<Clock::duration> lifetime_;
};

class CredentialsCacheTest : public ::testing::Test {
 protected:
  std::unique_ptr<CredentialsProvider> Cache(std::optional<Clock::duration> lifetime) {
    auto inner = std::make_unique<CountingProvider>(&now_, lifetime);
    inner_ = inner.get();
    CredentialsCacheOptions options;
    options.now = [this] { return now_; };
    return NewCachingCredentialsProvider(std::move(inner), options);
  }
  std::string Key(CredentialsProvider& p) {
    Result<Credentials> c = p.GetCredentials();
    return c.ok() ? c->access_key_id : c.status().ToString();
  }

  Clock::time_point now_ = Clock::time_point(seconds(1'800'000'000));
  CountingProvider* inner_ = nullptr;
};

TEST_F(CredentialsCacheTest, LongTermCredentialsAreCachedUntilInvalidated) {
  auto cache = Cache(std::nullopt);
  EXPECT_EQ(Key(*cache), "K1");
  now_ += std::chrono::hours(24 * 365);
  EXPECT_EQ(Key(*cache), "K1");
  EXPECT_EQ(inner_->calls, 1);
  cache->Invalidate();
  EXPECT_EQ(inner_->invalidations, 1);
  EXPECT_EQ(Key(*cache), "K2");
}

TEST_F(CredentialsCacheTest, RefreshesWithinWindowOfExpiry) {
  auto cache = Cache(minutes(60));
  EXPECT_EQ(Key(*cache), "K1");
  now_ += minutes(54);
  EXPECT_EQ(Key(*cache), "K1");
  now_ += minutes(2);  // 4 minutes left: inside the 5-minute window
  EXPECT_EQ(Key(*cache), "K2");
  EXPECT_EQ(Key(*cache), "K2");
  EXPECT_EQ(inner_->calls, 2);
}

TEST_F(CredentialsCacheTest, RefreshesImmediatelyWhenExpired) {
  auto cache = Cache(minutes(60));
  EXPECT_EQ(Key(*cache), "K1");
  now_ += minutes(61);
  EXPECT_EQ(Key(*cache), "K2");
}

TEST_F(CredentialsCacheTest, ShortLivedCredentialsAreUsedForHalfTheirLife) {
  auto cache = Cache(minutes(2));  // shorter than the window
  EXPECT_EQ(Key(*cache), "K1");
  now_ += seconds(59);
  EXPECT_EQ(Key(*cache), "K1");
  now_ += seconds(2);
  EXPECT_EQ(Key(*cache), "K2");
}

TEST_F(CredentialsCacheTest, FailedRefreshKeepsUnexpiredCredentials) {
  auto cache = Cache(minutes(60));
  EXPECT_EQ(Key(*cache), "K1");
  now_ += minutes(57);
  inner_->fail = true;
  EXPECT_EQ(Key(*cache), "K1");
  EXPECT_EQ(inner_->calls, 2);
  now_ += seconds(5);  // within retry_after_failure: the source is not asked again
  EXPECT_EQ(Key(*cache), "K1");
  EXPECT_EQ(inner_->calls, 2);
  now_ += seconds(10);
  EXPECT_EQ(Key(*cache), "K1");
  EXPECT_EQ(inner_->calls, 3);
  inner_->fail = false;
  now_ += seconds(11);
  EXPECT_EQ(Key(*cache), "K4");
}

TEST_F(CredentialsCacheTest, FailedRefreshAfterExpiryIsAnError) {
  auto cache = Cache(minutes(60));
  EXPECT_EQ(Key(*cache), "K1");
  now_ += minutes(61);
  inner_->fail = true;
  Result<Credentials> c = cache->GetCredentials();
  ASSERT_FALSE(c.ok());
  EXPECT_TRUE(c.status().IsTransient());
}

TEST_F(CredentialsCacheTest, ErrorsAreNotCached) {
  auto cache = Cache(minutes(60));
  inner_->fail = true;
  EXPECT_FALSE(cache->GetCredentials().ok());
  inner_->fail = false;
  EXPECT_EQ(Key(*cache), "K2");
}

TEST_F(CredentialsCacheTest, InvalidateForcesRefreshOfTemporaryCredentials) {
  auto cache = Cache(minutes(60));
  EXPECT_EQ(Key(*cache), "K1");
  cache->Invalidate();
  EXPECT_EQ(Key(*cache), "K2");
}

// A source that blocks until released, to check that concurrent callers share one refresh.
class SlowProvider : public CredentialsProvider {
 public:
  Result<Credentials> GetCredentials() override {
    ++calls;
    std::unique_lock<std::mutex> lock(mu);
    entered = true;
    cv.notify_all();
    cv.wait(lock, [this] { return released; });
    Credentials c;
    c.access_key_id = "K" + std::to_string(calls.load());
    c.secret_access_key = "s";
    c.expiration = Clock::now() + std::chrono::hours(1);
    return c;
  }
  std::atomic<int> calls{0};
  std::mutex mu;
  std::condition_variable cv;
  bool entered = false;
  bool released = false;
};

TEST(CredentialsCacheConcurrencyTest, OneRefreshForManyCallers) {
  auto inner = std::make_unique<SlowProvider>();
  SlowProvider* slow = inner.get();
  auto cache = NewCachingCredentialsProvider(std::move(inner));
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&] {
      Result<Credentials> c = cache->GetCredentials();
      if (c.ok() && c->access_key_id == "K1") ++ok;
    });
  }
  {
    std::unique_lock<std::mutex> lock(slow->mu);
    slow->cv.wait(lock, [&] { return slow->entered; });
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(50));  // let the others pile up
  {
    std::lock_guard<std::mutex> lock(slow->mu);
    slow->released = true;
  }
  slow->cv.notify_all();
  for (auto& t : threads) t.join();
  EXPECT_EQ(slow->calls, 1);
  EXPECT_EQ(ok, 8);
}

TEST_F(CredentialsCacheTest, CallersWithUsableCredentialsDoNotWaitForARefresh) {
  // Inner provider blocks during the second fetch; another caller must get K1 meanwhile.
  std::mutex mu;
  std::condition_variable cv;
  bool in_refresh = false, release = false;
  int n = 0;
  class Blocking : public CredentialsProvider {
   public:
    explicit Blocking(std::function<Result<Credentials>()> f) : f_(std::move(f)) {}
    Result<Credentials> GetCredentials() override { return f_(); }
    std::function<Result<Credentials>()> f_;
  };
  CredentialsCacheOptions options;
  std::atomic<Clock::rep> now_rep{now_.time_since_epoch().count()};
  options.now = [&] { return Clock::time_point(Clock::duration(now_rep.load())); };
  auto cache = NewCachingCredentialsProvider(
      std::make_unique<Blocking>([&]() -> Result<Credentials> {
        std::unique_lock<std::mutex> lock(mu);
        ++n;
        if (n == 2) {
          in_refresh = true;
          cv.notify_all();
          cv.wait(lock, [&] { return release; });
        }
        Credentials c;
        c.access_key_id = "K" + std::to_string(n);
        c.expiration = Clock::time_point(Clock::duration(now_rep.load())) + minutes(60);
        return c;
      }),
      options);
  ASSERT_EQ(Key(*cache), "K1");
  now_rep += std::chrono::duration_cast<Clock::duration>(minutes(57)).count();
  std::thread refresher([&] { EXPECT_EQ(Key(*cache), "K2"); });
  {
    std::unique_lock<std::mutex> lock(mu);
    cv.wait(lock, [&] { return in_refresh; });
  }
  EXPECT_EQ(Key(*cache), "K1");  // would deadlock if it waited for the refresh
  {
    std::lock_guard<std::mutex> lock(mu);
    release = true;
  }
  cv.notify_all();
  refresher.join();
  EXPECT_EQ(Key(*cache), "K2");
}

}  // namespace
}  // namespace s3proc
