#include "aws/credentials_cache.h"

#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <set>
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

// Makes kCallers callers provably pile up on one refresh. Every caller reads the cache's clock
// to decide whether the cached credentials are fresh; the source (the first caller's refresh)
// blocks until all kCallers callers have read it. So each of them found no fresh credentials
// while the refresh was in progress, and must wait for it rather than ask the source again.
class PileUp {
 public:
  static constexpr int kCallers = 8;

  // The cache's clock: records which threads have read it.
  Clock::time_point Now() {
    std::lock_guard<std::mutex> lock(mu_);
    readers_.insert(std::this_thread::get_id());
    cv_.notify_all();
    return Clock::time_point(std::chrono::seconds(1'800'000'000));
  }

  // The source: blocks until every caller has read the clock (bounded, so that a cache that
  // never reads it fails instead of hanging).
  Result<Credentials> Fetch() {
    int n = ++source_calls;
    {
      std::unique_lock<std::mutex> lock(mu_);
      all_arrived_ = cv_.wait_for(lock, std::chrono::seconds(20),
                                  [this] { return readers_.size() >= kCallers; });
    }
    Credentials c;
    c.access_key_id = "K" + std::to_string(n);
    c.secret_access_key = "s";
    c.expiration = Clock::time_point(std::chrono::seconds(1'800'000'000)) + std::chrono::hours(1);
    refreshed = true;
    return c;
  }

  bool all_arrived() {
    std::lock_guard<std::mutex> lock(mu_);
    return all_arrived_;
  }

  std::atomic<int> source_calls{0};
  std::atomic<bool> refreshed{false};  // a refresh has returned

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::set<std::thread::id> readers_;
  bool all_arrived_ = false;
};

class PileUpProvider : public CredentialsProvider {
 public:
  explicit PileUpProvider(PileUp& pile_up) : pile_up_(pile_up) {}
  Result<Credentials> GetCredentials() override { return pile_up_.Fetch(); }

 private:
  PileUp& pile_up_;
};

TEST(CredentialsCacheConcurrencyTest, OneRefreshForManyCallers) {
  PileUp pile_up;
  CredentialsCacheOptions options;
  options.now = [&] { return pile_up.Now(); };
  auto cache = NewCachingCredentialsProvider(std::make_unique<PileUpProvider>(pile_up), options);
  std::atomic<int> got_k1{0}, returned_before_refresh{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < PileUp::kCallers; ++i) {
    threads.emplace_back([&] {
      Result<Credentials> c = cache->GetCredentials();
      if (!pile_up.refreshed) ++returned_before_refresh;
      if (c.ok() && c->access_key_id == "K1") ++got_k1;
    });
  }
  for (auto& t : threads) t.join();
  ASSERT_TRUE(pile_up.all_arrived()) << "the callers never all overlapped the refresh";
  EXPECT_EQ(returned_before_refresh, 0) << "every caller waited for the refresh";
  EXPECT_EQ(got_k1, PileUp::kCallers) << "every caller got its result";
  EXPECT_EQ(pile_up.source_calls, 1) << "one refresh for all";
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
