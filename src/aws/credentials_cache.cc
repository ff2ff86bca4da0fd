#include "aws/credentials_cache.h"

#include <algorithm>
#include <mutex>
#include <optional>
#include <utility>

namespace s3proc {
namespace {

using Clock = std::chrono::system_clock;

class CachingCredentialsProvider final : public CredentialsProvider {
 public:
  CachingCredentialsProvider(std::unique_ptr<CredentialsProvider> inner,
                             CredentialsCacheOptions options)
      : inner_(std::move(inner)), options_(std::move(options)) {}

  Result<Credentials> GetCredentials() override {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (FreshLocked(options_.now())) return *cached_;
    }
    std::unique_lock<std::mutex> refresh(refresh_mu_, std::try_to_lock);
    if (!refresh.owns_lock()) {
      {
        std::lock_guard<std::mutex> lock(mu_);
        if (UsableLocked(options_.now())) return *cached_;
      }
      refresh.lock();
    }
    {
      // Whoever held refresh_mu_ before us may have just refreshed.
      std::lock_guard<std::mutex> lock(mu_);
      if (FreshLocked(options_.now())) return *cached_;
    }
    // The source is asked without holding mu_, so that holders of unexpired credentials are not
    // blocked by a slow source.
    Result<Credentials> fetched = inner_->GetCredentials();
    std::lock_guard<std::mutex> lock(mu_);
    Clock::time_point now = options_.now();
    if (!fetched.ok()) {
      if (UsableLocked(now)) {
        Clock::duration half_left = (*cached_->expiration - now) / 2;
        refresh_at_ = now + std::min<Clock::duration>(options_.retry_after_failure, half_left);
        return *cached_;
      }
      cached_.reset();
      return fetched.status();
    }
    cached_ = *fetched;
    if (cached_->expiration) {
      Clock::time_point expiration = *cached_->expiration;
      refresh_at_ = expiration - options_.refresh_window;
      if (refresh_at_ <= now) {
        refresh_at_ = now + std::max<Clock::duration>((expiration - now) / 2, Clock::duration(0));
      }
    }
    return *cached_;
  }

  void Invalidate() override {
    {
      std::lock_guard<std::mutex> lock(mu_);
      cached_.reset();
    }
    inner_->Invalidate();
  }

 private:
  bool FreshLocked(Clock::time_point now) const {
    return cached_ && (!cached_->expiration || now < refresh_at_);
  }
  bool UsableLocked(Clock::time_point now) const {
    return cached_ && (!cached_->expiration || now < *cached_->expiration);
  }

  const std::unique_ptr<CredentialsProvider> inner_;
  const CredentialsCacheOptions options_;
  std::mutex refresh_mu_;  // held by the one caller refreshing
  std::mutex mu_;          // guards cached_ and refresh_at_; never held while calling inner_
  std::optional<Credentials> cached_;
  Clock::time_point refresh_at_;
};

}  // namespace

std::unique_ptr<CredentialsProvider> NewCachingCredentialsProvider(
    std::unique_ptr<CredentialsProvider> inner, CredentialsCacheOptions options) {
  return std::make_unique<CachingCredentialsProvider>(std::move(inner), std::move(options));
}

}  // namespace s3proc
