import Foundation

/// att's files hold biometric data (face crops, embeddings) and credentials (password and token
/// hashes): they are for the user the tools run as. New files are 0600 and folders 0700 through
/// the umask every tool sets (`FilePrivacy.restrictUmask`); existing ones are tightened on open.
public enum FilePrivacy {
  /// New files 0600, new folders 0700, for the rest of the process.
  public static func restrictUmask() {
    umask(0o077)
  }

  /// Removes the group's and others' permissions from each of `paths` that exists and has any;
  /// returns those changed. Failures (a file of another owner) are left alone.
  public static func tighten(_ paths: [String], mode: mode_t) -> [String] {
    var changed: [String] = []
    for path in paths {
      var info = stat()
      guard lstat(path, &info) == 0, (info.st_mode & S_IFMT) != S_IFLNK, info.st_mode & 0o077 != 0 else { continue }
      if chmod(path, mode) == 0 { changed.append(path) }
    }
    return changed
  }
}
