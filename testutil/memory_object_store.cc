#include "testutil/memory_object_store.h"

#include <ctime>
#include <fstream>
#include <memory>
#include <sstream>

#include "common/hash.h"

namespace s3proc::testing {

namespace {

std::string Md5Hex(std::string_view data) {
  StreamDigest digest;
  digest.Update(data);
  digest.Finish();
  return digest.md5_hex();
}

std::string Iso8601(std::chrono::system_clock::time_point t) {
  std::time_t seconds = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char buf[40];
  std::strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S.000Z", &tm);
  return buf;
}

}  // namespace

MemoryObjectStore::MemoryObjectStore() : now_(std::chrono::system_clock::now) {}

void MemoryObjectStore::Put(const std::string& key, std::string_view data) {
  std::lock_guard lock(mu_);
  (void)StoreLocked(key, std::string(data), PutOptions{});
}

std::optional<std::string> MemoryObjectStore::Get(const std::string& key) const {
  std::lock_guard lock(mu_);
  auto it = objects_.find(key);
  if (it == objects_.end()) return std::nullopt;
  return it->second.data;
}

bool MemoryObjectStore::Contains(const std::string& key) const {
  std::lock_guard lock(mu_);
  return objects_.count(key) > 0;
}

std::vector<std::string> MemoryObjectStore::Keys(const std::string& prefix) const {
  std::lock_guard lock(mu_);
  std::vector<std::string> keys;
  for (auto it = objects_.lower_bound(prefix); it != objects_.end(); ++it) {
    if (!it->first.starts_with(prefix)) break;
    keys.push_back(it->first);
  }
  return keys;
}

void MemoryObjectStore::SetClock(std::function<std::chrono::system_clock::time_point()> now) {
  std::lock_guard lock(mu_);
  now_ = std::move(now);
}

void MemoryObjectStore::SetFaultHook(FaultHook hook) {
  std::lock_guard lock(mu_);
  hook_ = std::move(hook);
}

void MemoryObjectStore::PutOnceBefore(std::string_view operation, const std::string& trigger_key,
                                      const std::string& key, std::string data) {
  auto done = std::make_shared<bool>(false);
  SetFaultHook([this, done, operation = std::string(operation), trigger_key, key,
                data = std::move(data)](std::string_view op, const std::string& on) {
    if (!*done && op == operation && on == trigger_key) {
      *done = true;
      Put(key, data);
    }
    return Status::Ok();
  });
}

void MemoryObjectStore::FailNext(std::string_view operation, Status status, int count) {
  std::lock_guard lock(mu_);
  pending_failures_.push_back({std::string(operation), std::move(status), count});
}

void MemoryObjectStore::SetPageSize(size_t page_size) {
  std::lock_guard lock(mu_);
  page_size_ = page_size == 0 ? 1 : page_size;
}

int MemoryObjectStore::CallCount(std::string_view operation) const {
  std::lock_guard lock(mu_);
  auto it = calls_.find(operation);
  return it == calls_.end() ? 0 : it->second;
}

Status MemoryObjectStore::Inject(std::string_view operation, const std::string& key) {
  FaultHook hook;
  {
    std::lock_guard lock(mu_);
    ++calls_[std::string(operation)];
    for (auto it = pending_failures_.begin(); it != pending_failures_.end(); ++it) {
      if (it->operation != operation) continue;
      Status status = it->status;
      if (--it->remaining <= 0) pending_failures_.erase(it);
      return status;
    }
    hook = hook_;
  }
  // The hook runs unlocked: it may block (to interleave threads) or call the store.
  return hook ? hook(operation, key) : Status::Ok();
}

std::string MemoryObjectStore::NowLocked() const { return Iso8601(now_()); }

Status MemoryObjectStore::CheckConditionsLocked(const std::string& key,
                                                const PutOptions& options) const {
  auto it = objects_.find(key);
  if (options.if_none_match_any && it != objects_.end()) {
    return Status::PreconditionFailed("put mem://" + key +
                                      ": PreconditionFailed (412): the key already exists");
  }
  if (!options.if_match_etag.empty() &&
      (it == objects_.end() || it->second.etag != options.if_match_etag)) {
    return Status::PreconditionFailed("put mem://" + key + ": PreconditionFailed (412): its ETag " +
                                      "is no longer " + options.if_match_etag);
  }
  return Status::Ok();
}

Result<PutResult> MemoryObjectStore::StoreLocked(const std::string& key, std::string data,
                                                 const PutOptions& options) {
  if (key.empty()) return Status::InvalidArgument("put mem://: empty key");
  S3PROC_RETURN_IF_ERROR(CheckConditionsLocked(key, options));
  Object object;
  object.etag = Md5Hex(data);
  object.data = std::move(data);
  object.last_modified = NowLocked();
  object.content_type = options.content_type;
  object.metadata = options.metadata;
  PutResult result{object.etag, "", object.data.size()};
  objects_[key] = std::move(object);
  return result;
}

ObjectInfo MemoryObjectStore::InfoLocked(const std::string& key, const Object& object) const {
  ObjectInfo info;
  info.key = key;
  info.size = object.data.size();
  info.etag = object.etag;
  info.last_modified = object.last_modified;
  info.content_type = object.content_type;
  info.metadata = object.metadata;
  return info;
}

Status MemoryObjectStore::List(
    const std::string& prefix,
    const std::function<Status(std::vector<ObjectSummary>&& page)>& on_page) {
  std::string after;
  bool first = true;
  while (true) {
    S3PROC_RETURN_IF_ERROR(Inject("list", prefix));
    std::vector<ObjectSummary> page;
    bool more = false;
    {
      std::lock_guard lock(mu_);
      auto it = first ? objects_.lower_bound(prefix) : objects_.upper_bound(after);
      for (; it != objects_.end() && it->first.starts_with(prefix); ++it) {
        if (page.size() == page_size_) {
          more = true;
          break;
        }
        page.push_back(
            {it->first, it->second.data.size(), it->second.etag, it->second.last_modified});
      }
    }
    first = false;
    if (page.empty() && !more) return Status::Ok();
    after = page.back().key;
    S3PROC_RETURN_IF_ERROR(on_page(std::move(page)));
    if (!more) return Status::Ok();
  }
}

Result<ObjectInfo> MemoryObjectStore::Download(const std::string& key,
                                               const std::string& version_id,
                                               const std::string& local_path) {
  S3PROC_RETURN_IF_ERROR(Inject("download", key));
  std::string data;
  ObjectInfo info;
  {
    std::lock_guard lock(mu_);
    auto it = objects_.find(key);
    if (it == objects_.end() || !version_id.empty()) {
      return Status::NotFound("download mem://" + key + ": NoSuchKey (404)");
    }
    data = it->second.data;
    info = InfoLocked(key, it->second);
  }
  std::ofstream out(local_path, std::ios::binary | std::ios::trunc);
  out.write(data.data(), static_cast<std::streamsize>(data.size()));
  out.close();
  if (!out) return Status::IoError("download mem://" + key + ": cannot write " + local_path);
  return info;
}

Result<PutResult> MemoryObjectStore::Upload(const std::string& key, const std::string& local_path,
                                            const PutOptions& options) {
  S3PROC_RETURN_IF_ERROR(Inject("upload", key));
  std::ifstream in(local_path, std::ios::binary);
  if (!in) return Status::IoError("upload mem://" + key + ": cannot read " + local_path);
  std::ostringstream data;
  data << in.rdbuf();
  std::lock_guard lock(mu_);
  return StoreLocked(key, data.str(), options);
}

Result<PutResult> MemoryObjectStore::PutBytes(const std::string& key, std::string_view data,
                                              const PutOptions& options) {
  S3PROC_RETURN_IF_ERROR(Inject("put", key));
  std::lock_guard lock(mu_);
  return StoreLocked(key, std::string(data), options);
}

Result<std::string> MemoryObjectStore::GetBytes(const std::string& key) {
  S3PROC_RETURN_IF_ERROR(Inject("get", key));
  std::lock_guard lock(mu_);
  auto it = objects_.find(key);
  if (it == objects_.end()) return Status::NotFound("get mem://" + key + ": NoSuchKey (404)");
  return it->second.data;
}

Result<ObjectInfo> MemoryObjectStore::Head(const std::string& key) {
  S3PROC_RETURN_IF_ERROR(Inject("head", key));
  std::lock_guard lock(mu_);
  auto it = objects_.find(key);
  if (it == objects_.end()) return Status::NotFound("head mem://" + key + ": NotFound (404)");
  return InfoLocked(key, it->second);
}

Result<PutResult> MemoryObjectStore::Copy(const std::string& source_key,
                                          const std::string& source_version_id,
                                          const std::string& destination_key,
                                          const PutOptions& options) {
  S3PROC_RETURN_IF_ERROR(Inject("copy", destination_key));
  std::lock_guard lock(mu_);
  auto it = objects_.find(source_key);
  if (it == objects_.end() || !source_version_id.empty()) {
    return Status::NotFound("copy mem://" + source_key + " to mem://" + destination_key +
                            ": NoSuchKey (404)");
  }
  Object source = it->second;
  if (!options.copy_source_if_match.empty() && options.copy_source_if_match != source.etag) {
    return Status::PreconditionFailed("copy mem://" + source_key + ": its ETag is no longer " +
                                      options.copy_source_if_match);
  }
  PutOptions effective = options;
  // S3 copies the metadata unless told to replace it (a copy with new metadata).
  if (effective.metadata.empty() && effective.content_type.empty()) {
    effective.metadata = source.metadata;
    effective.content_type = source.content_type;
  }
  return StoreLocked(destination_key, std::move(source.data), effective);
}

Result<DeleteObjectsResult> MemoryObjectStore::Delete(const std::vector<ObjectId>& objects) {
  if (!objects.empty()) S3PROC_RETURN_IF_ERROR(Inject("delete_request", objects.front().key));
  DeleteObjectsResult result;
  for (const ObjectId& id : objects) {
    Status s = Inject("delete", id.key);
    if (!s.ok()) {
      result.failures.push_back({id, std::move(s)});
      continue;
    }
    std::lock_guard lock(mu_);
    if (!id.version_id.empty()) continue;  // no versions here: that version is not
    auto it = objects_.find(id.key);
    if (it == objects_.end()) continue;
    if (!id.etag.empty() && it->second.etag != id.etag) {
      result.failures.push_back(
          {id, Status::PreconditionFailed("delete mem://" + id.key +
                                          ": PreconditionFailed (412): its ETag is no longer " +
                                          id.etag)});
      continue;
    }
    objects_.erase(it);
  }
  return result;
}

}  // namespace s3proc::testing
