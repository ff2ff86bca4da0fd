#include "processors/gzip_input_processor.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "common/hash.h"
#include "processors/json_processor.h"
#include "processors/passthrough_processor.h"
#include "testutil/gzip_bytes.h"
#include "testutil/temp_dir.h"

namespace s3proc {
namespace {

using testing::GunzipBytes;
using testing::GzipBytes;
using testing::ReadFileOrEmpty;
using testing::TempDir;

// The tests' inputs are compressed as tightly as zlib can (a bomb is small).
std::string Gzip(std::string_view data) { return GzipBytes(data, Z_BEST_COMPRESSION); }

class GzipInputProcessorTest : public ::testing::Test {
 protected:
  Status Run(std::string_view stored, std::string key = "input/a.json.gz",
             uint64_t limit = GzipInputProcessor::kDefaultMaxDecompressedBytes,
             std::unique_ptr<Processor> inner = std::make_unique<PassthroughProcessor>()) {
    GzipInputProcessor processor(std::move(inner), limit);
    std::string in = dir_.WriteFile("in.gz", stored);
    out_path_ = (dir_.path() / "out").string();
    return processor.Process(in, out_path_,
                             ProcessContext{std::move(key), stored.size(), "", "now"});
  }
  void ExpectRejected(std::string_view stored, std::string_view reason_part) {
    Status s = Run(stored);
    EXPECT_TRUE(s.IsRejected()) << s.ToString() << " for " << reason_part << ", " << stored.size()
                                << " bytes";
    EXPECT_NE(s.message().find(reason_part), std::string::npos) << s.message();
  }
  // Files left by the decorator itself (its temporary decompressed copies).
  size_t TempFilesInDir() const {
    size_t count = 0;
    for (const auto& entry : std::filesystem::directory_iterator(dir_.path())) {
      std::string name = entry.path().filename().string();
      if (name.find(".gunzip.") != std::string::npos || name.find(".plain.") != std::string::npos) {
        ++count;
      }
    }
    return count;
  }

