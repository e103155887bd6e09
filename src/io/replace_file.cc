#include "memdb/io/replace_file.h"

#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <memory>

namespace memdb {
namespace {

std::string UniqueTmpPath(const std::string& path) {
  static std::atomic<uint64_t> counter{0};
  std::string tmp = path;
  tmp.append(".tmp-")
      .append(std::to_string(::getpid()))
      .append("-")
      .append(std::to_string(counter.fetch_add(1)));
  return tmp;
}

}  // namespace

Status ReplaceFileAtomically(FileSystem& fs, const std::string& path,
                             const std::function<Status(WritableFile&)>& write,
                             const ReplaceFileOptions& options) {
  const std::string tmp = options.tmp_path.empty() ? UniqueTmpPath(path) : options.tmp_path;
  auto before = [&](ReplaceStep step) {
    return options.before_step ? options.before_step(step) : Status::OK();
  };
  auto fail = [&](const Status& s) {
    fs.RemoveFile(tmp).IgnoreError();
    return s;
  };
  if (Status s = before(ReplaceStep::kWrite); !s.ok()) return fail(s);
  Result<std::unique_ptr<WritableFile>> file = fs.NewWritableFile(tmp);
  if (!file.ok()) return fail(file.status());
  Status s = write(**file);
  if (s.ok()) s = before(ReplaceStep::kSync);
  if (s.ok() && options.sync_file) s = (*file)->Sync();
  const Status closed = (*file)->Close();
  if (s.ok()) s = closed;
  if (s.ok()) s = before(ReplaceStep::kRename);
  if (s.ok()) s = fs.Rename(tmp, path);
  if (!s.ok()) return fail(s);
  if (s = before(ReplaceStep::kDirSync); !s.ok()) return fail(s);
  if (!options.sync_dir) return Status::OK();
  // The rename may or may not survive a crash until this returns; either way the path holds a
  // whole file, the old one or the new one.
  s = fs.SyncDir(options.dir.empty() ? DirName(path) : options.dir);
  if (!s.ok()) return fail(s);
  return Status::OK();
}

Status ReplaceFileAtomically(FileSystem& fs, const std::string& path, std::string_view bytes,
                             const ReplaceFileOptions& options) {
  return ReplaceFileAtomically(
      fs, path, [bytes](WritableFile& file) { return file.Append(bytes); }, options);
}

}  // namespace memdb
