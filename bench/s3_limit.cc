// s3_limit: what the server sustains, measured with the leanest client we have: s3proc's own
// S3 client (SigV4 + libcurl, kept-alive connections) in a tight loop on N threads, doing
// nothing but one operation on objects of one size. bench/run compares every tool with it.
//
//   s3_limit --endpoint URL --bucket B --op put|get|job|delete|delete-batch --size BYTES
//            --count N --threads T [--suffix S]
//            [--dir DIR]
//   s3_limit --endpoint URL --bucket B --op fill --dir DIR --prefix P --threads T
//
// put writes <count> objects limit/<i> (from memory up to 64 MiB, else from a file in DIR, as
// s3proc uploads: multipart); get reads them (to memory up to 64 MiB, else to a file in DIR, as
// s3proc downloads); job does s3proc's requests for each of them and nothing else: GET
// limit/<i>, PUT its bytes to limit/<i>.out, delete limit/<i> in DeleteObjects batches of 500
// (the server's limit for the whole job, measured instead of modelled); delete removes
// limit/<i><suffix> one DeleteObject at a time, delete-batch 500 keys per DeleteObjects, as
// s3proc deletes its inputs (ops_per_s counts objects). fill uploads every file
// under DIR to P + its path relative to DIR: bench/run fills its buckets with it, 5x faster
// than boto3 would (the fills of a full run took longer than the runs measured). Credentials from
// the environment (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY). Prints one JSON line:
//   {"op":"put","count":N,"bytes":B,"seconds":S,"ops_per_s":X,"mb_per_s":Y,"errors":E}
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "aws/credentials_env.h"
#include "http/curl_http_client.h"
#include "s3/s3_client.h"

namespace s3proc {
namespace {

struct Args {
  std::string endpoint, bucket, op, dir = "/tmp", prefix, suffix;
  uint64_t size = 1024;
  int count = 1000, threads = 16;
};

constexpr uint64_t kInMemoryLimit = 64ull << 20;

int Main(int argc, char** argv) {
  Args a;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string k = argv[i], v = argv[i + 1];
    if (k == "--endpoint")
      a.endpoint = v;
    else if (k == "--bucket")
      a.bucket = v;
    else if (k == "--op")
      a.op = v;
    else if (k == "--size")
      a.size = std::strtoull(v.c_str(), nullptr, 10);
    else if (k == "--count")
      a.count = std::atoi(v.c_str());
    else if (k == "--threads")
      a.threads = std::atoi(v.c_str());
    else if (k == "--dir")
      a.dir = v;
    else if (k == "--prefix")
      a.prefix = v;
    else if (k == "--suffix")
      a.suffix = v;
    else {
      std::fprintf(stderr, "s3_limit: unknown argument %s\n", k.c_str());
      return 2;
    }
  }
  if (a.endpoint.empty() || a.bucket.empty() || a.op.empty()) {
    std::fprintf(stderr, "s3_limit: --endpoint, --bucket and --op are required\n");
    return 2;
  }
  CurlHttpClientOptions http_options;
  http_options.max_idle_connections = static_cast<size_t>(a.threads) * 2 + 4;
  std::unique_ptr<HttpClient> http = NewCurlHttpClient(http_options);
  std::unique_ptr<CredentialsProvider> creds = NewEnvCredentialsProvider();
  S3ClientOptions options;
  options.endpoint = a.endpoint;
  options.path_style = true;
  S3Client client(*http, *creds, options);

  const bool large = a.size > kInMemoryLimit;
  const std::string payload(large ? 0 : a.size, 'x');
  const std::string source = a.dir + "/s3_limit-source";
  if (large && a.op == "put") {
    std::ofstream out(source, std::ios::binary);
    std::string chunk(1 << 20, 'x');
    for (uint64_t done = 0; done < a.size; done += chunk.size()) {
      out.write(chunk.data(),
                static_cast<std::streamsize>(std::min<uint64_t>(chunk.size(), a.size - done)));
    }
  }

  std::vector<std::string> fill_files;  // paths relative to a.dir
  if (a.op == "fill") {
    for (const auto& entry : std::filesystem::recursive_directory_iterator(a.dir)) {
      if (entry.is_regular_file()) {
        fill_files.push_back(std::filesystem::relative(entry.path(), a.dir).string());
      }
    }
    a.count = static_cast<int>(fill_files.size());
  }