  TempDir dir_;
  std::string out_path_;
};

TEST_F(GzipInputProcessorTest, DetectsByKeySuffix) {
  EXPECT_TRUE(IsGzipKey("a.gz"));
  EXPECT_TRUE(IsGzipKey("dir/a.json.GZ"));
  EXPECT_FALSE(IsGzipKey("a.gzip"));
  EXPECT_FALSE(IsGzipKey("gz"));
  EXPECT_FALSE(IsGzipKey("a.tgz"));
}

// Gzip in, gzip out: the inner processor sees the decompressed bytes, and what it writes is
// compressed again (the output keeps the input's ".gz" name).
TEST_F(GzipInputProcessorTest, DecompressesForTheInnerProcessorAndCompressesItsOutput) {
  std::string data;
  for (int i = 0; i < 200000; ++i) data += "line " + std::to_string(i) + "\n";
  ASSERT_TRUE(Run(Gzip(data)).ok());
  EXPECT_EQ(GunzipBytes(ReadFileOrEmpty(out_path_)), data);
  EXPECT_EQ(TempFilesInDir(), 0u);
}

TEST_F(GzipInputProcessorTest, TheContentTypeOfAGzKeyIsGzip) {
  GzipInputProcessor processor(std::make_unique<JsonProcessor>(), 1 << 20);
  EXPECT_EQ(processor.content_type("input/a.json.gz"), "application/gzip");
  EXPECT_EQ(processor.content_type("input/a.json.GZ"), "application/gzip");
  EXPECT_EQ(processor.content_type("input/a.json"), "application/json");
}

TEST(GzipFileTest, CompressesWhatGunzipRestoresAcrossManyChunks) {
  TempDir dir;
  std::string plain;
  for (int i = 0; i < 200000; ++i) plain += std::to_string(i * 7919 % 10007) + ",";  // ~1 MiB
  std::string in = dir.WriteFile("plain", plain);
  std::string out = (dir.path() / "out.gz").string();
  ASSERT_TRUE(GzipFile(in, out).ok());
  std::string stored = ReadFileOrEmpty(out);
  EXPECT_LT(stored.size(), plain.size());
  EXPECT_EQ(GunzipBytes(stored), plain);

  std::string empty = dir.WriteFile("empty", "");
  ASSERT_TRUE(GzipFile(empty, out).ok());
  EXPECT_EQ(GunzipBytes(ReadFileOrEmpty(out)), "");

  EXPECT_EQ(GzipFile(in, (dir.path() / "missing-dir" / "out.gz").string()).code(),
            StatusCode::kIoError);
}

TEST_F(GzipInputProcessorTest, OtherKeysPassUnchanged) {
  std::string stored = Gzip("x");
  ASSERT_TRUE(Run(stored, "input/a.bin").ok());
  EXPECT_EQ(ReadFileOrEmpty(out_path_), stored);
}

TEST_F(GzipInputProcessorTest, ConcatenatedMembers) {
  ASSERT_TRUE(Run(Gzip("hello ") + Gzip("") + Gzip("world")).ok());
  EXPECT_EQ(GunzipBytes(ReadFileOrEmpty(out_path_)), "hello world");
}

TEST_F(GzipInputProcessorTest, MetadataDescribesTheCompressedBytes) {
  std::string stored = Gzip(R"({"a": [1, 2, 3]})");
  ASSERT_TRUE(Run(stored, "input/a.json.gz", 1 << 20, std::make_unique<JsonProcessor>()).ok());
  nlohmann::json doc = nlohmann::json::parse(GunzipBytes(ReadFileOrEmpty(out_path_)));
  Sha256Hasher hash;
  hash.Update(stored);
  EXPECT_EQ(doc["a"], nlohmann::json({1, 2, 3}));
  EXPECT_EQ(doc["_s3proc"]["sha256"], hash.HexDigest());
  EXPECT_EQ(doc["_s3proc"]["size"], stored.size());
  EXPECT_EQ(doc["_s3proc"]["source_key"], "input/a.json.gz");
}

TEST_F(GzipInputProcessorTest, InnerRejectionPassesThrough) {
  Status s = Run(Gzip("{oops"), "input/a.json.gz", 1 << 20, std::make_unique<JsonProcessor>());
  EXPECT_TRUE(s.IsRejected()) << s.ToString();
  EXPECT_EQ(TempFilesInDir(), 0u);
}

TEST_F(GzipInputProcessorTest, CorruptData) {
  std::string plain;
  for (int i = 0; i < 20000; ++i) plain += std::to_string(i * 7919 % 10007) + ",";
  // (Not a run of one byte: there a flipped bit can decode to the same bytes, CRC and all.)
  std::string good = Gzip(plain);
  ExpectRejected("", "corrupt gzip data: empty file");
  ExpectRejected("not gzip at all", "corrupt gzip data");
  ExpectRejected(good.substr(0, good.size() / 2), "truncated");
  ExpectRejected(good.substr(0, good.size() - 4), "truncated");  // no length trailer
  std::string flipped = good;
  flipped[good.size() / 2] ^= 0x55;
  ExpectRejected(flipped, "corrupt gzip data");
  std::string bad_crc = good;
  bad_crc[good.size() - 6] ^= 0x01;
  ExpectRejected(bad_crc, "corrupt gzip data");
  ExpectRejected(good + "garbage", "corrupt gzip data");
  EXPECT_EQ(TempFilesInDir(), 0u);
}

TEST_F(GzipInputProcessorTest, BombOverTheLimitIsRejected) {
  std::string bomb = Gzip(std::string(20 << 20, '\0'));  // 20 MiB of zeros, ~20 KiB stored
  Status s = Run(bomb, "input/a.gz", 1 << 20);
  EXPECT_TRUE(s.IsRejected()) << s.ToString();
  EXPECT_NE(s.message().find("more than the limit of 1048576 bytes"), std::string::npos)
      << s.message();
  EXPECT_EQ(TempFilesInDir(), 0u);
  // Exactly at the limit is fine.
  ASSERT_TRUE(Run(Gzip(std::string(1 << 20, 'y')), "input/a.gz", 1 << 20).ok());
}

// A bomb under the size limit still cannot fill the disk: decompression stops while the file
// system keeps kKeepFreeBytes, as an IoError (a failed attempt, tried again later).
TEST(GunzipFileTest, StopsBeforeTheDiskIsFull) {
  TempDir dir;
  std::string in = dir.WriteFile("in.gz", Gzip(std::string(3 * kFreeSpaceCheckBytes, '\0')));
  std::string out = (dir.path() / "out").string();
  uint64_t free = kKeepFreeBytes + kFreeSpaceCheckBytes + kFreeSpaceCheckBytes / 2;
  int asked = 0;
  const FreeSpaceProbe shrinking = [&](const std::string& folder) -> Result<uint64_t> {
    EXPECT_EQ(folder, dir.path().string());
    ++asked;
    free -= kFreeSpaceCheckBytes;  // what was written since the last look
    return free;
  };
  uint64_t size = 0;
  std::string sha;
  Status s = GunzipFile(in, out, uint64_t{1} << 40, &size, &sha, shrinking);
  EXPECT_EQ(s.code(), StatusCode::kIoError) << s.ToString();
  EXPECT_NE(s.message().find("decompressing stopped after"), std::string::npos) << s.message();
  EXPECT_EQ(asked, 2);
  // With room, the same input decompresses whole.
  free = uint64_t{1} << 40;
  ASSERT_TRUE(GunzipFile(in, out, uint64_t{1} << 40, &size, &sha, shrinking).ok());
  EXPECT_EQ(std::filesystem::file_size(out), 3 * kFreeSpaceCheckBytes);
}

TEST_F(GzipInputProcessorTest, DiskFullIsAnIoError) {
  GzipInputProcessor processor(std::make_unique<PassthroughProcessor>(), 1 << 30);
  std::string in = dir_.WriteFile("in.gz", Gzip("data"));
  Status s =
      processor.Process(in, (dir_.path() / "missing-dir" / "out").string(), ProcessContext{"a.gz"});
  EXPECT_EQ(s.code(), StatusCode::kIoError) << s.ToString();
}

}  // namespace
}  // namespace s3proc
