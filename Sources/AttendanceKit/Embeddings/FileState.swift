import FaceKit
import Foundation
import Synchronization

/// Size and modification time of a file, the cheap test for "unchanged".
struct FileState: Equatable {
  let size: Int64
  let mtime: Double

  init?(path: String) {
    var info = stat()
    guard stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return nil }
    size = Int64(info.st_size)
    mtime = Double(info.st_mtim.tv_sec) + Double(info.st_mtim.tv_nsec) / 1e9
  }
}