  std::atomic<int> next{0}, errors{0};
  std::atomic<uint64_t> bytes{0};
  auto delete_batch = [&](const std::vector<ObjectId>& batch) -> Status {
    auto r = client.DeleteObjects(a.bucket, batch);
    if (!r.ok()) return r.status();
    if (r->failures.empty()) return Status::Ok();
    return Status::Internal(std::to_string(r->failures.size()) + " objects not deleted");
  };
  // The job's inputs waiting for their DeleteObjects batch, as in s3proc's InputDeleter.
  constexpr size_t kDeleteBatch = 500;
  std::mutex pending_mu;
  std::vector<ObjectId> pending;
  auto worker = [&](int t) {
    const std::string sink = a.dir + "/s3_limit-sink-" + std::to_string(t);
    const int step = a.op == "delete-batch" ? static_cast<int>(kDeleteBatch) : 1;
    for (int i; (i = next.fetch_add(step)) < a.count;) {
      const std::string key = "limit/" + std::to_string(i) + a.suffix;
      Status s = Status::Ok();
      if (a.op == "put") {
        auto r = large ? client.PutObjectFromFile(a.bucket, key, source)
                       : client.PutObjectFromString(a.bucket, key, payload);
        s = r.ok() ? Status::Ok() : r.status();
        if (r.ok()) bytes += a.size;
      } else if (a.op == "get") {
        if (large) {
          auto r = client.GetObjectToFile(a.bucket, key, "", sink);
          s = r.ok() ? Status::Ok() : r.status();
          if (r.ok()) bytes += r->size;
          ::unlink(sink.c_str());
        } else {
          auto r = client.GetObjectToString(a.bucket, key);
          s = r.ok() ? Status::Ok() : r.status();
          if (r.ok()) bytes += r->size();
        }
      } else if (a.op == "job") {
        if (large) {
          auto got = client.GetObjectToFile(a.bucket, key, "", sink);
          auto put = got.ok() ? client.PutObjectFromFile(a.bucket, key + ".out", sink)
                              : Result<PutResult>(got.status());
          ::unlink(sink.c_str());
          s = put.ok() ? Status::Ok() : put.status();
        } else {
          auto got = client.GetObjectToString(a.bucket, key);
          auto put = got.ok() ? client.PutObjectFromString(a.bucket, key + ".out", *got)
                              : Result<PutResult>(got.status());
          s = put.ok() ? Status::Ok() : put.status();
        }
        if (s.ok()) {
          bytes += a.size;
          std::vector<ObjectId> full;
          {
            std::lock_guard<std::mutex> lock(pending_mu);
            pending.push_back({key, ""});
            if (pending.size() >= kDeleteBatch) full.swap(pending);
          }
          if (!full.empty()) s = delete_batch(full);
        }
      } else if (a.op == "delete") {
        s = client.DeleteObject(a.bucket, key);
      } else if (a.op == "delete-batch") {
        std::vector<ObjectId> batch;
        for (int j = i; j < std::min(i + step, a.count); ++j) {
          batch.push_back({"limit/" + std::to_string(j) + a.suffix, ""});
        }
        s = delete_batch(batch);
      } else if (a.op == "fill") {
        const std::string& rel = fill_files[static_cast<size_t>(i)];
        auto r = client.PutObjectFromFile(a.bucket, a.prefix + rel, a.dir + "/" + rel);
        s = r.ok() ? Status::Ok() : r.status();
        if (r.ok()) bytes += r->size;
      }
      if (!s.ok()) {
        if (errors.fetch_add(1) < 3) std::fprintf(stderr, "s3_limit: %s\n", s.ToString().c_str());
      }
    }
  };
  auto start = std::chrono::steady_clock::now();
  std::vector<std::thread> pool;
  for (int t = 0; t < a.threads; ++t) pool.emplace_back(worker, t);
  for (auto& th : pool) th.join();
  if (!pending.empty()) {
    Status s = delete_batch(pending);
    if (!s.ok()) {
      errors.fetch_add(1);
      std::fprintf(stderr, "s3_limit: %s\n", s.ToString().c_str());
    }
  }
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (large && a.op == "put") ::unlink(source.c_str());
  std::printf(
      "{\"op\":\"%s\",\"size\":%llu,\"count\":%d,\"bytes\":%llu,\"seconds\":%.4f,"
      "\"ops_per_s\":%.1f,\"mb_per_s\":%.2f,\"errors\":%d}\n",
      a.op.c_str(), static_cast<unsigned long long>(a.size), a.count,
      static_cast<unsigned long long>(bytes.load()), seconds, a.count / seconds,
      bytes.load() / seconds / 1e6, errors.load());
  return errors.load() == 0 ? 0 : 1;
}

}  // namespace
}  // namespace s3proc

int main(int argc, char** argv) { return s3proc::Main(argc, argv); }
