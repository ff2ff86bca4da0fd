#pragma once

#include <sys/types.h>

#include <string>

#include "common/file_io.h"
#include "common/result.h"
#include "common/status.h"

namespace s3proc {

// Directories held open and used through their descriptors (openat, mkdirat, unlinkat): once a
// directory is opened and checked, renaming it or swapping a symlink in under its name cannot
// redirect what is done in it. `shown` is the directory's path, for messages only.

// Opens the directory `name` in `parent_fd` (AT_FDCWD: the current directory), refusing a
// symbolic link in its last component. kIoError "<shown> is not a directory (a symlink?) ...".
Result<ScopedFd> OpenDirAt(int parent_fd, const std::string& name, const std::string& shown);

// Creates the directory `name` in `parent_fd` with `mode` (the umask may narrow it) unless
// something already has that name, then opens it as OpenDirAt does.
Result<ScopedFd> MakeAndOpenDirAt(int parent_fd, const std::string& name, mode_t mode,
                                  const std::string& shown);

// A directory only its user can change: owned by the effective user and not writable by its
// group or others. Otherwise kInvalidArgument naming `shown`, its owner and mode, and the fix.
// Root gets no exception: a root-run s3proc refuses another user's directory too, since that
// user could swap what is in it.
Status CheckPrivateDir(int dir_fd, const std::string& shown);

// Removes everything inside the directory `dir_fd`, never following a symbolic link: links are
// removed themselves, subdirectories are opened without following links and emptied the same
// way. Best effort: what cannot be removed is left.
void RemoveEntriesAt(int dir_fd);

// The whole of the regular file `name` in `dir_fd`, opened without following a link; "" when it
// does not exist.
Result<std::string> ReadFileAt(int dir_fd, const std::string& name, const std::string& shown);

}  // namespace s3proc
